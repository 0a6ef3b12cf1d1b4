"""Every command the CLI offers; each is defined in its own module under okrsite/cli/."""

from __future__ import annotations

import click

from okrsite.cli.check import check
from okrsite.cli.export import export
from okrsite.cli.schema import schema

# Each helper module appends its command here, e.g.:
#   from okrsite.cli.check import check
ALL: list[click.Command] = [schema, export, check]
