"""The grade-distribution chart: how many KRs fall in each band."""

from __future__ import annotations

import math

import altair as alt

from okrsite.model.okrs import Bands
from okrsite.model.scores import BANDS, QuarterResult
from okrsite.score.quarter import band_counts
from okrsite.site.charts.chart import (
    DEFAULT_BANDS,
    HEIGHT,
    Chart,
    Row,
    band_colour,
    band_range,
    chart_title,
    plural,
)
from okrsite.site.charts.render import chart_of, checked_in_tests

# --- Grades ---------------------------------------------------------------------------------


@checked_in_tests
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
    bars = base.mark_bar(width=60).encode(color=band_colour().legend(None))
    values = base.mark_text(dy=-8).encode(text="text:N")
    chart = alt.layer(
        bars, values, width=360, height=HEIGHT, title=chart_title(title, f"{quarter.title}: {what}")
    )

    description = (
        f"The {what} of {plural(sum(counts.values()), 'key result')} in {quarter.title} by band,"
        " each against its objective's thresholds: "
        + ", ".join(f"{counts[b]} {b}" for b in BANDS)
        + f" (for a committed objective {', '.join(band_range(b, bands) for b in BANDS)})."
    )
    table = tuple((b, band_range(b, bands), str(counts[b])) for b in BANDS)
    return chart_of(
        "grade-distribution",
        title,
        description,
        chart,
        (("Band", "Scores (committed)", "Key results"), *table),
    )
