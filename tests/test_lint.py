"""The anti-pattern warnings, each with its code, file and line, and policy.ignore."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from okrsite import pipeline
from tests.conftest import MINIMAL, ORG_YAML, PAYMENTS_CSV, PAYMENTS_YAML, WriteRepo

PAYMENTS = "okrs/2026-Q4/payments.yaml"
TODAY = date(2026, 11, 10)  # early enough that no KR below is stale

# Objectives in the other two health domains, so the quarter itself is balanced.
BALANCE = """\
  - id: health
    title: Keep the codebase and the team healthy
    domain: technical-health
    key_results:
      - id: build-time
        title: Cut CI build time from 20 to 8 minutes
        owner: Ana Silva
        measurement: CI dashboard, median build
        baseline: 20
        target: 8
"""
TEAM = """\
objectives:
  - id: people
    title: A team people want to stay in
    domain: team-health
    key_results:
      - id: engagement
        title: Raise engagement score from 6 to 8
        owner: Dana Reyes
        measurement: Quarterly survey
        baseline: 6
        target: 8
"""
BALANCED = {
    **MINIMAL,
    "okrs/2026-Q4/platform.yaml": TEAM,
    "okrs/2026-Q4/platform.csv": "date,kr,value\n2026-11-01,people/engagement,7\n",
}


def warnings(write_repo: WriteRepo, changes: Mapping[str, str], today: date = TODAY) -> list[str]:
    """'path:line:col CODE' for every problem of the balanced repository with changes applied."""
    root = write_repo({**BALANCED, **changes})
    return [f"{p.location} {p.code}" for p in pipeline.check(root, today).problems]


def payments_kr(title: str, extra: str = "", measurement: str = "Deployment pipeline") -> str:
    return PAYMENTS_YAML.replace(
        "title: Reduce median lead time for changes from 12 days to 5 days",
        f"title: {title}{extra}",
    ).replace("measurement: Deployment pipeline, median over merged changes",
              f"measurement: {measurement}")  # fmt: skip


def test_balanced_repository_has_no_warnings(write_repo: WriteRepo) -> None:
    assert warnings(write_repo, {}) == ["okrs/2026-Q4 OKR206"]
    assert warnings(write_repo, {PAYMENTS: PAYMENTS_YAML + BALANCE}) == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Migrate to Kubernetes", [f"{PAYMENTS}:6:9 OKR201"]),
        ("Roll out the new design system", [f"{PAYMENTS}:6:9 OKR201"]),
        ("Migrate 12 services to Kubernetes", []),
        ("Reduce lead time", []),
    ],
)
def test_activity_dressed_as_outcome(
    write_repo: WriteRepo, title: str, expected: list[str]
) -> None:
    assert warnings(write_repo, {PAYMENTS: payments_kr(title) + BALANCE}) == expected


@pytest.mark.parametrize(
    ("title", "measurement"),
    [
        ("Raise code coverage from 60% to 80%", "Coverage report"),
        ("Cut lint warnings from 300 to 0", "Linter"),
        ("Merge 200 PRs", "GitHub"),
        ("Reduce bug count from 40 to 10", "Number of commits per week"),
        ("Grow the codebase by 20000 lines of code", "cloc"),
    ],
)
def test_vanity_metric(write_repo: WriteRepo, title: str, measurement: str) -> None:
    changed = payments_kr(title, measurement=measurement) + BALANCE
    assert warnings(write_repo, {PAYMENTS: changed}) == [f"{PAYMENTS}:6:9 OKR202"]


def extra_krs(count: int) -> str:
    return "".join(
        f"      - id: extra-{n}\n        title: Keep error budget {n} above 99%\n"
        "        owner: Sam Lee\n        measurement: SLO dashboard\n"
        f"        kind: guardrail\n        baseline: 99.5\n        min: 99\n"
        for n in range(count)
    )


def test_more_krs_than_the_policy_allows(write_repo: WriteRepo) -> None:
    plan = PAYMENTS_YAML + extra_krs(3) + BALANCE  # 2 + 3 = 5 > max_krs_per_objective 4
    assert warnings(write_repo, {PAYMENTS: plan}) == [f"{PAYMENTS}:2:5 OKR203"]


def test_org_objective_kr_count_outside_range(write_repo: WriteRepo) -> None:
    one_kr = TEAM.replace("id: people", "id: eng-people")
    eng = "okrs/2026-Q4/eng.yaml"
    # 1 KR is below krs_per_objective_at_org [2, 3]; the same plan on a team is fine.
    assert warnings(write_repo, {eng: one_kr, PAYMENTS: PAYMENTS_YAML + BALANCE}) == [
        f"{eng}:2:5 OKR204"
    ]


def test_more_objectives_than_the_cap(write_repo: WriteRepo) -> None:
    third = BALANCE.replace("id: health", "id: health-2")
    plan = PAYMENTS_YAML + BALANCE + third  # 3 objectives > team cap 2
    assert warnings(write_repo, {PAYMENTS: plan}) == [f"{PAYMENTS}:1:1 OKR205"]


def test_quarter_without_a_health_domain_names_the_missing_ones(write_repo: WriteRepo) -> None:
    root = write_repo(MINIMAL)
    (problem,) = pipeline.check(root, TODAY).problems
    assert (str(problem.location), problem.code) == ("okrs/2026-Q4", "OKR206")
    assert "technical-health, team-health" in problem.message


def test_stale_key_result(write_repo: WriteRepo) -> None:
    # change-failure-rate's last check-in is 2026-10-15: 46 days before 2026-11-30 > 45.
    # build-time (line 24) has no check-in: stale counts from the start, 2026-10-01.
    found = warnings(write_repo, {PAYMENTS: PAYMENTS_YAML + BALANCE}, date(2026, 11, 30))
    assert found == [f"{PAYMENTS}:13:9 OKR207", f"{PAYMENTS}:24:9 OKR207"]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 15), []),  # 2026-10-01 + 45 days: not yet more than 45
        (date(2026, 11, 16), [f"{PAYMENTS}:24:9 OKR207"]),
    ],
)
def test_stale_after_more_than_45_days(
    write_repo: WriteRepo, today: date, expected: list[str]
) -> None:
    assert warnings(write_repo, {PAYMENTS: PAYMENTS_YAML + BALANCE}, today) == expected


CLOSED = "status: closed\n"


def test_closed_quarter_with_every_grade_one(write_repo: WriteRepo) -> None:
    graded = PAYMENTS_YAML.replace("target: 5\n", "target: 5\n        grade: 1.0\n").replace(
        "max: 5\n", "max: 5\n        grade: 1\n"
    )
    changes = {PAYMENTS: graded, "okrs/2026-Q4/quarter.yaml": CLOSED}
    assert f"{PAYMENTS}:1:1 OKR208" in warnings(write_repo, changes)
    # A closed quarter is not checked for staleness: its data is frozen.
    assert not [w for w in warnings(write_repo, changes) if "OKR207" in w]


def test_closed_quarter_with_a_grade_below_one_is_not_flagged(write_repo: WriteRepo) -> None:
    graded = PAYMENTS_YAML.replace("target: 5\n", "target: 5\n        grade: 0.7\n")
    changes = {PAYMENTS: graded, "okrs/2026-Q4/quarter.yaml": CLOSED}
    assert not [w for w in warnings(write_repo, changes) if "OKR208" in w]


def test_policy_ignore_switches_warnings_off(write_repo: WriteRepo) -> None:
    org = ORG_YAML + "policy:\n  ignore: [OKR206, OKR201]\n"
    changed = payments_kr("Migrate to Kubernetes")
    assert warnings(write_repo, {"okrs/org.yaml": org, PAYMENTS: changed}) == []


def test_check_sorts_errors_first(write_repo: WriteRepo) -> None:
    csv = PAYMENTS_CSV + "2026-11-20,delivery/nope,1,,,\n"
    found = warnings(write_repo, {"okrs/2026-Q4/payments.csv": csv})
    assert found == ["okrs/2026-Q4/payments.csv:5:12 OKR041", "okrs/2026-Q4 OKR206"]
