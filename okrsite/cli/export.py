"""`okrsite export`: a quarter's computed figures as JSON (or CSV) on standard output."""

from __future__ import annotations

import click

from okrsite import pipeline
from okrsite.cli.common import common_options, get_context
from okrsite.model.clock import parse_date, today
from okrsite.score.export import dumps, export_csv, export_quarter


@click.command("export")
@click.option(
    "--quarter",
    "quarter_id",
    metavar="YYYY-Qn",
    default=None,
    help="The quarter to export (default: the current one: the open quarter holding today, "
    "else the latest started).",
)
@click.option(
    "--as-of",
    "as_of_text",
    metavar="YYYY-MM-DD",
    default=None,
    help="Compute the figures as of this date (default: a closed quarter's end, else today).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: every figure, the shape of scores.json; csv: one row per key result.",
)
@common_options
def export(quarter_id: str | None, as_of_text: str | None, output_format: str) -> None:
    """Print every computed figure of a quarter as JSON, the shape of scores.json (or CSV)."""
    # Parse the date first: a typo in it is reported even before the data is read.
    as_of = parse_date(as_of_text, "--as-of") if as_of_text is not None else None
    result = pipeline.export(get_context().root, quarter_id, as_of, today())
    if output_format == "csv":
        click.echo(export_csv(result), nl=False)
    else:
        click.echo(dumps(export_quarter(result)), nl=False)
