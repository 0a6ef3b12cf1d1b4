"""Charts: the SVG's marks, text alternative, tables, escaping, palettes and determinism."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import vl_convert
from hypothesis import given, settings
from hypothesis import strategies as st

from okrsite.load.repository import load_valid
from okrsite.model.numbers import approximate, shown
from okrsite.model.okrs import Bands, CheckIn, KeyResult, Objective, Org, Policy, Quarter, Unit
from okrsite.model.scores import (
    Band,
    KeyResultResult,
    ObjectiveResult,
    Projection,
    QuarterResult,
    UnitResult,
)
from okrsite.score.history import score_all
from okrsite.site.charts import (
    Chart,
    grade_distribution_chart,
    key_result_chart,
    org_history_chart,
    switches,
    unit_history_chart,
    unit_scores_chart,
)
from okrsite.site.charts import key_result as key_result_module
from okrsite.site.charts import render as renderer
from okrsite.site.charts.chart import TITLE_LIMIT, shorten
from okrsite.site.charts.palettes import DARK, DARK_FRAGMENT, LIGHT, dark_variant, themed
from okrsite.site.charts.svg import compact
from okrsite.site.charts.svg_check import check_svg
from okrsite.site.markup import single_line

SVG = "{http://www.w3.org/2000/svg}"
QUARTER = Quarter(id="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
CLOSED = Quarter(id="2026-Q3", start=date(2026, 7, 1), end=date(2026, 9, 30), status="closed")
XSS_TITLE = '</text><script>alert(1)</script> "><img src=x onerror=alert(1)>'


# --- Building results by hand (score/quarter.py is tested on its own) -------------------------


def kr_result(
    key_result: KeyResult,
    values: list[tuple[date, float]],
    projection: Projection | None = None,
    grade: float | None = None,
    score: float = 0.5,
) -> KeyResultResult:
    """A KR result with these counted check-ins; figures not drawn are placeholders."""
    counted = tuple(CheckIn(day, f"delivery/{key_result.id}", value) for day, value in values)
    return KeyResultResult(
        unit_id="payments",
        objective_id="delivery",
        key_result=key_result,
        counted=counted,
        value=values[-1][1] if values else None,
        score=score,
        progress=None,
        projection=projection,
        projected_score=None,
        status="on-track" if values else "no-data",
        trend=None,
        stale=False,
        confidence=None,
        grade=grade,
    )


LEAD_TIME = KeyResult(
    id="lead-time",
    title="Reduce median lead time for changes from 12 days to 5 days",
    owner="Sam Lee",
    measurement="Deployment pipeline",
    unit="days",
    baseline=12,
    target=5,
)
METRIC = kr_result(
    LEAD_TIME,
    [(date(2026, 10, 15), 10), (date(2026, 11, 15), 8)],
    # The line through (0, 12), (14, 10), (45, 8): what score.project gives; end at day 91.
    Projection(slope=-0.0832, intercept=11.72, end_value=11.72 - 0.0832 * 91),
)
GUARDRAIL = kr_result(
    KeyResult(
        id="change-failure-rate",
        kind="guardrail",
        title="Keep change failure rate below 5%",
        owner="Sam Lee",
        measurement="Incident tracker",
        unit="%",
        baseline=4.2,
        max=5,
    ),
    [(date(2026, 10, 15), 4.0), (date(2026, 11, 1), 5.5), (date(2026, 11, 20), 4.6)],
)
MILESTONE = kr_result(
    KeyResult(
        id="runbooks",
        kind="milestone",
        title="Every tier-1 service has a tested runbook",
        owner="Ana Silva",
        measurement="Runbook review checklist",
    ),
    [(date(2026, 10, 20), 30), (date(2026, 11, 20), 55)],
    Projection(slope=0.6, intercept=0.0, end_value=54.6),
)


def unit_result(unit_id: str, name: str, rollup: float | None, band: Band | None) -> UnitResult:
    """A unit's result with no objectives of its own."""
    return UnitResult(Unit(unit_id, name, "team", "eng"), rollup, rollup, band, ())


def quarter_result(
    quarter: Quarter, units: tuple[UnitResult, ...], krs: tuple[KeyResultResult, ...] = ()
) -> QuarterResult:
    """A quarter's result; its KRs hang off one objective of the first unit."""
    if krs:
        objective = Objective("delivery", "Ship faster", tuple(k.key_result for k in krs))
        first = units[0]
        units = (
            UnitResult(
                first.unit,
                first.score,
                first.rollup,
                first.band,
                (ObjectiveResult(first.unit.id, objective, 0.5, "yellow", krs),),
            ),
            *units[1:],
        )
    return QuarterResult(quarter, date(2026, 11, 27), 0.6, "yellow", units)


UNITS = (
    unit_result("eng", "Engineering", 0.61, "yellow"),
    unit_result("platform", "Platform", 0.8, "green"),
    unit_result("empty", "Empty", None, None),
    unit_result("payments", "Payments", 0.3, "red"),
)


# --- Reading the SVG -----------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    """The SVG as an element tree; fails the test on anything that is not well-formed XML."""
    return ET.fromstring(svg)


def aria_labels(svg: str) -> list[str]:
    """Every aria-label in the SVG: Vega labels each mark with its data."""
    return [e.attrib["aria-label"] for e in parse(svg).iter() if "aria-label" in e.attrib]


def axis_labels(svg: str, axis: str) -> list[str]:
    """The tick labels of the 'X' or 'Y' axis."""
    for group in parse(svg).iter(f"{SVG}g"):
        if group.attrib.get("aria-label", "").startswith(f"{axis}-axis"):
            return [
                "".join(t.itertext())
                for labels in group.iter(f"{SVG}g")
                if "role-axis-label" in labels.attrib.get("class", "")
                for t in labels.iter(f"{SVG}text")
            ]
    raise AssertionError(f"no {axis} axis")


def texts(svg: str, role: str) -> list[str]:
    """The text of every <text> in the mark groups of a Vega role, e.g. 'title-text'."""
    found: list[str] = []
    for group in parse(svg).iter(f"{SVG}g"):
        if f"role-{role}" in group.attrib.get("class", "").split():
            found += ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
    return found


@pytest.fixture(scope="module")
def metric_chart() -> Chart:
    return key_result_chart(METRIC, QUARTER)


@pytest.fixture(scope="module")
def guardrail_chart() -> Chart:
    return key_result_chart(GUARDRAIL, QUARTER)


@pytest.fixture(scope="module")
def xss_chart() -> Chart:
    kr = replace(LEAD_TIME, title=XSS_TITLE, unit=XSS_TITLE)
    return key_result_chart(kr_result(kr, [(date(2026, 10, 15), 10)]), QUARTER)


# --- Key result charts ----------------------------------------------------------------------


def test_metric_chart_has_a_text_alternative(metric_chart: Chart) -> None:
    root = parse(metric_chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "graphics-document"
    assert root.attrib["aria-label"] == LEAD_TIME.title
    assert root.findtext(f"{SVG}title") == LEAD_TIME.title
    assert root.findtext(f"{SVG}desc") == metric_chart.description
    assert metric_chart.slug == "kr-payments.delivery.lead-time"
    assert metric_chart.description == (
        "Reduce median lead time for changes from 12 days to 5 days: 2 check-ins in 2026 Q4,"
        " a quarter that runs from 2026-10-01 to 2026-12-31, latest 8 days on 2026-11-15,"
        " against a baseline of 12 days and a target of 5 days; at this pace it reaches about"
        " 4.15 days when the quarter ends."
    )


def test_metric_chart_draws_checkins_baseline_target_and_projection(metric_chart: Chart) -> None:
    labels = aria_labels(metric_chart.svg)
    assert "value: 12; series: Baseline" in labels
    assert "value: 5; series: Target" in labels
    assert "date: Oct 15; value: 10; series: Check-ins" in labels
    assert "date: Nov 15; value: 8; series: Check-ins" in labels
    # The projection is one line from day 0 (the intercept) to day 91: Vega labels its start.
    assert "date: Oct 1; value: 11.72; series: Projection" in labels
    # No drawn title: the KR's heading stands above the chart on its page; <title> names it.
    assert texts(metric_chart.svg, "title-text") == []
    # Each line is labelled where it is drawn, with no legend to look aside to.
    assert texts(metric_chart.svg, "legend-label") == []
    assert sorted(texts(metric_chart.svg, "mark")) == ["Baseline 12", "Projection", "Target 5"]


def test_metric_chart_table_holds_the_numbers(metric_chart: Chart) -> None:
    assert metric_chart.table == (
        ("Series", "Date", "Value"),
        ("Check-ins", "2026-10-15", "10"),
        ("Check-ins", "2026-11-15", "8"),
        ("Baseline", "", "12"),
        ("Target", "", "5"),
        ("Projection", "2026-10-01", "11.72"),
        ("Projection", "2026-12-31", "4.149"),  # 11.72 - 0.0832 * 91 = 4.1488
    )


def test_guardrail_chart_draws_bounds_and_held_or_breached_points(guardrail_chart: Chart) -> None:
    labels = aria_labels(guardrail_chart.svg)
    assert "value: 5; series: Max" in labels
    assert "value: 4.2; series: Baseline" in labels
    assert "date: Oct 15; value: 4; series: Held" in labels
    assert "date: Nov 1; value: 5.5; series: Breached" in labels
    assert "date: Nov 20; value: 4.6; series: Held" in labels
    assert not any("Projection" in label for label in labels)
    # Its bounds are labelled on the lines; the legend says which colour of point held.
    assert sorted(texts(guardrail_chart.svg, "mark")) == ["Baseline 4.2", "Max 5"]
    assert texts(guardrail_chart.svg, "legend-label") == ["Held", "Breached"]
    assert "2 of 3 within the guardrail of at most 5 %" in guardrail_chart.description
    assert guardrail_chart.table[1:] == (
        ("Held", "2026-10-15", "4"),
        ("Breached", "2026-11-01", "5.5"),
        ("Held", "2026-11-20", "4.6"),
        ("Baseline", "", "4.2"),
        ("Max", "", "5"),
    )


def test_guardrail_with_both_bounds_draws_min_and_max() -> None:
    kr = KeyResult(
        id="uptime", kind="guardrail", title="Uptime", owner="a", measurement="m", min=99, max=100
    )
    chart = key_result_chart(kr_result(kr, [(date(2026, 10, 5), 98.5)]), QUARTER)
    labels = aria_labels(chart.dark_svg)
    assert "value: 99; series: Min" in labels
    assert "value: 100; series: Max" in labels
    assert "date: Oct 5; value: 98.5; series: Breached" in labels
    assert "0 of 1 within the guardrail between 99 and 100" in chart.description


def test_milestone_chart_runs_from_0_to_100_percent() -> None:
    chart = key_result_chart(MILESTONE, QUARTER)
    labels = aria_labels(chart.svg)
    assert "Y-axis titled '% complete' for a linear scale with values from 0 to 100" in labels
    assert "date: Oct 1; value: 0; series: Projection" in labels
    assert not any("Baseline" in label or "Target" in label for label in labels)
    assert chart.table[-1] == ("Projection", "2026-12-31", "54.6")
    assert chart.description.endswith("it reaches about 54.6 % when the quarter ends.")


def test_kr_without_checkins_still_draws_baseline_and_target() -> None:
    chart = key_result_chart(kr_result(LEAD_TIME, []), QUARTER)
    assert chart.table == (("Series", "Date", "Value"), ("Baseline", "", "12"), ("Target", "", "5"))
    assert "0 check-ins in 2026 Q4, a quarter that runs from 2026-10-01 to 2026-12-31, against" in (
        chart.description
    )
    parse(chart.svg)


def test_long_titles_are_cut_in_the_drawing_but_kept_whole_in_the_text() -> None:
    long_name = "Northwind " + "and all of its engineering teams near and far " * 3
    chart = org_history_chart(Org(long_name, ()), [("2026-Q3", 0.5)])
    long_title = f"{long_name} across quarters"
    (drawn,) = texts(chart.svg, "title-text")
    assert len(drawn) <= TITLE_LIMIT and drawn.endswith("…")
    assert long_title.startswith(drawn[:-1])
    assert chart.title == single_line(long_title)
    assert parse(chart.svg).findtext(f"{SVG}title") == single_line(long_title)


# --- Untrusted text -------------------------------------------------------------------------


def assert_inert(svg: str) -> None:
    """No element but SVG's own, and no event-handler or link attribute."""
    for element in parse(svg).iter():
        assert element.tag.startswith(SVG), element.tag
        assert element.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}a")
        for name in element.attrib:
            assert not name.lower().startswith("on"), name
            assert "href" not in name, name
    assert "<script" not in svg and "<img" not in svg


def test_markup_in_titles_is_escaped(xss_chart: Chart) -> None:
    for svg in (xss_chart.svg, xss_chart.dark_svg):
        assert_inert(svg)
        assert parse(svg).attrib["aria-label"] == XSS_TITLE
        assert parse(svg).findtext(f"{SVG}title") == XSS_TITLE
    # And where a title is drawn: the org history's, from the org's name.
    drawn = org_history_chart(Org(XSS_TITLE, ()), [("2026-Q3", 0.5)])
    for svg in (drawn.svg, drawn.dark_svg):
        assert_inert(svg)
        assert texts(svg, "title-text") == [shorten(f"{XSS_TITLE} across quarters")]


def test_names_that_look_like_fields_or_expressions_are_shown_verbatim() -> None:
    names = ["datum.score + alert(1)", "a.b[0]", "${'x'}", '"><img src=x onerror=alert(1)>']
    units = tuple(
        unit_result(f"u{i}", name, 0.5, "yellow") for i, name in enumerate(names, start=1)
    )
    chart = unit_scores_chart(quarter_result(QUARTER, units))
    assert_inert(chart.svg)
    assert axis_labels(chart.svg, "Y") == names
    assert [row[0] for row in chart.table[1:]] == names


def test_control_characters_in_user_text_leave_valid_xml() -> None:
    kr = KeyResult(
        id="x", kind="milestone", title="a\x00b\x1bc\ttab\nline", owner="a", measurement="m\x07"
    )
    chart = key_result_chart(kr_result(kr, []), QUARTER)
    assert chart.title == "a b c tab line"
    parse(chart.svg)


def test_no_url_but_the_svg_namespaces(metric_chart: Chart, guardrail_chart: Chart) -> None:
    for chart in (metric_chart, guardrail_chart):
        for svg in (chart.svg, chart.dark_svg):
            assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= {
                "http://www.w3.org/2000/svg",
                "http://www.w3.org/1999/xlink",
            }
            assert "url(" not in svg and "@import" not in svg
            # One id, the root's, which #only-dark targets; none inside to collide with.
            assert re.findall(r' id="([^"]*)"', svg) == [DARK_FRAGMENT]


# --- Palettes and determinism ---------------------------------------------------------------


def test_light_and_dark_differ_in_background_and_text(metric_chart: Chart) -> None:
    for svg, palette in ((metric_chart.svg, LIGHT), (metric_chart.dark_svg, DARK)):
        background = parse(svg).find(f"{SVG}rect")
        assert background is not None and background.attrib["fill"] == palette.background
        fills = {t.attrib.get("fill") for t in parse(svg).iter(f"{SVG}text")}
        assert palette.text in fills
    assert metric_chart.svg != metric_chart.dark_svg


def every_kind_of_chart() -> list[Chart]:
    """One chart of each kind this module draws, with every series a palette colours."""
    units = (
        unit_result("eng", "Engineering", 0.82, "green"),
        unit_result("platform", "Platform", 0.55, "yellow"),
        unit_result("payments", "Payments", 0.21, "red"),
    )
    closed = quarter_result(CLOSED, units)
    return [
        key_result_chart(METRIC, QUARTER),
        key_result_chart(GUARDRAIL, QUARTER),
        unit_scores_chart(quarter_result(QUARTER, units)),
        unit_history_chart(units[0].unit, [("2026-Q3", 0.3), ("2026-Q4", 0.8)]),
        org_history_chart(Org("Acme", ()), SO_FAR_HISTORY, point_bands=SO_FAR_BANDS, so_far=OPEN),
        grade_distribution_chart(closed),
    ]


def test_the_dark_variant_equals_rendering_in_the_dark_palette(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Record each spec as the module renders it (the real renderer still runs), then render it
    # again in the dark palette: swapping colours must give exactly that, byte for byte.
    # Every chart from its Vega-Lite spec (no compiled templates: tests below prove them equal).
    specs: list[tuple[dict[str, object], str, str]] = []
    render = renderer.render

    def recording(spec: dict[str, object], palette: object, title: str, text: str) -> str:
        specs.append((spec, title, text))
        return str(render(spec, palette, title, text))  # type: ignore[arg-type]

    monkeypatch.setattr(renderer, "render", recording)
    monkeypatch.setattr(switches, "TEMPLATED", False)
    drawn = every_kind_of_chart()
    monkeypatch.undo()
    assert len(specs) == len(drawn)
    for (spec, title, text), chart in zip(specs, drawn, strict=True):
        light, dark = render(spec, LIGHT, title, text), render(spec, DARK, title, text)
        assert dark_variant(light) == dark, chart.slug
        assert chart.svg == compact(themed(light))
        # What the dark scheme shows is the dark rendering, compacted the same way.
        assert chart.dark_svg == compact(themed(dark)).replace(
            style(compact(themed(dark))), style(chart.svg)
        )


def style(svg: str) -> str:
    """The <style> element of a themed SVG."""
    (found,) = re.findall(r"<style>.*?</style>", svg)
    return str(found)


def test_one_svg_carries_both_schemes_as_css_on_its_only_dark_fragment() -> None:
    light_to_dark = {
        getattr(LIGHT, f): getattr(DARK, f) for f in LIGHT.__dataclass_fields__ if f != "name"
    }
    for chart in every_kind_of_chart():
        root = parse(chart.svg)
        assert root.attrib["id"] == DARK_FRAGMENT
        sheet = style(chart.svg).removeprefix("<style>").removesuffix("</style>")
        font, _, colours = sheet.partition("}")
        assert font == "text{font-family:Liberation Sans, Arial, Helvetica, sans-serif"
        rule = re.compile(r':target \[(fill|stroke)="(#[0-9a-f]{6})"\]\{\1:(#[0-9a-f]{6})\}')
        rules = rule.findall(colours)
        assert rule.sub("", colours) == ""  # nothing in the sheet but those rules
        # A rule for each light colour the chart uses, giving the dark palette's colour; the
        # background among them, so a dark page never shows a white box.
        drawing = chart.svg.split("</style>")[1]
        used = set(re.findall(r' (?:fill|stroke)="(#[0-9a-f]{6})"', drawing))
        assert {a for _, a, _ in rules} == used & set(light_to_dark)
        assert all(light_to_dark[a] == b for _, a, b in rules)
        assert ("fill", LIGHT.background, DARK.background) in rules


def test_compact_svg_draws_what_vega_drew(monkeypatch: pytest.MonkeyPatch) -> None:
    # Record Vega's own SVG of each chart, then compare it with the published one element by
    # element: same elements in the same order, the same attributes but those an image never
    # uses, numbers within 0.005 px, and the labels' font moved to the style sheet.
    rendered: list[str] = []
    render, render_vega = renderer.render, renderer.render_vega

    def recording(spec: dict[str, object], palette: object, title: str, text: str) -> str:
        svg = str(render(spec, palette, title, text))  # type: ignore[arg-type]
        rendered.append(svg)
        return svg

    def recording_vega(spec: dict[str, object], title: str, text: str) -> str:
        svg = str(render_vega(spec, title, text))
        rendered.append(svg)
        return svg

    monkeypatch.setattr(renderer, "render", recording)
    monkeypatch.setattr(renderer, "render_vega", recording_vega)
    drawn = every_kind_of_chart()
    monkeypatch.undo()
    unused = {"pointer-events", "opacity", "aria-hidden", "aria-roledescription", "font-family"}
    for vega, chart in zip(rendered, drawn, strict=True):
        assert len(chart.svg) < 0.75 * len(themed(vega)), chart.slug
        before = [
            e
            for e in parse(vega).iter()
            if not (e.tag == f"{SVG}path" and e.attrib.get("d", "") in ("", "M0,0h0v0h0Z"))
        ]
        after = [e for e in parse(chart.svg).iter() if e.tag != f"{SVG}style"]
        assert [e.tag for e in before] == [e.tag for e in after], chart.slug
        for old, new in zip(before, after, strict=True):
            assert (old.text, old.tail) == (new.text, new.tail)
            kept = {
                k: v
                for k, v in old.attrib.items()
                if k not in unused and v not in ("graphics-object", "graphics-symbol")
            }
            if old.attrib.get("opacity", "1") != "1":
                kept["opacity"] = old.attrib["opacity"]
            new_attributes = {k: v for k, v in new.attrib.items() if k != "id"}
            assert kept.keys() == new_attributes.keys(), chart.slug
            for name, value in kept.items():
                assert numbers_close(value, new_attributes[name]), (name, value)


def numbers_close(old: str, new: str) -> bool:
    """Whether two attribute values are the same but for numbers rounded to 2 places."""
    number = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
    if re.sub(number, "#", old) != re.sub(number, "#", new):
        return False
    pairs = zip(re.findall(number, old), re.findall(number, new), strict=True)
    return all(abs(float(a) - float(b)) <= 0.005 for a, b in pairs)


def test_same_input_gives_byte_identical_svg(metric_chart: Chart) -> None:
    again = key_result_chart(METRIC, QUARTER)
    assert again == metric_chart


def test_output_does_not_depend_on_the_time_zone(metric_chart: Chart) -> None:
    # Dates are UTC throughout; a process far from UTC must draw the same bytes.
    script = (
        "import sys; from tests.test_charts import METRIC, QUARTER;"
        "from okrsite.site.charts import key_result_chart;"
        "sys.stdout.write(key_result_chart(METRIC, QUARTER).svg)"
    )
    root = Path(__file__).resolve().parent.parent
    # West of UTC is where a date-only string, read as UTC midnight, would show the day before.
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env={"TZ": "America/Los_Angeles", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == metric_chart.svg


# --- Units, history, grades -----------------------------------------------------------------


def test_unit_scores_skip_unscored_units_and_keep_org_order() -> None:
    chart = unit_scores_chart(quarter_result(QUARTER, UNITS), bands=Bands(red=0.35, green=0.75))
    assert chart.slug == "unit-scores"
    # An open quarter: the roll-up so far, the projection (none made here), the band.
    assert chart.table == (
        ("Unit", "Roll-up so far", "Projected", "Band"),
        ("Engineering", "0.61", "—", "yellow"),
        ("Platform", "0.80", "—", "green"),
        ("Payments", "0.30", "—", "red"),
    )
    labels = aria_labels(chart.svg)
    assert "score: 0.61; unit: Engineering; band: yellow" in labels
    assert "score: 0.3; unit: Payments; band: red" in labels
    # The policy's thresholds are the two rules along the score axis.
    assert "score: 0.35" in labels and "score: 0.75" in labels
    assert axis_labels(chart.svg, "Y") == ["Engineering", "Platform", "Payments"]
    assert "red below 0.35, yellow 0.35 to below 0.75, green 0.75 and above" in chart.description


def test_units_with_one_name_are_told_apart_by_id() -> None:
    units = (unit_result("a", "Core", 0.5, "yellow"), unit_result("b", "Core", 0.9, "green"))
    chart = unit_scores_chart(quarter_result(QUARTER, units))
    assert [row[0] for row in chart.table[1:]] == ["Core (a)", "Core (b)"]


def test_long_unit_names_start_inside_the_drawing_and_end_in_an_ellipsis() -> None:
    long_name = "Northwind Engineering Platform Reliability and Developer Experience"
    units = (
        unit_result("a", "Northwind Engineering", 0.6, "yellow"),
        unit_result("b", long_name, 0.9, "green"),
    )
    chart = unit_scores_chart(quarter_result(QUARTER, units))
    shown = axis_labels(chart.svg, "Y")
    assert shown[0] == "Northwind Engineering"
    # Cut at the end, never at the start; the table keeps the whole name.
    assert shown[1].endswith("…") and long_name.startswith(shown[1][:-1])
    assert chart.table[2][0] == long_name
    # Left-aligned from the drawing's left edge: a wider font in a browser runs towards the bars.
    plot = re.search(
        r'<g fill="none" stroke-miterlimit="10" transform="translate\((\d+)', chart.svg
    )
    labels = re.findall(r'<text text-anchor="start" transform="translate\((-\d+),', chart.svg)
    assert plot is not None and len(labels) >= 2
    assert all(0 <= int(plot.group(1)) + int(x) <= 10 for x in labels[:2])


def test_no_scored_unit_gives_an_empty_chart() -> None:
    chart = unit_scores_chart(quarter_result(QUARTER, (unit_result("a", "A", None, None),)))
    assert chart.table == (("Unit", "Roll-up so far", "Projected", "Band"),)
    assert chart.description == "No unit has a score in 2026 Q4 yet."
    parse(chart.svg)


def test_unit_history_skips_missing_quarters_oldest_first() -> None:
    unit = Unit("platform", "Platform", "group", "eng")
    points = [("2026-Q1", 0.35), ("2026-Q2", None), ("2026-Q3", 0.5), ("2026-Q4", 0.8)]
    chart = unit_history_chart(unit, points)
    assert chart.slug == "unit-platform-history"
    assert chart.table == (
        ("Quarter", "Roll-up", "Band", "Kind"),
        ("2026-Q1", "0.35", "red", "final grade"),
        ("2026-Q3", "0.50", "yellow", "final grade"),
        ("2026-Q4", "0.80", "green", "final grade"),
    )
    assert axis_labels(chart.svg, "X") == ["2026-Q1", "2026-Q3", "2026-Q4"]
    assert chart.description == (
        "Roll-up score of Platform in 3 quarters, from 2026-Q1 (0.35) to 2026-Q4 (0.80),"
        " on a scale from 0 to 1."
    )


def test_org_history_uses_the_org_policy_bands() -> None:
    org = Org("Acme <Eng>", (), Policy(bands=Bands(red=0.5, green=0.9)))
    chart = org_history_chart(org, [("2026-Q3", 0.45), ("2026-Q4", 0.85)])
    assert chart.slug == "org-history"
    assert chart.title == "Acme <Eng> across quarters"
    assert chart.table[1:] == (
        ("2026-Q3", "0.45", "red", "final grade"),
        ("2026-Q4", "0.85", "yellow", "final grade"),
    )
    assert_inert(chart.dark_svg)


OPEN = ("2026 Q4 (so far)",)
SO_FAR_HISTORY = [
    ("2026 Q1", 0.62),
    ("2026 Q2", 0.71),
    ("2026 Q3", 0.66),
    ("2026 Q4 (so far)", 0.31),
]
SO_FAR_BANDS: dict[str, Band | None] = {
    "2026 Q1": "yellow",
    "2026 Q2": None,
    "2026 Q3": "yellow",
    "2026 Q4 (so far)": "red",
}


def symbols(svg: str) -> list[dict[str, str]]:
    """The attributes of every point drawn, layer by layer, in the order drawn."""
    return [
        path.attrib
        for group in parse(svg).iter(f"{SVG}g")
        if {"mark-symbol", "role-mark"} <= set(group.attrib.get("class", "").split())
        for path in group.iter(f"{SVG}path")
    ]


def dashed_lines(svg: str) -> list[dict[str, str]]:
    """The attributes of every dashed line mark (not the thresholds' rules, not the axes)."""
    return [
        path.attrib
        for group in parse(svg).iter(f"{SVG}g")
        if {"mark-line", "role-mark"} <= set(group.attrib.get("class", "").split())
        for path in group.iter(f"{SVG}path")
        if "stroke-dasharray" in path.attrib
    ]


def test_a_score_so_far_is_drawn_hollow_after_a_dashed_line() -> None:
    org = Org("Acme", ())
    chart = org_history_chart(org, SO_FAR_HISTORY, point_bands=SO_FAR_BANDS, so_far=OPEN)
    for svg, palette in ((chart.svg, LIGHT), (chart.dark_svg, DARK)):
        check_svg(svg)
        # The solid line joins the final grades only; a dashed one the last grade to the score.
        (dashed,) = dashed_lines(svg)
        assert dashed["aria-label"] == "quarter: 2026 Q3; score: 0.66"
        assert dashed["d"].count("L") == 1
        (solid,) = [
            p.attrib
            for g in parse(svg).iter(f"{SVG}g")
            if {"mark-line", "role-mark"} <= set(g.attrib.get("class", "").split())
            for p in g.iter(f"{SVG}path")
            if "stroke-dasharray" not in p.attrib
        ]
        assert solid["d"].count("L") == 2  # three final grades
        # Graded points are filled, in their band's colour or neutral; the score so far is a
        # ring in its band's colour over the background's colour.
        drawn = symbols(svg)
        graded = [p for p in drawn if "so far" not in p.get("aria-label", "so far")]
        assert [p["fill"] for p in graded] == [palette.yellow, palette.yellow, palette.muted]
        *_, backdrop, ring = drawn
        assert "aria-label" not in backdrop and backdrop["fill"] == palette.background
        assert ring["aria-label"] == "quarter: 2026 Q4 (so far); score: 0.31; band: red"
        assert ring["stroke"] == palette.red and "fill" not in ring  # the root's fill: none
        assert backdrop["transform"] == ring["transform"]
    # The text alternative and the table say which is a score so far.
    assert chart.description.endswith(
        " The point of 2026 Q4 (so far) is a score so far, not a final grade;"
        " the others are final grades."
    )
    assert chart.table == (
        ("Quarter", "Roll-up", "Band", "Kind"),
        ("2026 Q1", "0.62", "yellow", "final grade"),
        ("2026 Q2", "0.71", "—", "final grade"),
        ("2026 Q3", "0.66", "yellow", "final grade"),
        ("2026 Q4 (so far)", "0.31", "red", "so far"),
    )


def test_without_a_score_so_far_every_point_is_a_filled_grade_on_one_line() -> None:
    org = Org("Acme", ())
    for so_far in ((), ("2025 Q4",)):  # a label no point has changes nothing
        chart = org_history_chart(org, SO_FAR_HISTORY, point_bands=SO_FAR_BANDS, so_far=so_far)
        assert dashed_lines(chart.svg) == []
        assert all("fill" in p for p in symbols(chart.svg))
        assert "not a final grade" not in chart.description
        assert {row[3] for row in chart.table[1:]} == {"final grade"}
        assert chart == org_history_chart(org, SO_FAR_HISTORY, point_bands=SO_FAR_BANDS)


def test_a_first_quarter_with_only_a_score_so_far_draws_one_hollow_point() -> None:
    unit = Unit("platform", "Platform", "group", "eng")
    chart = unit_history_chart(unit, [("2026 Q4 (so far)", 0.55)], so_far=OPEN)
    check_svg(chart.svg)
    assert dashed_lines(chart.svg) == []
    backdrop, ring = symbols(chart.svg)
    assert backdrop["fill"] == LIGHT.background and ring["stroke"] == LIGHT.yellow
    assert "fill" not in ring
    assert chart.description == (
        "Roll-up score of Platform in 1 quarter, 2026 Q4 (so far): 0.55, on a scale from 0 to 1."
        " The point of 2026 Q4 (so far) is a score so far, not a final grade."
    )
    assert chart.table[1:] == (("2026 Q4 (so far)", "0.55", "yellow", "so far"),)


def test_eight_quarters_labels_fit_with_the_score_so_far_on_two_lines() -> None:
    scores = [0.5, 0.55, 0.72, 0.38, 0.62, 0.71, 0.66, 0.31]
    labels = [f"{2025 + i // 4} Q{i % 4 + 1}" for i in range(8)]
    labels[-1] += " (so far)"
    chart = org_history_chart(Org("Acme", ()), list(zip(labels, scores, strict=True)), so_far=OPEN)
    assert labels[-1] == OPEN[0]
    assert axis_labels(chart.svg, "X") == [*labels[:-1], "2026 Q4(so far)"]
    (axis,) = [g for g in parse(chart.svg).iter(f"{SVG}g") if "X-axis" in g.get("aria-label", "")]
    drawn = [
        t
        for g in axis.iter(f"{SVG}g")
        if "role-axis-label" in g.get("class", "")
        for t in g.iter(f"{SVG}text")
    ]
    assert [t.text for t in drawn[-1]] == ["2026 Q4", "(so far)"]  # two <tspan> lines
    # 70 px a quarter; no line is longer than "(so far)", under 50 px at 11 px Liberation Sans.
    xs = [float(re.findall(r"translate\(([\d.]+)", t.attrib["transform"])[0]) for t in drawn]
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 70
    lines = [line for t in drawn for line in (t.itertext())]
    assert max(map(len, lines)) <= len("(so far)")


def test_a_score_so_far_draws_the_same_bytes_whatever_collection_names_it() -> None:
    org = Org("Acme", ())
    first = org_history_chart(org, SO_FAR_HISTORY, so_far=OPEN)
    assert org_history_chart(org, SO_FAR_HISTORY, so_far=frozenset(OPEN)) == first
    assert org_history_chart(org, SO_FAR_HISTORY, so_far=list(OPEN)) == first


def test_grade_distribution_counts_final_grades_per_band() -> None:
    finals = [0.2, 0.5, 0.69, 0.7, 1.0]  # bands 0.4 / 0.7: red 1, yellow 2, green 2
    krs = tuple(
        kr_result(replace(LEAD_TIME, id=f"kr{i}"), [], grade=g) for i, g in enumerate(finals)
    )
    chart = grade_distribution_chart(quarter_result(CLOSED, UNITS, krs))
    assert chart.table == (
        ("Band", "Scores (committed)", "Key results"),
        ("red", "below 0.40", "1"),
        ("yellow", "0.40 to below 0.70", "2"),
        ("green", "0.70 and above", "2"),
    )
    assert "band: red; count: 1; text: 1" in aria_labels(chart.svg)
    assert chart.description.startswith("The final grades of 5 key results in 2026 Q3 by band")


def test_grade_distribution_of_an_open_quarter_counts_current_scores() -> None:
    krs = (kr_result(LEAD_TIME, [], score=0.1),)
    chart = grade_distribution_chart(quarter_result(QUARTER, UNITS, krs))
    assert chart.table[1] == ("red", "below 0.40", "1")
    assert chart.title == "Key results by score band"


def test_kr_slugs_stay_apart_when_ids_hold_hyphens() -> None:
    one = replace(kr_result(LEAD_TIME, []), unit_id="payments-api", objective_id="x")
    two = replace(kr_result(LEAD_TIME, []), unit_id="payments", objective_id="api-x")
    slugs = {key_result_chart(r, QUARTER).slug for r in (one, two)}
    assert slugs == {"kr-payments-api.x.lead-time", "kr-payments.api-x.lead-time"}


def test_a_non_slug_id_is_refused() -> None:
    result = kr_result(LEAD_TIME, [])
    bad = replace(result, unit_id="../etc")
    with pytest.raises(ValueError, match="not a slug"):
        key_result_chart(bad, QUARTER)


# --- Text helpers ---------------------------------------------------------------------------


def test_number_keeps_three_decimals_and_no_exponent() -> None:
    assert [shown(v) for v in (12.0, 7.8333333, -0.0001, 1e7, 0.5)] == [
        "12",
        "7.833",
        "0",
        "10000000",
        "0.5",
    ]


@given(st.text(max_size=300), st.integers(min_value=10, max_value=120))
def test_shorten_fits_and_keeps_a_prefix(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    whole = single_line(text)
    assert short == whole or (short.endswith("…") and whole.startswith(short[:-1]))


@settings(max_examples=10, deadline=None)
@given(st.text(max_size=120))
def test_any_title_gives_well_formed_inert_svg(title: str) -> None:
    kr = KeyResult(id="any", kind="milestone", title=title, owner="a", measurement=title)
    chart = key_result_chart(kr_result(kr, [(date(2026, 11, 1), 40)]), QUARTER)
    assert_inert(chart.svg)
    assert parse(chart.svg).findtext(f"{SVG}title") == single_line(title)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (4.758, "4.76"),
        (54.6, "54.6"),
        (12.345, "12.3"),
        (1234.5, "1234"),
        (0.01234, "0.012"),
        (-4.758, "-4.76"),
        (0.0, "0"),
    ],
)
def test_projected_values_are_rounded_to_three_significant_figures(value: float, text: str) -> None:
    assert approximate(value) == text


def test_a_kr_spec_from_its_template_is_the_spec_altair_gives_for_it() -> None:
    # Every KR of the demo, each quarter, and the fixtures' KRs: filled-in templates must be
    # Altair's own spec for the KR, key for key and in the same order.
    shapes = set()
    for result, quarter in _kr_cases():
        parts = key_result_module._kr_parts(result, quarter)
        shapes.add(parts.shape)
        direct = key_result_module.kr_altair_chart(parts, quarter).to_dict(validate=True)
        templated = key_result_module.kr_spec(parts, quarter)
        assert json.dumps(templated) == json.dumps(direct), result.path
    assert len(shapes) >= 5  # metrics, guardrails, milestones, with and without projections


def _kr_cases() -> list[tuple[KeyResultResult, Quarter]]:
    """Every KR of the demo in each quarter, and the fixtures' KRs of every kind."""
    root = Path(__file__).resolve().parent.parent
    repository = load_valid(root)
    results = score_all(repository, None, date(2026, 11, 27))
    cases = [(kr, r.quarter) for r in results for kr in r.key_results()]
    cases += [(METRIC, QUARTER), (GUARDRAIL, QUARTER), (METRIC, CLOSED)]
    cases += [(kr_result(replace(LEAD_TIME, id="empty"), []), QUARTER)]
    return cases


def test_a_kr_chart_s_vega_from_its_template_is_what_vega_lite_compiles_for_it() -> None:
    # The compiled template, filled in, must be the Vega that vl-convert compiles from the
    # KR's own Vega-Lite spec, value for value; then vega_to_svg draws what vegalite_to_svg drew.
    shapes: dict[tuple[object, ...], tuple[dict[str, object], dict[str, object]]] = {}
    for result, quarter in _kr_cases():
        parts = key_result_module._kr_parts(result, quarter)
        description = f"what {result.path} shows"
        drawn = renderer.vega_lite(key_result_module.kr_spec(parts, quarter), LIGHT, description)
        direct = vl_convert.vegalite_to_vega(drawn)
        templated = key_result_module.kr_vega(parts, quarter, description)
        # Equal as JSON values: JavaScript writes the float 14.0 back as 14.
        assert templated == direct, result.path
        shapes.setdefault(parts.shape, (drawn, templated))
    assert len(shapes) >= 5
    for drawn, templated in shapes.values():
        text = str(drawn["description"])
        spec = {k: v for k, v in drawn.items() if k not in ("config", "description")}
        svg = renderer.render_vega(templated, "title", text)
        assert svg == renderer.render(spec, LIGHT, "title", text)


NOW = "2026 Q4 (so far)"
HISTORIES: list[tuple[list[tuple[str, float | None]], dict[str, Band | None] | None, set[str]]] = [
    ([("2026-Q1", 0.5), ("2026-Q2", 0.62), ("2026-Q3", 0.3), ("2026-Q4", 0.71)], None, set()),
    ([("2026-Q1", 0.5), ("2026-Q2", None), ("2026-Q3", 0.8)], None, set()),
    ([("2026-Q3", 0.4), ("2026-Q4", 0.1)], {"2026-Q3": "green", "2026-Q4": None}, set()),
    ([("2026-Q3", 0.4), ("2026-Q4", 0.1)], {"2026-Q3": None, "2026-Q4": None}, set()),
    ([("2026-Q4", 0.25)], None, set()),
    ([], None, set()),
    # A score so far: after several grades, after one, alone, neutral, banded like the rest.
    ([("2026 Q2", 0.5), ("2026 Q3", 0.62), (NOW, 0.2)], None, {NOW}),
    ([("2026 Q3", 0.62), (NOW, 0.2)], None, {NOW}),
    ([("2026 Q3", 0.62), (NOW, 0.2)], {"2026 Q3": None, NOW: "red"}, {NOW}),
    ([("2026 Q3", 0.62), (NOW, 0.2)], {"2026 Q3": "green", NOW: None}, {NOW}),
    ([("2026 Q3", 0.62), (NOW, 0.2)], {"2026 Q3": None, NOW: None}, {NOW}),
    ([(NOW, 0.2)], None, {NOW}),
    ([(NOW, 0.2)], {NOW: None}, {NOW}),
    ([("2026 Q3", None), (NOW, None)], None, {NOW}),
]


@pytest.mark.parametrize(("points", "point_bands", "so_far"), HISTORIES)
def test_a_history_chart_from_its_compiled_template_is_the_one_its_own_spec_draws(
    monkeypatch: pytest.MonkeyPatch,
    points: list[tuple[str, float | None]],
    point_bands: dict[str, Band | None] | None,
    so_far: set[str],
) -> None:
    # Banded, neutral and mixed points, a gap, one quarter, none, scores so far: the same SVG
    # either way.
    unit = Unit(id="payments", name='Payments <&> "Core"', kind="team", parent="eng")
    org = Org(name="Acme & <Co>", units=(unit,))
    bands = Bands(red=0.3, green=0.6)
    templated = [
        unit_history_chart(unit, points, bands=bands, point_bands=point_bands, so_far=so_far),
        org_history_chart(org, points, point_bands=point_bands, so_far=so_far),
    ]
    monkeypatch.setattr(switches, "TEMPLATED", False)
    direct = [
        unit_history_chart(unit, points, bands=bands, point_bands=point_bands, so_far=so_far),
        org_history_chart(org, points, point_bands=point_bands, so_far=so_far),
    ]
    assert templated == direct


def test_a_milestone_on_pace_to_pass_100_percent_is_complete_before_the_end() -> None:
    # 55 % by 2026-11-20 projects past 100 % by 2026-12-31: a milestone cannot reach 117 %.
    fast = replace(MILESTONE, projection=Projection(slope=1.3, intercept=0.0, end_value=117.0))
    chart = key_result_chart(fast, QUARTER)
    assert chart.description.endswith("at this pace it is complete before the quarter ends.")
    assert "117" not in chart.description
