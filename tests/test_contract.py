"""CONTRACT.md rule by rule, black-box: the real CLI on a written repository, JSON and text out.

Each test names the contract's rule it checks and states the arithmetic it expects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from okrsite.cli import main
from tests.conftest import MINIMAL, ORG_YAML, PAYMENTS_CSV, PAYMENTS_YAML, WriteRepo

NOV_27 = "1795737600"  # SOURCE_DATE_EPOCH of 2026-11-27 00:00 UTC


def invoke(root: Path, *args: str, epoch: str = NOV_27) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *args],
                              env={"SOURCE_DATE_EPOCH": epoch})  # fmt: skip


def export(root: Path, *args: str, epoch: str = NOV_27) -> dict[str, Any]:
    result = invoke(root, "export", *args, epoch=epoch)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def repo(write_repo: WriteRepo, changes: Mapping[str, str | bytes] | None = None) -> Path:
    return write_repo({**MINIMAL, **(changes or {})})


def unit(data: dict[str, Any], unit_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(u for u in data["units"] if u["id"] == unit_id)
    return found


def kr(data: dict[str, Any], path: str) -> dict[str, Any]:
    unit_id, objective_id, kr_id = path.split("/")
    objective = next(o for o in unit(data, unit_id)["objectives"] if o["id"] == objective_id)
    found: dict[str, Any] = next(k for k in objective["key_results"] if k["id"] == kr_id)
    return found


LEAD_TIME = "payments/delivery/lead-time"
GUARDRAIL = "payments/delivery/change-failure-rate"

MILESTONE_YAML = """\
objectives:
  - id: delivery
    title: Ship faster
    domain: delivery
    key_results:
      - id: runbooks
        kind: milestone
        title: Every tier-1 service has a tested runbook
        owner: Ana Silva
        measurement: Runbook review checklist
"""


def milestone_repo(write_repo: WriteRepo, csv_rows: str, **extra: str) -> Path:
    files = {
        "okrs/2026-Q4/payments.yaml": MILESTONE_YAML,
        "okrs/2026-Q4/payments.csv": "date,kr,value\n" + csv_rows,
        **extra,
    }
    return repo(write_repo, files)


GUARDRAIL_YAML = """\
objectives:
  - id: reliability
    title: Keep the service dependable
    domain: technical-health
    key_results:
      - id: errors
        kind: guardrail
        title: Keep the error rate at or below 1%
        owner: Sam Lee
        measurement: Error budget dashboard
        baseline: 0.5
        max: 1
"""


def guardrail_repo(write_repo: WriteRepo, held: int, broken: int, org: str = ORG_YAML) -> Path:
    """A guardrail with `held` check-ins in bounds, then `broken` out of bounds, a day apart."""
    rows = [f"2026-10-{day:02d},reliability/errors,0.5" for day in range(1, held + 1)]
    rows += [f"2026-11-{day:02d},reliability/errors,3" for day in range(1, broken + 1)]
    files = {
        "okrs/org.yaml": org,
        "okrs/2026-Q4/payments.yaml": GUARDRAIL_YAML,
        "okrs/2026-Q4/payments.csv": "date,kr,value\n" + "\n".join(rows) + "\n",
    }
    return repo(write_repo, files)


# Section 4: the contract's own example and the JSON shape.


def test_the_contracts_example_lead_time_scores_four_sevenths(write_repo: WriteRepo) -> None:
    data = export(repo(write_repo), "--as-of", "2026-11-27")
    lead_time = kr(data, LEAD_TIME)
    assert lead_time["value"] == 8.0
    assert lead_time["score"] == (8 - 12) / (5 - 12)  # 0.571...
    assert lead_time["confidence"] == 0.7
    assert lead_time["trend"] == "improving"  # progress 2/7 then 4/7
    assert lead_time["grade"] is None  # an open quarter has no grade


def test_export_keys_are_in_the_contracts_order(write_repo: WriteRepo) -> None:
    data = export(repo(write_repo))
    # the keys added on 2026-11-28 come after the older ones, in the contract's order
    assert list(data) == ["quarter", "as_of", "status", "score", "units", "coverage"]
    payments = unit(data, "payments")
    assert list(payments) == [
        "id", "kind", "parent", "score", "rollup", "band", "objectives",
        "name", "projected", "coverage", "thresholds",
    ]  # fmt: skip
    objective = payments["objectives"][0]
    assert list(objective) == [
        "id", "type", "domain", "score", "band", "key_results",
        "title", "projected", "coverage", "thresholds",
    ]  # fmt: skip
    assert list(kr(data, LEAD_TIME)) == [
        "id", "kind", "value", "score", "grade", "projected_score",
        "status", "trend", "stale", "confidence",
        "title", "owner", "dropped", "confidence_gap", "last_checkin",
    ]  # fmt: skip
    assert (data["quarter"], data["as_of"], data["status"]) == ("2026-Q4", "2026-11-27", "open")


def test_every_unit_of_org_yaml_appears_in_its_order_with_null_rules(
    write_repo: WriteRepo,
) -> None:
    org = ORG_YAML + "  - id: zeta\n    name: Zeta\n    kind: team\n    parent: eng\n"
    org += "  - id: alpha\n    name: Alpha\n    kind: group\n    parent: eng\n"
    data = export(repo(write_repo, {"okrs/org.yaml": org}))
    assert [u["id"] for u in data["units"]] == ["eng", "platform", "payments", "zeta", "alpha"]
    eng, platform, payments = (unit(data, u) for u in ("eng", "platform", "payments"))
    objective_score = payments["objectives"][0]["score"]
    # No objectives of its own: score null; the roll-up is over the objectives below.
    assert (platform["score"], platform["rollup"]) == (None, objective_score)
    assert (eng["score"], eng["rollup"]) == (None, objective_score)
    assert data["score"] == eng["rollup"]
    # Nothing at or below: score, roll-up and band all null.
    for empty in ("zeta", "alpha"):
        assert unit(data, empty)["score"] is None
        assert unit(data, empty)["rollup"] is None
        assert unit(data, empty)["band"] is None
    assert unit(data, "zeta")["objectives"] == []


def test_a_kr_without_check_ins_has_nulls_score_zero_and_no_data(write_repo: WriteRepo) -> None:
    data = export(repo(write_repo, {"okrs/2026-Q4/payments.csv": "date,kr,value\n"}))
    lead_time = kr(data, LEAD_TIME)
    assert lead_time["value"] is None
    assert lead_time["score"] == 0.0
    assert lead_time["projected_score"] is None
    assert lead_time["status"] == "no-data"
    assert lead_time["trend"] is None
    assert lead_time["confidence"] is None


def test_confidence_is_that_of_the_latest_check_in_null_when_it_gave_none(
    write_repo: WriteRepo,
) -> None:
    csv = PAYMENTS_CSV + "2026-11-20,delivery/lead-time,7,,,\n"
    data = export(repo(write_repo, {"okrs/2026-Q4/payments.csv": csv}))
    assert kr(data, LEAD_TIME)["confidence"] is None  # the 0.7 of 2026-11-15 is older


# Section 2: which check-ins count, and when.


def test_a_grace_period_check_in_counts_on_the_end_date(write_repo: WriteRepo) -> None:
    root = milestone_repo(
        write_repo, "2026-12-31,delivery/runbooks,60\n2027-01-31,delivery/runbooks,90\n"
    )
    data = export(root, "--as-of", "2026-12-31")
    runbooks = kr(data, "payments/delivery/runbooks")
    # Both fall on 2026-12-31; the later row (90) wins, and it is counted by an as-of of the end.
    assert runbooks["value"] == 90.0
    assert runbooks["score"] == 0.9
    assert runbooks["trend"] is None  # one counted check-in: the same date twice is one


def test_a_grace_period_row_wins_over_the_end_date_even_written_first(
    write_repo: WriteRepo,
) -> None:
    rows = "2027-01-10,delivery/runbooks,90\n2026-12-31,delivery/runbooks,60\n"
    data = export(milestone_repo(write_repo, rows), "--as-of", "2026-12-31")
    # Ordered by their own dates, 2027-01-10 comes last, so it is the end date's value.
    assert kr(data, "payments/delivery/runbooks")["value"] == 90.0


def test_on_one_date_the_later_row_wins_whatever_the_file_order(write_repo: WriteRepo) -> None:
    rows = "2026-11-02,delivery/runbooks,40\n2026-11-01,delivery/runbooks,10\n"
    rows += "2026-11-02,delivery/runbooks,30\n"
    data = export(milestone_repo(write_repo, rows), "--as-of", "2026-11-27")
    runbooks = kr(data, "payments/delivery/runbooks")
    assert runbooks["value"] == 30.0  # the third row, later than the first on 2026-11-02
    assert runbooks["trend"] == "improving"  # 0.10 then 0.30: ordered by date, not by row


def test_as_of_excludes_later_check_ins(write_repo: WriteRepo) -> None:
    data = export(repo(write_repo), "--as-of", "2026-11-14")
    lead_time = kr(data, LEAD_TIME)
    assert data["as_of"] == "2026-11-14"
    assert lead_time["value"] == 10.0
    assert lead_time["score"] == (10 - 12) / (5 - 12)
    assert lead_time["trend"] is None


@pytest.mark.parametrize(
    ("epoch", "as_of"),
    [
        ("1790812800", "2026-10-01"),  # 2026-10-01: inside the quarter, today
        ("1780000000", "2026-10-01"),  # 2026-05-28: before the start, clamped to the start
        ("1800000000", "2026-12-31"),  # 2027-01-15: after the end, clamped to the end
        (NOV_27, "2026-11-27"),
    ],
)
def test_as_of_defaults_to_today_clamped_into_the_quarter(
    write_repo: WriteRepo, epoch: str, as_of: str
) -> None:
    assert export(repo(write_repo), epoch=epoch)["as_of"] == as_of


def test_a_closed_quarter_is_computed_at_its_end_from_final_grades(
    write_repo: WriteRepo,
) -> None:
    yaml = PAYMENTS_YAML.replace("target: 5\n", "target: 5\n        grade: 0.25\n")
    root = repo(
        write_repo,
        {
            "okrs/2026-Q3/quarter.yaml": "status: closed\n",
            "okrs/2026-Q3/payments.yaml": yaml,
            "okrs/2026-Q3/payments.csv": PAYMENTS_CSV.replace("2026-10-", "2026-07-").replace(
                "2026-11-", "2026-08-"
            ),
        },
    )
    data = export(root, "--quarter", "2026-Q3")
    assert (data["as_of"], data["status"]) == ("2026-09-30", "closed")
    assert kr(data, LEAD_TIME)["grade"] == 0.25  # the owner's grade wins
    guardrail = kr(data, GUARDRAIL)
    assert guardrail["grade"] == 1.0  # no grade given: its score at the end (4.0 <= 5 held)
    assert unit(data, "payments")["objectives"][0]["score"] == (0.25 + 1.0) / 2


def test_the_current_quarter_is_the_open_one_holding_today(write_repo: WriteRepo) -> None:
    # Section 4: the open quarter whose dates hold today; else the latest quarter that has
    # started; else the earliest. (tests/test_quarter_choice.py has every case.)
    later_closed = {
        "okrs/2027-Q1/quarter.yaml": "status: closed\n",
        "okrs/2027-Q1/payments.yaml": PAYMENTS_YAML,
    }
    assert export(repo(write_repo, later_closed))["quarter"] == "2026-Q4"
    all_closed = {**later_closed, "okrs/2026-Q4/quarter.yaml": "status: closed\n"}
    # On 2026-11-27 2027-Q1 has not started: 2026-Q4 is the latest quarter that has.
    assert export(repo(write_repo, all_closed))["quarter"] == "2026-Q4"
    feb_1_2027 = "1801440000"
    assert export(repo(write_repo, all_closed), epoch=feb_1_2027)["quarter"] == "2027-Q1"


def test_quarter_yaml_dates_replace_the_calendar_quarter(write_repo: WriteRepo) -> None:
    quarter = "start: 2026-11-01\nend: 2027-01-31\n"
    csv = "date,kr,value\n2026-11-01,delivery/runbooks,10\n2027-03-03,delivery/runbooks,50\n"
    root = milestone_repo(write_repo, "", **{"okrs/2026-Q4/quarter.yaml": quarter})
    (root / "okrs/2026-Q4/payments.csv").write_text(csv, encoding="utf-8")
    assert export(root, epoch="1800000000")["as_of"] == "2027-01-15"  # inside the custom quarter
    data = export(root, "--as-of", "2027-01-31")
    assert kr(data, "payments/delivery/runbooks")["value"] == 50.0  # 2027-03-03: 31 days grace
    # The custom start bounds the check-ins: 2026-10-31 is before it.
    (root / "okrs/2026-Q4/payments.csv").write_text(
        "date,kr,value\n2026-10-31,delivery/runbooks,10\n", encoding="utf-8"
    )
    checked = invoke(root, "check")
    assert checked.exit_code == 1
    assert "okrs/2026-Q4/payments.csv:2:1: OKR040 date 2026-10-31 is outside the quarter" in (
        checked.stdout
    )


# Section 2: the formulas at their edges.


def test_a_metric_that_goes_up_clamps_at_zero_and_one(write_repo: WriteRepo) -> None:
    yaml = PAYMENTS_YAML.replace("baseline: 12", "baseline: 10").replace("target: 5", "target: 20")
    csv = "date,kr,value\n2026-10-15,delivery/lead-time,25\n2026-11-15,delivery/lead-time,5\n"
    data = export(repo(write_repo, {"okrs/2026-Q4/payments.yaml": yaml,
                                    "okrs/2026-Q4/payments.csv": csv}))  # fmt: skip
    lead_time = kr(data, LEAD_TIME)
    assert lead_time["score"] == 0.0  # (5 - 10) / (20 - 10) = -0.5, clamped
    assert lead_time["trend"] == "worsening"  # progress 1.5 then -0.5


def test_done_when_the_score_is_one(write_repo: WriteRepo) -> None:
    data = export(milestone_repo(write_repo, "2026-11-01,delivery/runbooks,120\n"))
    runbooks = kr(data, "payments/delivery/runbooks")
    assert (runbooks["score"], runbooks["status"]) == (1.0, "done")


@pytest.mark.parametrize(
    ("held", "broken", "status", "band"),
    [
        (7, 3, "on-track", "green"),  # 7/10 == 0.7: at least the green band
        (2, 3, "at-risk", "yellow"),  # 2/5 == 0.4: at least the red band
        (1, 3, "off-track", "red"),  # 1/4 == 0.25
    ],
)
def test_status_and_band_at_the_exact_band_boundaries(
    write_repo: WriteRepo, held: int, broken: int, status: str, band: str
) -> None:
    data = export(guardrail_repo(write_repo, held, broken), "--as-of", "2026-11-27")
    errors = kr(data, "payments/reliability/errors")
    assert errors["score"] == held / (held + broken)
    assert errors["projected_score"] == errors["score"]  # a guardrail projects its score
    assert errors["status"] == status
    assert unit(data, "payments")["objectives"][0]["band"] == band
    assert unit(data, "payments")["band"] == band


def test_the_policy_bands_are_honoured(write_repo: WriteRepo) -> None:
    org = ORG_YAML + "policy:\n  bands: {red: 0.3, green: 0.8}\n"
    data = export(guardrail_repo(write_repo, 7, 3, org), "--as-of", "2026-11-27")
    errors = kr(data, "payments/reliability/errors")
    assert (errors["score"], errors["status"]) == (0.7, "at-risk")  # 0.3 <= 0.7 < 0.8
    assert unit(data, "payments")["band"] == "yellow"


@pytest.mark.parametrize(
    ("first", "second", "trend"),
    [
        ("0", "1", "improving"),  # progress 0.00 then 0.01: a change of exactly 0.01
        ("1", "0", "worsening"),
        ("0", "0.5", "flat"),  # a change of 0.005, under 0.01
        ("1", "1", "flat"),
    ],
)
def test_trend_is_flat_only_under_a_change_of_one_hundredth(
    write_repo: WriteRepo, first: str, second: str, trend: str
) -> None:
    rows = f"2026-10-10,delivery/runbooks,{first}\n2026-10-20,delivery/runbooks,{second}\n"
    data = export(milestone_repo(write_repo, rows), "--as-of", "2026-11-01")
    assert kr(data, "payments/delivery/runbooks")["trend"] == trend


def test_the_projection_is_the_least_squares_line_through_the_baseline(
    write_repo: WriteRepo,
) -> None:
    # Points (0, 0) and (46, 23): value = day / 2, so 45.5 at day 91, the quarter's end.
    data = export(milestone_repo(write_repo, "2026-11-16,delivery/runbooks,23\n"))
    runbooks = kr(data, "payments/delivery/runbooks")
    assert runbooks["projected_score"] == pytest.approx(91 / 2 / 100)
    assert runbooks["status"] == "at-risk"  # 0.4 <= 0.455 < 0.7


@pytest.mark.parametrize(("as_of", "stale"), [("2026-11-15", False), ("2026-11-16", True)])
def test_stale_after_the_policys_days_since_the_latest_check_in(
    write_repo: WriteRepo, as_of: str, stale: bool
) -> None:
    org = ORG_YAML + "policy:\n  stale_after_days: 31\n"
    data = export(repo(write_repo, {"okrs/org.yaml": org}), "--as-of", as_of)
    # The guardrail's only check-in is 2026-10-15: 31 days to 11-15, 32 to 11-16.
    assert kr(data, GUARDRAIL)["stale"] is stale


def test_stale_counts_from_the_start_without_check_ins(write_repo: WriteRepo) -> None:
    root = repo(write_repo, {"okrs/2026-Q4/payments.csv": "date,kr,value\n"})
    assert kr(export(root, "--as-of", "2026-11-15"), LEAD_TIME)["stale"] is False  # 45 days
    assert kr(export(root, "--as-of", "2026-11-16"), LEAD_TIME)["stale"] is True  # 46 days


# Section 1: the CSV format.


def test_bom_crlf_and_a_quoted_line_break_are_read(write_repo: WriteRepo) -> None:
    csv = (
        "\ufeffvalue,kr,date,note\r\n"
        '9,delivery/lead-time,2026-10-20,"two\r\nlines, and a comma"\r\n'
    ).encode()
    data = export(repo(write_repo, {"okrs/2026-Q4/payments.csv": csv}))
    assert kr(data, LEAD_TIME)["value"] == 9.0
    assert invoke(repo(write_repo, {"okrs/2026-Q4/payments.csv": csv}), "check").exit_code == 0


@pytest.mark.parametrize(
    ("day", "error"),
    [("2026-10-01", False), ("2027-01-31", False), ("2026-09-30", True), ("2027-02-01", True)],
)
def test_check_ins_run_from_the_start_to_31_days_after_the_end(
    write_repo: WriteRepo, day: str, error: bool
) -> None:
    csv = f"date,kr,value\n{day},delivery/lead-time,9\n"
    result = invoke(repo(write_repo, {"okrs/2026-Q4/payments.csv": csv}), "check")
    assert (result.exit_code == 1) is error
    assert ("payments.csv:2:1: OKR040" in result.stdout) is error


# Section 3: every error class and warning, located.

ERRORS: dict[str, tuple[dict[str, str], str]] = {
    "bad YAML": (
        {"okrs/2026-Q4/payments.yaml": "objectives: [\n"},
        "okrs/2026-Q4/payments.yaml:2:1: OKR003",
    ),
    "bad CSV": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV + '2026-11-16,delivery/lead-time,7,"a"b,,\n'},
        "okrs/2026-Q4/payments.csv:5:1: OKR037",
    ),
    "unknown unit": (
        {"okrs/2026-Q4/billing.yaml": PAYMENTS_YAML},
        "okrs/2026-Q4/billing.yaml: OKR022 file name 'billing' is not a unit in okrs/org.yaml",
    ),
    "unknown KR": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV + "2026-11-16,delivery/lead-tme,7,,,\n"},
        "okrs/2026-Q4/payments.csv:5:12: OKR041 kr 'delivery/lead-tme' is not a key result",
    ),
    "duplicate unit id": (
        {
            "okrs/org.yaml": ORG_YAML + "  - id: payments\n    name: P\n    kind: team\n"
            "    parent: eng\n"
        },
        "okrs/org.yaml:14:9: OKR105 unit 'payments' is defined twice",
    ),
    "duplicate objective id": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML + PAYMENTS_YAML.split("\n", 1)[1]},
        "okrs/2026-Q4/payments.yaml:20:5: OKR106 unit 'payments': objective 'delivery' is "
        "defined twice",
    ),
    "duplicate KR id": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace("change-failure-rate", "lead-time")},
        "okrs/2026-Q4/payments.yaml:13:9: OKR107 objective 'payments/delivery': key result "
        "'lead-time' is defined twice",
    ),
    "missing required field": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace("        owner: Sam Lee\n", "", 1)},
        "okrs/2026-Q4/payments.yaml:6:9: OKR011 key result 'payments/delivery/lead-time': the "
        "required field 'owner' is missing",
    ),
    "a number that is not one": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace(",8,", ",8,5,")},
        "okrs/2026-Q4/payments.csv:3:1: OKR037 row 2 has 7 cells but the header has 6",
    ),
    "a CSV value that is not a number": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace(",8,", ",eight,")},
        "okrs/2026-Q4/payments.csv:3:31: OKR036 value 'eight' is not a number",
    ),
    "a YAML number that is not one": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace("target: 5", "target: five")},
        "okrs/2026-Q4/payments.yaml:12:17: OKR012 key result 'payments/delivery/lead-time': "
        "target must be a number, not the text 'five'",
    ),
    "a date outside the quarter": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace("2026-11-15", "2026-08-15")},
        "okrs/2026-Q4/payments.csv:3:1: OKR040 date 2026-08-15 is outside the quarter",
    ),
    "aligns_to to nothing": (
        {
            "okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace(
                "    domain: delivery\n", "    domain: delivery\n    aligns_to: eng/nothing\n"
            )
        },
        "okrs/2026-Q4/payments.yaml:5:16: OKR114 objective 'payments/delivery': aligns_to "
        "'eng/nothing': unit 'eng' has no objective 'nothing' in 2026-Q4",
    ),
    "unknown field": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace("unit: days", "unitt: days")},
        "okrs/2026-Q4/payments.yaml:10:9: OKR010 key result 'payments/delivery/lead-time': "
        "unknown field 'unitt'; did you mean 'unit'?",
    ),
    "unknown column": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace("blockers", "blocker")},
        "okrs/2026-Q4/payments.csv:1:31: OKR033 unknown column 'blocker'; did you mean 'blockers'?",
    ),
    "folder that is not a quarter": (
        {"okrs/2026-Q5/payments.yaml": PAYMENTS_YAML},
        "okrs/2026-Q5: OKR021 folder '2026-Q5' is not a quarter",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_each_error_is_reported_with_its_location_and_exit_one(
    write_repo: WriteRepo, case: str
) -> None:
    changes, expected = ERRORS[case]
    result = invoke(repo(write_repo, changes), "check")
    assert result.exit_code == 1
    assert expected in result.stdout, result.stdout
    exported = invoke(repo(write_repo, changes), "export")
    assert exported.exit_code == 2
    assert exported.stderr.startswith("okrsite: error: ")


def test_every_problem_is_reported_at_once(write_repo: WriteRepo) -> None:
    changes = {**ERRORS["unknown KR"][0], **ERRORS["unknown field"][0]}
    result = invoke(repo(write_repo, changes), "check")
    assert ERRORS["unknown KR"][1] in result.stdout
    assert ERRORS["unknown field"][1] in result.stdout


FOUR_KRS = "".join(
    f"""\
      - id: kr-{n}
        title: Reduce p95 latency from {n + 5}00 ms to 300 ms
        owner: Sam Lee
        measurement: APM
        baseline: {n + 5}00
        target: 300
"""
    for n in range(5)
)

WARNINGS: dict[str, tuple[dict[str, str], str]] = {
    "activity dressed as an outcome": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace(
            "Reduce median lead time for changes from 12 days to 5 days",
            "Migrate to Kubernetes")},
        "okrs/2026-Q4/payments.yaml:6:9: OKR201 key result 'payments/delivery/lead-time': "
        "'Migrate to Kubernetes' reads as an activity",
    ),
    "vanity metric": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace(
            "Deployment pipeline, median over merged changes", "Code coverage report")},
        "okrs/2026-Q4/payments.yaml:6:9: OKR202 key result 'payments/delivery/lead-time' "
        "measures code coverage",
    ),
    "more KRs than the policy allows": (
        {"okrs/2026-Q4/payments.yaml": MILESTONE_YAML.split("      - id:")[0] + FOUR_KRS},
        "okrs/2026-Q4/payments.yaml:2:5: OKR203 objective 'payments/delivery' has 5 key "
        "results; the policy allows 4",
    ),
    "an org with more objectives than its cap": (
        {"okrs/2026-Q4/eng.yaml": "objectives:\n" + "".join(
            f"  - id: o{n}\n    title: T\n    key_results:\n" + FOUR_KRS.replace("kr-4", "x")
            for n in range(3))},
        "okrs/2026-Q4/eng.yaml:1:1: OKR205 unit 'eng' has 3 objectives; the policy allows 2",
    ),
    "a quarter leaving out a health domain": (
        {"okrs/2026-Q4/platform.yaml": MILESTONE_YAML + MILESTONE_YAML.replace(
             "objectives:\n", "").replace("id: delivery", "id: paved-road")},
        "okrs/2026-Q4: OKR206 quarter 2026-Q4 has no objective in technical-health, team-health",
    ),
    "an objective that is an activity": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace(
            "Ship features from idea to production faster", "Migrate to Kubernetes")},
        "okrs/2026-Q4/payments.yaml:2:5: OKR210 objective 'payments/delivery': "
        "'Migrate to Kubernetes' names an activity ('migrate'), not what will be better",
    ),
    "a count of things done": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace(
            "Reduce median lead time for changes from 12 days to 5 days",
            "Migrate 3 services to Kubernetes")},
        "okrs/2026-Q4/payments.yaml:6:9: OKR201 key result 'payments/delivery/lead-time': "
        "'Migrate 3 services to Kubernetes' reads as an activity ('migrate') that counts "
        "things done, not what they change",
    ),
    "a milestone with no checkable end state": (
        {"okrs/2026-Q4/payments.yaml": MILESTONE_YAML.replace(
            "Every tier-1 service has a tested runbook", "Be more agile"),
         "okrs/2026-Q4/payments.csv": "date,kr,value\n"},
        "okrs/2026-Q4/payments.yaml:6:9: OKR211 milestone key result "
        "'payments/delivery/runbooks': 'Be more agile' promises no end state anyone could check",
    ),
    "a check-in after today": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV + "2026-11-28,delivery/lead-time,7,,,\n"},
        "okrs/2026-Q4/payments.csv:5:1: OKR212 check-in of 'payments/delivery/lead-time' is "
        "dated 2026-11-28, after today (2026-11-27)",
    ),
    "quarter dates that wander from the calendar quarter": (
        {"okrs/2026-Q4/quarter.yaml": "start: 2026-08-01\nend: 2026-12-31\n"},
        "okrs/2026-Q4/quarter.yaml:1:8: OKR213 quarter 2026-Q4 runs 2026-08-01 to 2026-12-31: "
        "its start is 61 days before the calendar quarter's (2026-10-01)",
    ),
    "a stale KR": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace("2026-10-15,delivery/c",
                                                           "2026-10-05,delivery/c")},
        "okrs/2026-Q4/payments.yaml:13:9: OKR207 key result "
        "'payments/delivery/change-failure-rate' has had no check-in since 2026-10-05, more "
        "than 45 days before 2026-11-27",
    ),
    "a quarter of all 1.0 grades": (
        {"okrs/2026-Q4/quarter.yaml": "status: closed\n",
         "okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace(
             "target: 5\n", "target: 5\n        grade: 1\n")},
        "OKR208 unit 'payments' graded every key result 1.0 in 2026-Q4",
    ),
    "a unit's grades averaging 0.9 or more": (
        {"okrs/2026-Q4/quarter.yaml": "status: closed\n",
         "okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace(
             "target: 5\n", "target: 5\n        grade: 0.8\n")
             + FOUR_KRS.split("      - id: kr-2")[0].replace(
                 "target: 300\n", "target: 300\n        grade: 1\n")},
        "OKR208 unit 'payments' averaged a grade of 0.95 over its 4 key results in 2026-Q4",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_each_warning_is_reported_located_and_the_policy_can_ignore_it(
    write_repo: WriteRepo, case: str
) -> None:
    changes, expected = WARNINGS[case]
    root = repo(write_repo, changes)
    result = invoke(root, "check")
    assert expected in result.stdout, result.stdout
    code = expected.split("OKR")[1][:3]
    org = changes.get("okrs/org.yaml", ORG_YAML) + f"policy:\n  ignore: [OKR{code}]\n"
    (root / "okrs/org.yaml").write_text(org, encoding="utf-8")
    assert f"OKR{code}" not in invoke(root, "check").stdout
