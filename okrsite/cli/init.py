"""`okrsite init [DIR]`: scaffold a data repository; `--update`: bring its generated files to
the okrsite release running."""

from __future__ import annotations

from pathlib import Path

import click

from okrsite.cli.common import common_options, get_context
from okrsite.edit.generated import REQUIREMENTS, installed_release, parse_hash
from okrsite.edit.init import (
    DEFAULT_ORG,
    DEFAULT_TEAM,
    Outcome,
    Scaffold,
    init_repository,
    recorded_version,
    update_repository,
)
from okrsite.model.clock import today


def _hash(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    try:
        return tuple(parse_hash(value) for value in values)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@click.command(
    "init",
    short_help="Scaffold a data repository: okrs/, workflows, Dependabot, README.",
    epilog="Examples:\n\n"
    "\b\n"
    "  okrsite init my-okrs --org acme --org-name 'Acme Engineering' --team payments\n"
    "  okrsite init --update      # in the repository, after installing a new okrsite",
)
@click.argument(
    "directory",
    metavar="[DIR]",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--org", "org_id", default=DEFAULT_ORG, show_default=True, help="The org's id.")
@click.option("--org-name", default=None, help="The org's name (default: from its id).")
@click.option("--team", "team_id", default=DEFAULT_TEAM, show_default=True, help="The team's id.")
@click.option("--team-name", default=None, help="The team's name (default: from its id).")
@click.option(
    "--quarter",
    "quarter_id",
    metavar="YYYY-Qn",
    default=None,
    help="The first quarter (default: the one holding today).",
)
@click.option(
    "--update",
    is_flag=True,
    help="Rewrite only the files okrsite generated (workflows, dependabot.yml, "
    f"{REQUIREMENTS}) for this okrsite, showing each diff; a file whose first line you removed "
    "is left alone.",
)
@click.option(
    "--okrsite-hash",
    "hashes",
    metavar="SHA256",
    multiple=True,
    callback=_hash,
    help=f"The sha256 of this okrsite release's wheel (or sdist), for {REQUIREMENTS}; needed "
    "when okrsite came from a package index, which records none. Repeatable.",
)
@common_options
def init(
    directory: Path | None,
    org_id: str,
    org_name: str | None,
    team_id: str,
    team_name: str | None,
    quarter_id: str | None,
    update: bool,
    hashes: tuple[str, ...],
) -> None:
    """Scaffold an OKR data repository in DIR (default: the current directory).

    Writes okrs/org.yaml (the org and one team), the current quarter with a first programme
    (one objective, three key results, commented), its check-ins CSV, the GitHub workflows
    (pull request, publish, collect, check-ins due) installing this okrsite by version and
    hash from requirements-okrsite.txt, .github/dependabot.yml, the collect settings,
    .gitignore and a README. Never overwrites a file: it says which it skipped.
    """
    root = directory if directory is not None else get_context().root
    release = installed_release(hashes)
    if update:
        before = recorded_version(root)
        outcomes = update_repository(root, release)
        if before is not None and before != release.version:
            click.echo(f"okrsite {before} -> {release.version}")
    else:
        scaffold = Scaffold(org_id, team_id, org_name, team_name, quarter_id)
        outcomes = init_repository(root, scaffold, release, today())
    for outcome in outcomes:
        _report(outcome)
    created = [o for o in outcomes if o.action in ("created", "updated")]
    if not created:
        click.echo("nothing written")
    if not release.hashes and any(o.path == REQUIREMENTS for o in created):
        click.echo(
            f"warning: {REQUIREMENTS} pins okrsite {release.version} without its hash (this "
            "okrsite came from a package index, which records none): the workflows' install "
            "fails until it has one; run `okrsite init --update --okrsite-hash SHA256` with the "
            "sha256 of the release's wheel",
            err=True,
        )
    elif not update and created:
        click.echo("next: okrsite check, then okrsite build; the README says how to publish")


def _report(outcome: Outcome) -> None:
    reason = f" ({outcome.reason})" if outcome.reason else ""
    click.echo(f"{outcome.action} {outcome.path}{reason}")
    if outcome.diff:
        click.echo(outcome.diff, nl=False)
