"""`okrsite due`: which check-ins are due, by owner, worked out by hand; Markdown safe on GitHub."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite import pipeline
from okrsite.cli import main
from okrsite.load.repository import load_valid
from okrsite.score.calendar import CHECKIN_DAYS
from okrsite.score.due import DUE_WINDOW_DAYS, DueKeyResult, DueList, due_json, due_list
from okrsite.score.quarter import score_quarter
from okrsite.site.markup import gfm_text
from okrsite.site.pages.due_list import checkin_command, to_markdown, to_text
from tests.conftest import WriteRepo

ORG = """\
name: Acme Engineering
units:
  - id: eng
    name: Engineering
    kind: org
  - id: platform
    name: Platform <Core>
    kind: group
    parent: eng
  - id: payments
    name: Payments
    kind: team
    parent: platform
owners:
  Sam Lee: {github: sam-lee}
"""

PAYMENTS = """\
objectives:
  - id: delivery
    title: Ship features from idea to production faster
    domain: delivery
    key_results:
      - id: lead-time
        title: Reduce median lead time from 12 days to 5 days
        owner: Sam Lee
        measurement: Deployment pipeline
        baseline: 12
        target: 5
      - id: change-failure-rate
        kind: guardrail
        title: Keep change failure rate below 5%
        owner: Sam Lee
        measurement: Incident tracker
        baseline: 4.2
        max: 5
      - id: legacy
        title: Cut legacy deploys from 10 to 0
        owner: Sam Lee
        measurement: Pipeline
        baseline: 10
        target: 0
        dropped: The legacy pipeline was switched off
  - id: quality
    title: Fewer bugs reach customers
    domain: technical-health
    key_results:
      - id: escaped
        title: "Cut *escaped* bugs from 12 to 5 #1"
        owner: "@everyone"
        measurement: Bug tracker
        baseline: 12
        target: 5
      - id: pages
        title: Cut pages from 30 to 10
        owner: "<script>alert(1)</script>"
        measurement: Pager
        baseline: 30
        target: 10
"""

# lead-time: checked in 2026-10-05, so due 2026-11-04 (its 2026-11-20 row counts from then on);
# change-failure-rate: never, so due 30 days after the start, 2026-10-31; legacy: dropped;
# escaped: 2026-10-20, due 2026-11-19; pages: 2026-11-01, due 2026-12-01.
PAYMENTS_CSV = """\
date,kr,value,confidence,note,blockers
2026-10-05,delivery/lead-time,10,0.6,,
2026-11-20,delivery/lead-time,8,0.7,,
2026-10-20,quality/escaped,11,,,
2026-11-01,quality/pages,25,,,
"""

PLATFORM = """\
objectives:
  - id: reliability
    title: Services stay up
    domain: technical-health
    key_results:
      - id: slo
        title: Raise SLO attainment from 90% to 99%
        owner: Sam Lee
        measurement: SLO dashboard
        baseline: 90
        target: 99
"""

# slo: checked in 2026-10-05, due 2026-11-04, like payments' lead-time: the unit breaks the tie.
PLATFORM_CSV = "date,kr,value,confidence,note,blockers\n2026-10-05,reliability/slo,95,,,\n"

FILES = {
    "okrs/org.yaml": ORG,
    "okrs/2026-Q4/payments.yaml": PAYMENTS,
    "okrs/2026-Q4/payments.csv": PAYMENTS_CSV,
    "okrs/2026-Q4/platform.yaml": PLATFORM,
    "okrs/2026-Q4/platform.csv": PLATFORM_CSV,
    # A closed quarter: nothing is ever due in it.
    "okrs/2026-Q3/quarter.yaml": "status: closed\n",
    "okrs/2026-Q3/payments.yaml": PLATFORM.replace("Sam Lee", "Ana Silva"),
}

TODAY = date(2026, 11, 27)


@pytest.fixture
def root(write_repo: WriteRepo) -> Path:
    return write_repo(FILES)


def _due(root: Path, as_of: date, quarter: str | None = None) -> DueList:
    return pipeline.due(root, quarter, as_of, TODAY)


def _listed(due: DueList) -> list[tuple[str, str, str, bool, date | None]]:
    """(owner, UNIT/OBJECTIVE/KR, due date, overdue, last check-in) in the list's order."""
    return [
        (o.owner, f"{kr.unit_id}/{kr.kr}", kr.due.isoformat(), kr.overdue, kr.last_checkin)
        for o in due.owners
        for kr in o.key_results
    ]


def test_the_window_is_a_week_and_check_ins_are_monthly() -> None:
    assert DUE_WINDOW_DAYS == 7
    assert CHECKIN_DAYS == 30


def test_hand_worked_due_dates_as_of_2026_11_05(root: Path) -> None:
    # Listed: due on or before 2026-11-05 + 7 = 2026-11-12. escaped (11-19) and pages (12-01)
    # are not yet; legacy is dropped. Overdue: due before 2026-11-05.
    due = _due(root, date(2026, 11, 5))
    assert due.as_of == date(2026, 11, 5)
    assert due.due_by == date(2026, 11, 12)
    assert _listed(due) == [
        ("Sam Lee", "payments/delivery/change-failure-rate", "2026-10-31", True, None),
        ("Sam Lee", "payments/delivery/lead-time", "2026-11-04", True, date(2026, 10, 5)),
        ("Sam Lee", "platform/reliability/slo", "2026-11-04", True, date(2026, 10, 5)),
    ]
    assert [o.github for o in due.owners] == ["sam-lee"]


def test_a_check_in_of_2026_10_05_is_due_2026_11_04(root: Path) -> None:
    # As of its due date it is due, not overdue; the day after, overdue since that date.
    on_the_day = {p: (d, o) for _, p, d, o, _ in _listed(_due(root, date(2026, 11, 4)))}
    assert on_the_day["payments/delivery/lead-time"] == ("2026-11-04", False)
    after = {p: (d, o) for _, p, d, o, _ in _listed(_due(root, date(2026, 11, 5)))}
    assert after["payments/delivery/lead-time"] == ("2026-11-04", True)


def test_no_check_in_is_due_30_days_after_the_start(root: Path) -> None:
    due = {p: (d, last) for _, p, d, _, last in _listed(_due(root, date(2026, 10, 24)))}
    assert due["payments/delivery/change-failure-rate"] == ("2026-10-31", None)


def test_the_window_includes_its_seventh_day_and_no_more(root: Path) -> None:
    # escaped is due 2026-11-19: listed as of 2026-11-12 (+7), not as of 2026-11-11 (+7 = 18).
    paths = [p for _, p, *_ in _listed(_due(root, date(2026, 11, 12)))]
    assert "payments/quality/escaped" in paths
    paths = [p for _, p, *_ in _listed(_due(root, date(2026, 11, 11)))]
    assert "payments/quality/escaped" not in paths
    # Before the first check-ins fall due (2026-10-31 - 7 = 10-24), nothing is.
    assert _due(root, date(2026, 10, 23)).empty


def test_check_ins_after_the_as_of_date_are_not_counted(root: Path) -> None:
    # lead-time's 2026-11-20 row moves its next check-in to 2026-12-20, but only from then on.
    as_of_25 = {p: d for _, p, d, *_ in _listed(_due(root, date(2026, 11, 25)))}
    assert "payments/delivery/lead-time" not in as_of_25
    as_of_15 = {p: d for _, p, d, *_ in _listed(_due(root, date(2026, 11, 15)))}
    assert as_of_15["payments/delivery/lead-time"] == "2026-11-04"


def test_a_dropped_key_result_is_never_due(root: Path) -> None:
    paths = [p for _, p, *_ in _listed(_due(root, date(2026, 12, 31)))]
    assert "payments/delivery/legacy" not in paths
    assert len(paths) == 5  # every other KR of the quarter


def test_the_quarters_end_is_the_latest_due_date(write_repo: WriteRepo) -> None:
    late = PAYMENTS_CSV + "2026-12-15,quality/pages,20,,,\n"
    root = write_repo({**FILES, "okrs/2026-Q4/payments.csv": late})
    # 2026-12-15 + 30 is in January: due on the quarter's last day, and overdue the day after.
    due = {p: (d, o) for _, p, d, o, _ in _listed(_due(root, date(2027, 1, 1), "2026-Q4"))}
    assert due["payments/quality/pages"] == ("2026-12-31", True)


def test_a_closed_quarter_has_none(root: Path) -> None:
    due = _due(root, date(2026, 9, 30), "2026-Q3")
    assert due.closed and due.empty
    assert to_markdown(due) == (
        "## Check-ins due in 2026 Q3, as of 2026-09-30\n\n"
        "2026 Q3 is closed: no check-ins are due.\n"
    )
    assert due_json(due) == {
        "as_of": "2026-09-30",
        "quarter": "2026-Q3",
        "owners": [],
        "breached_metrics": [],
    }


def test_owners_sorted_by_name_then_date_then_unit(root: Path) -> None:
    due = _due(root, date(2026, 12, 1))
    # "<" and "@" sort before letters; each owner's KRs by date (lead-time's 2026-11-20 row
    # counts by now: it is next due on 2026-12-20).
    assert [o.owner for o in due.owners] == ["<script>alert(1)</script>", "@everyone", "Sam Lee"]
    assert [f"{kr.unit_id}/{kr.kr}" for kr in due.owners[2].key_results] == [
        "payments/delivery/change-failure-rate",
        "platform/reliability/slo",
    ]
    # Two due on one date: by unit, then objective and KR (payments before platform).
    same_day = [p for _, p, d, *_ in _listed(_due(root, date(2026, 11, 12))) if d == "2026-11-04"]
    assert same_day == ["payments/delivery/lead-time", "platform/reliability/slo"]


def test_due_list_is_a_pure_function_of_the_scores(root: Path) -> None:
    repository = load_valid(root)
    quarter = repository.quarters[-1]
    result = score_quarter(repository, quarter, date(2026, 11, 5), TODAY)
    assert due_list(result, repository.org) == _due(root, date(2026, 11, 5))
    wider = due_list(result, repository.org, window_days=14)  # to 2026-11-19: escaped too
    assert "payments/quality/escaped" in [p for _, p, *_ in _listed(wider)]


MARKDOWN_AS_OF_12 = """\
## Check-ins due in 2026 Q4, as of 2026-11-12

Key results whose monthly check-in is overdue, or due within 7 days (by 2026-11-19), by owner.

### @&#8203;everyone

- **Cut &#42;escaped&#42; bugs from 12 to 5 &#35;&#8203;1** (Payments, `quality/escaped`): \
due 2026-11-19; last check-in 2026-10-20. Record it: \
`okrsite checkin payments quality/escaped VALUE`

### @sam-lee (Sam Lee)

- **Keep change failure rate below 5%** (Payments, `delivery/change-failure-rate`): \
overdue since 2026-10-31; no check-in yet. Record it: \
`okrsite checkin payments delivery/change-failure-rate VALUE`
- **Reduce median lead time from 12 days to 5 days** (Payments, `delivery/lead-time`): \
overdue since 2026-11-04; last check-in 2026-10-05. Record it: \
`okrsite checkin payments delivery/lead-time VALUE`
- **Raise SLO attainment from 90% to 99%** (Platform &lt;Core&gt;, `reliability/slo`): \
overdue since 2026-11-04; last check-in 2026-10-05. Record it: \
`okrsite checkin platform reliability/slo VALUE`
"""

JSON_AS_OF_12 = {
    "as_of": "2026-11-12",
    "quarter": "2026-Q4",
    "owners": [
        {
            "owner": "@everyone",
            "github": None,
            "key_results": [
                {
                    "unit": "payments",
                    "objective": "quality",
                    "key_result": "escaped",
                    "title": "Cut *escaped* bugs from 12 to 5 #1",
                    "due": "2026-11-19",
                    "overdue": False,
                    "last_checkin": "2026-10-20",
                }
            ],
        },
        {
            "owner": "Sam Lee",
            "github": "sam-lee",
            "key_results": [
                {
                    "unit": "payments",
                    "objective": "delivery",
                    "key_result": "change-failure-rate",
                    "title": "Keep change failure rate below 5%",
                    "due": "2026-10-31",
                    "overdue": True,
                    "last_checkin": None,
                },
                {
                    "unit": "payments",
                    "objective": "delivery",
                    "key_result": "lead-time",
                    "title": "Reduce median lead time from 12 days to 5 days",
                    "due": "2026-11-04",
                    "overdue": True,
                    "last_checkin": "2026-10-05",
                },
                {
                    "unit": "platform",
                    "objective": "reliability",
                    "key_result": "slo",
                    "title": "Raise SLO attainment from 90% to 99%",
                    "due": "2026-11-04",
                    "overdue": True,
                    "last_checkin": "2026-10-05",
                },
            ],
        },
    ],
    "breached_metrics": [],
}


def test_markdown_exactly(root: Path) -> None:
    assert to_markdown(_due(root, date(2026, 11, 12))) == MARKDOWN_AS_OF_12


def test_json_exactly(root: Path) -> None:
    assert due_json(_due(root, date(2026, 11, 12))) == JSON_AS_OF_12


def test_an_empty_list_says_so_in_one_sentence(root: Path) -> None:
    assert to_markdown(_due(root, date(2026, 10, 1))) == (
        "## Check-ins due in 2026 Q4, as of 2026-10-01\n\nNo check-ins are due by 2026-10-08.\n"
    )


def test_hostile_owner_names_neither_mention_nor_inject(root: Path) -> None:
    text = to_markdown(_due(root, date(2026, 12, 1)))
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == [
        "### &lt;script&gt;alert&#40;1&#41;&lt;/script&gt;",
        "### @&#8203;everyone",
        "### @sam-lee (Sam Lee)",
    ]
    assert "<" not in text.replace("&lt;", "")
    # The only @ followed by a name is org.yaml's handle: every other is broken by U+200B.
    assert [text[i + 1 : i + 8] for i, c in enumerate(text) if c == "@"] == [
        "&#8203;",
        "sam-lee",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@everyone", "@&#8203;everyone"),
        ("@org/team", "@&#8203;org/team"),
        ("fixes #12", "fixes &#35;&#8203;12"),
        ("<img src=x onerror=alert(1)>", "&lt;img src&#61;x onerror&#61;alert&#40;1&#41;&gt;"),
        ("[link](https://evil.example)", "&#91;link&#93;&#40;https&#58;//evil&#46;example&#41;"),
        ("line\nbreak", "line break"),
        ("Tomás", "Tomás"),
    ],
)
def test_gfm_text(text: str, expected: str) -> None:
    assert gfm_text(text) == expected


def test_checkin_command_refuses_what_is_not_an_id() -> None:
    kr = DueKeyResult("payments", "Payments", "delivery", "lead-time", "T", TODAY, False, None)
    assert checkin_command(kr) == "okrsite checkin payments delivery/lead-time VALUE"
    with pytest.raises(ValueError):
        checkin_command(DueKeyResult("pay`ments", "P", "d", "k", "T", TODAY, False, None))


def _epoch(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


def test_cli_markdown_as_of_today_by_default(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(date(2026, 11, 12)))
    result = CliRunner().invoke(main, ["due", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output == MARKDOWN_AS_OF_12


TEXT_AS_OF_12 = """\
Check-ins due in 2026 Q4, as of 2026-11-12

Key results whose monthly check-in is overdue, or due within 7 days (by 2026-11-19), by owner.

@everyone
- Cut *escaped* bugs from 12 to 5 #1 (Payments, quality/escaped): \
due 2026-11-19; last check-in 2026-10-20.
  Record it: okrsite checkin payments quality/escaped VALUE

Sam Lee (@sam-lee)
- Keep change failure rate below 5% (Payments, delivery/change-failure-rate): \
overdue since 2026-10-31; no check-in yet.
  Record it: okrsite checkin payments delivery/change-failure-rate VALUE
- Reduce median lead time from 12 days to 5 days (Payments, delivery/lead-time): \
overdue since 2026-11-04; last check-in 2026-10-05.
  Record it: okrsite checkin payments delivery/lead-time VALUE
- Raise SLO attainment from 90% to 99% (Platform <Core>, reliability/slo): \
overdue since 2026-11-04; last check-in 2026-10-05.
  Record it: okrsite checkin platform reliability/slo VALUE
"""


def test_text_prints_names_and_titles_as_written(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No Markdown escaping (&#42;, &lt;, &#8203;) in a terminal: the titles as the YAML has them.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(date(2026, 11, 12)))
    result = CliRunner().invoke(main, ["due", "--root", str(root), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert result.output == TEXT_AS_OF_12
    assert to_text(_due(root, date(2026, 11, 12))) == TEXT_AS_OF_12


def test_text_escapes_control_characters_and_markdown_keeps_its_escaping(
    root: Path,
) -> None:
    due = _due(root, date(2026, 11, 12))
    owner = due.owners[1]
    kr = replace(owner.key_results[0], title="Cut tier-1 \x1b[2J99.5% p95\u202e")
    hostile = replace(due, owners=(replace(owner, key_results=(kr,)),))
    text = to_text(hostile)
    assert "- Cut tier-1 \\x1b[2J99.5% p95\\u202e (Payments, " in text
    assert "\x1b" not in text and "\u202e" not in text
    assert "**Cut tier&#45;1 &#91;2J99&#46;5% p95" in to_markdown(hostile)


def test_cli_json_with_as_of_is_byte_identical(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(TODAY))
    args = ["--root", str(root), "due", "--format", "json", "--as-of", "2026-11-12"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == JSON_AS_OF_12
    assert first.output.endswith("}\n")
    assert CliRunner().invoke(main, args).output == first.output


def test_cli_an_empty_list_still_exits_0(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(TODAY))
    result = CliRunner().invoke(main, ["due", "--root", str(root), "--quarter", "2026-Q3"])
    assert result.exit_code == 0, result.output
    assert "no check-ins are due" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-11-31"], "okrsite: error: --as-of '2026-11-31' is not a date"),
        (["--quarter", "2027-Q1"], "okrsite: error: --quarter '2027-Q1' is not a quarter"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    root: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(TODAY))
    result = CliRunner().invoke(main, ["due", "--root", str(root), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def test_cli_bad_data_exits_2(write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(TODAY))
    broken = ORG.replace("{github: sam-lee}", "{github: -sam-}")
    root = write_repo({**FILES, "okrs/org.yaml": broken})
    result = CliRunner().invoke(main, ["due", "--root", str(root)])
    assert result.exit_code == 2
    assert "OKR017" in result.stderr


def test_the_demo_lists_its_owners_handles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(TODAY))
    project = Path(__file__).resolve().parent.parent
    result = CliRunner().invoke(main, ["due", "--root", str(project), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["quarter"] == "2026-Q4" and data["as_of"] == "2026-11-27"
    # Analytics' self-serve share, last checked in 2026-10-05, has been due since 2026-11-04.
    oskar = next(o for o in data["owners"] if o["owner"] == "Oskar Lindqvist")
    assert oskar["github"] == "example-oskar-lindqvist"
    assert {"key_result": "self-serve-share", "due": "2026-11-04", "overdue": True}.items() <= (
        oskar["key_results"][0].items()
    )


METRICS_YAML = """\
metrics:
  - id: error-rate
    title: Checkout error rate
    owner: Sam Lee
    measurement: Service metrics
    unit: "%"
    max: 0.5
  - id: pages
    title: "Pages <script>x</script> @org/team #5"
    owner: "@everyone"
    measurement: Pager
    unit: pages/week
    min: 1
    max: 4
  - id: uptime
    title: Uptime
    owner: Sam Lee
    measurement: Probes
    min: 99
"""
# By hand, as of 2026-11-12: error-rate 0.4 (healthy) on 09-01, then 0.6 on 10-01 and 0.7 on
# 11-01, outside <= 0.5: breached since 2026-10-01, latest 0.7. pages: 6 on 08-01, 5 on 09-01,
# outside 1 to 4 since 2026-08-01 (the longest, so first); its 2026-11-20 reading of 3 is after
# the as-of date. uptime: 99.5, healthy, not listed.
METRICS_CSV = """\
date,metric,value,note
2026-09-01,error-rate,0.4,
2026-10-01,error-rate,0.6,
2026-11-01,error-rate,0.7,
2026-08-01,pages,6,
2026-09-01,pages,5,
2026-11-20,pages,3,
2026-11-01,uptime,99.5,
"""


@pytest.fixture
def with_metrics(write_repo: WriteRepo) -> Path:
    return write_repo(
        {
            **FILES,
            "okrs/metrics/payments.yaml": METRICS_YAML,
            "okrs/metrics/payments.csv": METRICS_CSV,
        }
    )


def test_breached_metrics_longest_first_with_hand_worked_dates(with_metrics: Path) -> None:
    due = _due(with_metrics, date(2026, 11, 12))
    assert [(m.path, m.value, m.since, m.github) for m in due.breached] == [
        ("payments/pages", 5.0, date(2026, 8, 1), None),
        ("payments/error-rate", 0.7, date(2026, 10, 1), "sam-lee"),
    ]
    # On 2026-11-20 pages reads 3, inside 1 to 4: only the error rate stays breached.
    later = _due(with_metrics, date(2026, 11, 25))
    assert [m.path for m in later.breached] == ["payments/error-rate"]


def test_breached_metrics_in_markdown_escaped_as_the_key_results_are(with_metrics: Path) -> None:
    text = to_markdown(_due(with_metrics, date(2026, 11, 12)))
    section = text.split("## Standing metrics breached\n\n")[1]
    hostile_title = gfm_text("Pages <script>x</script> @org/team #5")
    assert section == (
        "Standing metrics whose latest reading is outside their healthy range, the longest "
        "breached first: bring them back into range, or review the range.\n\n"
        f"- **{hostile_title}** (Payments, `payments/pages`): 5 pages/week, healthy range 1 to 4;"
        f" breached since 2026-08-01. Owner: {gfm_text('@everyone')}\n"
        "- **Checkout error rate** (Payments, `payments/error-rate`): 0.7%, healthy range "
        "≤ 0.5; breached since 2026-10-01. Owner: @sam-lee (Sam Lee)\n"
    )
    # Nobody is mentioned but the handle from org.yaml, no tag gets through, nothing links.
    assert "<script>" not in section and "@org" not in section and "#5" not in section
    assert "@everyone" not in section and section.count("@sam-lee") == 1


def test_breached_metrics_in_text_and_json(with_metrics: Path) -> None:
    due = _due(with_metrics, date(2026, 11, 12))
    text = to_text(due)
    assert (
        "Standing metrics breached\n\n"
        "Standing metrics whose latest reading is outside their healthy range"
    ) in text
    assert (
        "- Checkout error rate (Payments, payments/error-rate): 0.7%, healthy range ≤ 0.5; "
        "breached since 2026-10-01. Owner: Sam Lee (@sam-lee)\n"
    ) in text
    breached = due_json(due)["breached_metrics"]
    assert isinstance(breached, list) and breached[1] == {
        "unit": "payments",
        "metric": "error-rate",
        "title": "Checkout error rate",
        "value": 0.7,
        "unit_of_measure": "%",
        "min": None,
        "max": 0.5,
        "breached_since": "2026-10-01",
        "owner": "Sam Lee",
        "github": "sam-lee",
    }


def test_no_breached_metric_no_section(root: Path) -> None:
    assert "Standing metrics" not in to_markdown(_due(root, date(2026, 11, 12)))


def test_breached_metrics_are_listed_even_when_no_check_in_is_due(with_metrics: Path) -> None:
    text = to_markdown(_due(with_metrics, date(2026, 10, 1)))
    assert "No check-ins are due by 2026-10-08.\n" in text
    assert "(Payments, `payments/pages`)" in text
