"""Domain exceptions: the library raises these; only the CLI turns them into messages."""

from __future__ import annotations

from okrsite.model.problems import Problem, one_line


class OkrsiteError(Exception):
    """A failure a user can act on; its message is shown as is, without a traceback."""


class DataError(OkrsiteError):
    """The repository's data has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        # One problem a line, control characters escaped: a file name cannot fake output.
        super().__init__("\n".join(one_line(str(p)) for p in problems))
