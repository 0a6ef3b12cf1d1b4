"""The digest that freezes a closed quarter: sha256 over its data files and its dates.

A closed quarter's quarter.yaml carries `digest: sha256:<hex>` over every file in its folder
except quarter.yaml itself and hidden files (sorted by name, each hashed as its name and its
bytes with CRLF read as LF, a symbolic link as the path it holds) plus the quarter's start and
end. Hidden files (.DS_Store, editor swap files) are skipped as the loader skips them, and line
endings are normalised as git normalises them, so a quarter closed on one machine verifies on
another.

`okrsite close` writes the digest and the loader takes it again for `okrsite check`, both with
quarter_digest: the loader hands over the bytes it read for the quarter's plans and check-ins,
so those files are read once, and only what the loader did not read is read here.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from okrsite.model.layout import QUARTER_FILE

DIGEST_PREFIX = "sha256:"
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def quarter_digest(
    folder: Path, start: date, end: date, read: Mapping[str, bytes] | None = None
) -> str:
    """sha256 over the folder's data files (all but quarter.yaml and hidden ones) and the dates.

    read: bytes already read from the folder's files, by folder-relative POSIX name; such a file
    is hashed from them rather than read again (a symbolic link is still hashed as its target).
    """
    read = read or {}
    digest = hashlib.sha256()
    files = sorted(
        (relative.as_posix(), path)
        for path in folder.rglob("*")
        if (path.is_symlink() or path.is_file())
        and (relative := path.relative_to(folder)).as_posix() != QUARTER_FILE
        and not any(part.startswith(".") for part in relative.parts)
    )
    for name, path in files:
        if path.is_symlink():
            # A link is hashed as where it points, never followed: it may lead outside the
            # repository (which check reports) or to something endless such as /dev/zero.
            data = b"symlink\0" + os.fsencode(os.readlink(path))
        else:
            # A checkout with core.autocrlf has CRLF where the commit has LF: hash what git stores.
            given = read.get(name)
            data = (given if given is not None else path.read_bytes()).replace(b"\r\n", b"\n")
        # Length prefixes keep the encoding unambiguous: no two file sets hash the same bytes.
        # A name that is not UTF-8 is hashed as its bytes (check reports it as OKR054).
        encoded = name.encode("utf-8", "surrogateescape")
        digest.update(b"file\0%d\0%s\0%d\0" % (len(encoded), encoded, len(data)))
        digest.update(data)
    digest.update(f"start\0{start.isoformat()}\0end\0{end.isoformat()}\0".encode())
    return DIGEST_PREFIX + digest.hexdigest()
