"""`okrsite check`: reading errors, anti-pattern warnings and the frozen-quarter rule, sorted.

Every rule works from what the loader read (Loaded): none reads a file or takes the repository's
root, so the checks see exactly the data the pages are made from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from okrsite.check.frozen import frozen_quarter_problems
from okrsite.check.lints import lint
from okrsite.check.sources import source_problems
from okrsite.load.repository import Loaded
from okrsite.model.layout import OKRS
from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Location, Problem, problem
from okrsite.model.scores import QuarterResult


@dataclass(frozen=True)
class Checked:
    """What every rule is given: the repository as loaded, its scores and today."""

    loaded: Loaded
    results: Sequence[QuarterResult]  # every quarter, scored once at the run's as-of date
    today: date  # the run's today (SOURCE_DATE_EPOCH pins it): no check-in may come after it

    @property
    def repository(self) -> Repository:
        """Everything the loader could read."""
        return self.loaded.repository


Rule = Callable[[Checked], list[Problem]]


def _lint_rule(checked: Checked) -> list[Problem]:
    def locate(quarter: Quarter, field: str) -> Location:
        return quarter_field(checked.loaded, quarter, field)

    return lint(checked.repository, checked.results, checked.today, locate)


def quarter_field(loaded: Loaded, quarter: Quarter, field: str) -> Location:
    """Where the value of a field of the quarter's quarter.yaml is written, as the loader found
    it, else the quarter's own location (no quarter.yaml, or none with that field)."""
    read = loaded.quarters_read.get(quarter.id)
    written = read.written.get(field) if read is not None else None
    return written.value if written is not None else quarter.location


def _frozen_rule(checked: Checked) -> list[Problem]:
    return frozen_quarter_problems(checked.loaded)


def _quarters_rule(checked: Checked) -> list[Problem]:
    """OKR024: a repository with no quarter has nothing to publish; say so before a merge."""
    if checked.repository.quarters or not checked.loaded.okrs_folder:
        return []  # no okrs/ at all is OKR020's to report
    return [
        problem(
            "OKR024",
            Location(f"{OKRS}/"),
            "holds no quarter folder, so there is nothing to publish; create one named YYYY-Qn "
            "(e.g. okrs/2026-Q4/ with a UNIT.yaml), or run `okrsite new quarter 2026-Q4`",
        )
    ]


def _sources_rule(checked: Checked) -> list[Problem]:
    return source_problems(checked.repository, checked.loaded.collect_settings)


RULES: tuple[Rule, ...] = (
    _quarters_rule,  # OKR024: something to publish
    _sources_rule,  # OKR018, OKR025: tokens and programs only where the collect settings allow
    _lint_rule,  # OKR2xx: anti-patterns of OKR practice
    _frozen_rule,  # OKR3xx: a closed quarter's data must match its digest
)
"""Every rule run on the loaded repository; a new family of checks is added here."""


def sort_key(item: Problem) -> tuple[int, str, int, int, str]:
    """Errors first, then by path, line, column and code."""
    location = item.location
    return (item.severity != "error", location.path, location.line, location.col, item.code)


def check_loaded(
    loaded: Loaded, results: Sequence[QuarterResult], today: date
) -> tuple[Problem, ...]:
    """Every problem of a loaded and scored repository, policy.ignore applied to warnings.

    Works from loaded alone: nothing is read from disk, so the repository may be gone by now.
    """
    ignored = loaded.repository.org.policy.ignore
    found = list(loaded.problems)
    checked = Checked(loaded, results, today)
    for rule in RULES:
        found.extend(rule(checked))
    kept = {p for p in found if not (p.severity == "warning" and p.code in ignored)}
    return tuple(sorted(kept, key=sort_key))
