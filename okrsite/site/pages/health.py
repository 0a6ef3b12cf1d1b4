"""Standing metrics on a quarter's site, as of the quarter's as-of date. Pure: text from results.

    health/index.md         the org's Health page: every metric, breaches first, the DORA measures
    units/<unit>.md#health  a unit's health: its own metrics, each under a heading of its own
                            (#metric_<id>), then a table of those of the units below it

A unit's health is a section of its own page, not a page of its own: at 200 teams a page costs
about 60 KB of the theme's navigation before a word of its own, and a team reads its health where
it reads its OKRs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from okrsite.model.health import MetricResult
from okrsite.model.metrics import Metric
from okrsite.model.numbers import shown
from okrsite.model.okrs import Org
from okrsite.model.scores import KeyResultResult, QuarterResult
from okrsite.score.health import breaches_first
from okrsite.site.markup import html_text, md_text
from okrsite.site.pages.colours import flag
from okrsite.site.pages.sparkline import LARGE, SMALL, sparkline

HEALTH_DIR = "health"
HEALTH_INDEX = f"{HEALTH_DIR}/index.md"


def metric_anchor(metric: Metric) -> Markup:
    """A metric's anchor on its unit's page: metric_<id>. Ids are slugs, which hold no
    underscore, so it can never be an objective's (<id>) or a KR's (<objective>--<kr>)."""
    return Markup(f"metric_{metric.id}")


@dataclass(frozen=True)
class WorkedOn:
    """A KR that named the metric in `improves:`, in one quarter."""

    quarter_id: str
    quarter_title: str
    key_result: KeyResultResult
    current: bool  # of the quarter whose site this is


def has_health(org: Org, health: Sequence[MetricResult], unit_id: str) -> bool:
    """Whether a unit's page has a Health section: a metric of its own or below it."""
    owners = {m.metric.unit_id for m in health}
    return unit_id in owners or any(u.id in owners for u in org.descendants(unit_id))


def worked_on(through: Sequence[QuarterResult], current: str) -> dict[str, list[WorkedOn]]:
    """The KRs that named each metric (UNIT/METRIC) in `improves:`, quarter by quarter, oldest
    first: one walk over the quarters' KRs for every metric's page."""
    found: dict[str, list[WorkedOn]] = {}
    for r in through:
        for kr in r.key_results():
            if kr.key_result.improves is not None:
                found.setdefault(kr.key_result.improves, []).append(
                    WorkedOn(r.quarter.id, r.quarter.title, kr, r.quarter.id == current)
                )
    return found


def metric_value(value: float | None, metric: Metric) -> Markup:
    """A metric's value with its unit; a dash with none."""
    if value is None:
        return Markup("—")
    unit = f" {md_text(metric.unit)}" if metric.unit else ""
    return Markup(f"{shown(value)}{unit}")


def healthy_range(metric: Metric) -> Markup:
    """The healthy range in symbols: ≥ min, ≤ max, or min to max."""
    unit = f" {md_text(metric.unit)}" if metric.unit else ""
    if metric.min is not None and metric.max is not None:
        return Markup(f"{shown(metric.min)} to {shown(metric.max)}{unit}")
    if metric.min is not None:
        return Markup(f"≥ {shown(metric.min)}{unit}")
    return Markup(f"≤ {shown(metric.max or 0)}{unit}")


def health_status(result: MetricResult) -> Markup:
    """The status in words: breached as an outlined flag with since when, healthy plain."""
    if result.status == "breached" and result.breached_since is not None:
        since = result.breached_since.isoformat()
        return Markup(
            f'{flag("breached")} since <time datetime="{since}">{since}</time>'
            f" ({result.breached_days} days)"
        )
    return Markup("healthy" if result.status == "healthy" else "no reading yet")


def dora_level(result: MetricResult) -> Markup:
    """A DORA measure's performance level, or nothing for another metric."""
    if result.level is None:
        return Markup("")
    return Markup(f"{html_text(result.level)}")


def spark(result: MetricResult, large: bool = False) -> Markup:
    """The metric's sparkline, small for a table row or large under its heading."""
    return sparkline(result, LARGE if large else SMALL)


def metric_link(result: MetricResult, root: str, org: Org) -> Markup:
    """A link to a metric's section on its unit's Health page (root: from the page's folder
    to the docs folder); unit and metric ids are slugs, the title escaped."""
    path = f"{root}units/{result.metric.unit_id}.md#{metric_anchor(result.metric)}"
    return Markup(f"[{md_text(result.metric.title)}]({path})")


def unit_metrics(
    org: Org, health: Sequence[MetricResult], unit_id: str
) -> tuple[tuple[MetricResult, ...], tuple[MetricResult, ...]]:
    """A unit's own metrics (in file order) and those of the units below it (breaches first)."""
    below = {u.id for u in org.descendants(unit_id)}
    own = tuple(m for m in health if m.metric.unit_id == unit_id)
    rest = breaches_first([m for m in health if m.metric.unit_id in below])
    return own, rest


def history_caption(result: MetricResult) -> Markup:
    """The large sparkline's span and range in words, for readers who want the numbers."""
    readings = result.readings
    if not readings:
        return Markup("No readings yet.")
    values = [r.value for r in readings]
    low = metric_value(min(values), result.metric)
    high = metric_value(max(values), result.metric)
    first, last = readings[0].date.isoformat(), readings[-1].date.isoformat()
    spread = f"at {low}" if low == high else f"between {low} and {high}"
    ruled = " Dotted lines mark the start of each quarter." if first[:7] != last[:7] else ""
    count = f"{len(readings)} reading{'s' if len(readings) != 1 else ''}"
    return Markup(f"{count} from {first} to {last}, {spread}.{ruled}")
