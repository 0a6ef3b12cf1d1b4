"""Typed, located reading of one YAML mapping's fields, collecting a problem for each mistake."""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence as Seq
from datetime import date, datetime

from okrsite.load.yaml_nodes import Mapping, Node, Scalar, Sequence
from okrsite.model.numbers import MAX_NUMBER
from okrsite.model.okrs import is_slug
from okrsite.model.problems import BIDI_CONTROL, Location, Problem, bidi_message, problem, quote


def describe(node: Node) -> str:
    """What a value is, as a person would say it, for 'expected X, got Y' messages."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = node.value
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime):
        return f"the timestamp {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return f"the text {quote(value)}"


def expect_mapping(node: Node, what: str, problems: list[Problem]) -> Mapping | None:
    """node as a Mapping, or None and a problem naming what it should have been."""
    if isinstance(node, Mapping):
        return node
    problems.append(
        problem(
            "OKR012", node.location, f"{what} must be a mapping of fields, not {describe(node)}"
        )
    )
    return None


class Fields:
    """The fields of one mapping: unknown ones reported at once, each read typed and located."""

    def __init__(self, node: Mapping, what: str, known: Seq[str], problems: list[Problem]) -> None:
        self.node = node
        self.what = what
        self.problems = problems
        self.ok = True
        for key, _value in node.entries:
            if not isinstance(key.value, str):
                self._add("OKR012", key.location, f"field name {describe(key)} must be text")
            elif key.value not in known:
                close = difflib.get_close_matches(key.value, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                allowed = ", ".join(known)
                self._add(
                    "OKR010",
                    key.location,
                    f"unknown field {quote(key.value)}{hint} (allowed: {allowed})",
                )

    @property
    def location(self) -> Location:
        """Where the mapping starts."""
        return self.node.location

    def _add(self, code: str, location: Location, message: str) -> None:
        self.ok = False
        self.problems.append(problem(code, location, f"{self.what}: {message}"))

    def fail(self, code: str, location: Location, message: str) -> None:
        """Report a problem with this mapping that a caller found; it is then not ok."""
        self._add(code, location, message)

    def get(self, key: str, required: bool = False) -> Node | None:
        """The raw value under key; None when missing (reported if required) or null."""
        node = self.node.get(key)
        if node is None or (isinstance(node, Scalar) and node.value is None):
            if required:
                self._add("OKR011", self.location, f"the required field {key!r} is missing")
            return None
        return node

    def at(self, key: str) -> Location:
        """Where the value under key is, else where the mapping starts."""
        node = self.node.get(key)
        return node.location if node is not None else self.location

    def _wrong(self, key: str, node: Node, expected: str, hint: str = "") -> None:
        self._add("OKR012", node.location, f"{key} must be {expected}, not {describe(node)}{hint}")

    def text(self, key: str, required: bool = False) -> str | None:
        """A text field; numbers, booleans and dates must be quoted to count as text."""
        node = self.get(key, required)
        if node is None:
            return None
        if isinstance(node, Scalar) and isinstance(node.value, str):
            if required and not node.value.strip():
                self._add("OKR011", node.location, f"{key} must not be empty")
                return None
            if (found := BIDI_CONTROL.search(node.value)) is not None:
                self._add("OKR016", node.location, bidi_message(key, found.group()))
                return None
            return node.value
        hint = " (put it in quotes to make it text)" if isinstance(node, Scalar) else ""
        self._wrong(key, node, "text", hint)
        return None

    def slug(self, key: str, required: bool = False) -> str | None:
        """An id field: text matching the slug pattern."""
        node = self.get(key, required)
        if node is None:
            return None
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # an all-digit id such as 2026 is a valid slug
        if not isinstance(value, str):
            self._wrong(key, node, "an id")
            return None
        if not is_slug(value):
            self._add(
                "OKR014",
                node.location,
                f"{key} {quote(value)} is not a valid id: use 1 to 63 lower-case letters, "
                "digits and hyphens, starting with a letter or digit",
            )
            return None
        return value

    def number(self, key: str, required: bool = False) -> float | None:
        """A finite number; text, booleans and lists are reported at the value."""
        node = self.get(key, required)
        if node is None:
            return None
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if math.isfinite(number) and abs(number) <= MAX_NUMBER:
                return number
            if math.isfinite(number):
                self._add(
                    "OKR012",
                    node.location,
                    f"{key} {value:g} is too large; okrsite takes numbers up to {MAX_NUMBER:g} "
                    "either way (change the unit, e.g. to thousands)",
                )
                return None
        hint = ""
        if isinstance(value, str) and value.replace(",", ".", 1).replace(".", "", 1).isdigit():
            hint = f" (write {value.replace(',', '.')!r} with a dot, without quotes)"
        self._wrong(key, node, "a number", hint)
        return None

    def integer(self, key: str) -> int | None:
        """A whole number."""
        node = self.get(key)
        if node is None:
            return None
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self._wrong(key, node, "a whole number")
        return None

    def boolean(self, key: str) -> bool | None:
        """A true/false field."""
        node = self.get(key)
        if node is None:
            return None
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return node.value
        self._wrong(key, node, "true or false")
        return None

    def choice(self, key: str, choices: Seq[str]) -> str | None:
        """One of a fixed set of words."""
        node = self.get(key)
        if node is None:
            return None
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value in choices:
            return node.value
        allowed = " | ".join(choices)
        if isinstance(node, Scalar) and isinstance(node.value, str):
            close = difflib.get_close_matches(node.value, choices, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self._add(
                "OKR013",
                node.location,
                f"{key} {quote(node.value)} is not one of {allowed}{hint}",
            )
        else:
            self._wrong(key, node, f"one of {allowed}")
        return None

    def iso_date(self, key: str) -> date | None:
        """A YYYY-MM-DD date, written plain or quoted."""
        node = self.get(key)
        if node is None:
            return None
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, str | datetime):
            self._add(
                "OKR015",
                node.location,
                f"{key} {quote(value)} is not a date; write it as YYYY-MM-DD, e.g. 2026-10-01",
            )
        else:
            self._wrong(key, node, "a date (YYYY-MM-DD)")
        return None

    def mapping(self, key: str) -> Mapping | None:
        """A nested mapping field."""
        node = self.get(key)
        if node is None:
            return None
        if isinstance(node, Mapping):
            return node
        self._wrong(key, node, "a mapping of fields")
        return None

    def items(self, key: str, required: bool = False) -> Sequence | None:
        """A list field."""
        node = self.get(key, required)
        if node is None:
            return None
        if isinstance(node, Sequence):
            return node
        self._wrong(key, node, "a list")
        return None
