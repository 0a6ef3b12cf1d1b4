"""Digests of what a build's output depends on besides the OKR data: okrsite's own code, the
libraries that draw and build the site, and the site's configuration, theme and content."""

from __future__ import annotations

import functools
import hashlib
import sys
from importlib import metadata
from pathlib import Path

from okrsite.model.layout import CONFIG_FILE, CONTENT_DIR, THEME_DIR

PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = (
    "altair",
    "jinja2",
    "markdown",
    "markupsafe",
    "mkdocs",
    "mkdocs-material",
    "pygments",
    "pymdown-extensions",
    "pyyaml",
    "vl-convert-python",
    "zensical",
)
"""The distributions whose version changes what a build writes."""


def _files(folder: Path) -> list[Path]:
    """Every file below folder, in a fixed order; caches and hidden files left out."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _digest_files(digest: hashlib._Hash, base: Path, files: list[Path]) -> None:
    """Feed each file's path relative to base and its bytes into digest."""
    for path in files:
        _digest(digest, path.relative_to(base).as_posix(), path.read_bytes())


def _digest(digest: hashlib._Hash, relative: str, data: bytes) -> None:
    """Feed a file's relative path and its bytes into digest, each with its length first."""
    name = relative.encode("utf-8", "surrogateescape")
    digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
    digest.update(data)


def _version(distribution: str) -> str:
    """A distribution's installed version, or a dash when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


@functools.cache
def code_fingerprint() -> str:
    """okrsite's source (code and templates, as installed or checked out) and the versions of
    the libraries that draw charts and build pages: a change to either changes every output."""
    digest = hashlib.sha256(sys.version.encode("utf-8"))
    _digest_files(digest, PACKAGE, [p for p in _files(PACKAGE) if p.suffix != ".pyc"])
    for distribution in LIBRARIES:
        digest.update(f"\0{distribution}={_version(distribution)}".encode())
    return digest.hexdigest()


def site_fingerprint(root: Path, config: bytes | None, theme: Path | None = None) -> str:
    """The code's fingerprint (the package's default site among it) with mkdocs.yml's bytes
    (None without one), root's theme/ and content/, and theme, the repository's theme layer
    when mkdocs.yml's theme.custom_dir names another folder."""
    digest = hashlib.sha256(code_fingerprint().encode("ascii"))
    if config is not None:
        _digest(digest, CONFIG_FILE, config)
    for folder in (THEME_DIR, CONTENT_DIR):
        if (root / folder).is_dir():
            _digest_files(digest, root, _files(root / folder))
    if theme is not None and theme.resolve() != (root / THEME_DIR).resolve():
        _digest(digest, "theme.custom_dir", str(theme).encode("utf-8", "surrogateescape"))
        _digest_files(digest, theme, _files(theme))
    return digest.hexdigest()
