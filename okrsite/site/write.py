"""The versioned site: every quarter built with MkDocs, versions.json, latest/ and index.html.

The one place that writes the output folder. Everything is computed first, built into a sibling
temporary folder, then swapped in, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from okrsite.load.schemas import render, schemas
from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONTENT_DIR
from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Problem, about
from okrsite.model.scores import QuarterResult
from okrsite.site.engine import INTRO_PAGE, Progress, QuarterPlan, build_quarter, directory_urls
from okrsite.site.markup import html_text
from okrsite.site.pages import QuarterSite, quarter_pages

LATEST = "latest"


def _ignore(_message: str) -> None:
    """The default progress callback: say nothing."""


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
    urls_are_folders = directory_urls(root)
    current = repository.current_quarter()
    sites = [
        QuarterSite(
            repository=repository,
            results=tuple(results),
            quarter_id=result.quarter.id,
            problems=about(problems, result.quarter.id),
            intro=intro,
            directory_urls=urls_are_folders,
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
            build_quarter(root, staging / plan.quarter.id, plan, repository, progress)
        current = next(p for p in plans if p.current)
        shutil.copytree(staging / current.quarter.id, staging / LATEST)
        (staging / "versions.json").write_text(versions_json(plans), encoding="utf-8")
        (staging / "index.html").write_text(redirect_html(current.quarter), encoding="utf-8")
        # Editors can point at the published schemas.
        (staging / "schemas").mkdir()
        for name, schema in sorted(schemas().items()):
            (staging / "schemas" / name).write_text(render(schema), encoding="utf-8", newline="\n")
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
