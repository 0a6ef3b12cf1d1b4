"""The command line: the only place that prints and exits."""

from __future__ import annotations

import sys

import click

from okrsite import __version__
from okrsite.cli.common import Context, common_options
from okrsite.model.errors import OkrsiteError


class _Group(click.Group):
    """Turns domain errors into a message and exit status 2, a traceback only with --debug."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command with its whole one-line summary, wrapped rather than cut at '...'."""
        rows = [
            (name, command.get_short_help_str(limit=10_000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except OkrsiteError as error:
            if ctx.ensure_object(Context).debug:
                raise
            click.echo(f"okrsite: error: {error}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrsite")
@common_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """Check, score and publish engineering OKRs kept as plain files in git."""
    ctx.ensure_object(Context)


def _register() -> None:
    """Attach each command module's command to the group."""
    # Imported late: command modules import okrsite.cli.common, never this module.
    from okrsite.cli.commands import ALL

    for command in ALL:
        main.add_command(command)


_register()
