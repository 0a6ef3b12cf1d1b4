"""Built quarters kept on disk between builds, reused whole while nothing they show changed.

A quarter's site is a function of its QuarterSite (pages.py), its as-of date, the quarter the
site leads with, the address it is published at (site_url), the site's configuration, theme and
content, and the code and libraries that build it. quarter_key digests all of them; a closed
quarter's key stays the same through every check-in of a later quarter, so its site is built
once, as mike builds each version once.

An entry is folder/quarters/<quarter id>/: manifest.json (the key and every file's size and
SHA-256, under a line holding its HMAC) and site/, the built quarter. Restoring copies only the
files the manifest lists, checking each against it as it goes; any mismatch (a file cut short,
changed, missing) drops the entry and the quarter is built again. Nothing unchecked is ever
published.

The HMAC is what makes the check worth anything: whoever can write the cache folder can
rewrite a page and recompute every digest beside it, but not sign the manifest without the key,
which lives outside the folder (cache_key.py; threat T3 in help/threat-model.md). A
page is either made by this build or restored from an entry a build holding the key wrote;
checking it costs one SHA-256 pass over the files, as before, and no rebuild.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from pathlib import Path

from okrsite.model.okrs import Quarter
from okrsite.model.scores import QuarterResult
from okrsite.site.builder.cache_key import cache_key
from okrsite.site.pages.quarter import QuarterSite

FORMAT = "okrsite-quarter-2"
QUARTERS = "quarters"
MANIFEST = "manifest.json"
SITE = "site"
_CHUNK = 1 << 20


def result_digests(results: Sequence[QuarterResult]) -> dict[str, str]:
    """Each quarter's scores as a digest, by quarter id: the results are frozen dataclasses,
    whose repr holds every field, the quarter's plans and check-ins included."""
    return {r.quarter.id: _sha256(repr(r)) for r in results}


def quarter_key(
    site: QuarterSite,
    digests: dict[str, str],
    *,
    site_fingerprint: str,
    as_of: date,
    current: Quarter,
    archive: bool,
    site_url: str | None,
    engine: str = "mkdocs",
) -> str:
    """The digest of everything a quarter's built site depends on.

    Every field of site is in it (its results by their digests), so a field added to
    QuarterSite is keyed without anyone remembering to; then the rest build_quarter reads,
    the quarter's site_url and engine included: `--site-url` and `--engine` change them
    without changing mkdocs.yml.
    """
    parts = [FORMAT, site_fingerprint]
    for field in fields(site):
        value = getattr(site, field.name)
        if field.name == "results":
            value = [(r.quarter.id, digests[r.quarter.id]) for r in value]
        parts.append(f"{field.name}={value!r}")
    parts += [f"as_of={as_of.isoformat()}", f"current={current.id!r}", f"archive={archive}"]
    parts += [f"site_url={site_url!r}", f"engine={engine}"]
    return _sha256("\0".join(parts))


def _sha256(text: str) -> str:
    """The hex SHA-256 of text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class QuarterCache:
    """Built quarters in folder/quarters/; with no folder, nothing is kept or reused."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / QUARTERS if folder is not None else None

    def has(self, quarter_id: str, key: str) -> bool:
        """Whether an entry for key is kept (its manifest whole): restore still checks each file."""
        return self.folder is not None and (
            _manifest(self.folder / quarter_id / MANIFEST, key) is not None
        )

    def unsigned(self, quarter_id: str) -> bool:
        """Whether the quarter's entry has a manifest this cache's key did not sign: one written
        elsewhere (another machine, another CI run) or rewritten since."""
        if self.folder is None:
            return False
        try:
            signature, _, payload = (
                (self.folder / quarter_id / MANIFEST).read_bytes().partition(b"\n")
            )
        except OSError:
            return False
        return not hmac.compare_digest(_signature(payload), signature)

    def restore(self, quarter_id: str, key: str, target: Path) -> bool:
        """Copy the quarter built for key into target (which must not exist); False, with
        target absent, when there is no such entry or it is not whole."""
        if self.folder is None:
            return False
        entry = self.folder / quarter_id
        listed = _manifest(entry / MANIFEST, key)
        if listed is None:
            return False
        try:
            _copy_checked(entry / SITE, target, listed)
        except (OSError, ValueError):
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(entry, ignore_errors=True)  # broken: the next build replaces it
            return False
        return True

    def store(self, quarter_id: str, key: str, built: Path) -> None:
        """Keep a copy of the quarter built into `built` under key, replacing the entry before.

        A cache that cannot be written is skipped: it costs the next build time, never this one.
        """
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fresh = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.folder))
            try:
                listed = {}
                for path in sorted(p for p in built.rglob("*") if p.is_file()):
                    relative = path.relative_to(built).as_posix()
                    target = fresh / SITE / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    data = path.read_bytes()  # read once: copied and digested alike
                    target.write_bytes(data)
                    listed[relative] = [len(data), hashlib.sha256(data).hexdigest()]
                payload = json.dumps(
                    {"format": FORMAT, "key": key, "files": listed}, sort_keys=True
                ).encode("utf-8")
                (fresh / MANIFEST).write_bytes(_signature(payload) + b"\n" + payload)
                _replace(fresh, self.folder / quarter_id)
            finally:
                shutil.rmtree(fresh, ignore_errors=True)
        except OSError:
            return


def _manifest(path: Path, key: str) -> dict[str, tuple[int, str]] | None:
    """The files an entry's manifest lists, if the manifest is whole, signed with the cache's
    key and made for key."""
    try:
        signature, _, payload = path.read_bytes().partition(b"\n")
    except OSError:
        return None
    if not hmac.compare_digest(_signature(payload), signature):
        return None  # cut short, changed, or written by someone without the key
    try:
        manifest = json.loads(payload)
        if manifest["format"] != FORMAT or manifest["key"] != key:
            return None  # built from other inputs: stale
        return {str(name): (int(size), str(sha)) for name, (size, sha) in manifest["files"].items()}
    except (ValueError, KeyError, TypeError):
        return None


def _signature(payload: bytes) -> bytes:
    """The manifest payload's HMAC-SHA256 with the cache's key, in hex."""
    return hmac.new(cache_key(), payload, hashlib.sha256).hexdigest().encode("ascii")


def _copy_checked(source: Path, target: Path, listed: dict[str, tuple[int, str]]) -> None:
    """Copy each listed file from source to target, checking its size and digest on the way;
    ValueError at the first that differs, or that would leave target."""
    target.mkdir(parents=True)
    for relative, (size, sha) in sorted(listed.items()):
        parts = Path(relative).parts
        if Path(relative).is_absolute() or ".." in parts or not parts:
            raise ValueError(f"a manifest names a path outside its entry: {relative}")
        origin, copy = source / relative, target / relative
        if origin.is_symlink() or not origin.is_file():
            raise ValueError(f"not a file in the entry: {relative}")
        copy.parent.mkdir(parents=True, exist_ok=True)
        digest, written = hashlib.sha256(), 0
        with origin.open("rb") as reading, copy.open("wb") as writing:
            while chunk := reading.read(_CHUNK):
                digest.update(chunk)
                written += len(chunk)
                writing.write(chunk)
        if written != size or digest.hexdigest() != sha:
            raise ValueError(f"changed since it was kept: {relative}")


def _replace(fresh: Path, entry: Path) -> None:
    """Put fresh in entry's place: the old entry set aside, the new renamed in, the old removed."""
    aside = None
    if entry.exists():
        aside = Path(tempfile.mkdtemp(prefix=".old-", dir=entry.parent))
        aside.rmdir()
        entry.rename(aside)
    os.rename(fresh, entry)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
