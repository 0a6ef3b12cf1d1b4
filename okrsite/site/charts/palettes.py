"""The two chart palettes, for Material for MkDocs' light (default) and dark (slate) schemes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# A font stack every reader has; no web font, since the SVG must load nothing. vl-convert lays out
# labels with the first font it finds, and it carries Liberation Sans itself, so the layout is the
# same on every machine that builds the site. Liberation Sans has Arial's metrics (and Helvetica's,
# near enough), the fonts browsers fall back to. Measuring with it also takes a third of the time
# a system font such as DejaVu Sans takes, for vl-convert looks those up for every label.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Palette:
    """The colours of one colour scheme; every graphic colour has at least 3:1 contrast on the
    background (WCAG 1.4.11), every text colour at least 4.5:1."""

    name: str  # "light" or "dark"
    background: str
    text: str
    muted: str  # axis labels, legend labels
    grid: str
    checkins: str
    baseline: str
    target: str
    projection: str
    bound: str  # a guardrail's min and max
    red: str
    yellow: str
    green: str


LIGHT = Palette(
    name="light",
    background="#ffffff",  # Material's default scheme
    text="#1f2328",
    muted="#4b5563",
    grid="#e5e7eb",
    checkins="#3f51b5",  # Material indigo, the default primary colour
    baseline="#6b7280",
    target="#00897b",
    projection="#8e24aa",
    bound="#c62828",
    red="#c62828",
    yellow="#b58100",  # darker than a pure yellow so bars stay visible on white
    green="#2e7d32",
)

DARK = Palette(
    name="dark",
    background="#1e2029",  # Material's slate: hsl(232, 15%, 14%)
    text="#e2e4ed",
    muted="#b4b8c7",
    grid="#363a48",
    checkins="#8c9eff",
    baseline="#9ca3af",
    target="#4db6ac",
    projection="#ce93d8",
    bound="#ef5350",
    red="#ef5350",
    yellow="#fdd835",
    green="#66bb6a",
)

PALETTES: tuple[Palette, Palette] = (LIGHT, DARK)

_DARK_OF = {
    getattr(LIGHT, name): getattr(DARK, name)
    for name in Palette.__dataclass_fields__
    if name != "name"
}
# Vega writes every colour of a spec as a fill or stroke attribute, in the hex form it was given.
# Attributes are looked for inside tags only: text between tags (a title) is a user's.
_TAG = re.compile(r"<[^<>]*>")
_COLOUR_ATTRIBUTE = re.compile(r'(?<= )(fill|stroke)="(#[0-9a-f]{6})"')


DARK_FRAGMENT = "only-dark"
"""Material shows an image whose URL ends in #only-dark in the dark scheme only; in a chart's
SVG it is also the root's id, so the CSS :target rule below applies exactly there."""
_ROOT = re.compile(r"<svg\b[^>]*>")


def themed(light_svg: str) -> str:
    """One SVG for both schemes: the light rendering, plus a style sheet that gives each light
    colour it uses its dark counterpart when the file is opened as file.svg#only-dark.

    CSS outranks SVG presentation attributes, and :target matches the root (the one element
    with an id) only when the URL's fragment names it, so file.svg#only-light stays light.
    The reader downloads one file for both schemes; the site stores half as many bytes.
    """
    used = sorted(
        {
            (name, colour)
            for tag in _TAG.findall(light_svg)
            for name, colour in _COLOUR_ATTRIBUTE.findall(tag)
            if _DARK_OF.get(colour, colour) != colour
        }
    )
    rules = "".join(
        f':target [{name}="{colour}"]{{{name}:{_DARK_OF[colour]}}}' for name, colour in used
    )
    root = _ROOT.match(light_svg)
    if root is None:
        raise ValueError("not an SVG: no <svg> root element")
    head = root.group(0)[:-1] + f' id="{DARK_FRAGMENT}">'
    return f"{head}<style>{rules}</style>{light_svg[root.end() :]}"


def dark_variant(light_svg: str) -> str:
    """A chart rendered in the light palette, in the dark one: each light colour attribute
    swapped for its dark counterpart. Text is never touched, only fill and stroke attributes.

    Palettes differ in colours only, so this equals rendering the spec again in the dark
    palette (tests/test_charts.py proves it chart by chart) at no cost."""
    return _TAG.sub(lambda tag: _COLOUR_ATTRIBUTE.sub(_darker, tag.group(0)), light_svg)


def _darker(attribute: re.Match[str]) -> str:
    """A fill or stroke attribute with its light colour swapped for the dark one."""
    name, colour = attribute.groups()
    return f'{name}="{_DARK_OF.get(colour, colour)}"'


# The series of a key result chart, in legend order; the named range "kr-series" colours them.
KR_SERIES = ("Check-ins", "Held", "Breached", "Baseline", "Target", "Min", "Max", "Projection")

# Names the chart specs use instead of colours, so one spec serves both palettes. Vega-Lite's
# schema only allows its own range names; these two are colour ranges a theme may set.
BAND_RANGE = "ordinal"  # red, yellow, green: ordered, like the bands
SERIES_RANGE = "category"  # the KR_SERIES
GUIDE_STYLE = "guide"  # band threshold rules
CONNECTOR_STYLE = "connector"  # the line joining a guardrail's or a history's points
BACKDROP_STYLE = "backdrop"  # the background's colour: what a hollow point is filled with
PROJECTED_STYLE = "projected"  # where a roll-up is projected to land: the text's colour


def _series_colours(palette: Palette) -> list[str]:
    """The colour of each of KR_SERIES."""
    by_name = {
        "Check-ins": palette.checkins,
        "Held": palette.green,
        "Breached": palette.red,
        "Baseline": palette.baseline,
        "Target": palette.target,
        "Min": palette.bound,
        "Max": palette.bound,
        "Projection": palette.projection,
    }
    return [by_name[name] for name in KR_SERIES]


def vega_config(palette: Palette) -> dict[str, Any]:
    """The Vega-Lite `config` block of a palette: background, text, axes, legends, and the
    named ranges and mark styles the specs refer to."""
    return {
        "background": palette.background,
        "font": FONT,
        "range": {
            BAND_RANGE: [palette.red, palette.yellow, palette.green],
            SERIES_RANGE: _series_colours(palette),
        },
        "style": {
            GUIDE_STYLE: {"color": palette.muted, "strokeDash": [4, 4], "opacity": 0.8},
            CONNECTOR_STYLE: {"color": palette.muted, "opacity": 0.7},
            BACKDROP_STYLE: {"color": palette.background, "opacity": 1},
            PROJECTED_STYLE: {"color": palette.text, "opacity": 1},
        },
        "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 220},
        "title": {
            "color": palette.text,
            "subtitleColor": palette.muted,
            "anchor": "start",
            "fontSize": 14,
            "fontWeight": "bold",
            "offset": 10,
        },
        "axis": {
            "labelColor": palette.muted,
            "titleColor": palette.text,
            "gridColor": palette.grid,
            "domainColor": palette.muted,
            "tickColor": palette.muted,
            "labelFontSize": 11,
            "titleFontSize": 11,
            "titleFontWeight": "normal",
        },
        "legend": {
            "labelColor": palette.muted,
            "titleColor": palette.text,
            "labelFontSize": 11,
            "orient": "bottom",
            "direction": "horizontal",
        },
        "text": {"color": palette.text, "fontSize": 11},
    }
