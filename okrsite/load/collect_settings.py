"""The maintainers' collect settings (model/source_policy.py's SETTINGS_FILE) read into a typed
CollectSettings, each mistake a located OKR026; a missing file is the defaults: no host for a
token but GITHUB_TOKEN's, programs in collectors/."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from okrsite.load.fields import Fields, expect_mapping
from okrsite.load.tree import look
from okrsite.load.yaml_nodes import Scalar, read_yaml
from okrsite.model.problems import Location, Problem, problem, quote
from okrsite.model.source_policy import (
    DEFAULT_PROGRAMS,
    SETTINGS_FILE,
    UNTRUSTED_FOLDERS,
    CollectSettings,
    Origin,
    github_api_origin,
    host_entry,
)

SETTINGS_CODE = "OKR026"  # the collect settings cannot be used as written
MAX_HOSTS = 200


def read_collect_settings(
    root: Path, github_api_url: str | None
) -> tuple[CollectSettings, list[Problem]]:
    """The settings at root/SETTINGS_FILE (the defaults without one) and their problems.

    github_api_url: GITHUB_API_URL as the environment gives it (None: unset).
    """
    github_api = github_api_origin(github_api_url)
    problems: list[Problem] = []
    defaults = CollectSettings(github_api=github_api)
    entry = look(root, SETTINGS_FILE)
    if entry.kind == "missing":
        return _checked_programs(root, defaults, problems), problems
    if entry.problem is not None:  # a link out of the repository, a FIFO, ...
        problems.append(entry.problem)
        return defaults, problems
    if entry.link or _through_link(root, SETTINGS_FILE):
        # A link could lead to a file a pull request writes, e.g. under okrs/.
        problems.append(
            problem(
                SETTINGS_CODE,
                Location(SETTINGS_FILE),
                "is a symbolic link, or lies under one; the collect settings must be a plain "
                "file, so that CODEOWNERS guards what they say: replace the link with the file",
            )
        )
        return defaults, problems
    node, found = read_yaml(root, SETTINGS_FILE)
    problems.extend(found)
    if node is None:
        return defaults, problems
    mapping = expect_mapping(node, "the collect settings", problems)
    if mapping is None:
        return defaults, problems
    fields = Fields(mapping, "collect settings", ("hosts", "programs"), problems)
    hosts = _hosts(fields)
    programs = _programs(fields)
    settings = CollectSettings(
        hosts=hosts,
        programs=programs or DEFAULT_PROGRAMS,
        github_api=github_api,
        location=mapping.location,
    )
    return _checked_programs(root, settings, problems), problems


def _hosts(fields: Fields) -> frozenset[Origin]:
    """The `hosts:` entries, HOST or HOST:PORT, each a problem unless it is one."""
    node = fields.items("hosts")
    if node is None:
        return frozenset()
    origins: set[Origin] = set()
    if len(node.items) > MAX_HOSTS:
        fields.fail(SETTINGS_CODE, node.location, f"hosts lists more than {MAX_HOSTS} hosts")
        return frozenset()
    for item in node.items:
        value = item.value if isinstance(item, Scalar) else None
        origin = host_entry(value) if isinstance(value, str) else None
        if origin is None:
            shown = quote(value) if isinstance(value, str) else "this entry"
            fields.fail(
                SETTINGS_CODE,
                item.location,
                f"{shown} is not a host: write the host name alone, or HOST:PORT, without "
                "https:// or a path, e.g. prometheus.northwind.example",
            )
            continue
        origins.add(origin)
    return frozenset(origins)


def _programs(fields: Fields) -> str | None:
    """The programs folder: a relative path inside the repository, outside okrs/ and content/."""
    text = fields.text("programs")
    if text is None:
        return None
    path = PurePosixPath(text)
    if path.is_absolute() or ".." in path.parts or "\\" in text or not path.parts:
        fields.fail(
            SETTINGS_CODE,
            fields.at("programs"),
            f"programs {quote(text)} must be a folder relative to the repository's root, "
            f"e.g. {DEFAULT_PROGRAMS}",
        )
        return None
    if path.parts[0] in UNTRUSTED_FOLDERS or path.parts[0].startswith("."):
        fields.fail(
            SETTINGS_CODE,
            fields.at("programs"),
            f"programs {quote(text)} must not be under {path.parts[0]}/, which a pull request "
            f"may write (or a hidden folder); keep the programs in a folder of their own, e.g. "
            f"{DEFAULT_PROGRAMS}",
        )
        return None
    return path.as_posix()


def _through_link(root: Path, relative: str) -> bool:
    """Whether relative, or a folder on its way, is a symbolic link."""
    parts = PurePosixPath(relative).parts
    return any(os.path.islink(root.joinpath(*parts[:depth])) for depth in range(1, len(parts) + 1))


def _checked_programs(
    root: Path, settings: CollectSettings, problems: list[Problem]
) -> CollectSettings:
    """The settings, with a problem if the programs folder is a symbolic link (it could lead
    into okrs/)."""
    if _through_link(root, settings.programs):
        problems.append(
            problem(
                SETTINGS_CODE,
                settings.location,
                f"the programs folder {settings.programs}/ is a symbolic link, or lies under "
                "one; make it a plain folder, so that its programs are the ones reviewed there",
            )
        )
    return settings
