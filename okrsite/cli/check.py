"""`okrsite check`: every problem in every data file, one run, exit 1 on any error."""

from __future__ import annotations

import sys

import click

from okrsite import pipeline
from okrsite.cli.common import common_options, get_context
from okrsite.cli.report import format_github, format_json, format_text, summary
from okrsite.model.clock import today

FORMATS = {"text": format_text, "github": format_github, "json": format_json}


@click.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings as well as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="text: path:line:col: CODE message; github: workflow commands that annotate a pull "
    "request; json: a list of {path, line, col, code, severity, message}.",
)
@common_options
def check(strict: bool, output_format: str) -> None:
    """Check every OKR file: errors break the model, warnings are OKR anti-patterns."""
    checked = pipeline.check(get_context().root, today())
    problems = checked.problems
    click.echo(FORMATS[output_format](problems), nl=False)
    click.echo(summary(problems, len(checked.loaded.files)), err=True)
    failed = any(p.severity == "error" or strict for p in problems)
    sys.exit(1 if failed else 0)
