"""Contract section 2 as revised on 2026-11-28: thresholds per objective type, coverage and null
scores, the setup phase, dropped KRs, closed-quarter statuses and the confidence gap; and the
loader's `dropped` and `setup_days`, and `okrsite export --format csv` (section 4)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.load.repository import load_valid
from okrsite.model.okrs import (
    Bands,
    KeyResult,
    Objective,
    ObjectiveType,
    Org,
    Policy,
    Repository,
)
from okrsite.model.okrs import Quarter as QuarterModel
from okrsite.model.scores import KeyResultResult, ObjectiveResult, QuarterResult
from okrsite.score.export import CSV_COLUMNS
from okrsite.score.quarter import in_setup, score_quarter
from tests.conftest import MINIMAL, WriteRepo
from tests.test_score import ORG_UNITS, milestone, on, quarter
from tests.test_score import objective as make_objective

START = "2026-10-01"  # Q4's day 0: a check-in on it makes the projection its own value
AFTER_SETUP = date(2026, 11, 27)


def objective(
    *key_results: KeyResult, id: str = "o", type: ObjectiveType = "committed"
) -> Objective:
    return replace(make_objective(*key_results, id=id), type=type)


def dropped(key_result: KeyResult, reason: str = "The deadline moved") -> KeyResult:
    return replace(key_result, dropped=reason)


def score(
    *objectives: Objective,
    as_of: date | None = AFTER_SETUP,
    status: str = "open",
    policy: Policy | None = None,
) -> QuarterResult:
    q = quarter({"payments": objectives}, status="closed" if status == "closed" else "open")
    return score_quarter(Repository(_org(policy), (q,)), q, as_of)


def _org(policy: Policy | None) -> Org:
    return Org("Acme", ORG_UNITS, policy or Policy())


def payments(result: QuarterResult) -> tuple[ObjectiveResult, ...]:
    unit = result.unit("payments")
    assert unit is not None
    return unit.objectives


def one_kr(result: QuarterResult) -> KeyResultResult:
    return result.key_results()[0]


# --- thresholds per objective type ------------------------------------------------------------


def test_aspirational_thresholds_are_the_bands_scaled_by_expected() -> None:
    (aspirational,) = payments(score(objective(milestone(on(START, 50)), type="aspirational")))
    # k = 0.5 / 0.7; green 0.7 * k = 0.5; red 0.4 * k = 2 / 7 = 0.2857
    assert aspirational.thresholds == Bands(red=2 / 7, green=0.5)
    assert aspirational.factor == pytest.approx(5 / 7)
    # projected 0.5 (every point on day 0: the current value) is green for an aspirational one
    assert (aspirational.projected, aspirational.band) == (0.5, "green")
    assert aspirational.key_results[0].status == "on-track"
    (committed,) = payments(score(objective(milestone(on(START, 50)))))
    # the same 0.5 is yellow for a committed objective: 0.4 <= 0.5 < 0.7
    assert committed.thresholds == Bands(red=0.4, green=0.7)
    assert (committed.band, committed.key_results[0].status) == ("yellow", "at-risk")


def test_aspirational_red_is_below_two_sevenths() -> None:
    statuses = [
        one_kr(score(objective(milestone(on(START, value)), type="aspirational"))).status
        for value in (28, 29)
    ]
    # 0.28 < 0.2857: off-track; 0.29 >= 0.2857: at-risk
    assert statuses == ["off-track", "at-risk"]


def test_a_units_thresholds_are_the_bands_scaled_by_the_mean_factor() -> None:
    result = score(
        objective(milestone(on(START, 60)), id="a"),
        objective(milestone(on(START, 60)), id="b", type="aspirational"),
        objective(milestone(), id="c", type="aspirational"),  # no score: not in the mean
    )
    unit = result.unit("payments")
    assert unit is not None
    # mean k = (1 + 5/7) / 2 = 6/7: green 0.7 * 6/7 = 0.6, red 0.4 * 6/7 = 0.343
    assert unit.thresholds == Bands(red=2.4 / 7, green=0.6)
    # projected roll-up (0.6 + 0.6) / 2 = 0.6: green against 0.6
    assert (unit.projected, unit.band) == (0.6, "green")
    # platform and eng roll up the same objectives: the same thresholds
    platform = result.unit("platform")
    assert platform is not None and platform.thresholds == unit.thresholds
    empty = score(objective(milestone(), id="c"))
    assert all(u.thresholds is None and u.band is None for u in empty.units)


# --- counted KRs, coverage and null scores ----------------------------------------------------


def test_only_counted_krs_make_an_objectives_score_and_coverage() -> None:
    result = score(
        objective(milestone(on(START, 60), id="a"), milestone(id="b"), id="started"),
        objective(milestone(id="c"), milestone(id="d"), id="not-started"),
    )
    started, not_started = payments(result)
    # b has no check-in: not counted, so the score is 0.6 (not (0.6 + 0) / 2 = 0.3); 1 of 2
    assert (started.score, started.projected, started.coverage) == (0.6, 0.6, 0.5)
    assert not_started.score is None
    assert (not_started.projected, not_started.band, not_started.coverage) == (None, None, 0.0)
    unit = result.unit("payments")
    assert unit is not None
    # the unit's mean skips the null score: 0.6; coverage over the roll-up 1 / 4
    assert (unit.score, unit.rollup, unit.coverage) == (0.6, 0.6, 0.25)
    assert result.coverage == 0.25  # the org's, over everything below it
    eng = result.unit("eng")
    assert eng is not None and (eng.score, eng.coverage) == (None, 0.25)


def test_a_closed_quarter_counts_every_kr() -> None:
    (obj,) = payments(
        score(objective(milestone(on(START, 60), id="a"), milestone(id="b")), status="closed")
    )
    # b has no check-in and no grade: graded 0; (0.6 + 0) / 2 = 0.3, red; 2 of 2 counted
    assert (obj.score, obj.coverage, obj.band, obj.projected) == (0.3, 1.0, "red", None)


# --- the setup phase --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "setup"),
    [
        (date(2026, 9, 30), True),  # before the start: nothing counted yet
        (date(2026, 10, 1), True),  # day 1
        (date(2026, 10, 28), True),  # day 28: 27 days after the start, < 28
        (date(2026, 10, 29), False),  # day 29: start + 28 days
    ],
)
def test_the_setup_phase_is_the_first_setup_days_days(as_of: date, setup: bool) -> None:
    assert in_setup(quarter({}), as_of, Policy()) is setup


def test_within_setup_at_risk_and_off_track_read_early_and_no_band_is_given() -> None:
    objectives = (
        objective(milestone(on(START, 50, confidence=0.9)), id="at-risk"),
        objective(milestone(on(START, 10)), id="off-track"),
        objective(milestone(on(START, 80)), id="on-track"),
    )
    early = score(*objectives, as_of=date(2026, 10, 28))
    assert [kr.status for kr in early.key_results()] == ["early", "early", "on-track"]
    assert [o.band for o in payments(early)] == [None, None, None]
    assert [u.band for u in early.units] == [None, None, None]
    assert early.band is None
    assert one_kr(early).confidence_gap is None  # early: no gap, however sure the owner is
    # scores and projections are still given: the band waits, the progress does not
    assert [o.score for o in payments(early)] == [0.5, 0.1, 0.8]
    later = score(*objectives, as_of=date(2026, 10, 29))
    assert [kr.status for kr in later.key_results()] == ["at-risk", "off-track", "on-track"]
    # bands by projected: 0.5 yellow, 0.1 red, 0.8 green; the roll-up (0.5+0.1+0.8)/3 = 0.467
    assert [o.band for o in payments(later)] == ["yellow", "red", "green"]
    assert later.band == "yellow"
    assert one_kr(later).confidence_gap is True


def test_setup_days_comes_from_the_policy() -> None:
    result = score(objective(milestone(on(START, 10))), as_of=date(2026, 10, 11),
                   policy=Policy(setup_days=10))  # fmt: skip
    # 2026-10-11 is 10 days after the start: past 10 setup days
    assert one_kr(result).status == "off-track"


# --- closed quarters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "grade", "expected"),
    [
        ("committed", 0.7, "landed"),
        ("committed", 0.69, "partial"),
        ("committed", 0.4, "partial"),
        ("committed", 0.39, "missed"),
        ("aspirational", 0.5, "landed"),  # green from 0.7 * 0.5 / 0.7 = 0.5
        ("aspirational", 0.29, "partial"),  # red below 0.2857
        ("aspirational", 0.28, "missed"),
    ],
)
def test_closed_statuses_are_by_final_grade_against_the_objectives_thresholds(
    type_: ObjectiveType, grade: float, expected: str
) -> None:
    result = score(
        objective(milestone(on(START, 100, confidence=0.1), grade=grade), type=type_),
        status="closed",
        as_of=None,
    )
    kr = one_kr(result)
    assert (kr.status, kr.grade, kr.projected_score, kr.confidence_gap) == (
        expected,
        grade,
        None,
        None,
    )
    assert kr.projection is None


def test_a_closed_kr_without_check_ins_is_graded_0_and_missed() -> None:
    kr = one_kr(score(objective(milestone()), status="closed", as_of=None))
    assert (kr.grade, kr.status) == (0.0, "missed")


# --- dropped KRs ------------------------------------------------------------------------------


def test_a_dropped_kr_takes_no_part_in_any_mean_coverage_or_count() -> None:
    kept = milestone(on(START, 80), id="kept")
    gone = dropped(milestone(on(START, 10), id="gone"))
    result = score(objective(kept, gone), objective(dropped(milestone(id="x")), id="all-gone"))
    obj, all_gone = payments(result)
    # 0.8 alone, not (0.8 + 0.1) / 2 = 0.45; projected likewise; 1 counted of 1 not dropped
    assert (obj.score, obj.projected, obj.coverage, obj.band) == (0.8, 0.8, 1.0, "green")
    # an objective whose KRs are all dropped has nothing to average and no coverage
    assert (all_gone.score, all_gone.projected, all_gone.coverage) == (None, None, None)
    unit = result.unit("payments")
    assert unit is not None and (unit.score, unit.rollup, unit.coverage) == (0.8, 0.8, 1.0)
    # its own figures are still reported, with status dropped and no confidence gap
    gone_result = obj.key_results[1]
    assert gone_result.status == "dropped"
    assert (gone_result.value, gone_result.score, gone_result.projected_score) == (10, 0.1, 0.1)
    assert (gone_result.grade, gone_result.confidence_gap) == (None, None)


def test_a_dropped_kr_has_no_grade_in_a_closed_quarter() -> None:
    kept = milestone(on(START, 40), id="kept", grade=0.6)
    gone = dropped(milestone(on(START, 100), id="gone", grade=1.0))
    (obj,) = payments(score(objective(kept, gone), status="closed", as_of=None))
    # 0.6 alone (not (0.6 + 1.0) / 2 = 0.8): yellow
    assert (obj.score, obj.band, obj.coverage) == (0.6, "yellow", 1.0)
    gone_result = obj.key_results[1]
    assert (gone_result.status, gone_result.grade, gone_result.projected_score) == (
        "dropped",
        None,
        None,
    )
    assert gone_result.score == 1.0  # its own score is still reported


# --- the confidence gap -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "confidence", "status", "gap"),
    [
        (50, 0.7, "at-risk", True),  # sure, but at risk
        (50, 0.69, "at-risk", False),
        (10, 0.9, "off-track", True),
        (80, 0.39, "on-track", True),  # on track, but the owner doubts it
        (80, 0.4, "on-track", False),
        (100, 0.1, "done", True),
        (50, None, "at-risk", None),  # no confidence given
    ],
)
def test_the_confidence_gap(
    value: float, confidence: float | None, status: str, gap: bool | None
) -> None:
    kr = one_kr(score(objective(milestone(on(START, value, confidence=confidence)))))
    assert (kr.status, kr.confidence_gap) == (status, gap)


def test_no_data_has_no_confidence_gap_and_last_checkin_is_the_latest_counted() -> None:
    assert one_kr(score(objective(milestone()))).confidence_gap is None
    kr = one_kr(score(objective(milestone(on(START, 5), on("2026-11-15", 30)))))
    assert kr.last_checkin == date(2026, 11, 15)
    assert one_kr(score(objective(milestone()))).last_checkin is None


# --- the loader and the CSV export ------------------------------------------------------------

DROPPED_YAML = MINIMAL["okrs/2026-Q4/payments.yaml"].replace(
    "        max: 5\n", "        max: 5\n        dropped: The tracker was retired\n"
)
POLICY = "policy:\n  setup_days: 14\n  expected: {committed: 0.8}\n"


def test_the_loader_reads_dropped_and_setup_days_with_the_contracts_defaults(
    write_repo: WriteRepo,
) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": DROPPED_YAML})
    repository = load_valid(root)
    assert repository.org.policy == Policy()
    assert (repository.org.policy.setup_days, repository.org.policy.expected_aspirational) == (
        28,
        0.5,
    )
    quarter_ = repository.quarters[0]
    assert isinstance(quarter_, QuarterModel)
    plan = quarter_.plan("payments")
    assert plan is not None
    krs = plan.objectives[0].key_results
    assert [kr.dropped for kr in krs] == [None, "The tracker was retired"]
    policy = load_valid(write_repo({**MINIMAL, "okrs/org.yaml": MINIMAL["okrs/org.yaml"] + POLICY},
                                   root=root.parent / "other")).org.policy  # fmt: skip
    assert (policy.setup_days, policy.expected_committed, policy.expected_aspirational) == (
        14,
        0.8,
        0.5,
    )


def test_export_csv_writes_one_row_per_kr_in_org_yaml_order(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": DROPPED_YAML})
    result = CliRunner().invoke(
        main,
        ["export", "--root", str(root), "--format", "csv", "--as-of", "2026-11-27"],
        env={"SOURCE_DATE_EPOCH": "1795737600"},
    )
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode()  # .stdout would turn CRLF into LF
    assert text.count("\r\n") == 3 and text.endswith("\r\n")  # RFC 4180: a header, two rows
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    lead_time = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert lead_time == {
        "quarter": "2026-Q4",
        "unit": "payments",
        "unit_name": "Payments",
        "objective": "delivery",
        "objective_title": "Ship features from idea to production faster",
        "kr": "lead-time",
        "kr_title": "Reduce median lead time for changes from 12 days to 5 days",
        "owner": "Sam Lee",
        "kind": "metric",
        "baseline": "12",
        "target": "5",
        "value": "8",
        "score": repr(4 / 7),  # (8 - 12) / (5 - 12), unrounded
        "grade": "",
        "status": "on-track",
        "confidence": "0.7",
        "last_checkin": "2026-11-15",
    }
    guardrail = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert (guardrail["kr"], guardrail["status"], guardrail["target"]) == (
        "change-failure-rate",
        "dropped",
        "",
    )


def test_export_format_json_stays_the_default(write_repo: WriteRepo, tmp_path: Path) -> None:
    root = write_repo(MINIMAL)
    args = ["export", "--root", str(root), "--as-of", "2026-11-27"]
    plain = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "1795737600"})
    json_ = CliRunner().invoke(
        main, [*args, "--format", "json"], env={"SOURCE_DATE_EPOCH": "1795737600"}
    )
    assert plain.exit_code == 0 and plain.stdout == json_.stdout
    assert plain.stdout.startswith("{")
