"""Charts of a quarter's figures: Altair specifications rendered to SVG at build time, no I/O.

Every chart is one Vega-Lite spec rendered once with vl-convert in the light palette, into one
SVG file that also carries the dark palette as CSS: opened as chart.svg#only-dark (Material's
marker for dark-scheme images) it swaps each light colour for its dark one. A palette is only
Vega colour config (palettes.py), and tests prove the swap equals a dark render. The site needs
no network and no chart JavaScript. User-written text (titles, names) reaches a spec only as a
title string or a data value, never as a field name or an expression, so it cannot change what
Vega computes; Vega escapes it when it writes the SVG.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec

import altair as alt
import vl_convert as vlc
from altair.utils.schemapi import debug_mode

from okrsite.model.limits import MAX_QUARTER_DAYS
from okrsite.model.numbers import approximate, shown, shown_score
from okrsite.model.okrs import Bands, KeyResult, Org, Quarter, Unit, is_slug
from okrsite.model.scores import BANDS, Band, KeyResultResult, QuarterResult, UnitResult
from okrsite.score.quarter import band_counts, band_of, holds
from okrsite.site import vega_templates as templates
from okrsite.site.palettes import (
    BAND_RANGE,
    CONNECTOR_STYLE,
    GUIDE_STYLE,
    KR_SERIES,
    LIGHT,
    SERIES_RANGE,
    Palette,
    dark_variant,
    themed,
    vega_config,
)
from okrsite.site.svg import compact

DEFAULT_BANDS = Bands()
NO_BAND = "—"
"""The band of a figure that has none (setup weeks, nothing counted): drawn in a neutral colour."""
TITLE_LIMIT = 80  # characters of a chart's drawn title; the page shows the full text
SUBTITLE_LIMIT = 100
WIDTH = 560
HEIGHT = 220
BAR_STEP = 26  # pixels per bar of a horizontal bar chart
MAX_BARS = 60
"""The most bars the unit-scores chart draws. Past it the chart draws the org and its groups
only, or, if those are too many too, the org and the units with the lowest and highest
roll-ups; it says what it left out, and the page's table of units still lists every unit.
(Vega also runs out of stack sorting about 1,600 bars.)"""
P = ParamSpec("P")
_EPOCH = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000

Table = tuple[tuple[str, ...], ...]
Row = dict[str, str | float]


@dataclass(frozen=True)
class Chart:
    """One rendered chart: one SVG for both schemes, a text alternative and the numbers."""

    slug: str  # file-name-safe stem ([a-z0-9.-]), built only from ids checked as slugs
    title: str  # plain text, may be user-written: the caller escapes it
    description: str  # one sentence saying what the chart shows, for the text alternative
    svg: str  # light colours, dark ones when opened as <slug>.svg#only-dark (palettes.themed)
    table: Table  # header row first, then the numbers shown, as text

    @property
    def dark_svg(self) -> str:
        """The chart as a reader of the dark scheme sees it, colours written out."""
        return dark_variant(self.svg)


# --- Text -----------------------------------------------------------------------------------

# Characters XML 1.0 forbids or that only make trouble in a title: controls and non-characters.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """User text as one line: control characters dropped, runs of whitespace collapsed."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """Text cut to at most `limit` characters, at a word boundary where one is near, with '…'."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def _slug(kind: str, *ids: str) -> str:
    """A file-name stem: the chart's kind, then ids joined by dots.

    Ids may hold hyphens, so joining them with one would let payments-api/x and payments/api-x
    share a file; a dot cannot occur in an id. An id that is not a slug is a bug upstream.
    """
    for part in ids:
        if not is_slug(part):
            raise ValueError(f"not a slug, refusing to build a chart file name from it: {part!r}")
    return f"{kind}-{'.'.join(ids)}"


def _plural(count: int, noun: str) -> str:
    """'1 check-in', '2 check-ins', '1,600 units'."""
    return f"{count} {noun}" if count == 1 else f"{count:,} {noun}s"


# --- Rendering ------------------------------------------------------------------------------

_SVG_ROOT = re.compile(r"<svg\b[^>]*>")


def _accessible(svg: str, title: str, description: str) -> str:
    """The SVG with a document role, an aria-label and <title>/<desc>: Vega puts its description
    on the browser container, which a static SVG does not have."""
    root = _SVG_ROOT.match(svg)
    if root is None:
        raise ValueError("vl-convert returned no <svg> root element")
    label = html.escape(title, quote=True)
    head = root.group(0)[:-1] + f' role="graphics-document" aria-label="{label}">'
    text = f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>"
    return head + text + svg[root.end() :]


def vega_lite(spec: dict[str, Any], palette: Palette, description: str) -> dict[str, Any]:
    """A chart's Vega-Lite spec as it is drawn: in a palette, with its text alternative."""
    return {**spec, "config": vega_config(palette), "description": description}


def render(spec: dict[str, Any], palette: Palette, title: str, description: str) -> str:
    """A Vega-Lite spec as SVG in a palette: inline data only, no URL may be fetched."""
    drawn = vega_lite(spec, palette, description)
    svg = vlc.vegalite_to_svg(
        drawn, allowed_base_urls=[], format_locale="en-US", time_format_locale="en-US"
    )
    return _accessible(str(svg), title, description)


def render_vega(spec: dict[str, Any], title: str, description: str) -> str:
    """A Vega spec compiled from vega_lite(...) as SVG, as render draws the Vega-Lite spec."""
    svg = vlc.vega_to_svg(
        spec, allowed_base_urls=[], format_locale="en-US", time_format_locale="en-US"
    )
    return _accessible(str(svg), title, description)


VALIDATE_SPECS = False
"""Whether each spec is checked against Vega-Lite's schema as it is made. The tests turn it on
(tests/conftest.py), so every chart kind they draw is validated; a build skips the check, which
costs as much as drawing the chart and can only fail on a bug in this module."""


TEMPLATED = True
"""Whether KR and history charts are drawn from compiled templates (vega_templates); the tests
turn it off to draw the same charts from Altair's spec of each, the reference they compare to."""


def _checked_in_tests(draw: Callable[P, Chart]) -> Callable[P, Chart]:
    """A chart function that skips Altair's schema checks unless VALIDATE_SPECS is on.

    Altair checks each object against the schema as it is made (its "debug mode"), which costs
    a third of making a chart; the checks belong in the tests, where they catch a bad spec.
    """

    @functools.wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> Chart:
        with debug_mode(VALIDATE_SPECS):
            return draw(*args, **kwargs)

    return drawn


def _chart(slug: str, title: str, description: str, chart: Any, table: Table) -> Chart:
    """Render an Altair chart once, in the light palette, themed for the dark one too, and
    without what an image never uses (svg.compact)."""
    spec = chart.to_dict(validate=VALIDATE_SPECS)
    return _drawn_chart(slug, title, description, spec, table)


def _drawn_chart(
    slug: str, title: str, description: str, spec: dict[str, Any], table: Table
) -> Chart:
    """A Vega-Lite spec rendered as _chart renders an Altair chart's."""
    svg = compact(themed(render(spec, LIGHT, title, description)))
    return Chart(slug, title, description, svg=svg, table=table)


def _drawn_vega(
    slug: str, title: str, description: str, spec: dict[str, Any], table: Table
) -> Chart:
    """A Vega spec, compiled in the light palette, rendered as _drawn_chart renders its source."""
    svg = compact(themed(render_vega(spec, title, description)))
    return Chart(slug, title, description, svg=svg, table=table)


def _title(title: str, subtitle: str) -> Any:
    """A chart title, cut to fit; the full text is on the page."""
    return alt.Title(shorten(title), subtitle=shorten(subtitle, SUBTITLE_LIMIT))


def _band_colour() -> Any:
    """The colour channel for a `band` field: red, yellow, green in the palette's colours."""
    return alt.Color(
        "band:N",
        scale=alt.Scale(domain=list(BANDS), range=BAND_RANGE),
        legend=alt.Legend(title="Band"),
    )


def _threshold_rules(bands: Bands, channel: str) -> Any:
    """Dashed rules at the red and green band thresholds along the score axis."""
    data = alt.InlineData(values=[{"score": bands.red}, {"score": bands.green}])
    rule = alt.Chart(data).mark_rule(style=GUIDE_STYLE)
    score = alt.X("score:Q") if channel == "x" else alt.Y("score:Q")
    return rule.encode(**{channel: score})


def _band_range(band: Band, bands: Bands) -> str:
    """The scores a band covers, in words."""
    if band == "red":
        return f"below {shown_score(bands.red)}"
    if band == "yellow":
        return f"{shown_score(bands.red)} to below {shown_score(bands.green)}"
    return f"{shown_score(bands.green)} and above"


# --- Key result -----------------------------------------------------------------------------


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


def _epoch_ms(day: date) -> int:
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
    start, span = _epoch_ms(quarter.start), (quarter.end - quarter.start).days * _DAY_MS
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


def _utc(day: date) -> Any:
    """A date as a Vega-Lite UTC DateTime, so no time zone can shift it."""
    return alt.DateTime(year=day.year, month=day.month, date=day.day, utc=True)


def _kr_description(result: KeyResultResult, quarter: Quarter, title: str) -> str:
    """One sentence saying what the KR chart shows."""
    kr = result.key_result
    unit = f" {clean_text(kr.unit)}" if kr.unit and kr.kind != "milestone" else ""
    if kr.kind == "milestone":
        unit = " %"
    counted = [c for c in result.counted if math.isfinite(c.value)]
    parts = [
        f"{title}: {_plural(len(counted), 'check-in')} in {quarter.title}, a quarter that runs"
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
        value_title = shorten(kr.unit, 40) if kr.unit and clean_text(kr.unit) else "value"
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
        scale=alt.Scale(type="utc", domain=[_utc(quarter.start), _utc(quarter.end)]),
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


@_checked_in_tests
def key_result_chart(result: KeyResultResult, quarter: Quarter) -> Chart:
    """A KR's counted check-ins over the quarter against its baseline and target (a metric),
    its bounds (a guardrail) or 0 to 100 % (a milestone), with the projection to the end."""
    kr = result.key_result
    title = clean_text(kr.title)
    parts = _kr_parts(result, quarter)
    rows = [
        (str(r["series"]), str(r["date"]), shown(float(r["value"]))) for r in parts.rows["checkins"]
    ]
    rows += [(str(r["series"]), "", shown(float(r["value"]))) for r in parts.rows["rules"]]
    rows += [(str(r["series"]), str(r["date"]), shown(float(r["value"]))) for r in parts.projection]
    slug = _slug("kr", result.unit_id, result.objective_id, kr.id)
    description = _kr_description(result, quarter, title)
    table = (("Series", "Date", "Value"), *rows)
    if not TEMPLATED:
        return _chart(slug, title, description, kr_altair_chart(parts, quarter), table)
    return _drawn_vega(slug, title, description, kr_vega(parts, quarter, description), table)


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
    return json.dumps(kr_altair_chart(parts, quarter).to_dict(validate=VALIDATE_SPECS))


@functools.lru_cache(maxsize=1024)
def _kr_vega_template(
    shape: tuple[str, bool, bool, tuple[str, ...]], start: date, end: date
) -> str:
    """Vega-Lite's compilation of a KR chart's template (_kr_template), as JSON."""
    spec = json.loads(_kr_template(shape, start, end))
    return templates.compiled(vega_lite(spec, LIGHT, templates.DESCRIPTION))


# --- Units and the org ----------------------------------------------------------------------


def _unit_labels(units: Sequence[Unit]) -> list[str]:
    """Unit names as axis labels; two units with one name are told apart by their ids, since a
    label is also the bar's identity in the data."""
    names = [clean_text(u.name) or u.id for u in units]
    counts = Counter(names)
    return [f"{n} ({u.id})" if counts[n] > 1 else n for n, u in zip(names, units, strict=True)]


def _drawn_units(scored: Sequence[UnitResult]) -> tuple[list[UnitResult], str]:
    """The units to draw as bars, at most MAX_BARS, in org.yaml's order, and a sentence saying
    what is left out ("" when nothing is)."""
    if len(scored) <= MAX_BARS:
        return list(scored), ""
    count = f"with {len(scored):,} units the chart would pass {MAX_BARS} bars"
    lists = "the table of units lists every unit"
    upper = [u for u in scored if u.unit.kind != "team"]
    if len(upper) <= MAX_BARS:
        teams = len(scored) - len(upper)
        note = (
            f"Only the org and its groups are drawn: {count}, so {_plural(teams, 'team')} "
            f"{'is' if teams == 1 else 'are'} left out; {lists}."
        )
        return upper, note
    org = [u for u in scored if u.unit.kind == "org"][:1]
    rest = [u for u in scored if all(u is not o for o in org)]
    ranked = sorted(rest, key=lambda u: float(u.rollup or 0.0))  # stable: ties in org order
    room = MAX_BARS - len(org)
    highest = room // 2
    keep = {id(u) for u in org + ranked[: room - highest] + ranked[len(ranked) - highest :]}
    left_out = len(scored) - len(keep)
    lowest = room - highest
    note = (
        f"Only {'the org, ' if org else ''}the {lowest} lowest and the {highest} highest roll-ups"
        f" are drawn: {count}, so {_plural(left_out, 'unit')} "
        f"{'is' if left_out == 1 else 'are'} left out; {lists}."
    )
    return [u for u in scored if id(u) in keep], note


@_checked_in_tests
def unit_scores_chart(
    result: QuarterResult, *, bands: Bands = DEFAULT_BANDS, setup: bool = False
) -> Chart:
    """Each unit's roll-up as a horizontal bar coloured by its band, in org.yaml's order.

    At most MAX_BARS bars (see there); the description says what is left out.
    `bands` are the policy's thresholds (repository.org.policy.bands), drawn as rules: those of
    a committed objective; each unit's band is by its own thresholds. A unit with no band is
    drawn in a neutral colour; with `setup` (the quarter's setup weeks) no band is drawn at all.
    """
    scored = [u for u in result.units if u.rollup is not None]
    drawn, left_out = _drawn_units(scored)
    labels = _unit_labels([u.unit for u in drawn])
    rows: list[Row] = []
    for label, unit in zip(labels, drawn, strict=True):
        rollup = float(unit.rollup or 0.0)
        band = None if setup else unit.band
        rows.append(
            {"unit": label, "score": rollup, "band": band or NO_BAND, "text": shown_score(rollup)}
        )
    quarter = result.quarter
    title = "Scores by unit"
    subtitle = f"{quarter.title}, as of {result.as_of.isoformat()}"
    if left_out:
        subtitle += f" · {len(drawn)} of {len(scored):,} units"

    base = alt.Chart(alt.InlineData(values=rows)).encode(
        y=alt.Y("unit:N", sort=labels, axis=alt.Axis(title=None, labelLimit=220)),
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(title="Roll-up")),
    )
    banded = [r for r in rows if r["band"] != NO_BAND]
    neutral = [r for r in rows if r["band"] == NO_BAND]
    bars = (
        [
            base.mark_bar(height=BAR_STEP - 8)
            .encode(color=_band_colour())
            .properties(data=alt.InlineData(values=banded))
        ]
        if banded
        else []
    )
    if neutral:
        bars.append(
            base.mark_bar(height=BAR_STEP - 8, style=CONNECTOR_STYLE).properties(
                data=alt.InlineData(values=neutral)
            )
        )
    values = base.mark_text(align="left", dx=4).encode(text="text:N")
    rules = [] if setup else [_threshold_rules(bands, "x")]
    chart = alt.layer(
        *rules,
        *bars,
        values,
        width=WIDTH - 160,
        height=alt.Step(BAR_STEP),
        title=_title(title, subtitle),
    )

    if rows and setup:
        description = (
            f"Roll-up score of each of {_plural(len(scored), 'unit')} in {quarter.title}"
            f" as of {result.as_of.isoformat()}, on a scale from 0 to 1, in one neutral colour:"
            " the quarter is in its setup weeks, so no unit has a band yet."
        )
        description += f" {left_out}" if left_out else ""
    elif rows:
        description = (
            f"Roll-up score of each of {_plural(len(scored), 'unit')} in {quarter.title}"
            f" as of {result.as_of.isoformat()}, on a scale from 0 to 1, coloured by the band"
            f" of its own thresholds; for committed objectives red {_band_range('red', bands)},"
            f" yellow {_band_range('yellow', bands)}, green {_band_range('green', bands)}."
        )
        description += f" {left_out}" if left_out else ""
    else:
        description = f"No unit has a score in {quarter.title} yet."
    table = tuple((str(r["unit"]), str(r["text"]), str(r["band"])) for r in rows)
    return _chart("unit-scores", title, description, chart, (("Unit", "Roll-up", "Band"), *table))


def _history(
    slug: str,
    name: str,
    points: Sequence[tuple[str, float | None]],
    bands: Bands,
    point_bands: Mapping[str, Band | None] | None,
    *,
    titled: bool,
) -> Chart:
    """A roll-up over quarters, oldest first, as a line with points coloured by band: each
    quarter's own band when point_bands gives them (none: neutral), else by `bands`. titled:
    whether the drawing carries its title (a unit's page has its own heading above it)."""
    rows: list[Row] = [
        {
            "quarter": q,
            "score": s,
            "band": (point_bands.get(q) if point_bands is not None else band_of(s, bands))
            or NO_BAND,
            "text": shown_score(s),
        }
        for q, s in points
        if s is not None and math.isfinite(s)
    ]
    order = tuple(str(r["quarter"]) for r in rows)
    title = f"{name} across quarters"
    layers = _HistoryLayers(
        rows=rows,
        banded=[r for r in rows if r["band"] != NO_BAND],
        neutral=[r for r in rows if r["band"] == NO_BAND],
        order=order,
        bands=bands,
        title=(title, "Roll-up score per quarter") if titled else None,
    )
    if len(rows) == 1:
        description = (
            f"Roll-up score of {name} in 1 quarter, {order[0]}: {rows[0]['text']},"
            " on a scale from 0 to 1."
        )
    elif rows:
        description = (
            f"Roll-up score of {name} in {_plural(len(rows), 'quarter')}, from {order[0]}"
            f" ({rows[0]['text']}) to {order[-1]} ({rows[-1]['text']}), on a scale from 0 to 1."
        )
    else:
        description = f"{name} has no scored quarter yet."
    numbers = tuple((str(r["quarter"]), str(r["text"]), str(r["band"])) for r in rows)
    table = (("Quarter", "Roll-up", "Band"), *numbers)
    if not TEMPLATED:
        return _chart(slug, title, description, history_altair_chart(layers), table)
    return _drawn_vega(slug, title, description, history_vega(layers, description), table)


@dataclass(frozen=True)
class _HistoryLayers:
    """What a history chart draws: all its points, those with a band and those without, the
    quarters in order, the thresholds' rules and its drawn title and subtitle, if any."""

    rows: list[Row]
    banded: list[Row]
    neutral: list[Row]
    order: tuple[str, ...]
    bands: Bands
    title: tuple[str, str] | None


def history_altair_chart(layers: _HistoryLayers) -> Any:
    """A history chart as Altair builds it."""
    base = alt.Chart(alt.InlineData(values=layers.rows)).encode(
        x=alt.X("quarter:O", sort=list(layers.order), axis=alt.Axis(title=None, labelAngle=0)),
        y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(title="Roll-up")),
    )
    line = base.mark_line(style=CONNECTOR_STYLE)
    dots = (
        [
            base.mark_point(filled=True, size=80, opacity=1)
            .encode(color=_band_colour())
            .properties(data=alt.InlineData(values=layers.banded))
        ]
        if layers.banded or not layers.neutral
        else []
    )
    if layers.neutral:
        dots.append(
            base.mark_point(filled=True, size=80, style=CONNECTOR_STYLE).properties(
                data=alt.InlineData(values=layers.neutral)
            )
        )
    titles = {"title": _title(*layers.title)} if layers.title else {}
    rules = _threshold_rules(layers.bands, "y")
    return alt.layer(rules, line, *dots, width=WIDTH, height=HEIGHT, **titles)


def history_vega(layers: _HistoryLayers, description: str) -> dict[str, Any]:
    """A history chart's Vega spec: its template compiled once per shape, filled in."""
    lists = {"rows": layers.rows, "banded": layers.banded, "neutral": layers.neutral}
    names = {role: templates.dataset_name(rows) for role, rows in lists.items() if rows}
    # Rows Altair would name alike share a dataset, so they share a stand-in: the first's.
    first: dict[str, str] = {}
    for role, name in names.items():
        first.setdefault(name, role)
    keys = tuple(first[names[role]] if role in names else None for role in lists)
    template = _history_template(keys, layers.order, layers.bands, layers.title)
    stand_ins = {key: lists[key] for key in keys if key is not None}
    spec = templates.filled_vega(template, stand_ins, {templates.DESCRIPTION: description})
    if spec is None:
        altair_spec = history_altair_chart(layers).to_dict(validate=VALIDATE_SPECS)
        return dict(vlc.vegalite_to_vega(vega_lite(altair_spec, LIGHT, description)))
    return spec


@functools.lru_cache(maxsize=256)
def _history_template(
    keys: tuple[str | None, ...],
    order: tuple[str, ...],
    bands: Bands,
    title: tuple[str, str] | None,
) -> str:
    """The compiled spec of a history chart whose rows, banded and neutral points are the
    stand-ins keys name (None: no rows), as JSON."""
    rows, banded, neutral = ([] if k is None else [{templates.STAND_IN: k}] for k in keys)
    layers = _HistoryLayers(rows, banded, neutral, order, bands, title)  # type: ignore[arg-type]
    spec = history_altair_chart(layers).to_dict(validate=VALIDATE_SPECS)
    return templates.compiled(vega_lite(spec, LIGHT, templates.DESCRIPTION))


@_checked_in_tests
def unit_history_chart(
    unit: Unit,
    points: Sequence[tuple[str, float | None]],
    *,
    bands: Bands = DEFAULT_BANDS,
    point_bands: Mapping[str, Band | None] | None = None,
) -> Chart:
    """A unit's roll-up over quarters (quarter id, roll-up), oldest first; None is skipped.

    `bands` are the policy's thresholds (repository.org.policy.bands), drawn as rules;
    `point_bands`, each quarter's own band of the unit (by its thresholds, null in the setup
    weeks), colour the points when given.
    """
    name = clean_text(unit.name) or unit.id
    slug = f"{_slug('unit', unit.id)}-history"
    return _history(slug, name, points, bands, point_bands, titled=False)


@_checked_in_tests
def org_history_chart(
    org: Org,
    points: Sequence[tuple[str, float | None]],
    *,
    point_bands: Mapping[str, Band | None] | None = None,
) -> Chart:
    """The org's score over quarters (quarter id, score), oldest first, in the bands of the
    org's policy (or each quarter's own band, given point_bands); None is skipped."""
    name = clean_text(org.name) or "The organisation"
    return _history("org-history", name, points, org.policy.bands, point_bands, titled=True)


# --- Grades ---------------------------------------------------------------------------------


@_checked_in_tests
def grade_distribution_chart(result: QuarterResult, *, bands: Bands = DEFAULT_BANDS) -> Chart:
    """How many KRs' final grades fall in each band (red, yellow, green).

    In a closed quarter these are the final grades; in an open one, the current scores.
    `bands` are the policy's thresholds (repository.org.policy.bands).
    """
    counts = dict(band_counts(result))
    rows: list[Row] = [{"band": b, "count": counts[b], "text": str(counts[b])} for b in BANDS]
    quarter = result.quarter
    what = "final grades" if quarter.closed else "current scores"
    title = "Key results by grade band" if quarter.closed else "Key results by score band"

    # Whole ticks only: Vega would put half a key result between 0 and 1.
    top = max(1, *counts.values())
    ticks = list(range(0, top + 1, math.ceil(top / 5)))
    base = alt.Chart(alt.InlineData(values=rows)).encode(
        x=alt.X("band:N", sort=list(BANDS), axis=alt.Axis(title=None, labelAngle=0)),
        y=alt.Y(
            "count:Q",
            scale=alt.Scale(domain=[0, top], nice=False),
            axis=alt.Axis(title="Key results", values=ticks, format="d"),
        ),
    )
    bars = base.mark_bar(width=60).encode(color=_band_colour().legend(None))
    values = base.mark_text(dy=-8).encode(text="text:N")
    chart = alt.layer(
        bars, values, width=360, height=HEIGHT, title=_title(title, f"{quarter.title}: {what}")
    )

    description = (
        f"The {what} of {_plural(sum(counts.values()), 'key result')} in {quarter.title} by band,"
        " each against its objective's thresholds: "
        + ", ".join(f"{counts[b]} {b}" for b in BANDS)
        + f" (for a committed objective {', '.join(_band_range(b, bands) for b in BANDS)})."
    )
    table = tuple((b, _band_range(b, bands), str(counts[b])) for b in BANDS)
    return _chart(
        "grade-distribution",
        title,
        description,
        chart,
        (("Band", "Scores (committed)", "Key results"), *table),
    )
