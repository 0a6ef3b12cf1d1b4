"""OKR301 and OKR302: a closed quarter's data must still match the digest written when it closed.

A closed quarter without a digest (written by hand) is accepted as it is: it was never frozen.
The loader took the digest of the quarter's files as it read them, and where quarter.yaml writes
its digest: this check compares, and reads nothing.
"""

from __future__ import annotations

from okrsite.load.digest import DIGEST
from okrsite.load.repository import Loaded
from okrsite.model.layout import OKRS, QUARTER_FILE
from okrsite.model.problems import Location, Problem, problem, quote


def frozen_quarter_problems(loaded: Loaded) -> list[Problem]:
    """OKR301 for each closed quarter whose data no longer matches its digest, OKR302 if bad."""
    found: list[Problem] = []
    for quarter in loaded.repository.quarters:
        if not quarter.closed or quarter.digest is None:
            continue
        read = loaded.quarters_read.get(quarter.id)
        written = read.written.get("digest") if read is not None else None
        # A digest was read, so its key is written; the path alone should that not hold.
        location = written.key if written else Location(f"{OKRS}/{quarter.id}/{QUARTER_FILE}")
        if not DIGEST.fullmatch(quarter.digest):
            found.append(
                problem(
                    "OKR302",
                    location,
                    f"digest {quote(quarter.digest)} of closed quarter {quarter.id} is not "
                    "sha256: followed by 64 lowercase hex digits; run `okrsite reopen "
                    f"{quarter.id}` then `okrsite close {quarter.id}` to write a good one",
                )
            )
        elif read is None or read.digest != quarter.digest:  # none taken: not shown to match
            found.append(
                problem(
                    "OKR301",
                    location,
                    f"closed quarter {quarter.id} has changed since it was closed: its files "
                    f"no longer match this digest; undo the change (e.g. `git checkout -- "
                    f"okrs/{quarter.id}/`), or run `okrsite reopen {quarter.id}`, edit, and "
                    f"`okrsite close {quarter.id}` again",
                )
            )
    return found
