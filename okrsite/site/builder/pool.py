"""Worker processes that make quarters' pages and charts side by side, and stop with the build.

Rendering charts (vl-convert) is most of a build and holds one core; quarters are independent,
so they are made in processes of their own. A worker dies with its parent however the parent
dies (PR_SET_PDEATHSIG, and a watching thread elsewhere)."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import tempfile
import threading
import time
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from pathlib import Path
from typing import Any

from okrsite.site.builder.chart_cache import ChartCache
from okrsite.site.builder.children import die_with_parent
from okrsite.site.builder.docs import PageWriter, Progress, WrittenPages
from okrsite.site.builder.memory import give_back
from okrsite.site.builder.tally import Tally
from okrsite.site.pages.quarter import QuarterSite, make_quarter_pages

_TICKS: Any = None
"""In a worker process: the queue its finished unit pages are counted on (see _worker_started)."""


def _tick() -> None:
    """Count one finished unit page on the parent's queue."""
    if _TICKS is not None:
        _TICKS.put(1)


Made = tuple[WrittenPages, int, int, list[str]]
"""A quarter's pages as written, its charts drawn and found cached, and the cached ones refused."""


def _pages_in_worker(site: QuarterSite, cache: Path | None, folder: Path) -> Made:
    """A quarter's pages made and written into folder in a worker process, with the charts it
    drew and found cached: only their paths go back, not the pages (megabytes a quarter)."""
    charts = ChartCache(cache)
    pages = PageWriter(folder)
    make_quarter_pages(site, pages, charts, done=_tick)
    give_back()  # what making the pages took, freed: the next quarter's is larger (more history)
    return pages.written(), charts.misses, charts.hits, charts.refused


def all_pages(
    sites: Sequence[QuarterSite],
    workers: int,
    progress: Progress,
    cache: Path | None,
    tally: Tally,
    scratch: Path,
) -> Generator[WrittenPages, None, None]:
    """Each quarter's pages, in the order of sites, made in `workers` worker processes (none: 0)
    and written into a folder of its own in scratch.

    Rendering charts (vl-convert) is most of a build and holds one core; quarters are
    independent, so they are made side by side, and each is yielded, for MkDocs, while the
    workers go on with the next. Results are yielded in the order of sites, so the output does
    not depend on which process finishes first. Without working processes (a sandbox without
    semaphores, a worker that died, or this being a worker already) the quarters are made here,
    one after the other.
    """

    def folder(site: QuarterSite) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"okrsite-{site.quarter_id}-", dir=scratch))

    def here(site: QuarterSite) -> WrittenPages:
        charts = ChartCache(cache)
        pages = PageWriter(folder(site))
        make_quarter_pages(site, pages, charts, done=lambda: count(tally, 1))
        give_back()
        _counted(tally, progress, site, charts.misses, charts.hits, charts.refused)
        return pages.written()

    if workers < 1 or multiprocessing.parent_process() is not None:
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
    processes = "1 process" if workers == 1 else f"{workers} processes"
    progress(f"building {len(sites)} quarters' pages and charts in {processes}")
    with pool:
        try:
            futures: dict[int, Future[Made]] = {}
            done = 0
            try:
                for i in range(len(sites)):
                    # Keep every worker busy and one quarter queued, no more: each waiting
                    # quarter holds its pages, charts and all, on disk.
                    for ahead in range(i, min(i + workers + 1, len(sites))):
                        if ahead not in futures:
                            futures[ahead] = pool.submit(
                                _pages_in_worker, sites[ahead], cache, folder(sites[ahead])
                            )
                    while True:
                        try:
                            pages, drawn, cached, refused = futures[i].result(timeout=0.2)
                            break
                        except TimeoutError:
                            _drain(ticks, tally)
                    _drain(ticks, tally)
                    _counted(tally, progress, sites[i], drawn, cached, refused)
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


def _counted(
    tally: Tally, progress: Progress, site: QuarterSite, drawn: int, cached: int, refused: list[str]
) -> None:
    """Add a quarter's charts to the tally; one line when cached charts were refused."""
    tally.charts_drawn += drawn
    tally.charts_cached += cached
    tally.charts_refused += refused
    if refused:
        progress(
            f"warning: {site.results[-1].quarter.id}: {len(refused)} cached charts held SVG "
            f"okrsite never draws (the first: {refused[0]}); refused and drawn again"
        )


def count(tally: Tally, pages: int) -> None:
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
