"""`okrsite due`: the key results whose monthly check-in is due or overdue, by owner."""

from __future__ import annotations

import sys

import click

from okrsite import pipeline
from okrsite.cli.common import common_options, get_context
from okrsite.model.clock import parse_date, today
from okrsite.score.calendar import CHECKIN_DAYS
from okrsite.score.due import DUE_WINDOW_DAYS, due_json
from okrsite.score.export import dumps
from okrsite.site.pages.due_list import to_markdown, to_text


@click.command(
    "due",
    help=f"List the key results whose monthly check-in is overdue or due within "
    f"{DUE_WINDOW_DAYS} days, by owner, then the standing metrics breached.\n\n"
    f"A KR's next check-in is due {CHECKIN_DAYS} days after its latest (after the quarter's "
    "start without one), by the quarter's last day at the latest; none in a closed quarter or "
    f"for a dropped KR. Listed: due on or before the as-of date plus {DUE_WINDOW_DAYS} days; "
    "overdue: due before the as-of date. A standing metric is breached when its latest reading "
    "on or before the as-of date is outside its healthy range. Exit status 0 whatever the list "
    "holds; 2 when the data does not load.",
    epilog="\b\nExamples:\n  okrsite due\n  okrsite due --format json --as-of 2026-11-27\n"
    "  okrsite due --quarter 2026-Q4\n  okrsite due --format markdown > due.md",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default=None,
    help="text for a terminal, markdown for an issue (owners' GitHub handles mentioned), json "
    "for tools. Default: text on a terminal, markdown otherwise.",
)
@click.option(
    "--as-of",
    "as_of_text",
    metavar="YYYY-MM-DD",
    default=None,
    help="The date to list for (default: today): overdue means due before it.",
)
@click.option(
    "--quarter",
    "quarter_id",
    metavar="YYYY-Qn",
    default=None,
    help="The quarter (default: the current one, as `okrsite export` chooses it).",
)
@common_options
def due(output_format: str | None, as_of_text: str | None, quarter_id: str | None) -> None:
    """The key results whose monthly check-in is due, by owner (help: see above)."""
    # Parse the date first: a typo in it is reported even before the data is read.
    as_of = parse_date(as_of_text, "--as-of") if as_of_text is not None else None
    listed = pipeline.due(get_context().root, quarter_id, as_of, today())
    if output_format is None:
        output_format = "text" if sys.stdout.isatty() else "markdown"
    if output_format == "json":
        click.echo(dumps(due_json(listed)), nl=False)
    elif output_format == "text":
        click.echo(to_text(listed), nl=False)
    else:
        click.echo(to_markdown(listed), nl=False)
