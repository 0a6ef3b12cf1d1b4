"""OKR301 and OKR302: a closed quarter's data must still match the digest written when it closed.

A closed quarter without a digest (written by hand) is accepted as it is: it was never frozen.
"""

from __future__ import annotations

import re
from pathlib import Path

from okrsite.load.digest import DIGEST, quarter_digest
from okrsite.model.layout import OKRS, QUARTER_FILE
from okrsite.model.okrs import Repository
from okrsite.model.problems import Location, Problem, problem, quote


def _quarter_path(quarter_id: str) -> str:
    """The root-relative path of a quarter's quarter.yaml."""
    return f"{OKRS}/{quarter_id}/{QUARTER_FILE}"


def _key_line(text: str, key: str) -> int:
    """The 1-based line of a top-level key in YAML text, or 0 if it has none."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 0


def frozen_quarter_problems(root: Path, repository: Repository) -> list[Problem]:
    """OKR301 for each closed quarter whose data no longer matches its digest, OKR302 if bad."""
    found: list[Problem] = []
    for quarter in repository.quarters:
        if not quarter.closed or quarter.digest is None:
            continue
        path = _quarter_path(quarter.id)
        try:
            text = (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""  # the loader reports an unreadable quarter.yaml
        location = Location(path, _key_line(text, "digest"), 1 if text else 0)
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
        elif quarter_digest(root / OKRS / quarter.id, quarter.start, quarter.end) != (
            quarter.digest
        ):
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
