"""The output folder replaced whole or not at all, and what a killed build left repaired.

Everything is built into a sibling temporary folder, then swapped in with two renames, so a failed
build leaves the previous site as it was. Holding the lock, a build first repairs what an earlier,
killed build left: the previous site put back if the kill fell between the swap's two renames,
and the temporary folders removed."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from okrsite.load.tree import write_reason
from okrsite.model.errors import OkrsiteError
from okrsite.site.builder.docs import Progress, ignore
from okrsite.site.output.lock import build_lock


def recover_site(out: Path, progress: Progress = ignore) -> None:
    """Repair what a killed build of out left, unless a build of out is running right now.

    Puts the previous site back if a build was killed in the middle of its swap, and removes
    the temporary folders of killed builds. Never waits: a running build does this itself.
    """
    out = absolute(out)
    if out == out.parent or not out.parent.is_dir():  # the file system's root is no site
        return
    try:
        with build_lock(out, progress, wait=False) as held:
            if held:
                recover(out, progress)
    except OSError as error:
        raise OkrsiteError(
            f"cannot build the site into {out}: {write_reason(error, out)}"
        ) from error


def recover(out: Path, progress: Progress) -> None:
    """With out's lock held: put back a site a killed swap set aside, remove the leftovers."""
    old, tmp = f"{out.name}.old-", f"{out.name}.tmp-"
    leftovers = sorted(
        p
        for p in out.parent.iterdir()
        if p.name.startswith((old, tmp)) and p.is_dir() and not p.is_symlink()
    )
    if not os.path.lexists(out):
        # Killed between the swap's two renames: the old site is aside, the new one never came.
        # Only a complete site is put back; one the swap was deleting is not.
        complete = [
            p for p in leftovers if p.name.startswith(old) and (p / "versions.json").is_file()
        ]
        if complete:
            newest = max(complete, key=lambda p: (p.stat().st_mtime_ns, p.name))
            newest.rename(out)
            leftovers.remove(newest)
            progress(f"restored {out} from {newest.name}, left by an interrupted build")
    for leftover in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)
    if leftovers:
        names = ", ".join(p.name for p in leftovers)
        progress(f"removed what interrupted builds left beside {out}: {names}")


def check_replaceable(out: Path) -> None:
    """Refuse to replace anything but a folder okrsite built, an empty folder, or nothing."""
    if not os.path.lexists(out):
        return
    if not out.is_dir():
        raise OkrsiteError(f"cannot build the site into {out}: it is a file, not a folder")
    if (out / "versions.json").is_file() or not any(out.iterdir()):
        return
    raise OkrsiteError(
        f"cannot build the site into {out}: it holds files but no versions.json, so it is not "
        "a site okrsite built; give a new or empty folder, or remove it"
    )


def absolute(path: Path) -> Path:
    """path made absolute and normal: `..` resolved, so its name and parent are real ones."""
    return Path(os.path.abspath(path))


def swap(staging: Path, out: Path) -> None:
    """Replace out with staging: rename the old aside, rename the new in, delete the old."""
    if not out.exists():
        staging.rename(out)
        return
    aside = Path(tempfile.mkdtemp(prefix=f"{out.name}.old-", dir=out.parent))
    aside.rmdir()
    out.rename(aside)
    try:
        staging.rename(out)
    except OSError:
        aside.rename(out)  # put the previous site back before failing
        raise
    shutil.rmtree(aside, ignore_errors=True)
