"""`okrsite schema`: the JSON Schemas written into the repository for editors to use."""

from __future__ import annotations

from pathlib import Path

from okrsite.edit.files import make_folder, write_atomically
from okrsite.load.schemas import render, schemas


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into the folder (created if needed); the paths written, sorted.

    OkrsiteError, naming the path, if the system refuses a write.
    """
    make_folder(out)
    written = []
    for name, schema in sorted(schemas().items()):
        path = out / name
        write_atomically(path, render(schema))
        written.append(path)
    return written
