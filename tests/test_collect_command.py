"""The command source: a program from the repository that prints one number, run with a timeout
in its own process group and a minimal environment."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from okrsite.collect.command import read_command
from okrsite.collect.readings import Reading, SourceContext, SourceError
from okrsite.model.source_policy import CollectSettings
from okrsite.model.sources import CommandSource

DAY = date(2026, 11, 19)
SCRIPTS = CollectSettings(programs="scripts")  # the programs folder of these tests' repository
NOT_IN_SCRIPTS = (
    "is not in the programs folder scripts/ that .github/okrsite-sources.yaml declares; "
    "command sources run only programs kept there (e.g. scripts/"
)
ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": "/nonexistent-home",
    "OKRSITE_TEAM": "payments",
    "SECRET_TOKEN": "s3cret",
}

Script = Callable[..., str]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty repository root, beside a folder that is outside it."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    return root


@pytest.fixture
def script(repo: Path) -> Script:
    """Write a shell script to scripts/NAME in the repository (executable unless told) and give
    its path relative to the root."""

    def write(name: str, body: str, mode: int = 0o755) -> str:
        path = repo / "scripts" / name
        path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        path.chmod(mode)
        return f"scripts/{name}"

    return write


def run(repo: Path, *argv: str, timeout: float = 10.0) -> Reading:
    """Read the command's value as of DAY with ENV."""
    context = SourceContext(root=repo, day=DAY, env=ENV, settings=SCRIPTS)
    return read_command(CommandSource(command=argv, timeout_seconds=timeout), context)


def failure(repo: Path, *argv: str, timeout: float = 10.0) -> str:
    """The message of the SourceError the command gives."""
    with pytest.raises(SourceError) as caught:
        run(repo, *argv, timeout=timeout)
    return str(caught.value)


def alive(pid: int) -> bool:
    """Whether pid is a running process (a zombie waiting for its reaper counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_a_printed_number_is_the_reading(repo: Path, script: Script) -> None:
    path = script("count-incidents.sh", "echo 41")
    assert run(repo, path) == Reading(41.0, "command: 41 from scripts/count-incidents.sh")


@pytest.mark.parametrize(
    ("printed", "value"),
    [("-3.5", -3.5), ("1e3", 1000.0), ("  7  \\n\\n", 7.0), ("0.25", 0.25)],
)
def test_decimals_and_surrounding_blank_space(
    repo: Path, script: Script, printed: str, value: float
) -> None:
    path = script("value.sh", f"printf -- '{printed}'")
    assert run(repo, path).value == value


def test_arguments_pass_and_show_in_the_note(repo: Path, script: Script) -> None:
    path = script("echo-arg.sh", 'echo "$2"')
    reading = run(repo, path, "--team", "12.5")
    assert reading == Reading(12.5, "command: 12.5 from scripts/echo-arg.sh --team 12.5")


def test_it_runs_in_the_repository_root(repo: Path, script: Script) -> None:
    (repo / "count.txt").write_text("17\n", encoding="utf-8")
    assert run(repo, script("cat.sh", "cat count.txt")).value == 17.0


@pytest.mark.parametrize(
    ("printed", "message"),
    [
        (
            "hello",
            "scripts/say.sh printed 'hello', which is not a number; "
            "write digits with a dot for decimals, e.g. 12.5",
        ),
        (
            "1,000,000",
            "scripts/say.sh printed '1,000,000', which is not a number; "
            "write 1000000 (no thousands separators)",
        ),
        (
            "12,5",
            "scripts/say.sh printed '12,5', which is not a number; "
            "write 12.5 (a dot, not a comma, before the decimals)",
        ),
        (
            "nan",
            "scripts/say.sh printed 'nan', which is not a number; write digits with a dot "
            "for decimals, e.g. 12.5",
        ),
        (
            "inf",
            "scripts/say.sh printed 'inf', which is not a number; write digits with a dot "
            "for decimals, e.g. 12.5",
        ),
        (
            "1e999",
            "scripts/say.sh printed '1e999', which is not a number; write digits with a dot "
            "for decimals, e.g. 12.5",
        ),
        (
            "2e15",
            "scripts/say.sh printed '2e15', which is too large; okrsite takes numbers up to "
            "1e+15 either way (change the unit, e.g. to thousands)",
        ),
        (
            "41 42",
            "scripts/say.sh printed '41 42', which is not a number; write digits with a "
            "dot for decimals, e.g. 12.5",
        ),
    ],
)
def test_garbage_is_quoted(repo: Path, script: Script, printed: str, message: str) -> None:
    path = script("say.sh", f"echo '{printed}'")
    assert failure(repo, path) == message


def test_two_lines_are_not_one_number(repo: Path, script: Script) -> None:
    path = script("two.sh", "echo 41; echo; echo 42")
    assert (
        failure(repo, path) == "scripts/two.sh printed 2 lines ('41 42'); it must print one number"
    )


def test_nothing_printed(repo: Path, script: Script) -> None:
    path = script("quiet.sh", "true")
    assert failure(repo, path) == "scripts/quiet.sh printed nothing; it must print one number"


def test_quoted_output_is_one_line_without_control_characters(repo: Path, script: Script) -> None:
    path = script("ansi.sh", r"printf '\033[31mred\033[0m\r\tx\n'; printf 'y%.0s' $(seq 200)")
    message = failure(repo, path)
    shown = "[31mred[0m x y" + "y" * 65 + "…"
    assert message == f"scripts/ansi.sh printed 2 lines ('{shown}'); it must print one number"


def test_a_non_zero_exit_quotes_the_last_line_of_stderr(repo: Path, script: Script) -> None:
    body = "echo 41; echo 'reading incidents' >&2; echo 'no API key in $PAGER_KEY' >&2; exit 3"
    path = script("fails.sh", body)
    assert failure(repo, path) == "scripts/fails.sh exited with code 3: no API key in $PAGER_KEY"


def test_a_non_zero_exit_without_stderr(repo: Path, script: Script) -> None:
    path = script("exit1.sh", "exit 1")
    message = failure(repo, path)
    assert message == "scripts/exit1.sh exited with code 1 and printed nothing on standard error"


def test_a_long_stderr_line_is_cut(repo: Path, script: Script) -> None:
    path = script("long.sh", "printf 'e%.0s' $(seq 300) >&2; exit 2")
    message = failure(repo, path)
    assert message == "scripts/long.sh exited with code 2: " + "e" * 199 + "…"


def test_a_killed_command(repo: Path, script: Script) -> None:
    path = script("killed.sh", "kill -TERM $$")
    message = failure(repo, path)
    assert (
        message == "scripts/killed.sh was killed by SIGTERM and printed nothing on standard error"
    )


def test_a_timeout_kills_the_command_and_its_children(repo: Path, script: Script) -> None:
    path = script("slow.sh", "sleep 30 & echo $! > child.pid; sleep 30")
    started = time.monotonic()
    message = failure(repo, path, timeout=0.5)
    assert message == "scripts/slow.sh did not finish within 0.5 seconds"
    assert time.monotonic() - started < 3
    child = int((repo / "child.pid").read_text(encoding="utf-8"))
    deadline = time.monotonic() + 3
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_a_child_left_running_after_the_command_exits_is_killed(repo: Path, script: Script) -> None:
    # The child lets go of stdout, so the command's exit ends the reading; the child must go too.
    path = script("daemon.sh", "sleep 30 >/dev/null 2>&1 & echo $! > child.pid; echo 5")
    assert run(repo, path).value == 5.0
    child = int((repo / "child.pid").read_text(encoding="utf-8"))
    deadline = time.monotonic() + 3
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


LINUX = pytest.mark.skipif(sys.platform != "linux", reason="a subreaper is Linux's")


def gone_within(pids: list[int], seconds: float) -> bool:
    """Whether every pid has exited (or is a zombie) within seconds."""
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@LINUX
def test_a_child_that_left_the_group_dies_at_the_timeout(repo: Path, script: Script) -> None:
    """T6: a setsid child of a command that timed out writes nothing afterwards."""
    path = script(
        "escape.sh",
        "setsid sh -c 'echo $$ > escaped.pid; sleep 1; echo x > late.txt' & sleep 30",
    )
    message = failure(repo, path, timeout=0.5)
    assert message == "scripts/escape.sh did not finish within 0.5 seconds"
    escaped = int((repo / "escaped.pid").read_text(encoding="utf-8"))
    assert gone_within([escaped], 1)
    time.sleep(1)  # past the moment it would have written
    assert not (repo / "late.txt").exists()


@LINUX
def test_a_child_that_left_the_group_dies_when_the_command_exits(
    repo: Path, script: Script
) -> None:
    """T6: a daemonised child (setsid, a double fork) of a command that printed its number is
    ended with it."""
    path = script(
        "daemon.sh",
        "(setsid sh -c 'echo $$ > escaped.pid; sleep 1; echo x > late.txt' "
        ">/dev/null 2>&1 &) ; sleep 0.2; echo 5",
    )
    assert run(repo, path).value == 5.0
    escaped = int((repo / "escaped.pid").read_text(encoding="utf-8"))
    assert gone_within([escaped], 1)
    time.sleep(1)
    assert not (repo / "late.txt").exists()


def test_endless_output_is_cut_off(repo: Path, script: Script) -> None:
    path = script("yes.sh", "exec yes 1")
    started = time.monotonic()
    message = failure(repo, path, timeout=10)
    assert message == "scripts/yes.sh printed more than 1 MiB; it must print one number"
    assert time.monotonic() - started < 5


def test_endless_stderr_is_killed_at_the_timeout(repo: Path, script: Script) -> None:
    path = script("noisy.sh", "yes complaint >&2")
    assert failure(repo, path, timeout=0.5) == "scripts/noisy.sh did not finish within 0.5 seconds"


@pytest.mark.parametrize(
    ("argv0", "message"),
    [
        ("../outside/run.sh", f"the program '../outside/run.sh' {NOT_IN_SCRIPTS}run.sh)"),
        (
            "scripts/../../outside/run.sh",
            f"the program 'scripts/../../outside/run.sh' {NOT_IN_SCRIPTS}run.sh)",
        ),
        ("/bin/echo", f"the program '/bin/echo' {NOT_IN_SCRIPTS}echo)"),
        ("scripts/link.sh", "scripts/link.sh is a symbolic link to outside the repository"),
        ("scripts/missing.sh", "scripts/missing.sh does not exist in the repository"),
        ("scripts", f"the program 'scripts' {NOT_IN_SCRIPTS}count.sh)"),
        ("scripts/sub", "scripts/sub is a directory, not a program"),
    ],
)
def test_the_program_must_be_a_file_inside_the_repository(
    repo: Path, argv0: str, message: str
) -> None:
    outside = repo.parent / "outside" / "run.sh"
    outside.write_text("#!/bin/sh\necho 1\n", encoding="utf-8")
    outside.chmod(0o755)
    (repo / "scripts" / "link.sh").symlink_to(outside)
    (repo / "scripts" / "sub").mkdir()
    assert failure(repo, argv0) == message


def test_a_symbolic_link_inside_the_repository_is_followed(repo: Path, script: Script) -> None:
    script("real.sh", "echo 3")
    (repo / "scripts" / "alias.sh").symlink_to(repo / "scripts" / "real.sh")
    assert run(repo, "scripts/alias.sh") == Reading(3.0, "command: 3 from scripts/alias.sh")


def test_an_empty_command(repo: Path) -> None:
    assert failure(repo) == "the command is empty"


def test_the_program_must_be_executable(repo: Path, script: Script) -> None:
    path = script("plain.sh", "echo 1", mode=0o644)
    message = failure(repo, path)
    assert message == (
        "scripts/plain.sh is not executable (chmod +x scripts/plain.sh, and commit the mode)"
    )


def test_a_script_without_an_interpreter_line(repo: Path) -> None:
    path = repo / "scripts" / "bare.sh"
    path.write_text("echo 1\n", encoding="utf-8")
    path.chmod(0o755)
    message = failure(repo, "scripts/bare.sh")
    assert message == (
        "could not run scripts/bare.sh: Exec format error (does it start with a #! line?)"
    )


def test_the_environment_is_minimal(repo: Path, script: Script) -> None:
    path = script("env.sh", "env > seen.env; echo 1")
    run(repo, path)
    seen = dict(
        line.split("=", 1)
        for line in (repo / "seen.env").read_text(encoding="utf-8").splitlines()
        if "=" in line
    )
    assert seen["OKRSITE_DATE"] == "2026-11-19"
    assert seen["OKRSITE_TEAM"] == "payments"
    assert seen["PATH"] == ENV["PATH"]
    assert seen["HOME"] == "/nonexistent-home"
    assert "SECRET_TOKEN" not in seen
    assert "s3cret" not in (repo / "seen.env").read_text(encoding="utf-8")


def test_okrsite_date_is_the_check_in_date_even_if_the_environment_sets_it(
    repo: Path, script: Script
) -> None:
    path = script("date.sh", 'echo "$OKRSITE_DATE" | tr -d -')
    context = SourceContext(
        root=repo, day=DAY, env={**ENV, "OKRSITE_DATE": "1999-01-01"}, settings=SCRIPTS
    )
    assert read_command(CommandSource(command=(path,)), context).value == 20261119.0


def test_without_path_the_command_still_finds_its_interpreter(repo: Path) -> None:
    path = repo / "scripts" / "env-sh.sh"
    path.write_text("#!/usr/bin/env sh\necho 9\n", encoding="utf-8")
    path.chmod(0o755)
    context = SourceContext(root=repo, day=DAY, env={}, settings=SCRIPTS)
    assert read_command(CommandSource(command=("scripts/env-sh.sh",)), context).value == 9.0
