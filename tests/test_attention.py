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
from okrsite.score.attention import (
    REASONS,
    blocker_key,
    conversations,
    open_blockers,
    reasons,
    same_blocker,
)
from okrsite.score.calendar import CHECKIN_DAYS, checkin_due, checkins_due, phase, week
from okrsite.score.history import score_all
from tests.conftest import MINIMAL, ORG_YAML, WriteRepo

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


def test_open_blockers_are_the_latest_check_in_s_oldest_first(
    results: tuple[QuarterResult, ...],
) -> None:
    found = [
        (b.since, b.age, b.text, [k.key_result.path for k in b.blocked])
        for b in open_blockers(results[-1])
    ]
    assert found == [
        (
            date(2026, 11, 9),
            18,  # 2026-11-27 - 2026-11-09
            "Card network sandbox is down on Mondays",
            ["payments/checkout-speed/p95-latency"],
        ),
        (
            date(2026, 11, 23),
            4,
            "Waiting on <b>Bank A</b> & Bank B's sandbox | ETA: 2026-12-05",
            ["payments/checkout-speed/sca"],
        ),
    ]


BLOCKED: dict[str, str] = {
    **MINIMAL,
    "okrs/org.yaml": ORG_YAML
    + "  - id: checkout\n    name: Checkout\n    kind: team\n    parent: platform\n",
    "okrs/2026-Q4/payments.csv": """\
        date,kr,value,confidence,note,blockers
        2026-10-15,delivery/lead-time,10,0.6,,Vendor contract
        2026-11-15,delivery/lead-time,8,0.7,,Code  freeze from November 20
        2026-10-05,delivery/change-failure-rate,4.0,,,Shared staging cluster
        2026-10-20,delivery/change-failure-rate,4.1,,,shared   STAGING cluster
        2026-11-10,delivery/change-failure-rate,4.2,,,Shared staging cluster.
        """,
    "okrs/2026-Q4/checkout.yaml": """\
        objectives:
          - id: speed
            title: Make checkout fast
            key_results:
              - id: p95
                title: Cut p95 latency from 900 ms to 500 ms
                owner: Kim Park
                measurement: APM, p95 over the week
                unit: ms
                baseline: 900
                target: 500
              - id: retries
                title: Cut retries from 10 to 2
                owner: Kim Park
                measurement: Gateway logs
                baseline: 10
                target: 2
        """,
    "okrs/2026-Q4/checkout.csv": """\
        date,kr,value,confidence,note,blockers
        2026-10-10,speed/p95,850,,,Code freeze from November 20
        2026-11-01,speed/p95,820,,,
        2026-11-20,speed/p95,810,,,"code freeze from November 20, so no latency work until December"
        2026-10-12,speed/retries,9,,,Code freezer
        """,
}
"""A blocker that runs since 2026-10-05 in other words, one that two units name alike, one
cleared and named again, and one whose words only start alike (a different blocker)."""


@pytest.fixture
def blocked(write_repo: WriteRepo) -> QuarterResult:
    return score_all(load_valid(write_repo(BLOCKED)), None, date(2026, 11, 27))[-1]


def test_a_blocker_is_one_row_with_every_kr_it_holds_up_the_oldest_first(
    blocked: QuarterResult,
) -> None:
    found = [
        (b.since, b.age, b.text, [(k.key_result.path, k.since, k.age) for k in b.blocked])
        for b in open_blockers(blocked)
    ]
    assert found == [
        # Named at every check-in since 2026-10-05, spaced and cased differently: 11-27 - 10-05.
        (
            date(2026, 10, 5),
            53,
            "Shared staging cluster.",
            [("payments/delivery/change-failure-rate", date(2026, 10, 5), 53)],
        ),
        # "Code freezer" is not "Code freeze ...": words that only start alike are two blockers.
        (
            date(2026, 10, 12),
            46,
            "Code freezer",
            [("checkout/speed/retries", date(2026, 10, 12), 46)],
        ),
        # Two units, one blocker: lead-time's wording is the shorter, p95's adds detail after a
        # comma. p95's earlier run was cleared on 2026-11-01, so it counts from 11-20 again;
        # lead-time's blocker changed words on 11-15, so it counts from then.
        (
            date(2026, 11, 15),
            12,
            "Code  freeze from November 20",
            [
                ("payments/delivery/lead-time", date(2026, 11, 15), 12),
                ("checkout/speed/p95", date(2026, 11, 20), 7),
            ],
        ),
    ]


def test_the_same_blocker_is_the_same_words_or_the_same_with_detail() -> None:
    assert blocker_key("  Code\tFREEZE  from Nov 20. ") == "code freeze from nov 20"
    assert same_blocker("code freeze", "code freeze")
    assert same_blocker("code freeze", "code freeze, until december")
    assert same_blocker("code freeze", "code freeze (until december)")
    assert same_blocker("code freeze", "code freeze \u2014 until december")
    assert not same_blocker("code freeze", "code freezer")
    assert not same_blocker("code freeze", "code freeze until december")
    assert not same_blocker("code freeze, until december", "code freeze")


def test_a_conversation_has_the_blocker_its_age_and_the_change_since_the_last_check_in(
    blocked: QuarterResult,
) -> None:
    found = {c.key_result.path: c for c in conversations(blocked)}
    lead_time = found["payments/delivery/lead-time"]
    assert lead_time.blocker is not None
    assert (lead_time.blocker.text, lead_time.blocker.age) == ("Code  freeze from November 20", 12)
    assert lead_time.previous is not None and lead_time.previous.date == date(2026, 10, 15)
    assert lead_time.change == -2  # 8 - 10
    retries = found["checkout/speed/retries"]
    assert (retries.previous, retries.change) == (None, None)  # its only check-in


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
