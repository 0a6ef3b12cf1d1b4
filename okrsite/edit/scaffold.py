"""`okrsite new quarter`: the next quarter's folder, seeded with the last quarter's carry-overs.

Each unit of org.yaml gets a UNIT.yaml: the key results graded 0.5 to 0.7 in the latest
quarter (history.review's carry-over candidates) under their objectives, with the baseline set
to the last measured value and no check-ins; the latest quarter's other objectives follow as
YAML comments to copy from. When the latest quarter is still open its grades are provisional:
each KR's grade if written, else its score today, exactly as if it were closed now.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml

from okrsite.edit.files import create_new
from okrsite.load.quarter_file import calendar_dates
from okrsite.load.repository import load_valid
from okrsite.load.schemas import QUARTER_SCHEMA_COMMENT, UNIT_SCHEMA_COMMENT
from okrsite.load.tree import write_reason
from okrsite.model.errors import OkrsiteError
from okrsite.model.limits import FIRST_QUARTER, LAST_QUARTER
from okrsite.model.okrs import (
    QUARTER_ID,
    KeyResult,
    Objective,
    Quarter,
    Repository,
    Unit,
    calendar_quarter,
)
from okrsite.model.scores import KeyResultResult
from okrsite.score.history import review
from okrsite.score.quarter import as_of_date, score_quarter

_TEMPLATE = """\
#  - id: delivery
#    title: What should be true at the end of the quarter, in words
#    type: committed                 # committed | aspirational
#    domain: delivery                # delivery | technical-health | team-health | ai | ...
#    key_results:
#      - id: lead-time
#        title: Reduce median lead time for changes from 12 days to 5 days
#        owner: Who checks in
#        measurement: Where the number comes from
#        baseline: 12
#        target: 5
"""


@dataclass(frozen=True)
class Scaffolded:
    """What `new quarter` wrote: the folder's files and the carried-over key results."""

    quarter_id: str
    source_id: str | None  # the quarter carried over from, None for the first quarter
    provisional: bool  # whether the source was open, so its grades were provisional
    files: tuple[str, ...]  # root-relative POSIX paths, in writing order
    carried: tuple[str, ...]  # UNIT/OBJECTIVE/KR of each carried-over key result


def _scalar(value: str | float) -> str:
    """A YAML scalar on one line: numbers without a needless .0, text quoted only if needed."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    dumped = yaml.safe_dump(value, allow_unicode=True, width=math.inf).removesuffix("\n...\n")
    if "\n" in dumped.strip("\n"):
        dumped = yaml.safe_dump(value, allow_unicode=True, width=math.inf, default_style='"')
    return dumped.strip("\n")


def _field(indent: int, key: str, value: str | float | None, first: bool = False) -> list[str]:
    if value is None:
        return []
    lead = " " * (indent - 2) + "- " if first else " " * indent
    return [f"{lead}{key}: {_scalar(value)}"]


_NOTE_LIMIT = 200  # characters of a grade note kept in the carried-over comment
_SPACES = re.compile(r"\s+")


def _one_line(text: str) -> str:
    """User text made safe for one YAML comment line: every control, format or line-breaking
    character (and anything YAML cannot hold) becomes a space, runs of space collapse, and a long
    text is cut with an ellipsis."""
    kept = "".join(
        " "
        if unicodedata.category(char)[0] == "C" or unicodedata.category(char) in ("Zl", "Zp")
        else char
        for char in text
    )
    flat = _SPACES.sub(" ", kept).strip()
    return flat if len(flat) <= _NOTE_LIMIT else flat[: _NOTE_LIMIT - 1].rstrip() + "\u2026"


def _grade_text(grade: float) -> str:
    return f"{grade:.2f}".rstrip("0").rstrip(".")


def carried_comment(result: KeyResultResult, source_id: str, provisional: bool) -> str:
    """The comment above a carried-over KR: where from, its grade and the owner's note."""
    grade = result.grade if result.grade is not None else result.score
    graded = f"graded {_grade_text(grade)}" + (" so far (provisional)" if provisional else "")
    note = _one_line(result.key_result.grade_note or "")
    return f"      # carried over from {source_id}: {graded}" + (f" \u2014 {note}" if note else "")


def _key_result_lines(
    key_result: KeyResult, baseline: float | None, source_id: str | None = None
) -> list[str]:
    """A key result as YAML lines under `key_results:`, without grade or check-ins.

    With source_id, a baseline that moved says where from: the title often names the old one.
    """
    kr = key_result
    lines = _field(8, "id", kr.id, first=True)
    lines += _field(8, "title", kr.title)
    if kr.kind != "metric":
        lines += _field(8, "kind", kr.kind)
    lines += _field(8, "owner", kr.owner) + _field(8, "measurement", kr.measurement)
    baseline_lines = _field(8, "baseline", baseline)
    moved = kr.baseline is not None and baseline is not None and baseline != kr.baseline
    if source_id is not None and moved and kr.baseline is not None:
        baseline_lines[0] += f"  # last value; was {_scalar(kr.baseline)} in {source_id}"
        baseline_lines[0] += ": check the title"
    lines += _field(8, "unit", kr.unit) + baseline_lines
    lines += _field(8, "target", kr.target) + _field(8, "min", kr.min) + _field(8, "max", kr.max)
    if kr.weight != 1.0:
        lines += _field(8, "weight", kr.weight)
    return lines


def _objective_lines(objective: Objective, key_results: list[list[str]]) -> list[str]:
    """An objective as YAML lines under `objectives:`; aligns_to left as a comment."""
    lines = _field(4, "id", objective.id, first=True) + _field(4, "title", objective.title)
    if objective.type != "committed":
        lines += _field(4, "type", objective.type)
    lines += _field(4, "domain", objective.domain) + _field(4, "owner", objective.owner)
    if objective.aligns_to is not None:
        # The parent objective may not exist in the new quarter yet: a dangling aligns_to
        # would be an error, so the owner restores it once it does.
        lines.append(f"    # aligns_to: {_scalar(objective.aligns_to)}")
    lines.append("    key_results:")
    return lines + [line for kr in key_results for line in kr]


def _carried_baseline(result: KeyResultResult) -> float | None:
    """The baseline a carried-over KR starts from: its last value where that makes a KR."""
    kr = result.key_result
    if kr.kind == "milestone" or result.value is None:
        return kr.baseline  # a milestone counts percent complete from 0 each quarter
    if kr.kind == "metric" and result.value == kr.target:
        return kr.baseline  # a baseline equal to the target measures nothing
    return result.value


def unit_yaml(
    unit: Unit,
    source: Quarter | None,
    carried: dict[str, KeyResultResult],
    source_id: str,
    provisional: bool = False,
) -> str:
    """The new UNIT.yaml: carried-over KRs live, each under a comment saying why it was carried;
    the source's other objectives commented, without their dropped KRs (never carried over)."""
    plan = source.plan(unit.id) if source is not None else None
    live: list[str] = []
    commented: list[str] = []
    for objective in plan.objectives if plan is not None else ():
        kept = [
            [
                carried_comment(carried[path], source_id, provisional),
                *_key_result_lines(kr, _carried_baseline(carried[path]), source_id),
            ]
            for kr in objective.key_results
            if (path := f"{unit.id}/{objective.id}/{kr.id}") in carried and kr.dropped is None
        ]
        if kept:
            live += _objective_lines(objective, kept)
        every = [
            _key_result_lines(kr, kr.baseline) for kr in objective.key_results if kr.dropped is None
        ]
        if every:
            commented += [f"#{line[1:]}" for line in _objective_lines(objective, every)]
    head = [UNIT_SCHEMA_COMMENT, f"# {unit.name}: objectives and key results for the quarter."]
    if live:
        head.append(f"# Carried over from {source_id}: graded 0.5 to 0.7, baseline = last value.")
    body = ["objectives:", *live] if live else ["objectives: []"]
    if commented:
        tail = [
            f"# Last quarter's objectives ({source_id}), to copy from: uncomment one under",
            "# `objectives:` (written `objectives:` alone, without [], once it has any).",
            *commented,
        ]
    else:
        tail = [
            "# An objective looks like this: uncomment it under `objectives:` (written",
            "# `objectives:` alone, without [], once it has any) and fill it in.",
            *_TEMPLATE.splitlines(),
        ]
    return "\n".join([*head, *body, "", *tail]) + "\n"


def quarter_yaml(quarter_id: str) -> str:
    """The new quarter.yaml: the calendar dates, open."""
    start, end = calendar_quarter(quarter_id)
    return "\n".join([QUARTER_SCHEMA_COMMENT, f"start: {start}", f"end: {end}", "status: open", ""])


def carry_over(repository: Repository, source: Quarter, today: date) -> dict[str, KeyResultResult]:
    """The source quarter's carry-over candidates by UNIT/OBJECTIVE/KR.

    An open quarter is graded as if it closed today (its as-of), so its grades are provisional.
    """
    graded = source if source.closed else replace(source, status="closed")
    quarters = tuple(graded if q.id == source.id else q for q in repository.quarters)
    result = score_quarter(
        replace(repository, quarters=quarters), graded, as_of_date(source, None, today), today
    )
    candidates = review([result], source.id).carry_over
    return {kr.path: kr for kr in candidates if kr.key_result.dropped is None}


def check_quarter_id(quarter_id: str, option: str = "") -> str:
    """quarter_id if it names a quarter okrsite's calendar handles, else an OkrsiteError that
    starts with option (such as `--quarter `) when the id came from one."""
    if QUARTER_ID.fullmatch(quarter_id) is None:
        raise OkrsiteError(
            f"{option}{quarter_id!r} is not a quarter; write it as YYYY-Qn, e.g. 2027-Q1"
        )
    if calendar_dates(quarter_id) is None:
        raise OkrsiteError(
            f"{option}{quarter_id} is outside the calendar okrsite handles: quarters run from "
            f"{FIRST_QUARTER} to {LAST_QUARTER}"
        )
    return quarter_id


def new_quarter(root: Path, quarter_id: str, today: date) -> Scaffolded:
    """Write okrs/QUARTER/ for a new quarter after the latest; never overwrites anything."""
    check_quarter_id(quarter_id)
    folder = root / "okrs" / quarter_id
    if folder.exists():
        raise OkrsiteError(f"okrs/{quarter_id}/ already exists; okrsite never overwrites a quarter")
    repository = load_valid(root)
    source = repository.quarters[-1] if repository.quarters else None
    if source is not None and quarter_id <= source.id:
        raise OkrsiteError(
            f"{quarter_id} is not after the latest quarter, {source.id}; "
            "a new quarter must come after every existing one"
        )
    carried = carry_over(repository, source, today) if source is not None else {}
    source_id = source.id if source is not None else quarter_id
    provisional = source is not None and not source.closed
    texts = {f"okrs/{quarter_id}/quarter.yaml": quarter_yaml(quarter_id)}
    for unit in repository.org.units:
        texts[f"okrs/{quarter_id}/{unit.id}.yaml"] = unit_yaml(
            unit, source, carried, source_id, provisional
        )
    try:
        os.mkdir(folder)  # fails if the folder appeared meanwhile: never overwrite
    except FileExistsError as error:
        raise OkrsiteError(f"okrs/{quarter_id}/ already exists") from error
    except FileNotFoundError as error:
        raise OkrsiteError(f"{root / 'okrs'} does not exist") from error
    except OSError as error:
        raise OkrsiteError(f"cannot write {folder}: {write_reason(error, folder)}") from error
    for relative, text in texts.items():
        create_new(root / relative, text)
    return Scaffolded(
        quarter_id=quarter_id,
        source_id=source.id if source is not None else None,
        provisional=provisional,
        files=tuple(texts),
        carried=tuple(carried),
    )
