"""A quarter's computed figures: what score/quarter.py makes; pages, charts and export read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal

from okrsite.model.health import MetricResult
from okrsite.model.numbers import shown
from okrsite.model.okrs import Bands, CheckIn, KeyResult, Objective, Quarter, Unit

Band = Literal["red", "yellow", "green"]
Status = Literal[
    "dropped",
    "no-data",
    "done",
    "on-track",
    "at-risk",
    "off-track",
    "early",
    "landed",
    "partial",
    "missed",
]
Trend = Literal["improving", "worsening", "flat"]

SANDBAG_MEAN = 0.9
SANDBAG_MIN_KRS = 3
"""Possible sandbagging: a unit's own KRs averaging this grade or more, over at least this many
KRs (or every one graded 1.0), in a closed quarter. The check and the review page share it."""
_TOLERANCE = 1e-9

BANDS: tuple[Band, ...] = ("red", "yellow", "green")
OPEN_STATUSES: tuple[Status, ...] = (
    "no-data",
    "done",
    "on-track",
    "at-risk",
    "off-track",
    "early",
    "dropped",
)
"""A KR's statuses in an open quarter (contract section 2)."""
CLOSED_STATUSES: tuple[Status, ...] = ("landed", "partial", "missed", "dropped")
"""A KR's statuses in a closed quarter, by final grade against its objective's thresholds."""
STATUSES: tuple[Status, ...] = OPEN_STATUSES + CLOSED_STATUSES[:-1]


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
    grade: float | None  # the final grade in a closed quarter (None when dropped), else None
    confidence_gap: bool | None = None

    @property
    def path(self) -> str:
        """UNIT/OBJECTIVE/KR, the KR's identity across quarters."""
        return f"{self.unit_id}/{self.objective_id}/{self.key_result.id}"

    @property
    def dropped(self) -> bool:
        """Whether the KR was dropped: it takes no part in any score, coverage or count."""
        return self.key_result.dropped is not None

    @property
    def counts(self) -> bool:
        """Whether the KR is counted in its objective: not dropped, and in an open quarter
        with at least one counted check-in (a closed quarter counts every KR by its grade)."""
        return not self.dropped and (self.grade is not None or bool(self.counted))

    @property
    def last_checkin(self) -> date | None:
        """The date of the latest counted check-in."""
        return self.counted[-1].date if self.counted else None

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
    score: float | None  # None when no KR is counted yet
    band: Band | None
    key_results: tuple[KeyResultResult, ...]
    projected: float | None = None  # open quarters only
    thresholds: Bands = field(
        default_factory=Bands
    )  # the policy's bands scaled by the objective type's factor
    factor: Fraction = Fraction(1)  # k = expected[type] / expected.committed, exact
    counted: int = 0  # KRs counted, out of `total`
    total: int = 0  # KRs not dropped

    @property
    def coverage(self) -> float | None:
        """Counted KRs over KRs not dropped; None with no KR left."""
        return self.counted / self.total if self.total else None


@dataclass(frozen=True)
class UnitResult:
    """A unit's own score, its roll-up over everything below it, and its band."""

    unit: Unit
    score: float | None
    rollup: float | None
    band: Band | None
    objectives: tuple[ObjectiveResult, ...]
    projected: float | None = None  # the projected roll-up, open quarters only
    coverage: float | None = None  # of the roll-up: counted KRs / KRs
    thresholds: Bands | None = None  # the bands scaled by the roll-up's mean factor

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
    coverage: float | None = None  # the org's: counted KRs / KRs over the whole tree
    health: tuple[MetricResult, ...] = ()  # every standing metric at as_of, org.yaml's order

    def unit(self, unit_id: str) -> UnitResult | None:
        """The result of this unit, if it is in org.yaml."""
        return next((u for u in self.units if u.unit.id == unit_id), None)

    def key_results(self) -> tuple[KeyResultResult, ...]:
        """Every KR result of the quarter, unit by unit in org.yaml's order."""
        return tuple(kr for u in self.units for o in u.objectives for kr in o.key_results)
