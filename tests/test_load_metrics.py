"""Standing metrics: okrs/metrics/UNIT.yaml and UNIT.csv, each broken rule a located problem."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrsite import pipeline
from okrsite.load.repository import load
from okrsite.model.metrics import Reading
from okrsite.model.problems import Location
from tests.conftest import MINIMAL, PAYMENTS_YAML, WriteRepo
from tests.test_load_fuzz import CONTENT, mutate

YAML = "okrs/metrics/payments.yaml"
CSV = "okrs/metrics/payments.csv"
PLAN = "okrs/2026-Q4/payments.yaml"

PAGES = """\
metrics:
  - id: pages
    title: Out-of-hours pages per week
    owner: Ana Silva
    measurement: Paging tool, out-of-hours pages per ISO week
    max: 5
"""
READINGS = """\
date,metric,value,note
2026-09-01,pages,7,Before the alert tuning
2026-10-01,pages,4,
"""
GITHUB_LEAD_TIME = """\
    source:
      kind: github
      measure: lead-time
      repositories: [acme/api]
"""


def found(write_repo: WriteRepo, changes: Mapping[str, str | bytes]) -> list[str]:
    """'path:line:col: CODE message' of every problem loading MINIMAL with changes applied."""
    root = write_repo({**MINIMAL, **changes})
    return [str(p) for p in load(root).problems]


def with_fields(extra: str, drop: str = "") -> str:
    """PAGES with lines added to its metric, and one line taken out."""
    return PAGES.replace(drop, "") + extra


def improving(improves: str) -> str:
    """The minimal plan with its lead-time KR improving the metric named."""
    marker = "        target: 5\n"
    assert PAYMENTS_YAML.count(marker) == 1
    return PAYMENTS_YAML.replace(marker, f"{marker}        improves: {improves}\n")


def test_metrics_and_their_readings_load(write_repo: WriteRepo) -> None:
    loaded = load(write_repo({**MINIMAL, YAML: PAGES, CSV: READINGS}))
    assert loaded.problems == ()
    (metric,) = loaded.repository.metrics
    assert (metric.path, metric.min, metric.max, metric.direction) == (
        "payments/pages",
        None,
        5.0,
        "down",  # the one bound given says which way is better
    )
    assert metric.location == Location(YAML, 2, 5)
    assert metric.readings == (
        Reading(date(2026, 9, 1), "pages", 7.0, "Before the alert tuning", 1, Location(CSV, 2, 1)),
        Reading(date(2026, 10, 1), "pages", 4.0, "", 2, Location(CSV, 3, 1)),
    )
    assert {YAML, CSV} <= set(loaded.files)


def test_threshold_with_a_direction_is_the_bound_on_its_healthy_side(
    write_repo: WriteRepo,
) -> None:
    up = with_fields("    direction: up\n    threshold: 20\n", drop="    max: 5\n")
    loaded = load(write_repo({**MINIMAL, YAML: up}))
    assert loaded.problems == ()
    (metric,) = loaded.repository.metrics
    assert (metric.min, metric.max, metric.direction) == (20.0, None, "up")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            with_fields("", drop="    max: 5\n"),
            f"{YAML}:2:5: OKR120 metric 'payments/pages': a standing metric needs a healthy "
            "range: min, max or both, or direction (up or down) with threshold",
        ),
        (
            with_fields("    direction: down\n", drop="    max: 5\n"),
            f"{YAML}:2:5: OKR120 metric 'payments/pages': a standing metric needs a healthy "
            "range: min, max or both, or direction (up or down) with threshold",
        ),
        (
            with_fields("    direction: down\n    threshold: 5\n"),
            f"{YAML}:8:16: OKR120 metric 'payments/pages': give the healthy range as min/max or "
            "as direction with threshold, not both",
        ),
        (
            with_fields("    threshold: 5\n", drop="    max: 5\n"),
            f"{YAML}:6:16: OKR120 metric 'payments/pages': threshold needs a direction: up "
            "(healthy at or above it) or down (at or below)",
        ),
        (
            with_fields("    min: 9\n"),
            f"{YAML}:7:10: OKR110 metric 'payments/pages': min (9) is greater than max (5)",
        ),
    ],
    ids=["no-range", "direction-alone", "both-forms", "threshold-without-direction", "min>max"],
)
def test_a_metric_needs_one_healthy_range(write_repo: WriteRepo, text: str, expected: str) -> None:
    assert found(write_repo, {YAML: text}) == [expected]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "    dora: change-failure-rate\n    unit: ratio\n",
            f"{YAML}:8:11: OKR122 metric 'payments/pages': a change-failure-rate metric needs "
            "unit: %, the unit its DORA level is read in, not 'ratio'",
        ),
        (
            "    dora: deployment-frequency\n    unit: per day\n",
            f"{YAML}:8:11: OKR122 metric 'payments/pages': a deployment-frequency metric needs "
            "unit: per week or deploys/week, the unit its DORA level is read in, not 'per day'",
        ),
        (
            "    dora: lead-time\n",
            f"{YAML}:2:5: OKR122 metric 'payments/pages': a lead-time metric needs unit: hours "
            "or days, the unit its DORA level is read in",
        ),
        (
            "    dora: time-to-restore\n    unit: hours\n" + GITHUB_LEAD_TIME,
            f"{YAML}:7:11: OKR122 metric 'payments/pages': dora 'time-to-restore' differs from "
            "the source's measure 'lead-time'",
        ),
        (
            "    unit: days\n" + GITHUB_LEAD_TIME,
            f"{YAML}:7:11: OKR122 metric 'payments/pages': unit 'days' differs from the source's "
            "time_unit 'hours'; the values are in hours",
        ),
    ],
    ids=["rate-unit", "frequency-unit", "time-without-unit", "dora-not-source", "time-unit"],
)
def test_a_dora_metric_is_in_a_unit_its_level_is_read_in(
    write_repo: WriteRepo, extra: str, expected: str
) -> None:
    assert found(write_repo, {YAML: with_fields(extra)}) == [expected]


@pytest.mark.parametrize(
    ("extra", "dora", "unit"),
    [
        ("    dora: change-failure-rate\n", "change-failure-rate", "%"),  # the default unit
        ("    dora: deployment-frequency\n", "deployment-frequency", "per week"),
        ("    dora: lead-time\n    unit: days\n", "lead-time", "days"),
        (GITHUB_LEAD_TIME, "lead-time", "hours"),  # dora and unit from the source
        (GITHUB_LEAD_TIME + "      time_unit: days\n", "lead-time", "days"),
    ],
)
def test_a_dora_metric_takes_its_measure_and_unit(
    write_repo: WriteRepo, extra: str, dora: str, unit: str
) -> None:
    loaded = load(write_repo({**MINIMAL, YAML: with_fields(extra)}))
    assert loaded.problems == ()
    (metric,) = loaded.repository.metrics
    assert (metric.dora, metric.unit) == (dora, unit)


def test_a_metric_id_given_twice_is_reported_at_the_second(write_repo: WriteRepo) -> None:
    twice = PAGES + PAGES.removeprefix("metrics:\n").replace("max: 5", "max: 6")
    root = write_repo({**MINIMAL, YAML: twice})
    loaded = load(root)
    assert [str(p) for p in loaded.problems] == [
        f"{YAML}:7:5: OKR124 unit 'payments': metric 'pages' is defined twice"
    ]
    assert [m.max for m in loaded.repository.metrics] == [5.0]  # the first one counts


def test_a_metric_id_given_twice_is_reported_even_when_the_first_is_broken(
    write_repo: WriteRepo,
) -> None:
    broken = PAGES.replace("    owner: Ana Silva\n", "")
    twice = broken + PAGES.removeprefix("metrics:\n")
    assert found(write_repo, {YAML: twice}) == [
        f"{YAML}:2:5: OKR011 metric 'payments/pages': the required field 'owner' is missing",
        f"{YAML}:6:5: OKR124 unit 'payments': metric 'pages' is defined twice",
    ]


def test_an_unknown_field_has_a_did_you_mean(write_repo: WriteRepo) -> None:
    assert found(write_repo, {YAML: with_fields("    treshold: 4\n")}) == [
        f"{YAML}:7:5: OKR010 metric 'payments/pages': unknown field 'treshold'; did you mean "
        "'threshold'? (allowed: id, title, owner, measurement, unit, min, max, direction, "
        "threshold, dora, source, promoted_from)"
    ]


def test_promoted_from_names_a_key_result(write_repo: WriteRepo) -> None:
    assert found(write_repo, {YAML: with_fields("    promoted_from: payments/delivery\n")}) == [
        f"{YAML}:7:20: OKR014 metric 'payments/pages': promoted_from 'payments/delivery' must be "
        "UNIT/OBJECTIVE/KR, e.g. checkout/reliability/checkout-errors"
    ]


@pytest.mark.parametrize("improves", ["pages", "payments/pages"])
def test_improves_resolves_to_unit_and_metric(write_repo: WriteRepo, improves: str) -> None:
    loaded = load(write_repo({**MINIMAL, YAML: PAGES, PLAN: improving(improves)}))
    assert loaded.problems == ()
    kr = loaded.repository.quarters[0].plans[0].objectives[0].key_results[0]
    assert kr.improves == "payments/pages"
    assert loaded.repository.metric("payments/pages") is not None


def test_improves_may_name_another_units_metric(write_repo: WriteRepo) -> None:
    eng = PAGES.replace("id: pages", "id: deploys")
    files = {YAML: PAGES, "okrs/metrics/eng.yaml": eng, PLAN: improving("eng/deploys")}
    loaded = load(write_repo({**MINIMAL, **files}))
    assert loaded.problems == ()
    kr = loaded.repository.quarters[0].plans[0].objectives[0].key_results[0]
    assert kr.improves == "eng/deploys"
    assert [m.path for m in loaded.repository.metrics] == ["eng/deploys", "payments/pages"]


@pytest.mark.parametrize(
    ("improves", "metrics", "known"),
    [
        ("page", {YAML: PAGES}, "payments/pages"),
        ("eng/pages", {YAML: PAGES}, "payments/pages"),
        ("pages", {}, "none yet"),
    ],
    ids=["metric", "unit/metric", "no-metrics"],
)
def test_improves_naming_nothing_is_reported_and_dropped(
    write_repo: WriteRepo, improves: str, metrics: dict[str, str], known: str
) -> None:
    root = write_repo({**MINIMAL, **metrics, PLAN: improving(improves)})
    loaded = load(root)
    assert [str(p) for p in loaded.problems] == [
        f"{PLAN}:13:19: OKR121 key result 'payments/delivery/lead-time': improves "
        f"'{improves}' names no standing metric in okrs/metrics/ (write METRIC of this unit or "
        f"UNIT/METRIC; known: {known})"
    ]
    kr = loaded.repository.quarters[0].plans[0].objectives[0].key_results[0]
    assert kr.improves is None


def test_improves_is_not_checked_while_a_metrics_file_is_unreadable(
    write_repo: WriteRepo,
) -> None:
    # One broken file reported once, not every KR naming its metrics reported again.
    files = {YAML: "metrics: [\n", PLAN: improving("pages")}
    assert [p.split(" ")[1] for p in found(write_repo, files)] == ["OKR003"]


def test_a_reading_of_an_unknown_metric_has_a_did_you_mean(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, YAML: PAGES, CSV: READINGS + "2026-10-08,page,3,\n"})
    loaded = load(root)
    assert [str(p) for p in loaded.problems] == [
        f"{CSV}:4:12: OKR123 metric 'page' is not a metric of this unit's metrics YAML; did you "
        "mean 'pages'?"
    ]
    assert [r.value for r in loaded.repository.metrics[0].readings] == [7.0, 4.0]


def test_a_reading_of_a_declared_but_broken_metric_is_not_reported(
    write_repo: WriteRepo,
) -> None:
    broken = PAGES.replace("    owner: Ana Silva\n", "")
    problems = found(write_repo, {YAML: broken, CSV: READINGS})
    assert [p.split(" ")[1] for p in problems] == ["OKR011"]


def test_readings_beside_an_unreadable_yaml_are_not_checked_against_it(
    write_repo: WriteRepo,
) -> None:
    problems = found(write_repo, {YAML: "metrics: [\n", CSV: "date,metric,value\n2026-10-01,x,4\n"})
    assert [p.split(" ")[1] for p in problems] == ["OKR003"]


def test_a_csv_without_its_yaml(write_repo: WriteRepo) -> None:
    assert found(write_repo, {CSV: READINGS}) == [
        f"{CSV}: OKR030 has no payments.yaml beside it; readings need the unit's metrics "
        "defined in okrs/metrics/payments.yaml"
    ]


def test_each_file_is_named_after_a_unit(write_repo: WriteRepo) -> None:
    files = {"okrs/metrics/billing.yaml": PAGES, "okrs/metrics/Bad Name.csv": READINGS}
    assert found(write_repo, files) == [
        "okrs/metrics/Bad Name.csv: OKR022 file name 'Bad Name' is not a valid unit id; name "
        "each file after a unit id",
        "okrs/metrics/billing.yaml: OKR022 file name 'billing' is not a unit in okrs/org.yaml; "
        "name each file after a unit id",
    ]


def test_stray_files_and_folders_in_the_metrics_folder(write_repo: WriteRepo) -> None:
    files = {
        YAML: PAGES,
        "okrs/metrics/notes.txt": "not data\n",
        "okrs/metrics/payments.yml": PAGES,
        "okrs/metrics/old/payments.csv": READINGS,
    }
    assert found(write_repo, files) == [
        "okrs/metrics/notes.txt: OKR209 'notes.txt' is not read (okrs/metrics/ holds UNIT.yaml "
        "and UNIT.csv)",
        "okrs/metrics/old: OKR023 'old' is a folder; okrs/metrics/ holds UNIT.yaml and UNIT.csv",
        "okrs/metrics/payments.yml: OKR023 'payments.yml' is not read (okrs/metrics/ holds "
        "UNIT.yaml and UNIT.csv); if it is data, rename it, e.g. to 'payments.yaml'",
    ]


def test_a_file_named_metrics_is_not_read_silently(write_repo: WriteRepo) -> None:
    assert found(write_repo, {"okrs/metrics": "pages: 4\n"}) == [
        "okrs/metrics: OKR209 'metrics' is not read (okrs/ holds org.yaml, quarter folders and "
        "metrics/)"
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "27/11/2026,pages,4",
            f"{CSV}:2:1: OKR035 date '27/11/2026' is not YYYY-MM-DD; write 2026-11-27",
        ),
        (
            "2026-11-5,pages,4",
            f"{CSV}:2:1: OKR035 date '2026-11-5' is not YYYY-MM-DD; write 2026-11-05",
        ),
        (
            "1999-12-31,pages,4",
            f"{CSV}:2:1: OKR035 date 1999-12-31 is before 2000; is the year a typo?",
        ),
        (
            "0026-10-01,pages,4",
            f"{CSV}:2:1: OKR035 date 0026-10-01 is before 2000; is the year a typo?",
        ),
        ("2026-10-01,pages,4%", f"{CSV}:2:18: OKR036 value '4%' is not a number; write 4 "
         "without the % sign"),
        ("2026-10-01,,4", f"{CSV}:2:12: OKR038 row 1: metric is empty"),
    ],
    ids=["day-first", "short", "1999", "year-typo", "percent", "empty-metric"],
)  # fmt: skip
def test_a_bad_reading_is_located(write_repo: WriteRepo, row: str, expected: str) -> None:
    text = f"date,metric,value\n{row}\n"
    assert found(write_repo, {YAML: PAGES, CSV: text}) == [expected]


def test_any_date_from_2000_on_is_a_reading(write_repo: WriteRepo) -> None:
    text = "date,metric,value\n2000-01-01,pages,4\n2031-06-30,pages,3\n"
    loaded = load(write_repo({**MINIMAL, YAML: PAGES, CSV: text}))
    assert loaded.problems == ()
    assert [r.date.year for r in loaded.repository.metrics[0].readings] == [2000, 2031]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "date,metric,value,colour\n",
            f"{CSV}:1:19: OKR033 unknown column 'colour' (allowed: date, metric, value, note)",
        ),
        (
            "date,metric,valeu\n",
            f"{CSV}:1:13: OKR033 unknown column 'valeu'; did you mean 'value'? (allowed: date, "
            "metric, value, note)",
        ),
        (
            "date,kr,value\n",
            f"{CSV}:1:6: OKR033 unknown column 'kr' (allowed: date, metric, value, note)",
        ),
        (
            "date,value\n",
            f"{CSV}:1:1: OKR032 the required column 'metric' is missing; the header needs date, "
            "metric and value",
        ),
        (
            "date;metric;value\n2026-10-01;pages;4\n",
            f"{CSV}:1:1: OKR031 this looks like a semicolon-separated export; save it as "
            "comma-separated (CSV UTF-8) with the header date,metric,value",
        ),
        (
            "date,metric,value\n2026-10-01,pages,4,5\n",
            f"{CSV}:2:1: OKR037 row 1 has 4 cells but the header has 3; is 4,5 a decimal comma? "
            "write 4.5",
        ),
        ("", f"{CSV}:1:1: OKR042 has no header row; the first line names the columns, e.g. "
         "date,metric,value"),
    ],
    ids=["unknown", "did-you-mean", "kr", "missing", "semicolon", "decimal-comma", "empty"],
)  # fmt: skip
def test_csv_rules_shared_with_check_ins(write_repo: WriteRepo, text: str, expected: str) -> None:
    problems = found(write_repo, {YAML: PAGES, CSV: text})
    assert expected in problems and all(p.startswith(CSV) for p in problems), problems


def test_a_later_row_on_the_same_date_is_kept_in_file_order(write_repo: WriteRepo) -> None:
    text = "date,metric,value\n2026-10-01,pages,4\n2026-10-01,pages,6\n"
    loaded = load(write_repo({**MINIMAL, YAML: PAGES, CSV: text}))
    assert [(r.row, r.value) for r in loaded.repository.metrics[0].readings] == [(1, 4.0), (2, 6.0)]


# --- Any bytes in either file: located problems or a model, never a crash --------------------

FILES = {YAML: PAGES, CSV: READINGS}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.sampled_from(sorted(FILES)),
    data=CONTENT,
    mode=st.sampled_from(["replace", "append", "insert"]),
)
def test_any_bytes_in_a_metrics_file_give_located_problems(
    target: str, data: bytes, mode: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for relative, text in {**MINIMAL, **FILES, PLAN: improving("pages")}.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8", newline="")
        (root / target).write_bytes(mutate(FILES[target], data, mode))
        problems = pipeline.check(root, date(2026, 11, 10)).problems
    for problem in problems:
        assert problem.location.path.startswith("okrs/")
        assert problem.message and "\n" not in problem.message
        if problem.location.path == target:
            assert problem.location.line >= 1, problem
