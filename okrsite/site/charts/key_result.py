"""The key-result chart: check-ins, projection, baseline and target over the quarter."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import vl_convert as vlc

from okrsite.model.limits import MAX_QUARTER_DAYS
from okrsite.model.numbers import approximate, shown
from okrsite.model.okrs import KeyResult, Quarter
from okrsite.model.scores import KeyResultResult
from okrsite.score.quarter import holds
from okrsite.site.charts import switches
from okrsite.site.charts import vega_templates as templates
from okrsite.site.charts.chart import (
    HEIGHT,
    WIDTH,
    Chart,
    Row,
    chart_slug,
    plural,
    shorten,
)
from okrsite.site.charts.palettes import (
    CONNECTOR_STYLE,
    KR_SERIES,
    LIGHT,
    SERIES_RANGE,
)
from okrsite.site.charts.render import chart_of, chart_of_vega, checked_in_tests, vega_lite
from okrsite.site.markup import single_line

# --- Key result -----------------------------------------------------------------------------

_EPOCH = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000


def _rules(kr: KeyResult) -> list[Row]:
    """The horizontal reference lines of a KR: baseline and target, or a guardrail's bounds."""
    if kr.kind == "milestone":
        return []  # the axis itself runs from 0 to 100 % complete
    named = [("Baseline", kr.baseline)]
    named += [("Target", kr.target)] if kr.kind == "metric" else [("Min", kr.min), ("Max", kr.max)]
    return [
        {"series": name, "value": value}
        for name, value in named
        if value is not None and math.isfinite(value)
    ]


def _checkins(result: KeyResultResult) -> list[Row]:
    """The counted check-ins as rows; a guardrail's are Held or Breached."""
    kr = result.key_result
    rows: list[Row] = []
    for check_in in result.counted:
        if not math.isfinite(check_in.value):
            continue
        series = "Check-ins"
        if kr.kind == "guardrail":
            series = "Held" if holds(kr, check_in.value) else "Breached"
        rows.append({"series": series, "date": check_in.date.isoformat(), "value": check_in.value})
    return rows


def _projection(result: KeyResultResult, quarter: Quarter) -> list[Row]:
    """The projection line from day 0 to the quarter's end (metric and milestone only)."""
    line = result.projection
    if line is None or result.key_result.kind == "guardrail":
        return []
    ends = ((quarter.start, line.intercept), (quarter.end, line.end_value))
    if not all(math.isfinite(value) for _, value in ends):
        return []
    return [{"series": "Projection", "date": d.isoformat(), "value": v} for d, v in ends]


def epoch_ms(day: date) -> int:
    """Midnight UTC of a day in milliseconds since 1970, as Vega keeps time."""
    return (day.toordinal() - _EPOCH) * _DAY_MS


def _visible(projection: Sequence[Row], quarter: Quarter, low: float, high: float) -> list[Row]:
    """The part of the projection line inside the value axis, with dates as UTC milliseconds.

    Cut here rather than with Vega's `clip`: its clip-path ids count up across renders in one
    process, which would break byte-identical output, and could collide on a page.
    """
    if len(projection) != 2:
        return []
    first, last = float(projection[0]["value"]), float(projection[1]["value"])
    if first == last:
        enter, leave = (0.0, 1.0) if low <= first <= high else (1.0, 0.0)
    else:
        at_low, at_high = (low - first) / (last - first), (high - first) / (last - first)
        enter, leave = max(0.0, min(at_low, at_high)), min(1.0, max(at_low, at_high))
    if enter > leave:
        return []
    start, span = epoch_ms(quarter.start), (quarter.end - quarter.start).days * _DAY_MS
    return [
        {
            "series": "Projection",
            "date": start + round(t * span),
            "value": first + t * (last - first),
        }
        for t in (enter, leave)
    ]


def _value_domain(kr: KeyResult, rows: Sequence[Row]) -> tuple[float, float]:
    """The value axis: 0 to 100 for a milestone, else every value and rule with 10 % room.

    The projection is left out on purpose: a steep early trend would otherwise squash the
    check-ins into a sliver; its line is cut at the plot's edge instead.
    """
    values = [float(row["value"]) for row in rows]
    if kr.kind == "milestone":
        return min([0.0, *values]), max([100.0, *values])
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    room = (high - low) * 0.1 or max(abs(high) * 0.1, 1.0)
    return low - room, high + room


def utc(day: date) -> Any:
    """A date as a Vega-Lite UTC DateTime, so no time zone can shift it."""
    return alt.DateTime(year=day.year, month=day.month, date=day.day, utc=True)


def _kr_description(result: KeyResultResult, quarter: Quarter, title: str) -> str:
    """One sentence saying what the KR chart shows."""
    kr = result.key_result
    unit = f" {single_line(kr.unit)}" if kr.unit and kr.kind != "milestone" else ""
    if kr.kind == "milestone":
        unit = " %"
    counted = [c for c in result.counted if math.isfinite(c.value)]
    parts = [
        f"{title}: {plural(len(counted), 'check-in')} in {quarter.title}, a quarter that runs"
        f" from {quarter.start.isoformat()} to {quarter.end.isoformat()}"
    ]
    if counted:
        latest = counted[-1]
        parts.append(f", latest {shown(latest.value)}{unit} on {latest.date.isoformat()}")
    if kr.kind == "metric" and kr.baseline is not None and kr.target is not None:
        parts.append(
            f", against a baseline of {shown(kr.baseline)}{unit}"
            f" and a target of {shown(kr.target)}{unit}"
        )
    if kr.kind == "guardrail":
        held = sum(1 for c in counted if holds(kr, c.value))
        parts.append(f", {held} of {len(counted)} within the guardrail {_bounds(kr, unit)}")
    if result.projection is not None and kr.kind != "guardrail" and not quarter.closed:
        end = result.projection.end_value
        if kr.kind == "milestone" and end >= 100:
            # A milestone cannot pass 100 % complete: say when the pace gets there instead.
            parts.append("; at this pace it is complete before the quarter ends")
        else:
            parts.append(
                f"; at this pace it reaches about {approximate(end)}{unit} when the quarter ends"
            )
    return "".join(parts) + "."


def _bounds(kr: KeyResult, unit: str) -> str:
    """A guardrail's bounds in words."""
    if kr.min is not None and kr.max is not None:
        return f"between {shown(kr.min)}{unit} and {shown(kr.max)}{unit}"
    if kr.max is not None:
        return f"of at most {shown(kr.max)}{unit}"
    if kr.min is not None:
        return f"of at least {shown(kr.min)}{unit}"
    return "(no bounds)"


def _date_axis(quarter: Quarter) -> Any:
    """The date axis: a label every other week, as for any quarter within MAX_QUARTER_DAYS.

    The loader refuses a longer quarter; should one reach a chart anyway, its labels go by
    month or by year, about a dozen at most, so Vega never lays out thousands of ticks.
    """
    days = (quarter.end - quarter.start).days + 1
    if days <= MAX_QUARTER_DAYS:
        return alt.Axis(title=None, format="%b %-d", tickCount={"interval": "week", "step": 2})
    if days <= 3 * 366:
        step = math.ceil(days / 30 / 12)
        return alt.Axis(title=None, format="%b %Y", tickCount={"interval": "month", "step": step})
    step = math.ceil(days / 365 / 12)
    return alt.Axis(title=None, format="%Y", tickCount={"interval": "year", "step": step})


@dataclass(frozen=True)
class _KeyResultParts:
    """What a KR chart shows: its rows by layer, value axis, axis title and legend entries."""

    kind: str
    rows: dict[str, list[Row]]  # "checkins", "rules", "drawn", "end" (the projection's label)
    domain: tuple[float, float]
    value_title: str
    in_legend: tuple[str, ...]
    projection: tuple[Row, ...] = ()  # the whole line, for the table; "drawn" is its visible part

    @property
    def shape(self) -> tuple[str, bool, bool, tuple[str, ...]]:
        """What decides the chart's structure: its kind, which layers it has, its legend."""
        return (self.kind, bool(self.rows["rules"]), bool(self.rows["drawn"]), self.in_legend)


def _kr_parts(result: KeyResultResult, quarter: Quarter) -> _KeyResultParts:
    """The figures of a KR's chart."""
    kr = result.key_result
    checkins, rules = _checkins(result), _rules(kr)
    domain = _value_domain(kr, checkins + rules)
    projection = _projection(result, quarter)
    drawn = _visible(projection, quarter, *domain)
    if kr.kind == "milestone":
        value_title = "% complete"
    else:
        value_title = shorten(kr.unit, 40) if kr.unit and single_line(kr.unit) else "value"
    # Lines are labelled where they are drawn; only a guardrail's point colours need a legend.
    in_legend = tuple(n for n in ("Held", "Breached") if any(r["series"] == n for r in checkins))
    rules = [{**r, "label": f"{r['series']} {shown(float(r['value']))}"} for r in rules]
    end = [{**drawn[-1], "label": "Projection"}] if drawn else []
    rows = {"checkins": checkins, "rules": rules, "drawn": drawn, "end": end}
    return _KeyResultParts(kr.kind, rows, domain, value_title, in_legend, tuple(projection))


def _kr_layers(parts: _KeyResultParts, quarter: Quarter) -> list[Any]:
    """The layers of a KR chart: reference rules, the projection, then the check-ins on top."""
    checkins, rules, drawn = parts.rows["checkins"], parts.rows["rules"], parts.rows["drawn"]
    # Every series is in the scale so the palette's named range lines up. Lines carry their
    # own labels, read without a glance to the side (and a legend costs Vega a quarter of the
    # chart's drawing); a guardrail's legend says which colour of point held.
    legend = None
    if parts.in_legend:
        # Vega's legend label would read out the whole domain (and ignores `description`):
        # hidden from screen readers, who get the marks' own labels and the description.
        legend = alt.Legend(title=None, values=list(parts.in_legend), aria=False)
    colour = alt.Color(
        "series:N", scale=alt.Scale(domain=list(KR_SERIES), range=SERIES_RANGE), legend=legend
    )
    x = alt.X(
        "date:T",
        scale=alt.Scale(type="utc", domain=[utc(quarter.start), utc(quarter.end)]),
        # A utc scale formats its labels in UTC too; formatType="utc" would drop the format.
        axis=_date_axis(quarter),
    )
    y = alt.Y(
        "value:Q",
        # Not nice: a rounded-out axis would let the projection run past the cut.
        scale=alt.Scale(domain=list(parts.domain), nice=False, zero=False),
        axis=alt.Axis(title=parts.value_title),
    )
    layers: list[Any] = []
    if rules:
        rule = alt.Chart(alt.InlineData(values=rules))
        layers.append(rule.mark_rule(strokeDash=[6, 4], strokeWidth=1.5).encode(y=y, color=colour))
        label = rule.mark_text(align="left", baseline="bottom", dx=4, dy=-3)
        layers.append(label.encode(x=alt.value(0), y=y, text="label:N", color=colour))
    if drawn:
        line = alt.Chart(alt.InlineData(values=drawn)).mark_line(strokeDash=[2, 3])
        layers.append(line.encode(x=x, y=y, color=colour))
        end = alt.Chart(alt.InlineData(values=parts.rows["end"]))
        label = end.mark_text(align="right", baseline="bottom", dx=-2, dy=-6)
        layers.append(label.encode(x=x, y=y, text="label:N", color=colour))
    points = alt.Chart(alt.InlineData(values=checkins))
    if parts.kind == "guardrail":
        layers.append(points.mark_line(style=CONNECTOR_STYLE).encode(x=x, y=y))
        dots = points.mark_point(filled=True, size=60, opacity=1)
        layers.append(dots.encode(x=x, y=y, color=colour))
    else:
        layers.append(points.mark_line(point=True).encode(x=x, y=y, color=colour))
    return layers


@checked_in_tests
def key_result_chart(result: KeyResultResult, quarter: Quarter) -> Chart:
    """A KR's counted check-ins over the quarter against its baseline and target (a metric),
    its bounds (a guardrail) or 0 to 100 % (a milestone), with the projection to the end."""
    kr = result.key_result
    title = single_line(kr.title)
    parts = _kr_parts(result, quarter)
    rows = [
        (str(r["series"]), str(r["date"]), shown(float(r["value"]))) for r in parts.rows["checkins"]
    ]
    rows += [(str(r["series"]), "", shown(float(r["value"]))) for r in parts.rows["rules"]]
    rows += [(str(r["series"]), str(r["date"]), shown(float(r["value"]))) for r in parts.projection]
    slug = chart_slug("kr", result.unit_id, result.objective_id, kr.id)
    description = _kr_description(result, quarter, title)
    table = (("Series", "Date", "Value"), *rows)
    if not switches.TEMPLATED:
        return chart_of(slug, title, description, kr_altair_chart(parts, quarter), table)
    return chart_of_vega(slug, title, description, kr_vega(parts, quarter, description), table)


def kr_altair_chart(parts: _KeyResultParts, quarter: Quarter) -> Any:
    """A KR's chart as Altair builds it."""
    # Sizes as alt.layer's keywords, not .properties(): that validates each value against the
    # schema on every chart; the tests validate whole specs (VALIDATE_SPECS). No drawn title:
    # the KR's heading stands right above the chart, with its measurement beside it, and the
    # SVG's own <title> and <desc> name it for screen readers; a unit page would otherwise
    # say each title twice.
    return alt.layer(*_kr_layers(parts, quarter), width=WIDTH, height=HEIGHT)


_VALUE_TITLE = "okrsite:value-title"
"""A KR chart's value axis title in its template."""


def kr_spec(parts: _KeyResultParts, quarter: Quarter) -> dict[str, Any]:
    """A KR chart's Vega-Lite spec: Altair's, made once per shape of chart and quarter and
    filled in with this KR's rows, value axis and axis title (see vega_templates)."""
    template = _kr_template(parts.shape, quarter.start, quarter.end)
    texts = {_VALUE_TITLE: parts.value_title}
    return templates.filled_vega_lite(template, parts.rows, texts, parts.domain)


def kr_vega(parts: _KeyResultParts, quarter: Quarter, description: str) -> dict[str, Any]:
    """A KR chart's Vega spec: its template compiled once per shape and quarter, filled in."""
    template = _kr_vega_template(parts.shape, quarter.start, quarter.end)
    texts = {_VALUE_TITLE: parts.value_title, templates.DESCRIPTION: description}
    spec = templates.filled_vega(template, parts.rows, texts, parts.domain)
    if spec is None:
        return dict(vlc.vegalite_to_vega(vega_lite(kr_spec(parts, quarter), LIGHT, description)))
    return spec


@functools.lru_cache(maxsize=1024)
def _kr_template(shape: tuple[str, bool, bool, tuple[str, ...]], start: date, end: date) -> str:
    """Altair's spec of a KR chart of this shape in a quarter with these dates, as JSON, with
    stand-ins for the figures of one KR."""
    kind, has_rules, has_drawn, in_legend = shape
    present = {"checkins": True, "rules": has_rules, "drawn": has_drawn, "end": has_drawn}
    rows: dict[str, list[Row]] = {
        name: [{templates.STAND_IN: name}] if there else [] for name, there in present.items()
    }
    domain = (templates.DOMAIN[0], templates.DOMAIN[1])
    parts = _KeyResultParts(kind, rows, domain, _VALUE_TITLE, in_legend)
    quarter = Quarter(id="2000-Q1", start=start, end=end)  # a KR chart reads only its dates
    return json.dumps(kr_altair_chart(parts, quarter).to_dict(validate=switches.VALIDATE_SPECS))


@functools.lru_cache(maxsize=1024)
def _kr_vega_template(
    shape: tuple[str, bool, bool, tuple[str, ...]], start: date, end: date
) -> str:
    """Vega-Lite's compilation of a KR chart's template (_kr_template), as JSON."""
    spec = json.loads(_kr_template(shape, start, end))
    return templates.compiled(vega_lite(spec, LIGHT, templates.DESCRIPTION))
