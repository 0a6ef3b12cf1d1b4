"""One collection: each KR with a source in a quarter, and each standing metric with a source,
is asked for its value as of a date; each value becomes a check-in row in okrs/QUARTER/UNIT.csv
(a reading in okrs/metrics/UNIT.csv); a source that fails writes nothing and says why."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Collection as Many
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from okrsite.collect.command import read_command
from okrsite.collect.github import read_github
from okrsite.collect.json_source import read_json
from okrsite.collect.no_dump import protect_environment
from okrsite.collect.prometheus import read_prometheus
from okrsite.collect.readings import Reading, SourceContext, SourceError
from okrsite.collect.redact import redact
from okrsite.edit.checkin import (
    AlreadyCheckedIn,
    CheckInRequest,
    append_checkin,
    csv_row,
    pick_quarter,
)
from okrsite.edit.reading import AlreadyRead, ReadingRequest, append_reading
from okrsite.load.checkins import COLUMNS
from okrsite.load.readings import READING_COLUMNS
from okrsite.load.repository import Loaded
from okrsite.model.errors import OkrsiteError
from okrsite.model.metrics import METRICS_DIR, Metric
from okrsite.model.numbers import NumberError, csv_number, parse_number
from okrsite.model.okrs import KeyResult, Quarter
from okrsite.model.problems import one_line, quote
from okrsite.model.source_policy import GITHUB_TOKEN, github_api_origin
from okrsite.model.sources import SOURCE_KINDS, Source, SourceKind

Reader = Callable[[Any, SourceContext], Reading]

READERS: Mapping[SourceKind, Reader] = {
    "github": read_github,
    "prometheus": read_prometheus,
    "json": read_json,
    "command": read_command,
}
"""The function that reads each kind of source."""


@dataclass(frozen=True)
class Target:
    """A KR to collect: where it is, and its source."""

    unit_id: str
    objective_id: str
    key_result: KeyResult
    source: Source

    @property
    def ref(self) -> str:
        """OBJECTIVE/KR, as the CSV's kr column writes it."""
        return f"{self.objective_id}/{self.key_result.id}"

    @property
    def name(self) -> str:
        """UNIT/OBJECTIVE/KR, as messages name it."""
        return f"{self.unit_id}/{self.ref}"

    @property
    def kind(self) -> str:
        """The source's kind, for messages."""
        return self.source.kind

    @property
    def shown(self) -> str:
        """How output lines name it: UNIT/OBJECTIVE/KR."""
        return self.name


@dataclass(frozen=True)
class MetricTarget:
    """A standing metric to collect, and its source."""

    metric: Metric
    source: Source

    @property
    def unit_id(self) -> str:
        return self.metric.unit_id

    @property
    def name(self) -> str:
        """UNIT/METRIC, the metric's path."""
        return self.metric.path

    @property
    def kind(self) -> str:
        """The source's kind, for messages."""
        return self.source.kind

    @property
    def shown(self) -> str:
        """How output lines name it: `metric UNIT/METRIC`, never taken for a KR."""
        return f"metric {self.name}"


AnyTarget = Target | MetricTarget


@dataclass(frozen=True)
class Row:
    """A value read, as the row it becomes (or became) in okrs/QUARTER/UNIT.csv, or for a
    metric in okrs/metrics/UNIT.csv."""

    target: AnyTarget
    path: str  # root-relative CSV path
    text: str  # the CSV record, without its line ending


@dataclass(frozen=True)
class Skipped:
    """A KR left alone: it already has a check-in on the date, so collecting twice adds nothing
    (a metric: it already has a reading on the date)."""

    target: AnyTarget
    reason: str


@dataclass(frozen=True)
class Failed:
    """A KR or metric whose source could not give a value: nothing was written for it."""

    target: AnyTarget
    message: str

    def __str__(self) -> str:
        return f"{self.target.shown} ({self.target.kind}): {self.message}"


@dataclass(frozen=True)
class Tally:
    """How many of one kind of target (KRs, or metrics) were read, skipped and failed."""

    rows: int
    skipped: int
    failed: int

    @property
    def total(self) -> int:
        return self.rows + self.skipped + self.failed


@dataclass(frozen=True)
class Collection:
    """What one run did, KR by KR, then metric by metric."""

    quarter_id: str
    day: date
    rows: tuple[Row, ...]
    skipped: tuple[Skipped, ...]
    failed: tuple[Failed, ...]
    metrics_chosen: int = 0  # the standing metrics whose sources were to be read

    def tally(self, metrics: bool) -> Tally:
        """The KRs' counts, or (metrics) the standing metrics'."""

        def mine(items: Sequence[Row | Skipped | Failed]) -> int:
            return sum(isinstance(i.target, MetricTarget) == metrics for i in items)

        return Tally(mine(self.rows), mine(self.skipped), mine(self.failed))


def targets(quarter: Quarter, unit_ids: Sequence[str] = ()) -> list[Target]:
    """The quarter's KRs that name a source and are not dropped, in file order; only the units
    named, when some are."""
    chosen = set(unit_ids)
    return [
        Target(plan.unit_id, objective.id, kr, kr.source)
        for plan in sorted(quarter.plans, key=lambda p: p.unit_id)
        if not chosen or plan.unit_id in chosen
        for objective in plan.objectives
        for kr in objective.key_results
        if kr.source is not None and kr.dropped is None
    ]


def metric_targets(metrics: Sequence[Metric], unit_ids: Sequence[str] = ()) -> list[MetricTarget]:
    """The standing metrics that name a source, in the repository's order (org.yaml's units);
    only the units named, when some are."""
    chosen = set(unit_ids)
    return [
        MetricTarget(metric, metric.source)
        for metric in metrics
        if metric.source is not None and (not chosen or metric.unit_id in chosen)
    ]


def _checked_in(target: AnyTarget, day: date) -> bool:
    """Whether the KR already has a row dated day (by hand or by an earlier collection); for a
    metric, a reading."""
    if isinstance(target, MetricTarget):
        return any(r.date == day for r in target.metric.readings)
    return any(c.date == day for c in target.key_result.checkins)


def _row_text(target: AnyTarget, day: date, reading: Reading) -> str:
    """The CSV record a reading would become, in the file format's column order (--dry-run)."""
    columns: tuple[str, ...] = COLUMNS
    ref = target.ref if isinstance(target, Target) else target.metric.id
    if isinstance(target, MetricTarget):
        columns = READING_COLUMNS
    cells = {
        "date": day.isoformat(),
        "kr": ref,
        "metric": ref,
        "value": csv_number(reading.value),
        "note": reading.note,
    }
    return csv_row([cells.get(c, "") for c in columns], newline="")


def read_value(target: AnyTarget, context: SourceContext) -> Reading:
    """The KR's (or metric's) value from its source; any failure is a SourceError saying why
    in one line."""
    reader = READERS[target.source.kind]
    try:
        reading = reader(target.source, context)
    except SourceError as error:
        # Whatever a reader quoted, and however it cut it, no token shows (T5).
        raise SourceError(redact(str(error), context.secrets)) from None
    except (OSError, ValueError) as error:  # a reader's gap: still one line, never a traceback
        text = redact(f"{type(error).__name__}: {error}", context.secrets)
        raise SourceError(one_line(text)) from error
    reading = Reading(reading.value, redact(reading.note, context.secrets))
    # The CSV's own number rules, so --dry-run shows only rows a real run would write.
    cell = csv_number(reading.value)
    try:
        parse_number(cell)
    except NumberError as error:
        raise SourceError(f"value {cell} {error}") from error
    return reading


def collect(
    root: Path,
    loaded: Loaded,
    day: date,
    env: Mapping[str, str],
    *,
    today: date,
    unit_ids: Sequence[str] = (),
    dry_run: bool = False,
    quarter_id: str | None = None,
    progress: Callable[[str], None] = lambda _line: None,
    kinds: Many[SourceKind] = SOURCE_KINDS,
) -> Collection:
    """Ask each source for its KR's value as of day and append a row per value (none with
    dry_run); then each standing metric's source, a reading per value in okrs/metrics/UNIT.csv.
    Idempotent for a date: a KR with a row of that date, a metric with a reading, is skipped.

    kinds: only the sources of these kinds are read (`--only`/`--skip`), so that the programs
    of command sources can run in a step that holds no token at all (T2).

    loaded: the repository read once, with no error; every row is checked against it and
    against its CSV as it stands on disk, so a large organisation is not read once per row.
    """
    repository = loaded.repository
    quarter = pick_quarter(repository, day, quarter_id)
    unknown = sorted(set(unit_ids) - {u.id for u in repository.org.units})
    if unknown:
        raise OkrsiteError(f"unknown unit {quote(unknown[0])}; give a unit id of org.yaml")
    # Before any source is read: no program it runs may read this process's tokens (T2).
    protect_environment()
    chosen: list[AnyTarget] = [t for t in targets(quarter, unit_ids) if t.source.kind in kinds]
    metrics = [t for t in metric_targets(repository.metrics, unit_ids) if t.source.kind in kinds]
    chosen += metrics
    context = SourceContext(
        root=root,
        day=day,
        env=env,
        # GITHUB_API_URL from the environment collect runs in: the workflow's GitHub (T1).
        settings=replace(
            loaded.collect_settings, github_api=github_api_origin(env.get("GITHUB_API_URL"))
        ),
        secrets=_secrets(chosen, env),
    )
    rows: list[Row] = []
    skipped: list[Skipped] = []
    failed: list[Failed] = []
    for target in chosen:
        if _checked_in(target, day):
            what = "has a reading" if isinstance(target, MetricTarget) else "checked in"
            skipped.append(Skipped(target, f"already {what} on {day.isoformat()}"))
            continue
        progress(f"{target.shown}: asking {target.kind}")
        try:
            reading = read_value(target, context)
            if dry_run:
                path = _csv_path(target, quarter.id)
                row = _row_text(target, day, reading)
            else:
                path, row = _append(root, target, reading, day, today, loaded, quarter.id)
        except SourceError as error:
            failed.append(Failed(target, str(error)))
            continue
        except AlreadyCheckedIn as error:  # by hand or by another collect meanwhile
            what = "a reading" if isinstance(error, AlreadyRead) else "a check-in"
            skipped.append(Skipped(target, f"already has {what} on {day.isoformat()}"))
            continue
        except OkrsiteError as error:  # the value read would not make a valid row
            failed.append(Failed(target, one_line(str(error))))
            continue
        rows.append(Row(target, path, row))
    return Collection(
        quarter.id, day, tuple(rows), tuple(skipped), tuple(failed), metrics_chosen=len(metrics)
    )


def _csv_path(target: AnyTarget, quarter_id: str) -> str:
    """The root-relative CSV a target's row goes to."""
    if isinstance(target, MetricTarget):
        return f"{METRICS_DIR}/{target.unit_id}.csv"
    return f"okrs/{quarter_id}/{target.unit_id}.csv"


def _append(
    root: Path,
    target: AnyTarget,
    reading: Reading,
    day: date,
    today: date,
    loaded: Loaded,
    quarter_id: str,
) -> tuple[str, str]:
    """Append the target's row, under its folder's lock, the CSV read again: a row typed
    meanwhile stays the one (AlreadyCheckedIn, or AlreadyRead for a metric). Its path and row."""
    if isinstance(target, MetricTarget):
        metric_request = ReadingRequest(
            metric=target.name, value=csv_number(reading.value), on=day, note=reading.note
        )
        read = append_reading(root, metric_request, today, loaded, only_if_missing=True)
        return read.path, read.row
    request = CheckInRequest(
        unit_id=target.unit_id,
        kr=target.ref,
        value=csv_number(reading.value),
        on=day,
        note=reading.note,
        quarter_id=quarter_id,
    )
    appended = append_checkin(root, request, today, loaded, only_if_missing=True)
    return appended.path, appended.row


def _secrets(chosen: Sequence[AnyTarget], env: Mapping[str, str]) -> tuple[str, ...]:
    """The tokens this collection holds: GITHUB_TOKEN's and every token_env's value."""
    names = {GITHUB_TOKEN} | {
        name for t in chosen if (name := getattr(t.source, "token_env", None)) is not None
    }
    values = (env.get(name, "") for name in sorted(names))
    return tuple(value.strip() for value in values if value.strip())
