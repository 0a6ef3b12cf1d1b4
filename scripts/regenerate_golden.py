"""Rewrite tests/golden/site/ from tests/golden/fixture/: the pages the golden-site test expects.

Usage: make golden   (or .venv/bin/python scripts/regenerate_golden.py)

Builds the fixture organisation's pages as tests/test_golden_site.py does (same code, same pinned
today), writes the files that changed and deletes those no longer generated. Review the result
with `git diff tests/golden/site/` before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Regenerate the golden tree and say what changed."""
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))  # run as a file, the project root is not on the path
    from tests.test_golden_site import GOLDEN, generate, write_tree

    files = generate()
    written, deleted = write_tree(files, GOLDEN)
    where = GOLDEN.relative_to(PROJECT).as_posix()
    for path in written:
        print(f"wrote {where}/{path}")
    for path in deleted:
        print(f"deleted {where}/{path}")
    print(f"{where}/: {len(files)} files; {len(written)} written, {len(deleted)} deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
