"""Problems as text, GitHub Actions workflow commands or JSON: pure functions returning strings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from okrsite.model.problems import Problem, one_line

# What @actions/core leaves raw but a log must not: every control but CR and LF, and surrogates.
_UNSAFE_IN_COMMAND = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def format_text(problems: Iterable[Problem]) -> str:
    """One `path:line:col: CODE message` line per problem."""
    return "".join(one_line(str(p)) + "\n" for p in problems)


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as @actions/core escapes it."""
    # Lone surrogates (undecodable file names) cannot be written as UTF-8: show them as \udcxx;
    # an escape sequence in a file name must not colour or rewrite the log: show it as \x1b.
    text = _UNSAFE_IN_COMMAND.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped as @actions/core escapes it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Iterable[Problem]) -> str:
    """One `::error file=...,line=...,col=...,title=CODE::message` command per problem."""
    lines: list[str] = []
    for p in problems:
        properties = [("file", p.location.path)]
        if p.location.line:
            properties.append(("line", str(p.location.line)))
        if p.location.col:
            properties.append(("col", str(p.location.col)))
        properties.append(("title", p.code))
        joined = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
        lines.append(f"::{p.severity} {joined}::{escape_data(p.message)}\n")
    return "".join(lines)


def format_json(problems: Iterable[Problem]) -> str:
    """A JSON list of {path, line, col, code, severity, message}; 0 line or col becomes null."""
    records = [
        {
            "path": p.location.path,
            "line": p.location.line or None,
            "col": p.location.col or None,
            "code": p.code,
            "severity": p.severity,
            "message": p.message,
        }
        for p in problems
    ]
    return json.dumps(records, indent=2, ensure_ascii=True) + "\n"


def summary(problems: Iterable[Problem], files: int) -> str:
    """The closing line: '2 errors, 3 warnings in 14 files'."""
    listed = list(problems)
    errors = sum(p.severity == "error" for p in listed)
    warnings = len(listed) - errors

    def count(number: int, word: str) -> str:
        return f"{number} {word}{'' if number == 1 else 's'}"

    return f"{count(errors, 'error')}, {count(warnings, 'warning')} in {count(files, 'file')}"
