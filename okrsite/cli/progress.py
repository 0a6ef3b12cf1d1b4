"""How a long build shows it is working: a progress bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

PLAIN_EVERY = 10.0
"""Seconds between plain progress lines in CI, so a log shows the build moving but stays short."""


class Display:
    """Progress lines and, on a terminal, a bar of unit pages made and built."""

    def __init__(
        self, console: Console | None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._console = console
        self._clock = clock
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._said = 0.0
        self._last_share = -1

    def line(self, message: str) -> None:
        """Show one progress line on standard error, above the bar if there is one."""
        if self._bar is not None:
            # markup off: messages hold file names and user text, never rich markup.
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            click.echo(message, err=True)

    def tick(self, done: int, total: int) -> None:
        """Move the bar to done of total, or print a plain line now and then without one."""
        if total <= 0:
            return
        if self._console is not None:
            if self._bar is None:
                self._bar = Progress(
                    TextColumn("unit pages"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=self._console,
                    transient=True,
                )
                self._bar.start()
                self._task = self._bar.add_task("build", total=total)
            assert self._task is not None
            self._bar.update(self._task, completed=done, total=total)
            return
        share = 100 * done // total
        now = self._clock()
        if done == total or (share != self._last_share and now - self._said >= PLAIN_EVERY):
            self._said, self._last_share = now, share
            click.echo(
                f"progress: {done} of {total} unit pages made and built ({share} %)", err=True
            )

    def close(self) -> None:
        """Take the bar off the terminal."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _on_terminal() -> bool:
    """Whether standard error is an interactive terminal (and not a CI log)."""
    return sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


@contextmanager
def display() -> Iterator[Display]:
    """A Display for one command; the bar is removed when the block ends, however it ends."""
    shown = Display(Console(stderr=True) if _on_terminal() else None)
    try:
        yield shown
    finally:
        shown.close()
