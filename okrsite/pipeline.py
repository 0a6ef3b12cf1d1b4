"""The pipeline: files -> model -> scores -> checks -> pages and charts -> the site on disk.

The one place that strings the stages together, used by the CLI. Each quarter is scored once, at
one as-of date, and those results feed both the checks and the pages, so a page and the checks
shown beside it never read the data at two different dates.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection as Collection_
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from okrsite.check.rules import check_loaded
from okrsite.load.git_revision import changed_files, materialise
from okrsite.load.repository import Loaded, load, load_checked, load_valid
from okrsite.model import clock
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.model.layout import OKRS
from okrsite.model.okrs import Quarter, Repository
from okrsite.model.problems import Problem, errors, quote
from okrsite.model.scores import QuarterResult
from okrsite.model.source_policy import DEFAULT_PROGRAMS, SETTINGS_FILE
from okrsite.model.sources import SOURCE_KINDS, SourceKind
from okrsite.score.diff import MetricChange, QuarterDiff, diff_metrics, diff_results
from okrsite.score.due import DueList, due_list
from okrsite.score.history import score_all
from okrsite.score.quarter import score_quarter
from okrsite.score.source_changes import SourceReview
from okrsite.score.source_changes import review_sources as review_source_changes
from okrsite.site.builder.docs import Progress
from okrsite.site.builder.options import BuildOptions
from okrsite.site.builder.settings import read_settings
from okrsite.site.builder.tally import Tally, Tick
from okrsite.site.output.write import write_site

if TYPE_CHECKING:
    from okrsite.collect.run import Collection


@dataclass(frozen=True)
class Checked:
    """A repository read, scored at one as-of date, and checked against those scores."""

    loaded: Loaded
    results: tuple[QuarterResult, ...]  # every quarter, oldest first
    problems: tuple[Problem, ...]  # every problem, errors first, policy.ignore applied


def _quiet(_message: str) -> None:
    """The default progress callback: say nothing."""


def check(root: Path, today: date, as_of: date | None = None) -> Checked:
    """Load the repository, score every quarter once, and run every check on those scores."""
    loaded = load(root)
    results = score_all(loaded.repository, as_of, today)
    return Checked(loaded, results, check_loaded(loaded, results, today))


def build_site(
    root: Path,
    out: Path,
    *,
    as_of: date | None = None,
    today: date | None = None,
    progress: Progress = _quiet,
    workers: int | None = None,
    cache: Path | None = None,
    tick: Tick | None = None,
    site_url: str | None = None,
    engine: str | None = None,
    edit_url: str | None = None,
) -> Tally:
    """Load, score and check the repository at root, then write its versioned site to out.

    workers: processes building quarters side by side (see site.build.plan); 1 for none.
    cache: the folder keeping drawn charts and built quarters between builds; None for none.
    tick: told (done, total) as the build goes, for a progress bar. site_url: the address the
    site is published at (`--site-url`), over mkdocs.yml's site_url; None for mkdocs.yml's.
    engine: mkdocs or zensical (`--engine`); None for mkdocs.yml's, else MkDocs.
    edit_url: where a repository file opens in its web editor (`--edit-url`), over mkdocs.yml's
    repo_url and edit_uri.
    """
    today = today if today is not None else clock.today()
    checked = check(root, today, as_of)  # read once: the scores, the checks and the pages share it
    # Errors in the files first, alone: what is checked of them after that assumes they loaded.
    if found := errors(checked.loaded.problems) or errors(checked.problems):
        # The build refuses whatever the check refuses, such as a closed quarter edited since.
        raise DataError(list(found))
    settings = read_settings(root, site_url=site_url, engine=engine, edit_url=edit_url)
    options = BuildOptions(today, progress, workers, cache, tick)
    repository = checked.loaded.repository
    return write_site(out, repository, checked.results, checked.problems, settings, options)


def export(root: Path, quarter_id: str | None, as_of: date | None, today: date) -> QuarterResult:
    """The quarter's scores for `okrsite export`: the named quarter, else the one current today.

    The current quarter is chosen by `today`, never by `as_of` (Help, Readings).
    """
    repository = load_valid(root)
    quarter = _chosen_quarter(repository, quarter_id, today, "export")
    return score_quarter(repository, quarter, as_of, today)


def _chosen_quarter(
    repository: Repository, quarter_id: str | None, today: date, verb: str
) -> Quarter:
    """The quarter --quarter names, else the one current today; an error naming the known ones."""
    if quarter_id is None:
        quarter = repository.current_quarter(today)
        if quarter is None:
            raise OkrsiteError(f"there is no quarter to {verb}: {OKRS}/ has no YYYY-Qn folder")
        return quarter
    found = repository.quarter(quarter_id)
    if found is None:
        known = ", ".join(q.id for q in repository.quarters) or "none"
        raise OkrsiteError(f"--quarter {quarter_id!r} is not a quarter in {OKRS}/ (known: {known})")
    return found


def due(root: Path, quarter_id: str | None, as_of: date | None, today: date) -> DueList:
    """`okrsite due`: the quarter's KRs whose check-in is due, scored as of as_of (else today,
    not kept within the quarter: a check-in due on its last day is overdue the day after).

    The quarter is chosen as `okrsite export` chooses it: --quarter, else the current one.
    """
    repository = load_valid(root)
    quarter = _chosen_quarter(repository, quarter_id, today, "list")
    when = as_of if as_of is not None else today
    return due_list(score_quarter(repository, quarter, when, today), repository.org)


def _base_repository(root: Path, base: str) -> Repository:
    """The base's repository: a folder holding okrs/, else a git revision of the root's repo."""
    folder = Path(base)
    if folder.is_dir():
        if not (folder / OKRS).is_dir():
            raise OkrsiteError(
                f"base folder {quote(base)} holds no {OKRS}/; give the root of another copy of "
                "the repository, or a git revision such as origin/main"
            )
        # The base is what was, not what the author can fix: read what can be read.
        return load(folder).repository
    with tempfile.TemporaryDirectory(prefix="okrsite-base-") as temporary:
        return load(materialise(root, base, Path(temporary))).repository


def diff(root: Path, base: str, quarter_id: str | None, today: date) -> tuple[QuarterDiff, ...]:
    """How the working tree moves the scores from base (a git revision or a folder)."""
    return diff_with_metrics(root, base, quarter_id, today)[0]


def diff_with_metrics(
    root: Path, base: str, quarter_id: str | None, today: date
) -> tuple[tuple[QuarterDiff, ...], tuple[MetricChange, ...]]:
    """How the working tree moves the scores from base, and the standing metrics it adds,
    removes or gives another healthy range, tried on the readings of the six months to today
    (every metric, whatever quarter_id says: they belong to no quarter)."""
    base_repository, repository = _base_repository(root, base), load_valid(root)
    before = score_all(base_repository, None, today)
    after = score_all(repository, None, today)
    metrics = diff_metrics(base_repository.metrics, repository.metrics, today)
    return diff_results(before, after, quarter_id), metrics


def review_sources(root: Path, base: str) -> SourceReview:
    """What `okrsite diff` flags for review (T1, T2): each source that gains a host, a token or
    a program between base and the working tree, and each changed file of the collect settings
    or the programs folder (the working tree's, and collectors/; a change of `programs:` shows as
    a change of the settings file). The base is read a second time: diff's scores read it too."""
    loaded = load(root)
    before = _base_repository(root, base)
    paths = sorted({SETTINGS_FILE, loaded.collect_settings.programs, DEFAULT_PROGRAMS})
    files = changed_files(root, base, paths)
    return review_source_changes(before, loaded.repository, files)


def collect(
    root: Path,
    day: date,
    env: Mapping[str, str],
    *,
    today: date,
    unit_ids: Sequence[str] = (),
    dry_run: bool = False,
    quarter_id: str | None = None,
    progress: Progress = _quiet,
    kinds: Collection_[SourceKind] = SOURCE_KINDS,
) -> Collection:
    """Read the valid repository, then append a check-in row for each KR whose source answers
    (of the kinds given: all by default)."""
    # Imported here: the sources' HTTP and GitHub clients are loaded only by a collection.
    from okrsite.collect.run import collect as collect_values

    return collect_values(
        root,
        load_checked(root),
        day,
        env,
        today=today,
        unit_ids=unit_ids,
        dry_run=dry_run,
        quarter_id=quarter_id,
        progress=progress,
        kinds=kinds,
    )
