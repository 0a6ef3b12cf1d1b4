"""Properties of scoring that examples cannot pin: ranges, order independence, monotonicity."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from okrsite.model.okrs import CheckIn, KeyResult, Objective, Policy, QuarterStatus, Unit
from okrsite.model.scores import QuarterResult
from okrsite.score.quarter import measure, score_quarter
from tests.test_score import Q4_END, Q4_START, quarter, repository

UNITS = (
    Unit("eng", "Engineering", "org"),
    Unit("platform", "Platform", "group", parent="eng"),
    Unit("payments", "Payments", "team", parent="platform"),
    Unit("infra", "Infrastructure", "team", parent="platform"),
)

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
# from the quarter's start to 31 days after its end, as the loader allows
days = st.integers(min_value=0, max_value=(Q4_END - Q4_START).days + 31)
grades = st.none() | st.floats(min_value=0, max_value=1)


@st.composite
def checkins(draw: st.DrawFn) -> tuple[CheckIn, ...]:
    """Check-ins on random dates, numbered by row in file order."""
    rows = draw(st.lists(st.tuples(days, numbers), max_size=6))
    return tuple(
        CheckIn(
            date=Q4_START + timedelta(days=day),
            kr="o/k",
            value=value,
            confidence=draw(st.none() | st.floats(min_value=0, max_value=1)),
            row=row,
        )
        for row, (day, value) in enumerate(rows, start=2)
    )


@st.composite
def key_results(draw: st.DrawFn, id: str = "k") -> KeyResult:
    """A metric, guardrail or milestone KR with valid fields and random check-ins."""
    base = KeyResult(
        id=id,
        title="t",
        owner="o",
        measurement="m",
        weight=draw(st.floats(min_value=0.1, max_value=10)),
        grade=draw(grades),
        checkins=draw(checkins()),
    )
    kind = draw(st.sampled_from(["metric", "guardrail", "milestone"]))
    if kind == "metric":
        baseline = draw(numbers)
        target = draw(numbers.filter(lambda t: abs(t - baseline) >= 1e-3))
        return replace(base, baseline=baseline, target=target)
    if kind == "guardrail":
        low, high = draw(st.none() | numbers), draw(st.none() | numbers)
        if low is None and high is None:
            high = draw(numbers)
        return replace(base, kind="guardrail", baseline=0.0, min=low, max=high)
    return replace(base, kind="milestone")


@st.composite
def plans(draw: st.DrawFn) -> dict[str, tuple[Objective, ...]]:
    """Objectives of random KRs for some of the units."""
    found: dict[str, tuple[Objective, ...]] = {}
    for unit in UNITS:
        count = draw(st.integers(min_value=0, max_value=2))
        found[unit.id] = tuple(
            Objective(
                id=f"o{n}",
                title="t",
                key_results=tuple(
                    draw(key_results(id=f"k{i}"))
                    for i in range(draw(st.integers(min_value=1, max_value=3)))
                ),
            )
            for n in range(count)
        )
    return found


statuses = st.sampled_from(["open", "closed"])
as_of_dates = st.none() | st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 2, 28))


def score(
    objectives: dict[str, tuple[Objective, ...]], status: QuarterStatus, as_of: date | None
) -> QuarterResult:
    """Score the plans in one 2026-Q4."""
    q = quarter(objectives, status=status)
    return score_quarter(repository(q, units=UNITS), q, as_of)


def in_unit_range(figure: float | None) -> bool:
    """Whether a figure is absent or within [0, 1]."""
    return figure is None or 0 <= figure <= 1


@settings(max_examples=60, deadline=None)
@given(plans(), statuses, as_of_dates)
def test_every_score_grade_and_rollup_stays_in_zero_to_one(
    objectives: dict[str, tuple[Objective, ...]], status: QuarterStatus, as_of: date | None
) -> None:
    result = score(objectives, status, as_of)
    assert in_unit_range(result.score)
    for unit in result.units:
        assert in_unit_range(unit.score)
        assert in_unit_range(unit.rollup)
        for obj in unit.objectives:
            assert in_unit_range(obj.score)
    for kr in result.key_results():
        assert in_unit_range(kr.score)
        assert in_unit_range(kr.projected_score)
        assert in_unit_range(kr.grade)
        assert in_unit_range(kr.final)


def figures(result: QuarterResult) -> list[object]:
    """Every computed figure of a result, leaving out the input KRs themselves."""
    units = [(u.unit.id, u.score, u.rollup, u.band) for u in result.units]
    objectives = [(o.objective.id, o.score, o.band) for u in result.units for o in u.objectives]
    key_results = [
        (
            kr.path,
            kr.counted,
            kr.value,
            kr.score,
            kr.progress,
            kr.projection,
            kr.projected_score,
            kr.status,
            kr.trend,
            kr.stale,
            kr.confidence,
            kr.grade,
        )
        for kr in result.key_results()
    ]
    return [result.as_of, result.score, result.band, units, objectives, key_results]


def shuffled(
    objectives: dict[str, tuple[Objective, ...]], data: st.DataObject
) -> dict[str, tuple[Objective, ...]]:
    """The same plans with every KR's check-in rows in another order (each keeps its row)."""
    return {
        unit_id: tuple(
            replace(
                o,
                key_results=tuple(
                    replace(kr, checkins=tuple(data.draw(st.permutations(kr.checkins))))
                    for kr in o.key_results
                ),
            )
            for o in objs
        )
        for unit_id, objs in objectives.items()
    }


@settings(max_examples=40, deadline=None)
@given(plans(), statuses, as_of_dates, st.data())
def test_shuffling_check_in_rows_changes_nothing(
    objectives: dict[str, tuple[Objective, ...]],
    status: QuarterStatus,
    as_of: date | None,
    data: st.DataObject,
) -> None:
    # Rows sharing a date keep their order through their `row` number, whatever the tuple order.
    assert figures(score(shuffled(objectives, data), status, as_of)) == figures(
        score(objectives, status, as_of)
    )


@settings(max_examples=200, deadline=None)
@given(numbers, numbers, numbers, numbers)
def test_a_metric_never_scores_less_as_its_value_moves_towards_the_target(
    baseline: float, target: float, value: float, other: float
) -> None:
    if abs(target - baseline) < 1e-3:
        target = baseline + 1
    # `nearer` is the one of the two values further in the target's direction
    ahead = (other - value) * (target - baseline) >= 0
    nearer, further = (other, value) if ahead else (value, other)

    def score_at(figure: float) -> float:
        kr = KeyResult(
            id="k",
            title="t",
            owner="o",
            measurement="m",
            baseline=baseline,
            target=target,
            checkins=(CheckIn(date(2026, 11, 15), "o/k", figure),),
        )
        q = quarter({})
        return measure("payments", "o", kr, q, Q4_END, Policy()).score

    assert score_at(nearer) >= score_at(further)
