"""What every command shares: the repository root, --debug, and output helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Context:
    """What every command gets: the repository root and whether to show tracebacks."""

    root: Path = Path(".")
    debug: bool = False


def _set_root(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(Context).root = value


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(Context).debug = True


def common_options(command: F) -> F:
    """--root and --debug, declared once: on the group and after every command name."""
    command = click.option(
        "--root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_set_root,
        help="The OKR repository: the folder holding okrs/, content/, theme/ and mkdocs.yml "
        "(default: the current directory).",
    )(command)
    command = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show a traceback when something fails.",
    )(command)
    return command


def get_context() -> Context:
    """The shared context of the running command."""
    return click.get_current_context().ensure_object(Context)


def out_option(default: Path, what: str) -> Callable[[F], F]:
    """The --out folder of a command that writes; a relative one is taken from --root."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=f"Where to write {what}; relative paths are taken from --root.",
    )
