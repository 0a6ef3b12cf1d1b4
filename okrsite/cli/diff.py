"""`okrsite diff`: how the working tree moves the scores compared with a revision or a folder."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from okrsite.cli.common import common_options, get_context
from okrsite.load.git_revision import materialise
from okrsite.load.repository import load, load_valid
from okrsite.model.clock import today
from okrsite.model.errors import OkrsiteError
from okrsite.model.okrs import Repository
from okrsite.model.problems import quote
from okrsite.score.diff import diff_results, to_json, to_markdown
from okrsite.score.history import score_all


def _base_repository(root: Path, base: str) -> Repository:
    """The base's repository: a folder holding okrs/, else a git revision of the root's repo."""
    folder = Path(base)
    if folder.is_dir():
        if not (folder / "okrs").is_dir():
            raise OkrsiteError(
                f"base folder {quote(base)} holds no okrs/; give the root of another copy of "
                "the repository, or a git revision such as origin/main"
            )
        # The base is what was, not what the author can fix: read what can be read.
        return load(folder).repository
    with tempfile.TemporaryDirectory(prefix="okrsite-base-") as temporary:
        return load(materialise(root, base, Path(temporary))).repository


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
    when = today()
    before = score_all(_base_repository(root, base), None, when)
    after = score_all(load_valid(root), None, when)
    changes = diff_results(before, after, quarter_id)
    if output_format == "json":
        click.echo(json.dumps(to_json(changes, base), indent=2, ensure_ascii=False))
    else:
        click.echo(to_markdown(changes, base), nl=False)
