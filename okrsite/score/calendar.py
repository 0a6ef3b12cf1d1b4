"""Where an as-of date falls in its quarter: the phase, the week and the check-ins due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from okrsite.model.okrs import Policy, Quarter
from okrsite.model.scores import KeyResultResult
from okrsite.score.quarter import in_setup

Phase = Literal["setup", "execution", "completion", "closed"]

COMPLETION_DAYS = 14
"""An open quarter's last days, from which it is in completion: final measurements, grading."""


def phase(quarter: Quarter, as_of: date, policy: Policy) -> Phase:
    """The quarter's phase at as_of: setup in its first setup_days days, completion in its last
    COMPLETION_DAYS, execution between; closed once it is closed."""
    if quarter.closed:
        return "closed"
    if in_setup(quarter, as_of, policy):
        return "setup"
    if (quarter.end - as_of).days < COMPLETION_DAYS:
        return "completion"
    return "execution"


def week(quarter: Quarter, as_of: date) -> tuple[int, int]:
    """(the week as_of falls in, the quarter's weeks), counted from the start, within 1..weeks."""
    weeks = max(1, round(((quarter.end - quarter.start).days + 1) / 7))  # 91 or 92 days: 13
    current = (as_of - quarter.start).days // 7 + 1
    return min(max(current, 1), weeks), weeks


CHECKIN_DAYS = 30
"""Check-ins are monthly: a KR's next one is due this many days after its latest."""


def checkin_due(kr: KeyResultResult, quarter: Quarter) -> date | None:
    """When a KR's next monthly check-in is due: CHECKIN_DAYS after its latest counted check-in
    (after the quarter's start, with none), and the quarter's last day at the latest; None in a
    closed quarter and for a dropped KR."""
    if quarter.closed or kr.dropped:
        return None
    since = kr.last_checkin or quarter.start
    return min(since + timedelta(days=CHECKIN_DAYS), quarter.end)


def checkins_due(
    krs: Sequence[KeyResultResult], quarter: Quarter, as_of: date
) -> tuple[int, date | None]:
    """How many of the KRs' check-ins are overdue at as_of, and the next one due after it."""
    due = [d for kr in krs if (d := checkin_due(kr, quarter)) is not None]
    return sum(1 for d in due if d < as_of), min((d for d in due if d >= as_of), default=None)
