"""`okrsite check`: reading errors, anti-pattern warnings and the frozen-quarter rule, sorted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from okrsite.check.frozen import frozen_quarter_problems
from okrsite.check.lints import lint
from okrsite.load.repository import Loaded
from okrsite.model.okrs import Repository
from okrsite.model.problems import Problem
from okrsite.model.scores import QuarterResult


@dataclass(frozen=True)
class Checked:
    """What every rule is given: the repository, where it lives, and its scores."""

    root: Path
    repository: Repository
    results: Sequence[QuarterResult]  # every quarter, scored once at the run's as-of date


Rule = Callable[[Checked], list[Problem]]


def _lint_rule(checked: Checked) -> list[Problem]:
    return lint(checked.repository, checked.results)


def _frozen_rule(checked: Checked) -> list[Problem]:
    return frozen_quarter_problems(checked.root, checked.repository)


RULES: tuple[Rule, ...] = (
    _lint_rule,  # OKR2xx: anti-patterns of OKR practice
    _frozen_rule,  # OKR3xx: a closed quarter's data must match its digest
)
"""Every rule run on the loaded repository; a new family of checks is added here."""


def sort_key(item: Problem) -> tuple[int, str, int, int, str]:
    """Errors first, then by path, line, column and code."""
    location = item.location
    return (item.severity != "error", location.path, location.line, location.col, item.code)


def check_loaded(
    loaded: Loaded, root: Path, results: Sequence[QuarterResult]
) -> tuple[Problem, ...]:
    """Every problem of a loaded and scored repository, policy.ignore applied to warnings."""
    ignored = loaded.repository.org.policy.ignore
    found = list(loaded.problems)
    checked = Checked(root, loaded.repository, results)
    for rule in RULES:
        found.extend(rule(checked))
    kept = {p for p in found if not (p.severity == "warning" and p.code in ignored)}
    return tuple(sorted(kept, key=sort_key))
