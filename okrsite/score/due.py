"""`okrsite due`: the key results whose monthly check-in is due or overdue, by owner.

A KR's next check-in is due when score/calendar.py's `checkin_due` says (CHECKIN_DAYS after its
latest counted check-in, by the quarter's last day at the latest; none in a closed quarter or
for a dropped KR). The list holds those due on or before the as-of date plus DUE_WINDOW_DAYS:
overdue when due before the as-of date, else due soon.

With them, the standing metrics breached at the as-of date (score/health.py: the latest reading
outside the healthy range), longest breached first: their owners act on them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from okrsite.model.health import MetricResult
from okrsite.model.okrs import Org
from okrsite.model.scores import QuarterResult
from okrsite.score.calendar import checkin_due
from okrsite.score.health import breached

DUE_WINDOW_DAYS = 7
"""How far ahead `okrsite due` looks: check-ins due up to this many days after the as-of date
are listed with the overdue ones, so a list sent a few days before a month ends names what falls
due before the next list."""


@dataclass(frozen=True)
class DueKeyResult:
    """One KR whose check-in is due: where it is, what it is, and when it was last checked in."""

    unit_id: str
    unit_name: str
    objective_id: str
    key_result_id: str
    title: str
    due: date
    overdue: bool  # due before the as-of date
    last_checkin: date | None

    @property
    def kr(self) -> str:
        """OBJECTIVE/KR, as `okrsite checkin` takes it."""
        return f"{self.objective_id}/{self.key_result_id}"


@dataclass(frozen=True)
class OwnerDue:
    """One owner's KRs due, soonest first; github: their handle from org.yaml's owners:."""

    owner: str
    github: str | None
    key_results: tuple[DueKeyResult, ...]


@dataclass(frozen=True)
class BreachedMetric:
    """A standing metric whose latest reading is outside its healthy range."""

    unit_id: str
    unit_name: str
    metric_id: str
    title: str
    value: float  # the latest reading
    unit: str | None  # what the value is in
    min: float | None  # the healthy range
    max: float | None
    since: date  # the first reading of the unbroken breached run to the latest
    owner: str
    github: str | None  # the owner's handle from org.yaml's owners:

    @property
    def path(self) -> str:
        """UNIT/METRIC."""
        return f"{self.unit_id}/{self.metric_id}"


def breached_metrics(health: tuple[MetricResult, ...], org: Org) -> tuple[BreachedMetric, ...]:
    """The metrics breached at their as-of date, longest breached first, then in org order."""
    names = {unit.id: unit.name for unit in org.units}
    found = []
    for result in breached(health):
        metric, latest = result.metric, result.latest
        if latest is None or result.breached_since is None:
            continue  # breached means a latest reading, and a first one of the run
        found.append(
            BreachedMetric(
                unit_id=metric.unit_id,
                unit_name=names.get(metric.unit_id, metric.unit_id),
                metric_id=metric.id,
                title=metric.title,
                value=latest.value,
                unit=metric.unit,
                min=metric.min,
                max=metric.max,
                since=result.breached_since,
                owner=metric.owner,
                github=org.github(metric.owner),
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class DueList:
    """Every KR of a quarter whose check-in is due by `due_by`, grouped by owner."""

    quarter_id: str
    quarter_title: str
    closed: bool
    as_of: date
    due_by: date  # as_of + DUE_WINDOW_DAYS: the last due date listed
    owners: tuple[OwnerDue, ...]  # by name (case-insensitively, then exactly)
    breached: tuple[BreachedMetric, ...] = ()  # standing metrics breached at as_of

    @property
    def empty(self) -> bool:
        """Whether no check-in is due."""
        return not self.owners


def due_list(result: QuarterResult, org: Org, window_days: int = DUE_WINDOW_DAYS) -> DueList:
    """The KRs of a scored quarter whose check-in is due on or before its as-of date plus
    window_days, by owner; each owner's by due date, then unit, objective and KR id."""
    quarter, as_of = result.quarter, result.as_of
    due_by = as_of + timedelta(days=window_days)
    names = {unit.id: unit.name for unit in org.units}
    by_owner: dict[str, list[DueKeyResult]] = {}
    for kr in result.key_results():
        due = checkin_due(kr, quarter)
        if due is None or due > due_by:
            continue
        by_owner.setdefault(kr.key_result.owner, []).append(
            DueKeyResult(
                unit_id=kr.unit_id,
                unit_name=names.get(kr.unit_id, kr.unit_id),
                objective_id=kr.objective_id,
                key_result_id=kr.key_result.id,
                title=kr.key_result.title,
                due=due,
                overdue=due < as_of,
                last_checkin=kr.last_checkin,
            )
        )
    owners = tuple(
        OwnerDue(
            owner,
            org.github(owner),
            tuple(
                sorted(
                    krs,
                    key=lambda k: (k.due, k.unit_id, k.objective_id, k.key_result_id),
                )
            ),
        )
        for owner, krs in sorted(by_owner.items(), key=lambda item: (item[0].casefold(), item[0]))
    )
    return DueList(
        quarter.id,
        quarter.title,
        quarter.closed,
        as_of,
        due_by,
        owners,
        breached_metrics(result.health, org),
    )


def due_json(due: DueList) -> dict[str, object]:
    """The list as plain data for `okrsite due --format json`: dates as YYYY-MM-DD."""
    return {
        "as_of": due.as_of.isoformat(),
        "quarter": due.quarter_id,
        "owners": [
            {
                "owner": owner.owner,
                "github": owner.github,
                "key_results": [
                    {
                        "unit": kr.unit_id,
                        "objective": kr.objective_id,
                        "key_result": kr.key_result_id,
                        "title": kr.title,
                        "due": kr.due.isoformat(),
                        "overdue": kr.overdue,
                        "last_checkin": (
                            kr.last_checkin.isoformat() if kr.last_checkin is not None else None
                        ),
                    }
                    for kr in owner.key_results
                ],
            }
            for owner in due.owners
        ],
        "breached_metrics": [
            {
                "unit": m.unit_id,
                "metric": m.metric_id,
                "title": m.title,
                "value": m.value,
                "unit_of_measure": m.unit,
                "min": m.min,
                "max": m.max,
                "breached_since": m.since.isoformat(),
                "owner": m.owner,
                "github": m.github,
            }
            for m in due.breached
        ],
    }
