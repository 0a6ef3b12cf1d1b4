"""The output folder replaced whole or not at all, and what a killed build left repaired.

Everything is built into a sibling temporary folder, then swapped in, so a failed build leaves the
previous site as it was. On Linux the swap is one system call, renameat2(RENAME_EXCHANGE): the
output folder names the old site, then the new one, and is never missing, not even for a reader
between two calls. Where the kernel or the file system refuses it (EINVAL, ENOSYS: another system,
an old kernel, some network and FUSE file systems), the swap falls back to two renames, the old
site aside then the new one in, which leave a moment with no output folder. Holding the lock, a
build first repairs what an earlier, killed build left: the previous site put back if the kill
fell between those two renames, and the temporary folders removed (after an exchange, the old
site is in the build's temporary folder)."""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import shutil
import sys
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


AT_FDCWD = -100  # linux/fcntl.h
RENAME_EXCHANGE = 2  # linux/fs.h
RENAMEAT2_SYSCALL = {"x86_64": 316, "aarch64": 276}
"""renameat2's number, for a C library older than glibc 2.28 that has no wrapper."""

_REFUSED = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP)
"""What a kernel or file system without RENAME_EXCHANGE answers: then two renames instead."""


def exchange(first: Path, second: Path) -> bool:
    """Swap what two paths name in one step (Linux's renameat2 with RENAME_EXCHANGE); False
    where the system cannot, OSError for any other refusal."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    arguments = (
        ctypes.c_int(AT_FDCWD),
        os.fsencode(first),
        ctypes.c_int(AT_FDCWD),
        os.fsencode(second),
        ctypes.c_uint(RENAME_EXCHANGE),
    )
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        result = renameat2(*arguments)
    elif (number := RENAMEAT2_SYSCALL.get(platform.machine())) is not None:
        result = libc.syscall(ctypes.c_long(number), *arguments)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _REFUSED:
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap(staging: Path, out: Path) -> None:
    """Replace out with staging: exchanged in one step where the system can, else the old site
    renamed aside, the new one in, the old one deleted. After an exchange, staging holds the old
    site, which goes with the build's temporary folder."""
    if not out.exists():
        staging.rename(out)
        return
    if exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
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
