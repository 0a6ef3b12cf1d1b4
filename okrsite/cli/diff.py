"""`okrsite diff`: how the working tree moves the scores compared with a revision or a folder."""

from __future__ import annotations

import json

import click

from okrsite import pipeline
from okrsite.cli.common import common_options, get_context
from okrsite.model.clock import today
from okrsite.score.diff import metrics_json, to_json
from okrsite.score.source_changes import review_json
from okrsite.site.pages.diff_summary import metrics_markdown, sources_markdown, to_markdown


@click.command(
    "diff",
    epilog="\b\nExamples:\n  okrsite diff origin/main\n  okrsite diff HEAD~1 --format json\n"
    "  okrsite diff ../okrs-before --quarter 2026-Q4",
)
@click.argument("base", metavar="BASE")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown for a job summary, json for tools.",
)
@click.option("--quarter", "quarter_id", metavar="YYYY-Qn", default=None, help="Only this quarter.")
@common_options
def diff(base: str, output_format: str, quarter_id: str | None) -> None:
    """Score changes from BASE (a git revision, or a folder holding okrs/) to the working tree."""
    root = get_context().root
    changes, metrics = pipeline.diff_with_metrics(root, base, quarter_id, today())
    # Every source that reaches a new host, token or program, and every change to the collect
    # settings or the programs folder, flagged for the reviewer (threat model, T1 and T2).
    review = pipeline.review_sources(root, base)
    if output_format == "json":
        data = to_json(changes, base)
        if metrics:  # standing metrics added, removed or given another healthy range
            data["metrics"] = metrics_json(metrics)
        if not review.empty:
            data["source_review"] = review_json(review)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        summary = to_markdown(changes, base) + metrics_markdown(metrics)
        click.echo(summary + sources_markdown(review), nl=False)
