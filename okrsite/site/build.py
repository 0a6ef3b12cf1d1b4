"""The versioned site: every quarter built with MkDocs, versions.json, latest/ and index.html.

The one place that writes the output folder. Everything is computed first, built into a sibling
temporary folder, then swapped in, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from okrsite.model import clock
from okrsite.check.rules import check_loaded
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.score.history import score_all
from okrsite.load.repository import load
from okrsite.site.markup import html_text
from okrsite.model.okrs import Org, Quarter, Repository
from okrsite.model.problems import Problem
from okrsite.site.pages import QuarterSite, quarter_pages
from okrsite.model.scores import QuarterResult
from okrsite.load.schemas import write_schemas

Progress = Callable[[str], None]
"""Receives one line per quarter and phase; the CLI prints it, the library never does."""

CONFIG_FILE = "mkdocs.yml"
CONTENT_DIR = "content"
INTRO_PAGE = "index.md"  # content/index.md is the overview's introduction, not a page
LATEST = "latest"


@dataclass(frozen=True)
class QuarterPlan:
    """One quarter ready to build: its pages and where its site goes."""

    quarter: Quarter
    as_of: date
    pages: dict[str, str]
    current: bool

    @property
    def charts(self) -> int:
        """How many charts the quarter has (each is a light and a dark SVG)."""
        return sum(1 for p in self.pages if p.startswith("charts/") and p.endswith("-light.svg"))

    @property
    def markdown_pages(self) -> int:
        """How many Markdown pages were generated for the quarter."""
        return sum(1 for p in self.pages if p.endswith(".md"))


def _ignore(_message: str) -> None:
    """The default progress callback: say nothing."""


def build_site(
    root: Path,
    out: Path,
    *,
    as_of: date | None = None,
    today: date | None = None,
    progress: Progress = _ignore,
    workers: int | None = None,
) -> tuple[QuarterPlan, ...]:
    """Load, check and score the repository at root, then write its versioned site to out.

    workers: processes building quarters side by side (see plan_quarters); 1 for none.
    """
    today = today if today is not None else clock.today()
    loaded = load(root)  # read once: the check and the build share it
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    problems = tuple(check_loaded(loaded, root, today))
    results = score_all(loaded.repository, as_of, today)
    return write_site(
        root, out, loaded.repository, results, problems, progress=progress, workers=workers
    )


def quarter_problems(problems: Sequence[Problem], quarter_id: str) -> tuple[Problem, ...]:
    """The findings about this quarter's files and org.yaml."""
    return tuple(
        p
        for p in problems
        if p.location.path == "okrs/org.yaml" or p.location.path.startswith(f"okrs/{quarter_id}/")
    )


def plan_quarters(
    root: Path,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    progress: Progress = _ignore,
    workers: int | None = None,
) -> tuple[QuarterPlan, ...]:
    """Every quarter's pages, computed before anything is written.

    workers: how many processes build quarters side by side; None for one per core (at most
    one per quarter), 1 to build in this process only.
    """
    intro_path = root / CONTENT_DIR / INTRO_PAGE
    intro = intro_path.read_text(encoding="utf-8") if intro_path.is_file() else ""
    directory_urls = _directory_urls(root)
    current = repository.current_quarter()
    sites = [
        QuarterSite(
            repository=repository,
            results=tuple(results),
            quarter_id=result.quarter.id,
            problems=quarter_problems(problems, result.quarter.id),
            intro=intro,
            directory_urls=directory_urls,
        )
        for result in results
    ]
    wanted = (os.cpu_count() or 1) if workers is None else workers
    workers = min(len(sites), wanted)  # a process per quarter at most
    plans: list[QuarterPlan] = []
    for number, (result, pages) in enumerate(
        zip(results, _all_pages(sites, workers, progress), strict=True), start=1
    ):
        quarter = result.quarter
        plan = QuarterPlan(quarter, result.as_of, pages, current is not None and current == quarter)
        progress(
            f"building {quarter.id} ({number}/{len(results)}): "
            f"{plan.markdown_pages} pages, {plan.charts} charts"
        )
        plans.append(plan)
    return tuple(plans)


def _cost(site: QuarterSite) -> int:
    """A quarter's share of the work, for scheduling: charts dominate, one per KR and unit."""
    result = next(r for r in site.results if r.quarter.id == site.quarter_id)
    return len(result.key_results()) + len(result.units)


def _all_pages(
    sites: Sequence[QuarterSite], workers: int, progress: Progress
) -> Iterator[dict[str, str]]:
    """Each quarter's pages, in the order of sites, made in worker processes where possible.

    Rendering charts (vl-convert) is most of a build and holds one core; quarters are
    independent, so they are built side by side, largest first so the last one to start is
    small. Results are yielded in the order of sites, so the output does not depend on which
    process finishes first. Without working processes (a sandbox without semaphores, a worker
    that died, or this being a worker already) the quarters are built here, one after the other.
    """
    if workers <= 1 or multiprocessing.parent_process() is not None:
        yield from map(quarter_pages, sites)
        return
    try:
        # spawn, not fork: forking a process whose vl-convert runtime has threads can hang.
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, NotImplementedError, ImportError):
        yield from map(quarter_pages, sites)
        return
    progress(f"building {len(sites)} quarters' pages and charts in {workers} processes")
    with pool:
        order = sorted(range(len(sites)), key=lambda i: (-_cost(sites[i]), i))
        futures = {i: pool.submit(quarter_pages, sites[i]) for i in order}
        done = 0
        try:
            for i in range(len(sites)):
                pages = futures[i].result()
                done += 1
                yield pages
        except BrokenProcessPool:
            progress("the worker processes stopped; building the remaining quarters here")
            yield from map(quarter_pages, sites[done:])
        finally:
            for future in futures.values():
                future.cancel()


def write_site(
    root: Path,
    out: Path,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    *,
    progress: Progress = _ignore,
    workers: int | None = None,
) -> tuple[QuarterPlan, ...]:
    """Build every quarter into a temporary sibling of out, then swap it in."""
    if not results:
        raise OkrsiteError("okrs/ has no quarter folder (such as okrs/2026-Q4/) to publish")
    plans = plan_quarters(root, repository, results, problems, progress, workers)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
    try:
        for number, plan in enumerate(plans, start=1):
            progress(f"rendering {plan.quarter.id} ({number}/{len(plans)}) with MkDocs")
            _build_quarter(root, staging / plan.quarter.id, plan, repository, progress)
        current = next(p for p in plans if p.current)
        shutil.copytree(staging / current.quarter.id, staging / LATEST)
        (staging / "versions.json").write_text(versions_json(plans), encoding="utf-8")
        (staging / "index.html").write_text(redirect_html(current.quarter), encoding="utf-8")
        write_schemas(staging / "schemas")  # editors can point at the published schemas
        staging.chmod(0o755)  # mkdtemp's 0700 would surprise whoever serves the folder
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(f"wrote {out}")
    return plans


def versions_json(plans: Sequence[QuarterPlan]) -> str:
    """mike's versions.json: newest first; the current quarter carries the alias latest."""
    versions = [
        {
            "version": p.quarter.id,
            "title": p.quarter.title,
            "aliases": [LATEST] if p.current else [],
        }
        for p in sorted(plans, key=lambda p: p.quarter.id, reverse=True)
    ]
    return json.dumps(versions, indent=2) + "\n"


def redirect_html(current: Quarter) -> str:
    """The root page: sends the reader to latest/ with a meta refresh and a plain link."""
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>Redirecting to the current quarter</title>\n"
        f'<link rel="icon" href="{LATEST}/assets/images/favicon.png">\n'  # no /favicon.ico 404
        f'<meta http-equiv="refresh" content="0; url={LATEST}/">\n'
        f'<link rel="canonical" href="{LATEST}/">\n'
        "</head>\n"
        "<body>\n"
        f'<p><a href="{LATEST}/">Go to the current quarter, {html_text(current.title)}</a>.</p>\n'
        "</body>\n"
        "</html>\n"
    )


def _swap(staging: Path, out: Path) -> None:
    """Replace out with staging: rename the old aside, rename the new in, delete the old."""
    if not out.exists():
        staging.rename(out)
        return
    aside = Path(tempfile.mkdtemp(prefix=f"{out.name}.old-", dir=out.parent))
    aside.rmdir()
    out.rename(aside)
    try:
        staging.rename(out)
    except OSError:
        aside.rename(out)  # put the previous site back before failing
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _load_config(root: Path, docs_dir: Path, site_dir: Path, **overrides: Any) -> Any:
    """The repository's mkdocs.yml, loaded by MkDocs, or a located error."""
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise OkrsiteError(f"{CONFIG_FILE}: not found in {root}; the site needs one")
    with _collect_logs() as messages:
        try:
            return load_config(
                config_file=str(config_file),
                docs_dir=str(docs_dir),
                site_dir=str(site_dir),
                **overrides,
            )
        except MkDocsException as error:
            details = "; ".join(messages) or str(error)
            raise OkrsiteError(f"{CONFIG_FILE}: {details}") from error
        except (OSError, ValueError) as error:
            raise OkrsiteError(f"{CONFIG_FILE}: cannot load: {error}") from error


def _directory_urls(root: Path) -> bool:
    """mkdocs.yml's use_directory_urls, which decides where each page's HTML lands."""
    with tempfile.TemporaryDirectory(prefix="okrsite-config-") as scratch:
        docs = Path(scratch) / "docs"
        docs.mkdir()
        return bool(_load_config(root, docs, Path(scratch) / "site").use_directory_urls)


def _content_files(root: Path) -> list[tuple[str, Path]]:
    """content/'s files by relative POSIX path, sorted; content/index.md is the intro."""
    content = root / CONTENT_DIR
    if not content.is_dir():
        return []
    files = sorted(
        (p.relative_to(content).as_posix(), p)
        for p in content.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(content).parts)
    )
    return [(relative, path) for relative, path in files if relative != INTRO_PAGE]


def _nav(plan: QuarterPlan, org: Org, content: Sequence[str]) -> list[Any]:
    """The navigation: the generated pages in a fixed order, then content/'s pages."""
    pages = plan.pages
    # Units in org.yaml's order, as the overview lists them: the org first, then each group.
    units = [f"units/{u.id}.md" for u in org.units if f"units/{u.id}.md" in pages]
    nav: list[Any] = [{"Overview": "index.md"}, {"Units": units}]
    nav += [{"Alignment": "alignment.md"}, {"Checks": "checks.md"}]
    if "review.md" in pages:
        nav.append({"Quarter in review": "review.md"})
    nav.append({"Archive": "archive.md"})
    sections: dict[str, list[str]] = {}
    for relative in (c for c in content if c.endswith(".md")):
        folder, _, _ = relative.rpartition("/")
        if not folder:
            nav.append(relative)
        else:
            sections.setdefault(folder, []).append(relative)
    for folder, members in sections.items():
        nav.append({folder.replace("/", " / ").replace("-", " ").capitalize(): members})
    return nav


@contextmanager
def _build_date(day: date) -> Iterator[None]:
    """Pin MkDocs' build date (sitemap lastmod, gzip mtime) to the quarter's as-of date."""
    # MkDocs reads SOURCE_DATE_EPOCH from the environment; nothing else pins it.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.combine(day, time(), UTC).timestamp()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors instead of letting them reach the console."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collect_logs() -> Iterator[list[str]]:
    """MkDocs' warnings while the block runs; the library reports them, never prints them."""
    messages: list[str] = []
    logger = logging.getLogger("mkdocs")
    handler = _Collect(messages)
    logger.addHandler(handler)
    # Without this, mkdocs' own handlers (if a caller set them up) would print them too.
    propagate, logger.propagate = logger.propagate, False
    try:
        yield messages
    finally:
        logger.propagate = propagate
        logger.removeHandler(handler)


def _build_quarter(
    root: Path, site_dir: Path, plan: QuarterPlan, repository: Repository, progress: Progress
) -> None:
    """Write the quarter's pages and content/ into a docs folder and build it with MkDocs."""
    content = _content_files(root)
    with tempfile.TemporaryDirectory(prefix="okrsite-docs-") as docs_name:
        docs = Path(docs_name)
        for relative, text in sorted(plan.pages.items()):
            target = docs / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        for relative, path in content:
            if relative in plan.pages:
                raise OkrsiteError(
                    f"{CONTENT_DIR}/{relative}: clashes with the generated page {relative}; "
                    "rename it"
                )
            target = docs / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        config = _load_config(
            root,
            docs,
            site_dir,
            site_name=html_text(repository.org.name),
            nav=_nav(plan, repository.org, [relative for relative, _ in content]),
        )
        current = repository.current_quarter()
        config.extra["okrsite"] = {
            "quarter": plan.quarter.title,
            "archive": plan.quarter.closed and not plan.current,
            "current": current.title if current else plan.quarter.title,
        }
        with _collect_logs() as messages:
            try:
                with _build_date(plan.as_of):
                    config.plugins.on_startup(command="build", dirty=False)
                    try:
                        mkdocs_build(config)
                    finally:
                        config.plugins.on_shutdown()
            except MkDocsException as error:
                details = "; ".join(messages) or str(error)
                raise OkrsiteError(
                    f"MkDocs could not build {plan.quarter.id}: {details}"
                ) from error
            except jinja2.TemplateError as error:
                raise OkrsiteError(
                    f"theme/: template error building {plan.quarter.id}: {error}"
                ) from error
        for message in messages:
            progress(f"warning: {plan.quarter.id}: {message}")
