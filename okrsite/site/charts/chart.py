"""What every chart is made of: the Chart a page shows, its text, and the Altair pieces the
chart families share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt

from okrsite.model.numbers import shown_score
from okrsite.model.okrs import Bands, is_slug
from okrsite.model.scores import BANDS, Band
from okrsite.site.charts.palettes import (
    BAND_RANGE,
    GUIDE_STYLE,
    dark_variant,
)
from okrsite.site.markup import single_line

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


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """Text cut to at most `limit` characters, at a word boundary where one is near, with '…'."""
    text = single_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def chart_slug(kind: str, *ids: str) -> str:
    """A file-name stem: the chart's kind, then ids joined by dots.

    Ids may hold hyphens, so joining them with one would let payments-api/x and payments/api-x
    share a file; a dot cannot occur in an id. An id that is not a slug is a bug upstream.
    """
    for part in ids:
        if not is_slug(part):
            raise ValueError(f"not a slug, refusing to build a chart file name from it: {part!r}")
    return f"{kind}-{'.'.join(ids)}"


def plural(count: int, noun: str) -> str:
    """'1 check-in', '2 check-ins', '1,600 units'."""
    return f"{count} {noun}" if count == 1 else f"{count:,} {noun}s"


def chart_title(title: str, subtitle: str) -> Any:
    """A chart title, cut to fit; the full text is on the page."""
    return alt.Title(shorten(title), subtitle=shorten(subtitle, SUBTITLE_LIMIT))


def band_colour() -> Any:
    """The colour channel for a `band` field: red, yellow, green in the palette's colours."""
    return alt.Color(
        "band:N",
        scale=alt.Scale(domain=list(BANDS), range=BAND_RANGE),
        legend=alt.Legend(title="Band"),
    )


def threshold_rules(bands: Bands, channel: str) -> Any:
    """Dashed rules at the red and green band thresholds along the score axis."""
    data = alt.InlineData(values=[{"score": bands.red}, {"score": bands.green}])
    rule = alt.Chart(data).mark_rule(style=GUIDE_STYLE)
    score = alt.X("score:Q") if channel == "x" else alt.Y("score:Q")
    return rule.encode(**{channel: score})


def band_range(band: Band, bands: Bands) -> str:
    """The scores a band covers, in words."""
    if band == "red":
        return f"below {shown_score(bands.red)}"
    if band == "yellow":
        return f"{shown_score(bands.red)} to below {shown_score(bands.green)}"
    return f"{shown_score(bands.green)} and above"


class Drawer:
    """Draws every chart a page asks for; the build's ChartCache keeps them between builds."""

    hits = 0
    misses = 0

    def chart(self, draw: Callable[..., Chart], *args: Any, **kwargs: Any) -> Chart:
        """draw(*args, **kwargs)."""
        self.misses += 1
        return draw(*args, **kwargs)
