"""The export shape of contract section 4: keys, their order, every unit, and the null rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrsite.cli import main
from okrsite.model.okrs import Unit
from okrsite.score.export import dumps, export_quarter
from okrsite.score.quarter import score_quarter
from tests.conftest import MINIMAL, WriteRepo
from tests.test_score import (
    guardrail,
    metric,
    milestone,
    objective,
    on,
    quarter,
    repository,
)

# Revised 2026-11-28: new keys after the old ones, in the contract's order.
QUARTER_KEYS = ["quarter", "as_of", "status", "score", "units", "coverage"]
UNIT_KEYS = [
    "id", "kind", "parent", "score", "rollup", "band", "objectives",
    "name", "projected", "coverage", "thresholds",
]  # fmt: skip
OBJECTIVE_KEYS = [
    "id", "type", "domain", "score", "band", "key_results",
    "title", "projected", "coverage", "thresholds",
]  # fmt: skip
KR_KEYS = [
    "id",
    "kind",
    "value",
    "score",
    "grade",
    "projected_score",
    "status",
    "trend",
    "stale",
    "confidence",
    "title",
    "owner",
    "dropped",
    "confidence_gap",
    "last_checkin",
]


def minimal_export() -> dict[str, object]:
    """The contract's example repository (tests/conftest.py MINIMAL) exported at 2026-11-27."""
    lead_time = metric(
        12,
        5,
        on("2026-10-15", 10, row=2, confidence=0.6),
        on("2026-11-15", 8, row=3, confidence=0.7),
        id="lead-time",
    )
    failure_rate = guardrail(on("2026-10-15", 4.0, row=4), max=5, id="change-failure-rate")
    q = quarter({"payments": (objective(lead_time, failure_rate, id="delivery"),)})
    return export_quarter(score_quarter(repository(q), q, date(2026, 11, 27)))


def test_export_has_the_contracts_exact_shape_and_key_order() -> None:
    data = minimal_export()
    assert list(data) == QUARTER_KEYS
    units = data["units"]
    assert isinstance(units, list)
    for unit in units:
        assert list(unit) == UNIT_KEYS
        for obj in unit["objectives"]:
            assert list(obj) == OBJECTIVE_KEYS
            for kr in obj["key_results"]:
                assert list(kr) == KR_KEYS


def test_export_of_the_minimal_repository() -> None:
    # lead-time: (8 - 12) / (5 - 12) = 0.571; least squares through (0, 12), (14, 10), (45, 8)
    # reaches 3.95 at day 91, past the target: projected 1, on track; 0.286 -> 0.571 improving
    lead_time = 4 / 7
    # change-failure-rate: 4.0 <= 5 held, 1 / 1 = 1: done
    # objective, payments, platform and eng: (0.571 + 1) / 2 = 0.786, green
    objective_score = (lead_time + 1) / 2
    delivery = {
        "id": "delivery",
        "type": "committed",
        "domain": "other",
        "score": pytest.approx(objective_score),
        "band": "green",
        "key_results": [
            {
                "id": "lead-time",
                "kind": "metric",
                "value": 8.0,
                "score": pytest.approx(lead_time),
                "grade": None,
                "projected_score": 1.0,
                "status": "on-track",
                "trend": "improving",
                "stale": False,
                "confidence": 0.7,
                "title": "Move from 12 to 5",
                "owner": "Sam Lee",
                "dropped": None,
                "confidence_gap": False,  # 0.7 on an on-track KR: no gap
                "last_checkin": "2026-11-15",
            },
            {
                "id": "change-failure-rate",
                "kind": "guardrail",
                "value": 4.0,
                "score": 1.0,
                "grade": None,
                "projected_score": 1.0,
                "status": "done",
                "trend": None,
                "stale": False,
                "confidence": None,
                "title": "Hold the line",
                "owner": "Sam Lee",
                "dropped": None,
                "confidence_gap": None,  # no confidence given
                "last_checkin": "2026-10-15",
            },
        ],
        "title": "Objective delivery",
        # projected (1.0 + 1.0) / 2 = 1.0 (the done guardrail counts 1): green
        "projected": 1.0,
        "coverage": 1.0,  # 2 counted / 2
        "thresholds": {"red": 0.4, "green": 0.7},
    }
    rollup = pytest.approx(objective_score)
    assert minimal_export() == {
        "quarter": "2026-Q4",
        "as_of": "2026-11-27",
        "status": "open",
        "score": rollup,
        "units": [
            {
                "id": "eng",
                "kind": "org",
                "parent": None,
                "score": None,
                "rollup": rollup,
                "band": "green",
                "objectives": [],
                "name": "Engineering",
                "projected": 1.0,
                "coverage": 1.0,
                "thresholds": {"red": 0.4, "green": 0.7},
            },
            {
                "id": "platform",
                "kind": "group",
                "parent": "eng",
                "score": None,
                "rollup": rollup,
                "band": "green",
                "objectives": [],
                "name": "Platform",
                "projected": 1.0,
                "coverage": 1.0,
                "thresholds": {"red": 0.4, "green": 0.7},
            },
            {
                "id": "payments",
                "kind": "team",
                "parent": "platform",
                "score": rollup,
                "rollup": rollup,
                "band": "green",
                "objectives": [delivery],
                "name": "Payments",
                "projected": 1.0,
                "coverage": 1.0,
                "thresholds": {"red": 0.4, "green": 0.7},
            },
        ],
        "coverage": 1.0,
    }


UNITS = (
    Unit("eng", "Engineering", "org"),
    Unit("research", "Research", "group", parent="eng"),
    Unit("platform", "Platform", "group", parent="eng"),
    Unit("lab", "Lab", "team", parent="research"),
    Unit("payments", "Payments", "team", parent="platform"),
)


def test_every_unit_appears_in_org_yaml_order_with_the_null_rules() -> None:
    q = quarter({"payments": (objective(milestone(on("2026-11-15", 30))),)})
    data = export_quarter(score_quarter(repository(q, units=UNITS), q, date(2026, 11, 27)))
    units = data["units"]
    assert isinstance(units, list)
    assert [u["id"] for u in units] == ["eng", "research", "platform", "lab", "payments"]
    by_id = {u["id"]: u for u in units}
    # no objectives of its own: score null; nothing below has any either: rollup and band null
    assert (by_id["research"]["score"], by_id["research"]["rollup"]) == (None, None)
    assert by_id["research"]["band"] is None
    assert (by_id["lab"]["score"], by_id["lab"]["rollup"], by_id["lab"]["band"]) == (
        None,
        None,
        None,
    )
    assert (by_id["research"]["coverage"], by_id["research"]["thresholds"]) == (None, None)
    # no objectives of its own, but payments below it: 30 / 100 = 0.3
    assert by_id["platform"]["score"] is None
    assert by_id["platform"]["rollup"] == pytest.approx(0.3)
    # its band reads the projected roll-up: (0, 0) and (45, 30) reach 30 * 91 / 45 = 60.7 at
    # day 91: 0.607, yellow
    assert by_id["platform"]["projected"] == pytest.approx(30 * 91 / 45 / 100)
    assert by_id["platform"]["band"] == "yellow"


def test_no_data_kr_exports_nulls() -> None:
    q = quarter({"payments": (objective(metric(12, 5)),)})
    data = export_quarter(score_quarter(repository(q), q, date(2026, 11, 27)))
    units = data["units"]
    assert isinstance(units, list)
    (kr,) = units[2]["objectives"][0]["key_results"]
    assert kr == {
        "id": "k",
        "kind": "metric",
        "value": None,
        "score": 0.0,
        "grade": None,
        "projected_score": None,
        "status": "no-data",
        "trend": None,
        "stale": True,  # 2026-10-01 to 2026-11-27 is 57 days, more than 45
        "confidence": None,
        "title": "Move from 12 to 5",
        "owner": "Sam Lee",
        "dropped": None,
        "confidence_gap": None,
        "last_checkin": None,
    }


def test_a_closed_quarter_exports_final_grades() -> None:
    q = quarter(
        {"payments": (objective(milestone(on("2026-11-15", 40), grade=0.6)),)}, status="closed"
    )
    data = export_quarter(score_quarter(repository(q), q))
    assert (data["status"], data["as_of"], data["score"]) == ("closed", "2026-12-31", 0.6)
    units = data["units"]
    assert isinstance(units, list)
    (kr,) = units[2]["objectives"][0]["key_results"]
    # measured 40 / 100 = 0.4; graded 0.6 by its owner
    assert (kr["score"], kr["grade"]) == (pytest.approx(0.4), 0.6)


def test_dumps_is_deterministic_indented_json_with_a_final_newline() -> None:
    text = dumps(minimal_export())
    assert text == dumps(minimal_export())
    assert text.endswith("}\n")
    assert text.startswith('{\n  "quarter": "2026-Q4",\n  "as_of": "2026-11-27",\n')
    assert list(json.loads(text)) == QUARTER_KEYS
    # numbers unrounded: 4 / 7 printed in full
    assert repr(4 / 7) in text


# --- okrsite export ----------------------------------------------------------------------

NOV_27_2026 = "1795737600"  # SOURCE_DATE_EPOCH of 2026-11-27T00:00:00Z


def run_export(root: Path, *args: str) -> Result:
    """Run `okrsite export` against a repository root, today pinned to 2026-11-27."""
    return CliRunner().invoke(
        main, ["export", "--root", str(root), *args], env={"SOURCE_DATE_EPOCH": NOV_27_2026}
    )


def test_export_command_prints_the_current_quarter_as_of_today(write_repo: WriteRepo) -> None:
    result = run_export(write_repo(MINIMAL))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["quarter"], data["as_of"], data["status"]) == ("2026-Q4", "2026-11-27", "open")
    assert [u["id"] for u in data["units"]] == ["eng", "platform", "payments"]
    lead_time, failure_rate = data["units"][2]["objectives"][0]["key_results"]
    # (8 - 12) / (5 - 12) = 0.571; 4.0 <= 5 held: 1 / 1 = 1; objective (0.571 + 1) / 2 = 0.786
    assert lead_time["score"] == pytest.approx(4 / 7)
    assert failure_rate["score"] == 1.0
    assert data["score"] == pytest.approx((4 / 7 + 1) / 2)
    assert result.stdout == dumps(data)


def test_export_command_takes_a_quarter_and_an_as_of_date(write_repo: WriteRepo) -> None:
    result = run_export(write_repo(MINIMAL), "--quarter", "2026-Q4", "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-11-01"
    # only the 2026-10-15 check-in counts: (10 - 12) / (5 - 12) = 0.286
    lead_time = data["units"][2]["objectives"][0]["key_results"][0]
    assert (lead_time["value"], lead_time["trend"]) == (10.0, None)
    assert lead_time["score"] == pytest.approx(2 / 7)


def test_export_command_rejects_an_unknown_quarter(write_repo: WriteRepo) -> None:
    result = run_export(write_repo(MINIMAL), "--quarter", "2031-Q1")
    assert result.exit_code == 2
    assert result.stderr == (
        "okrsite: error: --quarter '2031-Q1' is not a quarter in okrs/ (known: 2026-Q4)\n"
    )


def test_export_command_rejects_a_bad_date(write_repo: WriteRepo) -> None:
    result = run_export(write_repo(MINIMAL), "--as-of", "27/11/2026")
    assert result.exit_code == 2
    assert result.stderr == (
        "okrsite: error: --as-of '27/11/2026' is not a date; write it as YYYY-MM-DD,"
        " e.g. 2026-11-27\n"
    )
