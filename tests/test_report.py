"""Problem reports: one safe line each in text, escaped workflow commands, and JSON."""

from __future__ import annotations

import json

from okrsite.cli.report import (
    escape_data,
    escape_property,
    format_github,
    format_json,
    format_text,
    summary,
)
from okrsite.model.problems import Location, Problem

HOSTILE = "100% done\r\n::error file=x::pwned, really: yes"
ERROR = Problem(Location("okrs/a,b:c.yaml", 3, 7), "OKR012", "error", HOSTILE)
WARNING = Problem(Location("okrs/2026-Q4"), "OKR206", "warning", "no team-health")


def test_escaping_matches_actions_core() -> None:
    # @actions/core: data % -> %25, \r -> %0D, \n -> %0A; properties also : -> %3A, , -> %2C.
    assert escape_data("50%\r\n::x") == "50%25%0D%0A::x"
    assert escape_property("a%,b:c\n") == "a%25%2Cb%3Ac%0A"


def test_github_commands_cannot_be_broken_out_of() -> None:
    assert format_github([ERROR, WARNING]) == (
        "::error file=okrs/a%2Cb%3Ac.yaml,line=3,col=7,title=OKR012::"
        "100%25 done%0D%0A::error file=x::pwned, really: yes\n"
        "::warning file=okrs/2026-Q4,title=OKR206::no team-health\n"
    )
    # One command per line: the hostile message added no line of its own.
    assert len(format_github([ERROR]).splitlines()) == 1


def test_text_is_one_line_per_problem_with_controls_escaped() -> None:
    assert format_text([ERROR, WARNING]) == (
        "okrs/a,b:c.yaml:3:7: OKR012 100% done\\r\\n::error file=x::pwned, really: yes\n"
        "okrs/2026-Q4: OKR206 no team-health\n"
    )


def test_text_escapes_undecodable_file_names() -> None:
    odd = Problem(Location("okrs/\udcff\u2028.yaml"), "OKR022", "error", "x")
    assert format_text([odd]) == "okrs/\\udcff\\u2028.yaml: OKR022 x\n"
    assert format_text([odd]).encode("utf-8")
    assert format_github([odd]) == "::error file=okrs/\\udcff\\u2028.yaml,title=OKR022::x\n"
    assert format_github([odd]).encode("utf-8")


def test_text_escapes_bidirectional_controls() -> None:
    # U+202E would show the rest of the line reversed: okrs/lmth.yaml reads as okrs/html.yaml.
    odd = Problem(Location("okrs/\u202elmth.yaml"), "OKR022", "error", "x\u2066y")
    assert format_text([odd]) == "okrs/\\u202elmth.yaml: OKR022 x\\u2066y\n"


def test_github_escapes_terminal_escape_sequences() -> None:
    hostile = Problem(Location("okrs/\x1b[31mx.yaml"), "OKR022", "error", "a\x1b]0;t\x07b")
    assert format_github([hostile]) == (
        "::error file=okrs/\\x1b[31mx.yaml,title=OKR022::a\\x1b]0;t\\x07b\n"
    )


def test_json_round_trips_every_field() -> None:
    assert json.loads(format_json([ERROR, WARNING])) == [
        {"path": "okrs/a,b:c.yaml", "line": 3, "col": 7, "code": "OKR012",
         "severity": "error", "message": HOSTILE},
        {"path": "okrs/2026-Q4", "line": None, "col": None, "code": "OKR206",
         "severity": "warning", "message": "no team-health"},
    ]  # fmt: skip


def test_summary_counts_with_plurals() -> None:
    assert summary([ERROR, WARNING, WARNING], 14) == "1 error, 2 warnings in 14 files"
    assert summary([], 1) == "0 errors, 0 warnings in 1 file"
