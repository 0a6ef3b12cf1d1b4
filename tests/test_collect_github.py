"""okrsite/collect/github.py against a fake GitHub on 127.0.0.1 (tests/fake_github.py): the four
DORA measures worked out by hand, pagination, pooling, and every failure as one line without the
token.

Every reading here is on 2026-11-19 with the default 28-day window, unless a test says otherwise:
the window runs from 2026-10-22T00:00:00Z up to, not including, 2026-11-19T00:00:00Z. The fake
serves at most 2 items a page, so the data below spans several pages.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from okrsite.collect import github as collect_github
from okrsite.collect.github import read_github
from okrsite.collect.readings import Reading, SourceContext, SourceError
from okrsite.model.sources import GithubMeasure, GithubSource
from tests.fake_github import (
    TOKEN,
    Canned,
    Deployment,
    FakeGithub,
    Issue,
    Pull,
    Repo,
    Run,
    closed_port_url,
    error_body,
    silent_server,
)
from tests.trust import ANY_HOST

DAY = date(2026, 11, 19)

# acme/shop, default branch main.
SHOP = Repo(
    "acme/shop",
    deployments=[
        Deployment(10, "2026-09-01T00:00:00Z"),  # long before: on page 5, never fetched
        Deployment(11, "2026-10-21T23:59:59Z"),  # a second before the window: out, paging stops
        Deployment(12, "2026-10-22T00:00:00Z"),  # exactly at the window's start: in
        Deployment(13, "2026-10-25T10:00:00Z", states=("success", "in_progress")),  # in
        Deployment(14, "2026-10-30T12:00:00Z", states=("failure", "success")),  # latest failed
        Deployment(15, "2026-11-05T09:00:00Z"),  # in
        Deployment(16, "2026-11-10T15:00:00Z", environment="staging"),  # another environment
        Deployment(17, "2026-11-12T08:00:00Z", states=()),  # no status yet: not successful
        Deployment(18, "2026-11-18T20:00:00Z"),  # in
        Deployment(19, "2026-11-19T00:00:00Z"),  # exactly at the window's end: out
    ],
    # So the successful deployments to production in the window are 12, 13, 15 and 18.
    workflows={
        "deploy.yml": [
            Run(101, "2026-10-21T12:00:00Z"),  # before the window
            Run(102, "2026-10-23T12:00:00Z"),  # in
            Run(103, "2026-10-24T12:00:00Z", conclusion="failure"),  # not successful
            Run(104, "2026-11-02T12:00:00Z", branch="feature-x"),  # not the default branch
            Run(105, "2026-11-03T12:00:00Z"),  # in
            Run(106, "2026-11-18T12:00:00Z"),  # in
            Run(107, "2026-11-19T00:00:00Z"),  # at the window's end: out
        ]
    },
    pulls=[
        # merged an hour before the window (updated after its start, so it is read): out
        Pull(101, "2026-10-22T01:00:00Z", "2026-10-21T23:00:00Z", ("2026-10-21T20:00:00Z",)),
        # first commit 10-22 10:00, merged 10-23 10:00: 24 hours
        Pull(
            102,
            "2026-10-23T11:00:00Z",
            "2026-10-23T10:00:00Z",
            ("2026-10-22T10:00:00Z", "2026-10-22T12:00:00Z"),
        ),
        # the earliest commit is listed second: 10-31 20:00 to 11-02 02:00, 30 hours
        Pull(
            103,
            "2026-11-02T03:00:00Z",
            "2026-11-02T02:00:00Z",
            ("2026-11-01T08:00:00Z", "2026-10-31T20:00:00Z"),
        ),
        Pull(104, "2026-11-05T00:00:00Z", None, ("2026-11-04T00:00:00Z",)),  # closed unmerged
        Pull(
            105,
            "2026-11-06T00:00:00Z",
            "2026-11-06T00:00:00Z",
            ("2026-11-05T00:00:00Z",),
            base="release",
        ),
        # 11-10 00:00 to 06:00: 6 hours
        Pull(106, "2026-11-10T07:00:00Z", "2026-11-10T06:00:00Z", ("2026-11-10T00:00:00Z",)),
        # 11-18 21:00 to 22:00: 1 hour
        Pull(111, "2026-11-18T22:00:00Z", "2026-11-18T22:00:00Z", ("2026-11-18T21:00:00Z",)),
        # merged exactly at the window's end: out
        Pull(107, "2026-11-19T00:00:00Z", "2026-11-19T00:00:00Z", ("2026-11-18T00:00:00Z",)),
        # last updated before the window: paging stops at 108 (page 4), 109 and 110 never read
        Pull(108, "2026-10-20T00:00:00Z", "2026-10-20T00:00:00Z", ("2026-10-19T00:00:00Z",)),
        Pull(109, "2026-10-01T00:00:00Z", "2026-10-01T00:00:00Z", ("2026-09-30T00:00:00Z",)),
        Pull(110, "2026-09-01T00:00:00Z", "2026-09-01T00:00:00Z", ("2026-08-31T00:00:00Z",)),
    ],
    issues=[
        # opened before deployment 12 (so not its failure), closed in the window: 2 hours
        Issue(200, "2026-10-21T23:00:00Z", "2026-10-22T01:00:00Z", "2026-10-22T01:00:00Z"),
        # 5 hours after deployment 12: its failure; 3 hours to close
        Issue(201, "2026-10-22T05:00:00Z", "2026-10-22T08:00:00Z", "2026-10-22T08:00:00Z"),
        # exactly 24 hours after deployment 13: not within; 2.5 hours to close
        Issue(202, "2026-10-26T10:00:00Z", "2026-10-26T12:30:00Z", "2026-10-26T12:30:00Z"),
        # a pull request with the label, an hour after deployment 15: not an incident
        Issue(
            203,
            "2026-11-05T10:00:00Z",
            "2026-11-05T11:00:00Z",
            "2026-11-05T11:00:00Z",
            pull_request=True,
        ),
        # an hour after deployment 18, but labelled bug only
        Issue(204, "2026-11-18T21:00:00Z", "2026-11-18T21:00:00Z", labels=("bug",)),
        # 5 hours after deployment 18, but after the window's end; still open
        Issue(205, "2026-11-19T01:00:00Z", "2026-11-19T01:00:00Z"),
        # closed exactly at the window's end: out
        Issue(207, "2026-11-10T00:00:00Z", "2026-11-19T00:00:00Z", "2026-11-19T00:00:00Z"),
        # closed before the window, updated in it (GitHub lists it since the start): out
        Issue(208, "2026-10-01T00:00:00Z", "2026-10-25T00:00:00Z", "2026-10-21T12:00:00Z"),
        # closed and last updated long before: not listed at all
        Issue(209, "2026-09-01T00:00:00Z", "2026-09-02T00:00:00Z", "2026-09-02T00:00:00Z"),
    ],
)

# acme/api, default branch trunk.
API = Repo(
    "acme/api",
    default_branch="trunk",
    deployments=[Deployment(21, "2026-11-01T00:00:00Z"), Deployment(22, "2026-11-15T06:00:00Z")],
    pulls=[
        # 11-11 00:00 to 11-12 12:00: 36 hours
        Pull(
            7,
            "2026-11-12T13:00:00Z",
            "2026-11-12T12:00:00Z",
            ("2026-11-11T00:00:00Z",),
            base="trunk",
        ),
        # into main, which is not acme/api's default branch: out
        Pull(8, "2026-11-13T00:00:00Z", "2026-11-13T00:00:00Z", ("2026-11-12T00:00:00Z",)),
    ],
    # 1.5 hours after deployment 22: its failure; 1.5 hours to close
    issues=[Issue(31, "2026-11-15T07:30:00Z", "2026-11-15T09:00:00Z", "2026-11-15T09:00:00Z")],
)

QUIET = Repo("acme/quiet")  # nothing at all


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """No quarter-second gap between requests: the fake needs no gentleness."""
    monkeypatch.setattr(collect_github, "PACING_SECONDS", None)


@pytest.fixture
def fake() -> Iterator[FakeGithub]:
    """The fake GitHub with acme/shop, acme/api and acme/quiet, two items a page."""
    server = FakeGithub()
    server.page_size = 2
    server.add(SHOP, API, QUIET)
    server.start()
    yield server
    server.stop()


def source(
    api_url: str,
    measure: GithubMeasure,
    *repositories: str,
    environment: str | None = None,
    workflow: str | None = None,
    label: str | None = None,
    window_days: int = 28,
    token_env: str = "GITHUB_TOKEN",
) -> GithubSource:
    """A source on the fake (acme/shop unless repositories are given)."""
    return GithubSource(
        measure=measure,
        repositories=repositories or ("acme/shop",),
        window_days=window_days,
        environment=environment,
        workflow=workflow,
        label=label,
        token_env=token_env,
        api_url=api_url,
    )


def context(
    token: str | None = TOKEN, day: date = DAY, timeout: float = 5.0, name: str = "GITHUB_TOKEN"
) -> SourceContext:
    """A check-in on `day` with the token in the environment."""
    env = {} if token is None else {name: token}
    return SourceContext(root=Path("."), day=day, env=env, timeout=timeout, settings=ANY_HOST)


def fails(github_source: GithubSource, ctx: SourceContext | None = None) -> str:
    """The one-line message of the SourceError the read raises, which never holds the token."""
    with pytest.raises(SourceError) as caught:
        read_github(github_source, ctx or context())
    message = str(caught.value)
    assert "\n" not in message
    assert TOKEN not in message
    # No chained traceback: nothing caused it, or the cause is suppressed.
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    return message


def pages(fake: FakeGithub, path: str) -> list[int]:
    """The pages of path requested, in order."""
    return [int(r.query.get("page", "1")) for r in fake.requests if r.path == path]


# deployment-frequency


def test_deployment_frequency_counts_successful_deployments_in_the_window(fake: FakeGithub) -> None:
    # 12 (at the start), 13 (latest status success), 15, 18: 4 deployments; not 11 (before),
    # 14 (latest failure), 16 (staging), 17 (no status), 19 (at the end).
    # 4 / (28 / 7) = 1 a week
    reading = read_github(
        source(fake.api_url, "deployment-frequency", environment="production"), context()
    )
    assert reading == Reading(1.0, "github: 4 deployments to production in 28 days (1 a week)")
    deployments = "/repos/acme/shop/deployments"
    assert pages(fake, deployments) == [1, 2, 3, 4]  # stops at 11, on page 4
    assert all(
        r.query["environment"] == "production" for r in fake.requests if r.path == deployments
    )
    # Statuses only for the deployments in the window, and only the latest one each.
    statuses = sorted(
        int(p.split("/")[5]) for p in (r.path for r in fake.requests) if p.endswith("/statuses")
    )
    assert statuses == [12, 13, 14, 15, 17, 18]
    assert all(r.query["per_page"] == "1" for r in fake.requests if r.path.endswith("/statuses"))
    assert {r.authorization for r in fake.requests} == {f"token {TOKEN}"}


def test_deployment_frequency_pools_repositories(fake: FakeGithub) -> None:
    # acme/shop 4 + acme/api 2 (21, 22) = 6; 6 / 4 = 1.5 a week
    github_source = source(
        fake.api_url, "deployment-frequency", "acme/shop", "acme/api", environment="production"
    )
    assert read_github(github_source, context()) == Reading(
        1.5, "github: 6 deployments to production in 28 days across 2 repositories (1.5 a week)"
    )


def test_deployment_frequency_of_a_workflow(fake: FakeGithub) -> None:
    # Successful runs on main in the window: 102, 105, 106 = 3 (101 before, 103 failed,
    # 104 on feature-x, 107 at the end); 3 / 4 = 0.75 a week
    reading = read_github(
        source(fake.api_url, "deployment-frequency", workflow="deploy.yml"), context()
    )
    assert reading == Reading(
        0.75,
        "github: 3 successful runs of deploy.yml on the default branch in 28 days (0.75 a week)",
    )
    runs = [r for r in fake.requests if r.path.endswith("/runs")]
    assert runs[0].path == "/repos/acme/shop/actions/workflows/deploy.yml/runs"
    assert all(r.query["branch"] == "main" and r.query["status"] == "success" for r in runs)
    assert [int(r.query.get("page", "1")) for r in runs] == [1, 2, 3]  # 101 is on page 3


def test_deployment_frequency_of_none_is_zero(fake: FakeGithub) -> None:
    reading = read_github(
        source(fake.api_url, "deployment-frequency", "acme/quiet", environment="production"),
        context(),
    )
    assert reading == Reading(0.0, "github: 0 deployments to production in 28 days (0 a week)")


def test_deployment_frequency_over_a_week(fake: FakeGithub) -> None:
    # 2026-11-12 to 2026-11-19: 18 only (17 has no status, 19 is at the end); 1 / (7 / 7) = 1
    github_source = source(
        fake.api_url, "deployment-frequency", environment="production", window_days=7
    )
    assert read_github(github_source, context()) == Reading(
        1.0, "github: 1 deployment to production in 7 days (1 a week)"
    )


@pytest.mark.parametrize(("environment", "workflow"), [(None, None), ("production", "deploy.yml")])
def test_deployment_frequency_needs_one_of_environment_and_workflow(
    fake: FakeGithub, environment: str | None, workflow: str | None
) -> None:
    github_source = source(
        fake.api_url, "deployment-frequency", environment=environment, workflow=workflow
    )
    assert (
        fails(github_source) == "deployment-frequency needs exactly one of environment and workflow"
    )
    assert fake.requests == []


# lead-time


def test_lead_time_median_of_an_even_count(fake: FakeGithub) -> None:
    # Merged into main in the window: 111 (1 h), 106 (6 h), 103 (30 h), 102 (24 h); not 101
    # (merged before), 104 (unmerged), 105 (into release), 107 (at the end).
    # Sorted 1, 6, 24, 30: the median is (6 + 24) / 2 = 15 hours.
    reading = read_github(source(fake.api_url, "lead-time"), context())
    assert reading == Reading(
        15.0,
        "github: median 15 hours from first commit to merge (lead time to merge; "
        "not to production) over 4 pull requests in 28 days",
    )
    pulls = [r for r in fake.requests if r.path == "/repos/acme/shop/pulls"]
    assert [int(r.query.get("page", "1")) for r in pulls] == [1, 2, 3, 4]  # stops at 108
    first = pulls[0].query
    assert (first["state"], first["base"], first["sort"], first["direction"]) == (
        "closed",
        "main",
        "updated",
        "desc",
    )
    commits = sorted(
        int(r.path.split("/")[5]) for r in fake.requests if r.path.endswith("/commits")
    )
    assert commits == [102, 103, 106, 111]  # only the pull requests that count


def test_lead_time_pools_repositories_each_on_its_default_branch(fake: FakeGithub) -> None:
    # acme/api adds 7 (36 h, into trunk), not 8 (into main). Sorted 1, 6, 24, 30, 36: median 24.
    reading = read_github(source(fake.api_url, "lead-time", "acme/shop", "acme/api"), context())
    assert reading == Reading(
        24.0,
        "github: median 24 hours from first commit to merge (lead time to merge; "
        "not to production) over 5 pull requests in 28 days across 2 repositories",
    )
    assert {r.query["base"] for r in fake.requests if r.path == "/repos/acme/api/pulls"} == {
        "trunk"
    }


def test_lead_time_in_days_for_a_kr_kept_in_days(fake: FakeGithub) -> None:
    # The same four pull requests as above: a median of 15 hours is 15 / 24 = 0.625 days.
    reading = read_github(replace(source(fake.api_url, "lead-time"), time_unit="days"), context())
    assert reading == Reading(
        0.625,
        "github: median 0.62 days from first commit to merge (lead time to merge; "
        "not to production) over 4 pull requests in 28 days",
    )


def test_lead_time_to_deployment(fake: FakeGithub) -> None:
    # The successful deployments to production in the window: 10-22 00:00, 10-25 10:00,
    # 11-05 09:00, 11-18 20:00.
    # 102: 10-22 10:00 to 10-25 10:00 = 72 h; 103: 10-31 20:00 to 11-05 09:00 = 109 h;
    # 106: 11-10 00:00 to 11-18 20:00 = 212 h (11-12's deployment has no status);
    # 111, merged 11-18 22:00, has none before the end (19's is at it): left out.
    # Sorted 72, 109, 212: the median is 109 hours.
    reading = read_github(source(fake.api_url, "lead-time", environment="production"), context())
    assert reading == Reading(
        109.0,
        "github: median 109 hours from first commit to the first successful deployment to "
        "production over 3 pull requests in 28 days",
    )
    commits = sorted(
        int(r.path.split("/")[5]) for r in fake.requests if r.path.endswith("/commits")
    )
    assert commits == [102, 103, 106]


def test_lead_time_keeps_fractions(fake: FakeGithub) -> None:
    # The only PR, 7: 11-11 00:00:00 to 11-12 12:00:00 less a second, 35.999722… hours
    api = Repo(
        "acme/odd",
        default_branch="trunk",
        pulls=[
            Pull(
                7,
                "2026-11-12T13:00:00Z",
                "2026-11-12T11:59:59Z",
                ("2026-11-11T00:00:00Z",),
                base="trunk",
            )
        ],
    )
    fake.add(api)
    reading = read_github(source(fake.api_url, "lead-time", "acme/odd"), context())
    assert reading == Reading(
        35.999722,
        "github: median 36 hours from first commit to merge (lead time to merge; "
        "not to production) over 1 pull request in 28 days",
    )


def test_lead_time_with_nothing_merged(fake: FakeGithub) -> None:
    assert fails(source(fake.api_url, "lead-time", "acme/quiet")) == (
        "no pull request merged into the default branch in the 28 days before 2026-11-19"
    )


def test_lead_time_with_nothing_deployed(fake: FakeGithub) -> None:
    # 2026-11-18 to 2026-11-19: 111 is merged at 22:00, but no deployment follows before the end.
    github_source = source(fake.api_url, "lead-time", environment="production", window_days=1)
    assert fails(github_source) == (
        "no pull request merged into the default branch and then deployed to production "
        "in the 1 day before 2026-11-19"
    )


# change-failure-rate


def test_change_failure_rate(fake: FakeGithub) -> None:
    # Deployments 12, 13, 15, 18. 12 failed (issue 201, 5 hours after). Not 13 (202 is exactly
    # 24 hours after), 15 (203 is a pull request), 18 (204 is labelled bug, 205 opened after the
    # window's end). 1 of 4 = 25 %.
    github_source = source(
        fake.api_url, "change-failure-rate", environment="production", label="incident"
    )
    assert read_github(github_source, context()) == Reading(
        25.0,
        "github: 1 of 4 deployments to production followed by an incident within 24 hours (25 %)",
    )
    issues = [r for r in fake.requests if r.path == "/repos/acme/shop/issues"]
    assert [int(r.query.get("page", "1")) for r in issues] == [1, 2, 3, 4]  # 7 issues, all read
    assert issues[0].query == {
        "labels": "incident",
        "state": "all",
        "since": "2026-10-22T00:00:00Z",
        "per_page": "100",
    }


def test_change_failure_rate_pools_repositories(fake: FakeGithub) -> None:
    # acme/api: 21 and 22, 22 failed (issue 31 an hour and a half after). 2 of 6 = 33.333333 %
    github_source = source(
        fake.api_url,
        "change-failure-rate",
        "acme/shop",
        "acme/api",
        environment="production",
        label="incident",
    )
    assert read_github(github_source, context()) == Reading(
        33.333333,
        "github: 2 of 6 deployments to production across 2 repositories followed by an incident "
        "within 24 hours (33.33 %)",
    )


def test_change_failure_rate_with_a_longer_failure_window(fake: FakeGithub) -> None:
    # Within 25 hours 202 (24 hours after 13) counts too: 2 of 4 = 50 %.
    github_source = GithubSource(
        measure="change-failure-rate",
        repositories=("acme/shop",),
        environment="production",
        label="incident",
        failure_hours=25,
        api_url=fake.api_url,
    )
    assert read_github(github_source, context()) == Reading(
        50.0,
        "github: 2 of 4 deployments to production followed by an incident within 25 hours (50 %)",
    )


def test_change_failure_rate_without_deployments(fake: FakeGithub) -> None:
    github_source = source(
        fake.api_url,
        "change-failure-rate",
        "acme/quiet",
        environment="production",
        label="incident",
    )
    assert fails(github_source) == (
        "no successful deployment to production in the 28 days before 2026-11-19"
    )


@pytest.mark.parametrize(("environment", "label"), [("production", None), (None, "incident")])
def test_change_failure_rate_needs_environment_and_label(
    fake: FakeGithub, environment: str | None, label: str | None
) -> None:
    github_source = source(
        fake.api_url, "change-failure-rate", environment=environment, label=label
    )
    assert fails(github_source) == "change-failure-rate needs both environment and label"


# time-to-restore


def test_time_to_restore_median_of_an_odd_count(fake: FakeGithub) -> None:
    # Closed in the window: 200 (2 h, opened before the window), 201 (3 h), 202 (2.5 h); not 203
    # (a pull request), 205 (open), 207 (closed at the end), 208 (closed before the window).
    # Sorted 2, 2.5, 3: the median is 2.5 hours.
    reading = read_github(source(fake.api_url, "time-to-restore", label="incident"), context())
    assert reading == Reading(
        2.5, "github: median 2.5 hours to close over 3 incidents closed in 28 days"
    )
    issues = [r for r in fake.requests if r.path == "/repos/acme/shop/issues"]
    assert [int(r.query.get("page", "1")) for r in issues] == [1, 2, 3]  # 6 closed, all read
    assert issues[0].query["state"] == "closed"


def test_time_to_restore_pools_repositories(fake: FakeGithub) -> None:
    # acme/api adds 31 (1.5 h). Sorted 1.5, 2, 2.5, 3: the median is (2 + 2.5) / 2 = 2.25 hours.
    github_source = source(
        fake.api_url, "time-to-restore", "acme/shop", "acme/api", label="incident"
    )
    assert read_github(github_source, context()) == Reading(
        2.25,
        "github: median 2.25 hours to close over 4 incidents closed in 28 days "
        "across 2 repositories",
    )


def test_time_to_restore_with_an_empty_window(fake: FakeGithub) -> None:
    # 2026-08-25 to 2026-09-01: 209 was closed on 09-02.
    github_source = source(fake.api_url, "time-to-restore", label="incident", window_days=7)
    assert fails(github_source, context(day=date(2026, 9, 1))) == (
        "no issue labelled incident closed in the 7 days before 2026-09-01"
    )


def test_time_to_restore_needs_a_label(fake: FakeGithub) -> None:
    assert fails(source(fake.api_url, "time-to-restore")) == "time-to-restore needs label"


# the token


@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "ACME_GH_TOKEN"])
def test_a_missing_token_names_the_variable(fake: FakeGithub, name: str) -> None:
    github_source = source(fake.api_url, "time-to-restore", label="incident", token_env=name)
    message = f"no token: the environment variable {name} is not set or empty"
    assert fails(github_source, context(token=None, name=name)) == message
    assert fails(github_source, context(token="", name=name)) == message
    assert fake.requests == []


def test_a_token_that_cannot_be_a_header(fake: FakeGithub) -> None:
    github_source = source(fake.api_url, "lead-time")
    assert fails(github_source, context(token=f"{TOKEN}\nX-Evil: 1")) == (
        "the token in GITHUB_TOKEN has spaces or control characters"
    )
    assert fake.requests == []


def test_the_token_comes_from_the_named_variable(fake: FakeGithub) -> None:
    github_source = source(
        fake.api_url, "time-to-restore", label="incident", token_env="ACME_GH_TOKEN"
    )
    reading = read_github(github_source, context(token=f" {TOKEN}\n", name="ACME_GH_TOKEN"))
    assert reading.value == 2.5  # and the line break read from a file is dropped


def test_bad_credentials(fake: FakeGithub) -> None:
    wrong = "ghp_not-the-right-token-0000"
    with pytest.raises(SourceError) as caught:
        read_github(source(fake.api_url, "lead-time"), context(token=wrong))
    assert str(caught.value) == (
        f"bad credentials: {fake.api_url} refused the token in GITHUB_TOKEN (401)"
    )
    assert wrong not in str(caught.value)


def test_a_token_echoed_by_the_server_is_never_shown(fake: FakeGithub) -> None:
    # A proxy that repeats the request's headers in its error: the message keeps the reason only.
    fake.queue(
        r"/repos/acme/shop/deployments",
        Canned(403, error_body(f"Forbidden: Authorization: token {TOKEN}", 403)),
    )
    message = fails(source(fake.api_url, "deployment-frequency", environment="production"))
    assert message == (
        "permission denied (403) for GET /repos/acme/shop/deployments: Forbidden: "
        "Authorization: token ***; the token in GITHUB_TOKEN needs the Deployments: read "
        "permission on acme/shop"
    )


def test_no_part_of_an_echoed_token_shows_where_the_message_is_cut(fake: FakeGithub) -> None:
    # GitHub's message is cut at 200 characters; the token comes out first, not after the cut.
    echoed = "Forbidden: " + "x" * 170 + f" token {TOKEN} sent"
    fake.queue(r"/repos/acme/shop/pulls", Canned(403, error_body(echoed, 403)))
    message = fails(source(fake.api_url, "lead-time"))
    assert f"Forbidden: {'x' * 170} token *** sent; the token in GITHUB_TOKEN" in message
    assert TOKEN[:8] not in message


def test_control_characters_in_githubs_message_are_escaped(fake: FakeGithub) -> None:
    fake.queue(r"/repos/acme/shop/pulls", Canned(403, error_body("Denied\x1b[2J\u202eevil", 403)))
    assert fails(source(fake.api_url, "lead-time")) == (
        "permission denied (403) for GET /repos/acme/shop/pulls: Denied\\x1b[2J\\u202eevil; the "
        "token in GITHUB_TOKEN needs the Pull requests: read permission on acme/shop"
    )


# HTTP errors


def test_forbidden_names_the_permission(fake: FakeGithub) -> None:
    fake.queue(
        r"/repos/acme/shop/pulls",
        Canned(403, error_body("Resource not accessible by personal access token", 403)),
    )
    assert fails(source(fake.api_url, "lead-time")) == (
        "permission denied (403) for GET /repos/acme/shop/pulls: Resource not accessible "
        "by personal access token; the token in GITHUB_TOKEN needs the Pull requests: read "
        "permission on acme/shop"
    )


def test_forbidden_on_a_later_page(fake: FakeGithub) -> None:
    # Page 1 of the issues is served, page 2 refused: the error names the list, not the page.
    fake.queue(
        r"/repos/acme/shop/issues", Canned(403, error_body("Must have push access", 403)), page=2
    )
    assert fails(source(fake.api_url, "time-to-restore", label="incident")) == (
        "permission denied (403) for GET /repos/acme/shop/issues: Must have push access; "
        "the token in GITHUB_TOKEN needs the Issues: read permission on acme/shop"
    )
    assert pages(fake, "/repos/acme/shop/issues") == [1, 2]


def test_rate_limit_exhausted_says_when_it_resets(fake: FakeGithub) -> None:
    fake.rate_remaining = 0  # reset at 1795050000
    assert fails(source(fake.api_url, "lead-time")) == (
        "API rate limit exhausted (reading acme/shop); it resets at 2026-11-19T01:00:00Z"
    )


def test_rate_limit_exhausted_with_429(fake: FakeGithub) -> None:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795053600"}
    fake.queue(
        r"/repos/acme/shop/pulls", Canned(429, error_body("API rate limit exceeded", 429), headers)
    )
    assert fails(source(fake.api_url, "lead-time")) == (
        "API rate limit exhausted (reading acme/shop); it resets at 2026-11-19T02:00:00Z"
    )


def test_secondary_rate_limit(fake: FakeGithub) -> None:
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    )
    fake.queue(r"/repos/acme/shop", Canned(403, error_body(message, 403), {"Retry-After": "60"}))
    started = time.monotonic()
    assert fails(source(fake.api_url, "lead-time")) == (
        "secondary rate limit hit (reading acme/shop); retry after 60 seconds"
    )
    assert time.monotonic() - started < 5  # never waits out Retry-After


def test_a_missing_repository(fake: FakeGithub) -> None:
    assert fails(source(fake.api_url, "lead-time", "acme/shop", "acme/gone")) == (
        f"repository acme/gone not found at {fake.api_url} (or the token in "
        "GITHUB_TOKEN cannot see it)"
    )


def test_a_missing_workflow(fake: FakeGithub) -> None:
    assert fails(source(fake.api_url, "deployment-frequency", workflow="missing.yml")) == (
        "workflow missing.yml not found in acme/shop"
    )


def test_a_server_error_is_retried(fake: FakeGithub) -> None:
    fake.queue(r"/repos/acme/shop", Canned(500, error_body("Server Error", 500)))
    reading = read_github(
        source(fake.api_url, "deployment-frequency", environment="production"), context()
    )
    assert reading.value == 1.0
    assert [r.path for r in fake.requests[:2]] == ["/repos/acme/shop", "/repos/acme/shop"]


def test_a_server_error_that_persists(fake: FakeGithub) -> None:
    # Three 502s: the first answer and two retries (backoff 0 s, then 0.5 s), then the error.
    fake.queue(r"/repos/acme/shop", *[Canned(502, "<html>Bad gateway</html>")] * 3)
    started = time.monotonic()
    assert fails(source(fake.api_url, "lead-time")) == (
        "server error 502 for GET /repos/acme/shop (after 2 retries)"
    )
    assert time.monotonic() - started < 3
    assert len(fake.requests) == 3


def test_a_server_that_never_answers() -> None:
    # 0.5 s is rounded up to PyGithub's whole second; one retry after a timeout: about 2 s.
    with silent_server() as url:
        started = time.monotonic()
        message = fails(source(url, "lead-time"), context(timeout=0.5))
        elapsed = time.monotonic() - started
    assert message == f"no answer from {url} to GET /repos/acme/shop within 1 s"
    assert elapsed < 5


def test_a_server_that_is_not_there() -> None:
    url = closed_port_url()
    assert fails(source(url, "lead-time")) == f"cannot connect to {url} (GET /repos/acme/shop)"


# malformed answers


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        (r"/repos/acme/shop", "<html>Sign in</html>", "GET /repos/acme/shop: not JSON"),
        (r"/repos/acme/shop", '{"id": 1, "default_branch"', "GET /repos/acme/shop: not JSON"),
        (
            r"/repos/acme/shop",
            '{"id": 1}',
            "GET /repos/acme/shop: an object has no string 'default_branch'",
        ),
        (
            r"/repos/acme/shop/pulls",
            '{"message": "ok"}',
            "GET /repos/acme/shop/pulls: expected JSON objects",
        ),
        (r"/repos/acme/shop/pulls", "42", "GET /repos/acme/shop/pulls"),
        (
            r"/repos/acme/shop/pulls",
            '[{"number": 5, "merged_at": null}]',
            "GET /repos/acme/shop/pulls: an object has no 'updated_at'",
        ),
        (
            r"/repos/acme/shop/pulls",
            '[{"number": 5, "updated_at": "yesterday", "merged_at": null}]',
            "GET /repos/acme/shop/pulls: 'updated_at' is not an ISO 8601 time: 'yesterday'",
        ),
        (
            r"/repos/acme/shop/pulls/\d+/commits",
            '[{"sha": "abc", "commit": {"message": "x"}}]',
            "GET /repos/acme/shop/pulls/111/commits: an object has no object 'author'",
        ),
    ],
)
def test_a_malformed_answer(fake: FakeGithub, path: str, body: str, detail: str) -> None:
    fake.queue(path, Canned(200, body))
    assert fails(source(fake.api_url, "lead-time")) == f"malformed answer to {detail}"


def test_a_malformed_workflow_runs_answer(fake: FakeGithub) -> None:
    # An object without "workflow_runs".
    fake.queue(
        r"/repos/acme/shop/actions/workflows/deploy.yml/runs", Canned(200, '{"total_count": 1}')
    )
    assert fails(source(fake.api_url, "deployment-frequency", workflow="deploy.yml")) == (
        "malformed answer to GET /repos/acme/shop/actions/workflows/deploy.yml/runs: "
        "expected JSON objects"
    )


# DORA as DORA defines it

# acme/web, default branch main: deployments to staging, where GitHub marks each earlier
# successful deployment inactive once a newer one succeeds, and one to production just before the
# window's end.
WEB = Repo(
    "acme/web",
    deployments=[
        Deployment(41, "2026-11-01T00:00:00Z", "staging", ("inactive", "success")),  # succeeded
        Deployment(42, "2026-11-03T00:00:00Z", "staging", ("inactive",)),  # never succeeded
        Deployment(43, "2026-11-05T00:00:00Z", "staging", ("inactive", "failure")),  # failed
        Deployment(44, "2026-11-08T00:00:00Z", "staging", ("inactive", "in_progress", "success")),
        Deployment(45, "2026-11-10T00:00:00Z", "staging"),  # the latest: success
        Deployment(51, "2026-11-18T22:00:00Z"),  # production, two hours before the window's end
    ],
    pulls=[
        # first commit 11-09 00:00, merged 11-09 12:00, deployed to staging 11-10 00:00
        Pull(61, "2026-11-09T12:00:00Z", "2026-11-09T12:00:00Z", ("2026-11-09T00:00:00Z",)),
    ],
    # an hour after the window's end, three hours after deployment 51
    issues=[Issue(71, "2026-11-19T01:00:00Z", "2026-11-19T01:00:00Z")],
)


def test_an_inactive_deployment_that_succeeded_counts(fake: FakeGithub) -> None:
    """A deployment GitHub marked inactive after it succeeded (a newer one succeeded) is a
    successful deployment: 41, 44 and 45; not 42 (inactive, never successful) nor 43 (failed).
    3 / 4 = 0.75 a week."""
    fake.add(WEB)
    github_source = source(fake.api_url, "deployment-frequency", "acme/web", environment="staging")
    assert read_github(github_source, context()) == Reading(
        0.75, "github: 3 deployments to staging in 28 days (0.75 a week)"
    )
    # The latest status for each; the whole history only for those whose latest is inactive
    # (44's on two pages of the fake's two items).
    histories = sorted(
        int(r.path.split("/")[5])
        for r in fake.requests
        if r.path.endswith("/statuses") and r.query.get("per_page") != "1"
    )
    assert histories == [41, 42, 43, 44, 44]


def test_lead_time_without_environment_is_named_lead_time_to_merge(fake: FakeGithub) -> None:
    """Without environment the reading stops at the merge, and its note says so rather than
    passing for DORA's lead time for changes; with environment it runs to the deployment."""
    fake.add(WEB)
    to_merge = read_github(source(fake.api_url, "lead-time", "acme/web"), context())
    assert to_merge == Reading(
        12.0,
        "github: median 12 hours from first commit to merge (lead time to merge; not to "
        "production) over 1 pull request in 28 days",
    )
    to_staging = read_github(
        source(fake.api_url, "lead-time", "acme/web", environment="staging"), context()
    )
    assert to_staging == Reading(
        24.0,
        "github: median 24 hours from first commit to the first successful deployment to staging "
        "over 1 pull request in 28 days",
    )


def test_an_incident_after_the_windows_end_never_fails_its_deployment(fake: FakeGithub) -> None:
    """As the Help says (Collecting values): a deployment in the window's last failure_hours whose
    incident is opened after the window's end counts as a success in that window's reading,
    however late it is read; no later window holds the deployment."""
    fake.add(WEB)
    github_source = source(
        fake.api_url,
        "change-failure-rate",
        "acme/web",
        environment="production",
        label="incident",
    )
    assert read_github(github_source, context()) == Reading(
        0.0, "github: 0 of 1 deployment to production followed by an incident within 24 hours (0 %)"
    )
