"""Closing and reopening a quarter: the digest that freezes its data, and the check that holds it.

A closed quarter's quarter.yaml carries `digest: sha256:<hex>` over every file in its folder
except quarter.yaml itself and hidden files (sorted by name, each hashed as its name and its bytes
with CRLF read as LF) plus the quarter's start and end. `okrsite check` reports OKR301 when the
files no longer match. A closed quarter without a digest (written by hand) is accepted as it is:
it was never frozen.

Hidden files (.DS_Store, editor swap files) are skipped as the loader skips them, and line endings
are normalised as git normalises them, so a quarter closed on one machine verifies on another.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from okrsite.load.repository import load
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.model.okrs import QUARTER_ID, Quarter, Repository, calendar_quarter
from okrsite.model.problems import Location, Problem, problem, quote

QUARTER_FILE = "quarter.yaml"
DIGEST_PREFIX = "sha256:"
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/quarter.schema.json"
"""First line of a quarter.yaml okrsite writes, so editors validate it against the schema."""


@dataclass(frozen=True)
class QuarterChange:
    """What close or reopen did to a quarter's quarter.yaml, for the CLI to report."""

    quarter_id: str
    path: str  # root-relative POSIX path of quarter.yaml
    status: str
    digest: str | None  # the digest written by close, or the one removed by reopen
    created: bool  # whether quarter.yaml did not exist before


def quarter_digest(folder: Path, start: date, end: date) -> str:
    """sha256 over the folder's data files (all but quarter.yaml and hidden ones) and the dates."""
    digest = hashlib.sha256()
    files = sorted(
        (relative.as_posix(), path)
        for path in folder.rglob("*")
        if path.is_file()
        and (relative := path.relative_to(folder)).as_posix() != QUARTER_FILE
        and not any(part.startswith(".") for part in relative.parts)
    )
    for name, path in files:
        # A checkout with core.autocrlf has CRLF where the commit has LF: hash what git stores.
        data = path.read_bytes().replace(b"\r\n", b"\n")
        # Length prefixes keep the encoding unambiguous: no two file sets hash the same bytes.
        encoded = name.encode("utf-8")
        digest.update(b"file\0%d\0%s\0%d\0" % (len(encoded), encoded, len(data)))
        digest.update(data)
    digest.update(f"start\0{start.isoformat()}\0end\0{end.isoformat()}\0".encode())
    return DIGEST_PREFIX + digest.hexdigest()


def _quarter_path(quarter_id: str) -> str:
    """The root-relative path of a quarter's quarter.yaml."""
    return f"okrs/{quarter_id}/{QUARTER_FILE}"


def _key_line(text: str, key: str) -> int:
    """The 1-based line of a top-level key in YAML text, or 0 if it has none."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 0


def frozen_quarter_problems(root: Path, repository: Repository) -> list[Problem]:
    """OKR301 for each closed quarter whose data no longer matches its digest, OKR302 if bad."""
    found: list[Problem] = []
    for quarter in repository.quarters:
        if not quarter.closed or quarter.digest is None:
            continue
        path = _quarter_path(quarter.id)
        try:
            text = (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""  # the loader reports an unreadable quarter.yaml
        location = Location(path, _key_line(text, "digest"), 1 if text else 0)
        if not DIGEST.fullmatch(quarter.digest):
            found.append(
                problem(
                    "OKR302",
                    location,
                    f"digest {quote(quarter.digest)} of closed quarter {quarter.id} is not "
                    "sha256: followed by 64 lowercase hex digits; run `okrsite reopen "
                    f"{quarter.id}` then `okrsite close {quarter.id}` to write a good one",
                )
            )
        elif quarter_digest(root / "okrs" / quarter.id, quarter.start, quarter.end) != (
            quarter.digest
        ):
            found.append(
                problem(
                    "OKR301",
                    location,
                    f"closed quarter {quarter.id} has changed since it was closed: its files "
                    f"no longer match this digest; undo the change (e.g. `git checkout -- "
                    f"okrs/{quarter.id}/`), or run `okrsite reopen {quarter.id}`, edit, and "
                    f"`okrsite close {quarter.id}` again",
                )
            )
    return found


def _line_ending(text: str) -> str:
    """The file's line ending: CRLF if its first line ends so, else LF."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _edit_lines(text: str, updates: dict[str, str | None]) -> str:
    """Set (or, with None, remove) top-level `key: value` lines, keeping every other line."""
    newline = _line_ending(text)
    lines = text.splitlines()
    for key, value in updates.items():
        pattern = re.compile(rf"^{re.escape(key)}\s*:[^#]*?(?P<comment>\s+#.*)?$")
        index = next((i for i, line in enumerate(lines) if pattern.match(line)), None)
        if index is None:
            if value is not None:
                lines.append(f"{key}: {value}")
            continue
        if value is None:
            del lines[index]
        else:
            match = pattern.match(lines[index])
            comment = match.group("comment") if match and match.group("comment") else ""
            lines[index] = f"{key}: {value}{comment}"
    return newline.join(lines) + newline


def _mapping(text: str) -> dict[Any, Any] | None:
    """The YAML text as a plain mapping, or None when it is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if data is None:
        return {}
    return data if isinstance(data, dict) else None


def edit_quarter_yaml(text: str, updates: dict[str, str | None]) -> str:
    """quarter.yaml text with the updates applied, comments kept where the layout allows."""
    before = _mapping(text)
    if before is None:
        raise OkrsiteError("quarter.yaml is not a YAML mapping; fix it before closing or reopening")
    wanted = {k: v for k, v in before.items() if k not in updates}
    wanted.update({k: v for k, v in updates.items() if v is not None})
    edited = _edit_lines(text, updates)
    if _mapping(edited) == wanted:
        return edited
    # An unusual layout (flow style, multi-line values): rewrite plainly rather than guess.
    return yaml.safe_dump(wanted, sort_keys=False, allow_unicode=True)


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


def _check_quarter_id(quarter_id: str) -> None:
    """Refuse anything that is not YYYY-Qn: it becomes a path."""
    if QUARTER_ID.fullmatch(quarter_id) is None:
        raise OkrsiteError(
            f"{quote(quarter_id)} is not a quarter; write it as YYYY-Qn, e.g. 2026-Q4"
        )


def _folder(root: Path, quarter_id: str) -> Path:
    """The quarter's folder, which must exist."""
    _check_quarter_id(quarter_id)
    folder = root / "okrs" / quarter_id
    if not folder.is_dir():
        raise OkrsiteError(f"okrs/{quarter_id}/ does not exist; there is no quarter {quarter_id}")
    return folder


def _new_quarter_text(quarter: Quarter) -> str:
    """A quarter.yaml for a quarter that had none: its calendar dates."""
    return f"{SCHEMA_COMMENT}\nstart: {quarter.start.isoformat()}\nend: {quarter.end.isoformat()}\n"


def close_quarter(root: Path, quarter_id: str) -> QuarterChange:
    """Mark the quarter closed and write the digest that freezes its data files."""
    folder = _folder(root, quarter_id)
    loaded = load(root)
    prefix = f"okrs/{quarter_id}/"
    errors = [
        p
        for p in loaded.problems
        if p.severity == "error"
        and (p.location.path.startswith(prefix) or p.location.path == "okrs/org.yaml")
    ]
    if errors:
        raise DataError(errors)
    quarter = loaded.repository.quarter(quarter_id)
    if quarter is None:
        start, end = calendar_quarter(quarter_id)
        quarter = Quarter(quarter_id, start, end)
    if quarter.closed and quarter.digest is not None:
        raise OkrsiteError(
            f"quarter {quarter_id} is already closed and frozen ({quarter.digest}); "
            f"to change it, run `okrsite reopen {quarter_id}` first"
        )
    digest = quarter_digest(folder, quarter.start, quarter.end)
    path = folder / QUARTER_FILE
    created = not path.exists()
    text = _new_quarter_text(quarter) if created else path.read_text(encoding="utf-8")
    write_atomically(path, edit_quarter_yaml(text, {"status": "closed", "digest": digest}))
    return QuarterChange(quarter_id, prefix + QUARTER_FILE, "closed", digest, created)


def reopen_quarter(root: Path, quarter_id: str) -> QuarterChange:
    """Mark a closed quarter open again and drop its digest, so its data can be edited."""
    folder = _folder(root, quarter_id)
    path = folder / QUARTER_FILE
    relative = _quarter_path(quarter_id)
    if not path.exists():
        raise OkrsiteError(f"quarter {quarter_id} is not closed: it has no {relative}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OkrsiteError(f"{relative}: cannot be read as UTF-8 text ({error})") from error
    data = _mapping(text)
    if data is None or data.get("status") != "closed":
        raise OkrsiteError(
            f"quarter {quarter_id} is not closed ({relative} has no `status: closed`)"
        )
    digest = data.get("digest")
    write_atomically(path, edit_quarter_yaml(text, {"status": "open", "digest": None}))
    return QuarterChange(
        quarter_id, relative, "open", str(digest) if digest is not None else None, False
    )
