"""One quarter's site as {relative path: text}: Markdown pages, chart SVGs and scores.json. Pure.

Layout of a quarter (docs_dir):

    index.md                    overview: org score and phase, unit tree, conversations, statuses
    units/<unit>.md             a page per unit of org.yaml
    blockers.md                 every open blocker once, oldest first, with its KRs
    owners.md                   who owns which KRs: status and next check-in, no score per person
    alignment.md                the alignment tree
    checks.md                   the check's findings for the quarter's files and org.yaml
    review.md                   the quarter in review (closed quarters only)
    archive.md                  every quarter with its org score
    charts/<slug>.svg           each chart, light; dark as <slug>.svg#only-dark (palettes.themed)
    scores.json                 the export of the quarter
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

from markupsafe import Markup

from okrsite.model.errors import OkrsiteError
from okrsite.model.health import HEALTH_STATUSES, MetricResult
from okrsite.model.numbers import shown_score
from okrsite.model.okrs import Bands, Org, Quarter, previous_quarter_id
from okrsite.model.problems import Problem
from okrsite.model.scores import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    SANDBAG_MEAN,
    SANDBAG_MIN_KRS,
    Band,
    KeyResultResult,
    ObjectiveResult,
    QuarterResult,
    UnitResult,
)
from okrsite.score.attention import conversations, open_blockers
from okrsite.score.calendar import checkin_due, checkins_due, phase, week
from okrsite.score.export import dumps, export_quarter
from okrsite.score.health import DORA_REPORT, breached, breaches_first
from okrsite.score.history import UnitHistory, review, unit_history
from okrsite.score.landing import (
    PulledDown,
    Trouble,
    pulled_down,
    subtree_key_results,
    trouble,
    unit_figure,
)
from okrsite.score.quarter import band_counts, in_setup
from okrsite.site import charts
from okrsite.site.charts import Chart
from okrsite.site.charts.chart import Drawer
from okrsite.site.markup import md_text
from okrsite.site.pages.colours import verdict
from okrsite.site.pages.health import (
    HEALTH_INDEX,
    WorkedOn,
    has_health,
    unit_metrics,
    worked_on,
)
from okrsite.site.pages.templating import kr_anchor, render

__all__ = [
    "DuplicatePageError",
    "Links",
    "QuarterContext",
    "QuarterSite",
    "add_page",
    "alignment_page",
    "archive_page",
    "blockers_page",
    "checks_page",
    "kr_anchor",
    "make_quarter_pages",
    "overview_page",
    "owners_page",
    "quarter_pages",
    "review_page",
    "unit_page",
]


@dataclass(frozen=True)
class QuarterSite:
    """Everything one quarter's pages are made from, and nothing more: the pages are a function
    of it, so a quarter whose QuarterSite is unchanged has unchanged pages (see quarter_cache)."""

    org: Org
    results: tuple[QuarterResult, ...]  # this quarter and those before it, oldest first
    quarter_id: str
    problems: tuple[Problem, ...] = ()  # the check's findings for this quarter
    intro: str = ""  # content/index.md: Markdown the site's owner wrote, shown on the overview
    codes_page: str = ""  # content/'s page documenting the check codes (CODES_PAGE), if it has it
    # The link from a page at the docs folder's root to the folder of every quarter's site, as
    # the engine reads a link leaving the docs folder (engines' site_root).
    site_root: str = "../../"
    later: tuple[tuple[str, str], ...] = ()  # (id, title) of each later quarter, oldest first
    # Where a file of the repository opens in its web editor, the file's path to be added
    # ("https://github.com/o/r/edit/main/"); empty when the repository's address is not known.
    edit_url: str = ""


class DuplicatePageError(OkrsiteError):
    """Two pages of one quarter would be written to one path."""


class Links:
    """Markdown links between a quarter's pages; every label escaped, every path from slugs."""

    def __init__(self, site: QuarterSite, result: QuarterResult) -> None:
        self._org = site.org
        self._site_root = site.site_root
        self._titles = {
            f"{o.unit_id}/{o.objective.id}": o.objective.title
            for u in result.units
            for o in u.objectives
        }

    def unit(self, unit_id: str, root: str) -> Markup:
        """A link to a unit's page, labelled with its name."""
        unit = self._org.unit(unit_id)
        name = unit.name if unit is not None else unit_id
        return Markup(f"[{md_text(name)}]({root}units/{unit_id}.md)")

    def objective(self, path: str, root: str) -> Markup:
        """A link to an objective (UNIT/OBJECTIVE) on its unit's page; plain text if unknown."""
        title = self._titles.get(path)
        unit_id, _, objective_id = path.partition("/")
        if title is None or self._org.unit(unit_id) is None:
            return Markup(md_text(path))
        return Markup(f"[{md_text(title)}]({root}units/{unit_id}.md#{objective_id})")

    def objective_result(self, result: ObjectiveResult, root: str) -> Markup:
        """A link to an objective from its result."""
        return self.objective(f"{result.unit_id}/{result.objective.id}", root)

    def kr(self, result: KeyResultResult, root: str) -> Markup:
        """A link to a KR on its unit's page, labelled with its title."""
        anchor = kr_anchor(result)
        return Markup(
            f"[{md_text(result.key_result.title)}]({root}units/{result.unit_id}.md#{anchor})"
        )

    def quarter(self, quarter_id: str, title: str) -> Markup:
        """A link from the archive page to another quarter's site, a sibling of this one."""
        return self.quarter_from(quarter_id, title, "")

    def quarter_from(self, quarter_id: str, title: str, root: str) -> Markup:
        """A link to another quarter's site from a page root away from the docs folder."""
        return Markup(f"[{md_text(title)}]({root}{self._site_root}{quarter_id}/)")


@dataclass(frozen=True)
class QuarterContext:
    """One quarter as its pages see it, worked out once for all of them."""

    site: QuarterSite
    result: QuarterResult
    through: tuple[QuarterResult, ...]  # this quarter and those before it, oldest first
    links: Links
    charts: Drawer

    @classmethod
    def of(cls, site: QuarterSite, cache: Drawer | None = None) -> QuarterContext:
        """The context of site's quarter, or OkrsiteError if there is no result for it."""
        results = site.results
        index = next((i for i, r in enumerate(results) if r.quarter.id == site.quarter_id), None)
        if index is None:
            raise OkrsiteError(f"no quarter {site.quarter_id} to build")
        result = results[index]
        # History as the quarter saw it: an archived quarter does not show later quarters.
        through = results[: index + 1]
        return cls(site, result, through, Links(site, result), cache or Drawer())

    @property
    def dates(self) -> Quarter:
        """The quarter without its plans: what a KR chart reads of it, and all its cache key
        holds, so one KR's check-in leaves every other KR's chart in the cache."""
        return replace(self.result.quarter, plans=())

    @property
    def setup(self) -> bool:
        """Whether an open quarter is in its setup weeks at the as-of date: no band yet."""
        quarter, policy = self.result.quarter, self.site.org.policy
        return not quarter.closed and in_setup(quarter, self.result.as_of, policy)

    @property
    def bands(self) -> Bands:
        """The policy's band thresholds."""
        return self.site.org.policy.bands

    @cached_property
    def unit_trouble(self) -> dict[str, Trouble]:
        """Each unit's KRs in trouble over its roll-up: its own and those of every unit below."""
        org, result = self.site.org, self.result
        return {
            u.unit.id: trouble(subtree_key_results(org, result, u.unit.id)) for u in result.units
        }

    @cached_property
    def worked_on(self) -> dict[str, list[WorkedOn]]:
        """The KRs that named each standing metric in `improves:`, by UNIT/METRIC."""
        return worked_on(self.through, self.result.quarter.id)

    @cached_property
    def health_by_path(self) -> dict[str, MetricResult]:
        """Each standing metric's result by UNIT/METRIC."""
        return {m.path: m for m in self.result.health}

    @cached_property
    def pulled_down(self) -> dict[str, PulledDown]:
        """The units whose own objectives pull their roll-up into a worse band, by unit id."""
        return {p.unit.unit.id: p for p in pulled_down(self.site.org, self.result)}

    def base(self) -> dict[str, Any]:
        """The names every page template uses."""
        return {
            "org": self.site.org,
            "quarter": self.result.quarter,
            "result": self.result,
            "result_as_of": self.result.as_of,
            "links": self.links,
            "bands": self.bands,
            "unit_trouble": self.unit_trouble,
        }


def _status_counts(result: QuarterResult) -> tuple[tuple[str, int], ...]:
    """How many KRs have each status a quarter in its state can give, in the contract's order;
    a status no KR has is left out, since a row of 0 is only noise."""
    krs = result.key_results()
    statuses = CLOSED_STATUSES if result.quarter.closed else OPEN_STATUSES
    counts = ((s, sum(1 for kr in krs if kr.status == s)) for s in statuses)
    return tuple((status, count) for status, count in counts if count)


def _alignment_lines(
    roots: Iterable[ObjectiveResult],
    children: Mapping[str, Sequence[ObjectiveResult]],
    links: Links,
) -> list[Markup]:
    """Nested Markdown list lines: each objective, then what aligns to it, depth first."""
    lines: list[Markup] = []
    seen: set[str] = set()
    stack = [(o, 0) for o in reversed(tuple(roots))]
    while stack:
        objective, depth = stack.pop()
        path = f"{objective.unit_id}/{objective.objective.id}"
        if path in seen:  # aligns_to is checked elsewhere; never loop on a bad repository
            continue
        seen.add(path)
        unit = links.unit(objective.unit_id, "")
        label = links.objective_result(objective, "")
        indent = "    " * depth
        score = "—" if objective.score is None else shown_score(objective.score)
        lines.append(Markup(f"{indent}- {label}: {unit}, {score}"))
        stack.extend((c, depth + 1) for c in reversed(children.get(path, ())))
    return lines


def _charts(pages: MutableMapping[str, str], chart: Chart) -> Chart:
    """Add a chart's SVG to pages and return the chart for the page that shows it."""
    add_page(pages, f"charts/{chart.slug}.svg", chart.svg)
    return chart


PROVISIONAL = " (so far)"
"""What a quarter's label carries in a history chart while the quarter is open: its figure is
progress so far, not a grade, and must not read as one beside the closed quarters' grades."""


def _label(quarter_id: str, results: Sequence[QuarterResult]) -> str:
    """A quarter's label in a history chart: its title, as the archive's table writes it,
    marked provisional while it is open."""
    result = next((r for r in results if r.quarter.id == quarter_id), None)
    if result is None:
        return quarter_id
    title = result.quarter.title
    return title if result.quarter.closed else title + PROVISIONAL


def _so_far(results: Sequence[QuarterResult]) -> tuple[str, ...]:
    """The labels of the open quarters' points: scores so far, not grades."""
    return tuple(_label(r.quarter.id, results) for r in results if not r.quarter.closed)


def _points(
    history: UnitHistory, results: Sequence[QuarterResult]
) -> tuple[tuple[str, float | None], ...]:
    """A history as (quarter label, roll-up) points for a chart."""
    return tuple((_label(p.quarter_id, results), p.rollup) for p in history.points)


def _bands(history: UnitHistory, results: Sequence[QuarterResult]) -> dict[str, Band | None]:
    """A history's own band in each quarter, by quarter label."""
    return {_label(p.quarter_id, results): p.band for p in history.points}


def _org_verdict(org: Org, result: QuarterResult, other: bool = False) -> Markup:
    """The org's figure with its band: its projected roll-up when open, its grade when closed;
    other: the page is another quarter's, so the figure says which quarter it is of."""
    root = org.root()
    unit = result.unit(root.id) if root is not None else None
    closed = result.quarter.closed
    figure = None if unit is None else unit_figure(unit, closed)
    of = root.id if root is not None else ""
    return verdict(figure, result.band, of, result.quarter.id if other else "")


def add_page(pages: MutableMapping[str, str], path: str, text: str) -> None:
    """Add a page at path, refusing a second page at the same path."""
    if path in pages:
        raise DuplicatePageError(f"two pages of one quarter would be written to {path}")
    pages[path] = text


def _objectives(result: QuarterResult) -> list[ObjectiveResult]:
    """Every objective of the quarter, unit by unit in org.yaml's order."""
    return [o for u in result.units for o in u.objectives]


def _aligned_to(objectives: Iterable[ObjectiveResult]) -> dict[str, list[ObjectiveResult]]:
    """The objectives that align to each objective (UNIT/OBJECTIVE), in the order given."""
    aligned: dict[str, list[ObjectiveResult]] = {}
    for o in objectives:
        if o.objective.aligns_to:
            aligned.setdefault(o.objective.aligns_to, []).append(o)
    return aligned


CONVERSATIONS_SHOWN = 12
"""The most KRs the overview lists as needing a conversation; the rest are counted."""


def units_by_depth(org: Org, result: QuarterResult) -> list[tuple[UnitResult, int]]:
    """Every unit's result with its depth in the org chart, in the order of org.forest()."""
    by_id = {u.unit.id: u for u in result.units}
    depths: dict[str, int] = {}
    ordered: list[tuple[UnitResult, int]] = []
    for unit, parent in org.forest():
        depths[unit.id] = depths[parent] + 1 if parent in depths else 0
        if unit.id in by_id:
            ordered.append((by_id[unit.id], depths[unit.id]))
    return ordered


def _counted(result: QuarterResult) -> tuple[int, int]:
    """The org's KRs counted (checked in; all, when closed) and not dropped."""
    objectives = _objectives(result)
    return sum(o.counted for o in objectives), sum(o.total for o in objectives)


def overview_page(context: QuarterContext, pages: MutableMapping[str, str]) -> str:
    """index.md: the org's score, band, coverage and phase in two lines, the unit tree with a
    bar per unit, the KRs that need a conversation, the status counts and a chart."""
    result, org = context.result, context.site.org
    policy = org.policy
    found = conversations(result)
    counted, total = _counted(result)
    overdue, next_due = checkins_due(result.key_results(), result.quarter, result.as_of)
    return render(
        "overview.md.j2",
        **context.base(),
        intro=Markup(context.site.intro),
        policy=policy,
        org_verdict=_org_verdict(org, result),
        tally=trouble(result.key_results()),
        pulled=tuple(context.pulled_down.values()),
        counted=counted,
        total=total,
        phase=phase(result.quarter, result.as_of, policy),
        week=week(result.quarter, result.as_of),
        overdue=overdue,
        next_due=next_due,
        tree=units_by_depth(org, result),
        status_counts=_status_counts(result),
        conversations=found[:CONVERSATIONS_SHOWN],
        breached=breached(result.health),
        more=len(found) - CONVERSATIONS_SHOWN,
        setup=context.setup,
        units_chart=_charts(
            pages,
            context.charts.chart(
                charts.unit_scores_chart, result, bands=policy.bands, setup=context.setup
            ),
        ),
    )


def blockers_page(context: QuarterContext) -> str:
    """blockers.md: every open blocker once, the oldest first, with every KR it holds up."""
    found = open_blockers(context.result)
    count = sum(len(b.blocked) for b in found)
    return render("blockers.md.j2", **context.base(), blockers=found, count=count)


def owners_page(context: QuarterContext) -> str:
    """owners.md: who owns which KRs, with each one's status and next check-in; no score per
    person. Owners in alphabetical order, their KRs in org.yaml's order."""
    result = context.result
    by_owner: dict[str, list[tuple[KeyResultResult, date | None]]] = {}
    for kr in result.key_results():
        due = checkin_due(kr, result.quarter)
        by_owner.setdefault(kr.key_result.owner, []).append((kr, due))
    owners = sorted(by_owner.items(), key=lambda item: (item[0].casefold(), item[0]))
    overdue = [
        (owner, kr, due)
        for owner, rows in owners
        for kr, due in rows
        if due is not None and due < result.as_of
    ]
    return render("owners.md.j2", **context.base(), owners=owners, overdue=overdue)


def unit_page(
    context: QuarterContext, pages: MutableMapping[str, str], unit_result: UnitResult
) -> str:
    """units/<unit>.md: one unit's objectives and KRs with their charts, and its history."""
    org, unit = context.site.org, unit_result.unit
    kr_charts = {
        kr.path: _charts(pages, context.charts.chart(charts.key_result_chart, kr, context.dates))
        for o in unit_result.objectives
        for kr in o.key_results
    }
    history = unit_history(context.through, unit.id)
    aligned_to = _aligned_to(_objectives(context.result))
    return render(
        "unit.md.j2",
        **{**context.base(), "result": unit_result},
        unit=unit,
        parent=org.unit(unit.parent) if unit.parent else None,
        children=[
            child for u in org.children(unit.id) if (child := context.result.unit(u.id)) is not None
        ],
        key_results=[(o, kr) for o in unit_result.objectives for kr in o.key_results],
        aligned_to={k: [f"{o.unit_id}/{o.objective.id}" for o in v] for k, v in aligned_to.items()},
        kr_charts=kr_charts,
        due={
            kr.path: checkin_due(kr, context.result.quarter)
            for o in unit_result.objectives
            for kr in o.key_results
        },
        pulled=context.pulled_down.get(unit.id),
        edit_url=context.site.edit_url,
        health=context.health_by_path,
        **_unit_health(context, unit.id),
        history_chart=_charts(
            pages,
            context.charts.chart(
                charts.unit_history_chart,
                unit,
                _points(history, context.through),
                bands=context.bands,
                point_bands=_bands(history, context.through),
                so_far=_so_far(context.through),
            ),
        ),
    )


def alignment_page(context: QuarterContext) -> str:
    """alignment.md: the org's objectives with what aligns to them, then the unaligned ones."""
    objectives = _objectives(context.result)
    aligned_to = _aligned_to(objectives)
    paths = {f"{o.unit_id}/{o.objective.id}" for o in objectives}
    root = context.site.org.root()
    org_objectives = [o for o in objectives if root is not None and o.unit_id == root.id]
    unaligned = [
        o
        for o in objectives
        if o not in org_objectives and (o.objective.aligns_to or "") not in paths
    ]
    return render(
        "alignment.md.j2",
        **context.base(),
        tree=_alignment_lines(org_objectives, aligned_to, context.links),
        unaligned=_alignment_lines(unaligned, aligned_to, context.links),
    )


def checks_page(context: QuarterContext) -> str:
    """checks.md: the check's findings for the quarter's files and org.yaml."""
    problems = sorted(context.site.problems, key=lambda p: (p.location, p.code, p.message))
    return render(
        "checks.md.j2",
        **context.base(),
        problems=problems,
        codes_page=context.site.codes_page,
        errors=sum(1 for p in problems if p.severity == "error"),
        warnings=sum(1 for p in problems if p.severity == "warning"),
    )


def health_index_page(context: QuarterContext) -> str:
    """health/index.md: every standing metric of the org, breaches first, and the DORA
    measures with their levels."""
    health = context.result.health
    counts = {status: sum(1 for m in health if m.status == status) for status in HEALTH_STATUSES}
    return render(
        "health_index.md.j2",
        **context.base(),
        health=health,
        ordered=breaches_first(health),
        counts=counts,
        dora=[m for m in health if m.metric.dora is not None],
        report=DORA_REPORT,
    )


WORKED_SHOWN = 4
"""The most quarters of KRs a metric's section lists as having worked on it, the latest."""


def _unit_health(context: QuarterContext, unit_id: str) -> dict[str, Any]:
    """What a unit page's Health section shows: its own metrics, each with its history, its
    readings and the KRs that worked on it, then those of the units below it (but on the org's
    page, whose Health page lists them all)."""
    org, health = context.site.org, context.result.health
    if not has_health(org, health, unit_id):
        return {"has_health": False, "own_metrics": (), "below_metrics": (), "worked": {}}
    own, below = unit_metrics(org, health, unit_id)
    root = org.root()
    return {
        "has_health": True,
        "own_metrics": own,
        "below_metrics": () if root is not None and root.id == unit_id else below,
        "worked": {m.path: context.worked_on.get(m.path, []) for m in own},
        "report": DORA_REPORT,
        "worked_shown": WORKED_SHOWN,
    }


def review_page(context: QuarterContext, pages: MutableMapping[str, str]) -> str:
    """review.md: a closed quarter's grades against the quarter before, and what to carry on."""
    result, through = context.result, context.through
    quarter = result.quarter
    objectives = _objectives(result)
    previous_id = previous_quarter_id(quarter.id)
    previous = next((r for r in through if r.quarter.id == previous_id), None)
    previous_rollups = {
        u.unit.id: getattr(previous.unit(u.unit.id) if previous else None, "rollup", None)
        for u in result.units
    }
    return render(
        "review.md.j2",
        **context.base(),
        previous=previous,
        previous_rollups=previous_rollups,
        objectives=objectives,
        distribution=band_counts(result),
        distribution_chart=_charts(
            pages,
            context.charts.chart(charts.grade_distribution_chart, result, bands=context.bands),
        ),
        learned=[o for o in objectives if o.objective.retro and o.objective.retro.learned],
        signals=review(through, quarter.id),
        sandbag_mean=SANDBAG_MEAN,
        sandbag_min_krs=SANDBAG_MIN_KRS,
    )


def archive_page(context: QuarterContext, pages: MutableMapping[str, str]) -> str:
    """archive.md: this quarter and those before it with their org scores, and the org's score
    over them; later quarters as links only.

    A closed quarter's site is built once and kept, as mike keeps a version, so it shows the
    quarters as they stood when it closed: later quarters' figures move with every check-in
    and are on their own sites, one link away.
    """
    org, results = context.site.org, context.through
    root = org.root()
    org_history = unit_history(results, root.id) if root is not None else None
    return render(
        "archive.md.j2",
        **context.base(),
        rows=[(r, _org_verdict(org, r, r is not context.result)) for r in results],
        any_open=any(not r.quarter.closed for r in results),
        later=context.site.later,
        org_chart=_charts(
            pages,
            context.charts.chart(
                charts.org_history_chart,
                org,
                _points(org_history, results) if org_history else (),
                point_bands=_bands(org_history, results) if org_history else None,
                so_far=_so_far(results),
            ),
        ),
    )


def quarter_pages(
    site: QuarterSite, cache: Drawer | None = None, done: Callable[[], None] = lambda: None
) -> dict[str, str]:
    """Every page, chart and scores.json of one quarter, by path relative to its docs_dir.

    cache: where drawn charts are kept between builds (default: draw every chart). done: called
    after each unit page, for a progress display.
    """
    pages: dict[str, str] = {}
    make_quarter_pages(site, pages, cache, done)
    return pages


def make_quarter_pages(
    site: QuarterSite,
    pages: MutableMapping[str, str],
    cache: Drawer | None = None,
    done: Callable[[], None] = lambda: None,
) -> None:
    """quarter_pages, each page put into pages as soon as it is made: a build passes a mapping
    that writes it to disk at once, so no process holds a quarter's pages all together."""
    context = QuarterContext.of(site, cache)
    # Each page adds its charts to pages before the page itself: the order of the site's files.
    add_page(pages, "index.md", overview_page(context, pages))
    for unit_result in context.result.units:
        add_page(pages, f"units/{unit_result.unit.id}.md", unit_page(context, pages, unit_result))
        done()
    add_page(pages, "blockers.md", blockers_page(context))
    add_page(pages, "owners.md", owners_page(context))
    add_page(pages, "alignment.md", alignment_page(context))
    add_page(pages, "checks.md", checks_page(context))
    if context.result.health:
        add_page(pages, HEALTH_INDEX, health_index_page(context))
    if context.result.quarter.closed:
        add_page(pages, "review.md", review_page(context, pages))
    add_page(pages, "archive.md", archive_page(context, pages))
    add_page(pages, "scores.json", dumps(export_quarter(context.result)))
