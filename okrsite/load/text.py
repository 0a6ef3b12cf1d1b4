"""Reading a data file as text: a size cap and strict UTF-8, each failure a located problem."""

from __future__ import annotations

from pathlib import Path

from okrsite.model.problems import Location, Problem, problem

MAX_BYTES = 1024 * 1024
"""The largest data file okrsite reads (1 MiB): a quarter's OKRs are a few kilobytes."""

_BOM = "\ufeff"


def location_of(text: str, index: int, path: str) -> Location:
    """The 1-based line and column of a character index in text."""
    before = text[:index]
    line = before.count("\n") + 1
    col = index - (before.rfind("\n") + 1) + 1
    return Location(path, line, col)


def read_text(root: Path, relative: str) -> tuple[str | None, list[Problem]]:
    """The file's text without a byte-order mark, or None and the problem that stopped it."""
    start = Location(relative, 1, 1)
    try:
        with (root / relative).open("rb") as stream:
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
