"""org.yaml's owners: names to GitHub handles, read and checked (OKR017, OKR215), in the schema."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from okrsite import pipeline
from okrsite.load.repository import load
from okrsite.load.schemas import ORG_SCHEMA, schemas
from okrsite.model.okrs import Org, Owner, is_github_handle
from okrsite.model.problems import Location
from tests.conftest import MINIMAL, ORG_YAML, WriteRepo

TODAY = date(2026, 11, 27)


def _org(owners: str) -> dict[str, str]:
    return {**MINIMAL, "okrs/org.yaml": ORG_YAML + "owners:\n" + owners}


def _problems(write_repo: WriteRepo, files: Mapping[str, str]) -> list[str]:
    return [f"{p.location} {p.code} {p.message}" for p in load(write_repo(files)).problems]


def test_owners_are_read_with_their_handles_and_where_they_are(write_repo: WriteRepo) -> None:
    files = _org('  Sam Lee: {github: sam-lee}\n  "Ana Silva":\n    github: "1234"\n')
    loaded = load(write_repo(files))
    assert loaded.problems == ()
    org = loaded.repository.org
    assert org.owners == (
        Owner("Sam Lee", "sam-lee", Location("okrs/org.yaml", 15, 3)),
        Owner("Ana Silva", "1234", Location("okrs/org.yaml", 16, 3)),
    )
    assert org.github("Sam Lee") == "sam-lee"
    assert org.github("sam lee") is None  # names are matched exactly as written
    assert hash(org) == hash(loaded.repository.org)  # still frozen and hashable


def test_without_owners_nobody_has_a_handle(write_repo: WriteRepo) -> None:
    org = load(write_repo(MINIMAL)).repository.org
    assert org.owners == () and org.github("Sam Lee") is None
    assert Org("Acme", ()).owners == ()


@pytest.mark.parametrize(
    ("handle", "valid"),
    [
        ("sam-lee", True),
        ("a", True),
        ("A1-b2-C3", True),
        ("x" * 39, True),
        ("x" * 40, False),
        ("", False),
        ("-sam", False),
        ("sam-", False),
        ("sam--lee", False),
        ("sam_lee", False),
        ("sam.lee", False),
        ("@sam", False),
        ("sam lee", False),
        ("sam\n", False),
        ("tomás", False),
        ("org/team", False),
    ],
)
def test_github_handle_pattern(handle: str, valid: bool) -> None:
    assert is_github_handle(handle) is valid


def test_a_bad_handle_is_a_located_okr017(write_repo: WriteRepo) -> None:
    found = _problems(write_repo, _org("  Sam Lee: {github: sam--lee}\n"))
    assert found == [
        "okrs/org.yaml:15:21 OKR017 owners: 'Sam Lee': github 'sam--lee' is not a GitHub user "
        "name: 1 to 39 letters, digits and single hyphens, not starting or ending with a hyphen"
    ]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ('"@sam-lee"', "; write it without the @: sam-lee"),
        ("https://github.com/sam-lee", "; give the user name alone, not the profile's address"),
        ("-sam", ""),
        ('"' + "x" * 40 + '"', ""),
    ],
)
def test_a_bad_handle_says_how_to_fix_it(write_repo: WriteRepo, value: str, hint: str) -> None:
    (problem,) = load(write_repo(_org(f"  Sam Lee: {{github: {value}}}\n"))).problems
    assert problem.code == "OKR017" and problem.location.line == 15
    assert problem.message.endswith("not starting or ending with a hyphen" + hint)


def test_other_mistakes_are_the_usual_codes(write_repo: WriteRepo) -> None:
    owners = (
        "  Sam Lee: {github: 1234}\n"  # a number: quote it
        "  Ana Silva: {}\n"  # github is required
        "  Ravi Shankar: {github: ravi, slack: ravi}\n"  # unknown field
        "  Mei Lin: mei-lin\n"  # not a mapping
        "  12: {github: twelve}\n"  # a name is text
        '  "Dana\u202eReyes": {github: dana}\n'  # bidirectional control character
    )
    codes = [line.split()[:2] for line in _problems(write_repo, _org(owners))]
    assert codes == [
        ["okrs/org.yaml:15:21", "OKR012"],
        ["okrs/org.yaml:16:14", "OKR011"],
        ["okrs/org.yaml:17:32", "OKR010"],
        ["okrs/org.yaml:18:12", "OKR012"],
        ["okrs/org.yaml:19:3", "OKR012"],
        ["okrs/org.yaml:20:3", "OKR016"],
    ]
    assert load(write_repo(_org(owners))).repository.org.owners == ()


def test_owners_must_be_a_mapping(write_repo: WriteRepo) -> None:
    files = {**MINIMAL, "okrs/org.yaml": ORG_YAML + "owners: [Sam Lee]\n"}
    assert [p.split()[1] for p in _problems(write_repo, files)] == ["OKR012"]


def _warnings(write_repo: WriteRepo, files: Mapping[str, str]) -> list[str]:
    checked = pipeline.check(write_repo(files), TODAY)
    return [f"{p.location} {p.code} {p.message}" for p in checked.problems if p.code == "OKR215"]


def test_an_owner_of_no_key_result_is_okr215_with_the_nearest_name(write_repo: WriteRepo) -> None:
    files = _org("  Sam Lee: {github: sam-lee}\n  Sam Le: {github: sam-le}\n")
    assert _warnings(write_repo, files) == [
        "okrs/org.yaml:16:3 OKR215 owners: 'Sam Le' owns no key result in any quarter, so its "
        "GitHub handle is never used: write the name exactly as key results give it in owner:; "
        "did you mean 'Sam Lee'?"
    ]
    assert _warnings(write_repo, _org("  Sam Lee: {github: sam-lee}\n")) == []


def test_okr215_can_be_switched_off(write_repo: WriteRepo) -> None:
    files = _org("  Nobody: {github: nobody}\n")
    assert len(_warnings(write_repo, files)) == 1
    org = files["okrs/org.yaml"] + "policy:\n  ignore: [OKR215]\n"
    assert _warnings(write_repo, {**files, "okrs/org.yaml": org}) == []


def _schema_errors(data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schemas()[ORG_SCHEMA])
    return sorted(error.message for error in validator.iter_errors(data))


def test_the_schema_checks_owners_as_the_loader_does() -> None:
    org = {"name": "Acme", "units": [{"id": "eng", "name": "Eng", "kind": "org"}]}
    assert _schema_errors({**org, "owners": {"Sam Lee": {"github": "sam-lee"}}}) == []
    for bad in ("-sam", "sam--lee", "@sam", "x" * 40, 1234):
        assert len(_schema_errors({**org, "owners": {"Sam Lee": {"github": bad}}})) == 1, bad
    assert len(_schema_errors({**org, "owners": {"Sam Lee": {}}})) == 1
    assert len(_schema_errors({**org, "owners": {"Sam Lee": {"github": "s", "x": 1}}})) == 1
    assert len(_schema_errors({**org, "owners": {"": {"github": "s"}}})) == 1


def test_the_demo_maps_a_few_owners_and_warns_about_none(tmp_path: Path) -> None:
    project = Path(__file__).resolve().parent.parent
    checked = pipeline.check(project, TODAY)
    org = checked.loaded.repository.org
    assert len(org.owners) >= 3
    assert all(is_github_handle(owner.github) for owner in org.owners)
    assert [p for p in checked.problems if p.code in ("OKR017", "OKR215")] == []
