"""`okrsite collect`: each KR's value read from its source and appended as a check-in row, and
each standing metric's as a reading."""

from __future__ import annotations

import os
import sys

import click

from okrsite import pipeline
from okrsite.cli.common import common_options, get_context
from okrsite.model.clock import parse_date, today
from okrsite.model.sources import SOURCE_KINDS, SourceKind


def _quiet(_line: str) -> None:
    """No progress lines."""


@click.command(
    "collect",
    epilog="\b\nExamples:\n"
    "  okrsite collect --dry-run\n"
    "  okrsite collect --date 2026-11-19 --unit payments --unit checkout\n"
    "  okrsite collect --skip command   # then, in a step holding no token: --only command",
)
@click.option(
    "--date",
    "on",
    metavar="YYYY-MM-DD",
    default=None,
    help="The check-in date: sources are read as of 00:00 UTC on it (default: today).",
)
@click.option(
    "--unit",
    "unit_ids",
    metavar="UNIT",
    multiple=True,
    help="Collect only this unit's KRs and standing metrics (repeat for several; default: "
    "every unit).",
)
@click.option(
    "--quarter",
    "quarter_id",
    metavar="YYYY-Qn",
    default=None,
    help="The quarter whose KRs are collected (default: the one containing the date).",
)
@click.option(
    "--only",
    "only",
    type=click.Choice(SOURCE_KINDS),
    multiple=True,
    help="Read only the sources of this kind (repeat for several; default: every kind). "
    "`--only command` runs the repository's programs, in a step that holds no token.",
)
@click.option(
    "--skip",
    "skip",
    type=click.Choice(SOURCE_KINDS),
    multiple=True,
    help="Leave the sources of this kind unread (repeat for several). `--skip command` reads "
    "every source but the programs, in the step that holds the tokens.",
)
@click.option("--dry-run", is_flag=True, help="Print the rows instead of appending them.")
@common_options
def collect(
    on: str | None,
    unit_ids: tuple[str, ...],
    quarter_id: str | None,
    only: tuple[SourceKind, ...],
    skip: tuple[SourceKind, ...],
    dry_run: bool,
) -> None:
    """Ask every KR's `source:` for its value and append one check-in row per KR; then every
    standing metric's, one reading per metric in okrs/metrics/UNIT.csv.

    A KR that already has a row on the date, or a metric a reading, is skipped, so running twice
    adds nothing. A source that fails writes nothing for its KR or metric and is reported on
    standard error; the command then exits 1, after writing the rows of every source that
    answered. Credentials come only from the environment variables the sources name.
    """
    day = today()
    when = parse_date(on, "--date") if on is not None else day
    done = pipeline.collect(
        get_context().root,
        when,
        dict(os.environ),
        today=day,
        unit_ids=unit_ids,
        dry_run=dry_run,
        quarter_id=quarter_id,
        kinds=[kind for kind in (only or SOURCE_KINDS) if kind not in skip],
        # Which source is being asked, on a terminal only: in CI, standard error carries only
        # the failures and the summary, which the Collect workflow puts in its pull request.
        progress=(lambda line: click.echo(line, err=True)) if sys.stderr.isatty() else _quiet,
    )
    verb = "would append to" if dry_run else "appended to"
    for row in done.rows:
        click.echo(f"{verb} {row.path}: {row.text}")
    for skipped in done.skipped:
        click.echo(f"skipped {skipped.target.shown}: {skipped.reason}")
    for failed in done.failed:
        click.echo(f"failed {failed}", err=True)
    verb = "read" if dry_run else "collected"
    krs = done.tally(metrics=False)
    summary = (
        f"{done.quarter_id} as of {done.day.isoformat()}: {krs.rows} of {krs.total} key results "
        f"{verb}, {krs.skipped} skipped, {krs.failed} failed"
    )
    if done.metrics_chosen:  # said only where a standing metric has a source to read
        metrics = done.tally(metrics=True)
        summary += (
            f"; {metrics.rows} of {metrics.total} metrics {verb}, {metrics.skipped} skipped, "
            f"{metrics.failed} failed"
        )
    click.echo(summary, err=True)
    if done.failed:
        raise SystemExit(1)
