"""Regenerate the README's screenshots from a demo build, in Debian's headless Chromium.

Usage: .venv/bin/python -m scripts.screenshots [--out docs/screenshots]

Builds the demo organisation as of 2026-11-27 into a temporary folder, serves it on 127.0.0.1 and
writes, light and dark, desktop (1280 px) and phone (390 px) wide:

    overview.png        the org overview, light, down to its "Needs a conversation" list
    unit-dark.png       the Payments team page, dark, down to its first key result's chart
    blockers.png        every open blocker, light
    phone.png           the overview on a phone, light
    phone-unit-dark.png the Payments team page on a phone, dark
    zensical-unit.png   the Payments team page built by Zensical (`--engine zensical`), light

Same input, same pictures: the as-of date is fixed and nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, FloatRect, sync_playwright

from okrsite.pipeline import build_site
from scripts.browser import CHROMIUM, launch, served

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 27)
MARGIN = 24  # pixels kept below the element that ends a picture
DESKTOP, PHONE = 1280, 390


@dataclass(frozen=True)
class Shot:
    """One picture: a page, a scheme and a width, down to the first element matching `end`."""

    name: str
    path: str
    scheme: str
    width: int
    end: str
    most: int  # the picture's greatest height, in pixels
    engine: str = "mkdocs"  # what built the site it is taken from


SHOTS = (
    Shot("overview.png", "latest/", "light", DESKTOP, "h2#needs-a-conversation + ol", 1500),
    Shot("unit-dark.png", "latest/units/payments/", "dark", DESKTOP, "p.okrsite-chart", 1700),
    Shot("blockers.png", "latest/blockers/", "light", DESKTOP, ".md-content table", 1000),
    Shot("phone.png", "latest/", "light", PHONE, "h2#units + div, h2#units + table", 1500),
    Shot("phone-unit-dark.png", "latest/units/payments/", "dark", PHONE, "p.okrsite-chart", 1700),
    Shot(
        "zensical-unit.png",
        "latest/units/payments/",
        "light",
        DESKTOP,
        "p.okrsite-chart",
        1700,
        engine="zensical",
    ),
)


def take(browser: Browser, url: str, shot: Shot, out: Path) -> None:
    """Open the shot's page and save it from the top to just below its end element."""
    context = browser.new_context(
        viewport={"width": shot.width, "height": 900},
        color_scheme="dark" if shot.scheme == "dark" else "light",
    )
    try:
        page = context.new_page()
        page.goto(f"{url}{shot.path}")
        page.wait_for_load_state("networkidle")
        box = page.locator(shot.end).first.bounding_box()
        if box is None:
            raise RuntimeError(f"{shot.path}: nothing visible matches {shot.end}")
        bottom = int(box["y"] + box["height"] + page.evaluate("window.scrollY")) + MARGIN
        clip = FloatRect(x=0, y=0, width=shot.width, height=min(bottom, shot.most))
        page.screenshot(path=str(out / shot.name), full_page=True, clip=clip)
    finally:
        context.close()


def main() -> int:
    """Build the demo, take every screenshot, and say where they went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "docs" / "screenshots")
    out: Path = parser.parse_args().out
    if not CHROMIUM.is_file():
        print(f"{CHROMIUM} is missing: install Debian's chromium package", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="okrsite-screenshots-") as scratch:
        for engine in sorted({shot.engine for shot in SHOTS}):
            site = Path(scratch) / engine
            build_site(PROJECT, site, as_of=AS_OF, today=AS_OF, engine=engine)
            with served(site) as url, sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    for shot in (shot for shot in SHOTS if shot.engine == engine):
                        take(browser, url, shot, out)
                finally:
                    browser.close()
    for shot in SHOTS:
        path = out / shot.name
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
