"""History charts: a unit's and the org's scores quarter by quarter."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert as vlc

from okrsite.model.numbers import shown_score
from okrsite.model.okrs import Bands, Org, Unit
from okrsite.model.scores import Band
from okrsite.score.quarter import band_of
from okrsite.site.charts import switches
from okrsite.site.charts import vega_templates as templates
from okrsite.site.charts.chart import (
    DEFAULT_BANDS,
    HEIGHT,
    NO_BAND,
    WIDTH,
    Chart,
    Row,
    band_colour,
    chart_slug,
    chart_title,
    plural,
    threshold_rules,
)
from okrsite.site.charts.palettes import (
    CONNECTOR_STYLE,
    LIGHT,
)
from okrsite.site.charts.render import chart_of, chart_of_vega, checked_in_tests, vega_lite
from okrsite.site.markup import single_line


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
            f"Roll-up score of {name} in {plural(len(rows), 'quarter')}, from {order[0]}"
            f" ({rows[0]['text']}) to {order[-1]} ({rows[-1]['text']}), on a scale from 0 to 1."
        )
    else:
        description = f"{name} has no scored quarter yet."
    numbers = tuple((str(r["quarter"]), str(r["text"]), str(r["band"])) for r in rows)
    table = (("Quarter", "Roll-up", "Band"), *numbers)
    if not switches.TEMPLATED:
        return chart_of(slug, title, description, history_altair_chart(layers), table)
    return chart_of_vega(slug, title, description, history_vega(layers, description), table)


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
            .encode(color=band_colour())
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
    titles = {"title": chart_title(*layers.title)} if layers.title else {}
    rules = threshold_rules(layers.bands, "y")
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
        altair_spec = history_altair_chart(layers).to_dict(validate=switches.VALIDATE_SPECS)
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
    spec = history_altair_chart(layers).to_dict(validate=switches.VALIDATE_SPECS)
    return templates.compiled(vega_lite(spec, LIGHT, templates.DESCRIPTION))


@checked_in_tests
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
    name = single_line(unit.name) or unit.id
    slug = f"{chart_slug('unit', unit.id)}-history"
    return _history(slug, name, points, bands, point_bands, titled=False)


@checked_in_tests
def org_history_chart(
    org: Org,
    points: Sequence[tuple[str, float | None]],
    *,
    point_bands: Mapping[str, Band | None] | None = None,
) -> Chart:
    """The org's score over quarters (quarter id, score), oldest first, in the bands of the
    org's policy (or each quarter's own band, given point_bands); None is skipped."""
    name = single_line(org.name) or "The organisation"
    return _history("org-history", name, points, org.policy.bands, point_bands, titled=True)
