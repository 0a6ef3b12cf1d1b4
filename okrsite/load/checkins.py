"""A unit's check-in CSV to CheckIns: RFC 4180, any column order, a hint for each common slip."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from okrsite.model.limits import GRACE_DAYS as GRACE_DAYS
from okrsite.model.limits import MAX_CHECKINS
from okrsite.model.numbers import NumberError, parse_confidence, parse_number
from okrsite.model.okrs import CheckIn
from okrsite.model.problems import Location, Problem, problem, quote

COLUMNS = ("date", "kr", "value", "confidence", "note", "blockers")
REQUIRED = ("date", "kr", "value")

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SLASHED = re.compile(r"(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})")
_LOOSE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class _Strict(csv.excel):
    """RFC 4180: comma, double quotes, and an error for a stray quote instead of a guess."""

    strict = True


@dataclass(frozen=True)
class Record:
    """One CSV record with the line it starts on and each cell's line and column."""

    cells: list[str]
    line: int
    starts: list[tuple[int, int]]


class Malformed(Exception):
    """The CSV reader gave up: what it said and the line it was on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def records_of(text: str) -> Iterator[Record]:
    """Every non-blank record; raises Malformed where the reader gives up."""
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_Strict)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise Malformed(max(line, reader.line_num), str(error)) from error
        if not any(cell.strip() for cell in cells):
            continue
        offset = line_starts[line - 1] if line - 1 < len(line_starts) else len(text)
        yield Record(cells, line, _cell_starts(text, offset, line, len(cells)))


def _cell_starts(text: str, offset: int, line: int, count: int) -> list[tuple[int, int]]:
    """The line and column where each of a record's cells starts, quote-aware."""
    starts = [(line, 1)]
    col, quoted, index = 1, False, offset
    while index < len(text) and len(starts) < count:
        char = text[index]
        if char == '"':
            quoted = not quoted  # an escaped "" toggles twice, leaving the state unchanged
        elif char == "," and not quoted:
            starts.append((line, col + 1))
        elif char in "\r\n":
            if not quoted:
                break
            if char == "\r" and text[index + 1 : index + 2] == "\n":
                index += 1
            line, col = line + 1, 0
        index += 1
        col += 1
    starts.extend([(line, 1)] * (count - len(starts)))
    return starts


def read_checkins(
    text: str, path: str, start: date, end: date, known: frozenset[str] | None
) -> tuple[tuple[CheckIn, ...], list[Problem]]:
    """The check-ins in a unit's CSV; rows with problems are left out and each problem reported.

    known is the set of OBJECTIVE/KR ids of the unit's YAML, or None when that file could not be
    read (then kr cells are not checked, so one broken YAML does not flood the CSV with errors).
    """
    problems: list[Problem] = []
    records = records_of(text)
    try:
        header = next(records, None)
        if header is None:
            problems.append(
                problem(
                    "OKR042",
                    Location(path, 1, 1),
                    "has no header row; the first line names the columns, e.g. date,kr,value",
                )
            )
            return (), problems
        columns = read_header(header, path, problems)
        if columns is None:
            return (), problems
        checkins: list[CheckIn] = []
        for number, record in enumerate(records, start=1):
            if number > MAX_CHECKINS:
                problems.append(
                    problem(
                        "OKR063",
                        Location(path, record.line, 1),
                        f"has more than {MAX_CHECKINS:,} check-ins; okrsite reads at most "
                        f"{MAX_CHECKINS:,} per file: keep one quarter's check-ins of one unit "
                        "in it",
                    )
                )
                break
            checkin = _read_row(record, number, columns, path, start, end, known, problems)
            if checkin is not None:
                checkins.append(checkin)
    except Malformed as error:
        problems.append(malformed(path, error))
        return (), problems
    return tuple(checkins), problems


def malformed(path: str, error: Malformed) -> Problem:
    """The problem of a CSV the reader gave up on, where it gave up."""
    return problem(
        "OKR037",
        Location(path, error.line, 1),
        f"is not valid CSV here ({error.message}); quote a cell that holds a comma, "
        'a quote or a line break, and double any quote inside it ("")',
    )


def read_header(
    header: Record,
    path: str,
    problems: list[Problem],
    allowed: tuple[str, ...] = COLUMNS,
    needed: tuple[str, ...] = REQUIRED,
) -> dict[str, int] | None:
    """Column name to index, or None when the header cannot be used at all."""
    names = [cell.strip() for cell in header.cells]
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        kind = "semicolon" if ";" in names[0] else "tab"
        problems.append(
            problem(
                "OKR031",
                Location(path, header.line, 1),
                f"this looks like a {kind}-separated export; save it as comma-separated "
                f"(CSV UTF-8) with the header {','.join(needed)}",
            )
        )
        return None
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        line, col = header.starts[index]
        where = Location(path, line, col)
        if name not in allowed:
            close = difflib.get_close_matches(name.lower(), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                problem(
                    "OKR033",
                    where,
                    f"unknown column {quote(name)}{hint} (allowed: {', '.join(allowed)})",
                )
            )
        elif name in columns:
            problems.append(problem("OKR034", where, f"column {name!r} is given twice"))
        else:
            columns[name] = index
    missing = [name for name in needed if name not in columns]
    for name in missing:
        problems.append(
            problem(
                "OKR032",
                Location(path, header.line, 1),
                f"the required column {name!r} is missing; the header needs "
                f"{', '.join(needed[:-1])} and {needed[-1]}",
            )
        )
    if missing or len(columns) != len(names):
        return None
    return columns


def _read_row(
    record: Record,
    number: int,
    columns: dict[str, int],
    path: str,
    start: date,
    end: date,
    known: frozenset[str] | None,
    problems: list[Problem],
) -> CheckIn | None:
    """One data row as a CheckIn, or None with its problems reported."""
    row_location = Location(path, record.line, 1)
    if len(record.cells) != len(columns):
        problems.append(
            problem(
                "OKR037",
                row_location,
                f"row {number} has {len(record.cells)} cells but the header has {len(columns)}"
                + split_hint(record.cells, columns),
            )
        )
        return None
    before = len(problems)

    def cell(name: str) -> tuple[str, Location]:
        index = columns[name]
        line, col = record.starts[index]
        return record.cells[index].strip(), Location(path, line, col)

    def required(name: str) -> tuple[str, Location] | None:
        text, where = cell(name)
        if text:
            return text, where
        problems.append(problem("OKR038", where, f"row {number}: {name} is empty"))
        return None

    day = _read_date(required("date"), start, end, problems)
    kr = _read_kr(required("kr"), known, problems)
    value = read_value(required("value"), problems)
    confidence = _read_confidence(cell("confidence") if "confidence" in columns else None, problems)
    if len(problems) != before or day is None or kr is None or value is None:
        return None
    note = record.cells[columns["note"]] if "note" in columns else ""
    blockers = record.cells[columns["blockers"]] if "blockers" in columns else ""
    return CheckIn(day, kr, value, confidence, note, blockers, number, row_location)


def split_hint(cells: list[str], columns: dict[str, int]) -> str:
    """A hint when an unquoted decimal comma split the value into two cells."""
    index = columns.get("value")
    if index is None or len(cells) != len(columns) + 1 or index + 1 >= len(cells):
        return ""
    whole, fraction = cells[index].strip(), cells[index + 1].strip()
    if re.fullmatch(r"[+-]?\d+", whole) and fraction.isdigit():
        return f"; is {whole},{fraction} a decimal comma? write {whole}.{fraction}"
    return "; quote a cell that holds a comma"


def _read_date(
    cell: tuple[str, Location] | None, start: date, end: date, problems: list[Problem]
) -> date | None:
    if cell is None:
        return None
    text, where = cell
    day = iso_date(text)
    if day is None:
        problems.append(
            problem(
                "OKR035",
                where,
                f"date {quote(text)} is not YYYY-MM-DD; {date_hint(text)}",
            )
        )
        return None
    last = end + timedelta(days=GRACE_DAYS)
    if not start <= day <= last:
        problems.append(
            problem(
                "OKR040",
                where,
                f"date {day.isoformat()} is outside the quarter: check-ins run from "
                f"{start.isoformat()} to {last.isoformat()} ({GRACE_DAYS} days after its end)",
            )
        )
        return None
    return day


def iso_date(text: str) -> date | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_hint(text: str) -> str:
    """What the date probably meant, written the way the CSV needs it."""
    fallback = "write it as YYYY-MM-DD, e.g. 2026-11-27"
    head = text[:10]
    if len(text) > 10 and iso_date(head) is not None:
        return f"write the date alone: {head}"
    loose = _LOOSE_ISO.fullmatch(text)
    if loose:
        year, month, day = int(loose[1]), int(loose[2]), int(loose[3])
        if len(text) == 10 and 1 <= month <= 12:
            return f"there is no day {day} in {_MONTHS[month - 1]} {year}; fix the day"
        return _suggest(year, month, day) or fallback
    slashed = _SLASHED.fullmatch(text)
    if not slashed:
        return fallback
    first, second, third = (int(part) for part in slashed.groups())
    if len(slashed[1]) == 4:
        return _suggest(first, second, third) or fallback
    if len(slashed[3]) != 4:
        return fallback
    if first > 12:
        return _suggest(third, second, first) or fallback
    if second > 12:
        return _suggest(third, first, second) or fallback
    day_first = _suggest(third, second, first)
    month_first = _suggest(third, first, second)
    if day_first and month_first and day_first != month_first:
        return f"{fallback} ({quote(text)} could be {day_first[6:]} or {month_first[6:]})"
    return day_first or fallback


def _suggest(year: int, month: int, day: int) -> str | None:
    try:
        return f"write {date(year, month, day).isoformat()}"
    except ValueError:
        return None


def _read_kr(
    cell: tuple[str, Location] | None, known: frozenset[str] | None, problems: list[Problem]
) -> str | None:
    if cell is None:
        return None
    text, where = cell
    if known is None or text in known:
        return text
    close = difflib.get_close_matches(text, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shape = "" if "/" in text else " (write OBJECTIVE/KR, e.g. delivery/lead-time)"
    problems.append(
        problem(
            "OKR041",
            where,
            f"kr {quote(text)} is not a key result of this unit's YAML{shape}{hint}",
        )
    )
    return None


def read_value(cell: tuple[str, Location] | None, problems: list[Problem]) -> float | None:
    if cell is None:
        return None
    text, where = cell
    try:
        return parse_number(text)
    except NumberError as error:
        problems.append(problem("OKR036", where, f"value {quote(text)} {error}"))
        return None


def _read_confidence(cell: tuple[str, Location] | None, problems: list[Problem]) -> float | None:
    if cell is None or not cell[0]:
        return None
    text, where = cell
    try:
        return parse_confidence(text)
    except NumberError as error:
        problems.append(problem("OKR039", where, f"confidence {quote(text)} {error}"))
        return None
