"""A quarter's figures as the contract's JSON shape (scores.json, `okrsite export`): pure."""

from __future__ import annotations

import csv
import io
import json

from okrsite.model.numbers import csv_number
from okrsite.model.okrs import Bands
from okrsite.model.scores import KeyResultResult, ObjectiveResult, QuarterResult, UnitResult


def _number(value: float | None) -> float | None:
    """A figure as a JSON number, unrounded; int-valued inputs become floats for one type."""
    return None if value is None else float(value)


def _thresholds(bands: Bands | None) -> dict[str, float] | None:
    """Thresholds as {"red": .., "green": ..}, or None."""
    return None if bands is None else {"red": float(bands.red), "green": float(bands.green)}


def _date(result: KeyResultResult) -> str | None:
    day = result.last_checkin
    return None if day is None else day.isoformat()


def export_key_result(result: KeyResultResult) -> dict[str, object]:
    """One KR's figures, in the contract's key order."""
    return {
        "id": result.key_result.id,
        "kind": result.key_result.kind,
        "value": _number(result.value),
        "score": _number(result.score),
        "grade": _number(result.grade),
        "projected_score": _number(result.projected_score),
        "status": result.status,
        "trend": result.trend,
        "stale": result.stale,
        "confidence": _number(result.confidence),
        "title": result.key_result.title,
        "owner": result.key_result.owner,
        "dropped": result.key_result.dropped,
        "confidence_gap": result.confidence_gap,
        "last_checkin": _date(result),
    }


def export_objective(result: ObjectiveResult) -> dict[str, object]:
    """One objective's score and band with its KRs, in the contract's key order."""
    return {
        "id": result.objective.id,
        "type": result.objective.type,
        "domain": result.objective.domain,
        "score": _number(result.score),
        "band": result.band,
        "key_results": [export_key_result(kr) for kr in result.key_results],
        "title": result.objective.title,
        "projected": _number(result.projected),
        "coverage": _number(result.coverage),
        "thresholds": _thresholds(result.thresholds),
    }


def export_unit(result: UnitResult) -> dict[str, object]:
    """One unit's score, roll-up and band with its objectives, in the contract's key order."""
    return {
        "id": result.unit.id,
        "kind": result.unit.kind,
        "parent": result.unit.parent,
        "score": _number(result.score),
        "rollup": _number(result.rollup),
        "band": result.band,
        "objectives": [export_objective(o) for o in result.objectives],
        "name": result.unit.name,
        "projected": _number(result.projected),
        "coverage": _number(result.coverage),
        "thresholds": _thresholds(result.thresholds),
    }


def export_quarter(result: QuarterResult) -> dict[str, object]:
    """Every figure of a quarter in the contract's shape; units in org.yaml's order."""
    return {
        "quarter": result.quarter.id,
        "as_of": result.as_of.isoformat(),
        "status": result.quarter.status,
        "score": _number(result.score),
        "units": [export_unit(u) for u in result.units],
        "coverage": _number(result.coverage),
    }


def dumps(data: dict[str, object]) -> str:
    """Deterministic JSON text: keys in the order given, two-space indent, a final newline."""
    # allow_nan=False: NaN and infinity are not JSON; the loader rejects them, so this never trips.
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


CSV_COLUMNS = (
    "quarter",
    "unit",
    "unit_name",
    "objective",
    "objective_title",
    "kr",
    "kr_title",
    "owner",
    "kind",
    "baseline",
    "target",
    "value",
    "score",
    "grade",
    "status",
    "confidence",
    "last_checkin",
)
"""`okrsite export --format csv`: one row per KR, in this order (contract section 4)."""


def _cell(value: float | None) -> str:
    """A number as the CSV files hold it (8, not 8.0; exact otherwise), empty for none."""
    return "" if value is None else csv_number(float(value))


def export_csv(result: QuarterResult) -> str:
    """One row per KR with a header row, units in org.yaml's order; RFC 4180 (CRLF, quotes).

    Baseline and target are as written in the YAML (empty where not given: a milestone's, a
    guardrail's target); an empty cell is a null."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for unit in result.units:
        for objective in unit.objectives:
            for kr in objective.key_results:
                key_result = kr.key_result
                writer.writerow(
                    (
                        result.quarter.id,
                        unit.unit.id,
                        unit.unit.name,
                        objective.objective.id,
                        objective.objective.title,
                        key_result.id,
                        key_result.title,
                        key_result.owner,
                        key_result.kind,
                        _cell(key_result.baseline),
                        _cell(key_result.target),
                        _cell(kr.value),
                        _cell(kr.score),
                        _cell(kr.grade),
                        kr.status,
                        _cell(kr.confidence),
                        _date(kr) or "",
                    )
                )
    return out.getvalue()
