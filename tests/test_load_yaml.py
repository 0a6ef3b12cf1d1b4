"""Safe YAML reading: each refused construct and each wrong field is a located error."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from okrsite.load import yaml_nodes
from okrsite.load.repository import load
from okrsite.load.text import MAX_BYTES
from tests.conftest import MINIMAL, ORG_YAML, PAYMENTS_YAML, WriteRepo

PAYMENTS = "okrs/2026-Q4/payments.yaml"


def found(write_repo: WriteRepo, changes: Mapping[str, str | bytes]) -> list[str]:
    """'path:line:col CODE' for every problem loading MINIMAL with changes applied."""
    root = write_repo({**MINIMAL, **changes})
    return [f"{p.location} {p.code}" for p in load(root).problems]


def test_minimal_repository_loads_without_problems(write_repo: WriteRepo) -> None:
    loaded = load(write_repo(MINIMAL))
    assert loaded.problems == ()
    quarter = loaded.repository.quarters[0]
    assert (quarter.id, quarter.start.isoformat(), quarter.end.isoformat()) == (
        "2026-Q4",
        "2026-10-01",
        "2026-12-31",
    )
    (plan,) = quarter.plans
    lead_time = plan.objectives[0].key_results[0]
    assert [(c.row, c.value, c.location.line) for c in lead_time.checkins] == [
        (1, 10.0, 2),
        (2, 8.0, 3),
    ]
    assert loaded.files == (
        "okrs/2026-Q4/payments.csv",
        "okrs/2026-Q4/payments.yaml",
        "okrs/org.yaml",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: A\nname: B\nunits: []\n", "okrs/org.yaml:2:1 OKR004"),
        (
            "name: &n Acme\nunits:\n  - id: eng\n    name: *n\n    kind: org\n",
            "okrs/org.yaml:4:11 OKR005",
        ),
        ("name: !!python/object/apply:os.system [ls]\n", "okrs/org.yaml:1:7 OKR006"),
        ("name: !custom Acme\n", "okrs/org.yaml:1:7 OKR006"),
        ("name: Acme\nunits: [\n", "okrs/org.yaml:3:1 OKR003"),
        ("name: " + "[" * 40 + "]" * 40 + "\n", "okrs/org.yaml:1:38 OKR007"),
    ],
    ids=["duplicate-key", "alias", "python-tag", "custom-tag", "syntax", "deep-nesting"],
)
def test_refused_yaml_is_a_located_error(write_repo: WriteRepo, text: str, expected: str) -> None:
    assert expected in found(write_repo, {"okrs/org.yaml": text})


def test_alias_bomb_is_refused_before_expansion(write_repo: WriteRepo) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    assert found(write_repo, {"okrs/org.yaml": bomb}) == ["okrs/org.yaml:2:8 OKR005"]


def test_oversized_file_is_refused_unread(write_repo: WriteRepo) -> None:
    big = "# padding\n" * (MAX_BYTES // 10 + 1)
    assert found(write_repo, {PAYMENTS: big}) == [f"{PAYMENTS}:1:1 OKR002"]


def test_non_utf8_file_is_located_at_the_bad_byte(write_repo: WriteRepo) -> None:
    text = b"objectives:\n  - id: caf\xe9\n"
    assert found(write_repo, {PAYMENTS: text}) == [f"{PAYMENTS}:2:12 OKR001"]


def test_byte_order_mark_is_accepted(write_repo: WriteRepo) -> None:
    assert found(write_repo, {"okrs/org.yaml": "\ufeff" + ORG_YAML}) == []


def test_unknown_field_suggests_the_nearest_known_one(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, PAYMENTS: PAYMENTS_YAML.replace("unit: days", "unti: days")})
    (problem,) = load(root).problems
    assert (str(problem.location), problem.code) == (f"{PAYMENTS}:10:9", "OKR010")
    assert "did you mean 'unit'?" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("baseline: 12", "baseline: twelve", f"{PAYMENTS}:11:19 OKR012"),
        ("baseline: 12", "baseline: [12]", f"{PAYMENTS}:11:19 OKR012"),
        ("owner: Sam Lee\n        measurement: Deploy", "owner: no\n        measurement: Deploy",
         f"{PAYMENTS}:8:16 OKR012"),
        ("baseline: 12", 'baseline: "12,5"', f"{PAYMENTS}:11:19 OKR012"),
        ("domain: delivery", "domain: deliverry", f"{PAYMENTS}:4:13 OKR013"),
        ("id: lead-time", "id: Lead_Time", f"{PAYMENTS}:6:13 OKR014"),
        ("        owner: Sam Lee\n        measurement: Deploy", "        measurement: Deploy",
         f"{PAYMENTS}:6:9 OKR011"),
    ],
    ids=["text-for-number", "list-for-number", "boolean-for-text", "quoted-decimal-comma",
         "bad-choice", "bad-id", "missing-owner"],
)  # fmt: skip
def test_wrong_field_is_located_at_the_value(
    write_repo: WriteRepo, old: str, new: str, expected: str
) -> None:
    assert PAYMENTS_YAML.count(old) == 1
    problems = found(write_repo, {PAYMENTS: PAYMENTS_YAML.replace(old, new)})
    # A KR left out for a bad id also leaves its check-ins without a KR (OKR041 in the CSV).
    assert [p for p in problems if "OKR041" not in p] == [expected]


def test_boolean_for_text_says_to_quote_it(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, PAYMENTS: PAYMENTS_YAML.replace("owner: Sam Lee", "owner: no")})
    messages = [p.message for p in load(root).problems]
    assert any("the boolean false (put it in quotes to make it text)" in m for m in messages)


def test_quarter_yaml_bad_date_and_status(write_repo: WriteRepo) -> None:
    quarter = "start: 2026-02-30\nend: 2026-12-31\nstatus: frozen\n"
    assert found(write_repo, {"okrs/2026-Q4/quarter.yaml": quarter}) == [
        "okrs/2026-Q4/quarter.yaml:1:8 OKR015",
        "okrs/2026-Q4/quarter.yaml:3:9 OKR013",
    ]


def test_quarter_yaml_dates_and_status_are_read(write_repo: WriteRepo) -> None:
    quarter = "start: 2026-10-05\nend: '2026-12-20'\nstatus: closed\n"
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": quarter})
    loaded = load(root)
    (q,) = loaded.repository.quarters
    assert (q.start.isoformat(), q.end.isoformat(), q.status) == (
        "2026-10-05",
        "2026-12-20",
        "closed",
    )
    assert str(q.location) == "okrs/2026-Q4/quarter.yaml:1:1"


def test_empty_unit_file_is_an_error_at_line_one(write_repo: WriteRepo) -> None:
    assert found(write_repo, {PAYMENTS: ""}) == [f"{PAYMENTS}:1:1 OKR012"]


# --- libyaml and PyYAML's own loader read alike ---------------------------------------------

PROJECT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted(
    p for folder in ("okrs", "tests/fixtures") for p in (PROJECT / folder).rglob("*.yaml")
)


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    assert len(yaml_nodes._LOADERS) == (2 if yaml.__with_libyaml__ else 1)
    assert yaml_nodes._LOADERS[-1] is yaml_nodes._Loader


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(PROJECT)))
def test_every_yaml_file_reads_the_same_with_libyaml_and_without(path: Path) -> None:
    # The same nodes, values and locations, problems and all, from both loaders.
    text = path.read_text(encoding="utf-8", errors="replace")
    for loader in yaml_nodes._LOADERS:
        assert yaml_nodes._parse(text, "f.yaml", loader) == yaml_nodes.parse_yaml(text, "f.yaml")


YAML_PIECES = st.sampled_from(
    ["a", "b: ", "- ", "1", "1e3", "2026-02-30", "~", "&x ", "*x", "!!str ", "!x ", "'q'",
     '"\\u00e9"', "{", "}", "[", "]", ", ", ": ", ":", "-", "'", '"', "\n", "  ", "\t", "#c",
     " #c", "|", "|\n  t", ">", "? ", "---\n", "...", "%YAML 1.2\n", "key: value\n",
     "  - x\n", "k:\n  a: 1\n", "é", "\x85", "\x07", "\ufeff"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(YAML_PIECES, max_size=24).map("".join))
def test_any_text_reads_as_pyyaml_s_own_loader_reads_it(text: str) -> None:
    # Valid or not: what parse_yaml reports (through libyaml where it can) is exactly what
    # PyYAML's own Python loader gives, messages and locations included.
    assert yaml_nodes.parse_yaml(text, "f.yaml") == yaml_nodes._parse(
        text, "f.yaml", yaml_nodes._Loader
    )
