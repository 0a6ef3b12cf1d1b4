"""A unit's okrs/metrics/UNIT.csv to Readings: the same CSV rules as check-ins, any date."""

from __future__ import annotations

import difflib
from datetime import date

from okrsite.load.checkins import (
    Malformed,
    Record,
    date_hint,
    iso_date,
    malformed,
    read_header,
    read_value,
    records_of,
    split_hint,
)
from okrsite.model.limits import MAX_CHECKINS
from okrsite.model.metrics import Reading
from okrsite.model.problems import Location, Problem, problem, quote

READING_COLUMNS = ("date", "metric", "value", "note")
READING_REQUIRED = ("date", "metric", "value")
EARLIEST = date(2000, 1, 1)
"""The earliest reading okrsite takes: an earlier year is a typo (0026 for 2026)."""


def read_readings(
    text: str, path: str, known: frozenset[str] | None
) -> tuple[tuple[Reading, ...], list[Problem]]:
    """The readings in a unit's metrics CSV; rows with problems are left out and each reported.

    known is the set of metric ids of the unit's metrics YAML, or None when that file could not
    be read (then the metric column is not checked).
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
                    "has no header row; the first line names the columns, e.g. date,metric,value",
                )
            )
            return (), problems
        columns = read_header(header, path, problems, READING_COLUMNS, READING_REQUIRED)
        if columns is None:
            return (), problems
        readings: list[Reading] = []
        for number, record in enumerate(records, start=1):
            if number > MAX_CHECKINS:
                problems.append(
                    problem(
                        "OKR063",
                        Location(path, record.line, 1),
                        f"has more than {MAX_CHECKINS:,} readings; okrsite reads at most "
                        f"{MAX_CHECKINS:,} per file",
                    )
                )
                break
            reading = _read_row(record, number, columns, path, known, problems)
            if reading is not None:
                readings.append(reading)
    except Malformed as error:
        problems.append(malformed(path, error))
        return (), problems
    return tuple(readings), problems


def _read_row(
    record: Record,
    number: int,
    columns: dict[str, int],
    path: str,
    known: frozenset[str] | None,
    problems: list[Problem],
) -> Reading | None:
    """One data row as a Reading, or None with its problems reported."""
    if len(record.cells) != len(columns):
        problems.append(
            problem(
                "OKR037",
                Location(path, record.line, 1),
                f"row {number} has {len(record.cells)} cells but the header has {len(columns)}"
                + split_hint(record.cells, columns),
            )
        )
        return None
    before = len(problems)

    def required(name: str) -> tuple[str, Location] | None:
        index = columns[name]
        line, col = record.starts[index]
        text, where = record.cells[index].strip(), Location(path, line, col)
        if text:
            return text, where
        problems.append(problem("OKR038", where, f"row {number}: {name} is empty"))
        return None

    day = _read_date(required("date"), problems)
    metric = _read_metric(required("metric"), known, problems)
    value = read_value(required("value"), problems)
    if len(problems) != before or day is None or metric is None or value is None:
        return None
    note = record.cells[columns["note"]] if "note" in columns else ""
    return Reading(day, metric, value, note, number, Location(path, record.line, 1))


def _read_date(cell: tuple[str, Location] | None, problems: list[Problem]) -> date | None:
    if cell is None:
        return None
    text, where = cell
    day = iso_date(text)
    if day is None:
        problems.append(
            problem("OKR035", where, f"date {quote(text)} is not YYYY-MM-DD; {date_hint(text)}")
        )
        return None
    if day < EARLIEST:
        problems.append(
            problem(
                "OKR035",
                where,
                f"date {day.isoformat()} is before {EARLIEST.year}; is the year a typo?",
            )
        )
        return None
    return day


def _read_metric(
    cell: tuple[str, Location] | None, known: frozenset[str] | None, problems: list[Problem]
) -> str | None:
    if cell is None:
        return None
    text, where = cell
    if known is None or text in known:
        return text
    close = difflib.get_close_matches(text, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    problems.append(
        problem(
            "OKR123",
            where,
            f"metric {quote(text)} is not a metric of this unit's metrics YAML{hint}",
        )
    )
    return None
