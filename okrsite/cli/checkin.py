"""`okrsite checkin`: record a key result's value without opening the CSV."""

from __future__ import annotations

import click

from okrsite.cli.common import common_options, get_context
from okrsite.edit.checkin import CheckInRequest, append_checkin
from okrsite.model.clock import parse_date, today


@click.command(
    "checkin",
    # A negative VALUE such as -3 is a value, not an unknown option; typos still fail as
    # unexpected extra arguments.
    context_settings={"ignore_unknown_options": True},
    epilog="\b\nExamples:\n"
    '  okrsite checkin payments delivery/lead-time 6 --confidence 0.7 --note "Review SLA"\n'
    "  okrsite checkin payments oncall/pages-per-week 4 --date 2026-11-20",
)
@click.argument("unit_id", metavar="UNIT")
@click.argument("kr", metavar="OBJECTIVE/KR")
@click.argument("value", metavar="VALUE")  # a string: parse_value explains a bad one
@click.option(
    "--date",
    "on",
    metavar="YYYY-MM-DD",
    help="The day measured, today or earlier (default: today).",
)
@click.option(
    "--confidence",
    metavar="0-1",
    default=None,
    help="Your confidence that the KR lands, 0 to 1.",
)
@click.option("--note", default="", help="What moved the number.")
@click.option("--blockers", default="", help="What stands in the way.")
@click.option(
    "--quarter",
    "quarter_id",
    metavar="QUARTER",
    default=None,
    help="The quarter (default: the one containing the date).",
)
@common_options
def checkin(
    unit_id: str,
    kr: str,
    value: str,
    on: str | None,
    confidence: str | None,
    note: str,
    blockers: str,
    quarter_id: str | None,
) -> None:
    """Append a check-in for UNIT's OBJECTIVE/KR with VALUE to okrs/QUARTER/UNIT.csv."""
    day = today()
    request = CheckInRequest(
        unit_id=unit_id,
        kr=kr,
        value=value,
        on=parse_date(on, "--date") if on is not None else day,
        confidence=confidence,
        note=note,
        blockers=blockers,
        quarter_id=quarter_id,
    )
    done = append_checkin(get_context().root, request, day)
    verb = "created" if done.created else "appended to"
    click.echo(f"{verb} {done.path}: {done.row}")
    if done.replaces:
        # Appended all the same; this says which figure the scores will use.
        plural = "s" if len(done.replaces) > 1 else ""
        lines = ", ".join(str(line) for line in done.replaces)
        click.echo(
            f"replaces the row{plural} of {request.on.isoformat()} for {request.kr} "
            f"(line{plural} {lines}): on one date the later row wins"
        )
