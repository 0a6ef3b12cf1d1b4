"""One colour, one meaning: every band colour on every page is the band of the figure beside it,
read from the quarter's scores.json by the contract's rule, never the score so far."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from okrsite.load.repository import load_valid
from okrsite.score.history import score_all
from okrsite.site.pages.quarter import QuarterSite, quarter_pages
from tests.conftest import DEMO_AS_OF, PROJECT, shared_demo

FIXTURE = Path(__file__).resolve().parent / "golden" / "fixture"

BAND_CLASS = re.compile(r'class="[^"]*\bokrsite-(red|yellow|green)\b')
BADGE = re.compile(
    r'<span class="okrsite-badge okrsite-(red|yellow|green)"( data-band-key="")?>([^<]*)</span>'
)
FIGURE = re.compile(
    r'<data value="([^"]+)" data-of="([^"]*)"(?: data-quarter="([^"]+)")?>([^<]+)</data>\s*$'
)
BAR = re.compile(
    r'<span class="okrsite-bar" role="img" data-of="([^"]*)" aria-label="[^"]*">'
    r'<span class="okrsite-fill okrsite-(red|yellow|green|grey)"'
)
STATUS_BANDS = {
    "done": "green",
    "on-track": "green",
    "at-risk": "yellow",
    "off-track": "red",
    "landed": "green",
    "partial": "yellow",
    "missed": "red",
}


@dataclass(frozen=True)
class Expected:
    """What the contract says an item's colour is read from, and the colour it gives."""

    figure: float | None
    band: str | None
    status: str | None = None  # a KR's, whose badge says its status


def contract_band(figure: float | None, thresholds: Mapping[str, float] | None) -> str | None:
    """Red below red, yellow below green, else green; null where either is null."""
    if figure is None or thresholds is None:
        return None
    return (
        "red"
        if figure < thresholds["red"]
        else "yellow"
        if figure < thresholds["green"]
        else "green"
    )


def expected_colours(scores: Mapping[str, Any]) -> dict[str, Expected]:
    """Each unit's, objective's and KR's figure and band, by the path a page names it with."""
    closed = scores["status"] == "closed"
    found: dict[str, Expected] = {}
    for unit in scores["units"]:
        figure = unit["rollup"] if closed else unit["projected"]
        # In the setup weeks every band is null (the export says so); otherwise it is the band
        # of the projection (open) or of the roll-up grade (closed), by the unit's thresholds.
        band = contract_band(figure, unit["thresholds"]) if unit["band"] is not None else None
        found[unit["id"]] = Expected(figure, band)
        for objective in unit["objectives"]:
            path = f"{unit['id']}/{objective['id']}"
            figure = objective["score"] if closed else objective["projected"]
            band = objective["band"] and contract_band(figure, objective["thresholds"])
            found[path] = Expected(figure, band)
            for kr in objective["key_results"]:
                status = kr["status"]
                if closed:
                    figure = kr["grade"]
                elif status == "done":
                    figure = kr["score"]
                else:
                    figure = kr["projected_score"]
                band = STATUS_BANDS.get(status)
                if band is not None and status != "done":
                    assert band == contract_band(figure, objective["thresholds"]), kr
                found[f"{path}/{kr['id']}"] = Expected(figure, band, status)
    return found


def colour_problems(
    page: str,
    text: str,
    expected: Mapping[str, Expected],
    others: Mapping[str, Mapping[str, Expected]] | None = None,
) -> Iterator[str]:
    """Every band colour on a page that is not the band of the figure it sits beside; others:
    other quarters' expected colours, by quarter, for a figure that names its quarter."""
    accounted = 0
    for badge in BADGE.finditer(text):
        accounted += 1
        tone, key, word = badge.groups()
        if key:  # a category: KRs counted by band or status
            continue
        figure = FIGURE.search(text[max(0, badge.start() - 400) : badge.start()])
        if figure is None:
            yield f"{page}: {word!r} in {tone} sits beside no figure"
            continue
        value, of, quarter, shown = figure.groups()
        want = (others or {}).get(quarter, {}).get(of) if quarter else expected.get(of)
        if want is None or want.figure is None:
            yield f"{page}: {word!r} beside a figure of {of!r}, which has none"
            continue
        if abs(float(value) - want.figure) > 1e-5 or shown != f"{want.figure:.2f}":
            yield f"{page}: {of} shows {shown} ({value}), its figure is {want.figure}"
        if tone != want.band:
            yield f"{page}: {of} is {tone} beside {shown}; by its thresholds it is {want.band}"
        if want.status is not None and word != want.status:
            yield f"{page}: {of} says {word!r}, its status is {want.status!r}"
    for bar in BAR.finditer(text):
        accounted += 1
        of, tone = bar.groups()
        want = expected.get(of)
        if want is None:
            yield f"{page}: a bar of {of!r}, which is not in scores.json"
        elif tone != (want.band or "grey"):
            yield f"{page}: the bar of {of} is {tone}; its band is {want.band}"
    coloured = len(BAND_CLASS.findall(text))
    grey_bars = sum(1 for b in BAR.finditer(text) if b.group(2) == "grey")
    if coloured != accounted - grey_bars:
        yield f"{page}: {coloured} band colours, {accounted - grey_bars} beside their figures"


def quarters_of(root: Path, today: date) -> Iterator[tuple[str, dict[str, str]]]:
    """Each quarter's pages of the repository at root, scored as of today."""
    repository = load_valid(root)
    results = score_all(repository, None, today)
    for index, result in enumerate(results):
        site = QuarterSite(repository.org, results[: index + 1], result.quarter.id)
        yield result.quarter.id, quarter_pages(site)


def site_problems(root: Path, today: date) -> list[str]:
    """The colour problems of every Markdown page of every quarter of the repository at root."""
    problems: list[str] = []
    quarters = dict(quarters_of(root, today))
    others = {q: expected_colours(json.loads(p["scores.json"])) for q, p in quarters.items()}
    for quarter_id, pages in quarters.items():
        for path, text in sorted(pages.items()):
            if path.endswith(".md"):
                page = f"{quarter_id}/{path}"
                problems += colour_problems(page, text, others[quarter_id], others)
    return problems


@pytest.mark.parametrize(
    "today",
    [date(2026, 10, 5), DEMO_AS_OF, date(2026, 12, 20)],
    ids=["setup-weeks", "demo-day", "completion"],
)
def test_every_colour_of_the_demo_is_the_band_of_the_figure_beside_it(today: date) -> None:
    """The demo as of a day in its setup weeks, the demo's day and its last weeks: every badge
    sits beside the figure it is the band of (a projection while open, a grade once closed)."""
    assert site_problems(PROJECT, today) == []


def test_every_colour_of_the_golden_fixture_is_the_band_of_the_figure_beside_it() -> None:
    """The golden fixture's quarters, closed and open, aspirational objectives among them."""
    assert site_problems(FIXTURE, DEMO_AS_OF) == []


def test_the_check_finds_a_colour_that_is_not_its_figure_s() -> None:
    """The check itself: a badge coloured by the score so far, beside the projection, is found,
    as is one beside no figure."""
    expected = {"payments/delivery": Expected(0.74, "green")}
    right = '<data value="0.74" data-of="payments/delivery">0.74</data> ' + (
        '<span class="okrsite-badge okrsite-green">green</span>'
    )
    assert list(colour_problems("p", right, expected)) == []
    wrong = right.replace("okrsite-green", "okrsite-red")
    assert list(colour_problems("p", wrong, expected)) == [
        "p: payments/delivery is red beside 0.74; by its thresholds it is green"
    ]
    alone = '**Score 0.49** <span class="okrsite-badge okrsite-green">green</span>'
    assert list(colour_problems("p", alone, expected)) == [
        "p: 'green' in green sits beside no figure"
    ]


def test_the_built_demo_s_html_pages_keep_the_rule(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Every HTML page of the built demo site, as a reader's browser gets it, every quarter."""
    site = shared_demo(tmp_path_factory, "mkdocs")  # built once per run, shared
    problems: list[str] = []
    pages = 0
    quarters = sorted(p for p in site.iterdir() if p.is_dir() and p.name[:2] == "20")
    others = {
        q.name: expected_colours(json.loads((q / "scores.json").read_text("utf-8")))
        for q in quarters
    }
    for quarter in quarters:
        for page in sorted(quarter.rglob("index.html")):
            pages += 1
            text = page.read_text("utf-8")
            name = str(page.relative_to(site))
            problems += colour_problems(name, text, others[quarter.name], others)
    assert problems == []
    assert pages > 40
