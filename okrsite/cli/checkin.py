"""`okrsite checkin`: record a key result's value, or a standing metric's, without opening the
CSV."""

from __future__ import annotations

from datetime import date

import click

from okrsite.cli.common import common_options, get_context
from okrsite.edit.checkin import CheckInRequest, append_checkin
from okrsite.edit.reading import ReadingRequest, append_reading
from okrsite.model.clock import parse_date, today

METRIC_USAGE = "okrsite checkin --metric UNIT/METRIC VALUE"


class CheckinCommand(click.Command):
    """`checkin` with both of its shapes in the usage line: a KR's, and a metric's."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        shapes = ["UNIT OBJECTIVE/KR VALUE", "|", "--metric UNIT/METRIC VALUE"]
        return [self.options_metavar or "", *shapes]


@click.command(
    "checkin",
    cls=CheckinCommand,
    # A negative VALUE such as -3 is a value, not an unknown option; typos still fail as
    # unexpected extra arguments.
    context_settings={"ignore_unknown_options": True},
    epilog="\b\nExamples:\n"
    '  okrsite checkin payments delivery/lead-time 6 --confidence 0.7 --note "Review SLA"\n'
    "  okrsite checkin payments oncall/pages-per-week 4 --date 2026-11-20\n"
    '  okrsite checkin --metric eng/lead-time 5.5 --note "From the pipeline dashboard"',
)
# Not required: with --metric the one argument given is the VALUE (checked below).
@click.argument("unit_id", metavar="UNIT", required=False)
@click.argument("kr", metavar="OBJECTIVE/KR", required=False)
@click.argument("value", metavar="VALUE", required=False)  # a string: parse_value explains it
@click.option(
    "--metric",
    "metric",
    metavar="UNIT/METRIC",
    default=None,
    help="Record a reading of this standing metric (okrs/metrics/UNIT.yaml) instead of a "
    "key result's check-in: give VALUE alone, with --date and --note if you like. It is "
    "appended to okrs/metrics/UNIT.csv.",
)
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
    unit_id: str | None,
    kr: str | None,
    value: str | None,
    metric: str | None,
    on: str | None,
    confidence: str | None,
    note: str,
    blockers: str,
    quarter_id: str | None,
) -> None:
    """Append a check-in for UNIT's OBJECTIVE/KR with VALUE to okrs/QUARTER/UNIT.csv, or with
    --metric a reading of a standing metric to okrs/metrics/UNIT.csv."""
    day = today()
    when = parse_date(on, "--date") if on is not None else day
    if metric is not None:
        given = [text for text in (unit_id, kr, value) if text is not None]
        _metric_reading(metric, given, when, day, note, confidence, blockers, quarter_id)
        return
    for text, name in ((unit_id, "UNIT"), (kr, "OBJECTIVE/KR"), (value, "VALUE")):
        if text is None:
            raise click.UsageError(
                f"Missing argument '{name}'; or give a standing metric's reading as "
                f"`{METRIC_USAGE}`."
            )
    assert unit_id is not None and kr is not None and value is not None
    request = CheckInRequest(
        unit_id=unit_id,
        kr=kr,
        value=value,
        on=when,
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


def _metric_reading(
    metric: str,
    given: list[str],
    when: date,
    day: date,
    note: str,
    confidence: str | None,
    blockers: str,
    quarter_id: str | None,
) -> None:
    """`checkin --metric UNIT/METRIC VALUE`: one reading appended, and what it replaces."""
    if not given:
        raise click.UsageError(f"Missing argument 'VALUE': `{METRIC_USAGE}`")
    if len(given) > 1:
        raise click.UsageError(
            f"--metric takes one VALUE, not {len(given)} arguments ({' '.join(given)}): "
            f"`{METRIC_USAGE}`"
        )
    for name, text in (("--confidence", confidence), ("--blockers", blockers or None),
                       ("--quarter", quarter_id)):  # fmt: skip
        if text is not None:
            raise click.UsageError(
                f"{name} is for a key result's check-in; a standing metric's reading takes "
                "VALUE, --date and --note"
            )
    request = ReadingRequest(metric=metric, value=given[0], on=when, note=note)
    done = append_reading(get_context().root, request, day)
    verb = "created" if done.created else "appended to"
    click.echo(f"{verb} {done.path}: {done.row}")
    if done.replaces:
        plural = "s" if len(done.replaces) > 1 else ""
        lines = ", ".join(str(line) for line in done.replaces)
        click.echo(
            f"replaces the reading{plural} of {request.on.isoformat()} for {done.metric.path} "
            f"(line{plural} {lines}): on one date the later row wins"
        )
