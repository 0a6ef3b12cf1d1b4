"""Regenerate the README's screenshots from a demo build, in Debian's headless Chromium.

Usage: .venv/bin/python -m scripts.screenshots [--out docs/screenshots]

Builds the demo organisation as of 2026-11-27 into a temporary folder, serves it on 127.0.0.1 and
writes overview.png (the org overview down to its unit-scores chart) and unit.png (the Payments
team down to its first key-result chart), 1280 px wide. Same input, same pictures: the as-of date
is fixed and nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from okrsite.pipeline import build_site
from scripts.browser import CHROMIUM, launch, served

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 27)
WIDTH = 1280
MARGIN = 24  # pixels kept below the chart that ends each picture
UNIT = "payments"


def shoot_down_to(page: Page, url: str, image: str, path: Path) -> None:
    """Open url and save the page from its top to just below the first image matching image."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    chart = page.locator(f"{image}:visible").first
    box = chart.bounding_box()
    if box is None:
        raise RuntimeError(f"{url}: no visible {image} to end the screenshot at")
    scroll = page.evaluate("window.scrollY")
    bottom = int(box["y"] + box["height"] + scroll) + MARGIN
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": bottom}
    )


def main() -> int:
    """Build the demo, take both screenshots, and say where they went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "docs" / "screenshots")
    out: Path = parser.parse_args().out
    if not CHROMIUM.is_file():
        print(f"{CHROMIUM} is missing: install Debian's chromium package", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="okrsite-screenshots-") as scratch:
        site = Path(scratch) / "site"
        build_site(PROJECT, site, as_of=AS_OF, today=AS_OF)
        with served(site) as url, sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_page(viewport={"width": WIDTH, "height": 900})
                shoot_down_to(
                    page,
                    f"{url}latest/",
                    "img[src*='charts/unit-scores-']",
                    out / "overview.png",
                )
                shoot_down_to(
                    page,
                    f"{url}latest/units/{UNIT}/",
                    f"img[src*='charts/kr-{UNIT}.']",
                    out / "unit.png",
                )
            finally:
                browser.close()
    for name in ("overview.png", "unit.png"):
        path = out / name
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
