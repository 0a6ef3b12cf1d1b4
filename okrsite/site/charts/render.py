"""One renderer for every chart: a Vega-Lite or Vega spec drawn to SVG with vl-convert, themed for
the dark scheme and made accessible; and the two switches the tests flip."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import Any, ParamSpec

import vl_convert as vlc
from altair.utils.schemapi import debug_mode

from okrsite.site.charts import switches
from okrsite.site.charts.chart import Chart, Table
from okrsite.site.charts.palettes import (
    LIGHT,
    Palette,
    themed,
    vega_config,
)
from okrsite.site.charts.svg import compact

P = ParamSpec("P")


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


def checked_in_tests(draw: Callable[P, Chart]) -> Callable[P, Chart]:
    """A chart function that skips Altair's schema checks unless switches.VALIDATE_SPECS is on.

    Altair checks each object against the schema as it is made (its "debug mode"), which costs
    a third of making a chart; the checks belong in the tests, where they catch a bad spec.
    """

    @functools.wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> Chart:
        with debug_mode(switches.VALIDATE_SPECS):
            return draw(*args, **kwargs)

    return drawn


def chart_of(slug: str, title: str, description: str, chart: Any, table: Table) -> Chart:
    """Render an Altair chart once, in the light palette, themed for the dark one too, and
    without what an image never uses (svg.compact)."""
    spec = chart.to_dict(validate=switches.VALIDATE_SPECS)
    return chart_of_spec(slug, title, description, spec, table)


def chart_of_spec(
    slug: str, title: str, description: str, spec: dict[str, Any], table: Table
) -> Chart:
    """A Vega-Lite spec rendered as chart_of renders an Altair chart's."""
    svg = compact(themed(render(spec, LIGHT, title, description)))
    return Chart(slug, title, description, svg=svg, table=table)


def chart_of_vega(
    slug: str, title: str, description: str, spec: dict[str, Any], table: Table
) -> Chart:
    """A Vega spec, compiled in the light palette, rendered as chart_of_spec renders its source."""
    svg = compact(themed(render_vega(spec, title, description)))
    return Chart(slug, title, description, svg=svg, table=table)
