"""The one way okrsite writes into a user's repository: whole files replaced atomically, new
files created exclusively, check-ins appended. A crash never leaves half a file behind.

Check-ins are appended holding the lock of their quarter's folder (`checkin` and `collect` alike),
so two writers never both decide a row is missing and both append it.

A write the system refuses (no permission, a full disk, a file where a folder should be) is an
OkrsiteError naming the path and the system's reason, never a bare OSError.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from okrsite.load.tree import write_reason
from okrsite.model.errors import OkrsiteError

try:
    import fcntl
except ImportError:  # Windows: no flock; check-ins are appended unlocked there
    fcntl = None  # type: ignore[assignment]

LOCK_WAIT = 30.0
"""Seconds a check-in waits for another writer of its quarter's folder before giving up."""

_NO_FLOCK = (errno.EOPNOTSUPP, errno.ENOLCK, errno.EINVAL, errno.ENOSYS)
"""What a file system without flock (some network and FUSE mounts) answers: written unlocked."""


def _mode_of(path: Path) -> int:
    """The permission bits the file has, or those a new file gets under the current umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _cannot_write(path: Path, error: OSError) -> OkrsiteError:
    return OkrsiteError(f"cannot write {path}: {write_reason(error, path)}")


def make_folder(folder: Path) -> None:
    """Create the folder and any missing parents; nothing if it exists."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write(folder, error) from error


def _write(path: Path, text: str, *, exclusive: bool) -> None:
    """Write text to a temporary file beside path, then move it into place in one step."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); keep the mode the file had, or the umask's.
        os.chmod(temporary, _mode_of(path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if exclusive:
            os.link(temporary, path)  # fails if path appeared meanwhile: never overwrite
        else:
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def remove_leftovers(path: Path) -> list[str]:
    """Remove the temporary files beside path that a write of it killed outright (SIGKILL, a
    power cut) left: `.NAME.` and mkstemp's eight characters. The names removed, sorted.

    Call it holding the folder's lock: another writer's temporary file is not a leftover.
    """
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}")
    removed = []
    try:
        entries = sorted(path.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_file() and not entry.is_symlink():
            try:
                entry.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                raise _cannot_write(entry, error) from error
            removed.append(entry.name)
    return removed


def write_atomically(path: Path, text: str) -> None:
    """Replace the file's content in one step, so a crash never leaves half a file."""
    try:
        _write(path, text, exclusive=False)
    except OSError as error:
        raise _cannot_write(path, error) from error


def create_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet, atomically; FileExistsError if it does."""
    exists = FileExistsError(errno.EEXIST, "already exists; okrsite never overwrites it", str(path))
    if os.path.lexists(path):
        raise exists
    make_folder(path.parent)
    try:
        _write(path, text, exclusive=True)
    except FileExistsError as error:  # from os.link: the file appeared meanwhile
        raise exists from error
    except OSError as error:
        raise _cannot_write(path, error) from error


def append(path: Path, data: bytes) -> None:
    """Add bytes at the end of a file, creating it if needed; existing bytes are never touched."""
    try:
        with path.open("ab") as stream:
            stream.write(data)
    except OSError as error:
        raise _cannot_write(path, error) from error


@contextmanager
def folder_lock(folder: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the folder's lock for the block: flock on the folder itself, so no lock file is left
    in the repository, and the system lets go when the holder dies, however it dies.

    OkrsiteError if another process holds it for longer than wait seconds.
    """
    if fcntl is None:
        yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise _cannot_write(folder, error) from error
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OkrsiteError(
                        f"{folder} stayed locked by another okrsite checkin or collect for "
                        f"{wait:g} seconds; try again once it has finished"
                    ) from None
                time.sleep(0.02)
            except OSError as error:
                if error.errno in _NO_FLOCK:
                    break
                raise _cannot_write(folder, error) from error
        yield
    finally:
        os.close(descriptor)  # lets go of the lock
