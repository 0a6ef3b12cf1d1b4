"""A key result's `source:`: each kind read from the unit's YAML, and each mistake located."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from okrsite.load.repository import load
from okrsite.model.okrs import Repository
from okrsite.model.sources import CommandSource, GithubSource, JsonSource, PrometheusSource
from okrsite.score.history import score_all
from okrsite.site.pages.quarter import QuarterSite, quarter_pages
from tests.conftest import MINIMAL, PAYMENTS_YAML, WriteRepo

LEAD_TIME_END = "        target: 5\n"


def with_source(source: str) -> dict[str, str]:
    """MINIMAL with the lead-time KR given this `source:` block (YAML at the KR's indent)."""
    block = textwrap.indent(textwrap.dedent(source).strip("\n"), " " * 10)
    yaml = PAYMENTS_YAML.replace(LEAD_TIME_END, f"{LEAD_TIME_END}        source:\n{block}\n", 1)
    return {**MINIMAL, "okrs/2026-Q4/payments.yaml": yaml}


def lead_time_source(repository: Repository) -> object:
    """The lead-time KR's source as loaded."""
    (quarter,) = repository.quarters
    plan = quarter.plan("payments")
    assert plan is not None
    return plan.objectives[0].key_results[0].source


def problems(write_repo: WriteRepo, source: str) -> list[str]:
    """Each problem of the repository as `LINE CODE MESSAGE`."""
    loaded = load(write_repo(with_source(source)))
    return [f"{p.location.line} {p.code} {p.message}" for p in loaded.problems]


def test_each_kind_loads_with_its_defaults(write_repo: WriteRepo) -> None:
    cases = {
        """
        kind: github
        measure: deployment-frequency
        repositories: [acme/payments]
        environment: production
        """: GithubSource(
            measure="deployment-frequency",
            repositories=("acme/payments",),
            environment="production",
        ),
        """
        kind: prometheus
        url: https://prometheus.acme.example/
        query: sum(up)
        token_env: PROMETHEUS_TOKEN
        """: PrometheusSource(
            url="https://prometheus.acme.example/", query="sum(up)", token_env="PROMETHEUS_TOKEN"
        ),
        """
        kind: json
        path: exports/lag.json
        expression: max(tables[].lag)
        """: JsonSource(expression="max(tables[].lag)", path="exports/lag.json"),
        """
        kind: command
        command: [tools/count.sh, --days, "28"]
        timeout_seconds: 5
        """: CommandSource(command=("tools/count.sh", "--days", "28"), timeout_seconds=5.0),
    }
    for text, expected in cases.items():
        loaded = load(write_repo(with_source(text)))
        assert loaded.problems == ()
        source = lead_time_source(loaded.repository)
        # Locations differ by nothing but where the mapping starts: line 14 of the YAML.
        assert source == type(expected)(
            **{**expected.__dict__, "location": source.location}  # type: ignore[attr-defined]
        )
        assert source.location.line == 14  # type: ignore[attr-defined]


def test_a_github_source_has_every_setting(write_repo: WriteRepo) -> None:
    loaded = load(
        write_repo(
            with_source(
                """
                kind: github
                measure: time-to-restore
                repositories: [acme/api, acme/web]
                label: incident
                window_days: 14
                time_unit: days
                token_env: GH_READ_TOKEN
                api_url: https://github.acme.example/api/v3
                """
            )
        )
    )
    assert loaded.problems == ()
    source = lead_time_source(loaded.repository)
    assert isinstance(source, GithubSource)
    assert (source.repositories, source.window_days, source.time_unit) == (
        ("acme/api", "acme/web"),
        14,
        "days",
    )
    assert (source.token_env, source.api_url) == (
        "GH_READ_TOKEN",
        "https://github.acme.example/api/v3",
    )
    assert (source.failure_hours, source.environment) == (24.0, None)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "kind: gitlab\n",
            "14 OKR013 key result 'payments/delivery/lead-time' source: kind 'gitlab' is not one "
            "of "
            "github | prometheus | json | command; did you mean 'github'?",
        ),
        (
            "measure: lead-time\n",
            "14 OKR011 key result 'payments/delivery/lead-time' source: the required field 'kind' "
            "is "
            "missing",
        ),
        (
            "kind: prometheus\nurl: https://p.example/\nquery: up\nmeasure: lead-time\n",
            "17 OKR010 key result 'payments/delivery/lead-time' source: unknown field 'measure' "
            "(allowed: kind, url, query, token_env)",
        ),
        (
            "kind: prometheus\nurl: https://p.example/\nquery: up\ntoken_env: s3cr3t-value\n",
            # T5: the credential written in token_env is never repeated.
            "17 OKR019 key result 'payments/delivery/lead-time' source: token_env holds what "
            "looks like a token, not a variable name; write the name of the environment variable "
            "that holds the credential (upper-case letters, digits and _, e.g. GITHUB_TOKEN), "
            "never the credential itself",
        ),
        (
            "kind: json\nurl: https://bot:hunter2@stats.example/x.json\nexpression: a\n",
            "15 OKR019 key result 'payments/delivery/lead-time' source: url holds a user name or "
            "password; name an environment variable in token_env instead, so no credential is "
            "kept in the repository",
        ),
        (
            "kind: json\nurl: ftp://stats.example/x.json\nexpression: a\n",
            "15 OKR019 key result 'payments/delivery/lead-time' source: url "
            "'ftp://stats.example/x.json' "
            "must be an http(s) address",
        ),
        (
            "kind: json\npath: ../secrets.json\nexpression: a\n",
            "15 OKR019 key result 'payments/delivery/lead-time' source: path '../secrets.json' "
            "must be "
            "relative to the repository and stay inside it",
        ),
        (
            "kind: json\nexpression: a\n",
            "14 OKR019 key result 'payments/delivery/lead-time' source: give exactly one of path "
            "and url",
        ),
        (
            "kind: command\ncommand: [/usr/bin/curl, https://example.com]\n",
            "15 OKR019 key result 'payments/delivery/lead-time' source: the program "
            "'/usr/bin/curl' must "
            "be a path in the repository, relative to its root (e.g. scripts/incidents.sh)",
        ),
        (
            "kind: command\ncommand: tools/count.sh\n",
            "15 OKR012 key result 'payments/delivery/lead-time' source: command must be a list, "
            "not the "
            "text 'tools/count.sh'",
        ),
        (
            "kind: github\nmeasure: lead-time\nrepositories: [payments]\n",
            "16 OKR019 key result 'payments/delivery/lead-time' source: repository 'payments' "
            "must be "
            "written OWNER/NAME, e.g. northwind/payments",
        ),
        (
            "kind: github\nmeasure: deployment-frequency\nrepositories: [a/b]\n",
            "14 OKR019 key result 'payments/delivery/lead-time' source: measure "
            "deployment-frequency "
            "needs exactly one of environment (deployments) and workflow (runs)",
        ),
        (
            "kind: github\nmeasure: change-failure-rate\nrepositories: [a/b]\n"
            "environment: production\n",
            "14 OKR019 key result 'payments/delivery/lead-time' source: measure "
            "change-failure-rate "
            "needs environment (the deployments) and label (the incident issues)",
        ),
        (
            "kind: github\nmeasure: time-to-restore\nrepositories: [a/b]\nlabel: x\n"
            "window_days: 400\n",
            "18 OKR019 key result 'payments/delivery/lead-time' source: window_days must be 1 to "
            "366",
        ),
        (
            "kind: command\ncommand: [tools/x.sh]\ntimeout_seconds: 0\n",
            "16 OKR019 key result 'payments/delivery/lead-time' source: timeout_seconds must be "
            "above 0 "
            "and at most 600",
        ),
    ],
    ids=lambda value: value.split("\n")[0][:30] if value.startswith("kind") else "",
)
def test_a_source_that_cannot_be_used_is_a_located_error(
    write_repo: WriteRepo, source: str, expected: str
) -> None:
    assert problems(write_repo, source) == [expected]


def test_a_kr_with_a_broken_source_is_left_out_not_half_read(write_repo: WriteRepo) -> None:
    loaded = load(write_repo(with_source("kind: json\nexpression: a\n")))
    assert [p.code for p in loaded.problems] == ["OKR019"]
    (quarter,) = loaded.repository.quarters
    plan = quarter.plan("payments")
    assert plan is not None
    assert [kr.id for o in plan.objectives for kr in o.key_results] == ["change-failure-rate"]


def test_the_unit_page_says_where_a_value_is_collected_from(write_repo: WriteRepo) -> None:
    root = write_repo(
        with_source(
            """
            kind: github
            measure: lead-time
            repositories: [acme/payments]
            """
        )
    )
    repository = load(root).repository
    results = score_all(repository, None, date(2026, 11, 27))
    page = quarter_pages(QuarterSite(repository.org, results, "2026-Q4"))["units/payments.md"]
    assert (
        "**Measurement:** Deployment pipeline, median over merged changes · collected from "
        "GitHub (lead time)\n" in page
    )
    # The guardrail has no source: its measurement line says nothing more.
    assert "**Measurement:** Incident tracker\n" in page
