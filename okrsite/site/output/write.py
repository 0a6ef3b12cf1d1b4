"""The versioned site: every quarter built with its engine, versions.json, latest/, index.html and
404.html, for the site_url it is published at (site_url.py).

The one place that writes the output folder. Everything is built into a sibling temporary folder,
then swapped in, so a failed build leaves the previous site as it was. A quarter whose inputs are
unchanged since a build that kept it (quarter_cache) is copied instead of built; the others are
made in worker processes and go to the engine one by one as they are ready.

One build of a folder at a time: a build holds a lock beside it (`.<name>.lock`) from start to
end, and a second build waits for it. Holding the lock, a build first repairs what an earlier,
killed build left: the previous site put back if the kill fell between the swap's two renames,
and the temporary folders removed. Every scratch file of a build lives in its temporary folder
beside the output, so nothing is left in the system's temporary folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from okrsite.load.schemas import render, schemas
from okrsite.load.tree import write_reason
from okrsite.model.errors import OkrsiteError
from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Problem
from okrsite.model.scores import QuarterResult
from okrsite.site.builder.engines import NAMES, build_quarter
from okrsite.site.builder.engines.zensical import require_zensical
from okrsite.site.builder.memory import give_back
from okrsite.site.builder.options import BuildOptions
from okrsite.site.builder.plan import plans, quarter_sites
from okrsite.site.builder.quarter_cache import QuarterCache, quarter_key, result_digests
from okrsite.site.builder.settings import SiteSettings
from okrsite.site.builder.site_url import MISSING, quarter_url
from okrsite.site.builder.tally import Tally
from okrsite.site.output.lock import build_lock
from okrsite.site.output.swap import absolute, check_replaceable, recover, swap
from okrsite.site.output.versions import LATEST, redirect_html, redirect_page, versions_json
from okrsite.site.pages.not_found import write_root_not_found
from okrsite.site.pages.quarter import QuarterSite

STAGED = "site"
"""The new site inside a build's temporary folder, beside the build's scratch folders."""


def write_site(
    out: Path,
    repository: Repository,
    results: Sequence[QuarterResult],
    problems: Sequence[Problem],
    settings: SiteSettings,
    options: BuildOptions,
) -> Tally:
    """Build every quarter into a temporary sibling of out, then swap it in.

    results: every quarter scored, oldest first; problems: the check's findings, shown on the
    checks page. Holds out's lock throughout, waiting for another build of out to finish first.
    Any OSError (a folder that cannot be written, a full disk) is an OkrsiteError naming out.
    """
    if not results:
        raise OkrsiteError("okrs/ has no quarter folder (such as okrs/2026-Q4/) to publish")
    out = absolute(out)
    progress = options.progress
    tally = Tally(tick=options.tick, site_url=settings.site_url, engine=settings.engine)
    if settings.engine == "zensical":
        require_zensical()  # before any chart is drawn
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        check_replaceable(out)  # before any leftover beside it is touched
        with build_lock(out, progress, wait=True):
            recover(out, progress)
            check_replaceable(out)  # again: another build may have changed it meanwhile
            work = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
            try:
                sites = quarter_sites(settings, repository, results, problems, work)
                current = repository.current_quarter(options.today) or results[-1].quarter
                run = _Run(settings, options, repository, current, work, tally)
                _build(run, sites)
                swap(run.staging, out)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    except OSError as error:
        raise OkrsiteError(
            f"cannot build the site into {out}: {write_reason(error, out)}"
        ) from error
    if tally.site_url is None:  # after the build: a failed one says only why it failed
        progress(MISSING)
    progress(f"wrote {out}")
    return tally


@dataclass
class _Run:
    """One build under way: what it builds with, where, and what it has done."""

    settings: SiteSettings
    options: BuildOptions
    repository: Repository
    current: Quarter
    """The site's current quarter: the one latest/ and index.html lead to."""
    work: Path
    """The build's temporary folder, beside the output: the staged site and every scratch file."""
    tally: Tally
    kept: QuarterCache = field(init=False)
    keys: dict[str, str] = field(default_factory=dict)
    """Each quarter's cache key: what its built site depends on."""

    def __post_init__(self) -> None:
        """The cache of built quarters, in the options' cache folder (none without one)."""
        self.kept = QuarterCache(self.options.cache)

    @property
    def staging(self) -> Path:
        """Where the new site is put together."""
        return self.work / STAGED


def _build(run: _Run, sites: Sequence[QuarterSite]) -> None:
    """The whole site in work/site: every quarter (reused from the cache where unchanged, else
    planned and built by the engine), latest/, 404.html, versions.json, index.html, schemas."""
    staging, current, tally, progress = run.staging, run.current, run.tally, run.options.progress
    staging.mkdir()
    quarters = [site.results[-1].quarter for site in sites]
    digests = result_digests(sites[-1].results)
    wanted: list[QuarterSite] = []
    restoring: dict[str, Future[bool]] = {}
    # Kept quarters are copied and checked in a thread, on the core that building the changed
    # quarter leaves idle: at 200 teams, seven closed quarters are 230 MB to read and digest.
    with ThreadPoolExecutor(1, thread_name_prefix="okrsite-restore") as restorer:
        for site in sites:
            result = site.results[-1]
            quarter = result.quarter
            key = run.keys[quarter.id] = quarter_key(
                site,
                digests,
                site_fingerprint=run.settings.fingerprint,
                as_of=result.as_of,
                current=current,
                archive=quarter.closed and quarter.id != current.id,
                site_url=quarter_url(tally.site_url, quarter.id),
                engine=tally.engine,
            )
            if run.kept.has(quarter.id, key):
                target = staging / quarter.id
                restoring[quarter.id] = restorer.submit(run.kept.restore, quarter.id, key, target)
            else:
                if run.kept.unsigned(quarter.id):  # threat T3: never trusted, only rebuilt
                    progress(
                        f"rebuilding {quarter.id}: its kept copy is not signed by this cache's key"
                    )
                wanted.append(site)
        _build_quarters(run, wanted)
        damaged = []
        for site in sites:
            quarter_id = site.results[-1].quarter.id
            if quarter_id not in restoring:
                continue
            if restoring[quarter_id].result():
                tally.reused.append(quarter_id)
                progress(f"reused {quarter_id}: unchanged since it was last built")
            else:
                progress(f"rebuilding {quarter_id}: its kept copy did not match its manifest")
                damaged.append(site)
    if damaged:
        _build_quarters(run, damaged)
    write_latest(staging, current)
    write_root_not_found(staging, current.id, run.repository.org.name, tally.site_url)
    (staging / "versions.json").write_text(versions_json(quarters, current), encoding="utf-8")
    (staging / "index.html").write_text(redirect_html(current), encoding="utf-8")
    # Editors can point at the published schemas.
    (staging / "schemas").mkdir()
    for name, schema in sorted(schemas().items()):
        (staging / "schemas" / name).write_text(render(schema), encoding="utf-8", newline="\n")


def _build_quarters(run: _Run, wanted: Sequence[QuarterSite]) -> None:
    """Plan and build each wanted quarter into staging with the build's engine, and keep it in
    the cache."""
    tally, options = run.tally, run.options
    # Each unit page counts twice: once made (with its charts), once built by the engine.
    tally.total += 2 * sum(len(site.results[-1].units) for site in wanted)
    tally.advance(0)
    for number, plan in enumerate(plans(wanted, run.current, options, tally, run.work), 1):
        quarter_id = plan.quarter.id
        options.progress(
            f"rendering {quarter_id} ({number}/{len(wanted)}) with {NAMES[tally.engine]}"
        )
        build_quarter(
            run.settings,
            run.staging / quarter_id,
            plan,
            run.repository.org,
            options.progress,
            scratch=run.work,
            current=run.current,
            built_page=lambda: tally.advance(1),
            site_url=quarter_url(tally.site_url, quarter_id),
        )
        run.kept.store(quarter_id, run.keys[quarter_id], run.staging / quarter_id)
        tally.built.append(quarter_id)
        # What the engine freed, handed back before the next quarter: each build holds tens
        # of MiB of pages and HTML, which the heap would otherwise keep (issue 21).
        give_back()


LATEST_FILES = ("scores.json",)
"""Files of the current quarter copied into latest/ as they are, for scripts that fetch them."""


def write_latest(staging: Path, current: Quarter) -> None:
    """latest/: a redirect page for every page of the current quarter, as mike's
    `--alias-type redirect` makes them, so each latest/... link lands on the same page of the
    current quarter's site, and no second copy of it is published."""
    source = staging / current.id
    for path in sorted(source.rglob("*.html")):
        relative = path.relative_to(source)
        target = staging / LATEST / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * len(relative.parts)  # from latest/<folders>/ to the site's root
        page = relative.as_posix()
        if relative.name == "index.html":
            page = page.removesuffix("index.html")
        target.write_text(redirect_page(f"{up}{current.id}/{page}"), encoding="utf-8")
    for name in LATEST_FILES:
        if (source / name).is_file():
            shutil.copyfile(source / name, staging / LATEST / name)
