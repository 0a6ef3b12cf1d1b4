"""History charts: a unit's and the org's scores quarter by quarter."""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping, Sequence
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
    BACKDROP_STYLE,
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
    so_far: Collection[str] = (),
) -> Chart:
    """A roll-up over quarters, oldest first, as a line with points coloured by band: each
    quarter's own band when point_bands gives them (none: neutral), else by `bands`. titled:
    whether the drawing carries its title (a unit's page has its own heading above it).

    The points labelled in `so_far` are an open quarter's score so far, not a grade: each is
    drawn hollow, joined to the last final grade before it by a dashed line, not the solid one,
    and the description and the table's last column ("Kind") say so."""
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
    provisional = [r for r in rows if r["quarter"] in so_far]
    final = [r for r in rows if r["quarter"] not in so_far]
    layers = _HistoryLayers(
        rows=final,
        banded=[r for r in final if r["band"] != NO_BAND],
        neutral=[r for r in final if r["band"] == NO_BAND],
        connector=_connector(rows, provisional),
        so_far=provisional,
        so_far_banded=[r for r in provisional if r["band"] != NO_BAND],
        so_far_neutral=[r for r in provisional if r["band"] == NO_BAND],
        order=order,
        bands=bands,
        title=(title, "Roll-up score per quarter") if titled else None,
    )
    description = _description(name, rows, provisional)
    numbers = tuple(
        (str(r["quarter"]), str(r["text"]), str(r["band"]), SO_FAR if r in provisional else FINAL)
        for r in rows
    )
    table = (("Quarter", "Roll-up", "Band", "Kind"), *numbers)
    if not switches.TEMPLATED:
        return chart_of(slug, title, description, history_altair_chart(layers), table)
    return chart_of_vega(slug, title, description, history_vega(layers, description), table)


FINAL = "final grade"
SO_FAR = "so far"
"""What the table says of a quarter's roll-up: a closed quarter's grade, or an open one's score."""


def _connector(rows: list[Row], provisional: list[Row]) -> list[Row]:
    """The points the dashed line joins: the last final grade before the first score so far,
    then the scores so far; none when that is fewer than two points."""
    if not provisional:
        return []
    first = next(i for i, r in enumerate(rows) if r is provisional[0])
    joined = [*rows[max(first - 1, 0) : first], *provisional]
    return joined if len(joined) > 1 else []


def _description(name: str, rows: list[Row], provisional: list[Row]) -> str:
    """The text alternative: the quarters, the first and last roll-up, which are scores so far."""
    order = [str(r["quarter"]) for r in rows]
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
        return f"{name} has no scored quarter yet."
    if not provisional:
        return description
    labels = [str(r["quarter"]) for r in provisional]
    if len(labels) == 1:
        said = f"The point of {labels[0]} is a score so far, not a final grade"
    else:
        listed = ", ".join(labels[:-1]) + f" and {labels[-1]}"
        said = f"The points of {listed} are scores so far, not final grades"
    others = "; the others are final grades." if len(provisional) < len(rows) else "."
    return f"{description} {said}{others}"


@dataclass(frozen=True)
class _HistoryLayers:
    """What a history chart draws: its final grades (the solid line), those with a band and
    those without, the dashed line on to the scores so far, those scores (each drawn hollow
    over a backdrop), with a band and without, the quarters in order, the thresholds' rules and
    its drawn title and subtitle, if any."""

    rows: list[Row]
    banded: list[Row]
    neutral: list[Row]
    connector: list[Row]
    so_far: list[Row]
    so_far_banded: list[Row]
    so_far_neutral: list[Row]
    order: tuple[str, ...]
    bands: Bands
    title: tuple[str, str] | None

    def datasets(self) -> dict[str, list[Row]]:
        """Each list of rows by its field's name, in the fields' order."""
        return {role: getattr(self, role) for role in _ROLES}


_ROLES = ("rows", "banded", "neutral", "connector", "so_far", "so_far_banded", "so_far_neutral")
"""The fields of _HistoryLayers that hold rows."""

_LINE_BREAK = (
    "lastindexof(datum.label, ' (') > 0"
    " ? [slice(datum.label, 0, lastindexof(datum.label, ' (')),"
    " slice(datum.label, lastindexof(datum.label, ' (') + 1)]"
    " : datum.label"
)
"""An axis label ending in a parenthesis, such as '2026 Q4 (so far)', on two lines broken
before it, so that eight quarters' labels fit side by side."""
DASH = [5, 3]
"""The dashed line's pattern: shorter gaps than the threshold rules' [4, 4]."""


def _dots(base: Any, rows: list[Row], *, filled: bool, banded: bool) -> Any:
    """Points of a history: filled (final grades) or rings (scores so far), in their band's
    colour or, without a band, the connector's neutral one."""
    if banded:
        return (
            base.mark_point(filled=filled, size=80, opacity=1)
            .encode(color=band_colour())
            .properties(data=alt.InlineData(values=rows))
        )
    return base.mark_point(filled=filled, size=80, style=CONNECTOR_STYLE).properties(
        data=alt.InlineData(values=rows)
    )


def history_altair_chart(layers: _HistoryLayers) -> Any:
    """A history chart as Altair builds it."""
    provisional = bool(layers.so_far)
    base = alt.Chart(alt.InlineData(values=layers.rows)).encode(
        x=alt.X(
            "quarter:O",
            sort=list(layers.order),
            axis=alt.Axis(
                title=None, labelAngle=0, labelExpr=_LINE_BREAK if provisional else alt.Undefined
            ),
        ),
        y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(title="Roll-up")),
    )
    marks = [base.mark_line(style=CONNECTOR_STYLE)]
    if layers.connector:
        marks.append(
            base.mark_line(style=CONNECTOR_STYLE, strokeDash=DASH).properties(
                data=alt.InlineData(values=layers.connector)
            )
        )
    if layers.banded or not (layers.neutral or provisional):
        marks.append(_dots(base, layers.banded, filled=True, banded=True))
    if layers.neutral:
        marks.append(_dots(base, layers.neutral, filled=True, banded=False))
    if provisional:
        # Hollow: the background's colour under a ring, so the dashed line stops at its edge.
        marks.append(
            base.mark_point(filled=True, size=80, style=BACKDROP_STYLE, aria=False).properties(
                data=alt.InlineData(values=layers.so_far)
            )
        )
    if layers.so_far_banded:
        marks.append(_dots(base, layers.so_far_banded, filled=False, banded=True))
    if layers.so_far_neutral:
        marks.append(_dots(base, layers.so_far_neutral, filled=False, banded=False))
    titles = {"title": chart_title(*layers.title)} if layers.title else {}
    rules = threshold_rules(layers.bands, "y")
    return alt.layer(rules, *marks, width=WIDTH, height=HEIGHT, **titles)


def history_vega(layers: _HistoryLayers, description: str) -> dict[str, Any]:
    """A history chart's Vega spec: its template compiled once per shape, filled in."""
    lists = layers.datasets()
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
    """The compiled spec of a history chart whose datasets (_ROLES, in order) are the stand-ins
    keys name (None: no rows), as JSON."""
    lists = {
        role: [] if k is None else [{templates.STAND_IN: k}]
        for role, k in zip(_ROLES, keys, strict=True)
    }
    layers = _HistoryLayers(**lists, order=order, bands=bands, title=title)  # type: ignore[arg-type]
    spec = history_altair_chart(layers).to_dict(validate=switches.VALIDATE_SPECS)
    return templates.compiled(vega_lite(spec, LIGHT, templates.DESCRIPTION))


@checked_in_tests
def unit_history_chart(
    unit: Unit,
    points: Sequence[tuple[str, float | None]],
    *,
    bands: Bands = DEFAULT_BANDS,
    point_bands: Mapping[str, Band | None] | None = None,
    so_far: Collection[str] = (),
) -> Chart:
    """A unit's roll-up over quarters (quarter label, roll-up), oldest first; None is skipped.

    `bands` are the policy's thresholds (repository.org.policy.bands), drawn as rules;
    `point_bands`, each quarter's own band of the unit (by its thresholds, null in the setup
    weeks), colour the points when given. `so_far` labels the points that are an open
    quarter's score so far (normally the last), drawn apart from the final grades.
    """
    name = single_line(unit.name) or unit.id
    slug = f"{chart_slug('unit', unit.id)}-history"
    return _history(slug, name, points, bands, point_bands, titled=False, so_far=so_far)


@checked_in_tests
def org_history_chart(
    org: Org,
    points: Sequence[tuple[str, float | None]],
    *,
    point_bands: Mapping[str, Band | None] | None = None,
    so_far: Collection[str] = (),
) -> Chart:
    """The org's score over quarters (quarter label, score), oldest first, in the bands of the
    org's policy (or each quarter's own band, given point_bands); None is skipped. `so_far`
    labels the points that are an open quarter's score so far, as unit_history_chart's."""
    name = single_line(org.name) or "The organisation"
    return _history(
        "org-history", name, points, org.policy.bands, point_bands, titled=True, so_far=so_far
    )
