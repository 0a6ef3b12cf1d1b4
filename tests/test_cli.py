"""What every command shares: --root and --debug on either side of its name, a bad root, help."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.cli.commands import ALL
from okrsite.model.errors import OkrsiteError


def _leaf_commands() -> list[tuple[str, ...]]:
    """Every runnable command as its words, `new quarter` included."""
    words: list[tuple[str, ...]] = []
    for command in ALL:
        assert command.name is not None
        if isinstance(command, click.Group):
            words += [(command.name, name) for name in sorted(command.commands)]
        else:
            words.append((command.name,))
    return sorted(words)


# Each command's arguments, and what it does in a root holding only okrs/2026-Q4/ (no
# org.yaml) while the current directory is empty: every answer names something only the
# root has, so it proves --root reached the command.
ARGUMENTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("build",): (),
    ("check",): (),
    ("checkin",): ("payments", "delivery/lead-time", "7", "--date", "2026-11-20"),
    ("close",): ("2026-Q4",),
    ("collect",): ("--date", "2026-11-20"),
    ("diff",): ("ROOT",),  # the root itself as the base folder
    ("due",): (),
    ("export",): (),
    ("init",): (),
    ("new", "quarter"): ("2027-Q1",),
    ("promote",): ("2026-Q4", "payments", "delivery/lead-time"),
    ("reopen",): ("2026-Q4",),
    ("schema",): (),
    ("serve",): ("--port", "0"),
}


def test_the_table_names_every_command() -> None:
    assert sorted(ARGUMENTS) == _leaf_commands()


@pytest.fixture
def in_empty_folder(tmp_path: Path) -> Iterator[Path]:
    """An empty current directory, so only --root can lead a command to the data."""
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    before = Path.cwd()
    os.chdir(empty)
    try:
        yield tmp_path
    finally:
        os.chdir(before)


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize("words", sorted(ARGUMENTS))
def test_root_and_debug_work_before_and_after_every_command(
    in_empty_folder: Path, words: tuple[str, ...], position: str
) -> None:
    root = in_empty_folder / "repo"
    (root / "okrs" / "2026-Q4").mkdir(parents=True)
    arguments = [str(root) if a == "ROOT" else a for a in ARGUMENTS[words]]
    common = ["--root", str(root), "--debug"]
    argv = [*common, *words] if position == "before" else [*words, *common]
    result = CliRunner().invoke(main, [*argv, *arguments])
    if words == ("schema",):
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in (root / "schemas").iterdir()) == [
            "metrics.schema.json",
            "org.schema.json",
            "quarter.schema.json",
            "unit.schema.json",
        ]
    elif words == ("init",):
        # Without DIR, init writes into --root: the org appears there, beside the quarter.
        assert result.exit_code == 0, result.output
        assert (root / "okrs" / "org.yaml").is_file()
    elif words == ("check",):
        # check reports a missing org.yaml as a located problem, not as an exception.
        assert result.exit_code == 1
        assert result.stdout.startswith("okrs/org.yaml: OKR020 is missing: is '/")
    else:
        # --debug lets the domain error through as an exception instead of a message.
        assert isinstance(result.exception, OkrsiteError), result.output
        message = str(result.exception)
        if words == ("reopen",):
            # From the empty current directory it would be "okrs/2026-Q4/ does not exist".
            assert message.startswith("quarter 2026-Q4 is not closed")
        else:
            # Long paths are shortened in messages; the current directory would show as '.'.
            assert message.startswith("okrs/org.yaml: OKR020 is missing: is '/"), message


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize("words", sorted(ARGUMENTS))
@pytest.mark.parametrize("bad", ["missing", "file"])
def test_a_bad_root_is_a_usage_error_without_traceback(
    tmp_path: Path, words: tuple[str, ...], position: str, bad: str
) -> None:
    root = tmp_path / "nowhere"
    if bad == "file":
        root.write_text("not a folder\n", encoding="utf-8")
    arguments = [str(tmp_path) if a == "ROOT" else a for a in ARGUMENTS[words]]
    argv = ["--root", str(root), *words] if position == "before" else [*words, "--root", str(root)]
    result = CliRunner().invoke(main, [*argv, *arguments])
    assert result.exit_code == 2
    problem = "does not exist" if bad == "missing" else "is a file"
    assert f"Invalid value for '--root': Directory {str(root)!r} {problem}." in result.stderr
    assert "Traceback" not in result.output
    assert not (root / "schemas").exists()  # nothing written under a root that is not there


def test_domain_errors_exit_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "close", "2026-Q4"])
    assert result.exit_code == 2
    assert result.stderr == (
        "okrsite: error: okrs/2026-Q4/ does not exist; there is no quarter 2026-Q4\n"
    )


def test_help_lists_each_command_with_its_whole_summary() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    commands = result.stdout.split("Commands:\n", 1)[1]
    assert "..." not in commands
    for words in _leaf_commands():
        assert f"\n  {words[0]} " in f"\n{commands}"
        help_text = CliRunner().invoke(main, [*words, "--help"])
        assert help_text.exit_code == 0, words
        assert "--root DIRECTORY" in help_text.stdout
        assert "--debug" in help_text.stdout


@pytest.mark.parametrize("words", sorted(ARGUMENTS))
def test_every_option_of_every_command_says_what_it_does(words: tuple[str, ...]) -> None:
    command: click.Command = main
    for word in words:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), word)
        assert found is not None
        command = found
    undocumented = [p.name for p in command.params if isinstance(p, click.Option) and not p.help]
    assert undocumented == []
