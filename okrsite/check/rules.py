"""`okrsite check`: reading errors, anti-pattern warnings and the frozen-quarter rule, sorted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from okrsite.check.frozen import frozen_quarter_problems
from okrsite.check.lints import lint
from okrsite.load.repository import Loaded, load
from okrsite.model.okrs import Repository
from okrsite.model.problems import Problem

Rule = Callable[[Path, Repository, date], list[Problem]]


def _lint_rule(_root: Path, repository: Repository, today: date) -> list[Problem]:
    return lint(repository, today)


def _frozen_rule(root: Path, repository: Repository, _today: date) -> list[Problem]:
    return frozen_quarter_problems(root, repository)


RULES: tuple[Rule, ...] = (
    _lint_rule,  # OKR2xx: anti-patterns of OKR practice
    _frozen_rule,  # OKR3xx: a closed quarter's data must match its digest
)
"""Every rule run on the loaded repository; a new family of checks is added here."""


def sort_key(item: Problem) -> tuple[int, str, int, int, str]:
    """Errors first, then by path, line, column and code."""
    location = item.location
    return (item.severity != "error", location.path, location.line, location.col, item.code)


def check_loaded(loaded: Loaded, root: Path, today: date) -> list[Problem]:
    """Every problem of an already loaded repository, policy.ignore applied to warnings."""
    ignored = loaded.repository.org.policy.ignore
    found = list(loaded.problems)
    for rule in RULES:
        found.extend(rule(root, loaded.repository, today))
    kept = {p for p in found if not (p.severity == "warning" and p.code in ignored)}
    return sorted(kept, key=sort_key)


def check(root: Path, today: date) -> list[Problem]:
    """Load and lint the repository at root: every problem, errors first, then by location."""
    return check_loaded(load(root), root, today)
