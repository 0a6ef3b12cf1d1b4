"""The command source: a program from the repository, run with a timeout, that prints one number.

The program runs in the repository's root with no input and a minimal environment: PATH, HOME,
LANG and TZ as okrsite has them, every variable whose name starts with OKRSITE_, and OKRSITE_DATE,
the check-in date (YYYY-MM-DD). Nothing else passes, so a command that needs a credential gets it
only from a variable named OKRSITE_..., e.g. OKRSITE_PAGER_TOKEN, set for `okrsite collect`.

It runs under a supervisor (collect/supervise.py), in a process group of its own: at the timeout,
or once it has printed more than 1 MiB, or when it has exited, the whole group is killed, and so
is every descendant that left the group (on Linux, where the supervisor is a subreaper), also when
`okrsite collect` itself is killed.
"""

from __future__ import annotations

import errno
import os
import selectors
import shlex
import signal
import stat
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from okrsite.collect import supervise
from okrsite.collect.no_dump import protect_environment
from okrsite.collect.paths import in_repository
from okrsite.collect.readings import Reading, SourceContext, SourceError
from okrsite.model.numbers import NumberError, csv_number, parse_number
from okrsite.model.problems import one_line
from okrsite.model.source_policy import CollectSettings
from okrsite.model.sources import CommandSource

MAX_OUTPUT = 1024 * 1024  # bytes of standard output: one number needs a few
STDERR_KEPT = 64 * 1024  # the tail of standard error, whose last line explains a failure
PASSED = ("PATH", "HOME", "LANG", "TZ")
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"  # for #!/usr/bin/env when okrsite has no PATH
OUTPUT_LIMIT = 80  # characters of the output quoted in a message
STDERR_LIMIT = 200  # characters of standard error's last line quoted in a message
ONE_NUMBER = "it must print one number"


@dataclass(frozen=True)
class Finished:
    """A program that exited: its status, its standard output and the tail of its stderr."""

    returncode: int
    stdout: bytes
    stderr: bytes


def command_env(context: SourceContext) -> dict[str, str]:
    """The environment a command runs with: PATH, HOME, LANG, TZ, OKRSITE_*, OKRSITE_DATE."""
    env = {name: context.env[name] for name in PASSED if name in context.env}
    env.setdefault("PATH", DEFAULT_PATH)
    env.update({name: value for name, value in context.env.items() if name.startswith("OKRSITE_")})
    env["OKRSITE_DATE"] = context.day.isoformat()
    return env


def read_command(source: CommandSource, context: SourceContext) -> Reading:
    """The number the command prints, or SourceError saying why there is none."""
    if not source.command:
        raise SourceError("the command is empty")
    name = one_line(source.command[0], OUTPUT_LIMIT)
    program = _program(context.root, source.command[0], context.settings)
    protect_environment()  # before any program runs: it must not read collect's tokens (T2)
    finished = _run(
        [str(program), *source.command[1:]],
        context.root.resolve(),
        command_env(context),
        source.timeout_seconds,
        name,
    )
    if finished.returncode != 0:
        raise SourceError(_failure(name, finished))
    value = _printed_number(name, finished.stdout)
    note = one_line(shlex.join(source.command), OUTPUT_LIMIT)
    return Reading(value, f"command: {csv_number(value)} from {note}")


def _program(root: Path, relative: str, settings: CollectSettings) -> Path:
    """The executable file relative names inside the programs folder, or SourceError (T2):
    written inside it, and still inside it once every symbolic link is followed."""
    refusal = settings.program_refusal(relative)
    if refusal is not None:
        raise SourceError(refusal)
    path = in_repository(root, relative)
    programs = settings.programs
    folder = root.resolve() / programs
    shown = one_line(relative, OUTPUT_LIMIT)
    if folder.resolve() != folder or not path.is_relative_to(folder):
        raise SourceError(
            f"{shown} leads out of the programs folder {programs}/ through a symbolic link; "
            "command sources run only programs kept there"
        )
    if path.is_dir():
        raise SourceError(f"{shown} is a directory, not a program")
    if not stat.S_ISREG(path.stat().st_mode):
        raise SourceError(f"{shown} is not a regular file")
    if not os.access(path, os.X_OK):
        raise SourceError(f"{shown} is not executable (chmod +x {shown}, and commit the mode)")
    return path


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float, name: str) -> Finished:
    """Run argv under the supervisor until it exits, or SourceError at the timeout or past
    MAX_OUTPUT; however it ends, nothing the program started is left running."""
    deadline = time.monotonic() + timeout
    try:
        supervised = supervise.start(argv, str(cwd), env)
    except OSError as error:
        raise SourceError(f"could not run {name}: {error.strerror}") from None
    try:
        stdout, stderr = _drain(supervised, deadline, timeout, name)
        report = supervised.report(deadline - time.monotonic())
    finally:
        supervised.end()  # the program's process group and every escaped descendant, killed
    if report is None:
        raise SourceError(_too_slow(name, timeout))
    what, _, number = report.partition(" ")
    if what == "oserror":
        code = int(number)
        hint = " (does it start with a #! line?)" if code == errno.ENOEXEC else ""
        raise SourceError(f"could not run {name}: {os.strerror(code)}{hint}")
    if what != "exited":  # the supervisor itself failed: its stderr says why
        tail = _text(stderr).strip().splitlines()
        said = f": {_flattened(tail[-1], STDERR_LIMIT)}" if tail else ""
        raise SourceError(f"could not run {name}: its supervisor failed{said}")
    return Finished(int(number), stdout, stderr)


def _drain(
    process: supervise.Supervised, deadline: float, timeout: float, name: str
) -> tuple[bytes, bytes]:
    """Standard output and the tail of standard error until both close (the program and any
    child holding them have exited), or SourceError at the deadline or past MAX_OUTPUT."""
    stdout, stderr = bytearray(), bytearray()
    with selectors.DefaultSelector() as selector:
        for pipe, buffer in ((process.stdout, stdout), (process.stderr, stderr)):
            assert pipe is not None  # both are PIPE
            selector.register(pipe, selectors.EVENT_READ, buffer)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SourceError(_too_slow(name, timeout))
            for key, _ in selector.select(remaining):
                pipe_file: IO[bytes] = key.fileobj  # type: ignore[assignment]
                chunk = os.read(pipe_file.fileno(), 64 * 1024)
                buffer = key.data
                if not chunk:
                    selector.unregister(pipe_file)
                elif buffer is stdout:
                    stdout += chunk
                    if len(stdout) > MAX_OUTPUT:
                        raise SourceError(
                            f"{name} printed more than 1 MiB; it must print one number"
                        )
                else:
                    stderr += chunk
                    del stderr[:-STDERR_KEPT]
    return bytes(stdout), bytes(stderr)


def _too_slow(name: str, timeout: float) -> str:
    """The message for a command still running at its timeout."""
    return f"{name} did not finish within {timeout:g} seconds"


def _failure(name: str, finished: Finished) -> str:
    """Why a command that exited with a non-zero status failed: the code and stderr's last line."""
    if finished.returncode < 0:
        try:
            how = f"was killed by {signal.Signals(-finished.returncode).name}"
        except ValueError:
            how = f"was killed by signal {-finished.returncode}"
    else:
        how = f"exited with code {finished.returncode}"
    lines = [line for line in _text(finished.stderr).splitlines() if line.strip()]
    if not lines:
        return f"{name} {how} and printed nothing on standard error"
    return f"{name} {how}: {_flattened(lines[-1], STDERR_LIMIT)}"


def _printed_number(name: str, stdout: bytes) -> float:
    """The one number a command printed, or SourceError quoting what it printed instead."""
    text = _text(stdout).strip()
    if not text:
        raise SourceError(f"{name} printed nothing; {ONE_NUMBER}")
    shown = _flattened(text, OUTPUT_LIMIT)
    lines = [line for line in text.split("\n") if line.strip()]  # \r alone ends no line
    if len(lines) > 1:
        raise SourceError(
            f"{name} printed {len(lines)} lines ('{shown}'); it must print one number"
        )
    try:
        return parse_number(text)
    except NumberError as error:
        raise SourceError(f"{name} printed '{shown}', which {error}") from None


def _text(output: bytes) -> str:
    """Output as text: UTF-8, with anything else replaced rather than refused."""
    return output.decode("utf-8", "replace")


def _flattened(text: str, limit: int) -> str:
    """A program's output on one line: whitespace runs as one space, and control and format
    characters (colours, bidi controls) dropped, where one_line would show them escaped, since
    they are the program's formatting rather than its words; then one_line, cut to limit."""
    spaced = " ".join(text.split())
    kept = "".join(char for char in spaced if unicodedata.category(char) not in ("Cc", "Cf"))
    return one_line(kept, limit)
