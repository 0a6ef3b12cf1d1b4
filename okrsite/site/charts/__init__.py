"""Charts of a quarter's figures: Altair specifications rendered to SVG at build time, no I/O.

Every chart is one Vega-Lite spec rendered once with vl-convert in the light palette, into one
SVG file that also carries the dark palette as CSS: opened as chart.svg#only-dark (Material's
marker for dark-scheme images) it swaps each light colour for its dark one. A palette is only
Vega colour config (palettes.py), and tests prove the swap equals a dark render. The site needs
no network and no chart JavaScript. User-written text (titles, names) reaches a spec only as a
title string or a data value, never as a field name or an expression, so it cannot change what
Vega computes; Vega escapes it when it writes the SVG.

One module per chart family (key_result, units, history, grades), what they share in chart.py,
one renderer (render.py), the compiled Vega templates (vega_templates.py) and the cache of drawn
charts (cache.py). This package is their public face: pages draw through the names below.
"""

from __future__ import annotations

from okrsite.site.charts.chart import Chart
from okrsite.site.charts.grades import grade_distribution_chart
from okrsite.site.charts.history import org_history_chart, unit_history_chart
from okrsite.site.charts.key_result import key_result_chart
from okrsite.site.charts.units import unit_scores_chart

__all__ = [
    "Chart",
    "grade_distribution_chart",
    "key_result_chart",
    "org_history_chart",
    "unit_history_chart",
    "unit_scores_chart",
]
