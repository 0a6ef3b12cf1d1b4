"""Will it land? Each KR's, objective's and unit's figure that its colour is read from, and the
trouble a mean would hide: KRs at risk or off track, a group pulled down by its own objectives.

One rule for colour on every page: in an open quarter a colour is the band of the projection (a
KR's status says it in words), in a closed quarter the band of the final grade. The score so far
is a number and a bar's length, never a colour of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from okrsite.model.okrs import Org
from okrsite.model.scores import (
    BANDS,
    Band,
    KeyResultResult,
    ObjectiveResult,
    QuarterResult,
    Status,
    UnitResult,
)
from okrsite.score.quarter import band_of

STATUS_BANDS: dict[Status, Band] = {
    "done": "green",
    "on-track": "green",
    "at-risk": "yellow",
    "off-track": "red",
    "landed": "green",
    "partial": "yellow",
    "missed": "red",
}
"""The band each KR status answers with; the others (no-data, early, dropped) have none."""

TROUBLE: tuple[Status, ...] = ("off-track", "at-risk", "missed", "partial")
"""The statuses a mean can hide, worst first: open quarters' then closed quarters'."""


def kr_band(kr: KeyResultResult) -> Band | None:
    """A KR's colour: the band its status answers with (by projection when open, by final grade
    when closed); none while it is early, has no data or is dropped."""
    return STATUS_BANDS.get(kr.status)


def kr_figure(kr: KeyResultResult) -> float | None:
    """The figure a KR's colour is read from: its final grade in a closed quarter; in an open
    one its projected score, or its score once it is done (a done KR counts as 1)."""
    if kr.grade is not None:
        return kr.grade
    if kr.status == "done":
        return kr.score
    return kr.projected_score


def objective_figure(objective: ObjectiveResult, closed: bool) -> float | None:
    """The figure an objective's band is read from: its score when closed, else its projected."""
    return objective.score if closed else objective.projected


def unit_figure(unit: UnitResult, closed: bool) -> float | None:
    """The figure a unit's band is read from: its roll-up when closed, else its projected one."""
    return unit.rollup if closed else unit.projected


@dataclass(frozen=True)
class Trouble:
    """How many of some KRs (not dropped) have each troubling status, worst first."""

    total: int
    counts: tuple[tuple[Status, int], ...]  # only statuses some KR has, in TROUBLE's order

    @property
    def any(self) -> bool:
        """Whether any KR is in trouble."""
        return bool(self.counts)


def trouble(krs: Iterable[KeyResultResult]) -> Trouble:
    """How many of the KRs are off track, at risk, missed or partial, out of those not dropped."""
    kept = [kr for kr in krs if not kr.dropped]
    counts = ((s, sum(1 for kr in kept if kr.status == s)) for s in TROUBLE)
    return Trouble(len(kept), tuple((s, n) for s, n in counts if n))


def subtree_key_results(org: Org, result: QuarterResult, unit_id: str) -> list[KeyResultResult]:
    """The KRs of a unit and every unit below it: those its roll-up is made of."""
    ids = [unit_id, *(u.id for u in org.descendants(unit_id))]
    units = [u for i in ids if (u := result.unit(i)) is not None]
    return [kr for u in units for o in u.objectives for kr in o.key_results]


@dataclass(frozen=True)
class PulledDown:
    """A unit whose own objectives put its roll-up in a worse band than the units below it."""

    unit: UnitResult
    own: float  # the mean figure of its own objectives (projected, or grades when closed)
    below: float  # the same mean over the objectives of the units below it
    below_band: Band  # the band `below` would give the unit, by the unit's thresholds


def _mean(values: Sequence[float | None]) -> float | None:
    """The mean of the values that are not None; None without any."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def pulled_down(org: Org, result: QuarterResult) -> tuple[PulledDown, ...]:
    """The units, in org.yaml's order, whose band is worse than the band the units below them
    would give it alone: their own objectives pull the roll-up down."""
    closed = result.quarter.closed
    found: list[PulledDown] = []
    for unit in result.units:
        if unit.band is None or unit.thresholds is None or not org.children(unit.unit.id):
            continue
        own = _mean([objective_figure(o, closed) for o in unit.objectives])
        below_units = [result.unit(u.id) for u in org.descendants(unit.unit.id)]
        below = _mean([objective_figure(o, closed) for u in below_units if u for o in u.objectives])
        if own is None or below is None:
            continue
        below_band = band_of(below, unit.thresholds)
        if BANDS.index(unit.band) < BANDS.index(below_band):
            found.append(PulledDown(unit, own, below, below_band))
    return tuple(found)
