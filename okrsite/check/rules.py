"""`okrsite check`: reading errors, anti-pattern warnings and the frozen-quarter rule, sorted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from okrsite.check.frozen import frozen_quarter_problems
from okrsite.check.lints import lint
from okrsite.load.repository import Loaded
from okrsite.load.yaml_nodes import Mapping, read_yaml
from okrsite.model.layout import OKRS, QUARTER_FILE
from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Location, Problem, problem
from okrsite.model.scores import QuarterResult


@dataclass(frozen=True)
class Checked:
    """What every rule is given: the repository, where it lives, its scores and today."""

    root: Path
    repository: Repository
    results: Sequence[QuarterResult]  # every quarter, scored once at the run's as-of date
    today: date  # the run's today (SOURCE_DATE_EPOCH pins it): no check-in may come after it


Rule = Callable[[Checked], list[Problem]]


def _lint_rule(checked: Checked) -> list[Problem]:
    def locate(quarter: Quarter, field: str) -> Location:
        return quarter_field(checked.root, quarter, field)

    return lint(checked.repository, checked.results, checked.today, locate)


def quarter_field(root: Path, quarter: Quarter, field: str) -> Location:
    """Where a field of the quarter's quarter.yaml is written, else the quarter's own location.

    The model keeps a quarter's dates, not their lines; the few warnings about them (OKR213)
    read the file again for the line, so the common case reads nothing twice.
    """
    if not quarter.location.path.endswith(f"/{QUARTER_FILE}"):
        return quarter.location
    node, _ = read_yaml(root, quarter.location.path)
    value = node.get(field) if isinstance(node, Mapping) else None
    return value.location if value is not None else quarter.location


def _frozen_rule(checked: Checked) -> list[Problem]:
    return frozen_quarter_problems(checked.root, checked.repository)


def _quarters_rule(checked: Checked) -> list[Problem]:
    """OKR024: a repository with no quarter has nothing to publish; say so before a merge."""
    if checked.repository.quarters or not (checked.root / OKRS).is_dir():
        return []  # no okrs/ at all is OKR020's to report
    return [
        problem(
            "OKR024",
            Location(f"{OKRS}/"),
            "holds no quarter folder, so there is nothing to publish; create one named YYYY-Qn "
            "(e.g. okrs/2026-Q4/ with a UNIT.yaml), or run `okrsite new quarter 2026-Q4`",
        )
    ]


RULES: tuple[Rule, ...] = (
    _quarters_rule,  # OKR024: something to publish
    _lint_rule,  # OKR2xx: anti-patterns of OKR practice
    _frozen_rule,  # OKR3xx: a closed quarter's data must match its digest
)
"""Every rule run on the loaded repository; a new family of checks is added here."""


def sort_key(item: Problem) -> tuple[int, str, int, int, str]:
    """Errors first, then by path, line, column and code."""
    location = item.location
    return (item.severity != "error", location.path, location.line, location.col, item.code)


def check_loaded(
    loaded: Loaded, root: Path, results: Sequence[QuarterResult], today: date
) -> tuple[Problem, ...]:
    """Every problem of a loaded and scored repository, policy.ignore applied to warnings."""
    ignored = loaded.repository.org.policy.ignore
    found = list(loaded.problems)
    checked = Checked(root, loaded.repository, results, today)
    for rule in RULES:
        found.extend(rule(checked))
    kept = {p for p in found if not (p.severity == "warning" and p.code in ignored)}
    return tuple(sorted(kept, key=sort_key))
