"""The key that signs the build cache's built quarters, kept where the cache folder is not.

Whoever can write the cache folder can rewrite an entry and any checksum beside it, so a built
quarter is reused only when its manifest carries an HMAC made with this key (threat T3 in
help/threat-model.md). The key is OKRSITE_CACHE_KEY when set, else a random key kept
in the user's state folder ($XDG_STATE_HOME/okrsite/cache-key, ~/.local/state/... by default),
made on first use and readable by the user alone. A cache folder copied from elsewhere (another
machine, a CI cache) then has no quarter this key signed, and they are built again; the charts
in it are still reused, each checked against svg_check's allowlist. When no key can be kept
(a read-only home), each build makes its own and reuses no quarter.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import tempfile
from pathlib import Path

ENVIRONMENT = "OKRSITE_CACHE_KEY"
"""The variable that gives the key instead of the state folder's file."""
_NAME = Path("okrsite") / "cache-key"
_LENGTH = 64
"""The key file's length: 32 random bytes in hex."""


def key_file() -> Path:
    """Where the key is kept: the XDG state folder's okrsite/cache-key."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / _NAME


@functools.cache
def cache_key() -> bytes:
    """The key that signs and checks built quarters, read or made once per process."""
    given = os.environ.get(ENVIRONMENT, "")
    if given:
        return given.encode("utf-8", "surrogateescape")
    try:
        return _kept(key_file())
    except (OSError, ValueError):
        return secrets.token_hex(32).encode("ascii")  # this build's alone: nothing reused


def _kept(path: Path) -> bytes:
    """The key in path, made there first (whole, by one process however many race) if absent;
    ValueError if the file there is not one."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(prefix=".cache-key-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:  # mkstemp's mode: 0600
            file.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):  # another build made it meanwhile: kept
            os.link(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    """The key a key file holds; ValueError unless it is one."""
    data = path.read_bytes().strip()
    if len(data) != _LENGTH:
        raise ValueError(f"{path} is not an okrsite cache key")
    return data
