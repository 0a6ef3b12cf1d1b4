"""Scores of one quarter at one as-of date (contract section 2): pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from fractions import Fraction

from okrsite.model.okrs import (
    Bands,
    CheckIn,
    KeyResult,
    Objective,
    Org,
    Policy,
    Quarter,
    Repository,
    Unit,
)
from okrsite.model.scores import (
    BANDS,
    Band,
    KeyResultResult,
    ObjectiveResult,
    Projection,
    QuarterResult,
    Status,
    UnitResult,
)
from okrsite.score.health import score_metrics
from okrsite.score.trend import flat_projection, least_squares, trend


def as_of_date(quarter: Quarter, as_of: date | None, today: date) -> date:
    """The date to compute for: --as-of, else a closed quarter's end, else today clamped in."""
    if as_of is not None:
        return as_of
    if quarter.closed:
        return quarter.end
    return min(max(today, quarter.start), quarter.end)


def band(score: float | None, bands: Bands) -> Band | None:
    """Red below bands.red, yellow below bands.green, else green; None without a score."""
    return None if score is None else band_of(score, bands)


def band_of(score: float, bands: Bands) -> Band:
    """The band of a figure that is known: red below bands.red, yellow below bands.green."""
    if score < bands.red:
        return "red"
    if score < bands.green:
        return "yellow"
    return "green"


def band_counts(result: QuarterResult) -> tuple[tuple[Band, int], ...]:
    """How many counted KRs' final figures fall in each band of their objective, red to green:
    final grades in a closed quarter, current scores in an open one."""
    bands = [
        band_of(kr.final, o.thresholds)
        for u in result.units
        for o in u.objectives
        for kr in o.key_results
        if not kr.dropped
    ]
    return tuple((band, bands.count(band)) for band in BANDS)


def clamp(value: float) -> float:
    """The value held into [0, 1]."""
    return min(max(value, 0.0), 1.0)


def _metric_range(key_result: KeyResult) -> tuple[float, float]:
    """A metric's baseline and target; the loader guarantees both, and that they differ."""
    baseline, target = key_result.baseline, key_result.target
    if baseline is None or target is None or baseline == target:
        raise ValueError(
            f"{key_result.location}: metric {key_result.id!r} needs a baseline and a different"
            " target; load the repository with load_valid() before scoring it"
        )
    return baseline, target


def holds(key_result: KeyResult, value: float) -> bool:
    """Whether a guardrail's value is within its bounds (min <= value <= max, either optional)."""
    low, high = key_result.min, key_result.max
    return (low is None or low <= value) and (high is None or value <= high)


def value_progress(key_result: KeyResult, value: float) -> float:
    """A metric's or milestone's unclamped progress towards its target at this value."""
    if key_result.kind == "milestone":
        return value / 100
    if key_result.kind == "guardrail":
        raise ValueError("a guardrail's progress is the share of check-ins held, not one value")
    baseline, target = _metric_range(key_result)
    return (value - baseline) / (target - baseline)


def shares_held(key_result: KeyResult, counted: Sequence[CheckIn]) -> tuple[float, ...]:
    """A guardrail's share of check-ins held so far, after each counted check-in."""
    held = 0
    shares: list[float] = []
    for number, check_in in enumerate(counted, start=1):
        held += holds(key_result, check_in.value)
        shares.append(held / number)
    return tuple(shares)


def progress_series(key_result: KeyResult, counted: Sequence[CheckIn]) -> tuple[float, ...]:
    """The unclamped progress after each counted check-in; the trend compares the last two."""
    if key_result.kind == "guardrail":
        return shares_held(key_result, counted)
    return tuple(value_progress(key_result, c.value) for c in counted)


def counted_checkins(key_result: KeyResult, quarter: Quarter, as_of: date) -> tuple[CheckIn, ...]:
    """The check-ins counted by the as-of date, one per date, dated into the quarter, in order.

    A check-in after the quarter's end counts as taken on the end date (the grace period for a
    final measurement). Check-ins are ordered by their own dates and, on one date, by row, so the
    last of the rows that share an effective date wins.
    """
    by_date: dict[date, CheckIn] = {}
    for check_in in sorted(key_result.checkins, key=lambda c: (c.date, c.row)):
        effective = min(check_in.date, quarter.end)
        if effective <= as_of:
            by_date[effective] = replace(check_in, date=effective)
    return tuple(by_date[day] for day in sorted(by_date))


def project(
    key_result: KeyResult, counted: Sequence[CheckIn], quarter: Quarter
) -> Projection | None:
    """The least-squares line through the baseline at day 0 and the counted check-ins."""
    if key_result.kind == "guardrail" or not counted:
        return None
    if key_result.kind == "milestone":
        baseline = 0.0
    else:
        baseline, _ = _metric_range(key_result)
    points = [(0.0, baseline)]
    points += [(float((c.date - quarter.start).days), c.value) for c in counted]
    line = least_squares(points, float((quarter.end - quarter.start).days))
    return line if line is not None else flat_projection(counted[-1].value)


def status(score: float, projected_score: float | None, bands: Bands) -> Status:
    """No data (no projected score), done at 1, else on/off track or at risk by projection."""
    if projected_score is None:
        return "no-data"
    if score == 1:
        return "done"
    if projected_score >= bands.green:
        return "on-track"
    if projected_score >= bands.red:
        return "at-risk"
    return "off-track"


def closed_status(grade: float, thresholds: Bands) -> Status:
    """A KR's status in a closed quarter: landed at green, partial at red, else missed."""
    if grade >= thresholds.green:
        return "landed"
    if grade >= thresholds.red:
        return "partial"
    return "missed"


def in_setup(quarter: Quarter, as_of: date, policy: Policy) -> bool:
    """Whether the as-of date is within the quarter's first `setup_days` days: with the start
    as day 1, days 1 to setup_days, so as_of < start + setup_days (and any day before the start).
    """
    return (as_of - quarter.start).days < policy.setup_days


GAP_HIGH = 0.7
GAP_LOW = 0.4
"""Confidence gap: a confidence of GAP_HIGH or more on a KR at risk or off track, or below
GAP_LOW on one on track or done."""


def confidence_gap(status_: Status, confidence: float | None) -> bool | None:
    """Whether the owner's latest confidence disagrees with the status (open quarters only)."""
    if confidence is None or status_ in ("early", "no-data", "dropped"):
        return None
    if status_ in ("at-risk", "off-track"):
        return confidence >= GAP_HIGH
    if status_ in ("on-track", "done"):
        return confidence < GAP_LOW
    return None


def factor(objective_type: str, policy: Policy) -> Fraction:
    """k = expected[type] / expected.committed, exact: the scale of a type's thresholds."""
    expected = (
        policy.expected_aspirational
        if objective_type == "aspirational"
        else policy.expected_committed
    )
    return decimal(expected) / decimal(policy.expected_committed)


def decimal(value: float) -> Fraction:
    """A policy figure as the decimal it is written as (0.7 is 7/10, not the float's binary
    value), so scaled thresholds are the decimals a reader works out: 0.7 x 0.5 / 0.7 = 0.5."""
    return Fraction(repr(float(value)))


def scaled(bands: Bands, k: Fraction) -> Bands:
    """The bands scaled by k, computed exactly and rounded once."""
    return Bands(red=float(decimal(bands.red) * k), green=float(decimal(bands.green) * k))


def measure(
    unit_id: str,
    objective_id: str,
    key_result: KeyResult,
    quarter: Quarter,
    as_of: date,
    policy: Policy,
    grade: float | None = None,
    thresholds: Bands | None = None,
) -> KeyResultResult:
    """Every figure of one KR at the as-of date; `grade` is its final grade, if known, and
    `thresholds` those of its objective (default: the policy's bands)."""
    bands = policy.bands if thresholds is None else thresholds
    counted = counted_checkins(key_result, quarter, as_of)
    latest = counted[-1] if counted else None
    since = latest.date if latest is not None else quarter.start
    stale = (as_of - since).days > policy.stale_after_days
    dropped = key_result.dropped is not None
    if dropped:
        grade = None
    if latest is None:
        state: Status = "no-data"
        if dropped:
            state = "dropped"
        elif quarter.closed:
            state = closed_status(grade if grade is not None else 0.0, bands)
        return KeyResultResult(
            unit_id=unit_id,
            objective_id=objective_id,
            key_result=key_result,
            counted=counted,
            value=None,
            score=0.0,
            progress=None,
            projection=None,
            projected_score=None,
            status=state,
            trend=None,
            stale=stale,
            confidence=None,
            grade=grade,
            confidence_gap=None,
        )
    series = progress_series(key_result, counted)
    score = clamp(series[-1])
    projection = None if quarter.closed else project(key_result, counted, quarter)
    projected_score: float | None = (
        score if projection is None else clamp(value_progress(key_result, projection.end_value))
    )
    gap: bool | None = None
    if dropped:
        state = "dropped"
    elif quarter.closed:
        state = closed_status(grade if grade is not None else score, bands)
    else:
        state = status(score, projected_score, bands)
        if state in ("at-risk", "off-track") and in_setup(quarter, as_of, policy):
            state = "early"
        gap = confidence_gap(state, latest.confidence)
    if quarter.closed:
        projected_score = None
    return KeyResultResult(
        unit_id=unit_id,
        objective_id=objective_id,
        key_result=key_result,
        counted=counted,
        value=latest.value,
        score=score,
        progress=series[-1],
        projection=projection,
        projected_score=projected_score,
        status=state,
        trend=trend(series[-2], series[-1]) if len(series) >= 2 else None,
        stale=stale,
        confidence=latest.confidence,
        grade=grade,
        confidence_gap=gap,
    )


def final_grade(
    unit_id: str, objective_id: str, key_result: KeyResult, quarter: Quarter, policy: Policy
) -> float:
    """A KR's final grade in a closed quarter: its grade, else its score at the quarter's end."""
    if key_result.grade is not None:
        return key_result.grade
    return measure(unit_id, objective_id, key_result, quarter, quarter.end, policy).score


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """The weighted mean of (figure, weight) pairs; None for none (nothing counted)."""
    items = list(pairs)
    total = sum(weight for _, weight in items)
    return sum(figure * weight for figure, weight in items) / total if total else None


def mean(figures: Sequence[float]) -> float | None:
    """The mean, None for no figures; exact, so it never leaves the figures' range."""
    return exact_mean(sum((Fraction(f) for f in figures), Fraction(0)), len(figures))


def exact_mean(total: Fraction, count: int) -> float | None:
    """An exact sum over a count as the nearest float, None for a count of 0."""
    return float(total / count) if count else None


def _projected_of(result: KeyResultResult) -> float:
    """A counted KR's projected score; a done KR counts as 1."""
    if result.status == "done":
        return 1.0
    return result.projected_score if result.projected_score is not None else result.score


def score_objective(
    unit_id: str, objective: Objective, quarter: Quarter, as_of: date, policy: Policy
) -> ObjectiveResult:
    """One objective from its counted KRs (dropped KRs take no part), with its thresholds."""
    k = factor(objective.type, policy)
    thresholds = scaled(policy.bands, k)
    key_results = tuple(
        measure(
            unit_id,
            objective.id,
            kr,
            quarter,
            as_of,
            policy,
            final_grade(unit_id, objective.id, kr, quarter, policy) if quarter.closed else None,
            thresholds,
        )
        for kr in objective.key_results
    )
    counted = [kr for kr in key_results if kr.counts]
    score = weighted_mean((kr.final, kr.key_result.weight) for kr in counted)
    projected = (
        None
        if quarter.closed
        else weighted_mean((_projected_of(kr), kr.key_result.weight) for kr in counted)
    )
    if quarter.closed:
        shown_band = band(score, thresholds)
    else:
        shown_band = None if in_setup(quarter, as_of, policy) else band(projected, thresholds)
    return ObjectiveResult(
        unit_id=unit_id,
        objective=objective,
        score=score,
        band=shown_band,
        key_results=key_results,
        projected=projected,
        thresholds=thresholds,
        factor=k,
        counted=len(counted),
        total=sum(1 for kr in key_results if not kr.dropped),
    )


def score_unit_objectives(
    unit: Unit, quarter: Quarter, as_of: date, policy: Policy
) -> tuple[ObjectiveResult, ...]:
    """Every objective of a unit's plan in this quarter, scored from its KRs' final figures."""
    plan = quarter.plan(unit.id)
    if plan is None:
        return ()
    return tuple(
        score_objective(unit.id, objective, quarter, as_of, policy) for objective in plan.objectives
    )


def _subtree_totals(
    org: Org, figures: Mapping[str, Sequence[Fraction | None]]
) -> dict[str, tuple[Fraction, int]]:
    """For each unit, the exact sum and count of the non-null figures of the unit and every
    unit below it. Linear time: one pass up the tree, children before parents."""
    totals: dict[str, tuple[Fraction, int]] = {}
    forest = org.forest()
    for unit, _ in forest:
        known = [f for f in figures.get(unit.id, ()) if f is not None]
        totals[unit.id] = (sum(known, Fraction(0)), len(known))
    for unit, parent in reversed(forest):  # every unit comes after the unit it hangs from
        if parent is not None:
            total, count = totals[unit.id]
            above, above_count = totals[parent]
            totals[parent] = (above + total, above_count + count)
    return totals


def _fraction(value: float | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _rollups(
    org: Org, objectives: Mapping[str, Sequence[ObjectiveResult]]
) -> dict[str, float | None]:
    """Each unit's roll-up: a flat mean over the non-null objective scores of the unit and the
    units below it, not a mean of child roll-ups.

    The sums are exact (fractions of the floats), so the roll-up is the correctly rounded mean
    whatever the order of the tree: equal scores roll up to that very score, and a roll-up never
    leaves the range of the scores it averages.
    """
    totals = _subtree_totals(
        org, {u: [_fraction(o.score) for o in objs] for u, objs in objectives.items()}
    )
    return {unit_id: exact_mean(total, count) for unit_id, (total, count) in totals.items()}


def _coverages(
    org: Org, objectives: Mapping[str, Sequence[ObjectiveResult]]
) -> dict[str, float | None]:
    """Each unit roll-up's coverage: counted KRs over KRs not dropped, None with no KR."""
    counted = _subtree_totals(
        org, {u: [Fraction(o.counted) for o in objs] for u, objs in objectives.items()}
    )
    total = _subtree_totals(
        org, {u: [Fraction(o.total) for o in objs] for u, objs in objectives.items()}
    )
    return {
        unit_id: float(counted[unit_id][0] / total[unit_id][0]) if total[unit_id][0] else None
        for unit_id in total
    }


def score_quarter(
    repository: Repository,
    quarter: Quarter,
    as_of: date | None = None,
    today: date | None = None,
) -> QuarterResult:
    """Every figure of a quarter at its as-of date; units in org.yaml's order.

    Without as_of and today the quarter is scored at its end; the CLI passes today.
    """
    org = repository.org
    policy = org.policy
    when = as_of_date(quarter, as_of, today if today is not None else quarter.end)
    objectives = {unit.id: score_unit_objectives(unit, quarter, when, policy) for unit in org.units}
    rollups = _rollups(org, objectives)
    coverages = _coverages(org, objectives)
    projected = _subtree_totals(
        org, {u: [_fraction(o.projected) for o in objs] for u, objs in objectives.items()}
    )
    factors = _subtree_totals(
        org,
        {
            u: [o.factor if o.score is not None else None for o in objs]
            for u, objs in objectives.items()
        },
    )
    setup = not quarter.closed and in_setup(quarter, when, policy)
    units: list[UnitResult] = []
    for unit in org.units:
        factor_total, factor_count = factors[unit.id]
        thresholds = scaled(policy.bands, factor_total / factor_count) if factor_count else None
        unit_projected = None if quarter.closed else exact_mean(*projected[unit.id])
        figure = rollups[unit.id] if quarter.closed else unit_projected
        units.append(
            UnitResult(
                unit=unit,
                score=mean([o.score for o in objectives[unit.id] if o.score is not None]),
                rollup=rollups[unit.id],
                band=None if setup or thresholds is None else band(figure, thresholds),
                objectives=objectives[unit.id],
                projected=unit_projected,
                coverage=coverages[unit.id],
                thresholds=thresholds,
            )
        )
    root = org.root()
    org_unit = next((u for u in units if root is not None and u.unit.id == root.id), None)
    return QuarterResult(
        quarter=quarter,
        as_of=when,
        score=org_unit.rollup if org_unit is not None else None,
        band=org_unit.band if org_unit is not None else None,
        units=tuple(units),
        coverage=org_unit.coverage if org_unit is not None else None,
        health=score_metrics(repository.metrics, when),
    )
