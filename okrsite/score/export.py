"""A quarter's figures as the contract's JSON shape (scores.json, `okrsite export`): pure."""

from __future__ import annotations

import json

from okrsite.model.scores import KeyResultResult, ObjectiveResult, QuarterResult, UnitResult


def _number(value: float | None) -> float | None:
    """A figure as a JSON number, unrounded; int-valued inputs become floats for one type."""
    return None if value is None else float(value)


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
    }


def export_quarter(result: QuarterResult) -> dict[str, object]:
    """Every figure of a quarter in the contract's shape; units in org.yaml's order."""
    return {
        "quarter": result.quarter.id,
        "as_of": result.as_of.isoformat(),
        "status": result.quarter.status,
        "score": _number(result.score),
        "units": [export_unit(u) for u in result.units],
    }


def dumps(data: dict[str, object]) -> str:
    """Deterministic JSON text: keys in the order given, two-space indent, a final newline."""
    # allow_nan=False: NaN and infinity are not JSON; the loader rejects them, so this never trips.
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
