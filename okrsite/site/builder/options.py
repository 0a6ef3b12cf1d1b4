"""How a build runs, as the build command's options give it: when it is, what it tells as it
goes, how many processes and which cache folder it uses. None of them changes a page's text but
today, which picks the current quarter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from okrsite.site.builder.docs import Progress, ignore
from okrsite.site.builder.tally import Tick


@dataclass(frozen=True)
class BuildOptions:
    """The options of one build."""

    today: date
    """The run's today, which picks the current quarter: the one latest/ and index.html lead to."""
    progress: Progress = ignore
    """Told one line per quarter and phase; the CLI prints them."""
    workers: int | None = None
    """Worker processes making quarters' pages while this one builds: None for one per core,
    where that pays (see plan.plans); 1 or 0 to make them in this process only."""
    cache: Path | None = None
    """The folder keeping drawn charts and built quarters between builds; None for none."""
    tick: Tick | None = None
    """Told (done, total) as unit pages are made and built, for a progress bar."""
