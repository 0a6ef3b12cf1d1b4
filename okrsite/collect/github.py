"""DORA's four key measures of software delivery, read from GitHub's REST API with PyGithub.

Definitions, after DORA's. All times are UTC. The window is the `window_days` whole days before
the check-in date: from 00:00 UTC on (check-in date − window_days) up to, not including, 00:00
UTC on the check-in date; an item exactly at the window's end belongs to the next check-in.
Nothing after the window's end counts, so a value read later is the same as one read on the day.
With several repositories, counts are summed and medians are taken over the pooled values. The
median is the middle value of the sorted values, the mean of the two middle ones for an even
count; with no values there is no median, and the reading fails saying nothing was in the window.

- deployment-frequency: successful deployments per week, count / (window_days / 7). With
  `environment`: the deployments to that environment created in the window that succeeded:
  whose latest status (the first one GitHub lists) is "success", or "inactive" over an earlier
  "success" (GitHub marks an environment's earlier successful deployments inactive when a newer
  one succeeds, by default outside production). With `workflow` instead: the successful runs of
  that workflow file on the repository's default branch created in the window. Exactly one of the
  two must be given. No deployment in the window is a frequency of 0.
- lead-time: the median, in hours (in days with `time_unit: days`), from a pull request's first
  commit (the earliest author date among its commits) to its merge, over the pull requests
  merged into the default branch in the window. With `environment`: to the first successful
  deployment to that environment created at or after the merge instead; a pull request with no
  such deployment before the window's end is left out. Only that is DORA's lead time for changes
  (commit to running in production); without `environment` it is lead time to merge, and the
  note says so.
- change-failure-rate: the percentage of the window's successful deployments to `environment`
  (as above) followed by at least one issue labelled `label` opened within `failure_hours` after
  the deployment was created (at or after its creation, before creation + failure_hours, and
  before the window's end). Pull requests with the label are not incidents. Needs environment
  and label; no deployment in the window is an error, not a rate. An incident opened after the
  window's end never counts, so a deployment in the window's last `failure_hours` that failed
  after the end counts as a success: the rate of a window read on its last day can be low, and
  stays so (the next window does not count the deployment either).
- time-to-restore: the median, in hours (in days with `time_unit: days`), from an issue's
  creation to its closing, over the issues labelled `label` (not pull requests) closed in the
  window. Needs label.

Values are rounded to 6 decimals only to drop float noise; notes show at most 2 decimals.

The token comes only from the environment variable the source names; no message names its value.
"""

from __future__ import annotations

import json
import math
import statistics
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import github
import requests
from github.GithubException import (
    BadAttributeException,
    GithubException,
    RateLimitExceededException,
)
from github.GithubObject import NonCompletableGithubObject
from github.PaginatedList import PaginatedList
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    Requester,
)
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
)

from okrsite.collect.http import GuardedAdapter, Refusal, retry_policy
from okrsite.collect.readings import MESSAGE_LIMIT, Reading, SourceContext, SourceError
from okrsite.collect.redact import redact
from okrsite.model.problems import one_line
from okrsite.model.sources import GithubSource

PACING_SECONDS: float | None = 0.25
"""PyGithub's default gap between two requests, kept: GitHub asks clients to go gently (secondary
rate limits). The tests set it to None."""

RETRIES = 2
"""Retries of one request after a connection error or a 5xx answer: enough for a blip, few enough
that a dead server fails in seconds."""

READ_RETRIES = 1
"""Of those, retries after a timeout or a dropped connection: each timeout waits the whole timeout
again, but the client keeps connections alive across many requests, and GitHub may close one."""

RETRIED_STATUSES = (500, 502, 503, 504)
"""GitHub's 500 "Server Error" passes too, so it is retried here (the Prometheus and JSON sources
retry only 502/503/504: collect/http.py's RETRY_STATUSES)."""

PER_PAGE = 100  # GitHub's largest page

# The permissions a fine-grained token needs for each kind of request, named in 403 messages.
METADATA = "Metadata: read"
DEPLOYMENTS = "Deployments: read"
ACTIONS = "Actions: read"
PULL_REQUESTS = "Pull requests: read"
ISSUES = "Issues: read"


@dataclass(frozen=True)
class _Window:
    """The window_days whole UTC days before the check-in date."""

    start: datetime
    end: datetime
    days: int

    def __contains__(self, moment: datetime) -> bool:
        """Whether moment is at or after the start and before the end."""
        return self.start <= moment < self.end

    def nothing(self, what: str) -> SourceError:
        """The error for an empty window, e.g. "no pull request merged ... before 2026-11-19"."""
        return SourceError(
            f"no {what} in the {_count(self.days, 'day')} before {self.end:%Y-%m-%d}"
        )


class _Item(NonCompletableGithubObject):
    """One JSON value of a list exactly as GitHub sent it (PyGithub's typed objects would fetch
    every field a list item lacks, one request per item, e.g. an issue's pull_request)."""

    def _initAttributes(self) -> None:
        """No typed attributes: raw_data is the item."""

    def _useAttributes(self, attributes: Any) -> None:
        """No typed attributes: raw_data is the item."""


@dataclass(frozen=True)
class _Record:
    """One JSON object from GitHub and the request it came from, to name in errors."""

    where: str  # e.g. "GET /repos/acme/shop/deployments"
    data: Mapping[str, Any]

    def malformed(self, detail: str) -> SourceError:
        """The error for an answer without what GitHub documents."""
        return SourceError(f"malformed answer to {self.where}: {detail}")

    def has(self, key: str) -> bool:
        """Whether the object has `key`, even null."""
        return key in self.data

    def number(self, key: str) -> int:
        """An integer field."""
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.malformed(f"an object has no integer {key!r}")
        return value

    def text(self, key: str) -> str:
        """A string field."""
        value = self.data.get(key)
        if not isinstance(value, str) or not value:
            raise self.malformed(f"an object has no string {key!r}")
        return value

    def record(self, key: str) -> _Record:
        """A nested object."""
        value = self.data.get(key)
        if not isinstance(value, Mapping):
            raise self.malformed(f"an object has no object {key!r}")
        return _Record(self.where, value)

    def optional_time(self, key: str) -> datetime | None:
        """A timestamp field that may be null, e.g. merged_at."""
        if key not in self.data:
            raise self.malformed(f"an object has no {key!r}")
        value = self.data[key]
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.malformed(f"{key!r} is not an ISO 8601 time: {str(value)[:40]!r}")
        return moment.astimezone(UTC)

    def time(self, key: str) -> datetime:
        """A timestamp field that must be there."""
        moment = self.optional_time(key)
        if moment is None:
            raise self.malformed(f"{key!r} is null")
        return moment


class _Client:
    """PyGithub's requester for one source: its pagination, retries and errors, as SourceErrors."""

    def __init__(self, source: GithubSource, token: str, timeout: float, refusal: Refusal) -> None:
        self.source = source
        self.token = token
        # PyGithub takes whole seconds only; round up so a short timeout never becomes 0.
        self.timeout = max(1, math.ceil(timeout))
        self.github = github.Github(
            base_url=source.api_url.rstrip("/"),
            auth=github.Auth.Token(token),
            timeout=self.timeout,
            retry=retry_policy(RETRIES, read_retries=READ_RETRIES, statuses=RETRIED_STATUSES),
            per_page=PER_PAGE,
            user_agent="okrsite",
            seconds_between_requests=PACING_SECONDS,
        )
        _guard_connections(self.github.requester, refusal)

    @property
    def requester(self) -> Requester:
        """PyGithub's requester: auth, base URL, retries, pacing."""
        return self.github.requester

    def close(self) -> None:
        """Closes the connections."""
        self.github.close()

    def default_branch(self, repository: str) -> str:
        """The repository's default branch; a missing repository is a clear error."""
        path = _repo_path(repository)
        with self.errors(repository, f"GET {path}", METADATA, missing=self._no_repository):
            _, data = self.requester.requestJsonAndCheck("GET", path)
        return _record(f"GET {path}", data).text("default_branch")

    def items(
        self,
        repository: str,
        path: str,
        params: dict[str, Any],
        needs: str,
        *,
        list_key: str | None = None,
        missing: Callable[[str], str] | None = None,
    ) -> Iterator[_Record]:
        """The objects of a paginated list, page by page as the caller asks for them."""
        where = f"GET {path}"
        pages = PaginatedList(
            _Item, self.requester, path, dict(params), list_item=list_key or "items"
        )
        with self.errors(repository, where, needs, missing=missing):
            for item in pages:
                yield _record(where, item.raw_data)

    def _no_repository(self, repository: str) -> str:
        """The message for a 404 on the repository itself."""
        return (
            f"repository {repository} not found at {self.source.api_url} "
            f"(or the token in {self.source.token_env} cannot see it)"
        )

    @contextmanager
    def errors(
        self,
        repository: str,
        where: str,
        needs: str,
        *,
        missing: Callable[[str], str] | None = None,
    ) -> Iterator[None]:
        """Turns whatever PyGithub, requests or a malformed body raise into one-line errors."""
        try:
            yield
        except GithubException as error:
            if error.status == 404 and missing is not None:
                raise SourceError(missing(repository)) from None
            raise SourceError(self._refusal(error, repository, where, needs)) from None
        except requests.RequestException as error:
            raise SourceError(self._network(error, where)) from None
        except json.JSONDecodeError:
            raise SourceError(f"malformed answer to {where}: not JSON") from None
        except (BadAttributeException, AssertionError, KeyError, TypeError, ValueError):
            # Only PyGithub runs in this block: these are its checks of an answer's shape (a body
            # of the wrong JSON type, a bad Link header, a next page on another server).
            raise SourceError(f"malformed answer to {where}") from None

    def _refusal(self, error: GithubException, repository: str, where: str, needs: str) -> str:
        """The message for an HTTP error status."""
        headers = {key.lower(): str(value) for key, value in (error.headers or {}).items()}
        said = _server_message(error.data, self.token)
        if error.status in (403, 429) and headers.get("x-ratelimit-remaining") == "0":
            return (
                f"API rate limit exhausted (reading {repository}); "
                f"it resets at {_reset_time(headers.get('x-ratelimit-reset'))}"
            )
        if error.status == 429 or isinstance(error, RateLimitExceededException):
            wait = headers.get("retry-after")
            later = f"retry after {wait} seconds" if wait else "retry in a few minutes"
            return f"secondary rate limit hit (reading {repository}); {later}"
        if error.status == 401:
            return (
                f"bad credentials: {self.source.api_url} refused the token in "
                f"{self.source.token_env} (401)"
            )
        if error.status == 403:
            return (
                f"permission denied (403) for {where}: {said or 'Forbidden'}; the token "
                f"in {self.source.token_env} needs the {needs} permission on {repository}"
            )
        if error.status == 404:
            return f"not found (404): {where}"
        if error.status >= 500:
            retried = f" (after {RETRIES} retries)" if error.status in RETRIED_STATUSES else ""
            return f"server error {error.status} for {where}{retried}"
        return f"HTTP {error.status} for {where}" + (f": {said}" if said else "")

    def _network(self, error: requests.RequestException, where: str) -> str:
        """The message for a timeout or a connection that failed."""
        if _timed_out(error):
            return f"no answer from {self.source.api_url} to {where} within {self.timeout} s"
        return f"cannot connect to {self.source.api_url} ({where})"


# PyGithub opens its connections itself and has no public hook for them; these are the private
# names of the classes it opens them with, set per client (tests/test_collect_guard.py fails if
# a PyGithub release renames them, rather than letting requests go out unguarded).
_CONNECTION_CLASSES = (
    "_Requester__connectionClass",
    "_Requester__httpConnectionClass",
    "_Requester__httpsConnectionClass",
)


def _guard_connections(requester: Requester, refusal: Refusal) -> None:
    """Every request PyGithub makes for this client goes out through GuardedAdapter: the token
    only where refusal allows (a next page's link to another host included: T1), and no answer
    read past MAX_BODY (T5)."""

    class Https(HTTPSRequestsConnectionClass):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            adapter = GuardedAdapter(refusal, max_retries=self.retry)
            self.session.mount("https://", adapter)

    class Http(HTTPRequestsConnectionClass):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            adapter = GuardedAdapter(refusal, max_retries=self.retry)
            self.session.mount("http://", adapter)

    current, _, _ = (getattr(requester, name) for name in _CONNECTION_CLASSES)
    https = issubclass(current, HTTPSRequestsConnectionClass)
    for name, cls in zip(_CONNECTION_CLASSES, (Https if https else Http, Http, Https), strict=True):
        setattr(requester, name, cls)


def read_github(source: GithubSource, context: SourceContext) -> Reading:
    """The source's measure over its window, from GitHub, as a Reading."""
    _check_options(source)

    def refusal(address: str) -> str | None:
        return context.settings.token_refusal(source.token_env, address)

    if (reason := refusal(source.api_url)) is not None:  # before the token is even read (T1)
        raise SourceError(reason)
    token = context.env.get(source.token_env, "").strip()
    if not token:
        raise SourceError(
            f"no token: the environment variable {source.token_env} is not set or empty"
        )
    if not token.isprintable() or any(character.isspace() for character in token):
        # It goes into an HTTP header, where requests would reject it quoting it whole.
        raise SourceError(f"the token in {source.token_env} has spaces or control characters")
    window = _Window(
        context.at - timedelta(days=source.window_days), context.at, source.window_days
    )
    try:
        client = _Client(source, token, context.timeout, refusal)
        try:
            return MEASURES[source.measure](client, window)
        finally:
            client.close()
    except SourceError as error:
        # A server may echo what it was sent; the token is never shown, whatever the path, nor
        # a piece of it left by a cut (T5).
        raise SourceError(redact(str(error), (token,), "***")) from None


def _check_options(source: GithubSource) -> None:
    """The options each measure needs, checked before any request."""
    if not source.repositories:
        raise SourceError("no repositories given")
    for repository in source.repositories:
        owner, _, name = repository.partition("/")
        if not owner or not name or "/" in name:
            raise SourceError(f"repository {repository!r} is not OWNER/NAME")
    if source.measure not in MEASURES:
        raise SourceError(f"unknown measure {source.measure!r}")
    if not source.api_url.startswith(("https://", "http://")):
        raise SourceError(f"api_url {source.api_url!r} is not an http(s) URL")
    if source.window_days < 1:
        raise SourceError(f"window_days must be at least 1, not {source.window_days}")
    if source.measure == "deployment-frequency" and (source.environment is None) == (
        source.workflow is None
    ):
        raise SourceError("deployment-frequency needs exactly one of environment and workflow")
    if source.measure == "change-failure-rate" and (
        source.environment is None or source.label is None
    ):
        raise SourceError("change-failure-rate needs both environment and label")
    if source.measure == "time-to-restore" and source.label is None:
        raise SourceError("time-to-restore needs label")


def _deployment_frequency(client: _Client, window: _Window) -> Reading:
    """Successful deployments (or workflow runs) per week."""
    source = client.source
    count = 0
    for repository in source.repositories:
        if source.environment is not None:
            client.default_branch(repository)  # a missing repository, said as such
            count += len(_deployments(client, repository, source.environment, window))
        else:
            count += _successful_runs(client, repository, window)
    per_week = count / (window.days / 7)
    if source.environment is not None:
        what = f"{_count(count, 'deployment')} to {source.environment}"
    else:
        what = f"{_count(count, 'successful run')} of {source.workflow} on the default branch"
    span = f"{_count(window.days, 'day')}{_across(source)}"
    return Reading(_value(per_week), f"github: {what} in {span} ({_num(per_week)} a week)")


def _lead_time(client: _Client, window: _Window) -> Reading:
    """Median hours from first commit to merge, or to deployment."""
    source = client.source
    hours = [
        h for repository in source.repositories for h in _lead_times(client, repository, window)
    ]
    if source.environment is None:
        if not hours:
            raise window.nothing("pull request merged into the default branch")
        # Said plainly: DORA's lead time for changes runs to production, which needs environment.
        to = "merge (lead time to merge; not to production)"
    else:
        if not hours:
            raise window.nothing(
                f"pull request merged into the default branch and then deployed to "
                f"{source.environment}"
            )
        to = f"the first successful deployment to {source.environment}"
    median = _in_unit(statistics.median(hours), source)
    return Reading(
        _value(median),
        f"github: median {_num(median)} {source.time_unit} from first commit to {to} over "
        f"{_count(len(hours), 'pull request')} in {_count(window.days, 'day')}{_across(source)}",
    )


def _in_unit(hours: float, source: GithubSource) -> float:
    """A duration in hours in the source's time_unit: hours, or days for a KR kept in days."""
    return hours / 24 if source.time_unit == "days" else hours


def _change_failure_rate(client: _Client, window: _Window) -> Reading:
    """Percent of successful deployments followed by an incident."""
    source = client.source
    assert source.environment is not None and source.label is not None  # _check_options
    after = timedelta(hours=source.failure_hours)
    deployed = failed = 0
    for repository in source.repositories:
        client.default_branch(repository)
        deployments = _deployments(client, repository, source.environment, window)
        incidents = [
            opened
            for opened in _incidents_opened(client, repository, source.label, window)
            if opened < window.end
        ]
        deployed += len(deployments)
        failed += sum(1 for at in deployments if any(at <= t < at + after for t in incidents))
    if deployed == 0:
        raise window.nothing(f"successful deployment to {source.environment}")
    rate = 100 * failed / deployed
    return Reading(
        _value(rate),
        f"github: {failed} of {_count(deployed, 'deployment')} to {source.environment}"
        f"{_across(source)} followed by an incident within {_num(source.failure_hours)} hours "
        f"({_num(rate)} %)",
    )


def _time_to_restore(client: _Client, window: _Window) -> Reading:
    """Median hours from an incident's opening to its closing."""
    source = client.source
    assert source.label is not None  # _check_options
    hours: list[float] = []
    for repository in source.repositories:
        client.default_branch(repository)
        hours += _restore_times(client, repository, source.label, window)
    if not hours:
        raise window.nothing(f"issue labelled {source.label} closed")
    median = _in_unit(statistics.median(hours), source)
    return Reading(
        _value(median),
        f"github: median {_num(median)} {source.time_unit} to close over "
        f"{_count(len(hours), 'incident')} closed in {_count(window.days, 'day')}{_across(source)}",
    )


MEASURES: dict[str, Callable[[_Client, _Window], Reading]] = {
    "deployment-frequency": _deployment_frequency,
    "lead-time": _lead_time,
    "change-failure-rate": _change_failure_rate,
    "time-to-restore": _time_to_restore,
}


def _deployments(
    client: _Client, repository: str, environment: str, window: _Window
) -> list[datetime]:
    """When each successful deployment to the environment in the window was created, ascending."""
    path = f"{_repo_path(repository)}/deployments"
    created: list[datetime] = []
    for deployment in client.items(repository, path, {"environment": environment}, DEPLOYMENTS):
        at = deployment.time("created_at")
        if at >= window.end:
            continue
        if at < window.start:
            break  # GitHub lists deployments newest first: the rest are older still
        if _succeeded(client, repository, deployment.number("id")):
            created.append(at)
    return sorted(created)


def _succeeded(client: _Client, repository: str, deployment: int) -> bool:
    """Whether a deployment succeeded: its latest status (GitHub lists the newest first) is
    `success`, or `inactive` over an earlier `success`. GitHub adds `inactive` to an environment's
    earlier successful deployments when a newer one succeeds (auto_inactive, the default outside
    production): they succeeded all the same. An `inactive` never preceded by `success` (set by
    hand on a failed one) is no success."""
    path = f"{_repo_path(repository)}/deployments/{deployment}/statuses"
    latest = next(iter(client.items(repository, path, {"per_page": 1}, DEPLOYMENTS)), None)
    if latest is None or latest.text("state") != "inactive":
        return latest is not None and latest.text("state") == "success"
    # Rare, so only then the whole history (one more request for most).
    states = [status.text("state") for status in client.items(repository, path, {}, DEPLOYMENTS)]
    return "success" in states


def _successful_runs(client: _Client, repository: str, window: _Window) -> int:
    """Successful runs of the source's workflow on the default branch created in the window."""
    workflow = client.source.workflow
    assert workflow is not None  # _check_options
    branch = client.default_branch(repository)
    path = f"{_repo_path(repository)}/actions/workflows/{quote(workflow, safe='')}/runs"
    params = {"branch": branch, "status": "success"}
    count = 0
    for run in client.items(
        repository,
        path,
        params,
        ACTIONS,
        list_key="workflow_runs",
        missing=lambda repo: f"workflow {workflow} not found in {repo}",
    ):
        at = run.time("created_at")
        if at >= window.end:
            continue
        if at < window.start:
            break  # GitHub lists runs newest first
        count += 1
    return count


def _lead_times(client: _Client, repository: str, window: _Window) -> list[float]:
    """Hours from first commit to merge (or deployment) of each PR merged in the window."""
    environment = client.source.environment
    branch = client.default_branch(repository)
    deployments = (
        None if environment is None else _deployments(client, repository, environment, window)
    )
    path = f"{_repo_path(repository)}/pulls"
    params = {"state": "closed", "base": branch, "sort": "updated", "direction": "desc"}
    hours: list[float] = []
    for pull in client.items(repository, path, params, PULL_REQUESTS):
        if pull.time("updated_at") < window.start:
            break  # sorted by last update, and a merge updates a PR: the rest merged earlier
        merged = pull.optional_time("merged_at")
        if merged is None or merged not in window:
            continue
        end = merged if deployments is None else _first_at_or_after(deployments, merged)
        if end is None:
            continue  # not deployed before the window's end
        first = _first_commit(client, repository, pull.number("number"))
        if first is not None:
            hours.append((end - first).total_seconds() / 3600)
    return hours


def _first_at_or_after(moments: Sequence[datetime], moment: datetime) -> datetime | None:
    """The earliest of the ascending moments at or after moment."""
    index = bisect_left(moments, moment)
    return moments[index] if index < len(moments) else None


def _first_commit(client: _Client, repository: str, number: int) -> datetime | None:
    """The earliest author date among a pull request's commits (None if GitHub lists none)."""
    path = f"{_repo_path(repository)}/pulls/{number}/commits"
    dates = [
        commit.record("commit").record("author").time("date")
        for commit in client.items(repository, path, {}, PULL_REQUESTS)
    ]
    return min(dates, default=None)


def _incidents_opened(
    client: _Client, repository: str, label: str, window: _Window
) -> list[datetime]:
    """When each issue with the label updated since the window's start was opened."""
    path = f"{_repo_path(repository)}/issues"
    params = {"labels": label, "state": "all", "since": _iso(window.start)}
    return [
        issue.time("created_at")
        for issue in client.items(repository, path, params, ISSUES)
        if not issue.has("pull_request")  # the issues API lists pull requests too
    ]


def _restore_times(client: _Client, repository: str, label: str, window: _Window) -> list[float]:
    """Hours from opening to closing of each issue with the label closed in the window."""
    path = f"{_repo_path(repository)}/issues"
    # Closing updates an issue, so `since` the window's start misses none closed in it.
    params = {"labels": label, "state": "closed", "since": _iso(window.start)}
    hours: list[float] = []
    for issue in client.items(repository, path, params, ISSUES):
        if issue.has("pull_request"):
            continue
        closed = issue.optional_time("closed_at")
        if closed is not None and closed in window:
            hours.append((closed - issue.time("created_at")).total_seconds() / 3600)
    return hours


def _record(where: str, data: Any) -> _Record:
    """A JSON object from GitHub, or a malformed-answer error."""
    if not isinstance(data, Mapping):
        raise SourceError(f"malformed answer to {where}: expected JSON objects")
    if isinstance(data.get("data"), str) and set(data) <= {"data", "url"}:
        # PyGithub wraps a body that is not JSON as {"data": body} (and adds the URL it asked)
        raise SourceError(f"malformed answer to {where}: not JSON")
    return _Record(where, data)


def _repo_path(repository: str) -> str:
    """/repos/OWNER/NAME, each part quoted."""
    owner, _, name = repository.partition("/")
    return f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"


def _timed_out(error: requests.RequestException) -> bool:
    """Whether a request failed by timing out (urllib3 wraps it once its retries are spent)."""
    if isinstance(error, requests.Timeout):
        return True
    reason = error.args[0] if error.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    if isinstance(reason, NewConnectionError):
        return False  # a ConnectTimeoutError subclass in urllib3 2, but e.g. a refused connection
    return isinstance(reason, ReadTimeoutError | ConnectTimeoutError)


def _server_message(data: Any, token: str) -> str:
    """GitHub's own one-line reason from an error body, if it gave one, without the token."""
    message = data.get("message") if isinstance(data, Mapping) else None
    if not isinstance(message, str):
        return ""
    # The token out before the cut, which could leave part of it (read_github removes it again).
    text = redact(" ".join(message.split()), (token,), "***")
    return one_line(text, MESSAGE_LIMIT)


def _reset_time(epoch: str | None) -> str:
    """X-RateLimit-Reset (Unix seconds) as a UTC ISO time."""
    try:
        moment = datetime.fromtimestamp(int(float(epoch or "")), UTC)
    except (ValueError, OverflowError, OSError):
        return "an unknown time (no X-RateLimit-Reset)"
    return _iso(moment)


def _iso(moment: datetime) -> str:
    """A UTC time as GitHub writes them, e.g. 2026-10-22T00:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _value(number: float) -> float:
    """A reading's value without float noise."""
    return round(number, 6) + 0.0  # + 0.0: never -0.0


def _num(number: float) -> str:
    """A number for a note: at most 2 decimals, no trailing zeros."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


def _count(count: int, noun: str) -> str:
    """E.g. "1 deployment", "3 deployments"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _across(source: GithubSource) -> str:
    """ " across N repositories" when the values are pooled."""
    count = len(source.repositories)
    return f" across {count} repositories" if count > 1 else ""
