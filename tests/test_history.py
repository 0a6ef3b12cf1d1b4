"""Figures across quarters: score_all's as-of rule, KR and unit histories, review signals."""

from __future__ import annotations

from datetime import date

import pytest

from okrsite.model.okrs import KeyResult, Quarter, QuarterStatus, previous_quarter_id
from okrsite.model.scores import QuarterResult
from okrsite.score.history import KrPoint, UnitPoint, kr_history, review, score_all, unit_history
from tests.test_score import metric, milestone, objective, on, quarter, repository

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def graded(grade: float, id: str = "k") -> KeyResult:
    """A milestone KR graded by its owner."""
    return milestone(on("2026-08-15", 10), id=id, grade=grade)


def closed_q3(*key_results: KeyResult, unit: str = "payments") -> Quarter:
    """A closed 2026-Q3 with one objective of these KRs."""
    start, end = Q3
    return quarter(
        {unit: (objective(*key_results),)}, id="2026-Q3", start=start, end=end, status="closed"
    )


def q4(*key_results: KeyResult, status: QuarterStatus = "closed") -> Quarter:
    """A 2026-Q4 (closed unless said) with payments' one objective of these KRs."""
    return quarter({"payments": (objective(*key_results),)}, status=status)


def results(*quarters: Quarter) -> tuple[QuarterResult, ...]:
    """Every quarter scored at its default as-of, today being 2026-11-27."""
    return score_all(repository(*quarters), None, date(2026, 11, 27))


def test_as_of_applies_to_the_current_quarter_only() -> None:
    q3 = closed_q3(milestone(on("2026-08-15", 40), on("2026-09-15", 60)))
    open_q4 = q4(milestone(on("2026-10-15", 20), on("2026-11-15", 50)), status="open")
    repo = repository(q3, open_q4)
    first, second = score_all(repo, date(2026, 11, 1), date(2026, 11, 27))
    # the closed quarter keeps its end: 60 / 100 = 0.6
    assert first.as_of == Q3[1]
    assert first.score == pytest.approx(0.6)
    # the current quarter is scored at 2026-11-01: 20 / 100 = 0.2
    assert second.as_of == date(2026, 11, 1)
    assert second.score == pytest.approx(0.2)


def test_as_of_can_select_another_quarter() -> None:
    q3 = closed_q3(milestone(on("2026-08-15", 40), on("2026-09-15", 60)))
    open_q4 = q4(milestone(on("2026-10-15", 20)), status="open")
    first, second = score_all(
        repository(q3, open_q4), date(2026, 8, 20), date(2026, 11, 27), selected="2026-Q3"
    )
    # 2026-Q3 at 2026-08-20: 40 / 100 = 0.4, its final grade still 0.6 from its end
    assert first.as_of == date(2026, 8, 20)
    assert first.key_results()[0].score == pytest.approx(0.4)
    assert first.key_results()[0].grade == pytest.approx(0.6)
    # 2026-Q4 at today, 2026-11-27
    assert second.as_of == date(2026, 11, 27)


def test_unit_history_has_every_quarter_in_order() -> None:
    history = unit_history(results(closed_q3(graded(0.6)), q4(graded(0.8))), "platform")
    # platform has no objectives of its own; its roll-up is payments' single objective
    assert history.unit_id == "platform"
    assert history.points == (
        UnitPoint("2026-Q3", None, 0.6, "yellow"),
        UnitPoint("2026-Q4", None, 0.8, "green"),
    )


def test_kr_history_lists_the_quarters_that_have_the_kr() -> None:
    all_results = results(
        closed_q3(graded(0.6), graded(0.3, id="other")),
        q4(milestone(on("2026-10-15", 20), on("2026-11-15", 50)), status="open"),
    )
    assert kr_history(all_results, "payments/o/k").points == (
        KrPoint("2026-Q3", 0.6, graded=True),
        # open, at today (2026-11-27): 50 / 100 = 0.5, not a grade
        KrPoint("2026-Q4", 0.5, graded=False),
    )
    assert kr_history(all_results, "payments/o/other").points == (
        KrPoint("2026-Q3", 0.3, graded=True),
    )
    assert kr_history(all_results, "payments/o/missing").points == ()


def test_carry_over_candidates_are_graded_0_5_to_0_7_inclusive() -> None:
    all_results = results(
        q4(
            graded(0.49, id="low"),
            graded(0.5, id="floor"),
            graded(0.6, id="mid"),
            graded(0.7, id="ceiling"),
            graded(0.71, id="high"),
        )
    )
    signals = review(all_results, "2026-Q4")
    assert [kr.key_result.id for kr in signals.carry_over] == ["floor", "mid", "ceiling"]


def test_a_computed_final_grade_of_0_7_is_a_carry_over_candidate() -> None:
    # no grade: (8.6 - 12) / (7 - 12) = 0.68, a computed final grade inside the range
    signals = review(results(q4(metric(12, 7, on("2026-12-01", 8.6)))), "2026-Q4")
    assert [kr.path for kr in signals.carry_over] == ["payments/o/k"]


def test_standing_metric_candidates_need_two_consecutive_closed_quarters() -> None:
    all_results = results(
        closed_q3(graded(0.9, id="steady"), graded(0.95, id="dipped"), graded(1.0, id="new-q3")),
        q4(graded(0.92, id="steady"), graded(0.85, id="dipped"), graded(1.0, id="new-q4")),
    )
    signals = review(all_results, "2026-Q4")
    # steady: 0.9 then 0.92; dipped fell under 0.9; new-q4 was not in 2026-Q3
    assert [(c.key_result.key_result.id, c.previous_grade) for c in signals.standing] == [
        ("steady", 0.9)
    ]
    # 2026-Q3 has no closed quarter before it
    assert review(all_results, "2026-Q3").standing == ()


def test_standing_metric_needs_calendar_consecutive_quarters() -> None:
    start, end = date(2026, 4, 1), date(2026, 6, 30)
    q2 = quarter(
        {"payments": (objective(graded(0.95)),)},
        id="2026-Q2",
        start=start,
        end=end,
        status="closed",
    )
    # 2026-Q3 is missing: 2026-Q2 and 2026-Q4 are not consecutive
    assert review(results(q2, q4(graded(0.95))), "2026-Q4").standing == ()


def test_sandbagging_flags_a_unit_whose_every_kr_is_graded_one() -> None:
    q = quarter(
        {
            "platform": (objective(graded(1.0, id="a"), graded(1.0, id="b")),),
            "payments": (objective(graded(1.0, id="a"), graded(0.8, id="b")),),
        },
        status="closed",
    )
    signals = review(results(q), "2026-Q4")
    # platform: 1.0 and 1.0; payments has a 0.8; eng has no KRs at all, so it is not flagged
    assert [u.unit.id for u in signals.sandbagging] == ["platform"]


def test_an_open_quarter_has_no_review_signals() -> None:
    signals = review(results(q4(graded(0.6), graded(1.0, id="x"), status="open")), "2026-Q4")
    assert (signals.carry_over, signals.standing, signals.sandbagging) == ((), (), ())


def test_review_of_an_unknown_quarter_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"^no results for quarter '2031-Q1'$"):
        review(results(q4(graded(0.6))), "2031-Q1")


def test_previous_quarter_wraps_the_year() -> None:
    assert previous_quarter_id("2026-Q1") == "2025-Q4"
    assert previous_quarter_id("2026-Q4") == "2026-Q3"
