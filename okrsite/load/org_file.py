"""okrs/org.yaml to the model: the units, their tree, and the policy with its defaults."""

from __future__ import annotations

from dataclasses import dataclass

from okrsite.load.fields import Fields, describe, expect_mapping
from okrsite.load.yaml_nodes import Mapping, Node, Scalar
from okrsite.model.limits import MAX_DEPTH, MAX_UNITS
from okrsite.model.okrs import (
    GITHUB_HANDLE_MAX,
    UNIT_KINDS,
    Bands,
    MaxObjectives,
    Org,
    Owner,
    Policy,
    Unit,
    UnitKind,
    is_github_handle,
)
from okrsite.model.problems import (
    BIDI_CONTROL,
    WARNING_CODES,
    Location,
    Problem,
    bidi_message,
    problem,
    quote,
)

ORG_FIELDS = ("name", "units", "policy", "owners")
UNIT_FIELDS = ("id", "name", "kind", "parent", "lead")
OWNER_FIELDS = ("github",)
POLICY_FIELDS = (
    "bands",
    "expected",
    "setup_days",
    "stale_after_days",
    "max_krs_per_objective",
    "max_objectives",
    "krs_per_objective_at_org",
    "ignore",
)


@dataclass(frozen=True)
class OrgFile:
    """What org.yaml gave: the org (None if unreadable) and every unit id it names."""

    org: Org | None
    named_units: frozenset[str]


def read_org(node: Node, problems: list[Problem]) -> OrgFile:
    """The Org in an org.yaml document; problems are appended, broken units left out."""
    top = expect_mapping(node, "org.yaml", problems)
    if top is None:
        return OrgFile(None, frozenset())
    fields = Fields(top, "org.yaml", ORG_FIELDS, problems)
    name = fields.text("name", required=True)
    named: set[str] = set()
    units: list[Unit] = []
    ids: set[str] = set()
    unit_list = fields.items("units", required=True)
    for item in unit_list.items if unit_list else ():
        unit = _read_unit(item, problems, named)
        if unit is None:
            continue
        if unit.id in ids:
            problems.append(
                problem("OKR105", unit.location, f"unit {quote(unit.id)} is defined twice")
            )
            continue
        ids.add(unit.id)
        units.append(unit)
    if unit_list is not None and not unit_list.items:
        fields.fail("OKR101", unit_list.location, "units is empty; list at least the org unit")
    if unit_list is not None and len(unit_list.items) > MAX_UNITS:
        problems.append(
            problem(
                "OKR060",
                _key_location(top, "units"),
                f"org.yaml lists {len(unit_list.items):,} units; okrsite reads at most "
                f"{MAX_UNITS:,}: split the organisation into several OKR repositories",
            )
        )
    if unit_list is not None:
        _check_tree(units, unit_list.location, problems)
    policy_node = fields.mapping("policy")
    policy = _read_policy(policy_node, problems) if policy_node is not None else Policy()
    owners_node = fields.mapping("owners")
    owners = _read_owners(owners_node, problems) if owners_node is not None else ()
    return OrgFile(Org(name or "", tuple(units), policy, owners), frozenset(named))


def _read_owners(mapping: Mapping, problems: list[Problem]) -> tuple[Owner, ...]:
    """owners: each KR owner's name, as KRs write it in `owner:`, to {github: HANDLE}.

    A broken entry is reported and left out; the rest are read. Duplicate names are the YAML
    reader's to report (OKR004), so each name here is unique.
    """
    owners: list[Owner] = []
    for key, value in mapping.entries:
        name = key.value
        if not isinstance(name, str) or not name.strip():
            shown = "an empty name" if isinstance(name, str) else describe(key)
            problems.append(
                problem(
                    "OKR012",
                    key.location,
                    f"owners: each key must be an owner's name as key results write it in "
                    f"owner:, not {shown}",
                )
            )
            continue
        if (found := BIDI_CONTROL.search(name)) is not None:
            problems.append(
                problem("OKR016", key.location, bidi_message(f"owner {quote(name)}", found.group()))
            )
            continue
        entry = expect_mapping(value, f"owners: {quote(name)}", problems)
        if entry is None:
            continue
        fields = Fields(entry, f"owners: {quote(name)}", OWNER_FIELDS, problems)
        handle = _read_handle(fields)
        if handle is not None and fields.ok:
            owners.append(Owner(name, handle, location=key.location))
    return tuple(owners)


def _read_handle(fields: Fields) -> str | None:
    """The github field: a GitHub login, so that `@HANDLE` mentions that user and no one else."""
    value = fields.text("github", required=True)
    if value is None:
        return None
    if is_github_handle(value):
        return value
    hint = ""
    if value.startswith("@") and is_github_handle(value[1:]):
        hint = f"; write it without the @: {value[1:]}"
    elif value.startswith(("http://", "https://")):
        hint = "; give the user name alone, not the profile's address"
    fields.fail(
        "OKR017",
        fields.at("github"),
        f"github {quote(value)} is not a GitHub user name: 1 to {GITHUB_HANDLE_MAX} letters, "
        f"digits and single hyphens, not starting or ending with a hyphen{hint}",
    )
    return None


def _read_unit(node: Node, problems: list[Problem], named: set[str]) -> Unit | None:
    mapping = expect_mapping(node, "a unit in org.yaml", problems)
    if mapping is None:
        return None
    id_node = mapping.get("id")
    if isinstance(id_node, Scalar) and isinstance(id_node.value, str):
        named.add(id_node.value)
    label = f"unit {quote(id_node.value)}" if isinstance(id_node, Scalar) else "unit"
    fields = Fields(mapping, label, UNIT_FIELDS, problems)
    unit_id = fields.slug("id", required=True)
    name = fields.text("name", required=True)
    kind = fields.choice("kind", UNIT_KINDS)
    if kind is None and fields.get("kind") is None:
        fields.fail("OKR011", fields.location, "the required field 'kind' is missing")
    parent = fields.slug("parent")
    lead = fields.text("lead")
    if not fields.ok or unit_id is None or name is None or kind is None:
        return None
    unit_kind: UnitKind = "org" if kind == "org" else "group" if kind == "group" else "team"
    return Unit(unit_id, name, unit_kind, parent, lead, location=fields.at("id"))


def _check_tree(units: list[Unit], location: Location, problems: list[Problem]) -> None:
    """Exactly one org, a parent for every other unit, parents that exist, no cycles."""
    orgs = [u for u in units if u.kind == "org"]
    if not orgs and units:
        problems.append(
            problem("OKR101", location, "no unit has kind org; exactly one unit must be the org")
        )
    for extra in orgs[1:]:
        problems.append(
            problem(
                "OKR101",
                extra.location,
                f"unit {quote(extra.id)} is a second org (the first is {quote(orgs[0].id)}); "
                "make it a group with a parent",
            )
        )
    ids = {u.id for u in units}
    for unit in units:
        if unit.kind == "org" and unit.parent is not None:
            problems.append(
                problem(
                    "OKR102", unit.location, f"unit {quote(unit.id)} is the org and has no parent"
                )
            )
        elif unit.kind != "org" and unit.parent is None:
            problems.append(
                problem(
                    "OKR102",
                    unit.location,
                    f"unit {quote(unit.id)} is a {unit.kind} and needs a parent",
                )
            )
        elif unit.parent is not None and unit.parent not in ids:
            problems.append(
                problem(
                    "OKR103",
                    unit.location,
                    f"unit {quote(unit.id)} has parent {quote(unit.parent)}, "
                    "which is not a unit in org.yaml",
                )
            )
    _check_cycles(units, problems)
    _check_depth(units, problems)


def _check_cycles(units: list[Unit], problems: list[Problem]) -> None:
    """Each cycle of parents reported once, at its unit first in org.yaml: linear time.

    Every unit's chain of parents is followed until it meets a unit already followed; a chain
    that meets itself closes a cycle. Each unit is visited once in all.
    """
    parents = {u.id: u.parent for u in units}
    position = {u.id: index for index, u in enumerate(units)}
    by_id = {u.id: u for u in units}
    followed: set[str] = set()
    for unit in units:
        path: dict[str, int] = {}
        current: str | None = unit.id
        while current is not None and current in parents and current not in followed:
            followed.add(current)
            path[current] = len(path)
            current = parents[current]
        if current is None or current not in path:
            continue  # the chain ends at the top, or joins one followed before
        members = list(path)[path[current] :]
        first = min(members, key=position.__getitem__)
        turn = members.index(first)
        loop = members[turn:] + members[:turn]
        problems.append(
            problem(
                "OKR104",
                by_id[first].location,
                f"units form a cycle through their parents: {_loop_text(loop)}",
            )
        )


def _loop_text(loop: list[str]) -> str:
    """A cycle as 'a -> b -> c -> a'; a long one shortened, with its length."""
    if len(loop) <= 6:
        return " -> ".join([*loop, loop[0]])
    return " -> ".join([*loop[:4], "…", loop[-1], loop[0]]) + f" ({len(loop)} units)"


def _check_depth(units: list[Unit], problems: list[Problem]) -> None:
    """A unit more than MAX_DEPTH levels down, reported once per branch where it gets too deep.

    Units on or below a cycle have no depth; the cycle is reported on its own.
    """
    ids = {u.id for u in units}
    depth: dict[str, int] = {}  # 0: on or below a cycle
    for unit, parent in Org("", tuple(units)).forest():
        if parent is None:
            # A top: the org, a unit whose parent is missing, or the unit a cycle was cut above.
            depth[unit.id] = 0 if unit.parent in ids else 1
            continue
        above = depth[parent]
        depth[unit.id] = 0 if above == 0 else above + 1
        if depth[unit.id] == MAX_DEPTH + 1:
            problems.append(
                problem(
                    "OKR061",
                    unit.location,
                    f"unit {quote(unit.id)} is {MAX_DEPTH + 1} levels deep (the org is level "
                    f"1); okrsite reads at most {MAX_DEPTH} levels: hang it higher up the tree, "
                    "e.g. under a group nearer the org",
                )
            )


def _key_location(mapping: Mapping, key: str) -> Location:
    """Where a key of the mapping is written, else where the mapping starts."""
    return next((k.location for k, _ in mapping.entries if k.value == key), mapping.location)


def _read_policy(node: Node, problems: list[Problem]) -> Policy:
    mapping = expect_mapping(node, "policy", problems)
    if mapping is None:
        return Policy()
    fields = Fields(mapping, "policy", POLICY_FIELDS, problems)
    default = Policy()
    bands = _read_pair(fields, "bands", ("red", "green"), problems)
    red, green = bands if bands else (default.bands.red, default.bands.green)
    if red > green:
        fields.fail("OKR117", fields.at("bands"), f"bands: red ({red}) is above green ({green})")
    expected = _read_pair(fields, "expected", ("committed", "aspirational"), problems)
    committed, aspirational = (
        expected if expected else (default.expected_committed, default.expected_aspirational)
    )
    if committed <= 0:
        fields.fail(
            "OKR117",
            fields.at("expected"),
            "expected: committed must be above 0 (the other types' thresholds are scaled by it)",
        )
        committed = default.expected_committed
    setup = _positive(fields, "setup_days", default.setup_days)
    stale = _positive(fields, "stale_after_days", default.stale_after_days)
    max_krs = _positive(fields, "max_krs_per_objective", default.max_krs_per_objective)
    return Policy(
        bands=Bands(red, green),
        expected_committed=committed,
        expected_aspirational=aspirational,
        setup_days=setup,
        stale_after_days=stale,
        max_krs_per_objective=max_krs,
        max_objectives=_read_max_objectives(fields, problems),
        krs_per_objective_at_org=_read_kr_range(fields, default.krs_per_objective_at_org),
        ignore=_read_ignore(fields),
    )


def _read_pair(
    fields: Fields, key: str, names: tuple[str, str], problems: list[Problem]
) -> tuple[float, float] | None:
    """A mapping of two shares from 0 to 1, e.g. bands: {red: 0.4, green: 0.7}."""
    mapping = fields.mapping(key)
    if mapping is None:
        return None
    inner = Fields(mapping, f"policy.{key}", names, problems)
    values: list[float] = []
    for name, fallback in zip(names, _defaults(key), strict=True):
        value = inner.number(name)
        if value is not None and not 0 <= value <= 1:
            inner.fail("OKR117", inner.at(name), f"{name} must be from 0 to 1, not {value}")
            value = None
        values.append(fallback if value is None else value)
    return values[0], values[1]


def _defaults(key: str) -> tuple[float, float]:
    policy = Policy()
    if key == "bands":
        return policy.bands.red, policy.bands.green
    return policy.expected_committed, policy.expected_aspirational


def _positive(fields: Fields, key: str, fallback: int) -> int:
    value = fields.integer(key)
    if value is None:
        return fallback
    if value < 1:
        fields.fail("OKR117", fields.at(key), f"{key} must be at least 1, not {value}")
        return fallback
    return value


def _read_max_objectives(fields: Fields, problems: list[Problem]) -> MaxObjectives:
    mapping = fields.mapping("max_objectives")
    default = MaxObjectives()
    if mapping is None:
        return default
    inner = Fields(mapping, "policy.max_objectives", UNIT_KINDS, problems)
    caps = {kind: _positive(inner, kind, default.for_kind(kind)) for kind in UNIT_KINDS}
    return MaxObjectives(org=caps["org"], group=caps["group"], team=caps["team"])


def _read_kr_range(fields: Fields, fallback: tuple[int, int]) -> tuple[int, int]:
    node = fields.items("krs_per_objective_at_org")
    if node is None:
        return fallback
    values = [
        item.value
        for item in node.items
        if isinstance(item, Scalar)
        and isinstance(item.value, int)
        and not isinstance(item.value, bool)
    ]
    if len(node.items) != 2 or len(values) != 2 or not 1 <= values[0] <= values[1]:
        fields.fail(
            "OKR117",
            node.location,
            "krs_per_objective_at_org must be two whole numbers [least, most] with "
            "1 <= least <= most, e.g. [2, 3]",
        )
        return fallback
    return values[0], values[1]


def _read_ignore(fields: Fields) -> frozenset[str]:
    node = fields.items("ignore")
    if node is None:
        return frozenset()
    codes: set[str] = set()
    for item in node.items:
        value = item.value if isinstance(item, Scalar) else None
        if isinstance(value, str) and value in WARNING_CODES:
            codes.add(value)
            continue
        shown = quote(value) if isinstance(value, str) else "this entry"
        fields.fail(
            "OKR118",
            item.location,
            f"ignore lists {shown}, which is not a warning code; only OKR2xx warnings can be "
            "switched off (see the check codes reference)",
        )
    return frozenset(codes)
