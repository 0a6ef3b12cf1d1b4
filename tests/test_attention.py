"""What the overview asks a leader to look at: the quarter's phase and next check-in, the KRs
that need a conversation and every open blocker (score/calendar.py, score/attention.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from okrsite.load.repository import load_valid
from okrsite.model.okrs import Policy, Quarter
from okrsite.model.scores import QuarterResult
from okrsite.score.attention import REASONS, conversations, open_blockers, reasons
from okrsite.score.calendar import CHECKIN_DAYS, checkin_due, checkins_due, phase, week
from okrsite.score.history import score_all

FIXTURE = Path(__file__).resolve().parent / "golden" / "fixture"
Q4 = Quarter(id="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
POLICY = Policy()  # setup_days 28


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 10, 1), "setup"),
        (date(2026, 10, 28), "setup"),  # day 28
        (date(2026, 10, 29), "execution"),
        (date(2026, 12, 17), "execution"),  # 14 days before the end
        (date(2026, 12, 18), "completion"),
        (date(2026, 12, 31), "completion"),
    ],
)
def test_an_open_quarter_runs_from_setup_through_execution_to_completion(
    as_of: date, expected: str
) -> None:
    assert phase(Q4, as_of, POLICY) == expected


def test_a_closed_quarter_is_closed() -> None:
    assert phase(replace(Q4, status="closed"), date(2026, 11, 1), POLICY) == "closed"


def test_weeks_count_from_the_start_and_a_quarter_has_thirteen() -> None:
    assert week(Q4, date(2026, 10, 1)) == (1, 13)
    assert week(Q4, date(2026, 10, 8)) == (2, 13)
    assert week(Q4, date(2026, 11, 27)) == (9, 13)
    assert week(Q4, date(2026, 12, 31)) == (13, 13)  # day 92 is still the last week
    assert week(Q4, date(2026, 9, 1)) == (1, 13)


@pytest.fixture(scope="module")
def results() -> tuple[QuarterResult, ...]:
    return tuple(score_all(load_valid(FIXTURE), None, date(2026, 11, 27)))


def test_the_krs_worth_a_conversation_are_sorted_by_their_most_pressing_reason(
    results: tuple[QuarterResult, ...],
) -> None:
    # The fixture's 2026-Q4 as of 2026-11-27, worked out from its CSVs and contract section 2.
    found = [(c.key_result.path, c.reasons) for c in conversations(results[-1])]
    assert found == [
        ("search/freshness/p99-latency", ("off-track", "confidence gap")),
        ("eng/people/enps", ("at-risk",)),
        ("payments/checkout-speed/error-rate", ("at-risk",)),
        ("platform/self-service/ticketless-deploys", ("confidence gap",)),
        ("payments/checkout-speed/p95-latency", ("blocked",)),
        ("payments/checkout-speed/sca", ("blocked",)),
        ("search/freshness/index-delay", ("stale",)),
    ]
    for c in conversations(results[-1]):
        assert c.reasons == reasons(c.key_result)
        assert list(c.reasons) == sorted(c.reasons, key=REASONS.index)


def test_a_closed_quarter_needs_no_conversation(results: tuple[QuarterResult, ...]) -> None:
    assert results[0].quarter.closed
    assert conversations(results[0]) == ()


def test_open_blockers_are_the_latest_check_in_s_newest_first(
    results: tuple[QuarterResult, ...],
) -> None:
    found = [(b.key_result.path, b.since, b.text) for b in open_blockers(results[-1])]
    assert [(path, since) for path, since, _ in found] == [
        ("payments/checkout-speed/sca", date(2026, 11, 23)),
        ("payments/checkout-speed/p95-latency", date(2026, 11, 9)),
    ]
    assert found[0][2] == "Waiting on <b>Bank A</b> & Bank B's sandbox | ETA: 2026-12-05"


def test_a_check_in_without_blockers_clears_them(results: tuple[QuarterResult, ...]) -> None:
    kr = next(k for k in results[-1].key_results() if k.path == "payments/checkout-speed/sca")
    later = replace(kr.counted[-1], date=date(2026, 11, 26), blockers="")
    cleared = replace(kr, counted=(*kr.counted, later))
    assert "blocked" in reasons(kr)
    assert "blocked" not in reasons(cleared)


def test_a_kr_s_next_check_in_is_due_a_month_after_its_latest(
    results: tuple[QuarterResult, ...],
) -> None:
    q4 = results[-1]
    due = {kr.path: checkin_due(kr, q4.quarter) for kr in q4.key_results()}
    assert CHECKIN_DAYS == 30
    assert due["payments/checkout-speed/sca"] == date(2026, 12, 23)  # checked in 2026-11-23
    assert due["eng/people/enps"] == date(2026, 12, 16)  # 2026-11-16
    # index-delay's only check-in, 2026-10-05, made it due on 2026-11-04: overdue by 11-27.
    assert due["search/freshness/index-delay"] == date(2026, 11, 4)
    # The earliest not yet overdue: payments' 2026-11-09 check-ins, due 2026-12-09.
    assert checkins_due(q4.key_results(), q4.quarter, q4.as_of) == (1, date(2026, 12, 9))
    # Never after the quarter's last day; none in a closed quarter.
    late = replace(q4.key_results()[0], counted=())
    assert checkin_due(late, replace(q4.quarter, start=date(2026, 12, 20))) == date(2026, 12, 31)
    assert all(checkin_due(kr, results[0].quarter) is None for kr in results[0].key_results())
