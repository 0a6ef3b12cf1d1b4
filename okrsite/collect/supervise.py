"""The supervisor a command source's program runs under, so that nothing it starts outlives it.

`okrsite collect` starts this file as a script (`python -I -S supervise.py ...`, the standard
library only) and the supervisor starts the program in a process group of its own. On Linux the
supervisor is a child subreaper (PR_SET_CHILD_SUBREAPER): a descendant that leaves the program's
process group (setsid, a double fork) is re-parented to the supervisor when its parent dies, not
to init, so it can still be found. The supervisor reports the program's exit on a pipe, and when
collect closes its end of a second pipe, the lifeline, it kills the program's group and every
process re-parented to it, again until none is left, and reaps them. collect closes the lifeline
when it has read the program's output, at the timeout, and by dying: the system closes a killed
process's pipes, so a SIGKILL of collect ends the command too.

Elsewhere (macOS, where there is no subreaper) the same supervisor kills the program's process
group only: a descendant that started a session of its own is out of reach.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import IO

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
POLL = 0.01  # seconds between the supervisor's looks at the program
END_WAIT = 10.0  # seconds collect waits for the supervisor to clear up before killing it


def become_subreaper() -> bool:
    """Make this process a child subreaper (Linux); whether it is one."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def children(parent: int) -> list[int]:
    """The processes whose parent is parent, zombies included, read from /proc (none without)."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    found = []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()
        except OSError:  # exited meanwhile
            continue
        if len(fields) > 1 and fields[1] == str(parent).encode():
            found.append(int(name))
    return found


def end_children() -> None:
    """SIGKILL and reap every child of this process, again until none is left: reaping one
    re-parents its own children here (this process being a subreaper), and the next round
    ends them."""
    while found := children(os.getpid()):
        for pid in found:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in found:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _status(info: os.waitid_result) -> int:
    """A returncode as subprocess gives it: the exit code, or minus the signal that killed it."""
    if info.si_code == os.CLD_EXITED:
        return info.si_status
    return -info.si_status


def _stop(_signum: int, _frame: object) -> None:
    raise SystemExit(1)


def supervise(lifeline: int, status: int, argv: list[str]) -> int:
    """Run argv in a process group of its own; write `exited CODE` (or `oserror ERRNO`) to
    status; at EOF on lifeline, end the program and every descendant re-parented here."""
    become_subreaper()
    signal.signal(signal.SIGTERM, _stop)
    try:
        program = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as error:
        os.write(status, f"oserror {error.errno or 0}\n".encode())
        return 0
    # Let go of collect's output pipes: they close once the program and its children close them.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    reported = False
    try:
        while not select.select([lifeline], [], [], POLL)[0]:
            if reported:
                continue
            # WNOWAIT: the program stays unreaped, so its process group's id stays its own.
            info = os.waitid(os.P_PID, program.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            if info is not None:
                os.write(status, f"exited {_status(info)}\n".encode())
                reported = True
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(program.pid, signal.SIGKILL)
        program.wait()
        end_children()
    return 0


@dataclass
class Supervised:
    """A program running under the supervisor, as collect holds it."""

    process: subprocess.Popen[bytes]  # the supervisor; its stdout and stderr are the program's
    lifeline: int  # the write end collect holds: closing it ends the program and its descendants
    status: int  # the read end of the supervisor's reports

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None  # PIPE
        return self.process.stdout

    @property
    def stderr(self) -> IO[bytes]:
        assert self.process.stderr is not None  # PIPE
        return self.process.stderr

    def report(self, timeout: float) -> str | None:
        """The supervisor's report (`exited CODE`, `oserror ERRNO`), or None: none came within
        timeout, or the supervisor ended without one ("" then)."""
        line = b""
        while not line.endswith(b"\n"):
            if not select.select([self.status], [], [], max(timeout, 0))[0]:
                return None
            chunk = os.read(self.status, 64)
            if not chunk:
                return ""
            line += chunk
        return line.decode("ascii", "replace").strip()

    def end(self) -> None:
        """End the program and all it started, wait for the supervisor, close every pipe."""
        with contextlib.suppress(OSError):
            os.close(self.lifeline)
        try:
            self.process.wait(timeout=END_WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
        with contextlib.suppress(OSError):
            os.close(self.status)


def start(argv: list[str], cwd: str, env: dict[str, str]) -> Supervised:
    """Start argv under the supervisor, in cwd with env; OSError if Python cannot be started."""
    lifeline_read, lifeline = os.pipe()
    status, status_write = os.pipe()
    script = os.path.abspath(__file__)
    try:
        process = subprocess.Popen(
            # -I -S: no environment variable, user or site folder reaches the supervisor, and
            # this folder is not on its path (collect/http.py would hide the standard http).
            [sys.executable, "-I", "-S", script, str(lifeline_read), str(status_write), *argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(lifeline_read, status_write),
            start_new_session=True,  # a Ctrl-C in collect's terminal is collect's to handle
        )
    except OSError:
        os.close(lifeline)
        os.close(status)
        raise
    finally:
        os.close(lifeline_read)
        os.close(status_write)
    return Supervised(process, lifeline, status)


if __name__ == "__main__":
    sys.exit(supervise(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]))
