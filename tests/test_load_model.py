"""The model's rules: the org tree, ids, numbers that agree, alignment and the folder layout."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from okrsite.load.repository import load, load_valid
from okrsite.model.errors import DataError
from tests.conftest import MINIMAL, ORG_YAML, PAYMENTS_YAML, WriteRepo

ORG = "okrs/org.yaml"
PAYMENTS = "okrs/2026-Q4/payments.yaml"


def found(write_repo: WriteRepo, changes: Mapping[str, str | bytes]) -> list[str]:
    """'path:line:col CODE' for every problem loading MINIMAL with changes applied."""
    root = write_repo({**MINIMAL, **changes})
    return [f"{p.location} {p.code}" for p in load(root).problems]


def org_with(extra_units: str = "", replace: tuple[str, str] = ("", "")) -> str:
    return ORG_YAML.replace(*replace) + extra_units


def kr_with(old: str, new: str) -> str:
    assert PAYMENTS_YAML.count(old) == 1
    return PAYMENTS_YAML.replace(old, new)


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        (org_with(replace=("kind: org", "kind: group\n    parent: platform")),
         [f"{ORG}:3:3 OKR101", f"{ORG}:3:9 OKR104"]),
        (org_with("  - id: other\n    name: Other\n    kind: org\n"), [f"{ORG}:14:9 OKR101"]),
        (org_with(replace=("    parent: eng\n", "")), [f"{ORG}:6:9 OKR102"]),
        (org_with(replace=("    kind: org\n", "    kind: org\n    parent: nowhere\n")),
         [f"{ORG}:3:9 OKR102"]),
        (org_with(replace=("parent: eng", "parent: engg")), [f"{ORG}:6:9 OKR103"]),
        (org_with("  - id: payments\n    name: Again\n    kind: team\n    parent: eng\n"),
         [f"{ORG}:14:9 OKR105"]),
        (org_with(replace=("units:\n", "units: []\nunits_:\n")),
         [f"{ORG}:2:8 OKR101", f"{ORG}:3:1 OKR010"]),
        (org_with(replace=("name: Acme Engineering\n", "")), [f"{ORG}:1:1 OKR011"]),
    ],
    ids=["no-org", "two-orgs", "parent-missing", "org-with-parent", "parent-unknown",
         "duplicate-unit", "empty-units", "missing-name"],
)  # fmt: skip
def test_org_rules(write_repo: WriteRepo, org: str, expected: list[str]) -> None:
    assert [p for p in found(write_repo, {ORG: org}) if p.startswith(ORG)] == expected


def test_cycle_is_reported_once_with_its_path(write_repo: WriteRepo) -> None:
    org = org_with(replace=("parent: eng", "parent: payments"))
    root = write_repo({**MINIMAL, ORG: org})
    (cycle,) = [p for p in load(root).problems if p.code == "OKR104"]
    assert str(cycle.location) == f"{ORG}:6:9"
    assert cycle.message.endswith("platform -> payments -> platform")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("policy:\n  bands: {red: 0.8, green: 0.7}\n", f"{ORG}:15:10 OKR117"),
        ("policy:\n  expected: {committed: 70}\n", f"{ORG}:15:25 OKR117"),
        ("policy:\n  stale_after_days: 0\n", f"{ORG}:15:21 OKR117"),
        ("policy:\n  expected: {committed: 0}\n", f"{ORG}:15:13 OKR117"),  # k divides by it
        ("policy:\n  setup_days: 0\n", f"{ORG}:15:15 OKR117"),
        ("policy:\n  krs_per_objective_at_org: [3, 2]\n", f"{ORG}:15:29 OKR117"),
        ("policy:\n  max_objectives: {team: -1}\n", f"{ORG}:15:26 OKR117"),
        ("policy:\n  ignore: [OKR003]\n", f"{ORG}:15:12 OKR118"),
        ("policy:\n  stale_after_days: 4.5\n", f"{ORG}:15:21 OKR012"),
        ("policy:\n  ignored: []\n", f"{ORG}:15:3 OKR010"),
    ],
    ids=["bands-order", "expected-range", "stale-zero", "committed-zero", "setup-zero",
         "kr-range", "cap-negative", "ignore-error-code", "not-whole", "unknown-policy-field"],
)  # fmt: skip
def test_policy_rules(write_repo: WriteRepo, policy: str, expected: str) -> None:
    assert found(write_repo, {ORG: ORG_YAML + policy}) == [expected]


def test_policy_is_read(write_repo: WriteRepo) -> None:
    policy = (
        "policy:\n  bands: {red: 0.3}\n  stale_after_days: 30\n"
        "  max_objectives: {team: 3}\n  krs_per_objective_at_org: [1, 4]\n  ignore: [OKR203]\n"
    )
    read = load(write_repo({**MINIMAL, ORG: ORG_YAML + policy})).repository.org.policy
    assert (read.bands.red, read.bands.green, read.stale_after_days) == (0.3, 0.7, 30)
    assert (read.max_objectives.team, read.max_objectives.org) == (3, 2)
    assert (read.krs_per_objective_at_org, read.ignore) == ((1, 4), frozenset({"OKR203"}))


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (PAYMENTS_YAML + PAYMENTS_YAML.replace("objectives:\n", ""), f"{PAYMENTS}:20:5 OKR106"),
        (kr_with("      - id: change-failure-rate", "      - id: lead-time"),
         f"{PAYMENTS}:13:9 OKR107"),
        (kr_with("target: 5", "target: 12"), f"{PAYMENTS}:12:17 OKR108"),
        (kr_with("        max: 5\n", ""), f"{PAYMENTS}:13:9 OKR109"),
        (kr_with("max: 5", "max: 5\n        min: 6"), f"{PAYMENTS}:20:14 OKR110"),
        (kr_with("target: 5", "target: 5\n        weight: 0"), f"{PAYMENTS}:13:17 OKR111"),
        (kr_with("target: 5", "target: 5\n        grade: 1.2"), f"{PAYMENTS}:13:16 OKR112"),
        (kr_with("    key_results:\n", "    key_results: []\n    old_key_results:\n"),
         f"{PAYMENTS}:5:18 OKR116"),
        (kr_with("        target: 5\n", ""), f"{PAYMENTS}:6:9 OKR011"),
    ],
    ids=["duplicate-objective", "duplicate-kr", "target-equals-baseline", "guardrail-no-bound",
         "min-above-max", "weight-zero", "grade-range", "no-key-results", "metric-no-target"],
)  # fmt: skip
def test_plan_rules(write_repo: WriteRepo, plan: str, expected: str) -> None:
    problems = found(write_repo, {PAYMENTS: plan})
    # A KR left out leaves its check-ins without a KR: OKR041 in the CSV, checked elsewhere.
    assert [p for p in problems if "OKR010" not in p and "OKR041" not in p] == [expected]


def test_quarter_starting_after_it_ends(write_repo: WriteRepo) -> None:
    quarter = "start: 2026-12-31\nend: 2026-10-01\n"
    assert found(write_repo, {"okrs/2026-Q4/quarter.yaml": quarter}) == [
        "okrs/2026-Q4/quarter.yaml:1:8 OKR113"
    ]


ALIGNED_PLATFORM = """\
objectives:
  - id: reliability
    title: Make the platform dependable
    domain: technical-health
    key_results:
      - id: uptime
        title: Raise availability from 99.5% to 99.9%
        owner: Ana Silva
        measurement: Status page
        baseline: 99.5
        target: 99.9
"""


@pytest.mark.parametrize(
    ("aligns_to", "expected"),
    [
        ("platform/reliability", []),
        ("platform/speed", [f"{PAYMENTS}:5:16 OKR114"]),
        ("nowhere/delivery", [f"{PAYMENTS}:5:16 OKR114"]),
        ("platform", [f"{PAYMENTS}:5:16 OKR114"]),
        ("eng/delivery", [f"{PAYMENTS}:5:16 OKR114"]),
        ("payments/delivery", [f"{PAYMENTS}:5:16 OKR115"]),
    ],
    ids=["ancestor", "no-such-objective", "no-such-unit", "malformed", "ancestor-no-plan", "self"],
)
def test_aligns_to(write_repo: WriteRepo, aligns_to: str, expected: list[str]) -> None:
    plan = kr_with("    domain: delivery\n", f"    domain: delivery\n    aligns_to: {aligns_to}\n")
    problems = found(write_repo, {PAYMENTS: plan, "okrs/2026-Q4/platform.yaml": ALIGNED_PLATFORM})
    assert problems == expected


def test_bad_aligns_to_is_dropped_from_the_model(write_repo: WriteRepo) -> None:
    plan = kr_with("    domain: delivery\n", "    domain: delivery\n    aligns_to: eng/x\n")
    loaded = load(write_repo({**MINIMAL, PAYMENTS: plan}))
    assert loaded.repository.quarters[0].plans[0].objectives[0].aligns_to is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("okrs/drafts/payments.yaml", "okrs/drafts OKR021"),
        ("okrs/2026-Q5/payments.yaml", "okrs/2026-Q5 OKR021"),
        ("okrs/2026-Q4/billing.yaml", "okrs/2026-Q4/billing.yaml OKR022"),
        ("okrs/2026-Q4/Payments.yaml", "okrs/2026-Q4/Payments.yaml OKR022"),
        ("okrs/2026-Q4/../x y.csv", "okrs/x y.csv OKR023"),
        ("okrs/2026-Q4/payments.yml", "okrs/2026-Q4/payments.yml OKR023"),
        ("okrs/2026-Q4/notes.md", "okrs/2026-Q4/notes.md OKR209"),
    ],
    ids=[
        "not-a-quarter",
        "quarter-five",
        "unknown-unit",
        "not-a-slug",
        "csv-in-okrs",
        "yml-suffix",
        "stray-markdown",
    ],
)
def test_layout(write_repo: WriteRepo, path: str, expected: str) -> None:
    assert found(write_repo, {path: "x: 1\n"}) == [expected]


def test_hidden_files_are_ignored(write_repo: WriteRepo) -> None:
    assert found(write_repo, {"okrs/2026-Q4/.gitkeep": "", "okrs/.DS_Store": ""}) == []


def test_missing_org_yaml(write_repo: WriteRepo) -> None:
    root = write_repo({"okrs/2026-Q4/quarter.yaml": ""})
    assert [f"{p.location} {p.code}" for p in load(root).problems] == [f"{ORG} OKR020"]


def test_plans_follow_org_order_and_quarters_sort_oldest_first(write_repo: WriteRepo) -> None:
    root = write_repo(
        {
            **MINIMAL,
            "okrs/2026-Q4/platform.yaml": ALIGNED_PLATFORM,
            "okrs/2026-Q3/payments.yaml": PAYMENTS_YAML,
        }
    )
    repository = load_valid(root)
    assert [q.id for q in repository.quarters] == ["2026-Q3", "2026-Q4"]
    assert [p.unit_id for p in repository.quarters[1].plans] == ["platform", "payments"]


def test_load_valid_raises_with_every_error(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, ORG: "name: [\n", PAYMENTS: "objectives: 3\n"})
    with pytest.raises(DataError) as raised:
        load_valid(root)
    assert [p.code for p in raised.value.problems] == ["OKR012", "OKR003"]
