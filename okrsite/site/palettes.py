"""The two chart palettes, for Material for MkDocs' light (default) and dark (slate) schemes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A font stack every reader has; no web font, since the SVG must load nothing. vl-convert lays out
# labels with the first font it finds; DejaVu Sans is wider than Helvetica and Arial, so a reader
# whose browser falls back to either still sees every label inside the margins measured for it.
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


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

# The series of a key result chart, in legend order; the named range "kr-series" colours them.
KR_SERIES = ("Check-ins", "Held", "Breached", "Baseline", "Target", "Min", "Max", "Projection")

# Names the chart specs use instead of colours, so one spec serves both palettes. Vega-Lite's
# schema only allows its own range names; these two are colour ranges a theme may set.
BAND_RANGE = "ordinal"  # red, yellow, green: ordered, like the bands
SERIES_RANGE = "category"  # the KR_SERIES
GUIDE_STYLE = "guide"  # band threshold rules
CONNECTOR_STYLE = "connector"  # the line joining a guardrail's or a history's points


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
