"""Standing metrics' health at an as-of date, each answer worked by hand in the comments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from okrsite.load.repository import load
from okrsite.model.health import DoraLevel, MetricTrend
from okrsite.model.metrics import DoraMeasure, Metric, Reading
from okrsite.score.health import breaches_first, dora_level, score_metric, score_metrics, trend
from okrsite.score.quarter import score_quarter
from tests.conftest import MINIMAL, WriteRepo

PAGES = Metric(
    unit_id="payments",
    id="pages",
    title="Out-of-hours pages per week",
    owner="Ana Silva",
    measurement="Paging tool",
    max=5.0,
    direction="down",
)


def readings(*rows: tuple[str, float]) -> tuple[Reading, ...]:
    """Readings in file order from (YYYY-MM-DD, value) pairs."""
    return tuple(
        Reading(date.fromisoformat(day), "pages", value, row=row)
        for row, (day, value) in enumerate(rows, start=1)
    )


# Healthy at <= 5. 09-01 breached (7), 10-01 healthy (4), 11-01 breached (6), 11-15 breached
# (8), 12-01 healthy (5: the bound itself is healthy).
HISTORY = readings(
    ("2026-09-01", 7),
    ("2026-10-01", 4),
    ("2026-11-01", 6),
    ("2026-11-15", 8),
    ("2026-12-01", 5),
)


@pytest.mark.parametrize(
    ("as_of", "status", "value", "since", "days"),
    [
        ("2026-08-31", "no-data", None, None, None),  # nothing on or before the as-of date
        ("2026-09-01", "breached", 7.0, "2026-09-01", 0),  # 7 > 5, the run starts that day
        ("2026-09-30", "breached", 7.0, "2026-09-01", 29),  # still 7; 29 days since 09-01
        ("2026-10-01", "healthy", 4.0, None, None),  # 4 <= 5
        ("2026-11-01", "breached", 6.0, "2026-11-01", 0),  # 10-01's healthy 4 broke the run
        ("2026-11-20", "breached", 8.0, "2026-11-01", 19),  # 6 then 8: one run from 11-01
        ("2026-12-01", "healthy", 5.0, None, None),  # 5 <= 5: inclusive
        ("2027-03-01", "healthy", 5.0, None, None),  # the latest is 12-01's
    ],
)
def test_status_and_breached_since_at_several_dates(
    as_of: str, status: str, value: float | None, since: str | None, days: int | None
) -> None:
    result = score_metric(replace(PAGES, readings=HISTORY), date.fromisoformat(as_of))
    assert (result.status, result.value) == (status, value)
    assert result.breached_since == (date.fromisoformat(since) if since else None)
    assert result.breached_days == days


def test_only_readings_up_to_the_as_of_date_are_kept() -> None:
    result = score_metric(replace(PAGES, readings=HISTORY), date(2026, 11, 1))
    # 09-01, 10-01 and 11-01 are on or before the as-of date; 11-15 and 12-01 are not.
    assert [r.value for r in result.readings] == [7.0, 4.0, 6.0]
    assert result.readings == HISTORY[:3]
    # The definition comes without its readings: the result holds the counted ones once.
    assert result.metric.readings == ()


def test_on_one_date_the_later_row_wins() -> None:
    # Two rows on 10-01: the second (9, breached) replaces the first (4, healthy).
    later = readings(("2026-10-01", 4), ("2026-10-01", 9))
    result = score_metric(replace(PAGES, readings=later), date(2026, 10, 2))
    assert (result.status, result.value, len(result.readings)) == ("breached", 9.0, 1)


def test_a_two_sided_range_is_breached_on_either_side() -> None:
    band = replace(PAGES, min=2.0, max=5.0, direction=None)
    low = readings(("2026-10-01", 1.9))  # below min 2
    edge = readings(("2026-10-01", 2))  # min itself: healthy
    assert score_metric(replace(band, readings=low), date(2026, 10, 1)).status == "breached"
    assert score_metric(replace(band, readings=edge), date(2026, 10, 1)).status == "healthy"


def trend_of(metric: Metric, as_of: str, *rows: tuple[str, float]) -> MetricTrend | None:
    return trend(metric, readings(*rows), date.fromisoformat(as_of))


UP = replace(PAGES, min=20.0, max=None, direction="up")
BAND = replace(PAGES, min=2.0, max=5.0, direction=None)


@pytest.mark.parametrize(
    ("metric", "rows", "expected"),
    [
        # Better down: 8 -> 6 is improving, 6 -> 8 worsening.
        (PAGES, [("2026-10-01", 8), ("2026-12-01", 6)], "improving"),
        (PAGES, [("2026-10-01", 6), ("2026-12-01", 8)], "worsening"),
        # Better up: 20 -> 25 is improving, 25 -> 20 worsening.
        (UP, [("2026-10-01", 20), ("2026-12-01", 25)], "improving"),
        (UP, [("2026-10-01", 25), ("2026-12-01", 20)], "worsening"),
        # 100 -> 101: a change of 1, 1 % of the larger (101 x 0.01 = 1.01): flat.
        (PAGES, [("2026-10-01", 100), ("2026-12-01", 101)], "flat"),
        # 100 -> 102: 2 > 1.02: no longer flat; up is worse for PAGES.
        (PAGES, [("2026-10-01", 100), ("2026-12-01", 102)], "worsening"),
        # A two-sided range without a direction: rising or falling.
        (BAND, [("2026-10-01", 3), ("2026-12-01", 4)], "rising"),
        (BAND, [("2026-10-01", 4), ("2026-12-01", 3)], "falling"),
        # Only the earliest of the last 91 days counts: 2026-12-01 - 91 days = 2026-09-01, so
        # 08-31's 50 is out; 09-01's 3 against 12-01's 4 is rising.
        (BAND, [("2026-08-31", 50), ("2026-09-01", 3), ("2026-12-01", 4)], "rising"),
        # The middle reading does not count: 3 -> 9 -> 3 is flat.
        (BAND, [("2026-10-01", 3), ("2026-11-01", 9), ("2026-12-01", 3)], "flat"),
        # One reading in the window (08-31 is out of it): no trend.
        (PAGES, [("2026-08-31", 8), ("2026-12-01", 6)], None),
        (PAGES, [], None),
    ],
)
def test_trend(metric: Metric, rows: list[tuple[str, float]], expected: str | None) -> None:
    assert trend_of(metric, "2026-12-01", *rows) == expected


def test_trend_of_a_metric_ignores_readings_after_the_as_of_date() -> None:
    # As of 11-01 only 10-01's 8 and 11-01's 6 count (improving); 12-01's 9 comes later.
    rows = readings(("2026-10-01", 8), ("2026-11-01", 6), ("2026-12-01", 9))
    result = score_metric(replace(PAGES, readings=rows), date(2026, 11, 1))
    assert result.trend == "improving"


def dora(measure: DoraMeasure, unit: str | None = None) -> Metric:
    return replace(PAGES, dora=measure, unit=unit)


@pytest.mark.parametrize(
    ("measure", "unit", "value", "level"),
    [
        # Deployment frequency per week: elite above 7 (more than once a day), high from 1
        # (weekly), medium from 7/30 = 0.2333... (monthly), low below.
        ("deployment-frequency", "per week", 7.01, "elite"),
        ("deployment-frequency", "per week", 7, "high"),  # exactly once a day: not more
        ("deployment-frequency", "per week", 1, "high"),
        ("deployment-frequency", "per week", 0.99, "medium"),
        ("deployment-frequency", "per week", 7 / 30, "medium"),
        ("deployment-frequency", "per week", 0.23, "low"),  # 0.23 < 0.2333...
        # Lead time: elite under 24 hours, high to 168 (a week), medium to 720 (30 days).
        ("lead-time", "hours", 23.9, "elite"),
        ("lead-time", "hours", 24, "high"),
        ("lead-time", "hours", 168, "high"),
        ("lead-time", "hours", 168.1, "medium"),
        ("lead-time", "hours", 720, "medium"),
        ("lead-time", "hours", 720.1, "low"),
        # The same in days: x 24 hours.
        ("lead-time", "days", 0.99, "elite"),  # 23.76 hours
        ("lead-time", "days", 1, "high"),  # 24 hours
        ("lead-time", "days", 7, "high"),  # 168 hours
        ("lead-time", "days", 7.5, "medium"),  # 180 hours
        ("lead-time", "days", 30, "medium"),  # 720 hours
        ("lead-time", "days", 31, "low"),  # 744 hours
        # Time to restore: elite under 1 hour, high under 24, medium to 168 (a week).
        ("time-to-restore", "hours", 0.99, "elite"),
        ("time-to-restore", "hours", 1, "high"),
        ("time-to-restore", "hours", 23.99, "high"),
        ("time-to-restore", "hours", 24, "medium"),  # one day: read as medium
        ("time-to-restore", "hours", 168, "medium"),
        ("time-to-restore", "hours", 168.5, "low"),
        ("time-to-restore", "days", 0.5, "high"),  # 12 hours
        ("time-to-restore", "days", 1, "medium"),  # 24 hours
        ("time-to-restore", "days", 7, "medium"),  # 168 hours
        ("time-to-restore", "days", 8, "low"),  # 192 hours
        # Change failure rate: the nearest of elite 5, medium 10, high 20, low 40 (percent).
        ("change-failure-rate", "%", 0, "elite"),
        ("change-failure-rate", "%", 7.5, "elite"),  # 2.5 from 5 and from 10: the lower wins
        ("change-failure-rate", "%", 7.6, "medium"),  # 2.4 from 10, 2.6 from 5
        ("change-failure-rate", "%", 15, "medium"),  # 5 from 10 and 20: the lower wins
        ("change-failure-rate", "%", 15.1, "high"),  # 4.9 from 20
        ("change-failure-rate", "%", 30, "high"),  # 10 from 20 and 40: the lower wins
        ("change-failure-rate", "%", 30.1, "low"),  # 9.9 from 40
        ("change-failure-rate", "%", 100, "low"),
    ],
)
def test_dora_level_at_each_boundary(
    measure: DoraMeasure, unit: str, value: float, level: DoraLevel
) -> None:
    assert dora_level(dora(measure, unit), value) == level


def test_a_metric_that_is_not_dora_has_no_level() -> None:
    assert dora_level(PAGES, 3) is None
    result = score_metric(replace(PAGES, readings=HISTORY), date(2026, 12, 1))
    assert result.level is None


def test_the_level_is_the_latest_readings_level() -> None:
    # As of 11-01 the latest lead time is 30 hours (high); as of 12-01, 20 hours (elite).
    rows = readings(("2026-11-01", 30), ("2026-12-01", 20))
    lead = replace(dora("lead-time", "hours"), readings=rows)
    assert score_metric(lead, date(2026, 11, 1)).level == "high"
    assert score_metric(lead, date(2026, 12, 1)).level == "elite"
    assert score_metric(lead, date(2026, 10, 1)).level is None  # no reading yet


def test_breached_metrics_come_first_the_longest_breached_first() -> None:
    as_of = date(2026, 12, 1)
    healthy = replace(PAGES, id="healthy", readings=readings(("2026-11-01", 1)))
    empty = replace(PAGES, id="empty")
    recent = replace(PAGES, id="recent", readings=readings(("2026-11-20", 9)))
    old = replace(PAGES, id="old", readings=readings(("2026-10-01", 9)))
    results = score_metrics([empty, healthy, recent, old], as_of)
    assert [r.metric.id for r in results] == ["empty", "healthy", "recent", "old"]
    assert [r.metric.id for r in breaches_first(results)] == ["old", "recent", "healthy", "empty"]


METRICS_YAML = """\
metrics:
  - id: pages
    title: Out-of-hours pages per week
    owner: Ana Silva
    measurement: Paging tool
    max: 5
"""
# 2026-Q4 ends 2026-12-31. 12-20 is breached (7) after a healthy 11-01 (3); the readings of
# 2027-01-10 (2, healthy) and 2027-02-01 (9) come after the quarter's end.
METRICS_CSV = """\
date,metric,value
2026-11-01,pages,3
2026-12-20,pages,7
2027-01-10,pages,2
2027-02-01,pages,9
"""


def test_a_closed_quarters_metrics_are_as_of_its_end(write_repo: WriteRepo) -> None:
    root = write_repo(
        {
            **MINIMAL,
            "okrs/2026-Q4/quarter.yaml": "status: closed\n",
            "okrs/metrics/payments.yaml": METRICS_YAML,
            "okrs/metrics/payments.csv": METRICS_CSV,
        }
    )
    loaded = load(root)
    assert loaded.problems == ()
    repository = loaded.repository
    (quarter,) = repository.quarters
    result = score_quarter(repository, quarter, today=date(2027, 3, 1))
    (health,) = result.health
    # As of 2026-12-31: the latest is 12-20's 7, breached since 12-20, 11 days; 3 -> 7 within
    # the last 91 days is worsening (better down). The 2027 readings do not count.
    assert health.as_of == date(2026, 12, 31)
    assert (health.status, health.value, health.breached_since, health.breached_days) == (
        "breached",
        7.0,
        date(2026, 12, 20),
        11,
    )
    assert health.trend == "worsening"
    assert [r.date for r in health.readings] == [date(2026, 11, 1), date(2026, 12, 20)]
    # The repository still has every reading: only the quarter's view ends at its end.
    assert len(repository.metrics[0].readings) == 4


def test_an_open_quarters_metrics_are_as_of_today_within_it(write_repo: WriteRepo) -> None:
    files = {"okrs/metrics/payments.yaml": METRICS_YAML, "okrs/metrics/payments.csv": METRICS_CSV}
    repository = load(write_repo({**MINIMAL, **files})).repository
    (quarter,) = repository.quarters
    # Today 2026-12-01: only 11-01's 3 so far, healthy.
    (health,) = score_quarter(repository, quarter, today=date(2026, 12, 1)).health
    assert (health.as_of, health.status, health.value) == (date(2026, 12, 1), "healthy", 3.0)
    # --as-of past the quarter is used as given: 2027-02-01's 9 is the latest, breached since.
    (late,) = score_quarter(repository, quarter, as_of=date(2027, 2, 1)).health
    assert (late.status, late.breached_since) == ("breached", date(2027, 2, 1))
