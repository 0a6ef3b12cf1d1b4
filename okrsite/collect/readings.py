"""What every source reader takes and gives: the context of one collection, a reading, an error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from okrsite.model.source_policy import CollectSettings

DEFAULT_TIMEOUT = 30.0  # seconds for one HTTP request
MESSAGE_LIMIT = 200  # characters of a server's or a library's text quoted in a SourceError


@dataclass(frozen=True)
class SourceContext:
    """One collection: the repository, the check-in date and the environment credentials come
    from (never the files)."""

    root: Path
    day: date  # the check-in date: values are read as of 00:00 UTC on it
    env: Mapping[str, str]
    timeout: float = DEFAULT_TIMEOUT
    # Where a token may go and which programs may run (T1, T2); the default sends no token but
    # GITHUB_TOKEN, to api.github.com, and runs programs from collectors/ only.
    settings: CollectSettings = field(default_factory=CollectSettings)
    # Every token of this collection, blotted out of every message (T5).
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def at(self) -> datetime:
        """00:00 UTC on the check-in date: the end of every window, the time of every query."""
        return datetime.combine(self.day, time(0), tzinfo=UTC)


@dataclass(frozen=True)
class Reading:
    """A value read from a source, and a note saying where it came from, for the check-in row
    (e.g. "github: 41 deployments to production in 28 days")."""

    value: float
    note: str


class SourceError(Exception):
    """A source could not give a value; the message says why in one line, names no secret, and
    `okrsite collect` prefixes it with the KR and the source."""
