"""The anti-patterns of OKR practice as warnings: pure functions of a loaded repository.

The text lints (OKR201, OKR202, OKR210, OKR211) read titles the way a practised OKR coach does,
and are measured on real OKRs: tests/fixtures/lint_corpus.yaml, scored by
tests/test_lint_corpus.py (precision and recall per lint, in the Help's Commands page).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from datetime import date

from okrsite.model.okrs import (
    KeyResult,
    Objective,
    Quarter,
    Repository,
    UnitPlan,
    calendar_quarter,
    previous_quarter_id,
)
from okrsite.model.problems import Location, Problem, problem, quote
from okrsite.model.scores import QuarterResult

TASK_VERBS = (
    "add",
    "adopt",
    "analyse",
    "analyze",
    "assess",
    "automate",
    "build",
    "complete",
    "conduct",
    "configure",
    "consolidate",
    "consult",
    "containerise",
    "containerize",
    "create",
    "decommission",
    "define",
    "deliver",
    "deploy",
    "design",
    "develop",
    "document",
    "draft",
    "enable",
    "establish",
    "evaluate",
    "execute",
    "explore",
    "finalise",
    "finalize",
    "finish",
    "help",
    "hold",
    "host",
    "implement",
    "install",
    "integrate",
    "introduce",
    "investigate",
    "kick off",
    "launch",
    "look into",
    "migrate",
    "move to",
    "move",
    "organise",
    "organize",
    "participate",
    "perform",
    "pilot",
    "plan",
    "port",
    "prepare",
    "prototype",
    "rearchitect",
    "rebuild",
    "redesign",
    "refactor",
    "release",
    "replace",
    "replatform",
    "repackage",
    "research",
    "retire",
    "rewrite",
    "roll out",
    "rollout",
    "run",
    "set up",
    "setup",
    "start",
    "sunset",
    "switch to",
    "train",
    "upgrade",
    "write",
)
"""Words that open a task: what a team will do, not what will be different once it is done.
"Ship" and "publish" are not among them: "Ship an SBOM for every release" and "Publish latency
measurements from six cells" name a deliverable whose end state can be checked."""

_OPENER = r"^\s*(?:(?:we|the team|team)\s+will\s+|will\s+|to\s+|successfully\s+|fully\s+)?"


def _words(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1])


# "Build time", "Release cadence", "Design system": the same words as nouns open a metric.
_NOUN_USE = (
    r"(?!\s+(?:time|times|duration|success|failure|frequency|rate|queue|speed|cadence|cycle|"
    r"notes|size|count|latency|reliability|stability|health|systems?|pipelines?)\b)"
)
_TASK = re.compile(_OPENER + r"(" + _words(TASK_VERBS) + r")\b" + _NOUN_USE, re.IGNORECASE)
# Numbers that say when, not how much: "in Q3", "by 2027", "H2".
_WHEN = re.compile(r"\b(?:Q[1-4]|H[12]|FY\s?\d{2,4}|(?:19|20)\d\d)\b", re.IGNORECASE)

# "200 unit tests written", "3 services migrated": a count of things done, in the passive.
_DONE_COUNT = re.compile(
    r"^\s*\d[\d,.]*\s+(?:[\w-]+\s+){0,3}?(migrated|implemented|written|deployed|launched|built|"
    r"created|rolled\s+out|completed|delivered|refactored|documented|upgraded|rewritten|"
    r"decommissioned|retired|automated|closed|resolved)\b",
    re.IGNORECASE,
)

# A KR that names the change it causes: "from 40 to 10 minutes", "cut ... by 30%", "under 200 ms".
_CHANGE = re.compile(
    r"\bfrom\b[^.;]*?\d[^.;]*?\bto\b[^.;]*?\d"
    r"|\b(?:cut|cutting|reduc\w*|lower\w*|decreas\w*|increas\w*|rais\w*|grow\w*|improv\w*|"
    r"halv\w*|doubl\w*|shorten\w*|speed\w*\s+up|bring\w*\s+down|drop\w*|boost\w*|shrink\w*)\b"
    r"[^.;]*?\d"
    r"|\b(?:below|under|within|at\s+most|no\s+more\s+than|less\s+than|fewer\s+than)\s+[$€£]?\d"
    r"|\bso(?:\s+that)?\b[^.;]*?\d",
    re.IGNORECASE,
)

# What makes an objective a direction rather than a project: a quality, a comparison, a "why".
_DIRECTION = re.compile(
    r"\b(?:faster|quicker|safer|easier|simpler|cheaper|better|best|smoother|sooner|more|most|"
    r"less|fewer|higher|highest|lower|greater|stronger|fastest|leading|reliable|reliably|"
    r"resilient|scalable|secure|fast|delightful|awesome|amazing|world[- ]class|great|excellent|"
    r"high[- ]performing|seamless|effortless|predictable|sustainable|healthy|happy|stable|robust|"
    r"efficient|trusted|frictionless|painless|loved|inclusive|engaged|productive|culture|"
    r"without|so|that|which|where|while|whom?|"
    r"in\s+order\s+to|to\s+(?:cut|reduce|lower|increase|raise|improve|speed|make|give|let|help|"
    r"enable|allow|stop|end|protect|keep|unlock))\b",
    re.IGNORECASE,
)

# A milestone with no end state anyone could check: "Improve code quality", "Be more agile".
_VAGUE_START = re.compile(
    r"^\s*(?:(?:continue\s+to|keep|strive\s+to|try\s+to|aim\s+to)\s+)?(?:"
    r"improv\w*|enhanc\w*|optimi[sz]\w*|streamlin\w*|strengthen\w*|boost\w*|foster\w*|"
    r"promot\w*|encourag\w*|increas\w*|reduc\w*|decreas\w*|grow\w*|rais\w*|lower\w*|minimi[sz]\w*|"
    r"maximi[sz]\w*|work\s+on|focus\s+on|continue|advance|moderni[sz]e|mature|"
    r"evolve|level\s+up|invest\s+in|prioriti[sz]e|better|more|less|fewer|faster|greater|"
    r"higher|stronger|cleaner|improved|enhanced|increased|reduced|"
    r"make\s+(?:[\w'-]+\s+){1,4}?(?:more|less|better|easier|faster|simpler)\b|"
    r"(?:be|become|get|stay|remain|feel)\s+(?:(?:a|an|more|less|much|even)\s+)*"
    r"(?:better|more|faster|agile|lean|data[- ]driven|proactive|efficient|modern|\w+er\b)"
    r")\b",
    re.IGNORECASE,
)
_VAGUE_STATE = re.compile(
    r"\b(?:is|are|gets?|becomes?|feels?)\s+(?:much\s+|significantly\s+|noticeably\s+)?"
    r"(?:improved|better|enhanced|optimi[sz]ed|more\s+\w+|stronger|healthier|cleaner|faster|"
    r"easier|moderni[sz]ed)\b",
    re.IGNORECASE,
)
_END_STATE = re.compile(
    r"\d|\b(?:so|so\s+that|until|such\s+that|where|when|once)\b[^.;]*"
    r"\b(?:every|all|each|no|none|zero|any)\b",
    re.IGNORECASE,
)

_VANITY = (
    (re.compile(r"\b(code|test|line|branch|unit[- ]test)\s+coverage\b", re.I), "code coverage"),
    (
        re.compile(r"\blint(er)?\s+(warnings?|errors?|issues?|counts?|violations?)\b", re.I),
        "a lint count",
    ),
    (
        re.compile(
            r"\bsonar(?:qube|cloud)?\b|\bcode\s+smells?\b|"
            r"\bstatic[- ]analysis\s+(?:warnings?|issues?|findings?|violations?)\b",
            re.I,
        ),
        "a static-analysis count (Sonar issues, code smells)",
    ),
    (re.compile(r"\blines\s+of\s+code\b|\bLOC\b"), "lines of code"),
    (
        re.compile(
            r"\b(number|count|#)\s+of\s+(new\s+)?(unit\s+|automated\s+|integration\s+|e2e\s+|"
            r"end-to-end\s+)?tests\b|"
            r"\b\d[\d,]*\s+(new\s+)?(unit\s+|automated\s+|integration\s+|e2e\s+|end-to-end\s+)?"
            r"tests\b",
            re.I,
        ),
        "a count of tests written",
    ),
    (
        re.compile(
            r"\b(number|count|#)\s+of\s+(commits|pull\s+requests|PRs|merge\s+requests|MRs|tickets|"
            r"story\s+points|features)\b|\b\d+\s+(new\s+)?(commits|pull\s+requests|PRs|"
            r"merge\s+requests|MRs|tickets|story\s+points|features)\b|\bvelocity\b",
            re.I,
        ),
        "an output count (commits, PRs, tickets, story points, features)",
    ),
)
HEALTH_DOMAINS = ("delivery", "technical-health", "team-health")
HEALTH_MIN_OBJECTIVES = 3
"""OKR206 applies from this many objectives in a quarter: a first, small programme is fine."""
QUARTER_DRIFT_DAYS = 31
"""OKR213: how far quarter.yaml's start or end may lie from the folder's calendar quarter."""
_TOLERANCE = 1e-9

Locate = Callable[[Quarter, str], Location]
"""Where a quarter.yaml field is written: (quarter, field name) to its location."""


def _at_quarter(quarter: Quarter, _field: str) -> Location:
    return quarter.location


def lint(
    repository: Repository,
    results: Sequence[QuarterResult],
    today: date,
    locate: Locate = _at_quarter,
) -> list[Problem]:
    """Every anti-pattern warning, unsorted and before policy.ignore; results are the quarters'
    scores at the build's one as-of date, so a page and its checks never disagree; today dates
    check-ins and metric readings (none may come after it); locate finds a quarter.yaml field's
    line."""
    scored = {result.quarter.id: result for result in results}
    found: list[Problem] = []
    for quarter in repository.quarters:
        found.extend(quarter_dates(quarter, locate))
        for plan in quarter.plans:
            found.extend(_plan_warnings(repository, plan))
            found.extend(future_checkins(plan, today))
        found.extend(_health_domains(quarter))
        if (result := scored.get(quarter.id)) is not None:
            found.extend(_scored_warnings(repository, quarter, result, scored))
    found.extend(idle_owners(repository))
    found.extend(future_readings(repository, today))
    return found


def idle_owners(repository: Repository) -> list[Problem]:
    """OKR215: a name in org.yaml's owners: that owns no key result in any quarter, most often a
    misspelling of the name the KRs give, which would leave its owner unmentioned."""
    names = {
        kr.owner
        for quarter in repository.quarters
        for plan in quarter.plans
        for objective in plan.objectives
        for kr in objective.key_results
    }
    found: list[Problem] = []
    for owner in repository.org.owners:
        if owner.name in names:
            continue
        close = difflib.get_close_matches(owner.name, sorted(names), n=1)
        hint = f"; did you mean {quote(close[0])}?" if close else ""
        found.append(
            problem(
                "OKR215",
                owner.location,
                f"owners: {quote(owner.name)} owns no key result in any quarter, so its GitHub "
                f"handle is never used: write the name exactly as key results give it in "
                f"owner:{hint}",
            )
        )
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
        if objective.key_results and all(kr.dropped for kr in objective.key_results):
            found.append(
                problem(
                    "OKR214",
                    objective.location,
                    f"{label}: every one of its {count} key results is dropped, so nothing "
                    "measures it; drop the objective from the file, or give it a key result "
                    "that still counts",
                )
            )
        found.extend(lint_objective(plan.unit_id, objective))
        for key_result in objective.key_results:
            found.extend(lint_key_result(plan.unit_id, objective, key_result))
    return found


def activity(title: str) -> str | None:
    """The task verb a title opens with (lower case, spaces normalised), if it opens with one."""
    match = _TASK.match(title)
    return " ".join(match.group(1).lower().split()) if match else None


def done_count(title: str) -> str | None:
    """The verb of a count of things done in the passive ("200 unit tests written"), if any."""
    match = _DONE_COUNT.match(title)
    return " ".join(match.group(1).lower().split()) if match else None


def names_a_change(title: str) -> bool:
    """Whether a KR title says what changes, with a number: "from 40 to 10 minutes"."""
    return _CHANGE.search(title) is not None


def lint_objective(unit_id: str, objective: Objective) -> list[Problem]:
    """OKR210: an objective titled as a project ("Migrate to Kubernetes", "Implement SSO").

    An objective is qualitative by design: no number is asked of it. It is an activity when it
    opens with a task verb and says nothing of why: no quality, comparison or purpose
    ("Ship features faster without raising defects" and "Build a world-class developer
    experience" are directions; "Implement SSO" is a project).
    """
    verb = activity(objective.title)
    if verb is None or _DIRECTION.search(objective.title) is not None:
        return []
    return [
        problem(
            "OKR210",
            objective.location,
            f"objective {quote(f'{unit_id}/{objective.id}')}: {quote(objective.title)} names "
            f"an activity ({verb!r}), not what will be better once it is done; say what changes "
            "and for whom, e.g. 'Ship features faster without raising defects', and measure the "
            "activity's effect in its key results",
        )
    ]


def lint_key_result(unit_id: str, objective: Objective, key_result: KeyResult) -> list[Problem]:
    """OKR201, OKR202 and OKR211 for one KR: at most one finding, the first that applies."""
    label = f"key result {quote(f'{unit_id}/{objective.id}/{key_result.id}')}"
    title = key_result.title
    if key_result.kind in ("metric", "milestone") and not names_a_change(title):
        what = activity(title) or done_count(title)
        if what is not None:
            detail = (
                "that counts things done, not what they change"
                if _has_number(title)
                else "with no measurable change"
            )
            return [
                problem(
                    "OKR201",
                    key_result.location,
                    f"{label}: {quote(title)} reads as an activity ({what!r}) {detail}; say what "
                    "will be different and by how much, e.g. 'cut deploy time from 40 to 10 "
                    "minutes by moving to Kubernetes'",
                )
            ]
    text = f"{title} {key_result.measurement}"
    for pattern, what in _VANITY:
        if pattern.search(text):
            return [
                problem(
                    "OKR202",
                    key_result.location,
                    f"{label} measures {what}, a vanity metric that is easy to move without "
                    "helping users; measure the outcome it stands for",
                )
            ]
    if key_result.kind == "milestone" and unmeasurable(title):
        return [
            problem(
                "OKR211",
                key_result.location,
                f"milestone {label}: {quote(title)} promises no end state anyone could check; "
                "write what will be true when it is done (e.g. 'Every tier-1 service has a "
                "tested runbook'), or make it a metric with a baseline and a target",
            )
        ]
    return []


def unmeasurable(title: str) -> bool:
    """Whether a milestone title promises only a direction ("Improve code quality")."""
    vague = _VAGUE_START.match(title) is not None or _VAGUE_STATE.search(title) is not None
    return vague and _END_STATE.search(_WHEN.sub("", title)) is None


def _has_number(title: str) -> bool:
    """Whether a title holds a quantity; a quarter or a year says when, not how much."""
    return any(char.isdigit() for char in _WHEN.sub("", title))


def future_checkins(plan: UnitPlan, today: date) -> list[Problem]:
    """OKR212: a check-in records a measurement already taken, so none is dated after today."""
    found: list[Problem] = []
    for objective in plan.objectives:
        for key_result in objective.key_results:
            for checkin in key_result.checkins:
                if checkin.date > today:
                    found.append(
                        problem(
                            "OKR212",
                            checkin.location,
                            f"check-in of {quote(f'{plan.unit_id}/{checkin.kr}')} is dated "
                            f"{checkin.date.isoformat()}, after today ({today.isoformat()}); a "
                            "check-in records a value already measured: correct the date",
                        )
                    )
    return found


def future_readings(repository: Repository, today: date) -> list[Problem]:
    """OKR212 for standing metrics: a reading, like a check-in, records a value already
    measured, so none is dated after today."""
    return [
        problem(
            "OKR212",
            reading.location,
            f"reading of metric {quote(metric.path)} is dated {reading.date.isoformat()}, after "
            f"today ({today.isoformat()}); a reading records a value already measured: correct "
            "the date",
        )
        for metric in repository.metrics
        for reading in metric.readings
        if reading.date > today
    ]


def quarter_dates(quarter: Quarter, locate: Locate = _at_quarter) -> list[Problem]:
    """OKR213: quarter.yaml's dates more than 31 days from the folder's calendar quarter.

    A fiscal quarter may shift, not wander: a start a year off, or a folder named for the wrong
    quarter, puts every check-in and score in the wrong place.
    """
    calendar_start, calendar_end = calendar_quarter(quarter.id)
    start_off = (quarter.start - calendar_start).days
    end_off = (quarter.end - calendar_end).days
    wandering = [
        (name, off)
        for name, off in (("start", start_off), ("end", end_off))
        if abs(off) > QUARTER_DRIFT_DAYS
    ]
    if not wandering:
        return []
    name, off = wandering[0]
    middle = quarter.start + (quarter.end - quarter.start) // 2
    holding = f"{middle.year}-Q{(middle.month - 1) // 3 + 1}"
    hint = (
        f", or name the folder {holding}, the quarter these dates fall in"
        if holding != quarter.id
        else ""
    )
    return [
        problem(
            "OKR213",
            locate(quarter, name),
            f"quarter {quarter.id} runs {quarter.start.isoformat()} to "
            f"{quarter.end.isoformat()}: its {name} is {abs(off)} days "
            f"{'after' if off > 0 else 'before'} the calendar quarter's "
            f"({(calendar_start if name == 'start' else calendar_end).isoformat()}), more than "
            f"the {QUARTER_DRIFT_DAYS} a fiscal quarter may shift; check the year and month"
            f"{hint}",
        )
    ]


def _health_domains(quarter: Quarter) -> list[Problem]:
    """A quarter of three objectives or more needs delivery, technical health and team health.

    One or two objectives are a first, minimal programme: they cannot cover three domains.
    """
    objectives = [o for plan in quarter.plans for o in plan.objectives]
    if len(objectives) < HEALTH_MIN_OBJECTIVES:
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
    repository: Repository,
    quarter: Quarter,
    result: QuarterResult,
    scored: dict[str, QuarterResult],
) -> list[Problem]:
    """Stale KRs in an open quarter; possible sandbagging in a closed one."""
    found: list[Problem] = []
    if not quarter.closed:
        for kr in result.key_results():
            if kr.stale and kr.status != "dropped":  # a dropped KR needs no more check-ins
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
    before = scored.get(previous_quarter_id(quarter.id))
    for unit in result.units:
        what = unit.sandbagging()
        if what is None:
            continue
        previous = before.unit(unit.unit.id) if before is not None else None
        consistently = (
            before is not None
            and before.quarter.closed
            and previous is not None
            and previous.sandbagging() is not None
        )
        again = f", consistently: as in {before.quarter.id}" if consistently and before else ""
        met = "in full" if what.startswith("graded every") else "almost in full"
        plan = quarter.plan(unit.unit.id)
        found.append(
            problem(
                "OKR208",
                plan.location if plan else Location(quarter.location.path),
                f"unit {quote(unit.unit.id)} {what} in {quarter.id}{again}; targets met {met} "
                "everywhere may have been too easy (sandbagging)",
            )
        )
    return found
