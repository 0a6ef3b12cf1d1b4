"""`okrsite new quarter`, `okrsite close` and `okrsite reopen`: a quarter's lifecycle."""

from __future__ import annotations

import click

from okrsite.cli.common import common_options, get_context
from okrsite.edit.lifecycle import QuarterChange, close_quarter, reopen_quarter
from okrsite.edit.scaffold import new_quarter
from okrsite.model.clock import today


@click.group("new")
def new() -> None:
    """Scaffold something new; for now a quarter: `okrsite new quarter 2027-Q1`."""


@new.command(
    "quarter",
    short_help="Scaffold okrs/QUARTER/ from the latest quarter.",
    epilog="Example: okrsite new quarter 2027-Q1",
)
@click.argument("quarter_id", metavar="QUARTER")
@common_options
def quarter(quarter_id: str) -> None:
    """Scaffold okrs/QUARTER/ from the latest quarter, carrying over KRs graded 0.5 to 0.7."""
    done = new_quarter(get_context().root, quarter_id, today())
    for path in done.files:
        click.echo(f"created {path}")
    if done.source_id is None:
        click.echo("no earlier quarter: every unit starts from a commented template")
        return
    grades = "provisional grades (it is still open)" if done.provisional else "its final grades"
    if not done.carried:
        click.echo(f"no key result was graded 0.5 to 0.7 in {done.source_id}, by {grades}")
        return
    click.echo(
        f"carried over {len(done.carried)} key results graded 0.5 to 0.7 in {done.source_id}, "
        f"by {grades}:"
    )
    for path in done.carried:
        click.echo(f"  {path}")


@click.command("close", epilog="Example: okrsite close 2026-Q4")
@click.argument("quarter_id", metavar="QUARTER")
@click.option(
    "--early",
    is_flag=True,
    help="Close the quarter before its end date (refused without this).",
)
@common_options
def close(quarter_id: str, early: bool) -> None:
    """Mark QUARTER closed and freeze its data with a digest in quarter.yaml."""
    done = close_quarter(get_context().root, quarter_id, today(), early=early)
    _report_leftovers(done)
    verb = "created" if done.created else "updated"
    click.echo(f"{verb} {done.path}: status closed, digest {done.digest}")
    click.echo(
        f"{quarter_id} is frozen: `okrsite check` fails if its files change; "
        f"`okrsite reopen {quarter_id}` to edit it"
    )


@click.command("reopen", epilog="Example: okrsite reopen 2026-Q4")
@click.argument("quarter_id", metavar="QUARTER")
@common_options
def reopen(quarter_id: str) -> None:
    """Mark a closed QUARTER open again and remove its digest, so its data can change."""
    done = reopen_quarter(get_context().root, quarter_id)
    _report_leftovers(done)
    removed = f", removed digest {done.digest}" if done.digest else ""
    click.echo(f"updated {done.path}: status open{removed}")


def _report_leftovers(done: QuarterChange) -> None:
    """Say which temporary files of an interrupted close or reopen were removed."""
    if done.removed:
        folder = done.path.rpartition("/")[0]
        names = ", ".join(done.removed)
        click.echo(
            f"removed {names} from {folder}/, left by an interrupted close or reopen", err=True
        )
