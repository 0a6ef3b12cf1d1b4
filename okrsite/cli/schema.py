"""`okrsite schema`: write the JSON Schemas editors use to check the YAML files as you type."""

from __future__ import annotations

from pathlib import Path

import click

from okrsite.cli.common import common_options, get_context
from okrsite.schema import write_schemas


@click.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write into (default: schemas/ under the repository root).",
)
@common_options
def schema(out: Path | None) -> None:
    """Write JSON Schemas for org.yaml, quarter.yaml and UNIT.yaml (draft 2020-12)."""
    folder = out if out is not None else get_context().root / "schemas"
    for path in write_schemas(folder):
        click.echo(f"wrote {path}")
