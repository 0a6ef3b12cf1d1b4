"""JSON Schemas (draft 2020-12) for org.yaml, quarter.yaml, UNIT.yaml and metrics/UNIT.yaml, for
editors.

The property names come from the loader's field tables (what `okrsite check` accepts), the
allowed words from the model's tuples, and the constraints from the tables below: a field the
loader accepts without a constraint here is a KeyError when the schemas are generated, which a
test does, so the schemas cannot drift from the loader silently.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from okrsite.load.digest import DIGEST
from okrsite.load.metric_file import (
    DORA_UNITS,
    KR_PATH,
    METRIC_FIELDS,
    METRICS_FILE_FIELDS,
    TIME_MEASURES,
)
from okrsite.load.org_file import ORG_FIELDS, OWNER_FIELDS, POLICY_FIELDS, UNIT_FIELDS
from okrsite.load.quarter_file import QUARTER_FIELDS
from okrsite.load.source_field import FIELDS_BY_KIND, MAX_TIMEOUT, MAX_WINDOW_DAYS
from okrsite.load.unit_file import KEY_RESULT_FIELDS, OBJECTIVE_FIELDS, PLAN_FIELDS, RETRO_FIELDS
from okrsite.model.metrics import DIRECTIONS, DORA_MEASURES
from okrsite.model.okrs import (
    DOMAINS,
    GITHUB_HANDLE,
    GITHUB_HANDLE_MAX,
    KEY_RESULT_KINDS,
    OBJECTIVE_TYPES,
    QUARTER_STATUSES,
    SLUG,
    UNIT_KINDS,
)
from okrsite.model.sources import GITHUB_MEASURES, SOURCE_KINDS, TIME_UNITS

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ORG_SCHEMA = "org.schema.json"
QUARTER_SCHEMA = "quarter.schema.json"
UNIT_SCHEMA = "unit.schema.json"
METRICS_SCHEMA = "metrics.schema.json"
UNIT_SCHEMA_COMMENT = f"# yaml-language-server: $schema=../../schemas/{UNIT_SCHEMA}"
QUARTER_SCHEMA_COMMENT = f"# yaml-language-server: $schema=../../schemas/{QUARTER_SCHEMA}"
METRICS_SCHEMA_COMMENT = f"# yaml-language-server: $schema=../../schemas/{METRICS_SCHEMA}"
"""First lines of the files okrsite writes, so editors validate them against the schemas."""

_TEXT: Schema = {"type": "string", "minLength": 1}
_SLUG: Schema = {"type": "string", "pattern": SLUG.pattern}
_NUMBER: Schema = {"type": "number"}
_SHARE: Schema = {"type": "number", "minimum": 0, "maximum": 1}
_DATE: Schema = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_COUNT: Schema = {"type": "integer", "minimum": 1}


def _enum(values: tuple[str, ...], description: str) -> Schema:
    return {"enum": list(values), "description": description}


def _described(schema: Schema, description: str) -> Schema:
    return {**schema, "description": description}


_UNIT: dict[str, Schema] = {
    "id": _described(_SLUG, "Unique slug: lower-case letters, digits and hyphens."),
    "name": _described(_TEXT, "The unit's name as people say it."),
    "kind": _enum(UNIT_KINDS, "org (exactly one, the root), group or team."),
    "parent": _described(_SLUG, "The id of the unit above; required unless kind is org."),
    "lead": _described(_TEXT, "Who leads the unit."),
}

_RETRO: dict[str, Schema] = {
    "learned": _described(_TEXT, "What the quarter taught."),
    "realistic": {"type": "boolean", "description": "Whether the objective was realistic."},
}

_KEY_RESULT: dict[str, Schema] = {
    "id": _described(_SLUG, "Slug, unique in the objective."),
    "title": _described(_TEXT, "The measurable outcome."),
    "owner": _described(_TEXT, "Who checks in on this key result."),
    "measurement": _described(_TEXT, "Where the number comes from and how it is taken."),
    "kind": _enum(
        KEY_RESULT_KINDS,
        "metric (default): baseline to target; guardrail: stay within min/max; "
        "milestone: percent complete.",
    ),
    "unit": _described(_TEXT, "The unit of the value, for display (days, %, ms)."),
    "baseline": _described(_NUMBER, "The value at the start; required for metric and guardrail."),
    "target": _described(_NUMBER, "A metric's goal; not equal to the baseline."),
    "min": _described(_NUMBER, "A guardrail's lowest acceptable value."),
    "max": _described(_NUMBER, "A guardrail's highest acceptable value."),
    "weight": {"type": "number", "exclusiveMinimum": 0, "description": "Weight in the mean."},
    "grade": _described(_SHARE, "The owner's final grade, 0 to 1, when the quarter is graded."),
    "grade_note": _described(_TEXT, "Why the grade is what it is."),
    "dropped": _described(_TEXT, "Why the key result was dropped: it is taken out of the scores."),
    "source": {"$ref": "#/$defs/source"},
    "improves": {
        "type": "string",
        "pattern": f"^(?:{SLUG.pattern[1:-1]}/)?{SLUG.pattern[1:-1]}$",
        "description": "The standing metric this key result moves: METRIC of this unit, or "
        "UNIT/METRIC.",
    },
}

_ENV: Schema = {
    "type": "string",
    "pattern": r"^[A-Z_][A-Z0-9_]{0,63}$",
    "description": "The environment variable holding the credential (never the credential).",
}
_HTTP: Schema = {"type": "string", "format": "uri", "pattern": "^https?://"}

_SOURCE: dict[str, dict[str, Schema]] = {
    "github": {
        "measure": _enum(GITHUB_MEASURES, "The DORA measure to compute."),
        "repositories": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "string",
                "pattern": r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$",
            },
            "description": "OWNER/NAME of each repository, pooled.",
        },
        "window_days": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_WINDOW_DAYS,
            "description": "Whole days (UTC) before the check-in date; default 28.",
        },
        "environment": _described(_TEXT, "Deployments to this environment (Deployments API)."),
        "workflow": _described(
            _TEXT, "Or successful runs of this workflow file (deployment frequency)."
        ),
        "label": _described(_TEXT, "The label of incident issues."),
        "failure_hours": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "An incident this soon after a deployment marks it failed; default 24.",
        },
        "token_env": _ENV,
        "api_url": _described(_HTTP, "GitHub's API address; default https://api.github.com."),
        "time_unit": _enum(TIME_UNITS, "Lead time and time to restore in hours (default) or days."),
    },
    "prometheus": {
        "url": _described(_HTTP, "The Prometheus server's address."),
        "query": _described(_TEXT, "An instant PromQL query giving one number."),
        "token_env": _ENV,
    },
    "json": {
        "path": _described(_TEXT, "A JSON file in the repository, relative to its root."),
        "url": _described(_HTTP, "Or a JSON document's address."),
        "expression": _described(_TEXT, "The JMESPath expression giving the number."),
        "token_env": _ENV,
    },
    "command": {
        "command": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "minLength": 1},
            "description": "The program (a path in the repository) and its arguments.",
        },
        "timeout_seconds": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": MAX_TIMEOUT,
            "description": "Seconds before the command is stopped; default 60.",
        },
    },
}


_METRIC: dict[str, Schema] = {
    "id": _described(_SLUG, "Slug, unique in the file: the metric column of UNIT.csv names it."),
    "title": _described(_TEXT, "What is measured, as people say it."),
    "owner": _described(_TEXT, "Who watches this metric."),
    "measurement": _described(_TEXT, "Where the number comes from and how it is taken."),
    "unit": _described(
        _TEXT,
        "The unit of the value (pages/week, %); a DORA measure's: per week, %, hours or days.",
    ),
    "min": _described(_NUMBER, "The lowest healthy value (healthy at or above it)."),
    "max": _described(_NUMBER, "The highest healthy value (healthy at or below it)."),
    "direction": _enum(
        DIRECTIONS, "Which way is better: up or down; with threshold, the healthy side of it."
    ),
    "threshold": _described(
        _NUMBER, "With direction: healthy at or above it (up) or at or below it (down)."
    ),
    "dora": _enum(DORA_MEASURES, "The DORA measure this is: it also gets a DORA 2024 level."),
    "source": {"$ref": "#/$defs/source"},
    "promoted_from": {
        "type": "string",
        "pattern": KR_PATH.pattern,
        "description": "UNIT/OBJECTIVE/KR of the key result this metric was promoted from.",
    },
}


def _source_schema() -> Schema:
    """A KR's source: one shape per kind, chosen by kind."""
    shapes = []
    for kind in SOURCE_KINDS:
        names = [name for name in FIELDS_BY_KIND[kind] if name != "kind"]
        properties = {"kind": {"const": kind}, **_properties(names, _SOURCE[kind])}
        required = ["kind", *{"github": ["measure", "repositories"], "prometheus": ["url", "query"],
                              "json": ["expression"], "command": ["command"]}[kind]]  # fmt: skip
        shapes.append(_object(properties, required))
    return {"oneOf": shapes, "description": "Where `okrsite collect` reads the value."}


_OBJECTIVE: dict[str, Schema] = {
    "id": _described(_SLUG, "Slug, unique in the file."),
    "title": _described(_TEXT, "The qualitative goal."),
    "key_results": {
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/key_result"},
        "description": "The measurable results that show the objective is met.",
    },
    "type": _enum(OBJECTIVE_TYPES, "committed (default) or aspirational."),
    "domain": _enum(DOMAINS, "The area of engineering health it serves; default other."),
    "owner": _described(_TEXT, "Who owns the objective."),
    "aligns_to": {
        "type": "string",
        "pattern": f"^{SLUG.pattern[1:-1]}/{SLUG.pattern[1:-1]}$",
        "description": "UNIT/OBJECTIVE of an ancestor unit in the same quarter.",
    },
    "retro": {"$ref": "#/$defs/retro"},
}

_QUARTER: dict[str, Schema] = {
    "start": _described(_DATE, "The quarter's first day, YYYY-MM-DD."),
    "end": _described(_DATE, "The quarter's last day, YYYY-MM-DD."),
    "status": _enum(QUARTER_STATUSES, "open, or closed: graded and frozen."),
    "digest": {
        "type": "string",
        "pattern": DIGEST.pattern,
        "description": "Written by `okrsite close`: the frozen data's sha256.",
    },
}

_POLICY_FIELDS: dict[str, Schema] = {
    "bands": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"red": _SHARE, "green": _SHARE},
        "description": "Score below red is red, below green yellow, else green.",
    },
    "expected": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"committed": _SHARE, "aspirational": _SHARE},
        "description": "The score each objective type is expected to reach.",
    },
    "setup_days": _described(
        _COUNT, "The quarter's first days of setup: no band, and no at-risk or off-track, yet."
    ),
    "stale_after_days": _described(_COUNT, "Days without a check-in before a KR is stale."),
    "max_krs_per_objective": _described(_COUNT, "The most key results per objective."),
    "max_objectives": {
        "type": "object",
        "additionalProperties": False,
        "properties": {kind: _COUNT for kind in UNIT_KINDS},
        "description": "The most objectives a unit of each kind may have.",
    },
    "krs_per_objective_at_org": {
        "type": "array",
        "items": _COUNT,
        "minItems": 2,
        "maxItems": 2,
        "description": "The fewest and most key results of an org objective.",
    },
    "ignore": {
        "type": "array",
        "items": {"type": "string", "pattern": r"^OKR\d{3}$"},
        "description": "Warning codes switched off, e.g. OKR203.",
    },
}


def _properties(names: Sequence[str], table: dict[str, Schema]) -> Schema:
    """Each field the loader accepts, in the loader's order, with its schema."""
    return {name: table[name] for name in names}


def _object(properties: Schema, required: list[str], **extra: Any) -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
        **extra,
    }


def _document(title: str, schema_id: str, body: Schema, defs: Schema | None = None) -> Schema:
    head: Schema = {"$schema": DRAFT, "$id": schema_id, "title": title}
    return {**head, **body, **({"$defs": defs} if defs else {})}


_KIND_RULES: list[Schema] = [
    {
        "if": {"not": {"required": ["kind"]}},
        "then": {"required": ["baseline", "target"]},
    },
    {
        "if": {"required": ["kind"], "properties": {"kind": {"const": "metric"}}},
        "then": {"required": ["baseline", "target"]},
    },
    {
        "if": {"required": ["kind"], "properties": {"kind": {"const": "guardrail"}}},
        "then": {"required": ["baseline"], "anyOf": [{"required": ["min"]}, {"required": ["max"]}]},
    },
]


def _either(*names: str) -> Schema:
    return {"anyOf": [{"required": [name]} for name in names]}


def _github_source(measure: str, **properties: Schema) -> Schema:
    """A metric whose source is GitHub's DORA measure, with source properties as given."""
    shape = {"kind": {"const": "github"}, "measure": {"const": measure}, **properties}
    return {
        "required": ["source"],
        "properties": {"source": {"required": ["kind", "measure"], "properties": shape}},
    }


def _metric_rules() -> list[Schema]:
    """What JSON Schema can say of a metric's healthy range and DORA unit (min <= max it cannot:
    `okrsite check` says that, OKR110)."""
    rules: list[Schema] = [
        {
            "oneOf": [
                {**_either("min", "max"), "not": {"required": ["threshold"]}},
                {"required": ["direction", "threshold"], "not": _either("min", "max")},
            ]
        }
    ]
    for measure in DORA_MEASURES:
        units: Schema = {"enum": list(DORA_UNITS[measure])}
        given = {"required": ["dora"], "properties": {"dora": {"const": measure}}}
        then: Schema = {"properties": {"unit": units}}
        if measure in TIME_MEASURES:  # no default: hours or days, said here or by the source
            then["anyOf"] = [{"required": ["unit"]}, _github_source(measure)]
        rules.append({"if": given, "then": then})
        same = {"dora": {"const": measure}}
        if measure not in TIME_MEASURES:
            rules.append(
                {"if": _github_source(measure), "then": {"properties": {**same, "unit": units}}}
            )
            continue
        # The values are in the source's time_unit (hours unless it says days).
        days = _github_source(measure, time_unit={"const": "days"})
        days["properties"]["source"]["required"] = ["kind", "measure", "time_unit"]
        hours = {**_github_source(measure), "not": days}
        for time_unit, chosen in (("days", days), ("hours", hours)):
            unit = {"unit": {"const": time_unit}}
            rules.append({"if": chosen, "then": {"properties": {**same, **unit}}})
    return rules


def org_schema() -> Schema:
    """The schema of okrs/org.yaml."""
    org_fields: dict[str, Schema] = {
        "name": _described(_TEXT, "The organisation's name."),
        "units": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/unit"},
            "description": "A flat list of units; the tree comes from parent.",
        },
        "policy": {"$ref": "#/$defs/policy"},
        "owners": {
            "type": "object",
            "propertyNames": {"minLength": 1},
            "additionalProperties": {"$ref": "#/$defs/owner"},
            "description": "Key result owners, by their name as written in owner:, with their "
            "GitHub handle for `okrsite due`.",
        },
    }
    body = _object(_properties(ORG_FIELDS, org_fields), ["name", "units"])
    owner_fields: dict[str, Schema] = {
        "github": {
            "type": "string",
            "pattern": GITHUB_HANDLE.pattern,
            "maxLength": GITHUB_HANDLE_MAX,
            "description": "The owner's GitHub user name, without the @.",
        },
    }
    owner = _object(_properties(OWNER_FIELDS, owner_fields), ["github"])
    policy = _object(
        _properties(POLICY_FIELDS, _POLICY_FIELDS),
        [],
        description="The organisation's OKR policy; every field has a default.",
    )
    unit = _object(_properties(UNIT_FIELDS, _UNIT), ["id", "name", "kind"])
    defs = {"unit": unit, "policy": policy, "owner": owner}
    return _document("okrsite org.yaml", ORG_SCHEMA, body, defs)


def quarter_schema() -> Schema:
    """The schema of okrs/QUARTER/quarter.yaml."""
    properties = _properties(QUARTER_FIELDS, _QUARTER)
    return _document("okrsite quarter.yaml", QUARTER_SCHEMA, _object(properties, []))


def unit_schema() -> Schema:
    """The schema of okrs/QUARTER/UNIT.yaml."""
    plan: dict[str, Schema] = {
        "objectives": {
            "type": "array",
            "items": {"$ref": "#/$defs/objective"},
            "description": "The unit's objectives for the quarter.",
        }
    }
    body = _object(_properties(PLAN_FIELDS, plan), ["objectives"])
    defs: Schema = {
        "objective": _object(
            _properties(OBJECTIVE_FIELDS, _OBJECTIVE), ["id", "title", "key_results"]
        ),
        "key_result": _object(
            _properties(KEY_RESULT_FIELDS, _KEY_RESULT),
            ["id", "title", "owner", "measurement"],
            allOf=_KIND_RULES,
        ),
        "retro": _object(_properties(RETRO_FIELDS, _RETRO), []),
        "source": _source_schema(),
    }
    return _document("okrsite UNIT.yaml", UNIT_SCHEMA, body, defs)


def metrics_schema() -> Schema:
    """The schema of okrs/metrics/UNIT.yaml: a unit's standing metrics."""
    top: dict[str, Schema] = {
        "metrics": {
            "type": "array",
            "items": {"$ref": "#/$defs/metric"},
            "description": "The unit's standing metrics, each with a healthy range.",
        }
    }
    body = _object(_properties(METRICS_FILE_FIELDS, top), ["metrics"])
    defs: Schema = {
        "metric": _object(
            _properties(METRIC_FIELDS, _METRIC),
            ["id", "title", "owner", "measurement"],
            allOf=_metric_rules(),
        ),
        "source": _source_schema(),
    }
    return _document("okrsite metrics/UNIT.yaml", METRICS_SCHEMA, body, defs)


def schemas() -> dict[str, Schema]:
    """Every schema by file name."""
    return {
        ORG_SCHEMA: org_schema(),
        QUARTER_SCHEMA: quarter_schema(),
        UNIT_SCHEMA: unit_schema(),
        METRICS_SCHEMA: metrics_schema(),
    }


def render(schema: Schema) -> str:
    """A schema as the JSON text okrsite writes: indented, key order kept, newline-terminated."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
