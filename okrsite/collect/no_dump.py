"""Keep `okrsite collect`'s environment, and the tokens in it, from the programs it runs (T2).

A program of the same user may read another process's /proc/PID/environ, and so the tokens of
the collect that started it, whatever filtered environment it was given itself. On Linux, a
process made non-dumpable (prctl PR_SET_DUMPABLE 0) has its /proc files owned by root and
refuses such reads from other processes of its user. A program it starts is dumpable again once
it execs, so it runs as before. Only a process with CAP_SYS_PTRACE (root) still reads it: that
is why the Collect workflow runs command sources in a step that holds no secret at all
(`okrsite collect --only command`).
"""

from __future__ import annotations

import ctypes
import sys

PR_SET_DUMPABLE = 4  # linux/prctl.h
PR_GET_DUMPABLE = 3


def protect_environment() -> bool:
    """Make this process non-dumpable (Linux; idempotent); whether it now is."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        return bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False
