"""okrs/QUARTER/quarter.yaml: a quarter's dates, status and digest, or its calendar dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from okrsite.load.fields import Fields, expect_mapping
from okrsite.load.yaml_nodes import Scalar, read_yaml
from okrsite.model.layout import OKRS, QUARTER_FILE
from okrsite.model.limits import (
    DATE_RANGE,
    FIRST_DATE,
    FIRST_QUARTER,
    GRACE_DAYS,
    LAST_DATE,
    LAST_QUARTER,
    MAX_QUARTER_DAYS,
)
from okrsite.model.okrs import QUARTER_STATUSES, Quarter, QuarterStatus, calendar_quarter
from okrsite.model.problems import Location, Problem

QUARTER_FIELDS = ("start", "end", "status", "digest")

QUARTER_RANGE = f"{FIRST_QUARTER} to {LAST_QUARTER}"
"""The quarter folders okrsite reads, in words: the ones whose dates a built site can carry."""


@dataclass(frozen=True)
class Written:
    """Where a top-level key of quarter.yaml is written: the key itself, and the value under it.

    The one record of a quarter.yaml key's place: check reports on a date at its value (OKR213)
    and on the digest at its key (OKR301, OKR302), without reading the file again.
    """

    key: Location
    value: Location


def calendar_dates(quarter_id: str) -> tuple[date, date] | None:
    """The calendar quarter's first and last day; None outside FIRST_QUARTER to LAST_QUARTER,
    whose dates, grace period included, are the ones a built site can carry."""
    try:
        start, end = calendar_quarter(quarter_id)
    except ValueError:
        return None
    if start < FIRST_DATE or end > LAST_DATE - timedelta(days=GRACE_DAYS):
        return None
    return start, end


def read_quarter_file(
    root: Path,
    quarter_id: str,
    problems: list[Problem],
    files: list[str],
    written: dict[str, Written] | None = None,
) -> Quarter:
    """The quarter's dates and status: quarter.yaml where given, else the calendar quarter.

    written, if given, receives where each top-level key of quarter.yaml is written (nothing
    when the file is not a mapping).
    """
    start, end = calendar_quarter(quarter_id)
    relative = f"{OKRS}/{quarter_id}/{QUARTER_FILE}"
    if not (root / relative).is_file():
        return Quarter(quarter_id, start, end, location=Location(f"{OKRS}/{quarter_id}"))
    files.append(relative)
    location = Location(relative, 1, 1)
    node, found = read_yaml(root, relative)
    problems.extend(found)
    if node is None or (isinstance(node, Scalar) and node.value is None):
        return Quarter(quarter_id, start, end, location=location)
    mapping = expect_mapping(node, "quarter.yaml", problems)
    if mapping is None:
        return Quarter(quarter_id, start, end, location=location)
    if written is not None:
        written.update(
            (key.value, Written(key.location, value.location))
            for key, value in mapping.entries
            if isinstance(key.value, str)
        )
    fields = Fields(mapping, f"quarter {quarter_id}", QUARTER_FIELDS, problems)
    given_start = fields.iso_date("start") or start
    given_end = fields.iso_date("end") or end
    status: QuarterStatus = (
        "closed" if fields.choice("status", QUARTER_STATUSES) == "closed" else "open"
    )
    digest = fields.text("digest")
    last = LAST_DATE - timedelta(days=GRACE_DAYS)
    if given_start < FIRST_DATE:
        fields.fail(
            "OKR015",
            fields.at("start"),
            f"start {given_start.isoformat()} is too early: okrsite builds dates from "
            f"{DATE_RANGE}; give the quarter's real first day, e.g. {start.isoformat()}",
        )
    elif given_end > last:
        # Check-ins may come GRACE_DAYS after the end: that day must be one a site can carry.
        fields.fail(
            "OKR015",
            fields.at("end"),
            f"end {given_end.isoformat()} is too late to date the check-ins after it: okrsite "
            f"builds dates from {DATE_RANGE}, and check-ins run {GRACE_DAYS} days past the end; "
            f"give the quarter's real last day, e.g. {end.isoformat()}",
        )
    elif given_start > given_end:
        fields.fail(
            "OKR113",
            fields.at("start"),
            f"starts on {given_start.isoformat()}, after it ends on {given_end.isoformat()}",
        )
    elif (days := (given_end - given_start).days + 1) > MAX_QUARTER_DAYS:
        fields.fail(
            "OKR062",
            fields.at("end"),
            f"runs {days} days, from {given_start.isoformat()} to {given_end.isoformat()}; a "
            f"quarter may run at most {MAX_QUARTER_DAYS} days: give the quarter's real last "
            f"day, e.g. {end.isoformat()}",
        )
    else:
        start, end = given_start, given_end
    return Quarter(quarter_id, start, end, status, digest, location=location)
