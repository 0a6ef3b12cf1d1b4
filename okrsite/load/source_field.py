"""A key result's `source:` mapping to a Source: which fields each kind takes, and the rules
that make one usable, each broken one a located problem."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from okrsite.load.fields import Fields, describe
from okrsite.load.yaml_nodes import Mapping, Scalar
from okrsite.model.problems import Problem, quote
from okrsite.model.sources import (
    DEFAULT_COMMAND_TIMEOUT,
    DEFAULT_FAILURE_HOURS,
    DEFAULT_WINDOW_DAYS,
    GITHUB_API,
    GITHUB_MEASURES,
    SOURCE_KINDS,
    TIME_UNITS,
    CommandSource,
    GithubMeasure,
    GithubSource,
    JsonSource,
    PrometheusSource,
    Source,
    TimeUnit,
)

SOURCE_CODE = "OKR019"  # a source that cannot be used as written

FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    "github": (
        "kind",
        "measure",
        "repositories",
        "window_days",
        "environment",
        "workflow",
        "label",
        "failure_hours",
        "token_env",
        "api_url",
        "time_unit",
    ),
    "prometheus": ("kind", "url", "query", "token_env"),
    "json": ("kind", "path", "url", "expression", "token_env"),
    "command": ("kind", "command", "timeout_seconds"),
}

ALL_FIELDS = tuple(sorted({name for names in FIELDS_BY_KIND.values() for name in names}))

_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,63}")
_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
MAX_WINDOW_DAYS = 366
MAX_TIMEOUT = 600.0


def read_source(mapping: Mapping, what: str, problems: list[Problem]) -> Source | None:
    """The Source a KR's `source:` mapping describes, or None with its problems reported."""
    node = mapping.get("kind")
    kind = node.value if isinstance(node, Scalar) and isinstance(node.value, str) else ""
    # An unknown or missing kind is one problem, not one more for each of its fields.
    known = FIELDS_BY_KIND.get(kind, ALL_FIELDS)
    fields = Fields(mapping, f"{what} source", known, problems)
    chosen = fields.choice("kind", SOURCE_KINDS)
    if fields.get("kind", required=True) is None or chosen is None:
        return None
    readers = {"github": _github, "prometheus": _prometheus, "json": _json, "command": _command}
    source: Source | None = readers[chosen](fields)
    return source if fields.ok else None


def _env(fields: Fields, key: str) -> str | None:
    """The name of an environment variable: upper case, digits and underscores."""
    name = fields.text(key)
    if name is not None and _ENV_NAME.fullmatch(name) is None:
        # Never quoted: what is written here may be the credential itself (T5).
        fields.fail(
            SOURCE_CODE,
            fields.at(key),
            f"{key} holds what looks like a token, not a variable name; write the name of the "
            "environment variable that holds the credential (upper-case letters, digits and _, "
            "e.g. GITHUB_TOKEN), never the credential itself",
        )
        return None
    return name


def _url(fields: Fields, key: str, required: bool = False) -> str | None:
    """An absolute http(s) address without credentials in it."""
    url = fields.text(key, required)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fields.fail(SOURCE_CODE, fields.at(key), f"{key} {quote(url)} must be an http(s) address")
        return None
    if parts.username or parts.password:
        fields.fail(
            SOURCE_CODE,
            fields.at(key),
            f"{key} holds a user name or password; name an environment variable in token_env "
            "instead, so no credential is kept in the repository",
        )
        return None
    return url


def _positive(fields: Fields, key: str, largest: float) -> float | None:
    """A number above 0 and at most largest."""
    value = fields.number(key)
    if value is not None and not 0 < value <= largest:
        fields.fail(SOURCE_CODE, fields.at(key), f"{key} must be above 0 and at most {largest:g}")
        return None
    return value


def _github(fields: Fields) -> GithubSource | None:
    fields.get("measure", required=True)
    chosen = fields.choice("measure", GITHUB_MEASURES)
    measure = next((m for m in GITHUB_MEASURES if m == chosen), None)
    repositories = _repositories(fields)
    window = fields.integer("window_days")
    if window is not None and not 1 <= window <= MAX_WINDOW_DAYS:
        fields.fail(
            SOURCE_CODE, fields.at("window_days"), f"window_days must be 1 to {MAX_WINDOW_DAYS}"
        )
    environment = fields.text("environment")
    workflow = fields.text("workflow")
    label = fields.text("label")
    failure_hours = _positive(fields, "failure_hours", 24 * 30)
    token_env = _env(fields, "token_env")
    api_url = _url(fields, "api_url")
    chosen_unit = fields.choice("time_unit", TIME_UNITS)
    unit: TimeUnit = next((u for u in TIME_UNITS if u == chosen_unit), "hours")
    if measure is None or repositories is None:
        return None
    _github_rules(fields, measure, environment, workflow, label)
    return GithubSource(
        measure=measure,
        repositories=repositories,
        window_days=window or DEFAULT_WINDOW_DAYS,
        environment=environment,
        workflow=workflow,
        label=label,
        failure_hours=failure_hours or DEFAULT_FAILURE_HOURS,
        token_env=token_env or "GITHUB_TOKEN",
        api_url=api_url or GITHUB_API,
        time_unit=unit,
        location=fields.location,
    )


def _github_rules(
    fields: Fields,
    measure: GithubMeasure,
    environment: str | None,
    workflow: str | None,
    label: str | None,
) -> None:
    """Which of environment, workflow and label each measure needs."""
    needs: list[str] = []
    if measure == "deployment-frequency" and (environment is None) == (workflow is None):
        needs.append("exactly one of environment (deployments) and workflow (runs)")
    if measure == "lead-time" and workflow is not None:
        needs.append("no workflow (lead time ends at the merge, or at a deployment to environment)")
    if measure == "change-failure-rate" and (environment is None or label is None):
        needs.append("environment (the deployments) and label (the incident issues)")
    if measure == "time-to-restore" and label is None:
        needs.append("label (the incident issues)")
    for need in needs:
        fields.fail(SOURCE_CODE, fields.location, f"measure {measure} needs {need}")


def _repositories(fields: Fields) -> tuple[str, ...] | None:
    node = fields.items("repositories", required=True)
    if node is None:
        return None
    names: list[str] = []
    for item in node.items:
        value = item.value if isinstance(item, Scalar) else None
        if not isinstance(value, str) or _REPOSITORY.fullmatch(value) is None:
            shown = quote(value) if isinstance(value, str) else describe(item)
            fields.fail(
                SOURCE_CODE,
                item.location,
                f"repository {shown} must be written OWNER/NAME, e.g. northwind/payments",
            )
            continue
        names.append(value)
    if not node.items:
        fields.fail(SOURCE_CODE, node.location, "repositories must name at least one repository")
    return tuple(names) if names and len(names) == len(node.items) else None


def _prometheus(fields: Fields) -> PrometheusSource | None:
    url = _url(fields, "url", required=True)
    query = fields.text("query", required=True)
    token_env = _env(fields, "token_env")
    if url is None or query is None:
        return None
    return PrometheusSource(url=url, query=query, token_env=token_env, location=fields.location)


def _json(fields: Fields) -> JsonSource | None:
    path = fields.text("path")
    url = _url(fields, "url")
    expression = fields.text("expression", required=True)
    token_env = _env(fields, "token_env")
    if (path is None) == (url is None) and fields.ok:
        fields.fail(SOURCE_CODE, fields.location, "give exactly one of path and url")
    if path is not None and not _inside(path):
        fields.fail(
            SOURCE_CODE,
            fields.at("path"),
            f"path {quote(path)} must be relative to the repository and stay inside it",
        )
    if expression is None:
        return None
    return JsonSource(
        expression=expression, path=path, url=url, token_env=token_env, location=fields.location
    )


def _command(fields: Fields) -> CommandSource | None:
    node = fields.items("command", required=True)
    timeout = _positive(fields, "timeout_seconds", MAX_TIMEOUT)
    if node is None:
        return None
    argv = [item.value for item in node.items if isinstance(item, Scalar)]
    if not argv or not all(isinstance(a, str) and a for a in argv) or len(argv) != len(node.items):
        fields.fail(
            SOURCE_CODE,
            node.location,
            "command must be a list of words, the program first, "
            "e.g. [scripts/incidents.sh, --days, '28']",
        )
        return None
    words = tuple(str(a) for a in argv)
    if not _inside(words[0]):
        fields.fail(
            SOURCE_CODE,
            node.location,
            f"the program {quote(words[0])} must be a path in the repository, relative to its "
            "root (e.g. scripts/incidents.sh)",
        )
        return None
    return CommandSource(
        command=words,
        timeout_seconds=timeout or DEFAULT_COMMAND_TIMEOUT,
        location=fields.location,
    )


def _inside(path: str) -> bool:
    """Whether a written path is relative and never climbs out with `..`."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path
