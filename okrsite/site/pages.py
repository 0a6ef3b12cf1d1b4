"""One quarter's site as {relative path: text}: Markdown pages, chart SVGs and scores.json. Pure.

Layout of a quarter (docs_dir):

    index.md                    overview: org score, units, status counts, attention, stale
    units/<unit>.md             a page per unit of org.yaml
    alignment.md                the alignment tree
    checks.md                   the check's findings for the quarter's files and org.yaml
    review.md                   the quarter in review (closed quarters only)
    archive.md                  every quarter with its org score
    charts/<slug>-light.svg     each chart, for Material's light scheme
    charts/<slug>-dark.svg      and for its dark (slate) scheme
    scores.json                 the export of the quarter
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import jinja2
from markupsafe import Markup

from okrsite.site import charts
from okrsite.site.charts import Chart
from okrsite.model.errors import OkrsiteError
from okrsite.score.export import dumps, export_quarter
from okrsite.score.history import UnitHistory, previous_quarter_id, review, unit_history
from okrsite.site.markup import html_text, md_text, note_html
from okrsite.model.okrs import Bands, Repository, Retro
from okrsite.model.problems import Problem
from okrsite.model.scores import BANDS, STATUSES, Band, KeyResultResult, ObjectiveResult, QuarterResult
from okrsite.score.quarter import band_of

ATTENTION = ("at-risk", "off-track")
"""Statuses the overview lists as needing attention."""


@dataclass(frozen=True)
class QuarterSite:
    """Everything one quarter's pages are made from."""

    repository: Repository
    results: tuple[QuarterResult, ...]  # every quarter, oldest first
    quarter_id: str
    problems: tuple[Problem, ...] = ()  # the check's findings for this quarter
    intro: str = ""  # content/index.md: Markdown the site's owner wrote, shown on the overview
    directory_urls: bool = True  # mkdocs.yml's use_directory_urls: where a page's HTML lands


class DuplicatePageError(OkrsiteError):
    """Two pages of one quarter would be written to one path."""


class Links:
    """Markdown links between a quarter's pages; every label escaped, every path from slugs."""

    def __init__(self, site: QuarterSite, result: QuarterResult) -> None:
        self._org = site.repository.org
        self._directory_urls = site.directory_urls
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
        # MkDocs leaves links outside docs_dir as written, relative to the page's HTML.
        up = "../../" if self._directory_urls else "../"
        return Markup(f"[{md_text(title)}]({up}{quarter_id}/)")


def kr_anchor(result: KeyResultResult) -> Markup:
    """The anchor of a KR on its unit's page: OBJECTIVE-KR, both slugs."""
    return Markup(f"{result.objective_id}--{result.key_result.id}")


def _score(value: float | None) -> Markup:
    return Markup("—" if value is None else f"{value:.2f}")


def _number(value: float | None, unit: str | None = None) -> Markup:
    if value is None:
        return Markup("—")
    text = f"{value:g}"
    return Markup(f"{text} {md_text(unit)}" if unit else text)


def _baseline(result: KeyResultResult) -> Markup:
    kr = result.key_result
    if kr.kind == "milestone":
        return Markup("0 %")
    return _number(kr.baseline, kr.unit)


def _target(result: KeyResultResult) -> Markup:
    kr = result.key_result
    if kr.kind == "milestone":
        return Markup("100 %")
    if kr.kind == "guardrail":
        bounds = [f"≥ {_number(kr.min, kr.unit)}"] if kr.min is not None else []
        bounds += [f"≤ {_number(kr.max, kr.unit)}"] if kr.max is not None else []
        return Markup(" and ".join(bounds) or "—")
    return _number(kr.target, kr.unit)


def _latest_value(result: KeyResultResult) -> Markup:
    kr = result.key_result
    return _number(result.value, "%" if kr.kind == "milestone" else kr.unit)


def _iso(day: date) -> Markup:
    return Markup(day.isoformat())


def _yaml_title(title: str) -> Markup:
    # HTML-escaped: Material prints page.meta.title into <title> and the nav without escaping.
    return Markup(json.dumps(html_text(title)))


def _note(text: str) -> Markup:
    # A block of its own line: Python-Markdown passes block HTML through untouched.
    clean = note_html(text)
    return Markup(f'<div class="okrsite-note">{clean}</div>') if clean else Markup("")


STATUS_TONES: Mapping[str, str] = {
    "done": "green",
    "on-track": "green",
    "at-risk": "yellow",
    "off-track": "red",
    "no-data": "grey",
}
"""The colour of each KR status's badge, in the bands' colours so the two read alike."""


def _badge(tone: str, text: str) -> Markup:
    """A coloured badge that still says its text: colour alone would fail colour-blind readers."""
    return Markup(f'<span class="okrsite-badge okrsite-{tone}">{html_text(text)}</span>')


def _band_badge(band: Band) -> Markup:
    """A band as a badge in its own colour."""
    return _badge(band, band)


def _status_badge(status: str) -> Markup:
    """A KR status as a badge in the colour of the band it is closest to."""
    return _badge(STATUS_TONES.get(status, "grey"), status)


def _severity_badge(severity: str) -> Markup:
    """A finding's severity as a badge: errors red, warnings yellow."""
    return _badge("red" if severity == "error" else "yellow", severity)


def _realistic(retro: Retro | None) -> Markup:
    if retro is None or retro.realistic is None:
        return Markup("—")
    return Markup("yes" if retro.realistic else "no")


def _change(pair: tuple[float | None, float | None]) -> Markup:
    now, before = pair
    if now is None or before is None:
        return Markup("—")
    return Markup(f"{now - before:+.2f}")


def _chart_table(table: Sequence[Sequence[object]]) -> Markup:
    """A chart's numbers as a Markdown table indented into the Data admonition."""
    rows = [[md_text(str(cell)) for cell in row] for row in table]
    if not rows:
        return Markup("    No data.")
    header, body = rows[0], rows[1:]
    lines = [header, ["---"] * len(header), *body]
    return Markup("\n".join("    | " + " | ".join(line) + " |" for line in lines))


_PATH = re.compile(r"[a-z0-9./-]*")


def _path(text: str) -> Markup:
    """A path made of slugs, printed as is; anything else is a bug, not user input."""
    if _PATH.fullmatch(text) is None:
        raise ValueError(f"not a slug path: {text!r}")
    return Markup(text)


def _finalize(value: object) -> object:
    """Markdown-escape whatever a template prints, unless it is Markup built in this module."""
    if isinstance(value, Markup):
        return value
    return Markup(md_text(str(value)))


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the page templates: Markdown-escapes whatever it prints."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("okrsite.site", "templates"),
        # Markdown, not HTML: _finalize escapes for Markdown, and autoescape makes Jinja treat
        # macro output as already escaped instead of escaping it a second time.
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        score=_score,
        iso=_iso,
        yaml_title=_yaml_title,
        note=_note,
        baseline=_baseline,
        target=_target,
        latest_value=_latest_value,
        realistic=_realistic,
        change=_change,
        chart_table=_chart_table,
        kr_anchor=kr_anchor,
        path=_path,
        band_of=lambda score, bands: band_of(score, bands),
        band_badge=_band_badge,
        status_badge=_status_badge,
        severity_badge=_severity_badge,
    )
    return env


def _render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def _status_counts(result: QuarterResult) -> tuple[tuple[str, int], ...]:
    krs = result.key_results()
    return tuple((s, sum(1 for kr in krs if kr.status == s)) for s in STATUSES)


def _distribution(result: QuarterResult, bands: Bands) -> tuple[tuple[Band, int], ...]:
    grades = [band_of(kr.final, bands) for kr in result.key_results()]
    return tuple((b, grades.count(b)) for b in BANDS)


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
        lines.append(Markup(f"{indent}- {label}: {unit}, {_score(objective.score)}"))
        stack.extend((c, depth + 1) for c in reversed(children.get(path, ())))
    return lines


def _charts(pages: dict[str, str], chart: Chart) -> Chart:
    add_page(pages, f"charts/{chart.slug}-light.svg", chart.light_svg)
    add_page(pages, f"charts/{chart.slug}-dark.svg", chart.dark_svg)
    return chart


def _points(history: UnitHistory) -> tuple[tuple[str, float | None], ...]:
    return tuple((p.quarter_id, p.rollup) for p in history.points)


def add_page(pages: dict[str, str], path: str, text: str) -> None:
    """Add a page at path, refusing a second page at the same path."""
    if path in pages:
        raise DuplicatePageError(f"two pages of one quarter would be written to {path}")
    pages[path] = text


def quarter_pages(site: QuarterSite) -> dict[str, str]:
    """Every page, chart and scores.json of one quarter, by path relative to its docs_dir."""
    results = site.results
    index = next((i for i, r in enumerate(results) if r.quarter.id == site.quarter_id), None)
    if index is None:
        raise OkrsiteError(f"no quarter {site.quarter_id} to build")
    result = results[index]
    # History as the quarter saw it: an archived quarter does not show later quarters.
    through = results[: index + 1]
    org, quarter = site.repository.org, result.quarter
    policy = org.policy
    links = Links(site, result)
    pages: dict[str, str] = {}
    base = {"org": org, "quarter": quarter, "result": result, "links": links, "bands": policy.bands}

    krs = result.key_results()
    add_page(
        pages,
        "index.md",
        _render(
            "overview.md.j2",
            **base,
            intro=Markup(site.intro),
            policy=policy,
            status_counts=_status_counts(result),
            attention=[kr for kr in krs if kr.status in ATTENTION],
            stale=[kr for kr in krs if kr.stale],
            units_chart=_charts(pages, charts.unit_scores_chart(result, bands=policy.bands)),
        ),
    )

    objectives = [o for u in result.units for o in u.objectives]
    aligned_to: dict[str, list[ObjectiveResult]] = {}
    for o in objectives:
        if o.objective.aligns_to:
            aligned_to.setdefault(o.objective.aligns_to, []).append(o)
    paths = {f"{o.unit_id}/{o.objective.id}" for o in objectives}
    root = org.root()
    for unit_result in result.units:
        unit = unit_result.unit
        kr_charts = {
            kr.path: _charts(pages, charts.key_result_chart(kr, quarter))
            for o in unit_result.objectives
            for kr in o.key_results
        }
        history = unit_history(through, unit.id)
        add_page(
            pages,
            f"units/{unit.id}.md",
            _render(
                "unit.md.j2",
                **{**base, "result": unit_result},
                unit=unit,
                parent=org.unit(unit.parent) if unit.parent else None,
                children=org.children(unit.id),
                aligned_to={
                    k: [f"{o.unit_id}/{o.objective.id}" for o in v] for k, v in aligned_to.items()
                },
                kr_charts=kr_charts,
                history_chart=_charts(
                    pages, charts.unit_history_chart(unit, _points(history), bands=policy.bands)
                ),
            ),
        )

    org_objectives = [o for o in objectives if root is not None and o.unit_id == root.id]
    unaligned = [
        o
        for o in objectives
        if o not in org_objectives and (o.objective.aligns_to or "") not in paths
    ]
    add_page(
        pages,
        "alignment.md",
        _render(
            "alignment.md.j2",
            **base,
            tree=_alignment_lines(org_objectives, aligned_to, links),
            unaligned=_alignment_lines(unaligned, aligned_to, links),
        ),
    )

    problems = sorted(site.problems, key=lambda p: (p.location, p.code, p.message))
    add_page(
        pages,
        "checks.md",
        _render(
            "checks.md.j2",
            **base,
            problems=problems,
            errors=sum(1 for p in problems if p.severity == "error"),
            warnings=sum(1 for p in problems if p.severity == "warning"),
        ),
    )

    if quarter.closed:
        previous_id = previous_quarter_id(quarter.id)
        previous = next((r for r in through if r.quarter.id == previous_id), None)
        previous_rollups = {
            u.unit.id: getattr(previous.unit(u.unit.id) if previous else None, "rollup", None)
            for u in result.units
        }
        add_page(
            pages,
            "review.md",
            _render(
                "review.md.j2",
                **base,
                previous=previous,
                previous_rollups=previous_rollups,
                objectives=objectives,
                distribution=_distribution(result, policy.bands),
                distribution_chart=_charts(
                    pages, charts.grade_distribution_chart(result, bands=policy.bands)
                ),
                learned=[o for o in objectives if o.objective.retro and o.objective.retro.learned],
                signals=review(through, quarter.id),
            ),
        )

    org_history = unit_history(results, root.id) if root is not None else None
    add_page(
        pages,
        "archive.md",
        _render(
            "archive.md.j2",
            **base,
            results=results,
            org_chart=_charts(
                pages,
                charts.org_history_chart(org, _points(org_history) if org_history else ()),
            ),
        ),
    )
    add_page(pages, "scores.json", dumps(export_quarter(result)))
    return pages
