"""Memory a build has freed, handed back to the system between quarters.

A quarter's pages, charts and engine build take tens of MiB each and are freed once it is
built; without this, glibc keeps most of the freed heap mapped, and each process grows with
every quarter it handles until the last (issue 21: the peak at 200 teams x 8 quarters)."""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable
from functools import cache


def give_back() -> None:
    """Collect garbage, then return the C heap's free pages to the system where glibc can."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim; None elsewhere (musl, macOS, Windows have none)."""
    if sys.platform != "linux":
        return None
    try:
        function: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return function
