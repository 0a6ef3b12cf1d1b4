"""okrs/QUARTER/quarter.yaml: a quarter's dates, status and digest, or its calendar dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from okrsite.load.checkins import GRACE_DAYS
from okrsite.load.fields import Fields, expect_mapping
from okrsite.load.yaml_nodes import Scalar, read_yaml
from okrsite.model.layout import OKRS, QUARTER_FILE
from okrsite.model.okrs import QUARTER_STATUSES, Quarter, QuarterStatus, calendar_quarter
from okrsite.model.problems import Location, Problem

QUARTER_FIELDS = ("start", "end", "status", "digest")


def calendar_dates(quarter_id: str) -> tuple[date, date] | None:
    """The calendar quarter's first and last day, None when they, or the grace period, overflow."""
    try:
        start, end = calendar_quarter(quarter_id)
        end + timedelta(days=GRACE_DAYS)
    except (ValueError, OverflowError):
        return None
    return start, end


def read_quarter_file(
    root: Path, quarter_id: str, problems: list[Problem], files: list[str]
) -> Quarter:
    """The quarter's dates and status: quarter.yaml where given, else the calendar quarter."""
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
    fields = Fields(mapping, f"quarter {quarter_id}", QUARTER_FIELDS, problems)
    given_start = fields.iso_date("start") or start
    given_end = fields.iso_date("end") or end
    status: QuarterStatus = (
        "closed" if fields.choice("status", QUARTER_STATUSES) == "closed" else "open"
    )
    digest = fields.text("digest")
    if given_end > date.max - timedelta(days=GRACE_DAYS):
        # Check-ins may come GRACE_DAYS after the end: that day must exist on the calendar.
        fields.fail(
            "OKR015",
            fields.at("end"),
            f"end {given_end.isoformat()} is too late to date the check-ins after it; "
            f"give the quarter's real last day, e.g. {end.isoformat()}",
        )
    elif given_start > given_end:
        fields.fail(
            "OKR113",
            fields.at("start"),
            f"starts on {given_start.isoformat()}, after it ends on {given_end.isoformat()}",
        )
    else:
        start, end = given_start, given_end
    return Quarter(quarter_id, start, end, status, digest, location=location)
