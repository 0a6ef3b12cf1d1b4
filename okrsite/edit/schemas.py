"""`okrsite schema`: the JSON Schemas written into the repository for editors to use."""

from __future__ import annotations

from pathlib import Path

from okrsite.edit.files import write_atomically
from okrsite.load.schemas import render, schemas


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into the folder (created if needed); the paths written, sorted."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in sorted(schemas().items()):
        path = out / name
        write_atomically(path, render(schema))
        written.append(path)
    return written
