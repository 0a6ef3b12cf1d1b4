"""Figures across quarters: each KR's and unit's history, and a closed quarter's review signals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from okrsite.model.okrs import Repository, previous_quarter_id
from okrsite.model.scores import Band, KeyResultResult, QuarterResult, UnitResult
from okrsite.score.quarter import score_quarter

CARRY_OVER = (0.5, 0.7)
"""A KR graded in this range, inclusive, is a carry-over candidate."""
STANDING = 0.9
"""A KR graded at least this in two consecutive closed quarters may become a standing metric."""
TOLERANCE = 1e-9
"""Slack for computed grades such as 0.7000000000000001 that mean 0.7."""


@dataclass(frozen=True)
class KrPoint:
    """A KR's figure in one quarter: the final grade when closed, else the score at the as-of."""

    quarter_id: str
    final: float
    graded: bool  # whether `final` is a closed quarter's final grade


@dataclass(frozen=True)
class KrHistory:
    """One KR (same UNIT/OBJECTIVE/KR) across the quarters that have it, oldest first."""

    path: str
    points: tuple[KrPoint, ...]


@dataclass(frozen=True)
class UnitPoint:
    """A unit's own score, roll-up and band in one quarter (None where it has nothing to score)."""

    quarter_id: str
    score: float | None
    rollup: float | None
    band: Band | None


@dataclass(frozen=True)
class UnitHistory:
    """One unit across every quarter, oldest first."""

    unit_id: str
    points: tuple[UnitPoint, ...]


@dataclass(frozen=True)
class StandingCandidate:
    """A KR graded at least 0.9 in this closed quarter and in the closed quarter before it."""

    key_result: KeyResultResult
    previous_grade: float


@dataclass(frozen=True)
class ReviewSignals:
    """What the review of a closed quarter points at; empty for an open quarter."""

    quarter_id: str
    carry_over: tuple[KeyResultResult, ...]
    standing: tuple[StandingCandidate, ...]
    sandbagging: tuple[UnitResult, ...]


def score_all(
    repository: Repository,
    as_of: date | None,
    today: date,
    selected: str | None = None,
) -> tuple[QuarterResult, ...]:
    """Every quarter scored, oldest first.

    `as_of` applies to the selected quarter only (default: the current quarter, chosen by
    `today`, not by `as_of`); every other quarter is scored at its own default as-of: a closed
    quarter's end, else today clamped into it.
    """
    current = repository.current_quarter(today)
    target = selected if selected is not None else (current.id if current else None)
    return tuple(
        score_quarter(repository, q, as_of if q.id == target else None, today)
        for q in repository.quarters
    )


def unit_history(results: Sequence[QuarterResult], unit_id: str) -> UnitHistory:
    """A unit's score, roll-up and band in every quarter given, in the order given."""
    points: list[UnitPoint] = []
    for result in results:
        unit = result.unit(unit_id)
        if unit is not None:
            points.append(UnitPoint(result.quarter.id, unit.score, unit.rollup, unit.band))
    return UnitHistory(unit_id, tuple(points))


def kr_history(results: Sequence[QuarterResult], path: str) -> KrHistory:
    """A KR's final figure in every quarter given that has it (same UNIT/OBJECTIVE/KR)."""
    points = [
        KrPoint(result.quarter.id, kr.final, kr.grade is not None)
        for result in results
        for kr in result.key_results()
        if kr.path == path
    ]
    return KrHistory(path, tuple(points))


def _graded(result: QuarterResult) -> dict[str, float]:
    """Each KR's final grade by path, for a closed quarter."""
    return {kr.path: kr.grade for kr in result.key_results() if kr.grade is not None}


def review(results: Sequence[QuarterResult], quarter_id: str) -> ReviewSignals:
    """Carry-over and standing-metric candidates and sandbagging flags of a closed quarter."""
    result = next((r for r in results if r.quarter.id == quarter_id), None)
    if result is None:
        raise ValueError(f"no results for quarter {quarter_id!r}")
    if not result.quarter.closed:
        return ReviewSignals(quarter_id, (), (), ())
    low, high = CARRY_OVER
    carry_over = tuple(
        kr
        for kr in result.key_results()
        if kr.grade is not None and low - TOLERANCE <= kr.grade <= high + TOLERANCE
    )
    # Consecutive means calendar-consecutive: a gap between quarter folders breaks the run.
    previous_id = previous_quarter_id(quarter_id)
    previous = next((r for r in results if r.quarter.id == previous_id), None)
    before = _graded(previous) if previous is not None and previous.quarter.closed else {}
    standing = tuple(
        StandingCandidate(kr, before[kr.path])
        for kr in result.key_results()
        if kr.grade is not None
        and kr.grade >= STANDING - TOLERANCE
        and kr.path in before
        and before[kr.path] >= STANDING - TOLERANCE
    )
    sandbagging = tuple(unit for unit in result.units if unit.sandbagging() is not None)
    return ReviewSignals(quarter_id, carry_over, standing, sandbagging)
