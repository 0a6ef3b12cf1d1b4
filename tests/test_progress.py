"""The build's progress display: a bar on a terminal, plain lines in a log, never silence."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from okrsite.cli.progress import PLAIN_EVERY, Display


def terminal() -> tuple[Display, io.StringIO]:
    """A display drawing on a fake terminal 80 columns wide, and what it wrote."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80, color_system=None)
    return Display(console), screen


def test_on_a_terminal_the_bar_moves_and_lines_print_above_it_as_written() -> None:
    shown, screen = terminal()
    shown.tick(0, 40)
    shown.tick(10, 40)
    # Lines hold file names and user text: rich markup in them is printed, not interpreted.
    shown.line("okrs/2026-Q4/[red]x[/red].csv: rebuilt")
    shown.tick(40, 40)
    shown.close()
    text = screen.getvalue()
    assert "okrs/2026-Q4/[red]x[/red].csv: rebuilt" in text
    assert "40/40" in text
    assert "unit pages" in text


def test_in_a_log_progress_is_a_plain_line_now_and_then_and_at_the_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    moments = iter([100.0, 101.0, 102.0, 100.0 + PLAIN_EVERY, 121.0])
    shown = Display(None, clock=lambda: next(moments))
    for done in (1, 2, 3, 20, 40):
        shown.tick(done, 40)
    lines = capsys.readouterr().err.splitlines()
    # The first tick, the next one at least PLAIN_EVERY seconds later, and the last.
    assert lines == [
        "progress: 1 of 40 unit pages made and built (2 %)",
        "progress: 20 of 40 unit pages made and built (50 %)",
        "progress: 40 of 40 unit pages made and built (100 %)",
    ]


def test_nothing_to_build_shows_no_bar() -> None:
    shown, screen = terminal()
    shown.tick(0, 0)  # every quarter reused from the cache
    shown.close()
    assert screen.getvalue() == ""
