"""The demo site in real headless Chromium: redirect, scores, charts, versions, dark mode, offline.

Builds the demo once, serves it on 127.0.0.1, and walks it as a reader would. Screenshots land in
test-output/browser/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

from okrsite.cli import main
from okrsite.pipeline import build_site
from okrsite.site.palettes import DARK, LIGHT
from scripts.browser import CHROMIUM, launch, served

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 27)
SCREENSHOTS = PROJECT / "test-output" / "browser"
ARCHIVED = "2026-Q3"
CURRENT = "2026-Q4"  # latest/ redirects each page to the same page of this quarter
UNIT = "payments"
TIMEOUT_MS = 10_000


def require_chromium() -> None:
    """Skip without Debian's Chromium locally; in CI its absence is a failure, never a skip."""
    if CHROMIUM.is_file():
        return
    reason = f"{CHROMIUM} is missing; install Debian's chromium package to run the browser test"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo built once as of AS_OF and served on an ephemeral port of 127.0.0.1."""
    require_chromium()
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(PROJECT, out, as_of=AS_OF, today=AS_OF)
    with served(out) as url:
        yield url


def exported_org_score() -> str:
    """The org's score from `okrsite export` as of AS_OF, with the two decimals pages print."""
    outcome = CliRunner().invoke(
        main, ["export", "--root", str(PROJECT), "--as-of", AS_OF.isoformat()]
    )
    assert outcome.exit_code == 0, outcome.output
    return f"{json.loads(outcome.stdout)['score']:.2f}"


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


def test_reader_walks_the_demo_site(site_url: str) -> None:
    """Overview, charts, a unit page, the archived quarter and dark mode, all offline."""
    expected_score = exported_org_score()
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
            assert headline == f"Org score {expected_score}"
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
