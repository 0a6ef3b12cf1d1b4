"""The markers `make test-fast` leaves out: every name in conftest.MARKS still names something,
each marker is registered, the Makefile leaves out exactly these and CONTRIBUTING.md says which."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import MARKS, PROJECT, WHOLE_MODULE

TESTS = PROJECT / "tests"


def functions_of(module: Path) -> set[str]:
    """The names of module's top-level functions: its tests, fixtures and helpers."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


@pytest.mark.parametrize(
    ("marker", "module"), [(marker, module) for marker, where in MARKS.items() for module in where]
)
def test_every_name_given_a_marker_is_a_test_or_fixture_of_its_module(
    marker: str, module: str
) -> None:
    path = TESTS / f"{module}.py"
    assert path.is_file(), f"MARKS[{marker!r}] names {module}, which is not in tests/"
    missing = sorted(MARKS[marker][module] - {WHOLE_MODULE} - functions_of(path))
    assert not missing, f"MARKS[{marker!r}][{module!r}] names what {path.name} lacks: {missing}"


def test_every_marker_is_registered(pytestconfig: pytest.Config) -> None:
    registered = {line.split(":", 1)[0] for line in pytestconfig.getini("markers")}
    assert set(MARKS) <= registered


def test_make_test_fast_leaves_out_exactly_the_markers() -> None:
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test-fast:.*\n\t(.*)$", makefile, re.MULTILINE)
    assert recipe is not None
    expression = re.search(r'-m "([^"]*)"', recipe.group(1))
    assert expression is not None
    left_out = expression.group(1).split(" and ")
    assert all(term.startswith("not ") for term in left_out), left_out
    assert sorted(term.removeprefix("not ") for term in left_out) == sorted(MARKS)


def test_contributing_shows_make_test_fast_and_what_it_leaves_out() -> None:
    contributing = (PROJECT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    start = contributing.index("`make test-fast` is the quick loop")
    paragraph = contributing[start : contributing.index("\n\n", start)]
    for marker in MARKS:
        assert f"`{marker}`" in paragraph, marker
