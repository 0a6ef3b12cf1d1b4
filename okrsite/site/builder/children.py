"""Processes a build starts, ended with it: on Linux the kernel kills each one the moment its
parent dies (PR_SET_PDEATHSIG), so a build killed outright (SIGKILL, a crash) leaves nothing
running behind it."""

from __future__ import annotations

import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """In a child process: be killed when the parent dies; nothing where there is no prctl."""
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
