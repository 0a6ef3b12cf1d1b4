"""okrsite's own workflows, rendered from the templates an adopter's come from (checkout mode:
they install requirements.lock and this checkout), and the lock copied into the package, which
`okrsite init` pins in a data repository's requirements-okrsite.txt.

    python -m scripts.workflows          # write them
    python -m scripts.workflows --check  # exit 1, naming each file, if any is out of step
"""

from __future__ import annotations

import sys
from pathlib import Path

from okrsite.edit.generated import checkout_workflows

ROOT = Path(__file__).resolve().parent.parent
PACKAGED_LOCK = "okrsite/edit/templates/requirements.lock"


def expected() -> dict[str, str]:
    """{root-relative path: the text it should hold}."""
    files = checkout_workflows()
    files[PACKAGED_LOCK] = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return files


def main(argv: list[str]) -> int:
    stale = []
    for relative, text in expected().items():
        path = ROOT / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(relative)
        if "--check" not in argv:
            path.write_text(text, encoding="utf-8", newline="")
            print(f"wrote {relative}")
    if "--check" in argv and stale:
        for relative in stale:
            print(f"{relative} is out of step: run python -m scripts.workflows", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
