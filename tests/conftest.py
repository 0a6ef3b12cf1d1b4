"""Shared fixtures: write a small repository from {relative path: text} and return its root."""

from __future__ import annotations

import fcntl
import os
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import pytest

from okrsite.site.charts import switches

# A build draws charts without validating their Vega-Lite specs (it costs as much as drawing);
# every chart a test draws in this process is validated against the schema instead.
switches.VALIDATE_SPECS = True

ORG_YAML = """\
name: Acme Engineering
units:
  - id: eng
    name: Engineering
    kind: org
  - id: platform
    name: Platform
    kind: group
    parent: eng
  - id: payments
    name: Payments
    kind: team
    parent: platform
"""

PAYMENTS_YAML = """\
objectives:
  - id: delivery
    title: Ship features from idea to production faster
    domain: delivery
    key_results:
      - id: lead-time
        title: Reduce median lead time for changes from 12 days to 5 days
        owner: Sam Lee
        measurement: Deployment pipeline, median over merged changes
        unit: days
        baseline: 12
        target: 5
      - id: change-failure-rate
        kind: guardrail
        title: Keep change failure rate below 5%
        owner: Sam Lee
        measurement: Incident tracker
        baseline: 4.2
        max: 5
"""

PAYMENTS_CSV = """\
date,kr,value,confidence,note,blockers
2026-10-15,delivery/lead-time,10,0.6,Review latency is the bottleneck,
2026-11-15,delivery/lead-time,8,0.7,,
2026-10-15,delivery/change-failure-rate,4.0,,,
"""

MINIMAL: dict[str, str] = {
    "okrs/org.yaml": ORG_YAML,
    "okrs/2026-Q4/payments.yaml": PAYMENTS_YAML,
    "okrs/2026-Q4/payments.csv": PAYMENTS_CSV,
}
"""A small valid repository: one org, one group, one team with one objective in 2026-Q4."""

WriteRepo = Callable[..., Path]


@pytest.fixture
def write_repo(tmp_path: Path) -> WriteRepo:
    """Write files {relative path: text or bytes} under a fresh root and return the root.

    Text is dedented, so tests can indent their inline YAML and CSV.
    """

    def write(files: Mapping[str, str | bytes], root: Path | None = None) -> Path:
        base = root or tmp_path / "repo"
        for relative, content in files.items():
            path = base / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8", newline="")
        base.mkdir(parents=True, exist_ok=True)
        return base

    return write


PROJECT = Path(__file__).resolve().parent.parent
DEMO_AS_OF = date(2026, 11, 27)
DEMO_SITE_URL = "https://example.github.io/okrs/"


def require_chromium() -> None:
    """Skip without Debian's Chromium locally; in CI its absence is a failure, never a skip."""
    from scripts.browser import CHROMIUM

    if CHROMIUM.is_file():
        return
    reason = f"{CHROMIUM} is missing; install Debian's chromium package to run the browser test"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def shared_demo(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    """The demo's site built with engine for DEMO_SITE_URL as of DEMO_AS_OF, once per run: the
    first xdist worker to need it builds it, under a lock, into the folder the run's workers
    share; the others read the same files."""
    from okrsite.pipeline import build_site

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this run's folder, above each worker's own
    out = shared / f"demo-site-{engine}"
    with (shared / f"demo-site-{engine}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "versions.json").is_file():
            build_site(
                PROJECT,
                out,
                as_of=DEMO_AS_OF,
                today=DEMO_AS_OF,
                site_url=DEMO_SITE_URL,
                engine=engine,
            )
    return out


@contextmanager
def served_demo(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[str]:
    """The shared demo built with engine, served under DEMO_SITE_URL's path on 127.0.0.1."""
    from okrsite.site.builder.site_url import url_path
    from scripts.browser import served

    require_chromium()
    with served(shared_demo(tmp_path_factory, engine), url_path(DEMO_SITE_URL)) as url:
        yield url


@pytest.fixture(scope="session")
def demo_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """The served demo's address by engine, each built and served once, when first asked for."""
    with ExitStack() as stack:
        urls: dict[str, str] = {}

        def url(engine: str) -> str:
            if engine not in urls:
                urls[engine] = stack.enter_context(served_demo(tmp_path_factory, engine))
            return urls[engine]

        yield url


@pytest.fixture(scope="session")
def demo_site_url(demo_sites: Callable[[str], str]) -> str:
    """The demo built by MkDocs, the default engine, and served (see served_demo)."""
    return demo_sites("mkdocs")


@pytest.fixture(params=["mkdocs", "zensical"])
def engine_site_url(request: pytest.FixtureRequest, demo_sites: Callable[[str], str]) -> str:
    """The demo built by each engine in turn, and served: for the tests both engines must pass."""
    return demo_sites(request.param)
