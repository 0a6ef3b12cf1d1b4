"""The versioned site: every quarter built with MkDocs, versions.json, latest/ and index.html.

The one place that writes the output folder. Everything is computed first, built into a sibling
temporary folder, then swapped in, so a failed build leaves the previous site as it was.

One build of a folder at a time: a build holds a lock beside it (`.<name>.lock`) from start to
end, and a second build waits for it. Holding the lock, a build first repairs what an earlier,
killed build left: the previous site put back if the kill fell between the swap's two renames,
and the temporary folders removed. Every scratch file of a build lives in its temporary folder
beside the output, so nothing is left in the system's temporary folder.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager, suppress
from datetime import date
from pathlib import Path

from okrsite.load.schemas import render, schemas
from okrsite.load.tree import write_reason
from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONTENT_DIR
from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Problem, about
from okrsite.model.scores import QuarterResult
from okrsite.site.engine import INTRO_PAGE, Progress, QuarterPlan, build_quarter, directory_urls
from okrsite.site.markup import html_text
from okrsite.site.pages import QuarterSite, quarter_pages

if sys.platform != "win32":
    import fcntl

LATEST = "latest"
STAGED = "site"
"""The new site inside a build's temporary folder, beside the build's scratch folders."""


def _ignore(_message: str) -> None:
    """The default progress callback: say nothing."""


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
) -> tuple[QuarterPlan, ...]:
    """Every quarter's pages, computed before anything is written.

    workers: how many processes build quarters side by side; None for one per core (at most
    one per quarter), 1 to build in this process only. scratch: where to make temporary
    folders (default: the system's temporary folder). today: the run's today, which picks the
    current quarter (contract section 4), the one latest/ and index.html lead to.
    """
    intro_path = root / CONTENT_DIR / INTRO_PAGE
    intro = intro_path.read_text(encoding="utf-8") if intro_path.is_file() else ""
    urls_are_folders = directory_urls(root, scratch)
    current = repository.current_quarter(today)
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
    # closing: an interrupted loop stops the worker processes at once, not when collected.
    with closing(_all_pages(sites, workers, progress)) as all_pages:
        for number, (result, pages) in enumerate(zip(results, all_pages, strict=True), start=1):
            quarter = result.quarter
            plan = QuarterPlan(
                quarter, result.as_of, pages, current is not None and current.id == quarter.id
            )
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
) -> Generator[dict[str, str], None, None]:
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
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_started,
            initargs=(os.getpid(),),
        )
    except (OSError, NotImplementedError, ImportError):
        yield from map(quarter_pages, sites)
        return
    progress(f"building {len(sites)} quarters' pages and charts in {workers} processes")
    with pool:
        try:
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
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM, an error, the caller gone): without this, leaving
            # the block would wait for each worker to draw the rest of its quarter's charts.
            _stop_workers(pool)
            raise


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's processes now and shut it down."""
    # No public way before Python 3.14's kill_workers(); shutdown() forgets _processes.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with suppress(OSError, ValueError):  # already gone, or already closed
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _worker_started(parent: int) -> None:
    """In each worker process: leave Ctrl-C to the parent, and die when the parent does.

    The parent stops its workers when it is interrupted; when it is killed outright (SIGKILL,
    a crash) Linux kills them (PR_SET_PDEATHSIG), and elsewhere a thread that sees the
    process's parent change ends it within a second.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
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
) -> tuple[QuarterPlan, ...]:
    """Build every quarter into a temporary sibling of out, then swap it in.

    today: the run's today, which picks the current quarter (see plan_quarters).

    Holds out's lock throughout, waiting for another build of out to finish first. Any
    OSError (a folder that cannot be written, a full disk) is an OkrsiteError naming out.
    """
    if not results:
        raise OkrsiteError("okrs/ has no quarter folder (such as okrs/2026-Q4/) to publish")
    out = _absolute(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _check_replaceable(out)  # before any leftover beside it is touched
        with _build_lock(out, progress, wait=True):
            _recover(out, progress)
            _check_replaceable(out)  # again: another build may have changed it meanwhile
            work = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
            try:
                plans = plan_quarters(
                    root, repository, results, problems, progress, workers, work, today=today
                )
                _build(root, work, plans, repository, progress)
                _swap(work / STAGED, out)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    except OSError as error:
        raise OkrsiteError(
            f"cannot build the site into {out}: {write_reason(error, out)}"
        ) from error
    progress(f"wrote {out}")
    return plans


def _build(
    root: Path,
    work: Path,
    plans: Sequence[QuarterPlan],
    repository: Repository,
    progress: Progress,
) -> None:
    """The whole site in work/site: every quarter, latest/, versions.json, index.html, schemas."""
    staging = work / STAGED
    staging.mkdir()
    current = next(p for p in plans if p.current)
    for number, plan in enumerate(plans, start=1):
        progress(f"rendering {plan.quarter.id} ({number}/{len(plans)}) with MkDocs")
        build_quarter(
            root,
            staging / plan.quarter.id,
            plan,
            repository,
            progress,
            scratch=work,
            current=current.quarter,
        )
    shutil.copytree(staging / current.quarter.id, staging / LATEST)
    (staging / "versions.json").write_text(versions_json(plans), encoding="utf-8")
    (staging / "index.html").write_text(redirect_html(current.quarter), encoding="utf-8")
    # Editors can point at the published schemas.
    (staging / "schemas").mkdir()
    for name, schema in sorted(schemas().items()):
        (staging / "schemas" / name).write_text(render(schema), encoding="utf-8", newline="\n")


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
