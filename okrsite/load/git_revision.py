"""A git revision's okrs/ folder written out to a folder, to load like the working tree."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from pathlib import Path

from okrsite.model.errors import OkrsiteError

REVISION = re.compile(r"^[A-Za-z0-9_@][A-Za-z0-9_./@^~{}+-]{0,199}$")
"""What a revision may look like: branch, tag, hash, HEAD~2, origin/main, @{upstream}.

No leading dash (it would be read as an option), no colon (we append `:path`), no spaces.
"""

TIMEOUT = 60
"""Seconds any git command may take; reading one folder of one revision is quick."""


def check_revision(revision: str) -> str:
    """The revision if it is safe to pass to git, else a clear error."""
    if REVISION.fullmatch(revision) is None or ".." in revision:
        raise OkrsiteError(
            f"{revision!r} is not a git revision okrsite accepts; give a branch, tag or "
            "commit such as origin/main, v1.2 or HEAD~1 (or a folder holding okrs/)"
        )
    return revision


def _git(root: Path, *arguments: str) -> bytes:
    """Run git in root with an argument list (never a shell) and return its standard output."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *arguments],
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError as error:
        raise OkrsiteError("git is not installed, so a revision cannot be read") from error
    except subprocess.TimeoutExpired as error:
        raise OkrsiteError(f"git {arguments[0]} took more than {TIMEOUT} s") from error
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OkrsiteError(f"git {arguments[0]} failed: {message[-1] if message else 'no output'}")
    return completed.stdout


def materialise(root: Path, revision: str, destination: Path) -> Path:
    """Write the revision's okrs/ (of the repository at root) under destination; return it."""
    check_revision(revision)
    try:
        prefix = _git(root, "rev-parse", "--show-prefix").decode("utf-8").strip()
    except OkrsiteError as error:
        raise OkrsiteError(
            f"{str(root)!r} is not in a git repository, so revision {revision!r} cannot be "
            f"read ({error}); give a folder holding okrs/ as the base instead"
        ) from error
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except OkrsiteError as error:
        raise OkrsiteError(
            f"{revision!r} is not a commit of the git repository at {root} "
            "(in CI, check out with fetch-depth: 0 so the base branch is there)"
        ) from error
    # `REV:path^{tree}` would read the suffix as part of the path, so check the type apart.
    path = f"{commit.decode('ascii').strip()}:{prefix}okrs"
    try:
        tree = _git(root, "rev-parse", "--verify", "--quiet", path).decode("ascii").strip()
        kind = _git(root, "cat-file", "-t", tree).decode("ascii").strip()
    except OkrsiteError:
        kind = ""
    if kind != "tree":
        raise OkrsiteError(f"revision {revision!r} has no okrs/ folder")
    archive = _git(root, "archive", "--format=tar", tree)
    target = destination / "okrs"
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
        # The data filter refuses absolute paths, links out of the folder and special files.
        tar.extractall(target, filter="data")
    return destination


def changed_files(root: Path, base: str, paths: list[str]) -> list[str]:
    """The files under paths (root-relative) that differ between base and the working tree:
    base a folder (its files compared byte for byte) or a git revision (git diff, and files
    git does not track yet)."""
    folder = Path(base)
    if folder.is_dir():
        return sorted(
            name
            for name in {*_files(root, paths), *_files(folder, paths)}
            if _bytes(root / name) != _bytes(folder / name)
        )
    check_revision(base)
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").strip()
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode("utf-8").strip())
    prefix = _git(root, "rev-parse", "--show-prefix").decode("utf-8").strip()
    listed = _git(
        top,
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        commit.decode("ascii"),
        "--",
        *(prefix + p for p in paths),
    ) + _git(
        top, "ls-files", "-z", "--others", "--exclude-standard", "--", *(prefix + p for p in paths)
    )
    names = {n.decode("utf-8", "replace") for n in listed.split(b"\0") if n}
    return sorted(n.removeprefix(prefix) for n in names)


def _files(root: Path, paths: list[str]) -> set[str]:
    """The files at or under each of paths, root-relative, symbolic links as files."""
    found: set[str] = set()
    for relative in paths:
        path = root / relative
        if path.is_symlink() or path.is_file():
            found.add(relative)
        elif path.is_dir():
            found.update(p.relative_to(root).as_posix() for p in path.rglob("*") if not p.is_dir())
    return found


def _bytes(path: Path) -> bytes | None:
    """A file's bytes (a link's target path), or None if there is none."""
    try:
        return b"link:" + str(path.readlink()).encode() if path.is_symlink() else path.read_bytes()
    except OSError:
        return None
