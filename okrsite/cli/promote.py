"""`okrsite promote`: turn a key result into a standing metric of its unit."""

from __future__ import annotations

import click

from okrsite.cli.common import common_options, get_context
from okrsite.edit.promote import promote as promote_kr
from okrsite.model.numbers import shown


@click.command(
    "promote",
    short_help="Make a key result a standing metric of its unit, its history carried over.",
    epilog="\b\nExamples:\n  okrsite promote 2026-Q3 checkout reliability/checkout-errors\n"
    "  okrsite promote 2026-Q3 eng delivery/change-failure-rate --id change-failures",
)
@click.argument("quarter_id", metavar="QUARTER")
@click.argument("unit_id", metavar="UNIT")
@click.argument("kr", metavar="OBJECTIVE/KR")
@click.option(
    "--id",
    "metric_id",
    metavar="METRIC",
    default=None,
    help="The standing metric's id (default: the KR's id).",
)
@common_options
def promote(quarter_id: str, unit_id: str, kr: str, metric_id: str | None) -> None:
    """Make UNIT's OBJECTIVE/KR of QUARTER a standing metric of UNIT.

    Appends the metric to okrs/metrics/UNIT.yaml (title, owner, measurement, unit, source, and a
    healthy range proposed from the KR: a metric KR's target as max when it is below the
    baseline, else as min; a guardrail's min and max) and the KR's check-ins of every quarter
    to okrs/metrics/UNIT.csv, so its history carries on. A milestone is refused.
    """
    done = promote_kr(get_context().root, quarter_id, unit_id, kr, metric_id)
    verb = "created" if done.yaml_created else "appended to"
    click.echo(f"{verb} {done.yaml_path}: standing metric {done.metric_path}")
    click.echo(done.entry, nl=False)
    if done.history:
        verb = "created" if done.csv_created else "appended to"
        first, last = done.history[0].date.isoformat(), done.history[-1].date.isoformat()
        click.echo(
            f"{verb} {done.csv_path}: {len(done.history)} readings, {first} to {last}, "
            f"the check-ins of {done.kr_path} in every quarter"
        )
    else:
        click.echo(f"{done.kr_path} has no check-in yet: no readings carried over")
    bounds = [
        f"min {shown(done.min)}" if done.min is not None else "",
        f"max {shown(done.max)}" if done.max is not None else "",
    ]
    click.echo(
        f"Next: review the healthy range ({' and '.join(b for b in bounds if b)}, proposed from "
        "the KR) in the YAML, run `okrsite check`, then commit both files and open a pull "
        "request."
    )
