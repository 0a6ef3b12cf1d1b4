"""Standing metrics' status, breach dates, trends and DORA levels at an as-of date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from okrsite.model.health import DoraLevel, HealthStatus, MetricResult, MetricTrend
from okrsite.model.metrics import Metric, Reading, by_date

TREND_DAYS = 91
"""The trend compares the latest value with the earliest of the last three months (91 days)."""
FLAT_SHARE = 0.01
"""A change under 1 % of the larger of the two values either way is flat."""
DORA_REPORT = "DORA, Accelerate State of DevOps Report 2024"
"""The report whose software delivery performance levels the DORA measures are read against."""
DAYS_A_MONTH = 30
_ELITE_DEPLOYS_A_WEEK = 7.0  # more than once a day: "on demand (multiple deploys per day)"
_HIGH_DEPLOYS_A_WEEK = 1.0  # at least once a week
_MEDIUM_DEPLOYS_A_WEEK = 7 / DAYS_A_MONTH  # at least once a month
_CHANGE_FAILURE_LEVELS: tuple[tuple[float, DoraLevel], ...] = (
    (5.0, "elite"),
    (10.0, "medium"),
    (20.0, "high"),
    (40.0, "low"),
)
"""The report's change failure rate of each cluster, in percent: not in the levels' order (its
medium cluster fails less often than its high one), so a rate takes the nearest cluster's level."""


def score_metrics(metrics: Sequence[Metric], as_of: date) -> tuple[MetricResult, ...]:
    """Every standing metric at as_of, in the order given."""
    return tuple(score_metric(metric, as_of) for metric in metrics)


def score_metric(metric: Metric, as_of: date) -> MetricResult:
    """A standing metric at as_of: only its readings on or before that date count."""
    kept = tuple(r for r in metric.readings if r.date <= as_of)
    readings = by_date(kept)
    latest = readings[-1] if readings else None
    status: HealthStatus = "no-data"
    since = None
    if latest is not None:
        status = "healthy" if metric.holds(latest.value) else "breached"
        if status == "breached":
            since = latest.date
            for reading in reversed(readings):
                if metric.holds(reading.value):
                    break
                since = reading.date
    level = dora_level(metric, latest.value) if latest is not None else None
    return MetricResult(
        # The definition without its readings: `readings` holds those that count, once, so a
        # quarter's results (pickled to a worker, digested for the cache) carry no second copy.
        metric=replace(metric, readings=()),
        as_of=as_of,
        readings=readings,
        status=status,
        breached_since=since,
        trend=trend(metric, readings, as_of),
        level=level,
    )


def trend(metric: Metric, readings: Sequence[Reading], as_of: date) -> MetricTrend | None:
    """The latest value against the earliest of the last TREND_DAYS days: improving or
    worsening by the metric's direction (rising or falling for a two-sided range), flat under
    FLAT_SHARE; None with fewer than two readings in those days."""
    start = as_of - timedelta(days=TREND_DAYS)
    window = [r for r in readings if start <= r.date <= as_of]
    if len(window) < 2:
        return None
    first, last = window[0].value, window[-1].value
    change = last - first
    if abs(change) <= FLAT_SHARE * max(abs(first), abs(last)):
        return "flat"
    if metric.direction is None:
        return "rising" if change > 0 else "falling"
    better = change > 0 if metric.direction == "up" else change < 0
    return "improving" if better else "worsening"


def in_hours(value: float, unit: str | None) -> float:
    """A time in hours, from hours or days."""
    return value * 24 if unit == "days" else value


def dora_level(metric: Metric, value: float) -> DoraLevel | None:
    """The DORA performance level of a DORA measure's value (DORA_REPORT); None for another
    metric. Deployment frequency per week, change failure rate in percent, times in hours or
    days as the metric's unit says."""
    if metric.dora == "deployment-frequency":
        if value > _ELITE_DEPLOYS_A_WEEK:
            return "elite"
        if value >= _HIGH_DEPLOYS_A_WEEK:
            return "high"
        return "medium" if value >= _MEDIUM_DEPLOYS_A_WEEK else "low"
    if metric.dora == "lead-time":
        hours = in_hours(value, metric.unit)
        if hours < 24:
            return "elite"
        if hours <= 7 * 24:
            return "high"
        return "medium" if hours <= DAYS_A_MONTH * 24 else "low"
    if metric.dora == "time-to-restore":
        hours = in_hours(value, metric.unit)
        if hours < 1:
            return "elite"
        if hours < 24:
            return "high"
        return "medium" if hours <= 7 * 24 else "low"
    if metric.dora == "change-failure-rate":
        # Nearest cluster value; a tie goes to the better-placed (lower) rate.
        return min(_CHANGE_FAILURE_LEVELS, key=lambda level: (abs(value - level[0]), level[0]))[1]
    return None


def breached(results: Sequence[MetricResult]) -> tuple[MetricResult, ...]:
    """The breached metrics, the longest breached first, then in the order given."""
    found = [r for r in results if r.status == "breached"]
    return tuple(sorted(found, key=lambda r: r.breached_since or r.as_of))


def breaches_first(results: Sequence[MetricResult]) -> tuple[MetricResult, ...]:
    """Breached metrics first (longest breached first), then healthy ones, then those with no
    reading yet; in the order given within each."""
    rest = [r for r in results if r.status != "breached"]
    rest.sort(key=lambda r: r.status != "healthy")
    return breached(results) + tuple(rest)
