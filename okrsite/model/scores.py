"""A quarter's computed figures: what score/quarter.py makes; pages, charts and export read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from okrsite.model.numbers import shown
from okrsite.model.okrs import CheckIn, KeyResult, Objective, Quarter, Unit

Band = Literal["red", "yellow", "green"]
Status = Literal["no-data", "done", "on-track", "at-risk", "off-track"]
Trend = Literal["improving", "worsening", "flat"]

SANDBAG_MEAN = 0.9
SANDBAG_MIN_KRS = 3
"""Possible sandbagging: a unit's own KRs averaging this grade or more, over at least this many
KRs (or every one graded 1.0), in a closed quarter. The check and the review page share it."""
_TOLERANCE = 1e-9

BANDS: tuple[Band, ...] = ("red", "yellow", "green")
STATUSES: tuple[Status, ...] = ("no-data", "done", "on-track", "at-risk", "off-track")


@dataclass(frozen=True)
class Projection:
    """The least-squares line through (days since start, value), and its value at the end."""

    slope: float
    intercept: float
    end_value: float


@dataclass(frozen=True)
class KeyResultResult:
    """Every figure of one KR at the as-of date."""

    unit_id: str
    objective_id: str
    key_result: KeyResult
    counted: tuple[CheckIn, ...]  # check-ins counted by the as-of date, dated into the quarter
    value: float | None
    score: float
    progress: float | None
    projection: Projection | None
    projected_score: float | None
    status: Status
    trend: Trend | None
    stale: bool
    confidence: float | None
    grade: float | None  # the final grade in a closed quarter, else None

    @property
    def path(self) -> str:
        """UNIT/OBJECTIVE/KR, the KR's identity across quarters."""
        return f"{self.unit_id}/{self.objective_id}/{self.key_result.id}"

    @property
    def final(self) -> float:
        """The figure roll-ups use: the grade in a closed quarter, else the score."""
        return self.grade if self.grade is not None else self.score

    @property
    def latest(self) -> CheckIn | None:
        """The latest counted check-in."""
        return self.counted[-1] if self.counted else None


@dataclass(frozen=True)
class ObjectiveResult:
    """An objective's score and band with its KRs' results."""

    unit_id: str
    objective: Objective
    score: float
    band: Band
    key_results: tuple[KeyResultResult, ...]


@dataclass(frozen=True)
class UnitResult:
    """A unit's own score, its roll-up over everything below it, and its band."""

    unit: Unit
    score: float | None
    rollup: float | None
    band: Band | None
    objectives: tuple[ObjectiveResult, ...]

    def sandbagging(self) -> str | None:
        """How the unit's final grades look too easy, in words, or None: every one of its own
        KRs graded 1.0, or at least SANDBAG_MIN_KRS of them averaging SANDBAG_MEAN or more."""
        grades = [kr.grade for o in self.objectives for kr in o.key_results if kr.grade is not None]
        if not grades:
            return None
        if all(grade >= 1 - _TOLERANCE for grade in grades):
            return "graded every key result 1.0"
        mean = sum(grades) / len(grades)
        if len(grades) >= SANDBAG_MIN_KRS and mean >= SANDBAG_MEAN - _TOLERANCE:
            return f"averaged a grade of {shown(round(mean, 2))} over its {len(grades)} key results"
        return None


@dataclass(frozen=True)
class QuarterResult:
    """Every figure of one quarter at one as-of date; units in org.yaml's order."""

    quarter: Quarter
    as_of: date
    score: float | None  # the org's roll-up
    band: Band | None
    units: tuple[UnitResult, ...]

    def unit(self, unit_id: str) -> UnitResult | None:
        """The result of this unit, if it is in org.yaml."""
        return next((u for u in self.units if u.unit.id == unit_id), None)

    def key_results(self) -> tuple[KeyResultResult, ...]:
        """Every KR result of the quarter, unit by unit in org.yaml's order."""
        return tuple(kr for u in self.units for o in u.objectives for kr in o.key_results)
