"""One build of a folder at a time: the lock a build holds beside its output folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from okrsite.site.builder.docs import Progress


def lock_path(out: Path) -> Path:
    """The lock file a build of out holds: hidden, beside it."""
    return out.parent / f".{out.name}.lock"


@contextmanager
def build_lock(out: Path, progress: Progress, *, wait: bool) -> Iterator[bool]:
    """Hold out's lock for the block; whether it is held (False only when not waiting).

    filelock's lock on `.<name>.lock` beside out (flock where there is one): released by the
    system when the process dies, however it dies. The holder removes the file before it lets
    go, so no lock file outlives a build; filelock sees that a file it waited on was removed
    and locks the new one, so two builds never both hold the lock.
    """
    path = lock_path(out)
    lock = FileLock(path)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        if not wait:
            yield False
            return
        progress(f"waiting for another build of {out}")
        lock.acquire()
    try:
        yield True
    finally:
        try:
            path.unlink(missing_ok=True)  # still held: no one else has locked this file
        finally:
            lock.release()
