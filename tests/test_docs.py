"""The README is the user's manual: every command and every check code is in it."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from okrsite.cli import main
from okrsite.model.problems import CODES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _command_paths(group: click.Group, prefix: str = "okrsite") -> list[str]:
    """Every command as a user types it, subcommands of groups included."""
    paths: list[str] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
        else:
            paths.append(path)
    return paths


@pytest.mark.parametrize("command", _command_paths(main))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`{command}" in README, f"README.md does not show `{command}`"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_check_code_is_in_the_readme(code: str) -> None:
    assert f"| {code} |" in README


def test_the_readme_shows_the_two_commands() -> None:
    assert "make site" in README
    assert "make test" in README


def test_the_readme_shows_how_to_publish_with_either_engine() -> None:
    """Publishing names both engines, the setting that switches, and why: Material's end of life."""
    publishing = README[README.index("## Publish your own") : README.index("## Quarter lifecycle")]
    for said in ("2027-05-05", "Zensical", "MkDocs", "engine: zensical", "extra.okrsite.engine"):
        assert said in publishing, said
    # Every synopsis of build and serve (the commands' table, escaping its `|`, and the section).
    for option in ("okrsite build [", "okrsite serve ["):
        starts = [i for i in range(len(README)) if README.startswith(option, i)]
        assert len(starts) == 2, option
        for start in starts:
            shown = README[start : start + 200].replace("\\|", "|")
            assert "--engine mkdocs|zensical" in shown, option
