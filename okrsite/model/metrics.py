"""Standing metrics: the health of the machine, kept per unit outside any quarter. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from okrsite.model.layout import OKRS
from okrsite.model.problems import Location
from okrsite.model.sources import GITHUB_MEASURES, GithubMeasure, Source

METRICS_DIR = f"{OKRS}/metrics"
"""The folder of standing metrics: METRICS_DIR/UNIT.yaml (definitions), METRICS_DIR/UNIT.csv
(their history). The one folder under okrs/ that is not a quarter."""

Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, ...] = ("up", "down")

DoraMeasure = GithubMeasure
DORA_MEASURES: tuple[DoraMeasure, ...] = GITHUB_MEASURES


@dataclass(frozen=True)
class Reading:
    """One row of a unit's metrics CSV: a metric's value on a date."""

    date: date
    metric: str  # the metric's id, in its unit
    value: float
    note: str = ""
    row: int = 0  # order in the file; on one date the later row wins
    location: Location = Location("")


@dataclass(frozen=True)
class Metric:
    """A standing metric of a unit: what healthy means for it, and its readings so far.

    Healthy is `min <= value <= max`, either bound optional, at least one given; `threshold` with
    `direction: up` is read as min, with `direction: down` as max. `direction` says which way is
    better (for the trend): given, or from the one bound given; None for a two-sided range.
    """

    unit_id: str
    id: str
    title: str
    owner: str
    measurement: str
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    direction: Direction | None = None
    dora: DoraMeasure | None = None  # one of DORA's four measures: it also gets a level
    source: Source | None = None  # where `okrsite collect` reads its value
    promoted_from: str | None = None  # UNIT/OBJECTIVE/KR it was promoted from (okrsite promote)
    readings: tuple[Reading, ...] = ()  # in file order
    location: Location = Location("")

    @property
    def path(self) -> str:
        """UNIT/METRIC, the metric's identity: what a KR's `improves:` names."""
        return f"{self.unit_id}/{self.id}"

    def holds(self, value: float) -> bool:
        """Whether value is healthy: within min and max."""
        return healthy(value, self.min, self.max)


def healthy(value: float, low: float | None, high: float | None) -> bool:
    """Whether value lies within the range low..high, either bound optional."""
    return (low is None or value >= low) and (high is None or value <= high)


def by_date(readings: tuple[Reading, ...], through: date | None = None) -> tuple[Reading, ...]:
    """The readings one per date, the later row winning on a date, oldest first; only those on
    or before through, if given."""
    latest: dict[date, Reading] = {}
    for reading in sorted(readings, key=lambda r: (r.date, r.row)):
        if through is None or reading.date <= through:
            latest[reading.date] = reading
    return tuple(latest[day] for day in sorted(latest))
