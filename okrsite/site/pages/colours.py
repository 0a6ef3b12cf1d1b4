"""Colour on the pages, by one rule: a colour is a band, and a band sits beside the figure it is
read from (score/landing.py): the projection in an open quarter, the final grade in a closed one.

The score so far is a number and a bar's length. Flags that are not bands (blocked, stale,
overdue, a confidence gap, a check's severity) are outlined, never filled with a band's colour.
Each figure a band is read from is a <data> element naming what it belongs to (data-of: a unit,
UNIT/OBJECTIVE or UNIT/OBJECTIVE/KR), so a reader's tools, and the tests, can check the colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from okrsite.model.numbers import shown_score
from okrsite.model.okrs import Bands
from okrsite.model.scores import Band, KeyResultResult, ObjectiveResult, UnitResult
from okrsite.score.landing import (
    STATUS_BANDS,
    Trouble,
    kr_band,
    kr_figure,
    objective_figure,
    unit_figure,
)
from okrsite.score.quarter import clamp
from okrsite.site.markup import html_text

STATUS_TONES: Mapping[str, str] = {
    **{str(status): str(band) for status, band in STATUS_BANDS.items()},
    "no-data": "grey",
    "early": "grey",
    "dropped": "grey",
}
"""The colour of each KR status's badge: the band it answers with, grey for the others."""

STATUS_WORDS = {
    "off-track": "off track",
    "at-risk": "at risk",
    "missed": "missed",
    "partial": "partial",
}
"""A troubling status as a sentence says it."""


def badge(tone: str, text: str) -> Markup:
    """A coloured badge that still says its text: colour alone would fail colour-blind readers."""
    return Markup(f'<span class="okrsite-badge okrsite-{tone}">{html_text(text)}</span>')


def flag(text: str) -> Markup:
    """A badge that is not a band: outlined in the text's colour, so no band colour means two
    things on a page."""
    return Markup(f'<span class="okrsite-badge okrsite-flag">{html_text(text)}</span>')


def band_key(band: str) -> Markup:
    """A band or a KR status as a category (KRs counted by band or status): the band itself,
    not a figure's."""
    tone = STATUS_TONES.get(band, band)
    return Markup(
        f'<span class="okrsite-badge okrsite-{tone}" data-band-key="">{html_text(band)}</span>'
    )


def figure(value: float | None, of: str, quarter: str = "") -> Markup:
    """A figure a band is read from, two decimals, marked with what it belongs to (and the
    quarter, where a page shows another quarter's); a dash when there is none."""
    if value is None:
        return Markup("—")
    other = f' data-quarter="{html_text(quarter)}"' if quarter else ""
    return Markup(
        f'<data value="{value:.6g}" data-of="{html_text(of)}"{other}>{shown_score(value)}</data>'
    )


def verdict(value: float | None, band: Band | None, of: str, quarter: str = "") -> Markup:
    """A figure with its band's badge beside it; the figure alone while it has no band."""
    shown = figure(value, of, quarter)
    return _together(shown, badge(band, band)) if band and value is not None else shown


def _together(shown: Markup, beside: Markup) -> Markup:
    """A figure and its badge, kept on one line: they are read together."""
    return Markup(f'<span class="okrsite-verdict">{shown} {beside}</span>')


def unit_verdict(unit: UnitResult, closed: bool) -> Markup:
    """A unit's projected roll-up (its roll-up grade, when closed) with its band."""
    return verdict(unit_figure(unit, closed), unit.band, unit.unit.id)


def objective_verdict(objective: ObjectiveResult, closed: bool) -> Markup:
    """An objective's projected score (its grade, when closed) with its band."""
    path = f"{objective.unit_id}/{objective.objective.id}"
    return verdict(objective_figure(objective, closed), objective.band, path)


def kr_verdict(kr: KeyResultResult) -> Markup:
    """A KR's figure (projected, done's score or final grade) with its status as a badge in the
    status's band; a status without a band (early, no data, dropped) stands alone in grey."""
    status = badge(STATUS_TONES.get(kr.status, "grey"), kr.status)
    value = kr_figure(kr)
    if kr_band(kr) is None or value is None:
        return status
    return _together(figure(value, kr.path), status)


MARK = "†"
"""Beside a band in a table whose thresholds are not the policy's; the legend below says why."""


def thresholds_note(thresholds: Bands | None, policy: Bands, aspirational: bool) -> Markup:
    """Where a colour's thresholds are not the policy's (an aspirational objective, or a unit
    whose roll-up holds some), the thresholds in words; nothing where they are the policy's."""
    if thresholds is None or thresholds == policy:
        return Markup("")
    why = "aspirational" if aspirational else "lowered for aspirational objectives"
    return Markup(
        f" ({why}: green from {shown_score(thresholds.green)},"
        f" red below {shown_score(thresholds.red)})"
    )


def thresholds_mark(thresholds: Bands | None, policy: Bands) -> Markup:
    """In a table's cell, a mark beside a band whose thresholds are not the policy's, which
    thresholds_legend explains below the table: a cell stays one line on a phone."""
    return Markup(MARK) if thresholds is not None and thresholds != policy else Markup("")


def thresholds_legend(
    rows: Sequence[tuple[str, Bands | None]], policy: Bands, aspirational: bool
) -> Markup:
    """The sentence under a table that says what its marks mean: each set of thresholds that
    is not the policy's, with the names (already escaped) of the rows that have it."""
    # As the pages print them: two units whose thresholds differ past the second decimal
    # read alike, so they share a clause.
    by_thresholds: dict[tuple[str, str], list[str]] = {}
    for name, thresholds in rows:
        if thresholds is not None and thresholds != policy:
            shown = (shown_score(thresholds.green), shown_score(thresholds.red))
            by_thresholds.setdefault(shown, []).append(name)
    if not by_thresholds:
        return Markup("")
    parts = [
        f"green from {green}, red below {red}" + ("" if aspirational else f" ({', '.join(names)})")
        for (green, red), names in by_thresholds.items()
    ]
    why = (
        "aspirational objectives"
        if aspirational
        else "units whose roll-up holds aspirational objectives"
    )
    return Markup(f"{MARK} Thresholds of {why}: {'; '.join(parts)}.")


def trouble_words(found: Trouble) -> Markup:
    """How many KRs are in trouble, worst first: "2 of 3 at risk", "1 of 9 off track, 2 at
    risk"; empty when none is."""
    if not found.any:
        return Markup("")
    parts = [f"{count} {STATUS_WORDS[status]}" for status, count in found.counts]
    first_count, _, first_words = parts[0].partition(" ")
    parts[0] = f"{first_count} of {found.total} {first_words}"
    return Markup(", ".join(parts))


def trouble_count(found: Trouble) -> Markup:
    """How many KRs are in trouble, for a table's cell: "3 of 12", or "0 of 12"."""
    count = sum(n for _, n in found.counts)
    return Markup(f"{count} of {found.total}") if found.total else Markup("—")


def bar(
    score: float | None,
    band: Band | None,
    thresholds: Bands | None,
    projected: float | None = None,
    of: str = "",
) -> Markup:
    """A score so far from 0 to 1 as a bar's length, in the colour of its band (by projection, or
    by grade when closed), the thresholds marked on it, and the projection as a diamond where the
    line of check-ins leads; `of` names what it is the bar of (see figure). Its label reads all
    of it out to a screen reader."""
    width = 0.0 if score is None else clamp(score) * 100
    words = [f"so far {shown_score(score)}" if score is not None else "no score yet"]
    if projected is not None:
        words.append(f"projected {shown_score(projected)}")
    words += [band] if band else []
    marks = ""
    if thresholds is not None:
        words.append(
            f"red below {shown_score(thresholds.red)}, green from {shown_score(thresholds.green)}"
        )
        marks = "".join(
            f'<span class="okrsite-mark" style="left: {clamp(t) * 100:.1f}%"></span>'
            for t in (thresholds.red, thresholds.green)
        )
    if projected is not None:
        marks += (
            f'<span class="okrsite-projected" style="left: {clamp(projected) * 100:.1f}%"></span>'
        )
    tone = band or "grey"
    fill = f'<span class="okrsite-fill okrsite-{tone}" style="width: {width:.1f}%"></span>'
    label = html_text("; ".join(words))
    named = f' data-of="{html_text(of)}"' if of else ""
    return Markup(
        f'<span class="okrsite-bar" role="img"{named} aria-label="{label}">{fill}{marks}</span>'
    )
