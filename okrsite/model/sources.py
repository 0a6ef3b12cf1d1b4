"""Where a key result's value can be collected from: the `source:` of a KR in its unit's YAML.

One dataclass per kind. Credentials are never in the files: a source names the environment
variable that holds them (token_env), and `okrsite collect` reads it from its environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from okrsite.model.problems import Location

SourceKind = Literal["github", "prometheus", "json", "command"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("github", "prometheus", "json", "command")

GithubMeasure = Literal[
    "deployment-frequency", "lead-time", "change-failure-rate", "time-to-restore"
]
GITHUB_MEASURES: tuple[GithubMeasure, ...] = (
    "deployment-frequency",
    "lead-time",
    "change-failure-rate",
    "time-to-restore",
)

TimeUnit = Literal["hours", "days"]
TIME_UNITS: tuple[TimeUnit, ...] = ("hours", "days")

DEFAULT_WINDOW_DAYS = 28
DEFAULT_FAILURE_HOURS = 24.0
DEFAULT_COMMAND_TIMEOUT = 60.0
GITHUB_API = "https://api.github.com"


@dataclass(frozen=True)
class GithubSource:
    """A DORA measure over the window_days whole days (UTC) before the check-in date, from
    GitHub's REST API, pooled over one or more repositories."""

    kind: ClassVar[SourceKind] = "github"
    measure: GithubMeasure
    repositories: tuple[str, ...]  # OWNER/NAME, at least one
    window_days: int = DEFAULT_WINDOW_DAYS
    environment: str | None = None  # deployments to this environment (Deployments API)
    workflow: str | None = None  # or successful runs of this workflow file on the default branch
    label: str | None = None  # the label of incident issues (change failure rate, time to restore)
    failure_hours: float = DEFAULT_FAILURE_HOURS  # an incident this soon after a deployment
    token_env: str = "GITHUB_TOKEN"
    api_url: str = GITHUB_API  # GitHub Enterprise Server: https://HOST/api/v3
    time_unit: TimeUnit = "hours"  # lead time and time to restore in hours, or in days
    location: Location = Location("")


@dataclass(frozen=True)
class PrometheusSource:
    """An instant PromQL query against a Prometheus server's HTTP API, evaluated at 00:00 UTC on
    the check-in date; it must give exactly one number."""

    kind: ClassVar[SourceKind] = "prometheus"
    url: str  # the server's base address, e.g. https://prometheus.example.com/
    query: str
    token_env: str | None = None  # a bearer token, if the server wants one
    location: Location = Location("")


@dataclass(frozen=True)
class JsonSource:
    """A JSON document, a file in the repository or a URL, and the JMESPath expression that
    picks the number out of it."""

    kind: ClassVar[SourceKind] = "json"
    expression: str
    path: str | None = None  # relative to the repository's root; exactly one of path and url
    url: str | None = None
    token_env: str | None = None  # a bearer token for the URL, if it wants one
    location: Location = Location("")


@dataclass(frozen=True)
class CommandSource:
    """A program from the repository, run with a timeout, that prints one number."""

    kind: ClassVar[SourceKind] = "command"
    command: tuple[str, ...]  # argv; argv[0] a path relative to the repository's root
    timeout_seconds: float = DEFAULT_COMMAND_TIMEOUT
    location: Location = Location("")


Source = GithubSource | PrometheusSource | JsonSource | CommandSource
