"""The one way okrsite writes into a user's repository: whole files replaced atomically, new
files created exclusively, check-ins appended. A crash never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _mode_of(path: Path) -> int:
    """The permission bits the file has, or those a new file gets under the current umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, text: str) -> None:
    """Replace the file's content in one step, so a crash never leaves half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); keep the mode the file had, or the umask's.
        os.chmod(temporary, _mode_of(path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def create_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet, atomically; FileExistsError if it does."""
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)


def append(path: Path, data: bytes) -> None:
    """Add bytes at the end of a file, creating it if needed; existing bytes are never touched."""
    with path.open("ab") as stream:
        stream.write(data)
