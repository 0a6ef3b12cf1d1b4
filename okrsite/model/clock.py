"""Today's date, the one wall-clock read; SOURCE_DATE_EPOCH pins it for reproducible builds.

Every date okrsite takes from outside its data (today, --as-of) must lie in the range a built
site can carry (model/limits.py), so a date beyond it is one clear error here, never a crash
deep in the build.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from okrsite.model.errors import OkrsiteError
from okrsite.model.limits import DATE_RANGE, in_date_range


def today() -> date:
    """The date of SOURCE_DATE_EPOCH when set (reproducible builds), else today's UTC date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        day = datetime.now(UTC).date()
        if not in_date_range(day):
            raise OkrsiteError(
                f"the system clock says {day.isoformat()}, outside the dates okrsite can build, "
                f"{DATE_RANGE}; set the clock, or SOURCE_DATE_EPOCH"
            )
        return day
    try:
        day = datetime.fromtimestamp(int(epoch), UTC).date()
    except (ValueError, OverflowError, OSError) as error:
        raise OkrsiteError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp (whole seconds since "
            f"1970-01-01) of a date okrsite can build, {DATE_RANGE}"
        ) from error
    if not in_date_range(day):
        raise OkrsiteError(
            f"SOURCE_DATE_EPOCH={epoch!r} falls on {day.isoformat()}, outside the dates okrsite "
            f"can build, {DATE_RANGE}; set it to a Unix timestamp in that range, or unset it"
        )
    return day


def parse_date(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date given on the command line within the buildable range, or a clear error."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError as error:
        raise OkrsiteError(
            f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27"
        ) from error
    if not in_date_range(day):
        raise OkrsiteError(f"{what} {text} is outside the dates okrsite can build, {DATE_RANGE}")
    return day
