"""Numbers as people type them and read them: one parser and one formatter for every value.

The loader reads check-in values with parse_number, and `okrsite checkin` refuses what it would
refuse, so a row the command writes always loads. Pages, charts and messages show values with
shown(), so 1234567 reads the same in a table and in the chart beside it.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

MAX_NUMBER = 1e15
"""Largest magnitude okrsite accepts: beyond it, floats lose the units digit and sums mislead."""

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
"""A number as the CSV files hold it: ASCII digits, a dot for decimals, an optional exponent."""

_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_TOO_LARGE = (
    f"is too large; okrsite takes numbers up to {MAX_NUMBER:g} either way "
    "(change the unit, e.g. to thousands)"
)


class NumberError(ValueError):
    """Text that is not a number okrsite accepts; the message completes 'value '...' '."""


def _hint(text: str) -> str:
    """What the person probably meant, for the common slips of spreadsheets and locales."""
    if _DECIMAL_COMMA.fullmatch(text):
        return f"; write {text.replace(',', '.')} (a dot, not a comma, before the decimals)"
    if _THOUSANDS.fullmatch(text):
        return f"; write {text.replace(',', '')} (no thousands separators)"
    if text.endswith("%") and NUMBER.fullmatch(text[:-1].strip()):
        return f"; write {text[:-1].strip()} without the % sign"
    return "; write digits with a dot for decimals, e.g. 12.5"


def parse_number(text: str) -> float:
    """A finite number of at most MAX_NUMBER either way, or NumberError saying what is wrong."""
    if NUMBER.fullmatch(text) and math.isfinite(value := float(text)):
        if abs(value) <= MAX_NUMBER:
            return value
        raise NumberError(_TOO_LARGE)
    raise NumberError(f"is not a number{_hint(text)}")


def check_magnitude(value: float) -> float:
    """A number read from YAML, or NumberError if it is infinite or beyond MAX_NUMBER."""
    if not math.isfinite(value):
        raise NumberError("is not a number")
    if abs(value) > MAX_NUMBER:
        raise NumberError(_TOO_LARGE)
    return value


def parse_confidence(text: str) -> float:
    """A confidence from 0 to 1, or NumberError with what to write instead."""
    if NUMBER.fullmatch(text) and 0 <= (value := float(text)) <= 1:
        return value
    hint = "a number from 0 to 1, e.g. 0.7"
    if text.endswith("%") and NUMBER.fullmatch(text[:-1].strip()):
        hint += f" (write {shown(float(text[:-1]) / 100)} for {text})"
    elif _DECIMAL_COMMA.fullmatch(text):
        hint += f" (write {text.replace(',', '.')})"
    raise NumberError(f"must be {hint}")


def csv_number(value: float) -> str:
    """A number as a CSV cell that parse_number reads back exactly: 8 rather than 8.0."""
    if value.is_integer() and abs(value) <= MAX_NUMBER:
        return str(int(value))
    return repr(value)


def shown(value: float) -> str:
    """A measured value as a person reads it: at most three decimals, never an exponent."""
    if not math.isfinite(value):
        return str(value)
    # The shortest decimal that reads back as the rounded float: no binary noise, no exponent.
    text = format(Decimal(repr(round(value, 3))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def approximate(value: float) -> str:
    """A projected value to three significant figures (at least the units digit): a projection
    is an estimate, and 4.758 days claims more precision than it has."""
    if not math.isfinite(value) or value == 0:
        return shown(value)
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return shown(round(value, digits))


def shown_score(score: float) -> str:
    """A score in [0, 1] as text, two decimals as OKR grades are written."""
    return f"{score:.2f}"
