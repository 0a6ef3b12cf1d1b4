"""`okrsite checkin`: one validated row appended to a unit's check-in CSV, nothing rewritten.

A check-in records a value already measured, so it is never dated after today. A row of the same
date and KR as an earlier one is appended all the same (history is never rewritten); since on one
date the later row wins, the result says which rows it replaces in the scores. `okrsite collect`
instead leaves a KR and date that has a row alone, deciding so under the same lock as the append:
a value typed by hand is never outranked by one collected at the same time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from okrsite.edit.files import append, folder_lock
from okrsite.load.checkins import COLUMNS, read_checkins
from okrsite.load.quarter_file import read_quarter_file
from okrsite.load.repository import Loaded, load
from okrsite.load.text import MAX_BYTES
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.model.layout import ORG_FILE
from okrsite.model.limits import GRACE_DAYS
from okrsite.model.numbers import NumberError, csv_number, parse_confidence, parse_number
from okrsite.model.okrs import CheckIn, Quarter, Repository
from okrsite.model.problems import about, errors, one_line, quote


@dataclass(frozen=True)
class CheckInRequest:
    """What the owner reports: a KR's value on a date, with optional confidence and notes."""

    unit_id: str
    kr: str  # OBJECTIVE/KR
    value: str  # as typed; validated here
    on: date
    confidence: str | None = None  # as typed; validated here
    note: str = ""
    blockers: str = ""
    quarter_id: str | None = None  # default: the quarter whose dates contain `on`


@dataclass(frozen=True)
class Appended:
    """Where the row went and what it says."""

    path: str  # root-relative POSIX path of the CSV
    quarter_id: str
    row: str  # the CSV text appended, without the line ending
    created: bool  # whether the file was new
    replaces: tuple[int, ...] = ()  # lines of earlier rows of the same date and KR it outranks


class AlreadyCheckedIn(OkrsiteError):
    """The KR already has a row of the date, so an append that only fills a gap adds nothing."""


def _window(quarter: Quarter) -> tuple[date, date]:
    """The dates a check-in of the quarter may carry: its start to the grace period's end."""
    return quarter.start, quarter.end + timedelta(days=GRACE_DAYS)


def pick_quarter(repository: Repository, on: date, quarter_id: str | None) -> Quarter:
    """The quarter named, else the one whose dates contain `on`, else one whose grace does."""
    if quarter_id is not None:
        quarter = repository.quarter(quarter_id)
        if quarter is None:
            raise OkrsiteError(f"there is no quarter {quote(quarter_id)} (no okrs/{quarter_id}/)")
    else:
        containing = [q for q in repository.quarters if q.start <= on <= q.end]
        in_grace = [q for q in repository.quarters if _window(q)[0] <= on <= _window(q)[1]]
        candidates = containing or in_grace
        if not candidates:
            raise OkrsiteError(
                f"no quarter contains {on.isoformat()}; give --quarter, or --date within a quarter"
            )
        quarter = candidates[-1]
    first, last = _window(quarter)
    if not first <= on <= last:
        raise OkrsiteError(
            f"{on.isoformat()} is outside quarter {quarter.id}: a check-in is dated from "
            f"{first.isoformat()} to {last.isoformat()} ({GRACE_DAYS} days after its end)"
        )
    if quarter.closed:
        raise OkrsiteError(
            f"quarter {quarter.id} is closed; reopen it with `okrsite reopen {quarter.id}` "
            "to add a check-in"
        )
    return quarter


def _validate(loaded: Loaded, request: CheckInRequest) -> Quarter:
    """The quarter the row belongs to, once the unit, KR and dates are known good."""
    repository = loaded.repository
    # A broken or missing org.yaml explains an unknown unit better than the list of units.
    if org_errors := [p for p in errors(loaded.problems) if p.location.path == ORG_FILE]:
        raise DataError(org_errors)
    unit = repository.org.unit(request.unit_id)
    if unit is None:
        known = ", ".join(u.id for u in repository.org.units)
        raise OkrsiteError(f"unknown unit {quote(request.unit_id)}; the units are: {known}")
    quarter = pick_quarter(repository, request.on, request.quarter_id)
    if unit_errors := errors(about(loaded.problems, quarter.id, unit.id)):
        raise DataError(list(unit_errors))
    plan = quarter.plan(unit.id)
    refs = [f"{o.id}/{kr.id}" for o in plan.objectives for kr in o.key_results] if plan else []
    if request.kr not in refs:
        known = ", ".join(refs) if refs else "none"
        raise OkrsiteError(
            f"unknown key result {quote(request.kr)} for unit {unit.id} in {quarter.id}; "
            f"write it as OBJECTIVE/KR, one of: {known}"
        )
    return quarter


def existing_layout(
    data: bytes, path: str, required: tuple[str, ...] = ("date", "kr", "value")
) -> tuple[list[str], str]:
    """The header's columns in file order and the file's line ending; the header must name the
    required columns."""
    text = data.decode("utf-8-sig", errors="replace")
    first_line = text.splitlines()[0] if text else ""
    columns = [c.strip() for c in next(csv.reader([first_line]), [])]
    newline = "\r\n" if b"\r\n" in data.split(b"\n", 1)[0] + b"\n" else "\n"
    if not set(required) <= set(columns):
        names = f"{', '.join(required[:-1])} or {required[-1]}"
        raise OkrsiteError(f"{path}: the header {quote(first_line)} lacks {names}; fix it first")
    return columns, newline


def csv_row(cells: list[str], newline: str) -> str:
    """One CSV record, quoted where a cell holds a comma, quote or line break."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow(cells)
    return buffer.getvalue()


def append_checkin(
    root: Path,
    request: CheckInRequest,
    today: date,
    loaded: Loaded | None = None,
    *,
    only_if_missing: bool = False,
) -> Appended:
    """Append one row to okrs/QUARTER/UNIT.csv, creating it with a header if needed.

    today: the run's today (SOURCE_DATE_EPOCH or the clock); a row dated after it is refused.
    loaded: the repository as already read, for a caller appending many rows (`okrsite
    collect`): what it vouches for (units, KRs, quarters) no row changes, and the CSV itself is
    read again from disk for every row.
    only_if_missing: AlreadyCheckedIn, and nothing written, if the CSV as it stands under the
    lock has a row of the KR and date.
    """
    # The loader's own parsers: a row this writes is a row `okrsite check` reads back.
    try:
        value = parse_number(request.value.strip())
    except NumberError as error:
        raise OkrsiteError(f"value {quote(request.value)} {error}") from error
    try:
        confidence = None if request.confidence is None else parse_confidence(request.confidence)
    except NumberError as error:
        raise OkrsiteError(f"confidence {quote(request.confidence)} {error}") from error
    if request.on > today:
        raise OkrsiteError(
            f"--date {request.on.isoformat()} is after today, {today.isoformat()}: a check-in "
            f"records a value already measured; date it {today.isoformat()} or earlier"
        )
    quarter = _validate(loaded if loaded is not None else load(root), request)
    relative = f"okrs/{quarter.id}/{request.unit_id}.csv"
    path = root / relative
    cells = {
        "date": request.on.isoformat(),
        "kr": request.kr,
        "value": csv_number(value),
        "confidence": "" if confidence is None else csv_number(confidence),
        "note": request.note,
        "blockers": request.blockers,
    }
    # Read, decided and appended holding the quarter folder's lock, as every check-in is: two
    # writers never both find a row missing and both append it.
    with folder_lock(path.parent):
        if read_quarter_file(root, quarter.id, [], []).closed:  # by a close that held the lock
            raise OkrsiteError(
                f"quarter {quarter.id} was closed meanwhile; reopen it with "
                f"`okrsite reopen {quarter.id}` to add a check-in"
            )
        created = not path.exists()
        prefix = b""
        if created:
            columns, newline = list(COLUMNS), "\n"
        else:
            data = path.read_bytes()
            columns, newline = existing_layout(data, relative)
            if data and not data.endswith((b"\n", b"\r")):
                prefix = newline.encode()
            missing = [name for name in COLUMNS if cells[name] and name not in columns]
            if missing:
                raise OkrsiteError(
                    f"{relative} has no {', '.join(missing)} column; add it to the header first"
                )
        header = ",".join(columns) + newline if created else ""
        row = csv_row([cells.get(name, "") for name in columns], newline)
        added = prefix + (header + row).encode("utf-8")
        after = _refuse_unless_it_loads(
            b"" if created else data, added, relative, quarter, request.unit_id
        )
        new = max(after, key=lambda c: c.row)  # the row just appended is the file's last
        replaced = tuple(
            c.location.line
            for c in after
            if c.row < new.row and (c.date, c.kr) == (request.on, request.kr)
        )
        if only_if_missing and replaced:
            raise AlreadyCheckedIn(
                f"{relative} already has a check-in on {request.on.isoformat()} for {request.kr} "
                f"(line {replaced[-1]})"
            )
        # Appended: existing bytes are never touched, so history cannot be lost.
        append(path, added)
    return Appended(relative, quarter.id, row.removesuffix(newline), created, replaced)


def _refuse_unless_it_loads(
    data: bytes, added: bytes, relative: str, quarter: Quarter, unit_id: str
) -> tuple[CheckIn, ...]:
    """Refuse a row after which the loader would refuse the file: check reads what this writes.

    The check-ins of the file with the row added, as the loader reads them.
    """
    if len(data) + len(added) > MAX_BYTES:
        raise OkrsiteError(
            f"{relative} would grow past {MAX_BYTES // 1024} KiB, the most okrsite reads from "
            f"one file ({len(added)} bytes added to {len(data)}); shorten the note or blockers"
        )
    text = (data + added).decode("utf-8-sig")
    plan = quarter.plan(unit_id)
    known = (
        frozenset(f"{o.id}/{kr.id}" for o in plan.objectives for kr in o.key_results)
        if plan
        else None
    )
    checkins, problems = read_checkins(text, relative, quarter.start, quarter.end, known)
    if problems:
        raise OkrsiteError(f"the row would not load: {one_line(str(problems[0]))}")
    return checkins
