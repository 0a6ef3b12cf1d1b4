"""`okrsite close` and `okrsite reopen`: a quarter's status and digest in its quarter.yaml.

Both hold the quarter folder's lock, the one every check-in takes, from reading the quarter to
writing quarter.yaml, and first remove the temporary `.quarter.yaml.*` a killed close or reopen
left (quarter.yaml itself is replaced in one rename, so it is whole, the old or the new). Every
comment of quarter.yaml is kept: a `status:` or `digest:` written over several lines or in flow
style is refused with its line, not rewritten without the comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from okrsite.edit.files import folder_lock, remove_leftovers, write_atomically
from okrsite.load.digest import quarter_digest
from okrsite.load.quarter_file import read_quarter_file
from okrsite.load.repository import load
from okrsite.load.schemas import QUARTER_SCHEMA_COMMENT
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.model.layout import OKRS, QUARTER_FILE
from okrsite.model.okrs import QUARTER_ID, Quarter, calendar_quarter
from okrsite.model.problems import Problem, about, errors, quote


@dataclass(frozen=True)
class QuarterChange:
    """What close or reopen did to a quarter's quarter.yaml, for the CLI to report."""

    quarter_id: str
    path: str  # root-relative POSIX path of quarter.yaml
    status: str
    digest: str | None  # the digest written by close, or the one removed by reopen
    created: bool  # whether quarter.yaml did not exist before
    removed: tuple[str, ...] = ()  # temporary files an interrupted close or reopen left


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


def edit_quarter_yaml(
    text: str, updates: dict[str, str | None], relative: str = QUARTER_FILE
) -> str:
    """quarter.yaml text with the updates applied and every comment kept; OkrsiteError, naming
    the line, for a layout that the line edit cannot change and that has a comment to lose."""
    before = _mapping(text)
    if before is None:
        raise OkrsiteError(f"{relative} is not a YAML mapping; fix it before closing or reopening")
    wanted = {k: v for k, v in before.items() if k not in updates}
    wanted.update({k: v for k, v in updates.items() if v is not None})
    edited = _edit_lines(text, updates)
    if _mapping(edited) == wanted:
        return edited
    if "#" in text:  # perhaps a comment, which a plain rewrite would drop: refuse instead
        raise OkrsiteError(_unusual_layout(text, updates, relative))
    # An unusual layout (flow style, multi-line values) with no comment: rewrite it plainly.
    return yaml.safe_dump(wanted, sort_keys=False, allow_unicode=True)


def _unusual_layout(text: str, updates: dict[str, str | None], relative: str) -> str:
    """Why the line edit cannot change text, at the line that stops it, and what would do."""
    fix = (
        "; write it as one line, e.g. `status: open`, and run the command again (okrsite "
        "keeps every comment of quarter.yaml, so it rewrites no other layout)"
    )
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        node = None
    if isinstance(node, yaml.MappingNode):
        if node.flow_style:
            line = node.start_mark.line + 1
            return f"{relative}:{line}: the mapping is in flow style ({{...}}){fix}"
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.value not in updates:
                continue
            one_line = (
                isinstance(value, yaml.ScalarNode)
                and value.style is None
                and value.start_mark.line == value.end_mark.line == key.start_mark.line
            )
            if not one_line:
                line = key.start_mark.line + 1
                return f"{relative}:{line}: `{key.value}:` spans lines or is in flow style{fix}"
    return f"{relative}:1: `{'`, `'.join(updates)}` cannot be edited on one line{fix}"


def _check_quarter_id(quarter_id: str) -> None:
    """Refuse anything that is not YYYY-Qn: it becomes a path."""
    if QUARTER_ID.fullmatch(quarter_id) is None:
        raise OkrsiteError(
            f"{quote(quarter_id)} is not a quarter; write it as YYYY-Qn, e.g. 2026-Q4"
        )


def _folder(root: Path, quarter_id: str) -> Path:
    """The quarter's folder, which must exist."""
    _check_quarter_id(quarter_id)
    folder = root / OKRS / quarter_id
    if not folder.is_dir():
        raise OkrsiteError(f"{OKRS}/{quarter_id}/ does not exist; there is no quarter {quarter_id}")
    return folder


def _new_quarter_text(quarter: Quarter) -> str:
    """A quarter.yaml for a quarter that had none: its calendar dates."""
    dates = f"start: {quarter.start.isoformat()}\nend: {quarter.end.isoformat()}\n"
    return f"{QUARTER_SCHEMA_COMMENT}\n{dates}"


def close_quarter(
    root: Path, quarter_id: str, today: date, *, early: bool = False
) -> QuarterChange:
    """Mark the quarter closed and write the digest that freezes its data files.

    today: the run's today. A quarter is closed from its end date on: closed before, its grades
    would be taken from a quarter still running. `early` closes it before all the same.
    """
    folder = _folder(root, quarter_id)
    with folder_lock(folder):  # no check-in lands between the digest and `status: closed`
        return _close_locked(root, folder, quarter_id, today, early=early)


def _close_locked(
    root: Path, folder: Path, quarter_id: str, today: date, *, early: bool
) -> QuarterChange:
    """close_quarter, holding the quarter folder's lock."""
    path = folder / QUARTER_FILE
    removed = tuple(remove_leftovers(path))
    loaded = load(root)
    if found := errors(about(loaded.problems, quarter_id)):
        raise DataError(list(found))
    quarter = loaded.repository.quarter(quarter_id)
    if quarter is None:
        start, end = calendar_quarter(quarter_id)
        quarter = Quarter(quarter_id, start, end)
    if quarter.closed and quarter.digest is not None:
        raise OkrsiteError(
            f"quarter {quarter_id} is already closed and frozen ({quarter.digest}); "
            f"to change it, run `okrsite reopen {quarter_id}` first"
        )
    if today < quarter.end and not early:
        raise OkrsiteError(
            f"quarter {quarter_id} ends on {quarter.end.isoformat()} and today is "
            f"{today.isoformat()}: close it on or after its end date, or give --early to close "
            "it now"
        )
    digest = quarter_digest(folder, quarter.start, quarter.end)
    relative = f"{OKRS}/{quarter_id}/{QUARTER_FILE}"
    created = not path.exists()
    text = _new_quarter_text(quarter) if created else path.read_text(encoding="utf-8")
    updates: dict[str, str | None] = {"status": "closed", "digest": digest}
    write_atomically(path, edit_quarter_yaml(text, updates, relative))
    return QuarterChange(quarter_id, relative, "closed", digest, created, removed)


def reopen_quarter(root: Path, quarter_id: str) -> QuarterChange:
    """Mark a closed quarter open again and drop its digest, so its data can be edited."""
    folder = _folder(root, quarter_id)
    with folder_lock(folder):
        return _reopen_locked(root, folder, quarter_id)


def _reopen_locked(root: Path, folder: Path, quarter_id: str) -> QuarterChange:
    """reopen_quarter, holding the quarter folder's lock."""
    path = folder / QUARTER_FILE
    relative = f"{OKRS}/{quarter_id}/{QUARTER_FILE}"
    removed = tuple(remove_leftovers(path))
    if not path.exists():
        raise OkrsiteError(f"quarter {quarter_id} is not closed: it has no {relative}")
    problems: list[Problem] = []
    quarter = read_quarter_file(root, quarter_id, problems, [])
    if found := errors(problems):
        raise DataError(list(found))
    if not quarter.closed:
        raise OkrsiteError(
            f"quarter {quarter_id} is not closed ({relative} has no `status: closed`)"
        )
    text = path.read_text(encoding="utf-8")
    write_atomically(path, edit_quarter_yaml(text, {"status": "open", "digest": None}, relative))
    return QuarterChange(quarter_id, relative, "open", quarter.digest, False, removed)
