"""Every check code with its severity, and helpers to build located, safely quoted problems."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from okrsite.model.layout import ORG_FILE

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """Where something was written: a root-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.path}:{self.line}:{self.col}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


@dataclass(frozen=True)
class Problem:
    """One finding of the check: an error breaks the model, a warning is an OKR anti-pattern."""

    location: Location
    code: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"


@dataclass(frozen=True)
class Code:
    """A stable check code: its severity and a short name for documentation."""

    code: str
    severity: Severity
    name: str


_TABLE: tuple[tuple[str, Severity, str], ...] = (
    # OKR0xx: files that cannot be read as the contract's formats.
    ("OKR001", "error", "file is not UTF-8 text"),
    ("OKR002", "error", "file is too large"),
    ("OKR003", "error", "YAML syntax error"),
    ("OKR004", "error", "duplicate key in a YAML mapping"),
    ("OKR005", "error", "YAML alias refused"),
    ("OKR006", "error", "YAML tag refused"),
    ("OKR007", "error", "YAML nested too deeply"),
    ("OKR010", "error", "unknown field"),
    ("OKR011", "error", "missing required field"),
    ("OKR012", "error", "value of the wrong type"),
    ("OKR013", "error", "value not one of the allowed choices"),
    ("OKR014", "error", "not a valid id"),
    ("OKR015", "error", "not a valid date"),
    ("OKR016", "error", "text holds a bidirectional control character"),
    ("OKR017", "error", "not a valid GitHub handle"),
    ("OKR018", "error", "source would send a token where it may not go"),
    ("OKR019", "error", "measurement source cannot be used as written"),
    ("OKR020", "error", "okrs/org.yaml is missing"),
    ("OKR021", "error", "folder under okrs/ is not a quarter"),
    ("OKR022", "error", "file name is not a unit of org.yaml"),
    ("OKR023", "error", "data file with an unexpected name"),
    ("OKR024", "error", "okrs/ holds no quarter"),
    ("OKR025", "error", "program outside the programs folder"),
    ("OKR026", "error", "collect settings cannot be used as written"),
    ("OKR030", "error", "check-in CSV without its unit YAML"),
    ("OKR031", "error", "CSV is not comma-separated"),
    ("OKR032", "error", "CSV is missing a required column"),
    ("OKR033", "error", "unknown CSV column"),
    ("OKR034", "error", "CSV column given twice"),
    ("OKR035", "error", "CSV date is not YYYY-MM-DD"),
    ("OKR036", "error", "CSV value is not a number"),
    ("OKR037", "error", "malformed CSV row"),
    ("OKR038", "error", "CSV required cell is empty"),
    ("OKR039", "error", "CSV confidence is not a number from 0 to 1"),
    ("OKR040", "error", "check-in dated outside the quarter"),
    ("OKR041", "error", "check-in for a key result not in the unit's YAML"),
    ("OKR042", "error", "CSV has no header row"),
    # OKR05x: paths okrsite will not follow or open (links out, special files, undecodable names).
    ("OKR050", "error", "symbolic link leads outside the repository"),
    ("OKR051", "error", "symbolic link leads into a hidden path"),
    ("OKR052", "error", "symbolic link leads nowhere or loops"),
    ("OKR053", "error", "not a regular file or folder"),
    ("OKR054", "error", "name is not UTF-8"),
    # OKR06x: past a limit okrsite reads or builds within (okrsite/model/limits.py).
    ("OKR060", "error", "org.yaml lists too many units"),
    ("OKR061", "error", "unit tree too deep"),
    ("OKR062", "error", "quarter too long"),
    ("OKR063", "error", "too many check-ins in one CSV"),
    # OKR1xx: files that read fine but do not make a consistent model.
    ("OKR101", "error", "not exactly one unit of kind org"),
    ("OKR102", "error", "parent missing, or given to the org"),
    ("OKR103", "error", "parent is not a unit"),
    ("OKR104", "error", "units form a cycle"),
    ("OKR105", "error", "duplicate unit id"),
    ("OKR106", "error", "duplicate objective id"),
    ("OKR107", "error", "duplicate key result id"),
    ("OKR108", "error", "metric target equals its baseline"),
    ("OKR109", "error", "guardrail without min or max"),
    ("OKR110", "error", "min greater than max"),
    ("OKR111", "error", "weight not greater than 0"),
    ("OKR112", "error", "grade outside 0 to 1"),
    ("OKR113", "error", "quarter starts after it ends"),
    ("OKR114", "error", "aligns_to names nothing"),
    ("OKR115", "error", "aligns_to names a unit that is not an ancestor"),
    ("OKR116", "error", "objective without key results"),
    ("OKR117", "error", "policy value out of range"),
    ("OKR118", "error", "policy ignores a code that is not a warning"),
    # OKR12x: standing metrics (okrs/metrics/).
    ("OKR120", "error", "standing metric without one healthy range"),
    ("OKR121", "error", "improves names no standing metric"),
    ("OKR122", "error", "DORA metric in a unit its level cannot be read in"),
    ("OKR123", "error", "reading for a metric not in the unit's metrics YAML"),
    ("OKR124", "error", "duplicate metric id"),
    # OKR2xx: anti-patterns of OKR practice; policy.ignore can switch them off.
    ("OKR201", "warning", "activity dressed as an outcome"),
    ("OKR202", "warning", "vanity metric"),
    ("OKR203", "warning", "more key results than the policy allows"),
    ("OKR204", "warning", "org objective's key result count outside the policy's range"),
    ("OKR205", "warning", "more objectives than the policy allows"),
    ("OKR206", "warning", "quarter leaves out a health domain"),
    ("OKR207", "warning", "stale key result"),
    ("OKR208", "warning", "possible sandbagging: grades of 0.9 or more"),
    ("OKR209", "warning", "file in a quarter folder is not read"),
    # OKR21x: added 2026-11-28 (contract section 3).
    ("OKR210", "warning", "objective names an activity, not an outcome"),
    ("OKR211", "warning", "milestone promises no checkable end state"),
    ("OKR212", "warning", "check-in or reading dated after today"),
    ("OKR213", "warning", "quarter dates wander from the calendar quarter"),
    ("OKR214", "warning", "every key result of an objective dropped"),
    ("OKR215", "warning", "owner given a GitHub handle owns no key result"),
    # OKR3xx: reserved for the rules that freeze a closed quarter's data.
    ("OKR301", "error", "closed quarter changed since it was closed"),
    ("OKR302", "error", "closed quarter's digest is malformed"),
)

CODES: dict[str, Code] = {code: Code(code, severity, name) for code, severity, name in _TABLE}
"""Every code okrsite's loader and linter report, in order."""

WARNING_CODES: frozenset[str] = frozenset(c.code for c in CODES.values() if c.severity == "warning")


def problem(code: str, location: Location, message: str) -> Problem:
    """A problem with the severity its code is registered with."""
    return Problem(location, code, CODES[code].severity, message)


def about(
    problems: Iterable[Problem], quarter_id: str, unit_id: str | None = None
) -> tuple[Problem, ...]:
    """The problems in org.yaml and in the quarter's files (only the unit's, if one is named)."""
    prefix = f"okrs/{quarter_id}/" + (f"{unit_id}." if unit_id is not None else "")
    return tuple(
        p for p in problems if p.location.path == ORG_FILE or p.location.path.startswith(prefix)
    )


def errors(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The errors among problems: what breaks the model, as opposed to warnings."""
    return tuple(p for p in problems if p.severity == "error")


def quote(text: object, limit: int = 60) -> str:
    """A user's string made safe for a one-line message: repr-quoted, control characters escaped."""
    return repr(shortened(str(text), limit))


BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Invisible characters that reorder the text around them (Trojan Source, CVE-2021-42574): code
hosts flag them, and in a name or title they make a page read differently from what it says."""


def bidi_message(what: str, character: str) -> str:
    """The sentence for text holding a bidirectional control character."""
    return (
        f"{what} holds the invisible bidirectional control character U+{ord(character):04X}, "
        "which makes text display in a different order from what it says; remove it"
    )


# C0/C1 controls, line and paragraph separators, lone surrogates (from undecodable file names),
# and the bidirectional controls of BIDI_CONTROL.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def one_line(text: str, limit: int | None = None) -> str:
    """Text for a plain-text message: every control character escaped (\\x1b, \\u2028), so it
    cannot start a line or fake output, and every bidirectional control (\\u202e), so it displays
    as it reads; with a limit, cut to that many characters, the last an ellipsis."""
    escaped = _UNSAFE.sub(
        lambda m: m.group().encode("unicode_escape", "backslashreplace").decode(), text
    )
    return escaped if limit is None else shortened(escaped, limit)


def shortened(text: str, limit: int) -> str:
    """Text cut to limit characters, the last an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
