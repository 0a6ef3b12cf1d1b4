"""`okrsite checkin --metric`: one validated reading appended to okrs/metrics/UNIT.csv.

A standing metric's reading is recorded as a KR's check-in is (okrsite/edit/checkin.py): never
dated after today, appended under the folder's lock so existing bytes never change, refused
unless the loader reads the file back. It belongs to no quarter, so any date from 2000 on
is taken. `okrsite collect` leaves a metric and date that has a reading alone (only_if_missing).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from okrsite.edit.checkin import AlreadyCheckedIn, csv_row, existing_layout
from okrsite.edit.files import append, folder_lock
from okrsite.load.readings import EARLIEST, READING_COLUMNS, READING_REQUIRED, read_readings
from okrsite.load.repository import Loaded, load
from okrsite.load.text import MAX_BYTES
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.model.layout import ORG_FILE
from okrsite.model.metrics import METRICS_DIR, Metric
from okrsite.model.metrics import Reading as MetricReading
from okrsite.model.numbers import NumberError, csv_number, parse_number
from okrsite.model.problems import errors, one_line, quote

CLOSE_MATCHES = 3
"""How many metric paths an unknown one's message suggests."""


@dataclass(frozen=True)
class ReadingRequest:
    """What the owner reports: a standing metric's value on a date, with an optional note."""

    metric: str  # UNIT/METRIC, as typed; validated here
    value: str  # as typed; validated here
    on: date
    note: str = ""


@dataclass(frozen=True)
class AppendedReading:
    """Where the reading went and what it says."""

    path: str  # root-relative POSIX path of the CSV, okrs/metrics/UNIT.csv
    metric: Metric
    row: str  # the CSV text appended, without the line ending
    created: bool  # whether the file was new
    replaces: tuple[int, ...] = ()  # lines of earlier rows of the same date and metric


class AlreadyRead(AlreadyCheckedIn):
    """The metric already has a reading of the date, so an append that fills gaps adds nothing."""


def find_metric(loaded: Loaded, path: str) -> Metric:
    """The metric UNIT/METRIC names, once its unit and files are known good; else an error
    naming the close matches, or every metric when none is close."""
    repository = loaded.repository
    # A broken or missing org.yaml explains an unknown unit better than the list of units.
    if org_errors := [p for p in errors(loaded.problems) if p.location.path == ORG_FILE]:
        raise DataError(org_errors)
    unit_id, slash, metric_id = path.strip().partition("/")
    if not slash or not unit_id or not metric_id or "/" in metric_id:
        raise OkrsiteError(
            f"--metric {quote(path)} is not UNIT/METRIC; name a standing metric by its unit "
            "and id, e.g. eng/lead-time"
        )
    if repository.org.unit(unit_id) is None:
        known = ", ".join(u.id for u in repository.org.units)
        raise OkrsiteError(f"unknown unit {quote(unit_id)}; the units are: {known}")
    # The unit's metrics files must load: a metric missing from a broken file is not unknown.
    mine = (f"{METRICS_DIR}/{unit_id}.yaml", f"{METRICS_DIR}/{unit_id}.csv")
    if file_errors := [p for p in errors(loaded.problems) if p.location.path in mine]:
        raise DataError(file_errors)
    for metric in repository.metrics:
        if metric.unit_id == unit_id and metric.id == metric_id:
            return metric
    hint = _hint(repository.metrics, unit_id, metric_id)
    raise OkrsiteError(f"unknown metric {quote(path)}; {hint}")


def _hint(metrics: tuple[Metric, ...], unit_id: str, metric_id: str) -> str:
    """What an unknown UNIT/METRIC may have meant: an id of the unit close to it, else the same
    id in another unit, else every metric of the unit (of all units, if it has none)."""
    ids = [m.id for m in metrics if m.unit_id == unit_id]
    close = [f"{unit_id}/{i}" for i in difflib.get_close_matches(metric_id, ids, n=CLOSE_MATCHES)]
    close = close or [m.path for m in metrics if m.id == metric_id]
    if close:
        return f"did you mean {' or '.join(close)}?"
    if ids:
        return f"the metrics of {unit_id} are: {', '.join(f'{unit_id}/{i}' for i in ids)}"
    if metrics:
        return (
            f"{unit_id} has no standing metrics ({METRICS_DIR}/{unit_id}.yaml); the metrics "
            f"are: {', '.join(m.path for m in metrics)}"
        )
    return f"there are no standing metrics; define them in {METRICS_DIR}/UNIT.yaml"


def append_reading(
    root: Path,
    request: ReadingRequest,
    today: date,
    loaded: Loaded | None = None,
    *,
    only_if_missing: bool = False,
) -> AppendedReading:
    """Append one row to okrs/metrics/UNIT.csv, creating it with a header if needed.

    today: the run's today (SOURCE_DATE_EPOCH or the clock); a row dated after it is refused.
    loaded: the repository as already read, for a caller appending many rows (`okrsite
    collect`); the CSV itself is read again from disk, under the lock, for every row.
    only_if_missing: AlreadyRead, and nothing written, if the CSV as it stands under the lock
    has a reading of the metric and date.
    """
    # The loader's own parsers: a row this writes is a row `okrsite check` reads back.
    try:
        value = parse_number(request.value.strip())
    except NumberError as error:
        raise OkrsiteError(f"value {quote(request.value)} {error}") from error
    if request.on > today:
        raise OkrsiteError(
            f"--date {request.on.isoformat()} is after today, {today.isoformat()}: a reading "
            f"records a value already measured; date it {today.isoformat()} or earlier"
        )
    if request.on < EARLIEST:
        raise OkrsiteError(
            f"--date {request.on.isoformat()} is before {EARLIEST.year}: okrsite takes readings "
            f"from {EARLIEST.isoformat()} on; is the year a typo?"
        )
    loaded = loaded if loaded is not None else load(root)
    metric = find_metric(loaded, request.metric)
    relative = f"{METRICS_DIR}/{metric.unit_id}.csv"
    path = root / relative
    cells = {
        "date": request.on.isoformat(),
        "metric": metric.id,
        "value": csv_number(value),
        "note": request.note,
    }
    known = frozenset(m.id for m in loaded.repository.metrics if m.unit_id == metric.unit_id)
    # Read, decided and appended holding the metrics folder's lock, as every check-in is held
    # by its quarter's: two writers never both find a reading missing and both append it.
    with folder_lock(path.parent):
        created = not path.exists()
        prefix = b""
        data = b""
        if created:
            columns, newline = list(READING_COLUMNS), "\n"
        else:
            data = path.read_bytes()
            columns, newline = existing_layout(data, relative, READING_REQUIRED)
            if data and not data.endswith((b"\n", b"\r")):
                prefix = newline.encode()
            if cells["note"] and "note" not in columns:
                raise OkrsiteError(f"{relative} has no note column; add it to the header first")
        header = ",".join(columns) + newline if created else ""
        row = csv_row([cells.get(name, "") for name in columns], newline)
        added = prefix + (header + row).encode("utf-8")
        after = _refuse_unless_it_loads(data, added, relative, known)
        new = max(after, key=lambda r: r.row)  # the row just appended is the file's last
        replaced = tuple(
            r.location.line
            for r in after
            if r.row < new.row and (r.date, r.metric) == (request.on, metric.id)
        )
        if only_if_missing and replaced:
            raise AlreadyRead(
                f"{relative} already has a reading on {request.on.isoformat()} for {metric.id} "
                f"(line {replaced[-1]})"
            )
        # Appended: existing bytes are never touched, so history cannot be lost.
        append(path, added)
    return AppendedReading(relative, metric, row.removesuffix(newline), created, replaced)


def _refuse_unless_it_loads(
    data: bytes, added: bytes, relative: str, known: frozenset[str]
) -> tuple[MetricReading, ...]:
    """The readings of the file with the row added, as the loader reads them; refused if the
    loader would refuse the file: check reads what this writes."""
    if len(data) + len(added) > MAX_BYTES:
        raise OkrsiteError(
            f"{relative} would grow past {MAX_BYTES // 1024} KiB, the most okrsite reads from "
            f"one file ({len(added)} bytes added to {len(data)}); shorten the note"
        )
    readings, problems = read_readings((data + added).decode("utf-8-sig"), relative, known)
    if problems:
        raise OkrsiteError(f"the row would not load: {one_line(str(problems[0]))}")
    return readings
