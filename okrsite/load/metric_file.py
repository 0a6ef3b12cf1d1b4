"""A unit's okrs/metrics/UNIT.yaml to its standing metrics (readings come later)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from okrsite.load.fields import Fields, expect_mapping
from okrsite.load.source_field import read_source
from okrsite.load.yaml_nodes import Mapping, Node, Scalar
from okrsite.model.metrics import DIRECTIONS, DORA_MEASURES, Direction, DoraMeasure, Metric
from okrsite.model.okrs import SLUG
from okrsite.model.problems import Problem, problem, quote
from okrsite.model.sources import GithubSource

METRICS_FILE_FIELDS = ("metrics",)
METRIC_FIELDS = (
    "id",
    "title",
    "owner",
    "measurement",
    "unit",
    "min",
    "max",
    "direction",
    "threshold",
    "dora",
    "source",
    "promoted_from",
)
TIME_MEASURES = ("lead-time", "time-to-restore")
DORA_UNITS: dict[str, tuple[str, ...]] = {
    "deployment-frequency": ("per week", "deploys/week"),
    "lead-time": ("hours", "days"),
    "change-failure-rate": ("%",),
    "time-to-restore": ("hours", "days"),
}
"""The units each DORA measure's values may be in: what okrsite's GitHub source gives (a
frequency per week, a rate in percent, a time in hours or days). The first is the default."""
_SLUG = SLUG.pattern[1:-1]
KR_PATH = re.compile(f"^{_SLUG}/{_SLUG}/{_SLUG}$")


@dataclass(frozen=True)
class MetricFile:
    """What a unit's metrics YAML gave: its metrics (None if unreadable) and every id declared."""

    metrics: tuple[Metric, ...] | None
    declared: frozenset[str]  # metric ids declared, even on a metric with errors


def _declared_id(node: Node) -> str | None:
    if isinstance(node, Mapping):
        value = node.get("id")
        if isinstance(value, Scalar) and isinstance(value.value, str | int):
            return str(value.value)
    return None


def read_metrics(node: Node, unit_id: str, problems: list[Problem]) -> MetricFile:
    """The standing metrics in a unit's metrics YAML; problems appended, broken ones left out."""
    top = expect_mapping(node, "the file", problems)
    if top is None:
        return MetricFile(None, frozenset())
    fields = Fields(top, f"unit {quote(unit_id)} metrics", METRICS_FILE_FIELDS, problems)
    listed = fields.items("metrics", required=True)
    if listed is None:
        return MetricFile(None, frozenset())
    metrics: list[Metric] = []
    declared: set[str] = set()
    for item in listed.items:
        metric = _read_metric(item, unit_id, problems)
        named = _declared_id(item)
        if named is not None and named in declared:
            # Whether or not the first one could be read: each id is one metric's.
            problems.append(
                problem(
                    "OKR124",
                    item.location,
                    f"unit {quote(unit_id)}: metric {quote(named)} is defined twice",
                )
            )
            continue
        if named is not None:
            declared.add(named)
        if metric is not None:
            metrics.append(metric)
    return MetricFile(tuple(metrics), frozenset(declared))


def _read_metric(node: Node, unit_id: str, problems: list[Problem]) -> Metric | None:
    mapping = expect_mapping(node, f"unit {quote(unit_id)}: a metric", problems)
    if mapping is None:
        return None
    declared = _declared_id(mapping)
    label = f"metric {quote(f'{unit_id}/{declared}')}" if declared else f"{unit_id}: metric"
    fields = Fields(mapping, label, METRIC_FIELDS, problems)
    metric_id = fields.slug("id", required=True)
    title = fields.text("title", required=True)
    owner = fields.text("owner", required=True)
    measurement = fields.text("measurement", required=True)
    unit = fields.text("unit")
    low = fields.number("min")
    high = fields.number("max")
    direction = _direction(fields.choice("direction", DIRECTIONS))
    threshold = fields.number("threshold")
    dora = _dora(fields.choice("dora", DORA_MEASURES))
    promoted_from = fields.text("promoted_from")
    source_node = fields.mapping("source")
    source = read_source(source_node, label, problems) if source_node is not None else None
    if source_node is not None and source is None:
        fields.ok = False
    low, high = _healthy_range(fields, low, high, direction, threshold)
    if promoted_from is not None and not KR_PATH.fullmatch(promoted_from):
        fields.fail(
            "OKR014",
            fields.at("promoted_from"),
            f"promoted_from {quote(promoted_from)} must be UNIT/OBJECTIVE/KR, "
            "e.g. checkout/reliability/checkout-errors",
        )
    dora, unit = _dora_unit(fields, dora, unit, source)
    if not fields.ok or metric_id is None or title is None or owner is None or measurement is None:
        return None
    if direction is None and (low is None) != (high is None):
        direction = "up" if low is not None else "down"  # the one bound says which way is better
    return Metric(
        unit_id=unit_id,
        id=metric_id,
        title=title,
        owner=owner,
        measurement=measurement,
        unit=unit,
        min=low,
        max=high,
        direction=direction,
        dora=dora,
        source=source,
        promoted_from=promoted_from,
        location=mapping.location,
    )


def _direction(value: str | None) -> Direction | None:
    return next((d for d in DIRECTIONS if d == value), None)


def _dora(value: str | None) -> DoraMeasure | None:
    return next((d for d in DORA_MEASURES if d == value), None)


def _healthy_range(
    fields: Fields,
    low: float | None,
    high: float | None,
    direction: Direction | None,
    threshold: float | None,
) -> tuple[float | None, float | None]:
    """min and max from either min/max or a direction with a threshold; one form, not both."""
    if threshold is not None:
        if low is not None or high is not None:
            fields.fail(
                "OKR120",
                fields.at("threshold"),
                "give the healthy range as min/max or as direction with threshold, not both",
            )
            return low, high
        if direction is None:
            fields.fail(
                "OKR120",
                fields.at("threshold"),
                "threshold needs a direction: up (healthy at or above it) or down (at or below)",
            )
            return None, None
        return (threshold, None) if direction == "up" else (None, threshold)
    if low is None and high is None:
        if fields.get("min") is None and fields.get("max") is None and fields.ok:
            fields.fail(
                "OKR120",
                fields.location,
                "a standing metric needs a healthy range: min, max or both, or direction "
                "(up or down) with threshold",
            )
        return None, None
    if low is not None and high is not None and low > high:
        fields.fail("OKR110", fields.at("min"), f"min ({low:g}) is greater than max ({high:g})")
    return low, high


def _dora_unit(
    fields: Fields, dora: DoraMeasure | None, unit: str | None, source: object
) -> tuple[DoraMeasure | None, str | None]:
    """The DORA measure (given, or the GitHub source's) and the unit its values are in."""
    if isinstance(source, GithubSource):
        if dora is not None and dora != source.measure:
            fields.fail(
                "OKR122",
                fields.at("dora"),
                f"dora {quote(dora)} differs from the source's measure {quote(source.measure)}",
            )
            return dora, unit
        dora = source.measure
        if dora in TIME_MEASURES and unit is None:
            unit = source.time_unit
        if dora in TIME_MEASURES and unit is not None and unit != source.time_unit:
            fields.fail(
                "OKR122",
                fields.at("unit"),
                f"unit {quote(unit)} differs from the source's time_unit "
                f"{quote(source.time_unit)}; the values are in {source.time_unit}",
            )
    if dora is None:
        return None, unit
    allowed = DORA_UNITS[dora]
    if unit is None and dora not in TIME_MEASURES:
        return dora, allowed[0]
    if unit not in allowed:
        fields.fail(
            "OKR122",
            fields.at("unit") if unit is not None else fields.location,
            f"a {dora} metric needs unit: {' or '.join(allowed)}, the unit its DORA level is "
            f"read in{'' if unit is None else f', not {quote(unit)}'}",
        )
    return dora, unit
