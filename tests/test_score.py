"""Scoring rules of contract section 2, each test stating its arithmetic.

The builders at the top make small models directly (no files); the history, export and property
tests reuse them.
"""

from __future__ import annotations

from datetime import date

import pytest

from okrsite.model.okrs import (
    Bands,
    CheckIn,
    KeyResult,
    Objective,
    Org,
    Policy,
    Quarter,
    QuarterStatus,
    Repository,
    Unit,
    UnitPlan,
)
from okrsite.model.scores import KeyResultResult, QuarterResult
from okrsite.score.quarter import as_of_date, band, measure, score_quarter

Q4_START, Q4_END = date(2026, 10, 1), date(2026, 12, 31)  # day 0 and day 91


def on(day: str, value: float, row: int = 0, confidence: float | None = None) -> CheckIn:
    """A check-in of `value` on an ISO date."""
    return CheckIn(
        date=date.fromisoformat(day), kr="o/k", value=value, confidence=confidence, row=row
    )


def metric(
    baseline: float,
    target: float,
    *checkins: CheckIn,
    id: str = "k",
    weight: float = 1.0,
    grade: float | None = None,
) -> KeyResult:
    """A metric KR from baseline to target."""
    return KeyResult(
        id=id,
        title=f"Move from {baseline} to {target}",
        owner="Sam Lee",
        measurement="Pipeline",
        baseline=baseline,
        target=target,
        weight=weight,
        grade=grade,
        checkins=checkins,
    )


def guardrail(
    *checkins: CheckIn, min: float | None = None, max: float | None = None, id: str = "k"
) -> KeyResult:
    """A guardrail KR held within [min, max]."""
    return KeyResult(
        id=id,
        title="Hold the line",
        owner="Sam Lee",
        measurement="Tracker",
        kind="guardrail",
        baseline=0.0,
        min=min,
        max=max,
        checkins=checkins,
    )


def milestone(
    *checkins: CheckIn, id: str = "k", weight: float = 1.0, grade: float | None = None
) -> KeyResult:
    """A milestone KR whose check-ins are percent complete."""
    return KeyResult(
        id=id,
        title="Ship it",
        owner="Ana Silva",
        measurement="Checklist",
        kind="milestone",
        weight=weight,
        grade=grade,
        checkins=checkins,
    )


def objective(*key_results: KeyResult, id: str = "o") -> Objective:
    """An objective holding these KRs."""
    return Objective(id=id, title=f"Objective {id}", key_results=key_results)


def quarter(
    plans: dict[str, tuple[Objective, ...]],
    id: str = "2026-Q4",
    start: date = Q4_START,
    end: date = Q4_END,
    status: QuarterStatus = "open",
) -> Quarter:
    """A quarter with one plan per unit id."""
    return Quarter(
        id=id,
        start=start,
        end=end,
        status=status,
        plans=tuple(UnitPlan(unit_id, objectives) for unit_id, objectives in plans.items()),
    )


ORG_UNITS = (
    Unit("eng", "Engineering", "org"),
    Unit("platform", "Platform", "group", parent="eng"),
    Unit("payments", "Payments", "team", parent="platform"),
)


def repository(
    *quarters: Quarter, units: tuple[Unit, ...] = ORG_UNITS, bands: Bands | None = None
) -> Repository:
    """A repository of these quarters, oldest first."""
    policy = Policy(bands=bands) if bands is not None else Policy()
    return Repository(Org("Acme", units, policy), quarters)


def score_one(
    key_result: KeyResult,
    as_of: date | None = None,
    status: QuarterStatus = "open",
    start: date = Q4_START,
    end: date = Q4_END,
    bands: Bands | None = None,
) -> KeyResultResult:
    """The result of a single KR in payments' single objective."""
    q = quarter({"payments": (objective(key_result),)}, start=start, end=end, status=status)
    result = score_quarter(repository(q, bands=bands), q, as_of)
    return result.key_results()[0]


# --- as-of date and bands ---------------------------------------------------------------


def test_as_of_is_the_given_date_else_a_closed_quarters_end_else_today_clamped() -> None:
    open_q = quarter({})
    closed_q = quarter({}, status="closed")
    assert as_of_date(open_q, date(2027, 3, 1), date(2026, 11, 27)) == date(2027, 3, 1)
    assert as_of_date(closed_q, None, date(2026, 11, 27)) == Q4_END
    assert as_of_date(open_q, None, date(2026, 11, 27)) == date(2026, 11, 27)
    assert as_of_date(open_q, None, date(2026, 9, 1)) == Q4_START
    assert as_of_date(open_q, None, date(2027, 2, 1)) == Q4_END


def test_without_as_of_or_today_a_quarter_is_scored_at_its_end() -> None:
    q = quarter({})
    assert score_quarter(repository(q), q).as_of == Q4_END
    assert score_quarter(repository(q), q, today=date(2026, 11, 2)).as_of == date(2026, 11, 2)


def test_default_bands_red_below_0_4_yellow_below_0_7() -> None:
    bands = Bands()
    assert band(None, bands) is None
    assert band(0.39, bands) == "red"
    assert band(0.4, bands) == "yellow"
    assert band(0.69, bands) == "yellow"
    assert band(0.7, bands) == "green"


def test_custom_bands_move_the_thresholds() -> None:
    bands = Bands(red=0.5, green=0.9)
    assert band(0.45, bands) == "red"
    assert band(0.6, bands) == "yellow"
    assert band(0.9, bands) == "green"
    # one check-in on day 30 of 91: (0, 12) and (30, 10) give 12 - 91 * 2 / 30 = 5.933 at the end;
    # (5.933 - 12) / (5 - 12) = 0.867: on track by default bands, at risk below green 0.9
    kr = metric(12, 5, on("2026-10-31", 10))
    assert score_one(kr).status == "on-track"
    assert score_one(kr, bands=bands).status == "at-risk"


# --- current value and KR scores --------------------------------------------------------


def test_metric_going_down() -> None:
    result = score_one(metric(12, 5, on("2026-10-15", 10), on("2026-11-15", 8)))
    # (8 - 12) / (5 - 12) = 0.571
    assert result.value == 8
    assert result.score == pytest.approx(4 / 7)
    assert result.progress == pytest.approx(4 / 7)


def test_metric_going_up() -> None:
    result = score_one(metric(50, 100, on("2026-11-15", 80)))
    # (80 - 50) / (100 - 50) = 0.6
    assert result.score == pytest.approx(0.6)


def test_metric_past_its_target_scores_one_with_progress_above_one() -> None:
    result = score_one(metric(12, 5, on("2026-11-15", 3)))
    # (3 - 12) / (5 - 12) = 1.286, clamped to 1
    assert result.score == 1.0
    assert result.progress == pytest.approx(9 / 7)
    assert result.status == "done"


def test_metric_behind_its_baseline_scores_zero_with_negative_progress() -> None:
    result = score_one(metric(12, 5, on("2026-11-15", 14)))
    # (14 - 12) / (5 - 12) = -0.286, clamped to 0
    assert result.score == 0.0
    assert result.progress == pytest.approx(-2 / 7)


def test_guardrail_with_a_max_scores_the_share_of_check_ins_held() -> None:
    kr = guardrail(on("2026-10-15", 4.0), on("2026-11-15", 6.0), on("2026-12-15", 4.5), max=5)
    # 4.0 <= 5 held, 6.0 > 5 broken, 4.5 <= 5 held: 2 / 3 = 0.667
    result = score_one(kr)
    assert result.score == pytest.approx(2 / 3)
    assert result.progress == pytest.approx(2 / 3)
    assert result.value == 4.5


def test_guardrail_with_a_min_only() -> None:
    kr = guardrail(on("2026-10-15", 99.95), on("2026-11-15", 99.8), min=99.9)
    # 99.95 >= 99.9 held, 99.8 < 99.9 broken: 1 / 2 = 0.5
    assert score_one(kr).score == pytest.approx(0.5)


def test_guardrail_with_two_bounds_counts_both_ends_inclusive() -> None:
    kr = guardrail(
        on("2026-10-10", 99),
        on("2026-10-20", 94),
        on("2026-10-30", 101),
        on("2026-11-10", 100),
        min=95,
        max=100,
    )
    # 99 held, 94 < 95 broken, 101 > 100 broken, 100 held (bounds inclusive): 2 / 4 = 0.5
    assert score_one(kr).score == pytest.approx(0.5)


def test_guardrail_shares_count_one_check_in_per_date() -> None:
    kr = guardrail(on("2026-10-15", 6.0, row=2), on("2026-10-15", 4.0, row=3), max=5)
    # the later row (4.0, held) replaces the earlier (6.0) on the same date: 1 / 1 = 1
    result = score_one(kr)
    assert result.score == 1.0
    assert len(result.counted) == 1


def test_milestone_scores_percent_complete() -> None:
    # 40 / 100 = 0.4
    assert score_one(milestone(on("2026-11-15", 40))).score == pytest.approx(0.4)
    # 120 / 100 = 1.2, clamped to 1
    over = score_one(milestone(on("2026-11-15", 120)))
    assert over.score == 1.0
    assert over.progress == pytest.approx(1.2)


def test_no_check_in_means_no_data() -> None:
    result = score_one(metric(12, 5))
    assert result.score == 0.0
    assert result.status == "no-data"
    assert (result.value, result.progress, result.projection, result.projected_score) == (
        None,
        None,
        None,
        None,
    )
    assert (result.trend, result.confidence, result.counted) == (None, None, ())


# --- which check-ins count ---------------------------------------------------------------


def test_two_check_ins_on_one_date_the_later_row_wins() -> None:
    # given out of row order: row 4 (8) beats row 3 (9) on 2026-11-15
    kr = metric(12, 5, on("2026-11-15", 8, row=4), on("2026-11-15", 9, row=3))
    result = score_one(kr)
    # (8 - 12) / (5 - 12) = 0.571
    assert result.value == 8
    assert result.score == pytest.approx(4 / 7)
    assert [c.row for c in result.counted] == [4]


def test_check_ins_after_the_as_of_date_are_not_counted() -> None:
    kr = metric(12, 5, on("2026-10-15", 10), on("2026-11-15", 8))
    result = score_one(kr, as_of=date(2026, 11, 1))
    # only 10 counts: (10 - 12) / (5 - 12) = 0.286
    assert result.value == 10
    assert result.score == pytest.approx(2 / 7)
    assert [c.date for c in result.counted] == [date(2026, 10, 15)]


def test_a_final_measurement_in_the_grace_period_counts_on_the_end_date() -> None:
    kr = metric(12, 5, on("2026-11-15", 8), on("2027-01-10", 6))
    at_end = score_one(kr, as_of=Q4_END)
    # 6 counts as taken on 2026-12-31: (6 - 12) / (5 - 12) = 0.857
    assert at_end.value == 6
    assert at_end.score == pytest.approx(6 / 7)
    assert at_end.counted[-1].date == Q4_END
    # the day before the end it is not yet counted: (8 - 12) / (5 - 12) = 0.571
    assert score_one(kr, as_of=date(2026, 12, 30)).value == 8


def test_grace_period_check_in_beats_one_on_the_end_date_by_its_own_date() -> None:
    # both count on 2026-12-31; ordered by their own dates, 2027-01-10 is later whatever its row
    kr = metric(12, 5, on("2026-12-31", 7, row=9), on("2027-01-10", 6, row=2))
    result = score_one(kr, as_of=Q4_END)
    assert result.value == 6
    assert len(result.counted) == 1


def test_confidence_is_that_of_the_latest_counted_check_in() -> None:
    kr = metric(12, 5, on("2026-10-15", 10, confidence=0.6), on("2026-11-15", 8, confidence=0.7))
    assert score_one(kr).confidence == 0.7
    assert score_one(kr, as_of=date(2026, 11, 1)).confidence == 0.6
    # the latest gave none: null, not the earlier one's
    silent = metric(12, 5, on("2026-10-15", 10, confidence=0.6), on("2026-11-15", 8))
    assert score_one(silent).confidence is None


# --- projection and status ---------------------------------------------------------------


def test_projection_with_one_check_in_runs_through_the_baseline() -> None:
    result = score_one(metric(12, 5, on("2026-10-31", 10)))
    # points (0, 12) and (30, 10): slope -2 / 30 = -0.0667; at day 91: 12 - 91 * 2 / 30 = 5.933
    assert result.projection is not None
    assert result.projection.slope == pytest.approx(-2 / 30)
    assert result.projection.intercept == pytest.approx(12)
    assert result.projection.end_value == pytest.approx(12 - 91 * 2 / 30)
    # (5.933 - 12) / (5 - 12) = 0.867 >= 0.7: on track
    assert result.projected_score == pytest.approx((91 * 2 / 30) / 7)
    assert result.status == "on-track"


def test_projection_with_several_check_ins_is_the_least_squares_line() -> None:
    result = score_one(milestone(on("2026-10-31", 30), on("2026-11-30", 30)))
    # points (0, 0), (30, 30), (60, 30): mean day 30, mean value 20;
    # slope = ((-30)(-20) + 0 * 10 + 30 * 10) / (900 + 0 + 900) = 900 / 1800 = 0.5
    # intercept = 20 - 0.5 * 30 = 5; at day 91: 5 + 0.5 * 91 = 50.5 -> 0.505: at risk
    assert result.projection is not None
    assert result.projection.slope == pytest.approx(0.5)
    assert result.projection.intercept == pytest.approx(5)
    assert result.projection.end_value == pytest.approx(50.5)
    assert result.projected_score == pytest.approx(0.505)
    assert result.status == "at-risk"


def test_projection_when_every_point_is_on_day_zero_is_the_current_value() -> None:
    result = score_one(metric(12, 5, on("2026-10-01", 10)))
    # baseline and check-in both on day 0: projection 10; (10 - 12) / (5 - 12) = 0.286 < 0.4
    assert result.projection is not None
    assert result.projection.end_value == 10
    assert result.projected_score == pytest.approx(2 / 7)
    assert result.status == "off-track"


def test_a_guardrails_projected_score_is_its_score() -> None:
    result = score_one(guardrail(on("2026-10-15", 6), on("2026-11-15", 4), max=5))
    # 1 of 2 held: 0.5, projected 0.5: at risk
    assert result.projection is None
    assert result.projected_score == pytest.approx(0.5)
    assert result.status == "at-risk"


def test_every_status() -> None:
    assert score_one(metric(12, 5)).status == "no-data"
    # (5 - 12) / (5 - 12) = 1
    assert score_one(metric(12, 5, on("2026-11-15", 5))).status == "done"
    # (0, 12), (30, 10): projected 0.867 >= 0.7
    assert score_one(metric(12, 5, on("2026-10-31", 10))).status == "on-track"
    # (0, 0), (30, 30), (60, 30): projected 0.505 in [0.4, 0.7)
    assert score_one(milestone(on("2026-10-31", 30), on("2026-11-30", 30))).status == "at-risk"
    # (0, 0), (60, 10): slope 1 / 6; at day 91: 15.17 -> 0.152 < 0.4
    assert score_one(milestone(on("2026-11-30", 10))).status == "off-track"


# --- trend and stale ---------------------------------------------------------------------


def test_trend_of_a_metric_compares_the_last_two_counted_check_ins() -> None:
    # progress (10 - 12) / -7 = 0.286 then (8 - 12) / -7 = 0.571: up 0.286
    improving = metric(12, 5, on("2026-10-15", 10), on("2026-11-15", 8))
    assert score_one(improving).trend == "improving"
    # 0.571 then 0.286: down
    worsening = metric(12, 5, on("2026-10-15", 8), on("2026-11-15", 10))
    assert score_one(worsening).trend == "worsening"
    # 0.571 then (8.05 - 12) / -7 = 0.564: a change of 0.007 < 0.01
    flat = metric(12, 5, on("2026-10-15", 8), on("2026-11-15", 8.05))
    assert score_one(flat).trend == "flat"
    # one check-in: nothing to compare
    assert score_one(metric(12, 5, on("2026-10-15", 8))).trend is None
    # the later check-in is not counted yet: one counted, no trend
    assert score_one(improving, as_of=date(2026, 11, 1)).trend is None


def test_trend_of_a_milestone_and_a_guardrail() -> None:
    # 30 / 100 = 0.3 then 50 / 100 = 0.5
    assert score_one(milestone(on("2026-10-15", 30), on("2026-11-15", 50))).trend == "improving"
    # share held after each check-in: 1 / 1 = 1, then 1 / 2 = 0.5
    broken = guardrail(on("2026-10-15", 4), on("2026-11-15", 6), max=5)
    assert score_one(broken).trend == "worsening"
    # 0 / 1 = 0, then 1 / 2 = 0.5
    restored = guardrail(on("2026-10-15", 6), on("2026-11-15", 4), max=5)
    assert score_one(restored).trend == "improving"
    # 1 / 1 then 2 / 2
    held = guardrail(on("2026-10-15", 4), on("2026-11-15", 4.5), max=5)
    assert score_one(held).trend == "flat"


def test_stale_after_more_than_45_days_since_the_latest_counted_check_in() -> None:
    kr = metric(12, 5, on("2026-10-15", 10))
    # 2026-10-15 to 2026-11-29 is 45 days: not more than 45
    assert score_one(kr, as_of=date(2026, 11, 29)).stale is False
    # to 2026-11-30 is 46 days
    assert score_one(kr, as_of=date(2026, 11, 30)).stale is True


def test_stale_without_check_ins_counts_from_the_quarters_start() -> None:
    # 2026-10-01 to 2026-11-15 is 45 days; to 2026-11-16 is 46
    assert score_one(metric(12, 5), as_of=date(2026, 11, 15)).stale is False
    assert score_one(metric(12, 5), as_of=date(2026, 11, 16)).stale is True


# --- custom quarter dates ----------------------------------------------------------------


def test_custom_quarter_dates_set_day_zero_the_end_day_and_the_grace_period() -> None:
    start, end = date(2026, 10, 5), date(2027, 1, 8)
    kr = milestone(on("2026-11-04", 30), on("2027-01-20", 90))
    mid = score_one(kr, as_of=date(2026, 11, 4), start=start, end=end)
    # (0, 0) and (30, 30): slope 1; the end is day 95 (2026-10-05 to 2027-01-08): 95 -> 0.95
    assert mid.projection is not None
    assert mid.projection.end_value == pytest.approx(95)
    assert mid.projected_score == pytest.approx(0.95)
    # 2027-01-20 is after the custom end, so it counts as taken on 2027-01-08: 90 / 100 = 0.9
    final = score_one(kr, as_of=end, start=start, end=end)
    assert final.score == pytest.approx(0.9)
    assert final.counted[-1].date == end
    q = quarter({}, start=start, end=end)
    assert as_of_date(q, None, date(2027, 1, 5)) == date(2027, 1, 5)
    assert as_of_date(q, None, date(2026, 10, 2)) == start


# --- objectives, units and roll-ups ------------------------------------------------------


def test_objective_score_is_the_weighted_mean_of_its_kr_scores() -> None:
    obj = objective(milestone(on("2026-11-15", 60), weight=3), milestone(on("2026-11-15", 20)))
    q = quarter({"payments": (obj,)})
    result = score_quarter(repository(q), q, date(2026, 11, 27))
    payments = result.unit("payments")
    assert payments is not None
    # (0.6 * 3 + 0.2 * 1) / (3 + 1) = 0.5
    assert payments.objectives[0].score == pytest.approx(0.5)
    # The band reads the projection (contract 2026-11-28): lines through (0, 0) and (45, v) read
    # at day 91: 60 * 91 / 45 = 121 -> 1.0, 20 * 91 / 45 = 40.4 -> 0.404;
    # (1.0 * 3 + 0.404 * 1) / 4 = 0.851: green
    assert payments.objectives[0].projected == pytest.approx((3 + 20 * 91 / 45 / 100) / 4)
    assert payments.objectives[0].band == "green"


ROLLUP_UNITS = (
    Unit("eng", "Engineering", "org"),
    Unit("platform", "Platform", "group", parent="eng"),
    Unit("payments", "Payments", "team", parent="platform"),
    Unit("infra", "Infrastructure", "group", parent="eng"),
    Unit("sre", "SRE", "team", parent="infra"),
    Unit("research", "Research", "group", parent="eng"),
    Unit("lab", "Lab", "team", parent="research"),
)


def rollup_result() -> QuarterResult:
    """Platform has its own objective; infra and research have none; lab has none either."""
    q = quarter(
        {
            "platform": (objective(milestone(on("2026-11-15", 80)), id="p"),),
            "payments": (
                objective(milestone(on("2026-11-15", 60)), id="a"),
                objective(milestone(on("2026-11-15", 20)), id="b"),
            ),
            "sre": (objective(milestone(on("2026-11-15", 30)), id="s"),),
        }
    )
    return score_quarter(repository(q, units=ROLLUP_UNITS), q, date(2026, 11, 27))


def test_unit_score_is_the_mean_of_its_own_objectives() -> None:
    result = rollup_result()
    figures = {u.unit.id: u.score for u in result.units}
    # payments: (0.6 + 0.2) / 2 = 0.4; platform: 0.8; sre: 0.3; the rest have no objectives
    assert figures["payments"] == pytest.approx(0.4)
    assert figures["platform"] == pytest.approx(0.8)
    assert figures["sre"] == pytest.approx(0.3)
    assert (figures["eng"], figures["infra"], figures["research"], figures["lab"]) == (
        None,
        None,
        None,
        None,
    )


def test_rollup_is_a_flat_mean_over_every_objective_below() -> None:
    result = rollup_result()
    rollups = {u.unit.id: u.rollup for u in result.units}
    # platform, with its own objective: (0.8 + 0.6 + 0.2) / 3 = 0.533 (not (0.8 + 0.4) / 2 = 0.6)
    assert rollups["platform"] == pytest.approx(1.6 / 3)
    # infra, with none of its own: sre's 0.3
    assert rollups["infra"] == pytest.approx(0.3)
    # nothing under research has objectives
    assert rollups["research"] is None
    assert rollups["lab"] is None
    # the org: (0.8 + 0.6 + 0.2 + 0.3) / 4 = 0.475
    assert rollups["eng"] == pytest.approx(0.475)
    assert result.score == pytest.approx(0.475)
    # its band reads the projected roll-up: (1.0 + 1.0 + 0.404 + 0.607) / 4 = 0.753, green
    # (80, 60 -> 1.0; 20 * 91 / 45 = 40.4 -> 0.404; 30 * 91 / 45 = 60.7 -> 0.607)
    assert result.band == "green"


def test_unit_band_follows_its_projected_rollup_and_is_none_without_one() -> None:
    bands = {u.unit.id: u.band for u in rollup_result().units}
    # In an open quarter by the projected roll-up (projections as above):
    # platform (1.0 + 1.0 + 0.404) / 3 = 0.801 green; payments (1.0 + 0.404) / 2 = 0.702 green;
    # sre and infra 0.607 yellow; eng 0.753 green; research none
    assert bands == {
        "eng": "green",
        "platform": "green",
        "payments": "green",
        "infra": "yellow",
        "sre": "yellow",
        "research": None,
        "lab": None,
    }


def test_units_come_in_org_yaml_order() -> None:
    assert [u.unit.id for u in rollup_result().units] == [u.id for u in ROLLUP_UNITS]


# --- grades in a closed quarter ----------------------------------------------------------


def closed_objective() -> Objective:
    """One KR graded by its owner, one not."""
    return objective(
        milestone(on("2026-11-15", 40), id="graded", grade=0.9),
        milestone(on("2026-11-15", 40), on("2027-01-05", 60), id="measured"),
    )


def test_grades_override_scores_in_a_closed_quarter() -> None:
    q = quarter({"payments": (closed_objective(),)}, status="closed")
    result = score_quarter(repository(q), q)
    graded, measured = result.key_results()
    # the owner's 0.9 wins over the measured 40 / 100 = 0.4
    assert graded.score == pytest.approx(0.4)
    assert graded.grade == 0.9
    # no grade: the score at the end, grace period included: 60 / 100 = 0.6
    assert measured.grade == pytest.approx(0.6)
    # objective: (0.9 + 0.6) / 2 = 0.75, green; the unit and the org follow
    assert result.units[2].objectives[0].score == pytest.approx(0.75)
    assert result.units[2].objectives[0].band == "green"
    assert result.score == pytest.approx(0.75)


def test_final_grade_is_the_score_at_the_end_even_with_an_earlier_as_of() -> None:
    q = quarter({"payments": (closed_objective(),)}, status="closed")
    result = score_quarter(repository(q), q, date(2026, 11, 20))
    _, measured = result.key_results()
    # at 2026-11-20 the KR shows 40 / 100 = 0.4; its final grade is still 0.6 from the end
    assert measured.score == pytest.approx(0.4)
    assert measured.grade == pytest.approx(0.6)
    assert result.score == pytest.approx(0.75)


def test_grades_are_ignored_in_an_open_quarter() -> None:
    q = quarter({"payments": (closed_objective(),)})
    result = score_quarter(repository(q), q, date(2026, 11, 20))
    assert [kr.grade for kr in result.key_results()] == [None, None]
    # (0.4 + 0.4) / 2 = 0.4
    assert result.score == pytest.approx(0.4)


def test_measure_scores_a_single_kr_without_a_repository() -> None:
    q = quarter({})
    result = measure("payments", "o", metric(12, 5, on("2026-11-15", 8)), q, Q4_END, Policy())
    # (8 - 12) / (5 - 12) = 0.571
    assert result.path == "payments/o/k"
    assert result.score == pytest.approx(4 / 7)
