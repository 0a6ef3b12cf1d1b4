"""Domain exceptions: the library raises these; only the CLI turns them into messages."""

from __future__ import annotations

from okrsite.model import Problem


class OkrsiteError(Exception):
    """A failure a user can act on; its message is shown as is, without a traceback."""


class DataError(OkrsiteError):
    """The repository's data has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
