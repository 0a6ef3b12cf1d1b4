"""`okrsite export`: a quarter's computed figures as JSON on standard output."""

from __future__ import annotations

import click

from okrsite.cli.common import common_options, get_context
from okrsite.load.repository import load_valid
from okrsite.model.clock import parse_date, today
from okrsite.model.errors import OkrsiteError
from okrsite.score.export import dumps, export_quarter
from okrsite.score.quarter import score_quarter


@click.command("export")
@click.option(
    "--quarter",
    "quarter_id",
    metavar="YYYY-Qn",
    default=None,
    help="The quarter to export (default: the current one, the latest open quarter).",
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
    repository = load_valid(get_context().root)
    if quarter_id is None:
        quarter = repository.current_quarter()
        if quarter is None:
            raise OkrsiteError("there is no quarter to export: okrs/ has no YYYY-Qn folder")
    else:
        found = repository.quarter(quarter_id)
        if found is None:
            known = ", ".join(q.id for q in repository.quarters) or "none"
            raise OkrsiteError(
                f"--quarter {quarter_id!r} is not a quarter in okrs/ (known: {known})"
            )
        quarter = found
    result = score_quarter(repository, quarter, as_of, today())
    click.echo(dumps(export_quarter(result)), nl=False)
