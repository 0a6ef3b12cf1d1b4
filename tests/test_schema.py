"""The JSON Schemas: valid draft 2020-12, committed copies current, and the demo data valid."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from okrsite.edit.schemas import write_schemas
from okrsite.load.metric_file import METRIC_FIELDS, METRICS_FILE_FIELDS
from okrsite.load.org_file import ORG_FIELDS, POLICY_FIELDS, UNIT_FIELDS
from okrsite.load.quarter_file import QUARTER_FIELDS
from okrsite.load.schemas import (
    METRICS_SCHEMA,
    ORG_SCHEMA,
    QUARTER_SCHEMA,
    UNIT_SCHEMA,
    render,
    schemas,
)
from okrsite.load.unit_file import KEY_RESULT_FIELDS, OBJECTIVE_FIELDS, PLAN_FIELDS, RETRO_FIELDS
from okrsite.model.okrs import DOMAINS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "okrs"


def _plain(value: Any) -> Any:
    """YAML data as an editor's language server sees it: dates are strings."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schemas()[name], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _errors(name: str, data: Any) -> list[str]:
    return sorted(error.message for error in _validator(name).iter_errors(_plain(data)))


def _schema_for(path: Path) -> str:
    if path.name == "org.yaml":
        return ORG_SCHEMA
    if path.parent.name == "metrics" and path.parent.parent == DEMO:
        return METRICS_SCHEMA
    return QUARTER_SCHEMA if path.name == "quarter.yaml" else UNIT_SCHEMA


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_schema_is_valid_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schemas()[name])


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schemas_equal_the_generated_ones(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render(schemas()[name]), "run `okrsite schema --out schemas`"


DEMO_FILES = sorted(DEMO.rglob("*.yaml"))


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.relative_to(DEMO).as_posix())
def test_every_demo_yaml_file_validates_and_names_its_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    name = _schema_for(path)
    assert _errors(name, yaml.safe_load(text)) == []
    first = text.splitlines()[0]
    depth = len(path.relative_to(ROOT).parts) - 1
    assert first == f"# yaml-language-server: $schema={'../' * depth}schemas/{name}"


def test_demo_has_yaml_files() -> None:
    assert len(DEMO_FILES) > 3
    assert {_schema_for(path) for path in DEMO_FILES} == set(schemas())


def test_properties_are_exactly_what_the_loader_accepts() -> None:
    org, unit = schemas()[ORG_SCHEMA], schemas()[UNIT_SCHEMA]
    assert tuple(org["properties"]) == ORG_FIELDS
    assert tuple(org["$defs"]["unit"]["properties"]) == UNIT_FIELDS
    assert tuple(org["$defs"]["policy"]["properties"]) == POLICY_FIELDS
    assert tuple(unit["properties"]) == PLAN_FIELDS
    assert tuple(unit["$defs"]["objective"]["properties"]) == OBJECTIVE_FIELDS
    assert tuple(unit["$defs"]["key_result"]["properties"]) == KEY_RESULT_FIELDS
    assert tuple(unit["$defs"]["retro"]["properties"]) == RETRO_FIELDS
    assert tuple(schemas()[QUARTER_SCHEMA]["properties"]) == QUARTER_FIELDS
    assert unit["$defs"]["objective"]["properties"]["domain"]["enum"] == list(DOMAINS)
    metrics = schemas()[METRICS_SCHEMA]
    assert tuple(metrics["properties"]) == METRICS_FILE_FIELDS
    assert tuple(metrics["$defs"]["metric"]["properties"]) == METRIC_FIELDS
    assert metrics["$defs"]["source"] == unit["$defs"]["source"]


KR = {"id": "lead-time", "title": "Cut lead time", "owner": "Sam", "measurement": "Pipeline"}


@pytest.mark.parametrize(
    ("key_result", "expected"),
    [
        ({**KR, "baseline": 12, "target": 5}, []),
        ({**KR, "baseline": 12}, ["'target' is a required property"]),
        (
            {**KR, "kind": "guardrail", "baseline": 4},
            ["is not valid under any of the given schemas"],
        ),
        ({**KR, "kind": "guardrail", "baseline": 4, "max": 5}, []),
        ({**KR, "kind": "milestone"}, []),
        ({**KR, "kind": "milestone", "wieght": 2}, ["Additional properties are not allowed"]),
        ({**KR, "kind": "milestone", "weight": 0}, ["0 is less than or equal to the minimum of 0"]),
        ({**KR, "kind": "milestone", "grade": 1.5}, ["1.5 is greater than the maximum of 1"]),
    ],
)
def test_key_result_rules(key_result: dict[str, Any], expected: list[str]) -> None:
    document = {"objectives": [{"id": "delivery", "title": "Ship", "key_results": [key_result]}]}
    errors = _errors(UNIT_SCHEMA, document)
    assert len(errors) == len(expected)
    for error, part in zip(errors, expected, strict=True):
        assert part in error


METRIC = {"id": "pages", "title": "Pages a week", "owner": "Ana", "measurement": "Pager"}
GITHUB = {"kind": "github", "measure": "lead-time", "repositories": ["acme/api"]}
ONE_OF = "is not valid under any of the given schemas"


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ({**METRIC, "max": 5}, []),
        ({**METRIC, "min": 1, "max": 5, "direction": "down"}, []),
        ({**METRIC, "direction": "down", "threshold": 5}, []),
        (METRIC, [ONE_OF]),  # no healthy range (OKR120)
        ({**METRIC, "direction": "down"}, [ONE_OF]),
        ({**METRIC, "threshold": 5}, [ONE_OF]),  # threshold without direction
        ({**METRIC, "max": 5, "direction": "down", "threshold": 5}, [ONE_OF]),  # both forms
        ({**METRIC, "max": 5, "direction": "sideways"}, ["'sideways' is not one of"]),
        ({**METRIC, "max": 5, "treshold": 5}, ["Additional properties are not allowed"]),
        ({**METRIC, "max": 5, "promoted_from": "payments/delivery"}, ["does not match"]),
        ({**METRIC, "max": 5, "promoted_from": "payments/delivery/lead-time"}, []),
        # DORA units (OKR122): a frequency per week, a rate in %, a time in hours or days.
        ({**METRIC, "max": 5, "dora": "change-failure-rate"}, []),
        ({**METRIC, "max": 5, "dora": "change-failure-rate", "unit": "ratio"}, ["is not one of"]),
        ({**METRIC, "min": 5, "dora": "deployment-frequency", "unit": "per week"}, []),
        ({**METRIC, "min": 5, "dora": "deployment-frequency", "unit": "a day"}, ["is not one of"]),
        ({**METRIC, "max": 5, "dora": "lead-time", "unit": "days"}, []),
        ({**METRIC, "max": 5, "dora": "lead-time"}, [ONE_OF]),
        ({**METRIC, "max": 5, "dora": "lead-time", "unit": "weeks"}, ["is not one of"]),
        ({**METRIC, "max": 5, "source": GITHUB}, []),  # hours, from the source
        ({**METRIC, "max": 5, "source": GITHUB, "unit": "hours", "dora": "lead-time"}, []),
        ({**METRIC, "max": 5, "source": GITHUB, "unit": "days"}, ["'hours' was expected"]),
        ({**METRIC, "max": 5, "source": {**GITHUB, "time_unit": "days"}, "unit": "days"}, []),
        (
            {**METRIC, "max": 5, "source": {**GITHUB, "time_unit": "days"}, "unit": "hours"},
            ["'days' was expected"],
        ),
        # dora differs from the source's measure, and no unit for a time to restore.
        ({**METRIC, "max": 5, "source": GITHUB, "dora": "time-to-restore"}, [
            "'lead-time' was expected", ONE_OF
        ]),
        (
            {**METRIC, "max": 5, "source": {**GITHUB, "measure": "change-failure-rate"}},
            [],
        ),
        (
            {**METRIC, "max": 5, "source": {**GITHUB, "measure": "change-failure-rate"},
             "unit": "percent"},
            ["is not one of"],
        ),
    ],
)  # fmt: skip
def test_metric_rules(metric: dict[str, Any], expected: list[str]) -> None:
    errors = _errors(METRICS_SCHEMA, {"metrics": [metric]})
    assert len(errors) == len(expected), errors
    for error, part in zip(errors, expected, strict=True):
        assert part in error


def test_quarter_rules() -> None:
    good = {"start": date(2026, 10, 1), "end": date(2026, 12, 31), "status": "closed"}
    assert _errors(QUARTER_SCHEMA, {**good, "digest": "sha256:" + "0" * 64}) == []
    assert _errors(QUARTER_SCHEMA, {**good, "status": "done"}) == [
        "'done' is not one of ['open', 'closed']"
    ]
    assert len(_errors(QUARTER_SCHEMA, {**good, "digest": "md5:00"})) == 1
    assert len(_errors(QUARTER_SCHEMA, {**good, "start": "2026-13-01"})) == 1


def test_org_rules() -> None:
    org = {"name": "Acme", "units": [{"id": "eng", "name": "Eng", "kind": "org"}]}
    assert _errors(ORG_SCHEMA, org) == []
    assert (
        _errors(ORG_SCHEMA, {**org, "policy": {"ignore": ["OKR203"], "bands": {"red": 0.3}}}) == []
    )
    bad_unit = {"name": "Acme", "units": [{"id": "Eng!", "name": "Eng", "kind": "tribe"}]}
    assert len(_errors(ORG_SCHEMA, bad_unit)) == 2


def test_write_schemas_writes_every_file(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    assert [p.name for p in written] == sorted(schemas())
    for path in written:
        assert json.loads(path.read_text(encoding="utf-8")) == schemas()[path.name]


def test_schema_command_writes_into_the_root_by_default(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from okrsite.cli import main

    result = CliRunner().invoke(main, ["schema", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(schemas())
    assert f"wrote {tmp_path / 'schemas' / UNIT_SCHEMA}" in result.output


def test_schema_out_is_taken_from_the_root_like_build_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from okrsite.cli import main

    (tmp_path / "repo").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    root = tmp_path / "repo"
    relative = CliRunner().invoke(main, ["--root", str(root), "schema", "--out", "editor"])
    assert relative.exit_code == 0, relative.output
    assert sorted(p.name for p in (root / "editor").iterdir()) == sorted(schemas())
    assert not (tmp_path / "elsewhere" / "editor").exists()
    absolute = tmp_path / "absolute"
    result = CliRunner().invoke(main, ["--root", str(root), "schema", "--out", str(absolute)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in absolute.iterdir()) == sorted(schemas())
