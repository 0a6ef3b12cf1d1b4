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
    default=Path("schemas"),
    show_default=True,
    help="Folder to write into; relative paths are taken from --root, as build's --out.",
)
@common_options
def schema(out: Path) -> None:
    """Write JSON Schemas for org.yaml, quarter.yaml and UNIT.yaml (draft 2020-12)."""
    folder = get_context().root / out  # an absolute --out stays as it is
    for path in write_schemas(folder):
        click.echo(f"wrote {path}")
