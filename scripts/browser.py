"""Debian's headless Chromium, offline, and a built site served for it: shared by the browser
test and the screenshot script."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Playwright

from okrsite.site.serve import start_server

CHROMIUM = Path("/usr/bin/chromium")
# axe-core from the npm registry (tests/axe/package-lock.json), installed by `make test`.
AXE = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "axe"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
# No sandbox (root in CI), no GPU, and no background calls home: the machine has no network.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium through Playwright; Playwright's own browser download is never used."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))


@contextmanager
def served(folder: Path, base_path: str = "/") -> Iterator[str]:
    """Serve folder on an ephemeral port of 127.0.0.1 while the block runs; yields its URL.

    base_path: the path to serve it under, site_url's for a site built with one (`/okrs/`).
    """
    server = start_server(folder, 0, base_path=base_path)
    try:
        yield f"http://127.0.0.1:{server.server_port}{base_path}"
    finally:
        server.shutdown()
        server.server_close()
