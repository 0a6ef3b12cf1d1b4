"""Today's date, the one wall-clock read; SOURCE_DATE_EPOCH pins it for reproducible builds."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from okrsite.model.errors import OkrsiteError


def today() -> date:
    """The date of SOURCE_DATE_EPOCH when set (reproducible builds), else today's UTC date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC).date()
    try:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    except (ValueError, OverflowError, OSError) as error:
        raise OkrsiteError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp (whole seconds since 1970-01-01)"
        ) from error


def parse_date(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date given on the command line, or a clear error."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as error:
        raise OkrsiteError(
            f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27"
        ) from error
