"""The anti-pattern warnings, each with its code, file and line, and policy.ignore."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from okrsite import pipeline
from tests.conftest import MINIMAL, ORG_YAML, PAYMENTS_CSV, PAYMENTS_YAML, WriteRepo

PAYMENTS = "okrs/2026-Q4/payments.yaml"
TODAY = date(2026, 11, 15)  # MINIMAL's last check-in: none is after today, and none is stale

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
    assert warnings(write_repo, {}) == []
    assert warnings(write_repo, {PAYMENTS: PAYMENTS_YAML + BALANCE}) == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Migrate to Kubernetes", [f"{PAYMENTS}:6:9 OKR201"]),
        ("Roll out the new design system", [f"{PAYMENTS}:6:9 OKR201"]),
        # A count of things done is no outcome: a number no longer exempts an activity.
        ("Migrate 12 services to Kubernetes", [f"{PAYMENTS}:6:9 OKR201"]),
        ("Write 200 unit tests", [f"{PAYMENTS}:6:9 OKR201"]),
        ("Design and implement a new caching layer", [f"{PAYMENTS}:6:9 OKR201"]),
        ("Execute the data-centre exit plan", [f"{PAYMENTS}:6:9 OKR201"]),
        # A KR that names the change it causes is fine, whatever its first word.
        ("Cut deploy time from 40 to 10 minutes by moving to Kubernetes", []),
        ("Migrate to Kubernetes to cut deploy time from 40 to 10 minutes", []),
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
        ("Reduce Sonar issues from 500 to 50", "SonarQube"),
        ("Grow the number of unit tests from 800 to 1500", "CI test report"),
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


def third_objective(domain: str) -> str:
    return BALANCE.replace("id: health", "id: third").replace(
        "domain: technical-health", f"domain: {domain}"
    )


def test_quarter_without_a_health_domain_names_the_missing_ones(write_repo: WriteRepo) -> None:
    # Three objectives (delivery, team health, and one more) and no technical health.
    root = write_repo({**BALANCED, PAYMENTS: PAYMENTS_YAML + third_objective("ai")})
    found = [p for p in pipeline.check(root, TODAY).problems if p.code != "OKR205"]
    (problem,) = found
    assert (str(problem.location), problem.code) == ("okrs/2026-Q4", "OKR206")
    assert problem.message.startswith("quarter 2026-Q4 has no objective in technical-health;")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # One or two objectives are a first, minimal programme: no domain warning.
        (MINIMAL, []),
        (BALANCED, []),
        # From three objectives on, the quarter must cover the three health domains.
        (
            {
                **MINIMAL,
                PAYMENTS: PAYMENTS_YAML
                + third_objective("ai")
                + third_objective("other").replace("id: third", "id: fourth"),
            },
            ["okrs/2026-Q4 OKR206"],
        ),
        ({**BALANCED, PAYMENTS: PAYMENTS_YAML + third_objective("ai")}, ["okrs/2026-Q4 OKR206"]),
        ({**BALANCED, PAYMENTS: PAYMENTS_YAML + BALANCE}, []),
    ],
    ids=["one-objective", "two-objectives", "three-in-one-unit", "three-objectives", "covered"],
)
def test_health_domains_from_three_objectives(
    write_repo: WriteRepo, files: dict[str, str], expected: list[str]
) -> None:
    root = write_repo(files)
    found = [f"{p.location} {p.code}" for p in pipeline.check(root, TODAY).problems]
    assert [f for f in found if f.endswith("OKR206")] == expected


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
    csv = PAYMENTS_CSV + "2026-11-14,delivery/nope,1,,,\n"
    changes = {"okrs/2026-Q4/payments.csv": csv, PAYMENTS: payments_kr("Migrate to Kubernetes")}
    found = warnings(write_repo, changes)
    assert found == ["okrs/2026-Q4/payments.csv:5:12 OKR041", f"{PAYMENTS}:6:9 OKR201"]


def test_objective_titled_as_an_activity(write_repo: WriteRepo) -> None:
    def titled(title: str) -> list[str]:
        plan = PAYMENTS_YAML.replace("Ship features from idea to production faster", title)
        return warnings(write_repo, {PAYMENTS: plan})

    assert titled("Migrate to Kubernetes") == [f"{PAYMENTS}:2:5 OKR210"]
    assert titled("Implement SSO") == [f"{PAYMENTS}:2:5 OKR210"]
    # An objective is qualitative by design: no number is asked of it, only a direction.
    assert titled("Ship features faster without raising defects") == []
    assert titled("Implement SSO so enterprise customers sign in with their own provider") == []
    assert titled("Build a world-class developer experience") == []


def milestone(title: str) -> str:
    return (
        PAYMENTS_YAML + f"      - id: done\n        kind: milestone\n        title: {title}\n"
        "        owner: Ana Silva\n        measurement: Review checklist\n"
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Improve code quality", [f"{PAYMENTS}:20:9 OKR211"]),
        ("Be more agile", [f"{PAYMENTS}:20:9 OKR211"]),
        ("Improve code quality in Q3", [f"{PAYMENTS}:20:9 OKR211"]),  # a quarter is no end state
        ("Every tier-1 service has a tested runbook", []),
        ("Improve onboarding so every new engineer merges a change in week 1", []),
    ],
)
def test_milestone_without_a_checkable_end_state(
    write_repo: WriteRepo, title: str, expected: list[str]
) -> None:
    assert warnings(write_repo, {PAYMENTS: milestone(title)}) == expected


def test_unmeasurable_is_about_milestones_only(write_repo: WriteRepo) -> None:
    # A metric titled vaguely still has its baseline and target: measurable, so no OKR211.
    assert warnings(write_repo, {PAYMENTS: payments_kr("Improve code quality")}) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 15), []),  # the check-in of 2026-11-15 taken today
        (date(2026, 11, 14), ["okrs/2026-Q4/payments.csv:3:1 OKR212"]),
    ],
)
def test_checkin_dated_after_today(write_repo: WriteRepo, today: date, expected: list[str]) -> None:
    assert warnings(write_repo, {}, today) == expected


def test_checkin_after_today_says_which_and_when(write_repo: WriteRepo) -> None:
    root = write_repo(BALANCED)
    (found,) = pipeline.check(root, date(2026, 11, 14)).problems
    assert found.message == (
        "check-in of 'payments/delivery/lead-time' is dated 2026-11-15, after today "
        "(2026-11-14); a check-in records a value already measured: correct the date"
    )


METRICS = {
    "okrs/metrics/payments.yaml": (
        "metrics:\n  - id: pages\n    title: Out-of-hours pages per week\n"
        "    owner: Ana Silva\n    measurement: Paging tool\n    max: 5\n"
    ),
    "okrs/metrics/payments.csv": "date,metric,value\n2026-09-01,pages,7\n2026-11-20,pages,4\n",
}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 20), []),  # the reading of 2026-11-20 taken today
        (date(2026, 11, 19), ["okrs/metrics/payments.csv:3:1 OKR212"]),
    ],
)
def test_metric_reading_dated_after_today(
    write_repo: WriteRepo, today: date, expected: list[str]
) -> None:
    assert [w for w in warnings(write_repo, METRICS, today) if "metrics" in w] == expected


def test_metric_reading_after_today_says_which_and_when(write_repo: WriteRepo) -> None:
    root = write_repo({**BALANCED, **METRICS})
    found = [
        str(p) for p in pipeline.check(root, date(2026, 11, 19)).problems if p.code == "OKR212"
    ]
    assert found == [
        "okrs/metrics/payments.csv:3:1: OKR212 reading of metric 'payments/pages' is dated "
        "2026-11-20, after today (2026-11-19); a reading records a value already measured: "
        "correct the date"
    ]
    org = ORG_YAML + "policy:\n  ignore: [OKR212]\n"
    root = write_repo({**BALANCED, **METRICS, "okrs/org.yaml": org})
    assert [
        p for p in pipeline.check(root, date(2026, 11, 19)).problems if p.code == "OKR212"
    ] == []


QUARTER_YAML = "okrs/2026-Q4/quarter.yaml"


def dates_warnings(write_repo: WriteRepo, start: str, end: str) -> list[str]:
    changes = {QUARTER_YAML: f"start: {start}\nend: {end}\n"}
    return [w for w in warnings(write_repo, changes) if w.endswith("OKR213")]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-10-01", "2026-12-31", []),
        ("2026-08-31", "2026-12-31", []),  # start 31 days before the calendar quarter's
        ("2026-08-30", "2026-12-31", [f"{QUARTER_YAML}:1:8 OKR213"]),  # 32 days
        ("2026-10-01", "2027-01-31", []),  # end 31 days after
        ("2026-10-01", "2027-02-01", [f"{QUARTER_YAML}:2:6 OKR213"]),  # 32 days
        ("2026-10-01", "2026-11-30", []),  # end 31 days before
        ("2026-10-01", "2026-11-29", [f"{QUARTER_YAML}:2:6 OKR213"]),  # 32 days before
        ("2026-11-01", "2027-01-31", []),  # a fiscal quarter a month late: shifted, not lost
    ],
)
def test_quarter_dates_may_shift_31_days_not_more(
    write_repo: WriteRepo, start: str, end: str, expected: list[str]
) -> None:
    assert dates_warnings(write_repo, start, end) == expected


def test_quarter_dates_a_whole_quarter_off_name_the_quarter_they_are_in(
    write_repo: WriteRepo,
) -> None:
    root = write_repo({**BALANCED, QUARTER_YAML: "start: 2027-01-01\nend: 2027-03-31\n"})
    (found,) = [p for p in pipeline.check(root, TODAY).problems if p.code == "OKR213"]
    assert str(found.location) == f"{QUARTER_YAML}:1:8"  # one warning, at the first date off
    assert found.message == (
        "quarter 2026-Q4 runs 2027-01-01 to 2027-03-31: its start is 92 days after the calendar "
        "quarter's (2026-10-01), more than the 31 a fiscal quarter may shift; check the year "
        "and month, or name the folder 2027-Q1, the quarter these dates fall in"
    )


def graded(grades: list[float]) -> str:
    """A unit file whose metric KRs carry these grades, four KRs to an objective."""
    text = "objectives:\n"
    for start in range(0, len(grades), 4):
        text += f"  - id: o{start}\n    title: Ship features faster\n    key_results:\n"
        for n, grade in enumerate(grades[start : start + 4], start):
            text += (
                f"      - id: k{n}\n        title: Cut p95 latency from 900 ms to 400 ms\n"
                "        owner: Sam Lee\n        measurement: APM\n"
                f"        baseline: 900\n        target: 400\n        grade: {grade}\n"
            )
    return text


def sandbagging(write_repo: WriteRepo, changes: Mapping[str, str]) -> list[str]:
    root = write_repo({**MINIMAL, **changes})
    return [
        f"{p.location} {p.message}" for p in pipeline.check(root, TODAY).problems
        if p.code == "OKR208"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ([1.0, 0.9, 0.8], "averaged a grade of 0.9 over its 3 key results"),
        ([1.0, 0.9, 0.79], None),  # 0.897 on average
        ([1.0, 0.8], None),  # 0.9 on average, but fewer than 3 KRs
        ([1.0, 1.0], "graded every key result 1.0"),
        ([1.0], "graded every key result 1.0"),
        ([1.0] * 9 + [0.5, 0.5], "averaged a grade of 0.91 over its 11 key results"),
    ],
    ids=["mean-0.9-of-3", "mean-below-0.9", "mean-0.9-of-2", "all-1.0", "one-1.0", "9-of-11"],
)
def test_sandbagging_by_average_or_all_perfect(
    write_repo: WriteRepo, grades: list[float], expected: str | None
) -> None:
    found = sandbagging(write_repo, {PAYMENTS: graded(grades), QUARTER_YAML: CLOSED})
    assert found == ([f"{PAYMENTS}:1:1 unit 'payments' {expected} in 2026-Q4; targets met " +
                      ("in full" if "every" in expected else "almost in full") +
                      " everywhere may have been too easy (sandbagging)"]
                     if expected else [])  # fmt: skip


Q3 = "okrs/2026-Q3/"


@pytest.mark.parametrize(
    ("q3_status", "q3_grades", "consistent"),
    [
        (CLOSED, [1.0, 1.0, 0.9], True),
        (CLOSED, [0.7, 0.7, 0.7], False),  # Q3 landed where committed OKRs should
        ("status: open\n", [1.0, 1.0, 1.0], False),  # an open quarter flags nothing
    ],
)
def test_sandbagging_consistently_when_the_quarter_before_was_flagged(
    write_repo: WriteRepo, q3_status: str, q3_grades: list[float], consistent: bool
) -> None:
    changes = {
        PAYMENTS: graded([1.0, 0.95, 0.9]),
        QUARTER_YAML: CLOSED,
        f"{Q3}payments.yaml": graded(q3_grades),
        f"{Q3}quarter.yaml": q3_status,
    }
    q4 = [f for f in sandbagging(write_repo, changes) if f.startswith(PAYMENTS)]
    (message,) = q4
    assert (", consistently: as in 2026-Q3;" in message) is consistent


def test_sandbagging_is_consistent_only_across_consecutive_quarters(write_repo: WriteRepo) -> None:
    q2 = "okrs/2026-Q2/"
    changes = {
        PAYMENTS: graded([1.0, 1.0]),
        QUARTER_YAML: CLOSED,
        f"{q2}payments.yaml": graded([1.0, 1.0]),
        f"{q2}quarter.yaml": CLOSED,
    }
    found = sandbagging(write_repo, changes)
    assert len(found) == 2
    assert not [f for f in found if "consistently" in f]  # 2026-Q3 is missing: the run breaks


NEW_WARNINGS: dict[str, dict[str, str]] = {
    "OKR210": {PAYMENTS: PAYMENTS_YAML.replace("Ship features from idea to production faster",
                                               "Implement SSO")},
    "OKR211": {PAYMENTS: milestone("Improve code quality")},
    "OKR212": {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV + "2026-11-20,delivery/lead-time,7,,,\n"},
    "OKR213": {QUARTER_YAML: "start: 2026-08-01\nend: 2026-12-31\n"},
    "OKR206": {PAYMENTS: PAYMENTS_YAML + third_objective("ai")},
    "OKR208": {PAYMENTS: graded([1.0, 0.9, 0.9]), QUARTER_YAML: CLOSED},
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(NEW_WARNINGS))
def test_policy_ignore_switches_each_new_warning_off(write_repo: WriteRepo, code: str) -> None:
    changes = NEW_WARNINGS[code]
    assert [w for w in warnings(write_repo, changes) if w.endswith(code)] != []
    org = ORG_YAML + f"policy:\n  ignore: [{code}]\n"
    assert [w for w in warnings(write_repo, {**changes, "okrs/org.yaml": org})
            if w.endswith(code)] == []  # fmt: skip


def _drop_every_kr(reason: str = "The compliance deadline moved to next year") -> str:
    """MINIMAL's payments file with both of its KRs dropped."""
    return PAYMENTS_YAML.replace(
        "        target: 5\n", f"        target: 5\n        dropped: {reason}\n"
    ).replace("        max: 5\n", f"        max: 5\n        dropped: {reason}\n")


def test_an_objective_whose_every_kr_is_dropped_is_flagged(write_repo: WriteRepo) -> None:
    found = warnings(write_repo, {"okrs/2026-Q4/payments.yaml": _drop_every_kr()})
    assert "okrs/2026-Q4/payments.yaml:2:5 OKR214" in found
    # One KR left counting: the objective is still measured, so no warning.
    one = PAYMENTS_YAML.replace("        max: 5\n", "        max: 5\n        dropped: Moved\n")
    assert not any("OKR214" in f for f in warnings(write_repo, {"okrs/2026-Q4/payments.yaml": one}))


def test_a_dropped_kr_is_never_stale(write_repo: WriteRepo) -> None:
    # change-failure-rate's last check-in is 2026-10-15: stale by 2026-12-20 (66 days > 45).
    late = date(2026, 12, 20)
    stale = "okrs/2026-Q4/payments.yaml:13:9 OKR207"  # change-failure-rate
    assert stale in warnings(write_repo, {}, today=late)
    dropped = PAYMENTS_YAML.replace("        max: 5\n", "        max: 5\n        dropped: Moved\n")
    found = warnings(write_repo, {"okrs/2026-Q4/payments.yaml": dropped}, today=late)
    assert not any(f == stale for f in found)
