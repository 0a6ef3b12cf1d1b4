"""Reading a data file as text: a size cap and strict UTF-8, each failure a located problem.

Only a regular file inside the repository is opened (see load/tree.py): a FIFO would block open()
forever, a device never ends, a link out of the repository would read the build machine's files.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from okrsite.load.tree import look
from okrsite.model.problems import Location, Problem, problem

MAX_BYTES = 1024 * 1024
"""The largest data file okrsite reads (1 MiB): a quarter's OKRs are a few kilobytes."""

_BOM = "\ufeff"

# Absent on Windows, where no FIFO or terminal can sit in a repository's tree.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def location_of(text: str, index: int, path: str) -> Location:
    """The 1-based line and column of a character index in text."""
    before = text[:index]
    line = before.count("\n") + 1
    col = index - (before.rfind("\n") + 1) + 1
    return Location(path, line, col)


def read_text(
    root: Path, relative: str, kept: dict[str, bytes] | None = None
) -> tuple[str | None, list[Problem]]:
    """The file's text without a byte-order mark, or None and the problem that stopped it.

    kept, if given, receives the bytes read under relative (whole, as on disk, even when they
    are not UTF-8), so a closed quarter's digest is taken from them without reading them again.
    """
    start = Location(relative, 1, 1)
    entry = look(root, relative)
    if entry.problem is not None:
        return None, [entry.problem]
    if entry.kind == "folder":
        return None, [problem("OKR001", start, "cannot be read: it is a folder, not a file")]
    try:
        # O_NONBLOCK: should the file become a FIFO after the look, open() still returns.
        descriptor = os.open(root / relative, os.O_RDONLY | _NONBLOCK | _NOCTTY | _CLOEXEC)
    except OSError as error:
        return None, [problem("OKR001", start, f"cannot be read: {error.strerror or error}")]
    with open(descriptor, "rb") as stream:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            return None, [
                problem(
                    "OKR053",
                    Location(entry.shown),
                    "is not a regular file; okrsite reads only regular files and folders: "
                    "remove it",
                )
            ]
        try:
            data = stream.read(MAX_BYTES + 1)
        except OSError as error:
            return None, [problem("OKR001", start, f"cannot be read: {error.strerror or error}")]
    if len(data) > MAX_BYTES:
        return None, [
            problem(
                "OKR002",
                start,
                f"is larger than {MAX_BYTES // 1024} KiB; an OKR data file is a few kilobytes, "
                "so this is probably not the file you meant",
            )
        ]
    if kept is not None:
        kept[relative] = data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        return None, [
            problem(
                "OKR001",
                location_of(good, len(good), relative),
                f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
                "save the file as UTF-8",
            )
        ]
    return text.removeprefix(_BOM), []
