"""`okrsite promote`: a key result becomes a standing metric of its unit.

The metric is appended, as text, to okrs/metrics/UNIT.yaml (created if missing), so every
comment the file has survives; the KR's check-ins of every quarter (same UNIT/OBJECTIVE/KR) are
appended to okrs/metrics/UNIT.csv as its readings, so its history is the same before and after.
Both files are read back with okrsite's own loader before either is written, and each is
replaced in one step: a refusal writes nothing.

The healthy range is proposed from the KR: a metric KR whose target is below its baseline is
healthy at or below its target (max), any other at or above it (min); a guardrail keeps its
min and max. A milestone is refused: percent complete is not a measure of health.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from okrsite.edit.checkin import csv_row
from okrsite.edit.files import create_new, folder_lock, make_folder, write_atomically
from okrsite.load.metric_file import read_metrics
from okrsite.load.readings import READING_COLUMNS, read_readings
from okrsite.load.repository import load
from okrsite.load.schemas import METRICS_SCHEMA_COMMENT
from okrsite.load.yaml_nodes import parse_yaml
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.model.layout import OKRS
from okrsite.model.metrics import METRICS_DIR, Metric
from okrsite.model.numbers import csv_number
from okrsite.model.okrs import QUARTER_ID, KeyResult, Repository, is_slug
from okrsite.model.problems import Problem, errors, one_line, quote

REVIEW_COMMENT = "proposed from the KR's {what}: review it"
"""The comment on each range line written: where the bound came from, and that it is a guess."""
_WIDE = 1_000_000  # no folding of long titles across lines


@dataclass(frozen=True)
class HistoryRow:
    """One reading carried over from a check-in: its date, value and note."""

    date: date
    value: float
    note: str
    quarter_id: str  # the quarter folder the check-in came from


@dataclass(frozen=True)
class Promotion:
    """What `okrsite promote` wrote, for the CLI to report."""

    metric_path: str  # UNIT/METRIC
    kr_path: str  # UNIT/OBJECTIVE/KR
    yaml_path: str  # root-relative POSIX path of the metrics YAML
    yaml_created: bool
    entry: str  # the YAML text of the metric appended
    csv_path: str
    csv_created: bool
    history: tuple[HistoryRow, ...]  # the readings appended, oldest first
    min: float | None
    max: float | None


def _nearest(word: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f"; did you mean {quote(close[0])}?" if close else ""


def _line_ending(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _find_kr(repository: Repository, quarter_id: str, unit_id: str, ref: str) -> KeyResult:
    """The KR named, or OkrsiteError naming the closest quarter, unit or KR."""
    if QUARTER_ID.fullmatch(quarter_id) is None:
        raise OkrsiteError(
            f"{quote(quarter_id)} is not a quarter; write it as YYYY-Qn, e.g. 2026-Q3"
        )
    quarter = repository.quarter(quarter_id)
    if quarter is None:
        ids = [q.id for q in repository.quarters]
        raise OkrsiteError(
            f"there is no quarter {quote(quarter_id)} (no {OKRS}/{quarter_id}/)"
            f"{_nearest(quarter_id, ids)}"
        )
    unit = repository.org.unit(unit_id)
    if unit is None:
        ids = [u.id for u in repository.org.units]
        raise OkrsiteError(f"unknown unit {quote(unit_id)}{_nearest(unit_id, ids)}")
    plan = quarter.plan(unit_id)
    refs = {f"{o.id}/{kr.id}": kr for o in plan.objectives for kr in o.key_results} if plan else {}
    if ref not in refs:
        known = ", ".join(refs) if refs else "none"
        raise OkrsiteError(
            f"unknown key result {quote(ref)} for unit {unit_id} in {quarter_id}"
            f"{_nearest(ref, list(refs))} (write it as OBJECTIVE/KR; the unit's are: {known})"
        )
    return refs[ref]


def proposed_range(kr: KeyResult, path: str) -> tuple[float | None, float | None, str]:
    """The healthy range (min, max) proposed from the KR, and what it came from; OkrsiteError
    for a milestone or a KR without the figures."""
    if kr.kind == "milestone":
        raise OkrsiteError(
            f"{path} is a milestone: its value is percent complete, which says how far a piece "
            "of work got, not whether something stays healthy; only a metric or guardrail KR "
            "becomes a standing metric"
        )
    if kr.kind == "guardrail":
        if kr.min is None and kr.max is None:
            raise OkrsiteError(f"{path} is a guardrail with neither min nor max to keep")
        return kr.min, kr.max, "guardrail range"
    if kr.target is None:
        raise OkrsiteError(f"{path} has no target to propose a healthy range from")
    if kr.baseline is not None and kr.target < kr.baseline:
        return None, kr.target, "target"
    return kr.target, None, "target"


def carried_history(repository: Repository, kr_path: str) -> tuple[HistoryRow, ...]:
    """Every check-in of kr_path (UNIT/OBJECTIVE/KR) in every quarter folder, one per date, the
    later row winning on a date (a later quarter's over an earlier one's), oldest first."""
    unit_id, _, ref = kr_path.partition("/")
    latest: dict[date, HistoryRow] = {}
    for quarter in repository.quarters:  # oldest first
        plan = quarter.plan(unit_id)
        if plan is None:
            continue
        for objective in plan.objectives:
            for kr in objective.key_results:
                if f"{objective.id}/{kr.id}" != ref:
                    continue
                for checkin in sorted(kr.checkins, key=lambda c: c.row):
                    latest[checkin.date] = HistoryRow(
                        checkin.date, checkin.value, checkin.note, quarter.id
                    )
    return tuple(latest[day] for day in sorted(latest))


def _scalar_line(key: str, value: object) -> str:
    """`key: value` on one line, quoted as YAML needs (JSON's quoting for a line break)."""
    line = yaml.safe_dump({key: value}, allow_unicode=True, width=_WIDE, sort_keys=False)
    line = line.rstrip("\n")
    if "\n" in line:
        line = f"{key}: {json.dumps(value, ensure_ascii=False)}"
    return line


def _number(value: float) -> str:
    return csv_number(float(value))


def _raw_source(root: Path, quarter_id: str, unit_id: str, ref: str) -> dict[str, Any] | None:
    """The KR's source: mapping as written in its unit's YAML (every field kept)."""
    path = root / OKRS / quarter_id / f"{unit_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    objective_id, _, kr_id = ref.partition("/")
    for objective in data.get("objectives") or []:
        if objective.get("id") != objective_id:
            continue
        for kr in objective.get("key_results") or []:
            if kr.get("id") == kr_id and isinstance(kr.get("source"), dict):
                return dict(kr["source"])
    return None


def metric_entry(
    metric_id: str,
    kr: KeyResult,
    kr_path: str,
    low: float | None,
    high: float | None,
    origin: str,
    source: dict[str, Any] | None,
    indent: str = "  ",
) -> list[str]:
    """The metric's lines for a `metrics:` list, its `-` at indent."""
    inner = indent + "  "
    comment = f"  # {REVIEW_COMMENT.format(what=origin)}"
    lines = [f"{indent}- {_scalar_line('id', metric_id)}"]
    lines += [
        f"{inner}{_scalar_line(k, v)}"
        for k, v in (("title", kr.title), ("owner", kr.owner), ("measurement", kr.measurement))
    ]
    if kr.unit is not None:
        lines.append(f"{inner}{_scalar_line('unit', kr.unit)}")
    if low is not None:
        lines.append(f"{inner}min: {_number(low)}{comment}")
    if high is not None:
        lines.append(f"{inner}max: {_number(high)}{comment}")
    if source is not None:
        dumped = yaml.safe_dump(
            source, allow_unicode=True, width=_WIDE, sort_keys=False, default_flow_style=False
        )
        lines.append(f"{inner}source:")
        lines += [f"{inner}  {line}" for line in dumped.splitlines()]
    lines.append(f"{inner}promoted_from: {kr_path}")
    return lines


def _item_indent(text: str) -> str:
    """The indent of the items of the file's top-level `metrics:` list (two spaces if none)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"metrics\s*:", line)), None)
    if start is not None:
        for line in lines[start + 1 :]:
            found = re.match(r"( *)- ", line)
            if found:
                return found.group(1)
            if line.strip() and not line.lstrip().startswith("#") and not line.startswith(" "):
                break
    return "  "


def _first_problem(problems: Sequence[Problem]) -> str:
    return one_line(str(errors(problems)[0]))


def _yaml_after(
    before: str | None, metric_id: str, lines: Sequence[str], relative: str, unit_id: str
) -> tuple[str, Metric]:
    """The metrics YAML with the entry (written with a two-space indent) appended at its end,
    and the metric as the loader reads it back from that text."""
    if before is None:
        text = "\n".join([METRICS_SCHEMA_COMMENT, "metrics:", *lines]) + "\n"
    else:
        newline = _line_ending(before)
        body = before if not before or before.endswith(("\n", "\r")) else before + newline
        indent = _item_indent(before)
        text = body + newline.join(indent + line[2:] for line in lines) + newline
    node, found = parse_yaml(text.removeprefix("\ufeff"), relative)
    problems: list[Problem] = list(found)
    parsed = read_metrics(node, unit_id, problems) if node is not None else None
    listed = parsed.metrics if parsed is not None and parsed.metrics is not None else ()
    metric = next((m for m in listed if m.id == metric_id), None)
    if errors(problems) or metric is None:
        why = _first_problem(problems) if errors(problems) else "the metric is not in its list"
        raise OkrsiteError(
            f"{relative} would not load with the metric appended at its end ({why}); is "
            "`metrics:` its last key, in block style? Add the metric by hand, or move "
            "`metrics:` last and run the command again"
        )
    return text, metric


def _csv_after(
    before: str | None,
    history: Sequence[HistoryRow],
    metric_id: str,
    declared: frozenset[str],
    relative: str,
) -> str:
    """The metrics CSV with the history appended, checked by the loader's own reader."""
    if before is None:
        columns, newline, text = list(READING_COLUMNS), "\n", ",".join(READING_COLUMNS) + "\n"
    else:
        first = before.removeprefix("\ufeff").splitlines()[0] if before else ""
        columns = [c.strip() for c in next(csv.reader([first]), [])]
        newline = _line_ending(before)
        text = before if not before or before.endswith(("\n", "\r")) else before + newline
        if "note" not in columns and any(row.note for row in history):
            raise OkrsiteError(
                f"{relative} has no note column, and the check-ins carried over have notes; "
                "add `note` to its header first"
            )
    for row in history:
        cells = {
            "date": row.date.isoformat(),
            "metric": metric_id,
            "value": csv_number(row.value),
            "note": row.note,
        }
        text += csv_row([cells.get(name, "") for name in columns], newline)
    readings, problems = read_readings(text.removeprefix("\ufeff"), relative, declared)
    if errors(problems):
        raise OkrsiteError(f"{relative} would not load: {_first_problem(problems)}")
    mine = [(r.date, r.value) for r in readings if r.metric == metric_id]
    if mine != [(row.date, row.value) for row in history]:
        raise OkrsiteError(f"{relative} would not read back the readings written")
    return text


def _read(path: Path) -> str | None:
    """The file's text, a byte-order mark kept (as U+FEFF), or None if there is no file."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as error:
        raise OkrsiteError(f"{path} is not UTF-8 text: {error.reason}") from error


def promote(
    root: Path, quarter_id: str, unit_id: str, ref: str, metric_id: str | None = None
) -> Promotion:
    """Make UNIT's OBJECTIVE/KR of the quarter a standing metric of the unit: its definition
    appended to okrs/metrics/UNIT.yaml, its check-ins of every quarter to okrs/metrics/UNIT.csv.

    OkrsiteError, and nothing written, if the repository has errors, the quarter, unit or KR
    does not exist, the KR is a milestone, or the unit already has a metric of that id.
    """
    loaded = load(root)
    if found := errors(loaded.problems):
        raise DataError(list(found))
    repository = loaded.repository
    kr = _find_kr(repository, quarter_id, unit_id, ref)
    kr_path = f"{unit_id}/{ref}"
    metric_id = kr.id if metric_id is None else metric_id
    if not is_slug(metric_id):
        raise OkrsiteError(
            f"--id {quote(metric_id)} is not an id: lower-case letters, digits and hyphens"
        )
    metric_path = f"{unit_id}/{metric_id}"
    if repository.metric(metric_path) is not None:
        raise OkrsiteError(
            f"unit {unit_id} already has a standing metric {quote(metric_id)} in "
            f"{METRICS_DIR}/{unit_id}.yaml; give another id with --id"
        )
    low, high, origin = proposed_range(kr, kr_path)
    source = _raw_source(root, quarter_id, unit_id, ref) if kr.source is not None else None
    lines = metric_entry(metric_id, kr, kr_path, low, high, origin, source)
    history = carried_history(repository, kr_path)
    yaml_relative = f"{METRICS_DIR}/{unit_id}.yaml"
    csv_relative = f"{METRICS_DIR}/{unit_id}.csv"
    folder = root / METRICS_DIR
    make_folder(folder)
    # Held as `collect` holds it to append readings: no writer slips in between read and write.
    with folder_lock(folder):
        yaml_before, csv_before = _read(root / yaml_relative), _read(root / csv_relative)
        yaml_text, metric = _yaml_after(yaml_before, metric_id, lines, yaml_relative, unit_id)
        if (metric.min, metric.max, metric.promoted_from) != (low, high, kr_path):
            raise OkrsiteError(f"{yaml_relative} would not read back the metric as written")
        declared = frozenset(m.id for m in repository.metrics if m.unit_id == unit_id)
        csv_text = None
        if history:
            csv_text = _csv_after(
                csv_before, history, metric.id, declared | {metric.id}, csv_relative
            )
        # Both checked: now written, each in one step.
        for relative, before, after in (
            (yaml_relative, yaml_before, yaml_text),
            (csv_relative, csv_before, csv_text),
        ):
            if after is None:
                continue
            if before is None:
                create_new(root / relative, after)
            else:
                write_atomically(root / relative, after)
    return Promotion(
        metric_path=metric_path,
        kr_path=kr_path,
        yaml_path=yaml_relative,
        yaml_created=yaml_before is None,
        entry="\n".join(lines) + "\n",
        csv_path=csv_relative,
        csv_created=csv_before is None and bool(history),
        history=history,
        min=low,
        max=high,
    )
