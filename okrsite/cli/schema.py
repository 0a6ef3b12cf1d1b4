"""`okrsite schema`: write the JSON Schemas editors use to check the YAML files as you type."""

from __future__ import annotations

from pathlib import Path

import click

from okrsite.cli.common import common_options, get_context, out_option
from okrsite.edit.schemas import write_schemas


@click.command("schema")
@out_option(Path("schemas"), "the schemas")
@common_options
def schema(out: Path) -> None:
    """Write JSON Schemas for org.yaml, quarter.yaml, UNIT.yaml and metrics/UNIT.yaml (draft
    2020-12)."""
    folder = get_context().root / out  # an absolute --out stays as it is
    for path in write_schemas(folder):
        click.echo(f"wrote {path}")
