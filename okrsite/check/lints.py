"""The anti-patterns of OKR practice as warnings: pure functions of a loaded repository."""

from __future__ import annotations

import re
from collections.abc import Sequence

from okrsite.model.okrs import KeyResult, Objective, Quarter, Repository, UnitPlan
from okrsite.model.problems import Location, Problem, problem, quote
from okrsite.model.scores import QuarterResult

ACTIVITY_VERBS = (
    "adopt",
    "build",
    "create",
    "deploy",
    "implement",
    "introduce",
    "launch",
    "migrate",
    "move to",
    "roll out",
    "rollout",
    "set up",
    "upgrade",
    "rewrite",
)
"""Words that open a task rather than an outcome when no number says what changes."""

_ACTIVITY = re.compile(
    r"^\s*(" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in ACTIVITY_VERBS) + r")\b",
    re.IGNORECASE,
)
_VANITY = (
    (re.compile(r"\b(code|test|line|branch|unit[- ]test)\s+coverage\b", re.I), "code coverage"),
    (
        re.compile(r"\blint(er)?\s+(warnings?|errors?|issues?|counts?|violations?)\b", re.I),
        "a lint count",
    ),
    (re.compile(r"\blines\s+of\s+code\b|\bLOC\b"), "lines of code"),
    (
        re.compile(
            r"\b(number|count|#)\s+of\s+(commits|pull\s+requests|PRs|merge\s+requests|tickets|"
            r"story\s+points)\b|\b\d+\s+(commits|pull\s+requests|PRs|merge\s+requests|tickets|"
            r"story\s+points)\b|\bvelocity\b",
            re.I,
        ),
        "an output count (commits, PRs, tickets, story points)",
    ),
)
HEALTH_DOMAINS = ("delivery", "technical-health", "team-health")


def lint(repository: Repository, results: Sequence[QuarterResult]) -> list[Problem]:
    """Every anti-pattern warning, unsorted and before policy.ignore; results are the quarters'
    scores at the build's one as-of date, so a page and its checks never disagree."""
    scored = {result.quarter.id: result for result in results}
    found: list[Problem] = []
    for quarter in repository.quarters:
        for plan in quarter.plans:
            found.extend(_plan_warnings(repository, plan))
        found.extend(_health_domains(quarter))
        if (result := scored.get(quarter.id)) is not None:
            found.extend(_scored_warnings(repository, quarter, result))
    return found


def _plan_warnings(repository: Repository, plan: UnitPlan) -> list[Problem]:
    policy = repository.org.policy
    unit = repository.org.unit(plan.unit_id)
    found: list[Problem] = []
    if unit is not None:
        cap = policy.max_objectives.for_kind(unit.kind)
        if len(plan.objectives) > cap:
            found.append(
                problem(
                    "OKR205",
                    plan.location,
                    f"unit {quote(unit.id)} has {len(plan.objectives)} objectives; the policy "
                    f"allows {cap} for a {unit.kind}: focus on fewer",
                )
            )
    for objective in plan.objectives:
        label = f"objective {quote(f'{plan.unit_id}/{objective.id}')}"
        count = len(objective.key_results)
        if count > policy.max_krs_per_objective:
            found.append(
                problem(
                    "OKR203",
                    objective.location,
                    f"{label} has {count} key results; the policy allows "
                    f"{policy.max_krs_per_objective}",
                )
            )
        least, most = policy.krs_per_objective_at_org
        if unit is not None and unit.kind == "org" and not least <= count <= most:
            found.append(
                problem(
                    "OKR204",
                    objective.location,
                    f"{label} is an org objective with {count} key results; the policy asks "
                    f"for {least} to {most} at the org level",
                )
            )
        for key_result in objective.key_results:
            found.extend(_key_result_warnings(plan, objective, key_result))
    return found


def _key_result_warnings(
    plan: UnitPlan, objective: Objective, key_result: KeyResult
) -> list[Problem]:
    label = f"key result {quote(f'{plan.unit_id}/{objective.id}/{key_result.id}')}"
    found: list[Problem] = []
    activity = _ACTIVITY.match(key_result.title)
    if (
        activity is not None
        and key_result.kind in ("metric", "milestone")
        and not any(char.isdigit() for char in key_result.title)
    ):
        found.append(
            problem(
                "OKR201",
                key_result.location,
                f"{label}: {quote(key_result.title)} reads as an activity "
                f"({activity.group(1).lower()!r}) with no measurable change; say what will be "
                "different, e.g. 'reduce deploy time from 40 to 10 minutes'",
            )
        )
    text = f"{key_result.title} {key_result.measurement}"
    for pattern, what in _VANITY:
        if pattern.search(text):
            found.append(
                problem(
                    "OKR202",
                    key_result.location,
                    f"{label} measures {what}, a vanity metric that is easy to move without "
                    "helping users; measure the outcome it stands for",
                )
            )
            break
    return found


def _health_domains(quarter: Quarter) -> list[Problem]:
    """A quarter needs objectives for delivery, technical health and team health together."""
    objectives = [o for plan in quarter.plans for o in plan.objectives]
    if not objectives:
        return []
    missing = [d for d in HEALTH_DOMAINS if all(o.domain != d for o in objectives)]
    if not missing:
        return []
    return [
        problem(
            "OKR206",
            quarter.location,
            f"quarter {quarter.id} has no objective in {', '.join(missing)}; balance delivery "
            "with technical health and team health",
        )
    ]


def _scored_warnings(
    repository: Repository, quarter: Quarter, result: QuarterResult
) -> list[Problem]:
    """Stale KRs in an open quarter; units whose every KR is graded 1.0 in a closed one."""
    found: list[Problem] = []
    if not quarter.closed:
        for kr in result.key_results():
            if kr.stale:
                since = kr.latest.date.isoformat() if kr.latest else f"{quarter.start} (start)"
                found.append(
                    problem(
                        "OKR207",
                        kr.key_result.location,
                        f"key result {quote(kr.path)} has had no check-in since {since}, more "
                        f"than {repository.org.policy.stale_after_days} days before "
                        f"{result.as_of.isoformat()}; add a row to the unit's CSV",
                    )
                )
        return found
    for unit in result.units:
        grades = [kr.grade for o in unit.objectives for kr in o.key_results]
        if grades and all(grade == 1.0 for grade in grades):
            plan = quarter.plan(unit.unit.id)
            found.append(
                problem(
                    "OKR208",
                    plan.location if plan else Location(quarter.location.path),
                    f"unit {quote(unit.unit.id)} graded every key result 1.0 in {quarter.id}; "
                    "targets met in full everywhere may have been too easy (sandbagging)",
                )
            )
    return found
