"""What a build did and how far it is: the closing line's figures and the progress bar's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from okrsite.site.builder.settings import DEFAULT_ENGINE, Engine

Tick = Callable[[int, int], None]
"""Told (done, total) as a build makes and builds unit pages: what a progress bar shows."""


@dataclass
class Tally:
    """What a build did, for its closing line: quarters built and reused, charts drawn and
    taken from the cache, how many unit pages are done out of all, for a progress bar, and the
    site_url it was built for (None without one)."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    charts_drawn: int = 0
    charts_cached: int = 0
    charts_refused: list[str] = field(default_factory=list)
    """Cached charts whose SVG failed the check (threat T3), by slug: drawn again."""
    done: int = 0
    total: int = 0
    tick: Tick | None = None
    site_url: str | None = None
    engine: Engine = DEFAULT_ENGINE

    def advance(self, steps: int) -> None:
        """Count steps done and tell the progress display."""
        self.done += steps
        if self.tick is not None and steps:
            self.tick(min(self.done, self.total), self.total)
