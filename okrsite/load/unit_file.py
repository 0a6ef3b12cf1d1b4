"""A unit's okrs/QUARTER/UNIT.yaml to its objectives and key results (check-ins come later)."""

from __future__ import annotations

from dataclasses import dataclass

from okrsite.load.fields import Fields, expect_mapping
from okrsite.load.source_field import read_source
from okrsite.load.yaml_nodes import Mapping, Node, Scalar
from okrsite.model.okrs import (
    DOMAINS,
    KEY_RESULT_KINDS,
    OBJECTIVE_TYPES,
    Domain,
    KeyResult,
    KeyResultKind,
    Objective,
    ObjectiveType,
    Retro,
    UnitPlan,
)
from okrsite.model.problems import Location, Problem, problem, quote

PLAN_FIELDS = ("objectives",)
OBJECTIVE_FIELDS = (
    "id",
    "title",
    "type",
    "domain",
    "owner",
    "aligns_to",
    "key_results",
    "retro",
)
KEY_RESULT_FIELDS = (
    "id",
    "title",
    "kind",
    "owner",
    "measurement",
    "unit",
    "baseline",
    "target",
    "min",
    "max",
    "weight",
    "grade",
    "grade_note",
    "dropped",
    "source",
    "improves",
)
RETRO_FIELDS = ("learned", "realistic")


@dataclass(frozen=True)
class PlanFile:
    """What a unit's YAML gave: the plan (None if unreadable) and every id it declares."""

    plan: UnitPlan | None
    objective_ids: frozenset[str]  # declared, even on an objective with errors
    key_result_refs: frozenset[str]  # OBJECTIVE/KR declared, even on a KR with errors
    aligns_at: tuple[tuple[str, Location], ...] = ()  # objective id, where its aligns_to is
    improves_at: tuple[tuple[str, Location], ...] = ()  # OBJECTIVE/KR, where its improves is


def _declared_id(node: Node) -> str | None:
    """The id a mapping declares, read leniently so a broken item still counts as declared."""
    if isinstance(node, Mapping):
        value = node.get("id")
        if isinstance(value, Scalar) and isinstance(value.value, str | int):
            return str(value.value)
    return None


def read_plan(node: Node, unit_id: str, path: str, problems: list[Problem]) -> PlanFile:
    """The UnitPlan in a unit's YAML document; problems are appended, broken items left out."""
    top = expect_mapping(node, "the file", problems)
    if top is None:
        return PlanFile(None, frozenset(), frozenset())
    fields = Fields(top, f"unit {quote(unit_id)}", PLAN_FIELDS, problems)
    listed = fields.items("objectives", required=True)
    location = next(
        (key.location for key, _ in top.entries if key.value == "objectives"), top.location
    )
    if listed is None:
        # Without a list of objectives nothing in the file, nor its CSV's kr column, can be read.
        return PlanFile(None, frozenset(), frozenset())
    objectives: list[Objective] = []
    aligns_at: list[tuple[str, Location]] = []
    improves_at: list[tuple[str, Location]] = []
    objective_ids: set[str] = set()
    refs: set[str] = set()
    for item in listed.items:
        declared = _declared_id(item)
        if declared is not None:
            objective_ids.add(declared)
            refs.update(
                f"{declared}/{kr_id}"
                for kr_node in _key_result_nodes(item)
                if (kr_id := _declared_id(kr_node)) is not None
            )
        objective = _read_objective(item, unit_id, problems)
        if objective is None:
            continue
        if any(o.id == objective.id for o in objectives):
            problems.append(
                problem(
                    "OKR106",
                    objective.location,
                    f"unit {quote(unit_id)}: objective {quote(objective.id)} is defined twice",
                )
            )
            continue
        objectives.append(objective)
        aligns = item.get("aligns_to") if isinstance(item, Mapping) else None
        if aligns is not None:
            aligns_at.append((objective.id, aligns.location))
        for kr_node in _key_result_nodes(item):
            improves = kr_node.get("improves") if isinstance(kr_node, Mapping) else None
            if improves is not None and (kr_id := _declared_id(kr_node)) is not None:
                improves_at.append((f"{objective.id}/{kr_id}", improves.location))
    plan = UnitPlan(unit_id, tuple(objectives), location)
    return PlanFile(
        plan,
        frozenset(objective_ids),
        frozenset(refs),
        tuple(aligns_at),
        tuple(improves_at),
    )


def _key_result_nodes(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Mapping):
        listed = node.get("key_results")
        if listed is not None and not isinstance(listed, Mapping | Scalar):
            return listed.items
    return ()


def _read_objective(node: Node, unit_id: str, problems: list[Problem]) -> Objective | None:
    mapping = expect_mapping(node, f"unit {quote(unit_id)}: an objective", problems)
    if mapping is None:
        return None
    declared = _declared_id(mapping)
    label = f"objective {quote(f'{unit_id}/{declared}')}" if declared else "objective"
    fields = Fields(mapping, label, OBJECTIVE_FIELDS, problems)
    objective_id = fields.slug("id", required=True)
    title = fields.text("title", required=True)
    objective_type = fields.choice("type", OBJECTIVE_TYPES) or "committed"
    domain = fields.choice("domain", DOMAINS) or "other"
    owner = fields.text("owner")
    aligns_to = fields.text("aligns_to")
    retro = _read_retro(fields, problems)
    listed = fields.items("key_results", required=True)
    key_results: list[KeyResult] = []
    prefix = f"{unit_id}/{declared}" if declared else unit_id
    for item in listed.items if listed else ():
        key_result = _read_key_result(item, prefix, problems)
        if key_result is None:
            continue
        if any(k.id == key_result.id for k in key_results):
            problems.append(
                problem(
                    "OKR107",
                    key_result.location,
                    f"{label}: key result {quote(key_result.id)} is defined twice",
                )
            )
            continue
        key_results.append(key_result)
    if listed is not None and not listed.items:
        fields.fail(
            "OKR116",
            listed.location,
            "has no key results; an objective needs measurable key results (two to four)",
        )
    if not fields.ok or objective_id is None or title is None:
        return None
    return Objective(
        id=objective_id,
        title=title,
        key_results=tuple(key_results),
        type=_objective_type(objective_type),
        domain=_domain(domain),
        owner=owner,
        aligns_to=aligns_to,
        retro=retro,
        location=mapping.location,
    )


def _objective_type(value: str) -> ObjectiveType:
    return "aspirational" if value == "aspirational" else "committed"


def _domain(value: str) -> Domain:
    return next((d for d in DOMAINS if d == value), "other")


def _kind(value: str) -> KeyResultKind:
    return next((k for k in KEY_RESULT_KINDS if k == value), "metric")


def _read_retro(fields: Fields, problems: list[Problem]) -> Retro | None:
    mapping = fields.mapping("retro")
    if mapping is None:
        return None
    inner = Fields(mapping, f"{fields.what} retro", RETRO_FIELDS, problems)
    retro = Retro(learned=inner.text("learned"), realistic=inner.boolean("realistic"))
    if not inner.ok:
        fields.ok = False
    return retro


def _read_key_result(node: Node, prefix: str, problems: list[Problem]) -> KeyResult | None:
    mapping = expect_mapping(node, f"{prefix}: a key result", problems)
    if mapping is None:
        return None
    declared = _declared_id(mapping)
    label = f"key result {quote(f'{prefix}/{declared}')}" if declared else f"{prefix}: key result"
    fields = Fields(mapping, label, KEY_RESULT_FIELDS, problems)
    key_result_id = fields.slug("id", required=True)
    title = fields.text("title", required=True)
    kind = _kind(fields.choice("kind", KEY_RESULT_KINDS) or "metric")
    owner = fields.text("owner", required=True)
    measurement = fields.text("measurement", required=True)
    unit = fields.text("unit")
    baseline = fields.number("baseline", required=kind != "milestone")
    target = fields.number("target", required=kind == "metric")
    low = fields.number("min")
    high = fields.number("max")
    weight = fields.number("weight")
    grade = fields.number("grade")
    grade_note = fields.text("grade_note")
    dropped = fields.text("dropped")
    improves = fields.text("improves")
    source_node = fields.mapping("source")
    source = read_source(source_node, label, problems) if source_node is not None else None
    if source_node is not None and source is None:
        fields.ok = False
    _check_numbers(fields, kind, baseline, target, low, high, weight, grade)
    if (
        not fields.ok
        or key_result_id is None
        or title is None
        or owner is None
        or measurement is None
    ):
        return None
    return KeyResult(
        id=key_result_id,
        title=title,
        owner=owner,
        measurement=measurement,
        kind=kind,
        unit=unit,
        baseline=baseline,
        target=target,
        min=low,
        max=high,
        weight=1.0 if weight is None else weight,
        grade=grade,
        grade_note=grade_note,
        dropped=dropped,
        source=source,
        improves=improves,
        location=mapping.location,
    )


def _check_numbers(
    fields: Fields,
    kind: KeyResultKind,
    baseline: float | None,
    target: float | None,
    low: float | None,
    high: float | None,
    weight: float | None,
    grade: float | None,
) -> None:
    """The rules that tie a KR's numbers together."""
    if kind == "metric" and baseline is not None and target is not None and baseline == target:
        fields.fail(
            "OKR108",
            fields.at("target"),
            f"target equals baseline ({target:g}); a metric needs a change to measure",
        )
    if kind == "guardrail" and fields.get("min") is None and fields.get("max") is None:
        fields.fail(
            "OKR109",
            fields.location,
            "a guardrail needs min, max or both: the range its value must stay in",
        )
    if low is not None and high is not None and low > high:
        fields.fail("OKR110", fields.at("min"), f"min ({low:g}) is greater than max ({high:g})")
    if weight is not None and weight <= 0:
        fields.fail("OKR111", fields.at("weight"), f"weight must be greater than 0, not {weight:g}")
    if grade is not None and not 0 <= grade <= 1:
        fields.fail("OKR112", fields.at("grade"), f"grade must be from 0 to 1, not {grade:g}")
