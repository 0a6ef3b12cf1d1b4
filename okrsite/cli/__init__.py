"""The command line: the only place that prints and exits."""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from types import FrameType

import click

from okrsite import __version__
from okrsite.cli.common import Context, common_options
from okrsite.model.errors import OkrsiteError


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised as Ctrl-C's KeyboardInterrupt is, so that the same cleanup runs."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # A second SIGTERM must not cut the cleanup short; SIGKILL still ends everything at once.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise _Terminated


def _os_error(error: OSError) -> str:
    """An OSError no library call turned into a message: the path and the system's reason."""
    said = error.strerror or str(error)
    return f"{os.fsdecode(error.filename)}: {said}" if error.filename is not None else said


class _Group(click.Group):
    """Turns domain errors and OSError into a message and exit status 2, a traceback only with
    --debug; Ctrl-C and SIGTERM into one line and exit status 130 and 143, after the command
    has cleaned up (a build removes its temporary folder and stops its worker processes)."""

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
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
        try:
            return super().invoke(ctx)
        except (OkrsiteError, OSError) as error:
            # A closed pipe (`okrsite export | head`) is click's to handle: quietly.
            if ctx.ensure_object(Context).debug or isinstance(error, BrokenPipeError):
                raise
            message = _os_error(error) if isinstance(error, OSError) else str(error)
            click.echo(f"okrsite: error: {message}", err=True)
            sys.exit(2)
        except KeyboardInterrupt as interrupt:
            if ctx.ensure_object(Context).debug:
                traceback.print_exc()  # where it was: useful when a command seemed to hang
            name = "SIGTERM" if isinstance(interrupt, _Terminated) else "SIGINT"
            click.echo(f"okrsite: interrupted by {name}", err=True)
            sys.exit(128 + (signal.SIGTERM if name == "SIGTERM" else signal.SIGINT))
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


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
