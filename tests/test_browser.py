"""The demo site in real headless Chromium: redirect, scores, charts, versions, dark mode, offline.

Builds the demo once, serves it on 127.0.0.1, and walks it as a reader would. Screenshots land in
test-output/browser/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from playwright.sync_api import ConsoleMessage, Page, ViewportSize, sync_playwright

from okrsite.cli import main
from okrsite.site.charts.palettes import DARK, LIGHT
from scripts.browser import AXE, launch
from tests.conftest import DEMO_AS_OF

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = DEMO_AS_OF
SCREENSHOTS = PROJECT / "test-output" / "browser"
ARCHIVED = "2026-Q3"
CURRENT = "2026-Q4"  # latest/ redirects each page to the same page of this quarter
UNIT = "payments"
TIMEOUT_MS = 10_000


def require_axe() -> None:
    """Skip without axe-core (tests/axe, installed by `make test` with npm) locally; fail in CI."""
    if AXE.is_file():
        return
    reason = f"{AXE} is missing; `make test` installs it with npm (npm ci --prefix tests/axe)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def site_url(demo_site_url: str) -> str:
    """The demo as of AS_OF, built once for all browser tests (conftest.demo_site_url)."""
    return demo_site_url


def exported_org_headline() -> str:
    """The org's projected roll-up and its band from `okrsite export` as of AS_OF, as the
    overview's headline prints them: the colour beside the figure it is the band of."""
    outcome = CliRunner().invoke(
        main, ["export", "--root", str(PROJECT), "--as-of", AS_OF.isoformat()]
    )
    assert outcome.exit_code == 0, outcome.output
    exported = json.loads(outcome.stdout)
    org = next(u for u in exported["units"] if u["kind"] == "org")
    return f"Org projected {org['projected']:.2f} {org['band']}"


@dataclass
class Traffic:
    """What the browser asked for and complained about during the visit."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        """Keep every console error: the site must load without one."""
        if message.type == "error":
            self.errors.append(f"{message.text} at {message.location}")

    def foreign(self) -> list[str]:
        """Every request that left the machine: anything not on 127.0.0.1."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob"}
            and urlsplit(url).hostname != "127.0.0.1"
        ]


def visible_images(page: Page, fragment: str) -> list[dict[str, Any]]:
    """The displayed <img> elements whose src contains fragment, with their natural width."""
    images: list[dict[str, Any]] = page.eval_on_selector_all(
        "img",
        """(els, fragment) => els
            .filter(e => e.getAttribute('src').includes(fragment) && e.checkVisibility())
            .map(e => ({src: e.getAttribute('src'), naturalWidth: e.naturalWidth}))""",
        fragment,
    )
    return images


def corner_colour(page: Page, src: str) -> str:
    """The colour of the top-left pixel of the <img> with this src, as the browser drew it."""
    colour: str = page.eval_on_selector(
        f"img[src='{src}']",
        """img => {
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const context = canvas.getContext('2d');
            context.drawImage(img, 0, 0);
            const [r, g, b] = context.getImageData(2, 2, 1, 1).data;
            return '#' + [r, g, b].map(v => v.toString(16).padStart(2, '0')).join('');
        }""",
    )
    return colour


def first_table(page: Page) -> dict[str, str]:
    """The first table of the article as {header: first row's cell}."""
    table = page.locator(".md-content table").first
    headers = table.locator("thead th").all_inner_texts()
    cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
    return dict(zip(headers, cells, strict=True))


def first_column(page: Page, header: str) -> list[str]:
    """The cells of the first table whose first header is `header`, top to bottom."""
    table = page.locator(f".md-content table:has(thead th:first-child:text-is('{header}'))").first
    return table.locator("tbody tr td:first-child").all_inner_texts()


def shoot(page: Page, name: str) -> None:
    """Save the visible viewport as test-output/browser/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_reader_walks_the_demo_site(engine_site_url: str) -> None:
    """Overview, charts, a unit page, the archived quarter and dark mode, all offline: the
    site built by each engine."""
    site_url = engine_site_url
    expected_headline = exported_org_headline()
    traffic = Traffic()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(TIMEOUT_MS)
            context.on("request", lambda request: traffic.requests.append(request.url))
            page = context.new_page()
            page.on("console", traffic.console)
            page.on("pageerror", lambda error: traffic.errors.append(f"uncaught: {error}"))

            # The root redirects to the current quarter.
            page.goto(site_url)
            page.wait_for_url(f"{site_url}{CURRENT}/")
            page.wait_for_load_state("networkidle")
            headline = page.locator(".md-content p strong").first.inner_text()
            assert headline == expected_headline
            # The unit tree: a bar per unit, drawn (not a zero-size span), filled in its band's
            # colour and with its two thresholds marked.
            bars = page.locator(".md-content .okrsite-bar")
            assert bars.count() == len(first_column(page, "Unit"))
            box = bars.first.bounding_box()
            assert box is not None and box["width"] > 50 and box["height"] > 5
            fill = bars.first.locator(".okrsite-fill").evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
            assert fill not in ("rgba(0, 0, 0, 0)", "transparent")
            assert bars.first.locator(".okrsite-mark").count() == 2
            light = visible_images(page, "charts/unit-scores.")
            assert [(i["src"], i["naturalWidth"] > 0) for i in light] == [
                ("charts/unit-scores.svg#only-light", True)
            ]
            assert corner_colour(page, "charts/unit-scores.svg#only-light") == LIGHT.background
            shoot(page, "overview-light")

            # A unit page: every KR chart shown is loaded.
            page.locator(".md-content").get_by_role("link", name="Payments").first.click()
            page.wait_for_url(f"{site_url}{CURRENT}/units/{UNIT}/")
            page.wait_for_load_state("networkidle")
            kr_charts = visible_images(page, f"charts/kr-{UNIT}.")
            assert kr_charts, "the unit page shows no KR chart"
            assert [i["src"] for i in kr_charts if i["naturalWidth"] == 0] == []
            page.locator(
                f"img[src*='charts/kr-{UNIT}.']:visible"
            ).first.scroll_into_view_if_needed()
            shoot(page, "unit")

            # Material's version selector: the list opens on hover over the selector.
            page.locator(".md-version__current").hover(force=True)
            page.locator(".md-version__list").get_by_role("link", name="2026 Q3").click()
            page.wait_for_url(f"{site_url}{ARCHIVED}/**")
            page.wait_for_load_state("networkidle")
            banner = page.locator(".okrsite-archive")
            assert banner.is_visible()
            assert "2026 Q3, a closed quarter" in banner.inner_text()
            assert page.locator(".md-version__current").inner_text() == "2026 Q3"
            shoot(page, "archive")
            banner.get_by_role("link").click()
            page.wait_for_url(f"{site_url}{CURRENT}/")
            # A latest/ link to a page and a heading lands on that page and heading.
            page.goto(f"{site_url}latest/units/{UNIT}/#delivery")
            page.wait_for_url(f"{site_url}{CURRENT}/units/{UNIT}/#delivery")
            page.goto(f"{site_url}latest/")
            page.wait_for_url(f"{site_url}{CURRENT}/")

            # Dark mode: Material's palette toggle switches the scheme and the chart shown.
            page.wait_for_load_state("networkidle")
            page.locator("label[for=__palette_1]").click()
            assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
            dark = visible_images(page, "charts/unit-scores.")
            assert [(i["src"], i["naturalWidth"] > 0) for i in dark] == [
                ("charts/unit-scores.svg#only-dark", True)
            ]
            # The same file, drawn in the dark palette: its CSS follows the #only-dark fragment.
            assert corner_colour(page, "charts/unit-scores.svg#only-dark") == DARK.background
            shoot(page, "overview-dark")
        finally:
            browser.close()

    assert traffic.errors == []
    assert traffic.foreign() == []
    assert any(url.endswith("/versions.json") for url in traffic.requests)


# The pages a reader meets: one of every kind the site publishes, in the open and the closed
# quarter: the overview, team pages, blockers, owners, alignment, checks, the archive, the quarter
# in review, a Help page (its entry page, which explains the bands' colours), the repository's own
# content page (content/demo.md) and the 404 page a missing address is answered with.
READ_PAGES = (
    f"{CURRENT}/",
    f"{CURRENT}/units/{UNIT}/",
    f"{CURRENT}/units/platform/",
    f"{CURRENT}/blockers/",
    f"{CURRENT}/owners/",
    f"{CURRENT}/alignment/",
    f"{CURRENT}/checks/",
    f"{CURRENT}/archive/",
    f"{CURRENT}/health/",
    f"{CURRENT}/help/reading-the-site/",
    f"{CURRENT}/demo/",
    f"{CURRENT}/no-such-page/",
    f"{ARCHIVED}/",
    f"{ARCHIVED}/review/",
)
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1400, height=900)
AXE_SERIOUS = ("serious", "critical")


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the loaded page, one line each."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['impact']} {v['id']}: {', '.join(v['targets'][:3])}"
        for v in found
        if v["impact"] in AXE_SERIOUS
    ]


# Every kind of page in the light scheme at a desktop's width; in the dark scheme and at a
# phone's width, the pages whose colours and layout differ most (badges, bars, banner, wide
# tables), which keeps the four passes to about a minute on two cores. Zensical's pages say the
# same in the same markup (test_engines compares them); its theme draws the header, nav, search
# and footer around them, the same on every page: a page of each kind of layout, light and dark.
AXE_PASSES = [
    ("mkdocs", "light", DESKTOP, READ_PAGES),
    (
        "mkdocs",
        "dark",
        DESKTOP,
        (f"{CURRENT}/", f"{CURRENT}/units/{UNIT}/", f"{ARCHIVED}/review/", f"{CURRENT}/health/"),
    ),
    (
        "mkdocs",
        "light",
        PHONE,
        (f"{CURRENT}/", f"{CURRENT}/units/{UNIT}/", f"{CURRENT}/owners/", f"{CURRENT}/health/"),
    ),
    (
        "mkdocs",
        "dark",
        PHONE,
        (f"{CURRENT}/units/platform/", f"{CURRENT}/blockers/", f"{ARCHIVED}/"),
    ),
    (
        "zensical",
        "light",
        DESKTOP,
        (f"{CURRENT}/", f"{CURRENT}/checks/", f"{ARCHIVED}/review/", f"{CURRENT}/health/"),
    ),
    (
        "zensical",
        "dark",
        PHONE,
        (f"{CURRENT}/units/{UNIT}/", f"{CURRENT}/blockers/", f"{ARCHIVED}/"),
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "scheme", "viewport", "paths"),
    AXE_PASSES,
    ids=[
        f"{engine}-{scheme}-{'phone' if size is PHONE else 'desktop'}"
        for engine, scheme, size, _ in AXE_PASSES
    ],
)
def test_pages_pass_axe(
    demo_sites: Callable[[str], str],
    engine: str,
    scheme: str,
    viewport: ViewportSize,
    paths: tuple[str, ...],
) -> None:
    """axe-core finds no serious or critical violation: every kind of page, both schemes, a
    desktop's and a phone's width, built by either engine."""
    require_axe()
    site_url = demo_sites(engine)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            found = {}
            for path in paths:
                page.goto(f"{site_url}{path}")
                page.wait_for_load_state("networkidle")
                expected = "slate" if scheme == "dark" else "default"
                assert page.locator("body").get_attribute("data-md-color-scheme") == expected
                if violations := axe_violations(page):
                    found[path] = violations
            width = "phone" if viewport is PHONE else "desktop"
            shoot(page, f"axe-last-{engine}-{scheme}-{width}")
        finally:
            browser.close()
    assert found == {}


def overflow(page: Page, selector: str) -> list[dict[str, float]]:
    """Each visible element matching selector: its drawn and scrollable widths."""
    sizes: list[dict[str, float]] = page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.checkVisibility()).map(e => ({
            client: e.clientWidth, scroll: e.scrollWidth, tabindex: e.tabIndex}))""",
    )
    return sizes


def test_a_phone_reads_the_team_page_at_full_size(site_url: str) -> None:
    """At 390 px: the page never scrolls sideways; wide tables and charts scroll inside their own
    keyboard-focusable boxes; charts keep their drawn size (text at 11 px, not half that); the
    header spells out the org's name."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=PHONE)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(f"{site_url}{CURRENT}/units/{UNIT}/")
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            # The org's name, on two lines if need be, never cut to "North…".
            name = page.locator(".md-header__topic").first.locator(".md-ellipsis")
            assert name.inner_text().split() == ["Northwind", "Engineering"]
            assert name.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
            # The check-in tables are wider than the phone: each scrolls in its own box, which
            # the keyboard can reach.
            boxes = overflow(page, ".md-typeset__scrollwrap")
            assert boxes and all(b["tabindex"] == 0 for b in boxes)
            assert any(b["scroll"] > b["client"] for b in boxes)
            # Every chart at its natural width, so its 11 px text is drawn at 11 px; the
            # paragraph holding it scrolls and takes the focus.
            charts: list[dict[str, float]] = page.eval_on_selector_all(
                "p.okrsite-chart img",
                """els => els.filter(e => e.checkVisibility()).map(e => ({
                    drawn: e.getBoundingClientRect().width, natural: e.naturalWidth}))""",
            )
            assert charts and all(c["drawn"] >= c["natural"] > PHONE["width"] for c in charts)
            holders = overflow(page, "p.okrsite-chart")
            assert all(h["scroll"] > h["client"] and h["tabindex"] == 0 for h in holders)
            # A figure and the badge of its band are read together: on one line, even here.
            split = page.eval_on_selector_all(
                ".okrsite-verdict",
                """els => els.filter(e => e.checkVisibility()).filter(e => {
                    const [figure, badge] = [e.querySelector('data'), e.lastElementChild];
                    const a = figure.getBoundingClientRect(), b = badge.getBoundingClientRect();
                    return Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) > 4;
                }).map(e => e.textContent)""",
            )
            assert page.locator(".okrsite-verdict").count() > 4 and split == []
            shoot(page, "unit-phone")
            assert page.locator(".md-header__topic").first.is_visible()
        finally:
            browser.close()


def test_the_new_pages_show_what_a_leader_looks_for(site_url: str) -> None:
    """The team page opens with a row per KR (bar, status, confidence word, last check-in), each
    KR has its check-in history; blockers and owners list theirs; both schemes."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                page.goto(f"{site_url}{CURRENT}/units/{UNIT}/")
                page.wait_for_load_state("networkidle")
                summary = page.locator(".md-content table").first
                headers = summary.locator("thead th").all_inner_texts()
                assert headers == [
                    "Key result, owner",
                    "Progress so far",
                    "Projected, status",
                    "Next check-in",
                ]
                rows = summary.locator("tbody tr")
                assert rows.count() == summary.locator(".okrsite-bar").count() > 0
                first = rows.first.locator("td").all_inner_texts()
                assert first[2].split("\n")[1] in {
                    "high confidence",
                    "medium confidence",
                    "low confidence",
                }
                # The next check-in: a date, or since when it is overdue.
                due = date.fromisoformat(first[3].removeprefix("overdue since ").strip())
                assert (due < AS_OF) == first[3].startswith("overdue")
                histories = page.locator(
                    ".md-content table:has(thead th:first-child:text-is('Check-in'))"
                )
                assert histories.count() == rows.count()  # every KR of the demo is checked in
                # A date is never broken across lines in its narrow column.
                cell = histories.first.locator("tbody td time").first
                assert cell.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
                # Each KR's folded "Check in" block sits beside its chart's data while closed
                # (one line for both) and, opened, holds the exact command with a copy button.
                folds = page.locator("details.okrsite-side")
                assert folds.count() > rows.count()
                first_fold, check_in = folds.nth(0), folds.nth(1)
                assert check_in.locator("summary").inner_text() == "Check in"
                top = first_fold.bounding_box()
                beside = check_in.bounding_box()
                assert top is not None and beside is not None
                assert abs(top["y"] - beside["y"]) < 2 and beside["x"] > top["x"]
                check_in.locator("summary").click()
                command = check_in.locator("pre code").inner_text().strip()
                assert command == (
                    "okrsite checkin payments delivery/lead-time VALUE --quarter 2026-Q4"
                )
                copy = check_in.locator("button.md-code__button[data-md-type=copy]")
                assert copy.count() == 1  # Material's copy button (content.code.copy)
                shoot(page, f"unit-{scheme}")

                page.goto(f"{site_url}{CURRENT}/blockers/")
                page.wait_for_load_state("networkidle")
                since = first_column(page, "Since")
                assert since and since == sorted(since)  # the oldest blocker first
                shoot(page, f"blockers-{scheme}")

                page.goto(f"{site_url}{CURRENT}/owners/")
                page.wait_for_load_state("networkidle")
                assert "no score per person" in page.locator(".md-content").inner_text()
                sections = page.locator(".md-content h2").all_inner_texts()
                # The overdue check-ins first (the overview's count links there), then owners.
                assert sections[0] == "Overdue check-ins¶"
                owners = sections[1:]
                assert owners and owners == sorted(owners, key=str.casefold)
                context.close()
        finally:
            browser.close()
