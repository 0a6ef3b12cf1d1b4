"""Every quarter's pages, computed before anything is written: what each quarter's pages are made
from (QuarterSite) and its plan (QuarterPlan), made in worker processes where that pays."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Problem, about
from okrsite.model.scores import QuarterResult
from okrsite.site.builder.docs import QuarterPlan
from okrsite.site.builder.engines import SITE_ROOTS
from okrsite.site.builder.options import BuildOptions
from okrsite.site.builder.pool import all_pages
from okrsite.site.builder.settings import SiteSettings
from okrsite.site.builder.tally import Tally
from okrsite.site.pages.quarter import QuarterSite


def quarter_sites(
    settings: SiteSettings,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    scratch: Path | None = None,
) -> tuple[QuarterSite, ...]:
    """What each quarter's pages are made from: the quarter and those before it in full, later
    quarters by name only (see pages.quarter.archive_page), the check's findings for it, the
    intro, and how the settings' engine reads a link to another quarter. scratch: where to make
    temporary folders (default: the system's temporary folder)."""
    site_root = SITE_ROOTS[settings.engine](settings, scratch)
    ordered = tuple(results)
    return tuple(
        QuarterSite(
            org=repository.org,
            results=ordered[: index + 1],
            quarter_id=result.quarter.id,
            problems=about(problems, result.quarter.id),
            intro=settings.intro,
            # The checks page links each code to its section where the site carries the codes.
            codes_page=settings.codes_page,
            site_root=site_root,
            edit_url=settings.edit_url,
            later=tuple((r.quarter.id, r.quarter.title) for r in ordered[index + 1 :]),
        )
        for index, result in enumerate(ordered)
    )


def plan_quarters(
    settings: SiteSettings,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    options: BuildOptions,
    scratch: Path | None = None,
) -> tuple[QuarterPlan, ...]:
    """Every quarter's pages, computed before anything is written (see quarter_sites), held in
    memory: the folder they are made in is gone when this returns."""
    sites = quarter_sites(settings, repository, results, problems, scratch)
    current = repository.current_quarter(options.today)
    with tempfile.TemporaryDirectory(prefix="okrsite-plan-", dir=scratch) as folder:
        made = plans(sites, current, options, Tally(), Path(folder))
        return tuple(replace(plan, pages=dict(plan.pages)) for plan in made)


def plans(
    sites: Sequence[QuarterSite],
    current: Quarter | None,
    options: BuildOptions,
    tally: Tally,
    scratch: Path,
) -> Iterator[QuarterPlan]:
    """Each site's plan, in order, as soon as it is ready, its pages written into a folder of
    their own in scratch; made in worker processes where there are several quarters and cores,
    and enough to draw (PARALLEL_COST)."""
    workers, progress = options.workers, options.progress
    if workers is None:
        # One process per core: drawing is most of a build. Each holds a vl-convert runtime of
        # its own and the quarter it draws, about 300 MiB at 200 teams; one fewer (the engine's
        # core left to it) would save that but make a cold build half as slow again (benchmarks/).
        cores = os.cpu_count() or 1
        enough = cores > 1 and sum(cost(site) for site in sites) >= PARALLEL_COST
        wanted = cores if enough else 0
    else:
        wanted = workers if workers > 1 else 0
    # A process per quarter at most, and none for one quarter: nothing to build meanwhile.
    processes = min(len(sites), wanted) if len(sites) > 1 else 0
    # closing: an interrupted loop stops the worker processes at once, not when collected.
    with closing(all_pages(sites, processes, progress, options.cache, tally, scratch)) as made:
        for number, (site, pages) in enumerate(zip(sites, made, strict=True), start=1):
            result = site.results[-1]
            quarter = result.quarter
            plan = QuarterPlan(
                quarter, result.as_of, pages, current is not None and current.id == quarter.id
            )
            progress(
                f"building {quarter.id} ({number}/{len(sites)}): "
                f"{plan.markdown_pages} pages, {plan.charts} charts"
            )
            yield plan


PARALLEL_COST = 100
"""The least work (KRs and units, about a chart each; see cost) worth worker processes when the
caller leaves their number to the build. Each one starts by importing Altair and vl-convert, a
second or more of a core: two quarters of one team took 4.5 s in two processes and 1.9 s in
this one, and the demo's three quarters (about 150) about the same either way."""


def cost(site: QuarterSite) -> int:
    """A quarter's share of the work, for scheduling: charts dominate, one per KR and unit."""
    result = site.results[-1]
    return len(result.key_results()) + len(result.units)
