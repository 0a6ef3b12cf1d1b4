"""`okrsite export`: a quarter's computed figures as JSON on standard output."""

from __future__ import annotations

import click

from okrsite import pipeline
from okrsite.cli.common import common_options, get_context
from okrsite.model.clock import parse_date, today
from okrsite.score.export import dumps, export_quarter


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
@common_options
def export(quarter_id: str | None, as_of_text: str | None) -> None:
    """Print every computed figure of a quarter as JSON, the shape of scores.json."""
    # Parse the date first: a typo in it is reported even before the data is read.
    as_of = parse_date(as_of_text, "--as-of") if as_of_text is not None else None
    result = pipeline.export(get_context().root, quarter_id, as_of, today())
    click.echo(dumps(export_quarter(result)), nl=False)
