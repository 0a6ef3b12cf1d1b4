"""The typed model of an OKR repository: frozen dataclasses, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

from okrsite.model.layout import ORG_FILE
from okrsite.model.metrics import Metric
from okrsite.model.problems import Location
from okrsite.model.sources import Source

UnitKind = Literal["org", "group", "team"]
ObjectiveType = Literal["committed", "aspirational"]
Domain = Literal["delivery", "technical-health", "team-health", "ai", "platform", "other"]
KeyResultKind = Literal["metric", "guardrail", "milestone"]
QuarterStatus = Literal["open", "closed"]

UNIT_KINDS: tuple[UnitKind, ...] = ("org", "group", "team")
OBJECTIVE_TYPES: tuple[ObjectiveType, ...] = ("committed", "aspirational")
DOMAINS: tuple[Domain, ...] = (
    "delivery",
    "technical-health",
    "team-health",
    "ai",
    "platform",
    "other",
)
KEY_RESULT_KINDS: tuple[KeyResultKind, ...] = ("metric", "guardrail", "milestone")
QUARTER_STATUSES: tuple[QuarterStatus, ...] = ("open", "closed")

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
QUARTER_ID = re.compile(r"^(\d{4})-Q([1-4])$")
GITHUB_HANDLE = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$")
GITHUB_HANDLE_MAX = 39
"""A GitHub login: 1 to 39 ASCII letters, digits and single hyphens, neither first nor last."""


def is_slug(text: str) -> bool:
    """Whether text is a valid id: the contract's slug pattern, safe as a file name."""
    return SLUG.fullmatch(text) is not None


def is_github_handle(text: str) -> bool:
    """Whether text can be a GitHub login (GITHUB_HANDLE, at most GITHUB_HANDLE_MAX long), so
    that `@text` mentions that user and nothing else."""
    return len(text) <= GITHUB_HANDLE_MAX and GITHUB_HANDLE.fullmatch(text) is not None


@dataclass(frozen=True)
class Bands:
    """Score thresholds: below red is red, below green is yellow, else green."""

    red: float = 0.4
    green: float = 0.7


@dataclass(frozen=True)
class MaxObjectives:
    """The cap on objectives per unit, by unit kind."""

    org: int = 2
    group: int = 3
    team: int = 2

    def for_kind(self, kind: UnitKind) -> int:
        """The cap for a unit of this kind."""
        return {"org": self.org, "group": self.group, "team": self.team}[kind]


@dataclass(frozen=True)
class Policy:
    """The organisation's OKR policy from org.yaml, with the contract's defaults."""

    bands: Bands = field(default_factory=Bands)
    expected_committed: float = 0.7
    expected_aspirational: float = 0.5
    setup_days: int = 28
    stale_after_days: int = 45
    max_krs_per_objective: int = 4
    max_objectives: MaxObjectives = field(default_factory=MaxObjectives)
    krs_per_objective_at_org: tuple[int, int] = (2, 3)
    ignore: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Unit:
    """An org unit: the org itself, a group or a team."""

    id: str
    name: str
    kind: UnitKind
    parent: str | None = None
    lead: str | None = None
    location: Location = Location(ORG_FILE)


@dataclass(frozen=True)
class Owner:
    """A key result owner as org.yaml's `owners:` maps them: the name exactly as KRs write it
    in `owner:`, and their GitHub handle (without the @), for `okrsite due` to mention."""

    name: str
    github: str
    location: Location = Location(ORG_FILE)


@dataclass(frozen=True)
class Org:
    """The organisation: its units in org.yaml's order, its policy and its owners' handles.

    Lookups go through indexes built once, on first use (see `_index`); every walk of the tree
    is iterative and safe on cycles, so a deep or broken tree can neither recurse nor loop.
    """

    name: str
    units: tuple[Unit, ...]
    policy: Policy = field(default_factory=Policy)
    owners: tuple[Owner, ...] = ()  # org.yaml's `owners:`, in its order; names are unique

    @cached_property
    def _index(self) -> _OrgIndex:
        # cached_property writes the instance's __dict__ directly, which a frozen dataclass
        # allows; the index is not a field, so equality, hashing and repr ignore it.
        return _OrgIndex.of(self.units)

    def unit(self, unit_id: str) -> Unit | None:
        """The unit with this id, if any (the first, should org.yaml define it twice)."""
        return self._index.by_id.get(unit_id)

    @cached_property
    def _handles(self) -> dict[str, str]:
        return {owner.name: owner.github for owner in self.owners}

    def github(self, owner: str) -> str | None:
        """The GitHub handle `owners:` gives this owner (a KR's `owner:` as written), if any."""
        return self._handles.get(owner)

    def root(self) -> Unit | None:
        """The unit of kind org, the root of the tree."""
        return self._index.root

    def children(self, unit_id: str) -> tuple[Unit, ...]:
        """The units whose parent is this one, in org.yaml's order."""
        return self._index.children.get(unit_id, ())

    def descendants(self, unit_id: str) -> tuple[Unit, ...]:
        """Every unit below this one, depth first, in org.yaml's order; safe on cycles."""
        found: list[Unit] = []
        seen = {unit_id}
        stack = list(reversed(self.children(unit_id)))
        while stack:
            unit = stack.pop()
            if unit.id in seen:
                continue
            seen.add(unit.id)
            found.append(unit)
            stack.extend(reversed(self.children(unit.id)))
        return tuple(found)

    def ancestors(self, unit_id: str) -> tuple[Unit, ...]:
        """The units above this one, nearest first; safe on cycles."""
        found: list[Unit] = []
        seen = {unit_id}
        unit = self.unit(unit_id)
        while unit is not None and unit.parent is not None and unit.parent not in seen:
            seen.add(unit.parent)
            unit = self.unit(unit.parent)
            if unit is not None:
                found.append(unit)
        return tuple(found)

    def forest(self) -> tuple[tuple[Unit, str | None], ...]:
        """Every unit once with the parent it hangs from, parents before children: depth first
        from each top unit in org.yaml's order, children in org.yaml's order.

        A top unit has no parent, or one that is not a unit. Where parents form a cycle (an
        error the loader reports) the cycle is cut above its first unit in org.yaml's order,
        which then counts as a top unit, so every unit is walked exactly once: roll-ups over
        this order take linear time on any input.
        """
        return self._index.forest


@dataclass(frozen=True)
class _OrgIndex:
    """An Org's lookups, built in one pass over its units."""

    by_id: dict[str, Unit]
    children: dict[str, tuple[Unit, ...]]
    root: Unit | None
    forest: tuple[tuple[Unit, str | None], ...]

    @staticmethod
    def of(units: tuple[Unit, ...]) -> _OrgIndex:
        by_id: dict[str, Unit] = {}
        for unit in units:
            by_id.setdefault(unit.id, unit)
        listed: dict[str, list[Unit]] = {}
        for unit in units:
            if unit.parent is not None:
                listed.setdefault(unit.parent, []).append(unit)
        children = {parent: tuple(below) for parent, below in listed.items()}
        root = next((u for u in units if u.kind == "org"), None)
        return _OrgIndex(by_id, children, root, _forest(by_id, children))


def _forest(
    by_id: dict[str, Unit], children: dict[str, tuple[Unit, ...]]
) -> tuple[tuple[Unit, str | None], ...]:
    """Org.forest: each unit once, after the unit it hangs from; cycles cut (see there)."""
    order: list[tuple[Unit, str | None]] = []
    walked: set[str] = set()
    position = {unit_id: index for index, unit_id in enumerate(by_id)}

    def walk(top: Unit) -> None:
        stack: list[tuple[Unit, str | None]] = [(top, None)]
        while stack:
            unit, parent = stack.pop()
            if unit.id in walked:
                continue  # only on a cycle: the unit the cycle was cut above
            walked.add(unit.id)
            order.append((unit, parent))
            stack.extend((c, unit.id) for c in reversed(children.get(unit.id, ())))

    for unit in by_id.values():
        if unit.parent is None or unit.parent not in by_id:
            walk(unit)
    for unit in by_id.values():
        if unit.id in walked:
            continue
        # Not below any top unit: its parents lead into a cycle. Find the cycle, then cut it
        # above the member that comes first in org.yaml.
        path: dict[str, int] = {}
        current: Unit | None = unit
        while current is not None and current.id not in path and current.id not in walked:
            path[current.id] = len(path)
            current = by_id.get(current.parent) if current.parent is not None else None
        if current is None or current.id in walked:
            continue  # cannot happen: a unit outside every tree leads into a cycle
        members = list(path)[path[current.id] :]
        walk(by_id[min(members, key=position.__getitem__)])
    return tuple(order)


@dataclass(frozen=True)
class CheckIn:
    """One row of a unit's check-in CSV: a KR's value on a date."""

    date: date
    kr: str  # OBJECTIVE/KR
    value: float
    confidence: float | None = None
    note: str = ""
    blockers: str = ""
    row: int = 0  # order in the file; on one date the later row wins
    location: Location = Location("")


@dataclass(frozen=True)
class KeyResult:
    """A measurable key result with its check-ins for the quarter."""

    id: str
    title: str
    owner: str
    measurement: str
    kind: KeyResultKind = "metric"
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    min: float | None = None
    max: float | None = None
    weight: float = 1.0
    grade: float | None = None
    grade_note: str | None = None
    dropped: str | None = None  # why the KR was taken out of the scores
    source: Source | None = None  # where `okrsite collect` reads its value
    improves: str | None = None  # UNIT/METRIC: the standing metric this KR moves
    checkins: tuple[CheckIn, ...] = ()
    location: Location = Location("")


@dataclass(frozen=True)
class Retro:
    """What a unit wrote about an objective when grading the quarter."""

    learned: str | None = None
    realistic: bool | None = None


@dataclass(frozen=True)
class Objective:
    """An objective of a unit with its two to four key results."""

    id: str
    title: str
    key_results: tuple[KeyResult, ...]
    type: ObjectiveType = "committed"
    domain: Domain = "other"
    owner: str | None = None
    aligns_to: str | None = None  # UNIT/OBJECTIVE of an ancestor unit
    retro: Retro | None = None
    location: Location = Location("")


@dataclass(frozen=True)
class UnitPlan:
    """One unit's objectives for one quarter (its UNIT.yaml and UNIT.csv)."""

    unit_id: str
    objectives: tuple[Objective, ...]
    location: Location = Location("")


@dataclass(frozen=True)
class Quarter:
    """A quarter's folder: its dates, status and every unit's plan."""

    id: str  # YYYY-Qn
    start: date
    end: date
    status: QuarterStatus = "open"
    digest: str | None = None
    plans: tuple[UnitPlan, ...] = ()
    location: Location = Location("")

    @property
    def closed(self) -> bool:
        """Whether the quarter is closed (graded and frozen)."""
        return self.status == "closed"

    @property
    def title(self) -> str:
        """The quarter as people say it: "2026 Q4"."""
        year, _, number = self.id.partition("-")
        return f"{year} {number}"

    def plan(self, unit_id: str) -> UnitPlan | None:
        """The plan of this unit in this quarter, if it has one."""
        return self._plans.get(unit_id)

    @cached_property
    def _plans(self) -> dict[str, UnitPlan]:
        """Each unit's plan by unit id, built on first use (the first, should one repeat)."""
        plans: dict[str, UnitPlan] = {}
        for plan in self.plans:
            plans.setdefault(plan.unit_id, plan)
        return plans


@dataclass(frozen=True)
class Repository:
    """Everything under okrs/: the org, its quarters, oldest first, and its standing metrics,
    unit by unit in org.yaml's order."""

    org: Org
    quarters: tuple[Quarter, ...] = ()
    metrics: tuple[Metric, ...] = ()

    def metric(self, path: str) -> Metric | None:
        """The standing metric UNIT/METRIC, if there is one."""
        return next((m for m in self.metrics if m.path == path), None)

    def quarter(self, quarter_id: str) -> Quarter | None:
        """The quarter with this id, if any."""
        return next((q for q in self.quarters if q.id == quarter_id), None)

    def current_quarter(self, today: date) -> Quarter | None:
        """The quarter the site and the export lead with on `today` (contract section 4).

        The open quarter whose dates hold today; else the latest quarter that has started; else
        the earliest. A quarter scaffolded ahead of time takes over only once it starts. None
        when there is no quarter. "Latest" and "earliest" go by the quarters' order (their ids).
        """
        holding = [q for q in self.quarters if not q.closed and q.start <= today <= q.end]
        started = [q for q in self.quarters if q.start <= today]
        for candidates in (holding, started):
            if candidates:
                return candidates[-1]
        return self.quarters[0] if self.quarters else None


def calendar_quarter(quarter_id: str) -> tuple[date, date]:
    """The first and last day of a YYYY-Qn calendar quarter."""
    match = QUARTER_ID.fullmatch(quarter_id)
    if match is None:
        raise ValueError(f"not a quarter id: {quarter_id!r}")
    year, number = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def previous_quarter_id(quarter_id: str) -> str:
    """The calendar quarter before this one: 2026-Q1 comes after 2025-Q4."""
    match = QUARTER_ID.fullmatch(quarter_id)
    if match is None:
        raise ValueError(f"not a quarter id: {quarter_id!r}")
    year, number = int(match.group(1)), int(match.group(2))
    return f"{year - 1}-Q4" if number == 1 else f"{year}-Q{number - 1}"
