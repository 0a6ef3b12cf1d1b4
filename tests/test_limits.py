"""No input may hang or crash: big and deep org trees, cycles, long quarters, dates a built site
cannot carry, long CSVs and charts with too many bars, each within a documented limit.

The timing bounds here are generous "does not hang" guards for a slow, shared two-core machine,
not performance goals. Anything that could hang runs in a subprocess with a timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.load.checkins import read_checkins
from okrsite.load.readings import read_readings
from okrsite.load.repository import load
from okrsite.load.text import MAX_BYTES
from okrsite.model import limits
from okrsite.model.clock import parse_date, today
from okrsite.model.errors import OkrsiteError
from okrsite.model.okrs import (
    CheckIn,
    KeyResult,
    Objective,
    Org,
    Quarter,
    Repository,
    Unit,
    UnitKind,
    UnitPlan,
)
from okrsite.model.problems import CODES, Problem
from okrsite.model.scores import Band, KeyResultResult, Projection, QuarterResult, UnitResult
from okrsite.score.quarter import score_quarter
from okrsite.site.charts import key_result_chart, unit_scores_chart
from okrsite.site.charts.chart import MAX_BARS
from tests.conftest import MINIMAL, WriteRepo

ORG = "okrs/org.yaml"
NOV_20 = "1795132800"  # 2026-11-20T00:00:00Z
SVG = "{http://www.w3.org/2000/svg}"
DEMO = Path(__file__).resolve().parent.parent

PLAN = """\
objectives:
  - id: delivery
    title: Ship features from idea to production faster
    domain: delivery
{aligns}    key_results:
      - id: lead-time
        title: Reduce median lead time for changes from 12 days to 5 days
        owner: Sam Lee
        measurement: Deployment pipeline, median over merged changes
        baseline: 12
        target: 5
"""


# --- Building repositories ------------------------------------------------------------------

Spec = tuple[str, str, str | None]  # a unit's id, kind and parent
KINDS: dict[str, UnitKind] = {"org": "org", "group": "group", "team": "team"}


def org_yaml(units: Iterable[Spec]) -> str:
    """org.yaml for (id, kind, parent) triples."""
    lines = ["name: Big Org", "units:"]
    for unit_id, kind, parent in units:
        lines += [f"  - id: {unit_id}", f"    name: Unit {unit_id}", f"    kind: {kind}"]
        if parent is not None:
            lines.append(f"    parent: {parent}")
    return "\n".join(lines) + "\n"


def chain(count: int) -> list[Spec]:
    """The org u0 and groups u1..u(count-1), each the parent of the next."""
    return [("u0", "org", None)] + [(f"u{i}", "group", f"u{i - 1}") for i in range(1, count)]


def teams(count: int) -> list[Spec]:
    """The org u0 and count - 1 teams right under it."""
    return [("u0", "org", None)] + [(f"u{i}", "team", "u0") for i in range(1, count)]


def cycle(count: int) -> list[Spec]:
    """The org u0 and groups u1..u(count-1) whose parents go round in one loop."""
    return [("u0", "org", None), ("u1", "group", f"u{count - 1}")] + [
        (f"u{i}", "group", f"u{i - 1}") for i in range(2, count)
    ]


def plan(aligns_to: str | None = None) -> str:
    """A unit's YAML with one objective and one metric KR."""
    return PLAN.format(aligns=f"    aligns_to: {aligns_to}\n" if aligns_to else "")


def checkins(day: int) -> str:
    """A unit's CSV with one check-in of its KR in 2026-Q4."""
    return f"date,kr,value\n2026-10-{day:02d},delivery/lead-time,{5 + day % 7}\n"


def write(root: Path, files: dict[str, str]) -> Path:
    """Write the files under root, fast (no dedent: they can be thousands)."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def with_plans(units: Sequence[Spec], planned: Iterable[str]) -> dict[str, str]:
    """org.yaml for units, and a plan with a check-in in 2026-Q4 for each planned unit."""
    files = {ORG: org_yaml(units)}
    for number, unit_id in enumerate(planned):
        files[f"okrs/2026-Q4/{unit_id}.yaml"] = plan()
        files[f"okrs/2026-Q4/{unit_id}.csv"] = checkins(1 + number % 28)
    return files


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which needle first occurs in text."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def codes(problems: Iterable[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def run_check(root: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """`okrsite check` in a subprocess, failed if it has not finished after timeout seconds: a
    guard against a hang or a blow-up (the old code took minutes), not a performance figure."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": NOV_20}
    command = [sys.executable, "-c", "from okrsite.cli import main; main()", "check"]
    try:
        done = subprocess.run(
            [*command, "--root", str(root)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"okrsite check did not finish in {timeout} s")
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


# --- Trees: big, deep and broken, in linear time ----------------------------------------------


def test_check_of_a_1500_unit_chain_is_quick_and_says_it_is_too_deep(tmp_path: Path) -> None:
    units = chain(1500)
    files = with_plans(units, ["u0"])
    deepest = units[-1][0]
    files[f"okrs/2026-Q4/{deepest}.yaml"] = plan(aligns_to="u0/delivery")
    root = write(tmp_path, files)
    done = run_check(root, timeout=60)
    assert done.returncode == 1
    too_deep = f"u{limits.MAX_DEPTH}"  # the org is level 1
    line = line_of(files[ORG], f"id: {too_deep}\n")
    reported = [row for row in done.stdout.splitlines() if " OKR061 " in row]
    # Once, where the tree first gets too deep, not once for each of the 1,480 units below.
    assert reported == [
        f"{ORG}:{line}:9: OKR061 unit {too_deep!r} is {limits.MAX_DEPTH + 1} levels deep "
        f"(the org is level 1); okrsite reads at most {limits.MAX_DEPTH} levels: hang it "
        "higher up the tree, e.g. under a group nearer the org"
    ]


def test_check_of_a_5000_unit_cycle_is_quick_and_names_the_cycle(tmp_path: Path) -> None:
    files = {ORG: org_yaml(cycle(5000))}
    root = write(tmp_path, files)
    done = run_check(root, timeout=60)
    assert done.returncode == 1
    rows = done.stdout.splitlines()
    (too_many,) = [row for row in rows if " OKR060 " in row]
    assert too_many == (
        f"{ORG}:2:1: OKR060 org.yaml lists 5,000 units; okrsite reads at most "
        f"{limits.MAX_UNITS:,}: split the organisation into several OKR repositories"
    )
    (loop,) = [row for row in rows if " OKR104 " in row]
    line = line_of(files[ORG], "id: u1\n")
    assert loop == (
        f"{ORG}:{line}:9: OKR104 units form a cycle through their parents: "
        "u1 -> u4999 -> u4998 -> u4997 -> … -> u2 -> u1 (4999 units)"
    )
    assert not [row for row in rows if " OKR061 " in row]  # a cycle has no depth to report


def test_check_of_2000_teams_under_one_org_is_quick(tmp_path: Path) -> None:
    units = teams(limits.MAX_UNITS)
    root = write(tmp_path, with_plans(units, [unit_id for unit_id, _, _ in units]))
    done = run_check(root, timeout=240)
    assert " error" not in done.stdout and done.returncode == 0, done.stdout[-2000:]


def test_units_up_to_the_limit_are_read_one_more_is_an_error(write_repo: WriteRepo) -> None:
    at_limit = write_repo({ORG: org_yaml(teams(limits.MAX_UNITS))})
    assert codes(load(at_limit).problems, "OKR060") == []
    shutil.rmtree(at_limit)
    over = write_repo({ORG: org_yaml(teams(limits.MAX_UNITS + 1))})
    (problem,) = codes(load(over).problems, "OKR060")
    assert str(problem.location) == f"{ORG}:2:1"
    assert f"{limits.MAX_UNITS:,}" in problem.message


def test_a_tree_as_deep_as_the_limit_is_read(write_repo: WriteRepo) -> None:
    root = write_repo({ORG: org_yaml(chain(limits.MAX_DEPTH))})
    assert codes(load(root).problems, "OKR061") == []


def test_a_deep_branch_is_reported_once_where_it_passes_the_limit(write_repo: WriteRepo) -> None:
    units = chain(limits.MAX_DEPTH + 3)
    # A second branch that also passes the limit, hanging off the middle of the first.
    middle = f"u{limits.MAX_DEPTH // 2}"
    units += [("b0", "team", middle)]
    units += [(f"b{i}", "team", f"b{i - 1}") for i in range(1, limits.MAX_DEPTH)]
    root = write_repo({ORG: org_yaml(units)})
    reported = [p.message.split("'")[1] for p in codes(load(root).problems, "OKR061")]
    assert reported == [f"u{limits.MAX_DEPTH}", f"b{limits.MAX_DEPTH - limits.MAX_DEPTH // 2 - 1}"]


def test_cycles_are_found_in_linear_time_and_each_reported_once() -> None:
    from okrsite.load.org_file import read_org
    from okrsite.load.yaml_nodes import parse_yaml

    # Two cycles of 400, one with a tail of units hanging into it; every unit is walked once.
    units: list[Spec] = [("u0", "org", None), ("a0", "group", "a399")]
    units += [(f"a{i}", "group", f"a{i - 1}") for i in range(1, 400)]
    units += [("b0", "group", "b399")] + [(f"b{i}", "group", f"b{i - 1}") for i in range(1, 400)]
    units += [("t0", "team", "a200")] + [(f"t{i}", "team", f"t{i - 1}") for i in range(1, 400)]
    node, found = parse_yaml(org_yaml(units), ORG)
    assert node is not None and found == []
    problems: list[Problem] = []
    read_org(node, problems)
    loops = [p.message for p in codes(problems, "OKR104")]
    assert loops == [
        "units form a cycle through their parents: "
        f"{x}0 -> {x}399 -> {x}398 -> {x}397 -> … -> {x}1 -> {x}0 (400 units)"
        for x in "ab"
    ]


def test_short_cycles_are_named_in_full(write_repo: WriteRepo) -> None:
    units = [("u0", "org", None), ("a", "group", "c"), ("b", "group", "a"), ("c", "group", "b")]
    root = write_repo({ORG: org_yaml(units)})
    (loop,) = codes(load(root).problems, "OKR104")
    assert loop.message == "units form a cycle through their parents: a -> c -> b -> a"


# --- The model's tree and the roll-ups --------------------------------------------------------


def unit_org(specs: Sequence[Spec]) -> Org:
    return Org("Org", tuple(Unit(i, i, KINDS[kind], parent) for i, kind, parent in specs))


def test_tree_walks_are_iterative_and_indexed() -> None:
    org = unit_org(chain(10_000))
    assert [u.id for u, _ in org.forest()[:3]] == ["u0", "u1", "u2"]
    assert len(org.descendants("u0")) == 9_999
    assert [u.id for u in org.ancestors("u9999")][:2] == ["u9998", "u9997"]
    assert len(org.ancestors("u9999")) == 9_999
    assert [u.id for u in org.children("u10")] == ["u11"]
    assert org.unit("u5000") == Unit("u5000", "u5000", "group", "u4999")


def test_forest_walks_every_unit_once_and_cuts_cycles() -> None:
    org = unit_org(
        [
            ("x", "group", "z"),  # x -> z -> y -> x: a cycle, cut above x (first in org.yaml)
            ("eng", "org", None),
            ("y", "group", "x"),
            ("z", "group", "y"),
            ("tail", "team", "y"),
            ("lost", "team", "nowhere"),
            ("a", "team", "eng"),
        ]
    )
    assert [(u.id, parent) for u, parent in org.forest()] == [
        ("eng", None),
        ("a", "eng"),
        ("lost", None),
        ("x", None),
        ("y", "x"),
        ("z", "y"),
        ("tail", "y"),
    ]


def scored_chain(scores: Sequence[float]) -> tuple[Repository, Quarter]:
    """A chain of units, each with one objective whose one KR scores as given (a tenth at most)."""
    plans = []
    for i, score in enumerate(scores):
        value = round(score * 10)
        checkin = CheckIn(date(2026, 10, 2), "o/k", float(value))
        kr = KeyResult("k", "K", "o", "m", baseline=0, target=10, checkins=(checkin,))
        plans.append(UnitPlan(f"u{i}", (Objective("o", "O", (kr,)),)))
    quarter = Quarter("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), plans=tuple(plans))
    return Repository(unit_org(chain(len(scores))), (quarter,)), quarter


def test_rollups_of_a_long_chain_are_linear_and_flat_means() -> None:
    scores = [(i % 10) / 10 for i in range(500)]
    repository, quarter = scored_chain(scores)
    result = score_quarter(repository, quarter)
    rollups = [u.rollup for u in result.units]
    for i in (0, 1, 250, 491, 499):
        assert rollups[i] == pytest.approx(sum(scores[i:]) / len(scores[i:]), abs=1e-12)
    assert result.score == rollups[0]


def test_a_rollup_of_equal_scores_is_that_score_exactly() -> None:
    # A float sum drifts (ten times 0.1 is 0.9999999999999999): the roll-up must not.
    repository, quarter = scored_chain([0.1] * 30)
    result = score_quarter(repository, quarter)
    assert {u.rollup for u in result.units} == {0.1}


def test_a_cycle_is_scored_without_looping() -> None:
    org = unit_org(cycle(300))
    quarter = Quarter("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    result = score_quarter(Repository(org, (quarter,)), quarter)
    assert [u.unit.id for u in result.units] == [u.id for u in org.units]


# --- Quarter length and check-ins per file ---------------------------------------------------


def quarter_yaml(start: date, end: date) -> str:
    return f"start: {start.isoformat()}\nend: {end.isoformat()}\n"


def test_a_quarter_as_long_as_the_limit_is_read(write_repo: WriteRepo) -> None:
    start = date(2026, 10, 1)
    end = start + timedelta(days=limits.MAX_QUARTER_DAYS - 1)
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": quarter_yaml(start, end)})
    loaded = load(root)
    assert codes(loaded.problems, "OKR062") == []
    assert loaded.repository.quarters[0].end == end


def test_a_quarter_longer_than_the_limit_is_an_error(write_repo: WriteRepo) -> None:
    start = date(2026, 10, 1)
    end = start + timedelta(days=limits.MAX_QUARTER_DAYS)
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": quarter_yaml(start, end)})
    loaded = load(root)
    (problem,) = codes(loaded.problems, "OKR062")
    assert str(problem.location) == "okrs/2026-Q4/quarter.yaml:2:6"
    assert problem.message == (
        f"quarter 2026-Q4: runs {limits.MAX_QUARTER_DAYS + 1} days, from 2026-10-01 to "
        f"{end.isoformat()}; a quarter may run at most {limits.MAX_QUARTER_DAYS} days: give "
        "the quarter's real last day, e.g. 2026-12-31"
    )
    assert loaded.repository.quarters[0].end == date(2026, 12, 31)  # the calendar quarter's


def csv_rows(count: int) -> str:
    day = date(2026, 10, 1)
    rows = [
        f"{(day + timedelta(days=i % 90)).isoformat()},delivery/lead-time,7" for i in range(count)
    ]
    return "date,kr,value\n" + "\n".join(rows) + "\n"


def test_a_csv_as_long_as_the_limit_is_read() -> None:
    text = csv_rows(limits.MAX_CHECKINS)
    found, problems = read_checkins(text, "p.csv", date(2026, 10, 1), date(2026, 12, 31), None)
    assert problems == [] and len(found) == limits.MAX_CHECKINS


def test_a_csv_longer_than_the_limit_is_an_error_at_the_first_row_past_it() -> None:
    text = csv_rows(limits.MAX_CHECKINS + 5)
    found, problems = read_checkins(text, "p.csv", date(2026, 10, 1), date(2026, 12, 31), None)
    (problem,) = problems
    assert problem.code == "OKR063"
    assert str(problem.location) == f"p.csv:{limits.MAX_CHECKINS + 2}:1"
    assert problem.message == (
        f"has more than {limits.MAX_CHECKINS:,} check-ins; okrsite reads at most "
        f"{limits.MAX_CHECKINS:,} per file: keep one quarter's check-ins of one unit in it"
    )
    assert len(found) == limits.MAX_CHECKINS


def reading_rows(count: int) -> str:
    day = date(2020, 1, 1)
    rows = [f"{(day + timedelta(days=i)).isoformat()},pages,{i % 9}" for i in range(count)]
    return "date,metric,value\n" + "\n".join(rows) + "\n"


def test_a_metrics_csv_as_long_as_the_limit_is_read() -> None:
    text = reading_rows(limits.MAX_CHECKINS)
    found, problems = read_readings(text, "m.csv", frozenset({"pages"}))
    assert problems == [] and len(found) == limits.MAX_CHECKINS


def test_a_metrics_csv_longer_than_the_limit_is_an_error_at_the_first_row_past_it() -> None:
    text = reading_rows(limits.MAX_CHECKINS + 5)
    found, problems = read_readings(text, "m.csv", frozenset({"pages"}))
    assert [str(p) for p in problems] == [
        f"m.csv:{limits.MAX_CHECKINS + 2}:1: OKR063 has more than {limits.MAX_CHECKINS:,} "
        f"readings; okrsite reads at most {limits.MAX_CHECKINS:,} per file"
    ]
    assert len(found) == limits.MAX_CHECKINS


@pytest.mark.parametrize("name", ["payments.yaml", "payments.csv"])
def test_an_oversized_metrics_file_is_refused_unread(write_repo: WriteRepo, name: str) -> None:
    metrics = "metrics:\n  - {id: pages, title: Pages, owner: Ana, measurement: Pager, max: 5}\n"
    big = "# padding\n" * (MAX_BYTES // 10 + 1)
    files = {"okrs/metrics/payments.yaml": metrics, f"okrs/metrics/{name}": big}
    problems = load(write_repo({**MINIMAL, **files})).problems
    assert [f"{p.location} {p.code}" for p in problems] == [f"okrs/metrics/{name}:1:1 OKR002"]


# --- Dates a built site can carry -------------------------------------------------------------


@pytest.mark.parametrize("folder", ["1969-Q4", "2106-Q1", "0001-Q1", "9998-Q4"])
def test_quarter_folders_outside_the_buildable_range_are_refused(
    write_repo: WriteRepo, folder: str
) -> None:
    root = write_repo({**MINIMAL, f"okrs/{folder}/payments.yaml": "objectives: []\n"})
    (problem,) = [p for p in load(root).problems if p.location.path == f"okrs/{folder}"]
    assert problem.code == "OKR021"
    assert problem.message == (
        f"folder {folder!r} names a year okrsite cannot date; name the folder after a quarter "
        "from 1970-Q1 to 2105-Q4, e.g. 2026-Q4"
    )


def test_the_first_and_last_quarter_folders_are_read(write_repo: WriteRepo) -> None:
    payments = MINIMAL["okrs/2026-Q4/payments.yaml"]
    root = write_repo(
        {ORG: MINIMAL[ORG], "okrs/1970-Q1/payments.yaml": payments,
         "okrs/2105-Q4/payments.yaml": payments}
    )  # fmt: skip
    loaded = load(root)
    assert [p for p in loaded.problems if p.severity == "error"] == []
    assert [q.id for q in loaded.repository.quarters] == ["1970-Q1", "2105-Q4"]
    last = loaded.repository.quarters[-1]
    assert last.end + timedelta(days=limits.GRACE_DAYS) <= limits.LAST_DATE


@pytest.mark.parametrize(
    ("folder", "text", "at"),
    [
        ("1970-Q1", "start: 1969-12-31\nend: 1970-03-31\n", "1:8"),
        ("2105-Q4", "start: 2105-10-01\nend: 2106-01-15\n", "2:6"),
    ],
)
def test_quarter_dates_outside_the_buildable_range_are_refused(
    write_repo: WriteRepo, folder: str, text: str, at: str
) -> None:
    root = write_repo(
        {ORG: MINIMAL[ORG], f"okrs/{folder}/payments.yaml": MINIMAL["okrs/2026-Q4/payments.yaml"],
         f"okrs/{folder}/quarter.yaml": text}
    )  # fmt: skip
    (problem,) = [p for p in load(root).problems if p.code == "OKR015"]
    assert str(problem.location) == f"okrs/{folder}/quarter.yaml:{at}"
    assert "1970-01-01" in problem.message and "2106-02-07" in problem.message


@pytest.mark.parametrize("text", ["1969-12-31", "2106-02-08", "9999-12-31", "0001-01-01"])
def test_dates_outside_the_range_are_refused_on_the_command_line(text: str) -> None:
    with pytest.raises(OkrsiteError) as raised:
        parse_date(text, "--as-of")
    assert str(raised.value) == (
        f"--as-of {text} is outside the dates okrsite can build, 1970-01-01 to 2106-02-07"
    )


def test_the_range_edges_are_dates() -> None:
    assert parse_date("1970-01-01") == limits.FIRST_DATE
    assert parse_date("2106-02-07") == limits.LAST_DATE


@pytest.mark.parametrize("epoch", ["-1", "4295030400", "253402300800", "10" * 20])
def test_source_date_epoch_outside_the_range_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, epoch: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(OkrsiteError, match="SOURCE_DATE_EPOCH="):
        today()


def test_source_date_epoch_at_the_edges_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert today() == limits.FIRST_DATE
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4294944000")
    assert today() == limits.LAST_DATE


def test_build_as_of_far_in_the_future_is_a_clear_error(write_repo: WriteRepo) -> None:
    root = write_repo(MINIMAL)
    result = CliRunner().invoke(
        main,
        ["build", "--root", str(root), "--as-of", "9999-12-31"],
        env={"SOURCE_DATE_EPOCH": NOV_20},
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "okrsite: error: --as-of 9999-12-31 is outside the dates okrsite can build, "
        "1970-01-01 to 2106-02-07\n"
    )
    assert not (root / "site").exists()


def test_check_with_source_date_epoch_past_2106_is_a_clear_error(write_repo: WriteRepo) -> None:
    root = write_repo(MINIMAL)
    result = CliRunner().invoke(
        main, ["check", "--root", str(root)], env={"SOURCE_DATE_EPOCH": "4295030400"}
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("okrsite: error: SOURCE_DATE_EPOCH='4295030400' ")
    assert "1970-01-01 to 2106-02-07" in result.stderr


# --- Charts stay bounded ----------------------------------------------------------------------


def bars(svg: str) -> list[str]:
    """The aria-labels of the bars of a unit-scores chart."""
    labels = [e.attrib.get("aria-label", "") for e in ET.fromstring(svg).iter()]
    return [label for label in labels if label.startswith("score: ") and "; band: " in label]


def big_result(groups: int, count: int) -> QuarterResult:
    """An org, then `groups` groups, then teams up to `count` units, each with a roll-up."""
    quarter = Quarter("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    units = [UnitResult(Unit("eng", "Engineering", "org"), None, 0.5, "yellow", ())]
    for i in range(1, count):
        kind: UnitKind = "group" if i <= groups else "team"
        score = (i * 37 % 100) / 100
        band: Band = "red" if score < 0.4 else "yellow" if score < 0.7 else "green"
        units.append(UnitResult(Unit(f"u{i}", f"Unit {i}", kind, "eng"), score, score, band, ()))
    return QuarterResult(quarter, date(2026, 11, 27), 0.5, "yellow", tuple(units))


def test_unit_scores_of_1600_units_show_the_org_and_groups_only() -> None:
    chart = unit_scores_chart(big_result(groups=40, count=1600))
    drawn = bars(chart.svg)
    assert len(drawn) == 41
    assert all("; unit: Unit " in d or "unit: Engineering" in d for d in drawn)
    assert chart.description.endswith(
        f"Only the org and its groups are drawn: with 1,600 units the chart would pass "
        f"{MAX_BARS} bars, so 1,559 teams are left out; the table of units lists every unit."
    )
    assert len(chart.table) == 1 + 41


def test_unit_scores_past_the_bars_show_the_org_lowest_and_highest() -> None:
    chart = unit_scores_chart(big_result(groups=200, count=1600))
    drawn = bars(chart.svg)
    assert len(drawn) == MAX_BARS
    assert drawn[0].startswith("score: 0.5; unit: Engineering")
    scores = sorted(float(row[1]) for row in chart.table[2:])
    everyone = sorted((i * 37 % 100) / 100 for i in range(1, 1600))
    half = (MAX_BARS - 1) // 2
    assert scores == sorted(everyone[: MAX_BARS - 1 - half] + everyone[-half:])
    assert "1,540 units are left out" in chart.description
    assert "the table of units lists every unit" in chart.description


def test_a_chart_of_a_very_long_quarter_keeps_few_ticks() -> None:
    quarter = Quarter("2026-Q4", date(2026, 10, 1), date(2100, 12, 31))
    kr = KeyResult("k", "K", "o", "m", baseline=0, target=10)
    counted = (CheckIn(date(2026, 10, 15), "o/k", 3.0),)
    result = KeyResultResult(
        "u", "o", kr, counted, 3.0, 0.3, 0.3, Projection(0.1, 0, 5), 0.5, "at-risk", None,
        False, None, None,
    )  # fmt: skip
    chart = key_result_chart(result, quarter)
    ticks = [
        e
        for e in ET.fromstring(chart.svg).iter(f"{SVG}g")
        if "role-axis-label" in e.attrib.get("class", "")
    ]
    assert sum(len(list(t.iter(f"{SVG}text"))) for t in ticks) < 40


# --- Whole builds at the limits ---------------------------------------------------------------


def site_sources(root: Path) -> Path:
    shutil.copyfile(DEMO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.mark.slow
def test_a_tree_as_deep_as_the_limit_builds_with_its_charts_bounded(tmp_path: Path) -> None:
    from okrsite.pipeline import build_site

    # A chain as deep as okrsite reads, each objective aligned to the one above it (a nested
    # list 20 deep on the alignment page), and teams enough to pass the chart's bars.
    units = chain(limits.MAX_DEPTH)
    units += [(f"t{i}", "team", "u0") for i in range(MAX_BARS + 5 - len(units))]
    files = with_plans(units, [unit_id for unit_id, _, _ in units])
    for i in range(1, limits.MAX_DEPTH):
        files[f"okrs/2026-Q4/u{i}.yaml"] = plan(aligns_to=f"u{i - 1}/delivery")
    root = site_sources(write(tmp_path / "repo", files))
    build_site(root, tmp_path / "site", today=date(2026, 11, 20), workers=1)
    quarter = tmp_path / "site/2026-Q4"
    deepest = f"u{limits.MAX_DEPTH - 1}"
    assert f"units/{deepest}/" in (quarter / "alignment/index.html").read_text(encoding="utf-8")
    overview = (quarter / "index.html").read_text(encoding="utf-8")
    assert "Only the org and its groups are drawn" in overview
    assert "units/t44/" in overview  # the page's table of units still lists every unit


@pytest.mark.slow
def test_the_first_and_last_dates_build(tmp_path: Path) -> None:
    from okrsite.pipeline import build_site

    payments = MINIMAL["okrs/2026-Q4/payments.yaml"]
    files = {
        ORG: MINIMAL[ORG],
        # Closed on its first day: built as of 1970-01-01, the Unix epoch itself.
        "okrs/1970-Q1/quarter.yaml": "start: 1970-01-01\nend: 1970-01-01\nstatus: closed\n",
        "okrs/1970-Q1/payments.yaml": payments,
        "okrs/2105-Q4/payments.yaml": payments,
        "okrs/2105-Q4/payments.csv": "date,kr,value\n2106-01-31,delivery/lead-time,6\n",
    }
    root = site_sources(write(tmp_path / "repo", files))
    build_site(root, tmp_path / "site", as_of=date(2105, 12, 31), today=limits.LAST_DATE, workers=1)
    assert (tmp_path / "site/2105-Q4/sitemap.xml.gz").is_file()
    assert (tmp_path / "site/1970-Q1/sitemap.xml.gz").is_file()


def test_every_new_code_is_registered() -> None:
    for code in ("OKR060", "OKR061", "OKR062", "OKR063"):
        assert CODES[code].severity == "error"
