"""A synthetic okrsite repository of a given size, for build benchmarks.

Usage: .venv/bin/python benchmarks/synthetic.py DIR [--teams 200] [--quarters 8] [--last 2026-Q4]

Writes into the empty folder DIR the project's mkdocs.yml and content/ (theme/ if it has one), and
okrs/ with an organisation of one org, a group per ten teams (`group-07`, "Group 7") and the teams
(`team-07-03`, "Team 7.3"), over `quarters` consecutive calendar quarters ending at `last`.
Every team has 2 or 3 objectives of 2 to 4 key results (metrics going up and down, guardrails,
milestones) whose titles and measurements come from the demo organisation with other numbers;
groups and the org have their own objectives, and every objective aligns to its parent's; every
team keeps two standing metrics (okrs/metrics/) read monthly across the quarters, and its first
key result each quarter names one of them in `improves:`. Each
unit checks in monthly; the last quarter is open and holds the check-ins up to AS_OF (the
benchmark builds with --as-of 2026-11-27), every earlier one is closed, graded and frozen with
the digest `okrsite close` writes. Nothing is random: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from okrsite.edit.lifecycle import edit_quarter_yaml
from okrsite.edit.scaffold import quarter_yaml
from okrsite.load.digest import quarter_digest
from okrsite.load.schemas import UNIT_SCHEMA_COMMENT
from okrsite.model.layout import CONFIG_FILE, CONTENT_DIR, OKRS, QUARTER_FILE, THEME_DIR
from okrsite.model.okrs import QUARTER_ID, calendar_quarter, is_slug, previous_quarter_id

PROJECT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 27)
"""The benchmark's as-of date: no check-in is dated after it."""
TEAMS_PER_GROUP = 10
ORG_ID = "eng"
ORG_NAME = "Northwind Engineering (synthetic)"
CSV_HEADER = ("date", "kr", "value", "confidence", "note", "blockers")

Kind = Literal["metric", "guardrail", "milestone"]
Category = Literal["delivery", "reliability", "people", "platform"]


# --- What the OKRs are made of: the demo's titles and measurements, with placeholders ---------


@dataclass(frozen=True)
class Template:
    """A key result as the demo writes it; {b} and {t} in a metric's title are its numbers."""

    id: str
    kind: Kind
    title: str
    measurement: str
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    low: float | None = None  # a guardrail's min
    high: float | None = None  # a guardrail's max
    decimals: int = 0


def _metric(
    id: str,
    title: str,
    measurement: str,
    unit: str | None,
    baseline: float,
    target: float,
    decimals: int = 0,
) -> Template:
    """A metric key result, up or down by the sign of target - baseline."""
    return Template(id, "metric", title, measurement, unit, baseline, target, decimals=decimals)


def _guardrail(
    id: str,
    title: str,
    measurement: str,
    unit: str | None,
    baseline: float,
    *,
    low: float | None = None,
    high: float | None = None,
    decimals: int = 1,
) -> Template:
    """A guardrail key result with its bounds (written into its title as they are)."""
    return Template(
        id, "guardrail", title, measurement, unit, baseline, low=low, high=high, decimals=decimals
    )


def _milestone(id: str, title: str, measurement: str) -> Template:
    """A milestone key result: check-ins are percent complete."""
    return Template(id, "milestone", title, measurement)


PIPELINE = "Deployment pipeline"
LEAD_TIME = _metric(
    "lead-time",
    "Reduce median lead time for changes from {b} days to {t} days",
    f"{PIPELINE}, median from first commit to production over merged changes",
    "days",
    9.5,
    5,
    1,
)
DEPLOYS = _metric(
    "deploys-per-week",
    "Raise production deploys from {b} per week to {t} per week",
    f"{PIPELINE}, production deploys of the team's services per ISO week",
    "deploys/week",
    3,
    8,
)
DEPLOY_FREQUENCY = _metric(
    "deploy-frequency",
    "Raise production deploys per week from {b} to {t}",
    f"{PIPELINE}, successful production deploys per ISO week, all services",
    "deploys/week",
    55,
    100,
)
CHANGE_FAILURES = _guardrail(
    "change-failure-rate",
    "Keep change failure rate at or below 15% while we speed up",
    "Incident tracker, share of deploys causing a rollback or incident",
    "%",
    11.8,
    high=15,
)
CI_DURATION = _metric(
    "ci-duration",
    "Cut median CI duration from {b} minutes to {t} minutes",
    "CI system, median wall-clock time of pipelines on the main branch, weekly",
    "minutes",
    16,
    10,
)
FLAKY_TESTS = _metric(
    "flaky-tests",
    "Reduce the share of CI runs failed by a flaky test from {b}% to {t}%",
    "CI system, failed runs that pass on retry over all runs, weekly",
    "%",
    5,
    1,
    1,
)
BATCH_SIZE = _metric(
    "batch-size",
    "Shrink the median pull request from {b} changed lines to {t}",
    "Code host, median changed lines per merged pull request",
    "lines",
    400,
    150,
)
P95_LATENCY = _metric(
    "p95-latency",
    "Cut p95 checkout latency from {b} ms to {t} ms",
    "Checkout service metrics, p95 of order submission latency, weekly",
    "ms",
    1380,
    800,
)
LOGIN_LATENCY = _metric(
    "login-latency",
    "Cut p95 login latency from {b} ms to {t} ms",
    "Identity service metrics, p95 of successful logins, weekly",
    "ms",
    700,
    300,
)
AVAILABILITY = _guardrail(
    "slo-attainment",
    "Keep monthly availability of tier-1 services at or above 99.5%",
    "SLO dashboard, monthly availability of tier-1 services",
    "%",
    99.9,
    low=99.5,
    decimals=2,
)
TIME_TO_RESTORE = _metric(
    "time-to-restore",
    "Cut median time to restore service from {b} minutes to {t} minutes",
    "Incident tracker, median minutes from page to mitigation for sev-1 and sev-2",
    "minutes",
    140,
    60,
)
CHECKOUT_ERRORS = _guardrail(
    "checkout-errors",
    "Keep the checkout error rate at or below 0.5%",
    "Checkout service metrics, failed order submissions over all submissions, weekly",
    "%",
    0.28,
    high=0.5,
    decimals=2,
)
AUTH_ERRORS = _guardrail(
    "auth-errors",
    "Keep the authentication error rate at or below 0.2%",
    "Identity service metrics, failed logins caused by server errors over all attempts",
    "%",
    0.12,
    high=0.2,
    decimals=2,
)
RESTORE_TESTED = _metric(
    "restore-tested",
    "Raise the share of tier-1 services with a restore tested this quarter from {b}% to {t}%",
    "Game-day log, tier-1 services restored from backup in a drill this quarter",
    "%",
    40,
    80,
)
RUNBOOKS = _milestone(
    "runbooks", "Every tier-1 service has a tested runbook", "Runbook review checklist"
)
ESCAPED_DEFECTS = _metric(
    "escaped-defects",
    "Cut bugs found in production per month from {b} to {t}",
    "Issue tracker, bugs labelled found-in-production in the month",
    "bugs/month",
    12,
    5,
)
P1_BUGS = _metric(
    "p1-bugs",
    "Reduce open priority-1 bugs from {b} to {t}",
    "Issue tracker, open bugs labelled P1 in the team's projects at month end",
    "bugs",
    30,
    10,
)
SBOM = _milestone("sbom", "Ship an SBOM for every release", "Release checklist")
PAGES = _metric(
    "pages-per-week",
    "Cut out-of-hours pages from {b} per week to {t} per week",
    "Paging tool, out-of-hours pages per ISO week, four-week average",
    "pages/week",
    11,
    5,
)
FIRST_PR = _metric(
    "first-pr-days",
    "Cut the days from a new engineer's start to their first merged pull request from {b} to {t}",
    "HR start dates joined with the code host, median over new hires",
    "days",
    10,
    4,
)
SATISFACTION = _metric(
    "dev-satisfaction",
    "Raise the developer satisfaction score from {b} to {t} out of 5",
    'Developer experience survey, mean answer to "How satisfied are you with your tools?"',
    "of 5",
    3.4,
    4.0,
    1,
)
ENPS = _metric(
    "enps",
    "Raise engineering eNPS from {b} to {t}",
    "Quarterly engagement survey, eNPS of engineering respondents",
    None,
    14,
    25,
)
ONBOARDING = _metric(
    "onboarding",
    "Cut time from start date to first production change from {b} days to {t} days",
    "HR start dates joined with deployment pipeline, median over new hires",
    "days",
    14,
    7,
)
GOLDEN_PATH = _metric(
    "adoption",
    "Grow the share of services built on a golden path from {b}% to {t}%",
    "Service catalogue, services whose repository uses a golden path template",
    "%",
    35,
    70,
)
TEMPLATES = _metric(
    "template-adoption",
    "Grow the share of new services created from a golden path template from {b}% to {t}%",
    "Service catalogue, new services this quarter created from a template",
    "%",
    46,
    80,
)
ENV_SPINUP = _metric(
    "env-spinup",
    "Cut the time to get a self-serve preview environment from {b} minutes to {t} minutes",
    "Environment service, median minutes from request to a ready environment",
    "minutes",
    45,
    15,
)
SELF_SERVE_ENVS = _metric(
    "self-serve-envs",
    "Grow the share of test environments created self-serve from {b}% to {t}%",
    "Environment service, environments created without a ticket over all environments",
    "%",
    20,
    75,
)
STATEFUL_PATH = _milestone(
    "stateful-path",
    "Stateful services have a golden path that is generally available",
    "Launch checklist: design, beta with two teams, runbook, on-call handover, GA",
)
SELF_SERVE_SHARE = _metric(
    "self-serve-share",
    "Grow the share of data questions answered without an analyst from {b}% to {t}%",
    "Data request tracker, questions closed via a self-serve dashboard over all questions",
    "%",
    20,
    50,
)
FRESHNESS = _guardrail(
    "data-freshness",
    "Keep the warehouse no more than 6 hours behind production",
    "Warehouse monitor, worst daily lag of the core tables, monthly",
    "hours",
    4,
    high=6,
)
ASSISTANT = _metric(
    "assistant-adoption",
    "Grow weekly active use of the AI coding assistant from {b}% to {t}% of engineers",
    "Assistant admin console, engineers active in the week over all engineers",
    "%",
    27,
    60,
)
AI_REVIEW = _metric(
    "ai-review",
    "Grow the share of merged pull requests with an AI review from {b}% to {t}%",
    "Code host, merged pull requests with at least one AI review comment",
    "%",
    10,
    40,
)
REVIEW_ACCEPTANCE = _metric(
    "review-acceptance",
    "Grow the share of AI review comments that lead to a code change from {b}% to {t}%",
    "Code host, AI review comments followed by a commit touching the same lines",
    "%",
    20,
    50,
)
REVIEW_NOISE = _guardrail(
    "review-noise",
    "Keep AI review comments per pull request between 1 and 5, so reviews are neither empty "
    "nor noise",
    "Code host, mean AI review comments per reviewed pull request, weekly",
    "comments",
    3.2,
    low=1,
    high=5,
)
PILOT_READOUT = _milestone(
    "pilot-readout",
    "Leadership has a pilot readout with measured effect on lead time",
    "Readout checklist; data collected, analysed, reviewed, presented",
)
ZERO_RESULTS = _metric(
    "zero-results",
    "Reduce the share of searches with zero results from {b}% to {t}%",
    "Search logs, queries returning no results over all queries, weekly",
    "%",
    11,
    6,
)
CLICK_THROUGH = _metric(
    "click-through",
    "Raise search click-through from {b}% to {t}%",
    "Search logs, searches followed by a product click within 30 seconds",
    "%",
    28,
    35,
)
SEARCH_LATENCY = _metric(
    "search-latency",
    "Cut p95 search latency from {b} ms to {t} ms",
    "Search service metrics, p95 of query latency, weekly",
    "ms",
    420,
    250,
)


@dataclass(frozen=True)
class Theme:
    """An objective as the demo writes it, the key results it may have, and where it aligns."""

    id: str
    category: Category  # aligns to the parent's objective of the same category, if it has one
    domain: str
    titles: tuple[str, ...]  # {name} is the unit's name
    pool: tuple[Template, ...]
    aspirational: bool = False


TEAM_THEMES: tuple[Theme, ...] = (
    Theme(
        "delivery",
        "delivery",
        "delivery",
        (
            "Ship changes safely every day",
            "Engineers get a green build while they still remember the change",
            "Ship small changes every day without breaking production",
        ),
        (LEAD_TIME, DEPLOYS, CHANGE_FAILURES, CI_DURATION, FLAKY_TESTS, BATCH_SIZE),
    ),
    Theme(
        "reliability",
        "reliability",
        "technical-health",
        (
            "Checkout never loses a customer's order",
            "Signing in is fast and never the reason a customer gives up",
            "A zone failure is a non-event for customers",
        ),
        (P95_LATENCY, CHECKOUT_ERRORS, TIME_TO_RESTORE, RUNBOOKS, LOGIN_LATENCY, AUTH_ERRORS),
    ),
    Theme(
        "people",
        "people",
        "team-health",
        (
            "New engineers contribute in their first week",
            "Engineers enjoy working in our codebase",
            "On-call is sustainable and nobody burns out",
        ),
        (FIRST_PR, SATISFACTION, PAGES, ONBOARDING),
    ),
    Theme(
        "golden-paths",
        "platform",
        "platform",
        (
            "Starting a new service takes an afternoon, not a sprint",
            "Make the paved road the easiest way to build and run a service",
        ),
        (TEMPLATES, ENV_SPINUP, STATEFUL_PATH, SELF_SERVE_ENVS),
    ),
    Theme(
        "customer-quality",
        "reliability",
        "technical-health",
        (
            "Customers stop running into the same bugs",
            "Changes do not break in production",
        ),
        (ESCAPED_DEFECTS, P1_BUGS, SBOM, RESTORE_TESTED),
    ),
    Theme(
        "ai-assist",
        "delivery",
        "ai",
        (
            "Every engineer gets real help from AI in their daily work",
            "AI review comments are worth reading",
        ),
        (ASSISTANT, AI_REVIEW, REVIEW_ACCEPTANCE, REVIEW_NOISE, PILOT_READOUT),
        aspirational=True,
    ),
    Theme(
        "self-serve",
        "platform",
        "platform",
        ("Product managers answer their own data questions",),
        (SELF_SERVE_SHARE, FRESHNESS, GOLDEN_PATH),
    ),
    Theme(
        "relevance",
        "delivery",
        "other",
        ("Shoppers find what they are looking for on the first try",),
        (ZERO_RESULTS, CLICK_THROUGH, SEARCH_LATENCY),
    ),
)

GROUP_THEMES: tuple[Theme, ...] = (
    Theme(
        "delivery",
        "delivery",
        "delivery",
        ("{name} ships small changes every day",),
        (LEAD_TIME, DEPLOYS, CHANGE_FAILURES),
    ),
    Theme(
        "reliability",
        "reliability",
        "technical-health",
        ("Customers can rely on {name}'s services being up and fast",),
        (AVAILABILITY, TIME_TO_RESTORE, ESCAPED_DEFECTS),
    ),
    Theme(
        "people",
        "people",
        "team-health",
        ("{name} is a place engineers want to stay and grow",),
        (ENPS, PAGES, ONBOARDING),
    ),
    Theme(
        "golden-paths",
        "platform",
        "platform",
        ("Make the paved road the easiest way to build and run a service in {name}",),
        (GOLDEN_PATH, ENV_SPINUP, TEMPLATES),
    ),
)

ORG_THEMES: tuple[Theme, ...] = (
    Theme(
        "delivery",
        "delivery",
        "delivery",
        ("Ship customer value faster without breaking production",),
        (LEAD_TIME, DEPLOY_FREQUENCY, CHANGE_FAILURES),
    ),
    Theme(
        "people",
        "people",
        "team-health",
        ("Make Northwind a place engineers want to stay and grow",),
        (ENPS, ONBOARDING, FIRST_PR),
    ),
)

FIRST_NAMES = (
    "Dana", "Marcus", "Ingrid", "Tomás", "Aisha", "Helen", "Priya", "Jonas", "Lucía", "Kwame",
    "Mei", "Oskar", "Sam", "Ana", "Fatima", "Nadia", "Ravi", "Kenji", "Elif", "Yusuf",
    "Daniel", "Grace", "Mateo", "Sofia", "Liam", "Amara", "Noah", "Chloé", "Arjun", "Hana",
    "Olu", "Freya", "Diego", "Leila", "Viktor", "Zara", "Emeka", "Ines", "Tariq", "Maja",
)  # fmt: skip
LAST_NAMES = (
    "Reyes", "Okafor", "Halvorsen", "Ferreira", "Karimi", "Park", "Natarajan", "Weber",
    "Romero", "Mensah", "Lin", "Lindqvist", "Lee", "Silva", "Zahra", "Petrova", "Shankar",
    "Watanabe", "Aydın", "Demir", "Cho", "Murphy", "Rossi", "Nowak", "Haddad", "Novak",
    "Adeyemi", "Jensen", "Costa", "Tanaka", "Kowalski", "Ibrahim", "Moreau", "Svensson",
    "Gupta", "Santos", "Becker", "Osei", "Larsen", "Yilmaz", "Kim",
)  # fmt: skip

LANDINGS = (0.85, 0.4, 1.0, 0.7, 0.95, 0.55, 1.0, 0.75, 0.3, 0.9, 0.65, 1.05, 0.6, 0.8, 0.5)
"""Where a metric or milestone ends a quarter, as progress from baseline to target."""
PATHS = ((0.3, 0.65, 1.0), (0.45, 0.6, 1.0), (0.2, 0.7, 1.0), (0.4, 0.85, 1.0), (0.4, 0.3, 1.0))
"""How the progress of the three monthly check-ins gets there, as shares of the landing."""
NOTES = (
    "Measured over the last four weeks",
    "New dashboard; earlier figures recomputed with the same definition",
    "Includes the holiday week, so lower than usual",
    "One noisy week during the database failover drill",
    "Figure from the tracker, checked by hand on a sample",
    "Two weeks of data only: the collector was down",
    "Better than expected after the release at the start of the month",
)
BLOCKERS = (
    "Runner pool saturated at peak hours",
    "PCI change approval, two days per release",
    "Two engineers on leave this month",
    "Waiting on the Platform group's session store migration",
    "Vendor API rate limits during load tests",
    "One open role, hiring in progress",
    "Code freeze for the peak season",
)
LESSONS = (
    "Smaller pull requests shortened lead time more than any tooling change did.",
    "Half the pages came from two noisy alerts; deleting them did more than tuning the rest.",
    "The easy services moved first; the rest need work we had not planned for.",
    "A weekly triage with support kept new bugs from piling up.",
    "The dashboard people trust gets used; the one nobody owns does not.",
    "Progress stalled while the team was pulled into incident follow-ups in the second month.",
    "Targets set from last quarter's finish were about right; the stretch part did not move.",
)
GRADE_NOTES = (
    "The tracker misses work done outside it; graded conservatively.",
    "The last figure came from a partial month, so the grade is lower than the score.",
    "Landed, but with a workaround we still have to remove.",
)
DROP_REASONS = (
    "The measurement broke when the tracker was replaced in the second month",
    "The group moved this work to another team",
)


# --- Plans: what each unit aims for in a quarter, before anything is written ----------------


@dataclass
class KeyResultPlan:
    """One key result of one quarter, with the numbers its check-ins will follow."""

    template: Template
    owner: str
    baseline: float | None
    target: float | None
    landing: float  # progress at the quarter's end (a guardrail holds unless breached)
    path: tuple[float, float, float]
    breach: bool = False  # a guardrail breaks its bound once, in the second month
    weight: float | None = None
    dropped: str | None = None
    grade: float | None = None
    grade_note: str | None = None

    def planned_grade(self) -> float:
        """The final grade this plan should get: given, else the landing or the share held."""
        if self.grade is not None:
            return self.grade
        if self.template.kind == "guardrail":
            return 2 / 3 if self.breach else 1.0
        return min(1.0, max(0.0, self.landing))


@dataclass
class ObjectivePlan:
    """One objective of one quarter."""

    theme: Theme
    title: str
    owner: str
    aligns_to: str | None
    key_results: list[KeyResultPlan]
    retro: tuple[str, bool] | None = None


@dataclass(frozen=True)
class Unit:
    """A unit of org.yaml, with the people its key results are owned by."""

    id: str
    name: str
    kind: Literal["org", "group", "team"]
    parent: str | None
    lead: str
    members: tuple[str, ...]
    index: int  # position in org.yaml: varies everything derived from it


@dataclass
class Counts:
    """What was written, for the CLI's summary."""

    units: int = 0
    quarters: int = 0
    objectives: int = 0
    key_results: int = 0
    checkins: int = 0
    metrics: int = 0
    readings: int = 0
    files: int = 0


def _person(number: int) -> str:
    """A deterministic name; 40 x 41 combinations before one repeats."""
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number * 7 + number // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return f"{first} {last}"


def organisation(teams: int) -> list[Unit]:
    """The org, then each group followed by its teams, about TEAMS_PER_GROUP teams a group."""
    groups = -(-teams // TEAMS_PER_GROUP)
    group_width = max(2, len(str(groups)))
    units = [Unit(ORG_ID, ORG_NAME, "org", None, _person(0), (_person(1), _person(2)), 0)]
    for g in range(groups):
        first, last = g * teams // groups, (g + 1) * teams // groups
        team_width = max(2, len(str(last - first)))
        group_id = f"group-{g + 1:0{group_width}d}"
        number = 4 * len(units) + 3
        units.append(
            Unit(
                group_id,
                f"Group {g + 1}",
                "group",
                ORG_ID,
                _person(number),
                (_person(number + 1), _person(number + 2)),
                len(units),
            )
        )
        for t in range(last - first):
            number = 4 * len(units) + 3
            units.append(
                Unit(
                    f"team-{g + 1:0{group_width}d}-{t + 1:0{team_width}d}",
                    f"Team {g + 1}.{t + 1}",
                    "team",
                    group_id,
                    _person(number),
                    (_person(number + 1), _person(number + 2), _person(number + 3)),
                    len(units),
                )
            )
    assert all(is_slug(u.id) for u in units)  # the contract's pattern; ids above always match
    return units


def quarter_ids(quarters: int, last: str) -> list[str]:
    """The `quarters` calendar quarters ending at `last`, oldest first."""
    if QUARTER_ID.fullmatch(last) is None:
        raise ValueError(f"--last {last!r} is not a quarter; write it as YYYY-Qn")
    found = [last]
    while len(found) < quarters:
        found.append(previous_quarter_id(found[-1]))
    return found[::-1]


def _shown(value: float, decimals: int) -> str:
    """A number as the demo writes it: 12, 9.5, 0.28; never 12.0 or -0."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _numbers(template: Template, scale: float) -> tuple[float | None, float | None]:
    """A metric's baseline and target scaled, rounded, kept apart and within 0 to 100 for %."""
    if template.baseline is None:
        return None, None
    step = 10.0**-template.decimals
    baseline = round(template.baseline * scale, template.decimals)
    if template.kind == "guardrail":
        # Near its usual level: up to 30% of the way to its bound, or as far back from it.
        bound = template.high if template.high is not None else template.low
        assert bound is not None  # every guardrail template has a bound
        toward = 1.5 * (scale - 1.0)  # -0.3 to 0.3
        baseline = round(
            template.baseline + (bound - template.baseline) * toward, template.decimals
        )
        return (min(baseline, 100.0) if template.unit == "%" else baseline), None
    assert template.target is not None  # every metric template has one
    target = round(template.target * scale, template.decimals)
    if template.unit == "%":
        baseline, target = min(baseline, 100.0), min(target, 100.0)
    if target == baseline:
        target = round(baseline + (step if template.target > template.baseline else -step), 6)
    return baseline, target


def _key_result(
    template: Template, unit: Unit, q: int, o: int, k: int, closed: bool, counter: int
) -> KeyResultPlan:
    """The key result a template becomes for one unit, quarter and position."""
    scale = 0.8 + 0.4 * ((unit.index * 7 + k * 3 + q * 5 + o) % 11) / 10
    baseline, target = _numbers(template, scale)
    owners = (unit.lead, *unit.members)
    plan = KeyResultPlan(
        template=template,
        owner=owners[(k + o + unit.index) % len(owners)],
        baseline=baseline,
        target=target,
        landing=LANDINGS[(unit.index * 5 + o * 3 + k + q * 2) % len(LANDINGS)],
        path=PATHS[(unit.index + k + q) % len(PATHS)],
        breach=template.kind == "guardrail" and (unit.index + q + k) % 4 == 0,
    )
    if counter % 9 == 4 and template.kind == "metric":
        plan.weight = 2
    if closed and counter % 7 == 3 and template.kind != "guardrail":
        plan.grade = max(0.0, round(min(plan.landing, 1.0) - 0.1, 1))
        plan.grade_note = GRADE_NOTES[counter % len(GRADE_NOTES)]
    return plan


def _objective(
    theme: Theme,
    unit: Unit,
    q: int,
    o: int,
    count: int,
    aligns_to: str | None,
    closed: bool,
    counter: Iterator[int],
) -> ObjectivePlan:
    """An objective from a theme, with `count` key results from its pool."""
    start = unit.index % len(theme.pool)
    templates = [
        theme.pool[(start + k) % len(theme.pool)] for k in range(min(count, len(theme.pool)))
    ]
    key_results = [
        _key_result(t, unit, q, o, k, closed, next(counter)) for k, t in enumerate(templates)
    ]
    if len(key_results) >= 3 and (unit.index + q) % 23 == 5:
        # One KR in about twenty objectives is dropped (never every KR of an objective).
        key_results[-1].dropped = DROP_REASONS[(unit.index + q) % len(DROP_REASONS)]
        key_results[-1].grade = key_results[-1].grade_note = None
    title = theme.titles[(unit.index + o) % len(theme.titles)].format(name=unit.name)
    retro = None
    if closed:
        retro = (LESSONS[(unit.index + q + o) % len(LESSONS)], (unit.index + q + o) % 5 != 0)
    return ObjectivePlan(theme, title, unit.lead, aligns_to, key_results, retro)


def _aligned(theme: Theme, parent: Unit | None, parents: Sequence[ObjectivePlan]) -> str | None:
    """The parent's objective of the theme's category, else its delivery one, else its first."""
    if parent is None or not parents:
        return None
    wanted = (theme.category, "delivery")
    match = next(
        (p for category in wanted for p in parents if p.theme.category == category), parents[0]
    )
    return f"{parent.id}/{match.theme.id}"


def _not_sandbagged(objectives: Sequence[ObjectivePlan]) -> None:
    """Lower one landing where a closed quarter's grades would look too easy (OKR208)."""
    counted = [kr for o in objectives for kr in o.key_results if kr.dropped is None]
    grades = [kr.planned_grade() for kr in counted]
    if not grades:
        return
    mean = sum(grades) / len(grades)
    if min(grades) < 0.999 and (len(grades) < 3 or mean < 0.85):
        return
    movable = next((kr for kr in counted if kr.template.kind != "guardrail"), None)
    if movable is not None:
        movable.landing, movable.grade, movable.grade_note = 0.45, None, None
    else:
        counted[0].breach = True


def plan_unit(
    unit: Unit,
    q: int,
    closed: bool,
    parent: Unit | None,
    parents: Sequence[ObjectivePlan],
    counter: Iterator[int],
) -> list[ObjectivePlan]:
    """A unit's objectives for the q-th quarter, aligned to its parent's."""
    if unit.kind == "org":
        themes, counts = ORG_THEMES, [2 + (q + o) % 2 for o in range(2)]
    elif unit.kind == "group":
        number = 1 + (unit.index + q) % 2
        themes = tuple(GROUP_THEMES[(unit.index + o) % len(GROUP_THEMES)] for o in range(number))
        counts = [2 + (unit.index + q + o) % 2 for o in range(number)]
    else:
        number = 2 + ((unit.index + q) % 3 == 0)
        themes = tuple(TEAM_THEMES[(unit.index + o) % len(TEAM_THEMES)] for o in range(number))
        counts = [2 + (unit.index + q + o) % 3 for o in range(number)]
    objectives = [
        _objective(theme, unit, q, o, counts[o], _aligned(theme, parent, parents), closed, counter)
        for o, theme in enumerate(themes)
    ]
    if closed:
        _not_sandbagged(objectives)
    return objectives


# --- Writing the files --------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9][^\n#:\"]*")
_NOT_PLAIN = re.compile(r"^(?:true|false|yes|no|on|off|null|~|[-+.\d][\d.eE+-]*)$", re.IGNORECASE)


def _text(value: str) -> str:
    """A YAML scalar for text: plain where YAML reads it back as the same string, else quoted."""
    if _PLAIN.fullmatch(value) and not _NOT_PLAIN.match(value) and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)


def unit_yaml(unit: Unit, objectives: Sequence[ObjectivePlan], improves: str | None = None) -> str:
    """The unit's UNIT.yaml for a quarter; improves: the standing metric its first KR moves."""
    lines = [UNIT_SCHEMA_COMMENT, f"# {unit.name}: objectives and key results for the quarter."]
    lines.append("objectives:")
    for objective in objectives:
        theme = objective.theme
        lines.append(f"  - id: {theme.id}")
        lines.append(f"    title: {_text(objective.title)}")
        if theme.aspirational:
            lines.append("    type: aspirational")
        lines.append(f"    domain: {theme.domain}")
        lines.append(f"    owner: {_text(objective.owner)}")
        if objective.aligns_to is not None:
            lines.append(f"    aligns_to: {objective.aligns_to}")
        lines.append("    key_results:")
        for kr in objective.key_results:
            lines.extend(_key_result_lines(kr, improves))
            improves = None
        if objective.retro is not None:
            learned, realistic = objective.retro
            lines.append("    retro:")
            lines.append(f"      learned: {_text(learned)}")
            lines.append(f"      realistic: {'true' if realistic else 'false'}")
    return "\n".join(lines) + "\n"


def _key_result_lines(kr: KeyResultPlan, improves: str | None = None) -> list[str]:
    """One key result's lines in its objective's key_results list."""
    template = kr.template
    decimals = template.decimals
    title = template.title
    if template.kind == "metric":
        assert kr.baseline is not None and kr.target is not None
        title = title.format(b=_shown(kr.baseline, decimals), t=_shown(kr.target, decimals))
    lines = [f"      - id: {template.id}"]
    if template.kind != "metric":
        lines.append(f"        kind: {template.kind}")
    lines.append(f"        title: {_text(title)}")
    lines.append(f"        owner: {_text(kr.owner)}")
    lines.append(f"        measurement: {_text(template.measurement)}")
    if improves is not None:
        lines.append(f"        improves: {improves}")
    if template.unit is not None:
        lines.append(f"        unit: {_text(template.unit)}")
    numbers = (
        ("baseline", kr.baseline),
        ("target", kr.target),
        ("min", template.low),
        ("max", template.high),
        ("weight", kr.weight),
        ("grade", kr.grade),
    )
    lines.extend(f"        {key}: {_shown(v, 6)}" for key, v in numbers if v is not None)
    if kr.grade_note is not None:
        lines.append(f"        grade_note: {_text(kr.grade_note)}")
    if kr.dropped is not None:
        lines.append(f"        dropped: {_text(kr.dropped)}")
    return lines


def _checkin_dates(unit: Unit, start: date, end: date, closed: bool) -> list[date]:
    """The unit's monthly check-in days; a closed quarter's last may fall in the grace week."""
    day = 17 + unit.index % 9
    dates = [date(start.year, start.month + m, day) for m in range(3)]
    if closed and unit.index % 4 == 1:
        dates[-1] = end + timedelta(days=1 + unit.index % 6)  # the final figure, just after
    return [d for d in dates if d <= AS_OF]


def _value(kr: KeyResultPlan, month: int) -> float:
    """The KR's value at its month-th check-in (0 to 2)."""
    template = kr.template
    decimals = template.decimals
    if template.kind == "milestone":
        return float(min(100, max(0, round(100 * kr.landing * kr.path[month] / 5) * 5)))
    assert kr.baseline is not None
    if template.kind == "guardrail":
        # Within its bound, by a share of the margin; a breach goes 30% of the margin past it.
        bound = template.high if template.high is not None else template.low
        assert bound is not None
        share = 1.3 if kr.breach and month == 1 else (0.0, 0.4, -0.2)[month]
        value = round(kr.baseline + (bound - kr.baseline) * share, decimals)
        return min(value, 100.0) if template.unit == "%" else value
    assert kr.target is not None
    value = kr.baseline + (kr.target - kr.baseline) * kr.landing * kr.path[month]
    if template.unit == "%":
        value = min(100.0, max(0.0, value))
    return round(max(0.0, value), decimals + 1)


def _confidence(kr: KeyResultPlan, month: int, row: int) -> str:
    """The owner's confidence: higher for KRs heading to land, blank for most guardrails."""
    if kr.template.kind == "guardrail" and row % 3 != 0:
        return ""
    level = 0.35 + 0.5 * min(1.0, kr.landing) + (0.1 if month == 2 else 0.0) - 0.1 * (row % 2)
    return _shown(min(0.9, max(0.2, round(level, 1))), 1)


def unit_csv(
    unit: Unit, objectives: Sequence[ObjectivePlan], start: date, end: date, closed: bool
) -> tuple[str, int]:
    """The unit's check-in CSV for a quarter, and its number of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    rows = 0
    dates = _checkin_dates(unit, start, end, closed)
    for month, day in enumerate(dates):
        for objective in objectives:
            for kr in objective.key_results:
                if kr.dropped is not None and month > 0:
                    continue  # dropped after its first check-in
                rows += 1
                number = unit.index + rows
                note = ""
                if day > end:
                    note = "Final figure for the quarter"
                elif kr.breach and month == 1:
                    note = "An outage this month pushed it past the bound; back within it since"
                elif number % 9 == 4:
                    note = NOTES[number % len(NOTES)]
                blocker = ""
                if kr.landing < 0.7 and number % 7 == 2:
                    blocker = BLOCKERS[number % len(BLOCKERS)]
                value = _shown(_value(kr, month), kr.template.decimals + 1)
                writer.writerow(
                    (
                        day.isoformat(),
                        f"{objective.theme.id}/{kr.template.id}",
                        value,
                        _confidence(kr, month, number),
                        note,
                        blocker,
                    )
                )
    return buffer.getvalue(), rows


METRICS_SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/metrics.schema.json"


def metrics_yaml(unit: Unit) -> str:
    """A team's okrs/metrics/UNIT.yaml: two standing metrics, one kept above a floor and one
    below a ceiling."""
    floor, ceiling = 4 + unit.index % 5, 300 + 20 * (unit.index % 5)
    lines = [METRICS_SCHEMA_COMMENT, f"# {unit.name}: standing metrics.", "metrics:"]
    lines += [
        "  - id: deploys",
        "    title: Production deploys per week",
        f"    owner: {_text(unit.lead)}",
        "    measurement: Deployment pipeline, successful production deploys per ISO week",
        "    unit: deploys/week",
        f"    min: {floor}",
        "  - id: latency",
        "    title: p95 API latency",
        f"    owner: {_text(unit.members[0])}",
        "    measurement: APM, p95 latency of the team's public endpoints over the week",
        "    unit: ms",
        "    direction: down",
        f"    threshold: {ceiling}",
    ]
    return "\n".join(lines) + "\n"


def metrics_csv(unit: Unit, first: date) -> tuple[str, int]:
    """A team's metrics history: a reading of each metric every month from the first quarter's
    start to AS_OF, wandering around its bound so that some teams are breached."""
    floor, ceiling = 4 + unit.index % 5, 300 + 20 * (unit.index % 5)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("date", "metric", "value", "note"))
    rows = 0
    day = 17 + unit.index % 9
    year, month = first.year, first.month
    while (reading := date(year, month, day)) <= AS_OF:
        wave = ((unit.index * 7 + rows * 3) % 11) / 10  # 0.0 to 1.0
        deploys = round(floor * (0.85 + 0.6 * wave), 1)
        latency = round(ceiling * (0.75 + 0.3 * wave))
        note = "Release train paused for an incident review" if wave == 0 else ""
        writer.writerow((reading.isoformat(), "deploys", _shown(deploys, 1), note))
        writer.writerow((reading.isoformat(), "latency", str(latency), ""))
        rows += 2
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return buffer.getvalue(), rows


def org_yaml(units: Sequence[Unit]) -> str:
    """okrs/org.yaml: the units as a flat list and the policy, teams allowed three objectives."""
    lines = [
        "# yaml-language-server: $schema=../schemas/org.schema.json",
        f"# A synthetic organisation for benchmarks: {len(units)} units, written by "
        "benchmarks/synthetic.py.",
        f"name: {_text(ORG_NAME)}",
        "units:",
    ]
    for unit in units:
        lines.append(f"  - id: {unit.id}")
        lines.append(f"    name: {_text(unit.name)}")
        lines.append(f"    kind: {unit.kind}")
        if unit.parent is not None:
            lines.append(f"    parent: {unit.parent}")
        lines.append(f"    lead: {_text(unit.lead)}")
    lines += [
        "policy:",
        "  max_objectives: {org: 2, group: 3, team: 3}   # a third team objective is common here",
    ]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    """Write UTF-8 text with LF line endings, whatever the platform."""
    path.write_text(text, encoding="utf-8", newline="\n")


def _copy_project(root: Path) -> None:
    """The project's MkDocs settings, hand-written pages and theme overrides, those it has: the
    rest of the site (theme, Help pages, configuration) comes from the package."""
    shutil.copyfile(PROJECT / CONFIG_FILE, root / CONFIG_FILE)
    for folder in (CONTENT_DIR, THEME_DIR):
        if (PROJECT / folder).is_dir():
            shutil.copytree(PROJECT / folder, root / folder)


def write_organisation(root: Path, teams: int, quarters: int, last: str) -> Counts:
    """make_organisation's work, returning what was written."""
    if teams < 1 or quarters < 1:
        raise ValueError("--teams and --quarters must be at least 1")
    ids = quarter_ids(quarters, last)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty; give an empty or new folder")
    root.mkdir(parents=True, exist_ok=True)
    _copy_project(root)
    units = organisation(teams)
    by_id = {u.id: u for u in units}
    okrs = root / OKRS
    okrs.mkdir()
    _write(okrs / "org.yaml", org_yaml(units))
    counts = Counts(units=len(units), quarters=len(ids), files=1)
    counter = itertools.count()
    for q, quarter_id in enumerate(ids):
        closed = q < len(ids) - 1
        start, end = calendar_quarter(quarter_id)
        folder = okrs / quarter_id
        folder.mkdir()
        planned: dict[str, list[ObjectivePlan]] = {}
        for unit in units:  # parents come before their children in org.yaml's order
            parent = by_id[unit.parent] if unit.parent is not None else None
            parents = planned[parent.id] if parent is not None else []
            objectives = plan_unit(unit, q, closed, parent, parents, counter)
            planned[unit.id] = objectives
            text, rows = unit_csv(unit, objectives, start, end, closed)
            improves = "deploys" if unit.kind == "team" else None
            _write(folder / f"{unit.id}.yaml", unit_yaml(unit, objectives, improves))
            _write(folder / f"{unit.id}.csv", text)
            counts.objectives += len(objectives)
            counts.key_results += sum(len(o.key_results) for o in objectives)
            counts.checkins += rows
            counts.files += 2
        # As `okrsite new quarter` then `okrsite close` would write it: dates, status, digest.
        text = quarter_yaml(quarter_id)
        if closed:
            digest = quarter_digest(folder, start, end)
            text = edit_quarter_yaml(text, {"status": "closed", "digest": digest})
        _write(folder / QUARTER_FILE, text)
        counts.files += 1
    # Two standing metrics a team, read monthly over every quarter.
    metrics = okrs / "metrics"
    metrics.mkdir()
    first = calendar_quarter(ids[0])[0]
    for unit in units:
        if unit.kind == "team":
            _write(metrics / f"{unit.id}.yaml", metrics_yaml(unit))
            text, rows = metrics_csv(unit, first)
            _write(metrics / f"{unit.id}.csv", text)
            counts.metrics += 2
            counts.readings += rows
            counts.files += 2
    return counts


def make_organisation(
    root: Path, teams: int = 200, quarters: int = 8, *, last: str = "2026-Q4"
) -> None:
    """Write a synthetic okrsite repository of `teams` teams over `quarters` quarters into root."""
    write_organisation(root, teams, quarters, last)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the repository and say how big it is and how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dir", type=Path, help="an empty or new folder to write into")
    parser.add_argument("--teams", type=int, default=200, help="teams (default 200)")
    parser.add_argument("--quarters", type=int, default=8, help="quarters (default 8)")
    parser.add_argument("--last", default="2026-Q4", help="the last, open quarter (YYYY-Qn)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = write_organisation(args.dir, args.teams, args.quarters, args.last)
    except (ValueError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    print(
        f"wrote {args.dir}: {counts.units} units, {counts.quarters} quarters, "
        f"{counts.objectives} objectives, {counts.key_results} key results, "
        f"{counts.checkins} check-ins, {counts.metrics} standing metrics with "
        f"{counts.readings} readings, {counts.files} files under okrs/ in {seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
