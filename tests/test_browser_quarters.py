"""Between quarters in real headless Chromium: Material's version selector keeps the reader's
page, and a missing address shows a styled 404 page, served as GitHub Pages serves it.

The demo is built for https://example.github.io/okrs/ and served from 127.0.0.1 under /okrs/, as
`okrsite serve` serves it: the sitemaps name example.github.io, which the browser never asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from okrsite.pipeline import build_site
from scripts.browser import launch, served
from tests.conftest import DEMO_AS_OF, DEMO_SITE_URL, WriteRepo, require_chromium
from tests.test_site import small_repo

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = DEMO_AS_OF
SITE_URL = DEMO_SITE_URL
CURRENT = "2026-Q4"
ARCHIVED = "2026-Q3"
UNIT = "payments"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, shared by the module's tests."""
    require_chromium()
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def demo_url(engine_site_url: str) -> str:
    """The demo built for SITE_URL as of AS_OF by each engine in turn, served under its path
    (conftest.engine_site_url)."""
    return engine_site_url


@dataclass
class Visit:
    """A page of a fresh browser context, with what it asked for and complained about."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """Every request that left the machine: anything not on 127.0.0.1."""
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]

    def console(self, message: ConsoleMessage) -> None:
        """Keep the console's errors."""
        if message.type == "error":
            self.errors.append(f"{message.text} at {message.location.get('url')}")


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    """A fresh context and page, closed after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    visit = Visit(context.new_page())

    def asked(request: Request) -> None:
        visit.requests.append(request.url)

    context.on("request", asked)
    visit.page.on("console", visit.console)
    visit.page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
    try:
        yield visit
    finally:
        context.close()


def switch_quarter(page: Page, title: str) -> None:
    """Pick a quarter in Material's version selector, which opens on hover."""
    page.locator(".md-version__current").hover(force=True)
    page.locator(".md-version__list").get_by_role("link", name=title).click()


def test_the_version_selector_keeps_the_readers_page(demo_url: str, visit: Visit) -> None:
    page = visit.page
    page.goto(f"{demo_url}{CURRENT}/units/{UNIT}/")
    page.wait_for_load_state("networkidle")  # versions.json read, the selector drawn
    switch_quarter(page, "2026 Q3")
    page.wait_for_url(f"{demo_url}{ARCHIVED}/units/{UNIT}/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".md-version__current").inner_text() == "2026 Q3"
    assert page.locator(".md-content h1").first.inner_text().startswith("Payments")
    # Material mapped the page through the target quarter's sitemap.
    assert f"{demo_url}{ARCHIVED}/sitemap.xml" in visit.requests
    # And back, keeping the #fragment.
    page.goto(f"{demo_url}{ARCHIVED}/units/{UNIT}/#delivery")
    page.wait_for_load_state("networkidle")
    switch_quarter(page, "2026 Q4")
    page.wait_for_url(f"{demo_url}{CURRENT}/units/{UNIT}/#delivery")
    assert visit.foreign() == []
    assert visit.errors == []


def test_a_missing_address_shows_the_styled_404_page(demo_url: str, visit: Visit) -> None:
    page = visit.page
    missing = f"{demo_url}{CURRENT}/no/such/page/"
    answer = page.goto(missing)
    assert answer is not None and answer.status == 404
    page.wait_for_load_state("networkidle")
    assert page.locator(".md-content h1").inner_text() == "404 - Not found"
    # Material's stylesheet, linked from the server's root, applies at this depth: a sticky
    # header a few rems high and a logo its size, not the page-wide picture of an unstyled one.
    header = page.locator(".md-header")
    assert header.evaluate("e => getComputedStyle(e).position") == "sticky"
    header_box = header.bounding_box()
    assert header_box is not None and header_box["height"] < 80
    logo = page.locator(".md-header .md-logo :is(img, svg)").first.bounding_box()
    assert logo is not None and logo["height"] <= 48
    # Its script too: the version selector reads the site's versions.json.
    assert page.locator(".md-version__current").inner_text() == "2026 Q4"
    assert f"{demo_url}versions.json" in visit.requests
    assert visit.foreign() == []
    # The one error is the browser noting the 404 answer itself.
    assert [e for e in visit.errors if not e.endswith(f" at {missing}")] == []


@pytest.mark.parametrize("base_path", ["/", "/okrs/"], ids=["user-site", "project-site"])
def test_without_a_site_url_the_plain_404_page_leads_to_the_current_quarter(
    write_repo: WriteRepo, tmp_path: Path, visit: Visit, base_path: str
) -> None:
    root = small_repo(write_repo)
    build_site(root, tmp_path / "site", today=AS_OF, workers=1)
    page = visit.page
    with served(tmp_path / "site", base_path) as url:
        answer = page.goto(f"{url}{ARCHIVED}/no/such/page/")
        assert answer is not None and answer.status == 404
        assert page.locator("h1").inner_text() == "404 - Not found"
        # Its own inline style: the header is coloured without any stylesheet to load.
        colour = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(64, 81, 181)"
        page.get_by_role("link", name="Go to the current quarter").click()
        page.wait_for_url(f"{url}{CURRENT}/")
    assert visit.foreign() == []
