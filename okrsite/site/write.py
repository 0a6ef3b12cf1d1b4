"""The versioned site: every quarter built with MkDocs, versions.json, latest/, index.html and
404.html, for the site_url it is published at (site_url.py).

The one place that writes the output folder. Everything is built into a sibling temporary folder,
then swapped in, so a failed build leaves the previous site as it was. A quarter whose inputs are
unchanged since a build that kept it (quarter_cache) is copied instead of built; the others are
made in worker processes and go to MkDocs one by one as they are ready.

One build of a folder at a time: a build holds a lock beside it (`.<name>.lock`) from start to
end, and a second build waits for it. Holding the lock, a build first repairs what an earlier,
killed build left: the previous site put back if the kill fell between the swap's two renames,
and the temporary folders removed. Every scratch file of a build lives in its temporary folder
beside the output, so nothing is left in the system's temporary folder.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from okrsite.load.schemas import render, schemas
from okrsite.load.tree import write_reason
from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CODES_PAGE, CONTENT_DIR
from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Problem, about
from okrsite.model.scores import QuarterResult
from okrsite.site.chart_cache import ChartCache
from okrsite.site.children import die_with_parent
from okrsite.site.engine import INTRO_PAGE, Progress, QuarterPlan
from okrsite.site.engines import (
    DEFAULT_ENGINE,
    NAMES,
    BuildQuarter,
    Engine,
    SiteRoot,
    resolve_engine,
)
from okrsite.site.engines import mkdocs as mkdocs_engine
from okrsite.site.engines import zensical as zensical_engine
from okrsite.site.fingerprint import site_fingerprint
from okrsite.site.markup import html_text
from okrsite.site.not_found import write_root_not_found
from okrsite.site.pages import QuarterSite, quarter_pages
from okrsite.site.quarter_cache import QuarterCache, quarter_key, result_digests
from okrsite.site.site_url import MISSING, quarter_url, resolve_site_url

if sys.platform != "win32":
    import fcntl

LATEST = "latest"
Tick = Callable[[int, int], None]
"""Told (done, total) as a build makes and builds unit pages: what a progress bar shows."""
STAGED = "site"
"""The new site inside a build's temporary folder, beside the build's scratch folders."""
BUILDERS: dict[Engine, BuildQuarter] = {
    "mkdocs": mkdocs_engine.build_quarter,
    "zensical": zensical_engine.build_quarter,
}
"""Each engine's build_quarter: one quarter's docs folder into its site, the same arguments."""
SITE_ROOTS: dict[Engine, SiteRoot] = {
    "mkdocs": mkdocs_engine.site_root,
    "zensical": zensical_engine.site_root,
}
"""Each engine's site_root: how a page links out of its quarter to another quarter's site."""


def _ignore(_message: str) -> None:
    """The default progress callback: say nothing."""


def quarter_sites(
    root: Path,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    scratch: Path | None = None,
    engine: Engine = DEFAULT_ENGINE,
) -> tuple[QuarterSite, ...]:
    """What each quarter's pages are made from: the quarter and those before it in full, later
    quarters by name only (see pages.archive_page), the check's findings for it, the intro, and
    how engine reads a link to another quarter."""
    intro_path = root / CONTENT_DIR / INTRO_PAGE
    intro = intro_path.read_text(encoding="utf-8") if intro_path.is_file() else ""
    # The checks page links each code to its section where the site carries the check codes.
    codes = CODES_PAGE if (root / CONTENT_DIR / CODES_PAGE).is_file() else ""
    site_root = SITE_ROOTS[engine](root, scratch)
    ordered = tuple(results)
    return tuple(
        QuarterSite(
            org=repository.org,
            results=ordered[: index + 1],
            quarter_id=result.quarter.id,
            problems=about(problems, result.quarter.id),
            intro=intro,
            codes_page=codes,
            site_root=site_root,
            later=tuple((r.quarter.id, r.quarter.title) for r in ordered[index + 1 :]),
        )
        for index, result in enumerate(ordered)
    )


def plan_quarters(
    root: Path,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    progress: Progress = _ignore,
    workers: int | None = None,
    scratch: Path | None = None,
    *,
    today: date,
    cache: Path | None = None,
    engine: Engine = DEFAULT_ENGINE,
) -> tuple[QuarterPlan, ...]:
    """Every quarter's pages, computed before anything is written.

    workers: how many processes build quarters side by side; None for one per core (at most
    one per quarter), 1 to build in this process only. scratch: where to make temporary
    folders (default: the system's temporary folder). today: the run's today, which picks the
    current quarter (contract section 4), the one latest/ and index.html lead to. cache: the
    folder keeping drawn charts between builds (default: none; every chart is drawn). engine:
    the engine the pages are for (they link to other quarters as it reads links).
    """
    sites = quarter_sites(root, repository, results, problems, scratch, engine)
    current = repository.current_quarter(today)
    return tuple(_plans(sites, current, progress, workers, cache, Tally()))


@dataclass
class Tally:
    """What a build did, for its closing line: quarters built and reused, charts drawn and
    taken from the cache, how many unit pages are done out of all, for a progress bar, and the
    site_url it was built for (None without one)."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    charts_drawn: int = 0
    charts_cached: int = 0
    done: int = 0
    total: int = 0
    tick: Tick | None = None
    site_url: str | None = None
    engine: Engine = DEFAULT_ENGINE

    def advance(self, steps: int) -> None:
        """Count steps done and tell the progress display."""
        self.done += steps
        if self.tick is not None and steps:
            self.tick(min(self.done, self.total), self.total)


def _plans(
    sites: Sequence[QuarterSite],
    current: Quarter | None,
    progress: Progress,
    workers: int | None,
    cache: Path | None,
    tally: Tally,
) -> Iterator[QuarterPlan]:
    """Each site's plan, in order, as soon as it is ready; the pages made in worker processes
    where there are several quarters and cores, and enough to draw (PARALLEL_COST)."""
    wanted = (os.cpu_count() or 1) if workers is None else workers
    if workers is None and sum(_cost(site) for site in sites) < PARALLEL_COST:
        wanted = 1  # too little to draw to pay for starting the processes
    processes = min(len(sites), wanted)  # a process per quarter at most
    # closing: an interrupted loop stops the worker processes at once, not when collected.
    with closing(_all_pages(sites, processes, progress, cache, tally)) as all_pages:
        for number, (site, pages) in enumerate(zip(sites, all_pages, strict=True), start=1):
            result = site.results[-1]
            quarter = result.quarter
            plan = QuarterPlan(
                quarter, result.as_of, pages, current is not None and current.id == quarter.id
            )
            progress(
                f"building {quarter.id} ({number}/{len(sites)}): "
                f"{plan.markdown_pages} pages, {plan.charts} charts"
            )
            yield plan


PARALLEL_COST = 100
"""The least work (KRs and units, about a chart each; see _cost) worth worker processes when the
caller leaves their number to the build. Each one starts by importing Altair and vl-convert, a
second or more of a core: two quarters of one team took 4.5 s in two processes and 1.9 s in
this one, and the demo's three quarters (about 150) about the same either way."""


def _cost(site: QuarterSite) -> int:
    """A quarter's share of the work, for scheduling: charts dominate, one per KR and unit."""
    result = site.results[-1]
    return len(result.key_results()) + len(result.units)


_TICKS: Any = None
"""In a worker process: the queue its finished unit pages are counted on (see _worker_started)."""


def _tick() -> None:
    """Count one finished unit page on the parent's queue."""
    if _TICKS is not None:
        _TICKS.put(1)


def _pages_in_worker(site: QuarterSite, cache: Path | None) -> tuple[dict[str, str], int, int]:
    """A quarter's pages made in a worker process, with the charts it drew and found cached."""
    charts = ChartCache(cache)
    pages = quarter_pages(site, charts, done=_tick)
    return pages, charts.misses, charts.hits


def _all_pages(
    sites: Sequence[QuarterSite],
    workers: int,
    progress: Progress,
    cache: Path | None,
    tally: Tally,
) -> Generator[dict[str, str], None, None]:
    """Each quarter's pages, in the order of sites, made in worker processes where possible.

    Rendering charts (vl-convert) is most of a build and holds one core; quarters are
    independent, so they are made side by side, and each is yielded, for MkDocs, while the
    workers go on with the next. Results are yielded in the order of sites, so the output does
    not depend on which process finishes first. Without working processes (a sandbox without
    semaphores, a worker that died, or this being a worker already) the quarters are made here,
    one after the other.
    """

    def here(site: QuarterSite) -> dict[str, str]:
        charts = ChartCache(cache)
        pages = quarter_pages(site, charts, done=lambda: _count(tally, 1))
        tally.charts_drawn += charts.misses
        tally.charts_cached += charts.hits
        return pages

    if workers <= 1 or multiprocessing.parent_process() is not None:
        yield from map(here, sites)
        return
    context = multiprocessing.get_context("spawn")
    try:
        ticks = context.Queue()
        # spawn, not fork: forking a process whose vl-convert runtime has threads can hang.
        pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_started, initargs=(os.getpid(), ticks)
        )
    except (OSError, NotImplementedError, ImportError):
        yield from map(here, sites)
        return
    progress(f"building {len(sites)} quarters' pages and charts in {workers} processes")
    with pool:
        try:
            futures: dict[int, Future[tuple[dict[str, str], int, int]]] = {}
            done = 0
            try:
                for i in range(len(sites)):
                    # Keep every worker busy and one quarter queued, no more: each waiting
                    # quarter holds its pages, charts and all, in memory.
                    for ahead in range(i, min(i + workers + 1, len(sites))):
                        if ahead not in futures:
                            futures[ahead] = pool.submit(_pages_in_worker, sites[ahead], cache)
                    while True:
                        try:
                            pages, drawn, cached = futures[i].result(timeout=0.2)
                            break
                        except TimeoutError:
                            _drain(ticks, tally)
                    _drain(ticks, tally)
                    tally.charts_drawn += drawn
                    tally.charts_cached += cached
                    del futures[i]
                    done += 1
                    yield pages
            except BrokenProcessPool:
                progress("the worker processes stopped; building the remaining quarters here")
                yield from map(here, sites[done:])
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM, an error, the caller gone): without this, leaving
            # the block would wait for each worker to draw the rest of its quarter's charts.
            _stop_workers(pool)
            raise
        finally:
            ticks.close()
            ticks.cancel_join_thread()


def _count(tally: Tally, pages: int) -> None:
    """Count finished unit pages."""
    tally.advance(pages)


def _drain(ticks: Any, tally: Tally) -> None:
    """Count every page the workers have reported so far, without waiting."""
    while True:
        try:
            tally.advance(ticks.get_nowait())
        except (queue.Empty, OSError, ValueError):
            return


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's processes now and shut it down."""
    # No public way before Python 3.14's kill_workers(); shutdown() forgets _processes.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with suppress(OSError, ValueError):  # already gone, or already closed
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _worker_started(parent: int, ticks: Any = None) -> None:
    """In each worker process: leave Ctrl-C to the parent, and die when the parent does; count
    finished pages on ticks.

    The parent stops its workers when it is interrupted; when it is killed outright (SIGKILL,
    a crash) Linux kills them (PR_SET_PDEATHSIG), and elsewhere a thread that sees the
    process's parent change ends it within a second.
    """
    global _TICKS
    _TICKS = ticks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        _die()
    threading.Thread(
        target=_watch_parent, args=(parent,), name="okrsite-orphan", daemon=True
    ).start()


def _watch_parent(parent: int) -> None:
    """End this worker process once its parent is gone (it is then re-parented)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    _die()


def _die() -> None:
    """End this orphaned worker at once, as PR_SET_PDEATHSIG does: no cleanup is owed."""
    os.kill(os.getpid(), signal.SIGKILL)


def write_site(
    root: Path,
    out: Path,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    *,
    today: date,
    progress: Progress = _ignore,
    workers: int | None = None,
    cache: Path | None = None,
    tick: Tick | None = None,
    site_url: str | None = None,
    engine: str | None = None,
) -> Tally:
    """Build every quarter into a temporary sibling of out, then swap it in.

    today: the run's today, which picks the current quarter (see plan_quarters). cache: the
    folder keeping drawn charts and built quarters between builds (None: build everything).
    tick: told (done, total) as unit pages are made and built, for a progress bar. site_url:
    where the site is published (`--site-url`), over mkdocs.yml's own. engine: mkdocs or
    zensical (`--engine`), over mkdocs.yml's `extra.okrsite.engine`.

    Holds out's lock throughout, waiting for another build of out to finish first. Any
    OSError (a folder that cannot be written, a full disk) is an OkrsiteError naming out.
    """
    if not results:
        raise OkrsiteError("okrs/ has no quarter folder (such as okrs/2026-Q4/) to publish")
    out = _absolute(out)
    tally = Tally(
        tick=tick,
        site_url=resolve_site_url(root, site_url),
        engine=resolve_engine(root, engine),
    )
    if tally.engine == "zensical":
        zensical_engine.require_zensical()  # before any chart is drawn
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _check_replaceable(out)  # before any leftover beside it is touched
        with _build_lock(out, progress, wait=True):
            _recover(out, progress)
            _check_replaceable(out)  # again: another build may have changed it meanwhile
            work = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
            try:
                sites = quarter_sites(root, repository, results, problems, work, tally.engine)
                _build(root, work, sites, repository, today, progress, workers, cache, tally)
                _swap(work / STAGED, out)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    except OSError as error:
        raise OkrsiteError(
            f"cannot build the site into {out}: {write_reason(error, out)}"
        ) from error
    if tally.site_url is None:  # after the build: a failed one says only why it failed
        progress(MISSING)
    progress(f"wrote {out}")
    return tally


def _build(
    root: Path,
    work: Path,
    sites: Sequence[QuarterSite],
    repository: Repository,
    today: date,
    progress: Progress,
    workers: int | None,
    cache: Path | None,
    tally: Tally,
) -> None:
    """The whole site in work/site: every quarter (reused from the cache where unchanged, else
    planned and built with MkDocs), latest/, 404.html, versions.json, index.html, schemas."""
    staging = work / STAGED
    staging.mkdir()
    quarters = [site.results[-1].quarter for site in sites]
    current = repository.current_quarter(today) or quarters[-1]
    kept = QuarterCache(cache)
    fingerprint = site_fingerprint(root)
    digests = result_digests(sites[-1].results)
    keys: dict[str, str] = {}
    wanted: list[QuarterSite] = []
    restoring: dict[str, Future[bool]] = {}
    # Kept quarters are copied and checked in a thread, on the core that building the changed
    # quarter leaves idle: at 200 teams, seven closed quarters are 230 MB to read and digest.
    with ThreadPoolExecutor(1, thread_name_prefix="okrsite-restore") as restorer:
        for site in sites:
            result = site.results[-1]
            quarter = result.quarter
            keys[quarter.id] = quarter_key(
                site,
                digests,
                site_fingerprint=fingerprint,
                as_of=result.as_of,
                current=current,
                archive=quarter.closed and quarter.id != current.id,
                site_url=quarter_url(tally.site_url, quarter.id),
                engine=tally.engine,
            )
            if kept.has(quarter.id, keys[quarter.id]):
                target = staging / quarter.id
                restoring[quarter.id] = restorer.submit(
                    kept.restore, quarter.id, keys[quarter.id], target
                )
            else:
                wanted.append(site)
        _build_quarters(root, staging, work, wanted, repository, current, progress, workers,
                        cache, tally, keys, kept)  # fmt: skip
        damaged = []
        for site in sites:
            quarter_id = site.results[-1].quarter.id
            if quarter_id not in restoring:
                continue
            if restoring[quarter_id].result():
                tally.reused.append(quarter_id)
                progress(f"reused {quarter_id}: unchanged since it was last built")
            else:
                progress(f"rebuilding {quarter_id}: its kept copy did not match its manifest")
                damaged.append(site)
    if damaged:
        _build_quarters(root, staging, work, damaged, repository, current, progress, workers,
                        cache, tally, keys, kept)  # fmt: skip
    write_latest(staging, current)
    write_root_not_found(staging, current.id, repository.org.name, tally.site_url)
    (staging / "versions.json").write_text(versions_json(quarters, current), encoding="utf-8")
    (staging / "index.html").write_text(redirect_html(current), encoding="utf-8")
    # Editors can point at the published schemas.
    (staging / "schemas").mkdir()
    for name, schema in sorted(schemas().items()):
        (staging / "schemas" / name).write_text(render(schema), encoding="utf-8", newline="\n")


def _build_quarters(
    root: Path,
    staging: Path,
    work: Path,
    wanted: Sequence[QuarterSite],
    repository: Repository,
    current: Quarter,
    progress: Progress,
    workers: int | None,
    cache: Path | None,
    tally: Tally,
    keys: Mapping[str, str],
    kept: QuarterCache,
) -> None:
    """Plan and build each wanted quarter into staging with the build's engine, and keep it in
    the cache."""
    # Each unit page counts twice: once made (with its charts), once built by the engine.
    tally.total += 2 * sum(len(site.results[-1].units) for site in wanted)
    tally.advance(0)
    for number, plan in enumerate(_plans(wanted, current, progress, workers, cache, tally), 1):
        progress(f"rendering {plan.quarter.id} ({number}/{len(wanted)}) with {NAMES[tally.engine]}")
        BUILDERS[tally.engine](
            root,
            staging / plan.quarter.id,
            plan,
            repository,
            progress,
            scratch=work,
            current=current,
            built_page=lambda: tally.advance(1),
            site_url=quarter_url(tally.site_url, plan.quarter.id),
        )
        kept.store(plan.quarter.id, keys[plan.quarter.id], staging / plan.quarter.id)
        tally.built.append(plan.quarter.id)


LATEST_FILES = ("scores.json",)
"""Files of the current quarter copied into latest/ as they are, for scripts that fetch them."""


def write_latest(staging: Path, current: Quarter) -> None:
    """latest/: a redirect page for every page of the current quarter, as mike's
    `--alias-type redirect` makes them, so each latest/... link lands on the same page of the
    current quarter's site, and no second copy of it is published."""
    source = staging / current.id
    for path in sorted(source.rglob("*.html")):
        relative = path.relative_to(source)
        target = staging / LATEST / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * len(relative.parts)  # from latest/<folders>/ to the site's root
        page = relative.as_posix()
        if relative.name == "index.html":
            page = page.removesuffix("index.html")
        target.write_text(redirect_page(f"{up}{current.id}/{page}"), encoding="utf-8")
    for name in LATEST_FILES:
        if (source / name).is_file():
            shutil.copyfile(source / name, staging / LATEST / name)


def redirect_page(href: str) -> str:
    """A page that sends the reader to href, keeping the #fragment and ?query it was opened
    with; a refresh and a plain link do without JavaScript. href is built from slugs only."""
    target = html_text(href)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>Redirecting</title>\n"
        f'<link rel="canonical" href="{target}">\n'
        f'<noscript><meta http-equiv="refresh" content="0; url={target}"></noscript>\n'
        f"<script>location.replace({json.dumps(href)} + location.search + location.hash)"
        "</script>\n"
        "</head>\n"
        "<body>\n"
        f'<p><a href="{target}">Go to the current quarter\u2019s page</a>.</p>\n'
        "</body>\n"
        "</html>\n"
    )


def recover_site(out: Path, progress: Progress = _ignore) -> None:
    """Repair what a killed build of out left, unless a build of out is running right now.

    Puts the previous site back if a build was killed in the middle of its swap, and removes
    the temporary folders of killed builds. Never waits: a running build does this itself.
    """
    out = _absolute(out)
    if out == out.parent or not out.parent.is_dir():  # the file system's root is no site
        return
    try:
        with _build_lock(out, progress, wait=False) as held:
            if held:
                _recover(out, progress)
    except OSError as error:
        raise OkrsiteError(
            f"cannot build the site into {out}: {write_reason(error, out)}"
        ) from error


def lock_path(out: Path) -> Path:
    """The lock file a build of out holds: hidden, beside it."""
    return out.parent / f".{out.name}.lock"


@contextmanager
def _build_lock(out: Path, progress: Progress, *, wait: bool) -> Iterator[bool]:
    """Hold out's lock for the block; whether it is held (False only when not waiting).

    flock on `.<name>.lock` beside out: released by the system when the process dies, however
    it dies. The holder removes the file on release; whoever was waiting on the removed file
    then sees it is gone and locks the new one, so two builds never both hold the lock.
    """
    if sys.platform == "win32":  # no flock: builds of one folder are not kept apart there
        yield True
        return
    path = lock_path(out)
    said = False
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    os.close(handle)
                    yield False
                    return
                if not said:
                    progress(f"waiting for another build of {out}")
                    said = True
                fcntl.flock(handle, fcntl.LOCK_EX)
            if _same_file(handle, path):
                break
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # locked a file the last holder had already removed: try again
    try:
        yield True
    finally:
        try:
            path.unlink()  # still holding the lock, so no one else has locked this file
        finally:
            os.close(handle)


def _same_file(handle: int, path: Path) -> bool:
    """Whether path still names the open file handle."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(handle)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _recover(out: Path, progress: Progress) -> None:
    """With out's lock held: put back a site a killed swap set aside, remove the leftovers."""
    old, tmp = f"{out.name}.old-", f"{out.name}.tmp-"
    leftovers = sorted(
        p
        for p in out.parent.iterdir()
        if p.name.startswith((old, tmp)) and p.is_dir() and not p.is_symlink()
    )
    if not os.path.lexists(out):
        # Killed between the swap's two renames: the old site is aside, the new one never came.
        # Only a complete site is put back; one the swap was deleting is not.
        complete = [
            p for p in leftovers if p.name.startswith(old) and (p / "versions.json").is_file()
        ]
        if complete:
            newest = max(complete, key=lambda p: (p.stat().st_mtime_ns, p.name))
            newest.rename(out)
            leftovers.remove(newest)
            progress(f"restored {out} from {newest.name}, left by an interrupted build")
    for leftover in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)
    if leftovers:
        names = ", ".join(p.name for p in leftovers)
        progress(f"removed what interrupted builds left beside {out}: {names}")


def _check_replaceable(out: Path) -> None:
    """Refuse to replace anything but a folder okrsite built, an empty folder, or nothing."""
    if not os.path.lexists(out):
        return
    if not out.is_dir():
        raise OkrsiteError(f"cannot build the site into {out}: it is a file, not a folder")
    if (out / "versions.json").is_file() or not any(out.iterdir()):
        return
    raise OkrsiteError(
        f"cannot build the site into {out}: it holds files but no versions.json, so it is not "
        "a site okrsite built; give a new or empty folder, or remove it"
    )


def _absolute(path: Path) -> Path:
    """path made absolute and normal: `..` resolved, so its name and parent are real ones."""
    return Path(os.path.abspath(path))


def versions_json(quarters: Sequence[Quarter], current: Quarter) -> str:
    """mike's versions.json: newest first; the current quarter carries the alias latest."""
    versions = [
        {
            "version": q.id,
            "title": q.title,
            "aliases": [LATEST] if q.id == current.id else [],
        }
        for q in sorted(quarters, key=lambda q: q.id, reverse=True)
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
        f'<link rel="icon" href="{current.id}/assets/images/favicon.png">\n'  # no /favicon.ico 404
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
