"""The list of commands the group offers; each lives in its own module under okrsite/cli/."""

from __future__ import annotations

import click

ALL: list[click.Command] = []
