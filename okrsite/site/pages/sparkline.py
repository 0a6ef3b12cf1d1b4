"""A standing metric's history as a sparkline: a small inline SVG drawn beside its figures.

Drawn here, as the bars are, rather than by Vega: hundreds of them share a page, each a few
hundred bytes, and a chart per metric through vl-convert would cost the build more than every
Health page together. No colour carries meaning (colours are bands on this site): the healthy
range is a faint band in the text's colour, a breached reading a ring and a healthy one a dot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from okrsite.model.health import MetricResult
from okrsite.model.metrics import Reading
from okrsite.model.numbers import shown
from okrsite.site.markup import html_text

_PAD = 3.0  # room for a point's ring at the edges


def _n(value: float) -> str:
    """A coordinate to a tenth of a pixel, without a trailing .0: hundreds of sparklines share a
    page, and their coordinates are most of their bytes."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Size:
    """A sparkline's size in CSS pixels, and whether every reading gets a mark."""

    width: int
    height: int
    marks: bool


SMALL = Size(120, 28, marks=False)
"""In a table row: the line, the healthy band, and the latest reading's mark."""
LARGE = Size(320, 72, marks=True)
"""Under a metric's heading: every breached reading ringed, quarter starts ruled."""


def _quarter_starts(first: date, last: date) -> list[date]:
    """The first days of the calendar quarters after first, up to last."""
    starts: list[date] = []
    year, month = first.year, (first.month - 1) // 3 * 3 + 1
    while True:
        month += 3
        if month > 12:
            year, month = year + 1, 1
        day = date(year, month, 1)
        if day > last:
            return starts
        starts.append(day)


def _label(result: MetricResult, readings: Sequence[Reading]) -> str:
    """What the sparkline shows, in words: its text alternative."""
    metric = result.metric
    if not readings:
        return f"{metric.title}: no readings yet"
    unit = f" {metric.unit}" if metric.unit else ""
    span = f"from {readings[0].date.isoformat()} to {readings[-1].date.isoformat()}"
    count = f"{len(readings)} reading{'s' if len(readings) != 1 else ''}"
    latest = f"latest {shown(readings[-1].value)}{unit}, {result.status}"
    return f"{metric.title}: {count} {span}, {latest}"


def sparkline(result: MetricResult, size: Size = SMALL) -> Markup:
    """The metric's readings up to its as-of date as an inline SVG with a text alternative."""
    readings = result.readings
    metric = result.metric
    label = html_text(_label(result, readings))
    width, height = size.width, size.height
    head = (
        f'<svg class="okrsite-spark" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
    )
    if not readings:
        return Markup(f"{head}</svg>")
    values = [r.value for r in readings]
    bounds = [b for b in (metric.min, metric.max) if b is not None]
    low, high = min(values + bounds), max(values + bounds)
    if high == low:
        low, high = low - 1, high + 1
    first, last = readings[0].date.toordinal(), readings[-1].date.toordinal()
    span = max(last - first, 1)

    def x(day: date) -> float:
        if last == first:
            return width / 2
        return _PAD + (day.toordinal() - first) / span * (width - 2 * _PAD)

    def y(value: float) -> float:
        return height - _PAD - (value - low) / (high - low) * (height - 2 * _PAD)

    parts = [head]
    top = y(metric.max) if metric.max is not None else 0.0
    bottom = y(metric.min) if metric.min is not None else float(height)
    parts.append(
        f'<rect x="0" y="{_n(top)}" width="{width}" height="{_n(max(bottom - top, 0))}" '
        'fill="currentColor" fill-opacity="0.1"/>'
    )
    starts = _quarter_starts(readings[0].date, readings[-1].date) if size.marks else []
    if starts:
        rules = "".join(f"M{_n(x(start))} 0V{height}" for start in starts)
        parts.append(
            f'<path d="{rules}" stroke="currentColor" stroke-opacity="0.25" '
            'stroke-dasharray="2 2"/>'
        )
    points = " ".join(f"{_n(x(r.date))},{_n(y(r.value))}" for r in readings)
    parts.append(
        f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
    )
    # A ring for each breached reading (the latest only, when small) and a dot for the latest
    # when it is healthy: the line itself shows the healthy readings.
    marked = [r for r in readings[:-1] if size.marks and not metric.holds(r.value)]
    for reading in [*marked, readings[-1]]:
        cx, cy = x(reading.date), y(reading.value)
        if metric.holds(reading.value):
            parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="2.5" fill="currentColor"/>')
        else:
            parts.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="3" fill="none" stroke="currentColor" '
                'stroke-width="1.5"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
