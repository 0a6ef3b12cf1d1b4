"""What okrsite may read: the repository's input files, each checked before anything opens it.

The data comes from pull requests and the site is public, so a path must never lead out of the
repository: a symbolic link to /proc/self/environ or /etc/passwd would publish it. Every entry is
looked at with lstat, never opened: a FIFO blocks open() until something writes to it, and a
device can be endless. A link is followed only when it resolves inside the repository and not into
a hidden path (.git/config holds the CI job's credentials); anything but a regular file or a
folder is refused; a name that is not UTF-8 is refused (no URL, page or checkout can carry it).
Each refusal is a located error, so `okrsite check` fails the pull request and the build refuses.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from okrsite.model.layout import CONFIG_FILE, CONTENT_DIR, OKRS, THEME_DIR
from okrsite.model.problems import Location, Problem, one_line, problem, quote

Kind = Literal["file", "folder", "missing", "refused"]

_INPUTS = ((OKRS, False), (CONTENT_DIR, True), (THEME_DIR, True))
"""The folders okrsite reads, and whether their hidden entries are scanned too. The loader and
the digest skip hidden entries in okrs/. okrsite copies no hidden path of content/ today, but
MkDocs itself publishes a dot-file that mkdocs.yml's exclude_docs lets through (`!.well-known/`),
so the scan does not count on it; and a theme template can include any file of theme/ by name."""

_REPLACE = "replace the link with the file"
_TARGET_LIMIT = 200  # a link's target is shown whole where it can be: it says what to replace


@dataclass(frozen=True)
class Entry:
    """One path under the root, as lstat sees it, and why it is refused if it is."""

    relative: str  # root-relative POSIX path to open: the file system's own name
    shown: str  # the same path for messages: printable UTF-8, undecodable bytes as \xff
    kind: Kind  # a link that may be followed is the kind it leads to
    link: bool = False
    problem: Problem | None = None  # why it is refused

    @property
    def name(self) -> str:
        """The entry's own name, as the file system gives it."""
        return self.relative.rpartition("/")[2]


def shown_path(relative: str) -> str:
    """A path as a message shows it: undecodable bytes as \\xff, control characters escaped."""
    return one_line(os.fsencode(relative).decode("utf-8", "backslashreplace"))


def _undecodable(name: str) -> int | None:
    """The first byte of a file name that is not UTF-8, or None when the name is UTF-8."""
    raw = os.fsencode(name)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return raw[error.start]
    return None


def _inside(real: str, root_real: str) -> bool:
    try:
        return os.path.commonpath([real, root_real]) == root_real
    except ValueError:  # on Windows, paths on two drives have no common path
        return False


def _hidden_part(real: str, root_real: str) -> str | None:
    """The first hidden folder or file on the way from the root to real, if any."""
    parts = Path(os.path.relpath(real, root_real)).parts
    return next((part for part in parts if part.startswith(".") and part not in (".", "..")), None)


def _special(mode: int) -> str:
    """What a file that is neither a regular file nor a folder is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


def _unreadable(location: Location, error: OSError) -> Problem:
    return problem(
        "OKR001",
        location,
        f"cannot be read: {error.strerror or error}; make it readable by the user running okrsite",
    )


def inspect(root: Path, relative: str, root_real: str | None = None) -> Entry:
    """The one entry at root/relative (its folders already checked), without opening it."""
    root_real = root_real if root_real is not None else os.path.realpath(root)
    shown = shown_path(relative)
    location = Location(shown)
    path = os.path.join(root, relative)

    def refused(code: str, message: str, *, link: bool = False) -> Entry:
        return Entry(relative, shown, "refused", link, problem(code, location, message))

    bad = _undecodable(relative.rpartition("/")[2])
    if bad is not None:
        return refused(
            "OKR054",
            f"the name is not UTF-8 (byte 0x{bad:02x}), so it cannot be checked out everywhere "
            "or published: rename it in UTF-8",
        )
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return Entry(relative, shown, "missing")
    except OSError as error:
        return Entry(relative, shown, "refused", problem=_unreadable(location, error))
    link = stat.S_ISLNK(mode)
    target = ""
    if link:
        try:
            target = os.readlink(path)
        except OSError as error:
            return Entry(relative, shown, "refused", True, _unreadable(location, error))
        # Where the link leads is decided from its path alone, before anything there is opened.
        real = os.path.realpath(path)
        to = f"is a symbolic link to {quote(target, _TARGET_LIMIT)}"
        if not _inside(real, root_real):
            return refused(
                "OKR050",
                f"{to}, outside the repository; okrsite reads only files inside it: {_REPLACE}",
                link=True,
            )
        hidden = _hidden_part(real, root_real)
        if hidden is not None:
            return refused(
                "OKR051",
                f"{to}, inside the hidden {quote(hidden)}, which okrsite never reads (hidden "
                f"folders such as .git hold credentials): {_REPLACE}",
                link=True,
            )
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            return refused(
                "OKR052", f"{to}, which does not exist: {_REPLACE}, or remove it", link=True
            )
        except OSError as error:
            if error.errno == errno.ELOOP:
                return refused(
                    "OKR052",
                    f"{to}, which loops back to itself: {_REPLACE}, or remove it",
                    link=True,
                )
            return Entry(relative, shown, "refused", True, _unreadable(location, error))
    if stat.S_ISREG(mode):
        return Entry(relative, shown, "file", link)
    if stat.S_ISDIR(mode):
        return Entry(relative, shown, "folder", link)
    what = _special(mode)
    if link:
        return refused(
            "OKR053",
            f"is a symbolic link to {quote(target, _TARGET_LIMIT)}, {what}, not a regular file "
            f"or folder; okrsite reads only regular files and folders: {_REPLACE}",
            link=True,
        )
    return refused(
        "OKR053",
        f"is {what}, not a regular file or folder; okrsite reads only regular files and "
        "folders: remove it",
    )


def look(root: Path, relative: str) -> Entry:
    """The entry at root/relative, every folder on the way checked as the scan checks it.

    A refusal on the way is the entry's own: where a folder is a link out of the repository,
    nothing under it is read.
    """
    root_real = os.path.realpath(root)
    parts = relative.split("/")
    for depth in range(1, len(parts)):
        folder = inspect(root, "/".join(parts[:depth]), root_real)
        if folder.kind != "folder":
            if folder.problem is not None:
                return folder
            return Entry(relative, shown_path(relative), "missing")
    return inspect(root, relative, root_real)


def list_folder(
    root: Path, folder: str, *, hidden: bool = False, root_real: str | None = None
) -> tuple[list[Entry], list[Problem]]:
    """The folder's entries sorted by name (hidden ones only if asked), and every refusal."""
    root_real = root_real if root_real is not None else os.path.realpath(root)
    try:
        with os.scandir(os.path.join(root, folder)) as listing:
            names = sorted(item.name for item in listing)
    except OSError as error:
        return [], [_unreadable(Location(shown_path(folder)), error)]
    entries = [
        inspect(root, f"{folder}/{name}", root_real)
        for name in names
        if hidden or not name.startswith(".")
    ]
    return entries, [entry.problem for entry in entries if entry.problem is not None]


def scan_inputs(root: Path) -> list[Problem]:
    """Every refused path among okrs/, content/, theme/ and mkdocs.yml, sorted.

    The walk is iterative and sorted. A link to a folder inside the repository is followed, once:
    not when it leads to the root, into one of the scanned folders (scanned there) or to a
    folder already walked, so links cannot loop it or multiply it.
    """
    root_real = os.path.realpath(root)
    problems: list[Problem] = []
    tops: list[tuple[Entry, bool]] = []
    for name, hidden in _INPUTS:
        entry = look(root, name)
        if entry.problem is not None:
            problems.append(entry.problem)
        elif entry.kind == "folder":
            tops.append((entry, hidden))
    top_reals = [os.path.realpath(os.path.join(root, entry.relative)) for entry, _ in tops]
    visited = {root_real}
    for top, hidden in tops:
        stack = [top]
        while stack:
            folder = stack.pop()
            real = os.path.realpath(os.path.join(root, folder.relative))
            if real in visited:
                continue
            if folder is not top and folder.link and any(_inside(real, t) for t in top_reals):
                continue
            visited.add(real)
            entries, found = list_folder(root, folder.relative, hidden=hidden, root_real=root_real)
            problems.extend(found)
            stack.extend(e for e in reversed(entries) if e.kind == "folder")
    config = look(root, CONFIG_FILE)
    if config.problem is not None:
        problems.append(config.problem)
    return sorted(problems, key=lambda p: (p.location, p.code))


def write_reason(error: OSError, target: Path) -> str:
    """Why writing target failed, in words: the file in the way, or the system's reason (with
    the path it concerned, when that is not target itself)."""
    if isinstance(error, FileExistsError | NotADirectoryError):
        for ancestor in reversed([target, *target.parents]):
            if os.path.lexists(ancestor) and not ancestor.is_dir():
                return f"{ancestor} is a file, not a folder"
    said = error.strerror or str(error)
    if error.filename is not None and Path(os.fsdecode(error.filename)) != target:
        return f"{os.fsdecode(error.filename)}: {said}"
    return said
