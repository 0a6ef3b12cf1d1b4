"""Every command the CLI offers; each is defined in its own module under okrsite/cli/."""

from __future__ import annotations

import click

from okrsite.cli.build import build
from okrsite.cli.check import check
from okrsite.cli.checkin import checkin
from okrsite.cli.collect import collect
from okrsite.cli.diff import diff
from okrsite.cli.due import due
from okrsite.cli.export import export
from okrsite.cli.init import init
from okrsite.cli.promote import promote
from okrsite.cli.quarter import close, new, reopen
from okrsite.cli.schema import schema
from okrsite.cli.serve import serve

# `okrsite --help` lists them alphabetically, as click does.
ALL: list[click.Command] = [
    init,
    schema,
    diff,
    due,
    new,
    close,
    reopen,
    checkin,
    collect,
    promote,
    export,
    check,
    build,
    serve,
]
