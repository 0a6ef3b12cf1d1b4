"""The unit-scores chart: each unit's roll-up as a bar coloured by its band."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import altair as alt

from okrsite.model.numbers import shown_score
from okrsite.model.okrs import Bands, Unit
from okrsite.model.scores import QuarterResult, UnitResult
from okrsite.site.charts.chart import (
    BAR_STEP,
    DEFAULT_BANDS,
    MAX_BARS,
    NO_BAND,
    WIDTH,
    Chart,
    Row,
    band_colour,
    band_range,
    chart_title,
    plural,
    threshold_rules,
)
from okrsite.site.charts.palettes import CONNECTOR_STYLE, PROJECTED_STYLE
from okrsite.site.charts.render import chart_of, checked_in_tests
from okrsite.site.markup import single_line

# --- Units and the org ----------------------------------------------------------------------

LABEL_AREA = 190  # pixels left of the bars for the units' names
LABEL_LIMIT = 160  # pixels of a name as Vega measures it: the rest of LABEL_AREA is slack


def _unit_labels(units: Sequence[Unit]) -> list[str]:
    """Unit names as axis labels; two units with one name are told apart by their ids, since a
    label is also the bar's identity in the data."""
    names = [single_line(u.name) or u.id for u in units]
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
            f"Only the org and its groups are drawn: {count}, so {plural(teams, 'team')} "
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
        f" are drawn: {count}, so {plural(left_out, 'unit')} "
        f"{'is' if left_out == 1 else 'are'} left out; {lists}."
    )
    return [u for u in scored if id(u) in keep], note


@checked_in_tests
def unit_scores_chart(
    result: QuarterResult, *, bands: Bands = DEFAULT_BANDS, setup: bool = False
) -> Chart:
    """Each unit's roll-up as a horizontal bar coloured by its band, in org.yaml's order: in an
    open quarter the bar is the roll-up so far, its colour the band of its projected roll-up,
    marked by a diamond where it is projected to land; in a closed quarter, the roll-up grade.

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
        row: Row = {
            "unit": label,
            "score": rollup,
            "band": band or NO_BAND,
            "text": shown_score(rollup),
        }
        if unit.projected is not None and not result.quarter.closed:
            row["projected"] = unit.projected
        rows.append(row)
    quarter = result.quarter
    title = "Scores by unit"
    subtitle = f"{quarter.title}, as of {result.as_of.isoformat()}"
    if left_out:
        subtitle += f" · {len(drawn)} of {len(scored):,} units"

    base = alt.Chart(alt.InlineData(values=rows)).encode(
        y=alt.Y(
            "unit:N",
            sort=labels,
            # Left-aligned from a fixed margin: a browser's font wider than the one Vega measures
            # with runs on towards the bars, never off the drawing's left edge; a name longer
            # than the limit ends in "…" (the table below the chart has it whole).
            axis=alt.Axis(
                title=None, labelAlign="left", labelPadding=LABEL_AREA, labelLimit=LABEL_LIMIT
            ),
        ),
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(title="Roll-up")),
    )
    banded = [r for r in rows if r["band"] != NO_BAND]
    neutral = [r for r in rows if r["band"] == NO_BAND]
    bars = (
        [
            base.mark_bar(height=BAR_STEP - 8)
            .encode(color=band_colour())
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
    projected = [r for r in rows if "projected" in r]
    if projected:
        bars.append(
            alt.Chart(alt.InlineData(values=projected))
            .mark_point(shape="diamond", filled=True, size=70, style=PROJECTED_STYLE)
            .encode(y=alt.Y("unit:N", sort=labels), x=alt.X("projected:Q"))
        )
    rules = [] if setup else [threshold_rules(bands, "x")]
    chart = alt.layer(
        *rules,
        *bars,
        values,
        width=WIDTH - 160,
        height=alt.Step(BAR_STEP),
        title=chart_title(title, subtitle),
    )

    if rows and setup:
        description = (
            f"Roll-up score of each of {plural(len(scored), 'unit')} in {quarter.title}"
            f" as of {result.as_of.isoformat()}, on a scale from 0 to 1, in one neutral colour:"
            " the quarter is in its setup weeks, so no unit has a band yet."
        )
        description += f" {left_out}" if left_out else ""
    elif rows and quarter.closed:
        description = (
            f"Roll-up grade of each of {plural(len(scored), 'unit')} in {quarter.title},"
            " on a scale from 0 to 1, coloured by its band by its own thresholds; for committed"
            f" objectives red {band_range('red', bands)}, yellow {band_range('yellow', bands)},"
            f" green {band_range('green', bands)}."
        )
        description += f" {left_out}" if left_out else ""
    elif rows:
        description = (
            f"Roll-up score so far of each of {plural(len(scored), 'unit')} in {quarter.title}"
            f" as of {result.as_of.isoformat()}, on a scale from 0 to 1; a diamond marks where"
            " it is projected to land, and the bar's colour is the band of that projection by"
            " the unit's own thresholds (will it land?); for committed objectives red"
            f" {band_range('red', bands)}, yellow {band_range('yellow', bands)}, green"
            f" {band_range('green', bands)}."
        )
        description += f" {left_out}" if left_out else ""
    else:
        description = f"No unit has a score in {quarter.title} yet."
    table: tuple[tuple[str, ...], ...]
    head: tuple[str, ...]
    if quarter.closed:
        table = tuple((str(r["unit"]), str(r["text"]), str(r["band"])) for r in rows)
        head = ("Unit", "Roll-up grade", "Band")
    else:
        table = tuple(
            (
                str(r["unit"]),
                str(r["text"]),
                shown_score(float(str(r["projected"]))) if "projected" in r else "—",
                str(r["band"]),
            )
            for r in rows
        )
        head = ("Unit", "Roll-up so far", "Projected", "Band")
    return chart_of("unit-scores", title, description, chart, (head, *table))
