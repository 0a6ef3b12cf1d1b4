"""Take the README's screenshots of a built site, in Debian's headless Chromium.

Usage: .venv/bin/python -m scripts.screenshots [--site site] [--out docs/screenshots]
(`make screenshots` builds the site as `make site` does, then runs this.)

Serves the built site folder on a free port of 127.0.0.1 and photographs the top of three pages
of its current quarter (the version aliased `latest` in versions.json): the overview, the
Payments team page and the blockers page, each on a desktop (1400x900) and a phone (390x844), in
the light and the dark scheme (Material follows the browser's prefers-color-scheme). Each picture
is the viewport only, never the full page, so the files stay small. Files are named
PAGE-SIZE-SCHEME.png: overview-desktop-light.png, team-phone-dark.png, ...
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, ViewportSize, sync_playwright

from scripts.browser import CHROMIUM, launch, served

PROJECT = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 15_000

# The page's path under the quarter, and the name its pictures start with.
PAGES = (("", "overview"), ("units/payments/", "team"), ("blockers/", "blockers"))
SIZES = (
    ("desktop", ViewportSize(width=1400, height=900)),
    ("phone", ViewportSize(width=390, height=844)),
)
SCHEMES = (("light", "default"), ("dark", "slate"))  # colour scheme, Material's name for it

# Every image decoded and every font ready: the picture is the same on every run.
LOADED = """() => document.fonts.status === 'loaded'
    && Array.from(document.images).every(image => image.complete)"""


@dataclass(frozen=True)
class Shot:
    """One picture: a page of the quarter at one size in one colour scheme."""

    path: str
    page: str
    size: str
    viewport: ViewportSize
    scheme: str
    material: str  # the body's data-md-color-scheme in this scheme

    @property
    def name(self) -> str:
        """The file's name, such as overview-desktop-light.png."""
        return f"{self.page}-{self.size}-{self.scheme}.png"


SHOTS = tuple(
    Shot(path, page, size, viewport, scheme, material)
    for path, page in PAGES
    for size, viewport in SIZES
    for scheme, material in SCHEMES
)


def current_quarter(site: Path) -> str:
    """The version versions.json aliases `latest`: the quarter the site opens on."""
    versions = json.loads((site / "versions.json").read_text(encoding="utf-8"))
    for version in versions:
        if "latest" in version.get("aliases", []):
            return str(version["version"])
    raise SystemExit(f"{site / 'versions.json'} names no version as latest")


def take(browser: Browser, url: str, shot: Shot, out: Path) -> Path:
    """Open the shot's page in its own context and save the top of it, the viewport."""
    context = browser.new_context(
        viewport=shot.viewport,
        color_scheme="dark" if shot.scheme == "dark" else "light",
        device_scale_factor=1,
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        response = page.goto(f"{url}{shot.path}")
        if response is None or not response.ok:
            status = "no response" if response is None else response.status
            raise SystemExit(f"{url}{shot.path}: {status}")
        page.wait_for_load_state("networkidle")
        page.wait_for_function(LOADED)
        scheme = page.locator("body").get_attribute("data-md-color-scheme")
        if scheme != shot.material:
            raise SystemExit(f"{shot.name}: the page is in scheme {scheme}, not {shot.material}")
        path = out / shot.name
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        return path
    finally:
        context.close()


def main() -> int:
    """Serve the site, take every screenshot, and say what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=PROJECT / "site", help="a built site folder")
    parser.add_argument("--out", type=Path, default=PROJECT / "docs" / "screenshots")
    arguments = parser.parse_args()
    site: Path = arguments.site
    out: Path = arguments.out
    if not (site / "versions.json").is_file():
        print(f"{site} holds no built site: run `make site` first", file=sys.stderr)
        return 1
    if not CHROMIUM.is_file():
        print(f"{CHROMIUM} is missing: install Debian's chromium package", file=sys.stderr)
        return 1
    quarter = current_quarter(site)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with served(site) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for shot in SHOTS:
                written.append(take(browser, f"{url}{quarter}/", shot, out))
        finally:
            browser.close()
    total = 0
    for path in written:
        size = path.stat().st_size
        total += size
        print(f"wrote {path} ({size // 1024} KB)")
    print(f"{len(written)} screenshots of {quarter}, {total // 1024} KB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
