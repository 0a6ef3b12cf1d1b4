"""A standing metric's computed figures at one date: what score/health.py makes. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from okrsite.model.metrics import Metric, Reading

HealthStatus = Literal["breached", "healthy", "no-data"]
HEALTH_STATUSES: tuple[HealthStatus, ...] = ("breached", "healthy", "no-data")
MetricTrend = Literal["improving", "worsening", "flat", "rising", "falling"]
DoraLevel = Literal["elite", "high", "medium", "low"]
DORA_LEVELS: tuple[DoraLevel, ...] = ("elite", "high", "medium", "low")


@dataclass(frozen=True)
class MetricResult:
    """A standing metric at one as-of date: its status, since when it is breached, its trend
    over the last months and, for a DORA measure, its performance level."""

    metric: Metric  # the definition, without its readings (see `readings`)
    as_of: date
    # On or before as_of, one per date (the later row wins), oldest first: an archive's results
    # never change when a later reading is added.
    readings: tuple[Reading, ...]
    status: HealthStatus
    breached_since: date | None  # the first reading of the unbroken breached run to the latest
    trend: MetricTrend | None
    level: DoraLevel | None

    @property
    def path(self) -> str:
        """UNIT/METRIC."""
        return self.metric.path

    @property
    def latest(self) -> Reading | None:
        """The latest reading on or before as_of."""
        return self.readings[-1] if self.readings else None

    @property
    def value(self) -> float | None:
        """The latest value, if there is one."""
        return self.readings[-1].value if self.readings else None

    @property
    def breached_days(self) -> int | None:
        """Days from breached_since to as_of, while breached."""
        return None if self.breached_since is None else (self.as_of - self.breached_since).days
