"""The limits okrsite reads and builds within, in one place: each has a located error past it.

They are set far beyond any real organisation, so that a typo or a generated file fails with a
clear message instead of a build that runs for hours or a crash deep inside a library:

- MAX_UNITS units in org.yaml, at most MAX_DEPTH levels deep (the org is level 1);
- a quarter of at most MAX_QUARTER_DAYS days, from its start to its end;
- at most MAX_CHECKINS data rows in one check-in CSV;
- dates from FIRST_DATE to LAST_DATE: a built site carries its as-of date as a Unix timestamp
  in 32 bits (MkDocs' sitemap.xml.gz), so quarter folders run from FIRST_QUARTER to
  LAST_QUARTER, whose grace period for a final check-in still ends before LAST_DATE.
"""

from __future__ import annotations

from datetime import date

MAX_UNITS = 2_000
"""Units in org.yaml."""

MAX_DEPTH = 20
"""Levels of the unit tree, the org being level 1."""

MAX_QUARTER_DAYS = 200
"""Days from a quarter's start to its end (a calendar quarter has 90 to 92)."""

MAX_CHECKINS = 10_000
"""Data rows in one unit's check-in CSV (a year of daily check-ins for 27 KRs)."""

GRACE_DAYS = 31
"""A check-in may be dated up to this many days after the quarter's end: the final measurement."""

FIRST_DATE = date(1970, 1, 1)
"""The first date okrsite accepts: the Unix epoch."""

LAST_DATE = date(2106, 2, 7)
"""The last date okrsite accepts: its midnight, UTC, is the last below 2**32 seconds."""

FIRST_QUARTER = "1970-Q1"
LAST_QUARTER = "2105-Q4"
"""The quarter folders okrsite accepts: 2105-Q4's grace period ends on 2106-01-31."""


def in_date_range(day: date) -> bool:
    """Whether a date is one okrsite can carry into a built site."""
    return FIRST_DATE <= day <= LAST_DATE


DATE_RANGE = f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"
"""The accepted dates in words, for messages."""
