"""Shared fixtures: write a small repository from {relative path: text} and return its root.

Also the Hypothesis profile (no deadline) and the markers `make test-fast` leaves out.
"""

from __future__ import annotations

import fcntl
import os
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from okrsite.site.charts import switches
from tests.trust import authority, trusted  # noqa: F401 (fixtures: a CA for https test servers)

# The key that signs the build cache's quarters (okrsite/site/builder/cache_key.py) from the
# environment, so no test writes one into the user's state folder; tests of the file set their own.
os.environ["OKRSITE_CACHE_KEY"] = "okrsite-tests"

# A build draws charts without validating their Vega-Lite specs (it costs as much as drawing);
# every chart a test draws in this process is validated against the schema instead.
switches.VALIDATE_SPECS = True

# No Hypothesis deadline in any profile, here or in CI. A deadline fails an example that ran
# longer than 200 ms of wall-clock time, and on a shared 2-core machine (two xdist workers, other
# jobs) the same example takes 50 ms in one run and 300 ms in the next: a miss says the machine
# was busy, not that the code is slow (test_md_text_reads_as_itself_in_a_paragraph failed so on a
# fresh clone, 273 ms against 200). Speed that matters has tests of its own (tests/test_limits.py
# and the benchmarks). Hypothesis loads "ci" when the CI variable is set, "default" otherwise;
# registering the active profile again takes effect at once.
for _profile in ("default", "ci"):
    settings.register_profile(_profile, settings.get_profile(_profile), deadline=None)

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


# --- Markers: `make test-fast` runs pytest -m "not slow and not browser and not server" ---------
# They are given here, not in each file: by module ("*"), by a fixture the test uses, or by the
# test's name. tests/test_markers.py checks that every name still names a module, fixture or
# test, so a rename cannot quietly put a slow test back into the quick loop.

WHOLE_MODULE = "*"

MARKS: dict[str, dict[str, frozenset[str]]] = {
    # Drives headless Chromium.
    "browser": {
        "conftest": frozenset({"demo_sites", "demo_site_url", "engine_site_url"}),
        "test_browser": frozenset({WHOLE_MODULE}),
        "test_browser_quarters": frozenset({WHOLE_MODULE}),
        "test_serve": frozenset({"test_a_browser_shows_the_error_then_reloads_after_the_fix"}),
        "test_clobbering": frozenset(
            {"test_a_page_with_clobbering_markup_keeps_the_themes_configuration"}
        ),
    },
    # Talks to a real Prometheus or to the fake GitHub API (tests/fake_github.py).
    "server": {
        "test_collect_prometheus": frozenset({"prometheus"}),
        "test_collect_github": frozenset({"fake"}),
        "test_collect_demo": frozenset({"github"}),
        "test_collect_metrics": frozenset({"github"}),
    },
    # Large builds: the demo, both engines, a site built two or more times, a build in a child
    # process, Hypothesis's whole repositories, organisations of thousands of units.
    "slow": {
        "test_build_cache": frozenset({WHOLE_MODULE}),
        "test_cache_poisoning": frozenset({"cached"}),
        "test_clobbering": frozenset({"test_clobbering_markup_is_neutralised_in_both_engines"}),
        "test_site": frozenset({WHOLE_MODULE}),
        # Builds okrsite's wheel, installs it in a fresh venv, then inits, checks and builds.
        "test_wheel": frozenset({WHOLE_MODULE}),
        "test_whole_repositories": frozenset({WHOLE_MODULE}),
        "test_engines": frozenset(
            {
                "sites",
                "built",
                "test_the_engine_comes_from_the_option_then_mkdocs_yml",
                "test_a_kept_quarter_is_reused_only_by_the_engine_that_built_it",
            }
        ),
        "test_faults": frozenset(
            {
                "test_a_killed_build_leaves_the_site_and_the_next_clears_up",
                "test_a_full_disk_keeps_the_previous_site",
                "test_workers_die_with_the_build",
                "test_zensicals_process_dies_with_a_killed_build",
            }
        ),
        "test_site_url": frozenset(
            {
                "published",
                "test_another_site_url_rebuilds_every_quarter",
                "test_a_build_for_a_site_url_is_byte_identical_each_time",
                "test_without_a_site_url_the_404_pages_are_plain_and_the_build_warns",
                "test_a_bad_site_url_in_mkdocs_yml_is_one_line_and_the_option_overrides_it",
            }
        ),
        "test_limits": frozenset(
            {
                "test_a_tree_as_deep_as_the_limit_builds_with_its_charts_bounded",
                "test_the_first_and_last_dates_build",
                "test_check_of_2000_teams_under_one_org_is_quick",
                "test_check_of_a_5000_unit_cycle_is_quick_and_names_the_cycle",
                "test_check_of_a_1500_unit_chain_is_quick_and_says_it_is_too_deep",
            }
        ),
        "test_workflows": frozenset(
            {
                "test_publish_build_step_runs_as_written",
                "test_pull_request_steps_run_as_written",
                "test_pull_request_check_step_fails_on_errors_and_still_lists_them",
                "test_due_list_step_writes_the_markdown_and_the_json",
            }
        ),
        "test_charts": frozenset(
            {"test_a_kr_spec_from_its_template_is_the_spec_altair_gives_for_it"}
        ),
        "test_quarter_choice": frozenset({"november_site"}),
    },
}
"""{marker: {test module or "conftest": the modules, fixtures and tests that carry it}}"""


def marks_of(item: pytest.Item) -> list[str]:
    """The markers MARKS gives item, by its module, the fixtures it uses and its name."""
    module = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
    name = getattr(item, "originalname", item.name)
    fixtures = set(getattr(item, "fixturenames", ()))
    marks = []
    for marker, where in MARKS.items():
        names = where.get(module, frozenset()) | where.get("conftest", frozenset())
        if WHOLE_MODULE in names or name in names or names & fixtures:
            marks.append(marker)
    return marks


@pytest.hookimpl(tryfirst=True)  # before -m deselects by them
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for marker in marks_of(item):
            item.add_marker(marker)
