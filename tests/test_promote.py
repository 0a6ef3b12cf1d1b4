"""`okrsite promote`: a KR becomes a standing metric, its history the same before and after."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.edit.promote import promote
from okrsite.load.repository import load
from okrsite.model.errors import DataError, OkrsiteError
from okrsite.score.health import score_metric
from tests.conftest import MINIMAL, PAYMENTS_YAML, WriteRepo

Q3_YAML = """\
objectives:
  - id: delivery
    title: Ship features from idea to production faster
    domain: delivery
    key_results:
      - id: lead-time
        title: "Reduce median lead time: 14 days to 12"
        owner: Sam Lee
        measurement: Deployment pipeline, median over merged changes
        unit: days
        baseline: 14
        target: 12
        source:
          kind: prometheus
          url: https://prometheus.acme.example/
          query: sum(up)
      - id: deploys
        title: Raise deploys per week from 3 to 10
        owner: Ana Silva
        measurement: Deployment pipeline, production deploys per week
        baseline: 3
        target: 10
      - id: runbook
        kind: milestone
        title: Write the on-call runbook
        owner: Ana Silva
        measurement: Runbook pages reviewed, percent
"""

# By hand: 08-15 twice in the file, the later row (12.5) wins; 10-03 in Q3's grace period and
# again in Q4's file, Q4's (10.5) wins. With Q4's 10-15 (10) and 11-15 (8) from MINIMAL, the
# history is 07-15 14, 08-15 12.5, 10-03 10.5, 10-15 10, 11-15 8.
Q3_CSV = """\
date,kr,value,confidence,note,blockers
2026-07-15,delivery/lead-time,14,,,
2026-08-15,delivery/lead-time,13,,first count,
2026-08-15,delivery/lead-time,12.5,,"recounted, by hand",
2026-10-03,delivery/lead-time,11,,,
2026-09-01,delivery/deploys,4,,,
"""
Q4_CSV = MINIMAL["okrs/2026-Q4/payments.csv"] + "2026-10-03,delivery/lead-time,10.5,,,\n"
EXPECTED = [
    (date(2026, 7, 15), 14.0),
    (date(2026, 8, 15), 12.5),
    (date(2026, 10, 3), 10.5),
    (date(2026, 10, 15), 10.0),
    (date(2026, 11, 15), 8.0),
]
FILES = {
    **MINIMAL,
    "okrs/2026-Q3/payments.yaml": Q3_YAML,
    "okrs/2026-Q3/payments.csv": Q3_CSV,
    "okrs/2026-Q4/payments.csv": Q4_CSV,
}
NOTE = "Review latency is the bottleneck"
METRICS_YAML = "okrs/metrics/payments.yaml"
METRICS_CSV = "okrs/metrics/payments.csv"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _kr_history(root: Path, path: str) -> list[tuple[date, float]]:
    """The KR's check-ins in every quarter before promotion, worked out independently: per
    date, the latest quarter's latest row."""
    unit_id, _, ref = path.partition("/")
    latest: dict[date, float] = {}
    for quarter in load(root).repository.quarters:
        plan = quarter.plan(unit_id)
        for objective in plan.objectives if plan else ():
            for kr in objective.key_results:
                if f"{objective.id}/{kr.id}" == ref:
                    for checkin in sorted(kr.checkins, key=lambda c: c.row):
                        latest[checkin.date] = checkin.value
    return sorted(latest.items())


@pytest.fixture
def repo(write_repo: WriteRepo) -> Path:
    return write_repo(FILES)


def test_history_is_the_same_before_and_after(repo: Path) -> None:
    before = _kr_history(repo, "payments/delivery/lead-time")
    assert before == EXPECTED
    done = promote(repo, "2026-Q3", "payments", "delivery/lead-time")
    loaded = load(repo)
    assert [p for p in loaded.problems if p.severity == "error"] == []
    metric = loaded.repository.metric("payments/lead-time")
    assert metric is not None and done.metric_path == "payments/lead-time"
    result = score_metric(metric, date(2026, 12, 31))
    assert [(r.date, r.value) for r in result.readings] == before
    assert [r.note for r in result.readings] == ["", "recounted, by hand", "", NOTE, ""]
    # The target (12) is below the baseline (14): healthy at or below it; 8 is.
    assert (metric.min, metric.max, result.status) == (None, 12.0, "healthy")
    assert metric.promoted_from == "payments/delivery/lead-time"


def test_writes_the_exact_yaml_and_csv(repo: Path) -> None:
    done = promote(repo, "2026-Q3", "payments", "delivery/lead-time")
    assert done.yaml_created and done.csv_created
    assert (repo / METRICS_YAML).read_text() == (
        "# yaml-language-server: $schema=../../schemas/metrics.schema.json\n"
        "metrics:\n"
        "  - id: lead-time\n"
        "    title: 'Reduce median lead time: 14 days to 12'\n"
        "    owner: Sam Lee\n"
        "    measurement: Deployment pipeline, median over merged changes\n"
        "    unit: days\n"
        "    max: 12  # proposed from the KR's target: review it\n"
        "    source:\n"
        "      kind: prometheus\n"
        "      url: https://prometheus.acme.example/\n"
        "      query: sum(up)\n"
        "    promoted_from: payments/delivery/lead-time\n"
    )
    assert (repo / METRICS_CSV).read_text() == (
        "date,metric,value,note\n"
        "2026-07-15,lead-time,14,\n"
        '2026-08-15,lead-time,12.5,"recounted, by hand"\n'
        "2026-10-03,lead-time,10.5,\n"
        "2026-10-15,lead-time,10,Review latency is the bottleneck\n"
        "2026-11-15,lead-time,8,\n"
    )


def test_a_target_above_the_baseline_is_a_min(repo: Path) -> None:
    promote(repo, "2026-Q3", "payments", "delivery/deploys", "deploys-per-week")
    metric = load(repo).repository.metric("payments/deploys-per-week")
    assert metric is not None and (metric.min, metric.max) == (10.0, None)
    assert [(r.date, r.value) for r in metric.readings] == [(date(2026, 9, 1), 4.0)]
    assert (
        "    min: 10  # proposed from the KR's target: review it\n"
        in (repo / METRICS_YAML).read_text()
    )


def test_a_guardrail_keeps_its_range_and_a_kr_without_checkins_writes_no_csv(
    write_repo: WriteRepo,
) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.csv": "date,kr,value\n"})
    done = promote(root, "2026-Q4", "payments", "delivery/change-failure-rate")
    assert done.history == () and not (root / METRICS_CSV).exists()
    metric = load(root).repository.metric("payments/change-failure-rate")
    assert metric is not None and (metric.min, metric.max) == (None, 5.0)
    assert "    max: 5  # proposed from the KR's guardrail range: review it\n" in done.entry


def test_appends_to_an_existing_file_keeping_every_byte(write_repo: WriteRepo) -> None:
    existing_yaml = (
        "# Our health metrics\r\n"
        "metrics:\r\n"
        "- id: pages   # keep this comment\r\n"
        "  title: Pages\r\n"
        "  owner: Ana Silva\r\n"
        "  measurement: Paging tool\r\n"
        "  max: 5"
    )
    existing_csv = "date,metric,value\r\n2026-10-01,pages,4"
    root = write_repo({**MINIMAL, METRICS_YAML: existing_yaml, METRICS_CSV: existing_csv})
    done = promote(root, "2026-Q4", "payments", "delivery/change-failure-rate", "cfr")
    assert not done.yaml_created and not done.csv_created
    assert (root / METRICS_YAML).read_bytes().decode() == existing_yaml + (
        "\r\n"
        "- id: cfr\r\n"
        "  title: Keep change failure rate below 5%\r\n"
        "  owner: Sam Lee\r\n"
        "  measurement: Incident tracker\r\n"
        "  max: 5  # proposed from the KR's guardrail range: review it\r\n"
        "  promoted_from: payments/delivery/change-failure-rate\r\n"
    )
    # No note column, and the check-in has no note: written without one.
    assert (root / METRICS_CSV).read_bytes().decode() == existing_csv + "\r\n2026-10-15,cfr,4\r\n"
    metrics = load(root).repository.metrics
    assert [(m.id, len(m.readings)) for m in metrics] == [("pages", 1), ("cfr", 1)]


def _refused(root: Path, match: str, *args: str, error: type[Exception] = OkrsiteError) -> None:
    before = _snapshot(root)
    with pytest.raises(error, match=match):
        promote(root, *args)
    assert _snapshot(root) == before


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("2026-Q3", "payments", "delivery/runbook"), r"is a milestone: its value is percent"),
        (("2026-Q1", "payments", "delivery/lead-time"), r"no quarter '2026-Q1'.*'2026-Q\d'\?"),
        (("2026-q3", "payments", "delivery/lead-time"), r"not a quarter; write it as YYYY-Qn"),
        (("2026-Q3", "paymnets", "delivery/lead-time"), r"unknown unit 'paymnets'; .*'payments'"),
        (
            ("2026-Q3", "payments", "delivery/lead-tme"),
            r"unknown key result .*did you mean 'delivery/lead-time'",
        ),
        (("2026-Q3", "payments", "delivery/lead-time", "Bad Id"), r"is not an id"),
    ],
)
def test_refusals_write_nothing(repo: Path, args: tuple[str, ...], match: str) -> None:
    _refused(repo, match, *args)


def test_refuses_an_id_the_unit_already_has(repo: Path) -> None:
    promote(repo, "2026-Q3", "payments", "delivery/lead-time")
    _refused(
        repo,
        r"already has a standing metric 'lead-time'",
        "2026-Q4",
        "payments",
        "delivery/lead-time",
    )


def test_refuses_a_repository_with_errors(write_repo: WriteRepo) -> None:
    broken = PAYMENTS_YAML.replace("target: 5", "target: five")
    root = write_repo({**FILES, "okrs/2026-Q4/payments.yaml": broken})
    _refused(root, r"OKR", "2026-Q3", "payments", "delivery/lead-time", error=DataError)


def test_refuses_a_file_whose_metrics_list_is_not_last(write_repo: WriteRepo) -> None:
    root = write_repo({**FILES, METRICS_YAML: "metrics: []  # flow style: no item appends\n"})
    _refused(
        root,
        r"would not load with the metric appended",
        "2026-Q3",
        "payments",
        "delivery/lead-time",
    )


def test_refuses_notes_for_a_csv_without_a_note_column(write_repo: WriteRepo) -> None:
    pages = "metrics:\n  - id: pages\n    title: P\n    owner: A\n    measurement: M\n    max: 5\n"
    root = write_repo({**FILES, METRICS_YAML: pages, METRICS_CSV: "date,metric,value\n"})
    _refused(root, r"has no note column", "2026-Q3", "payments", "delivery/lead-time")


def test_the_command_says_what_it_wrote_and_what_next(repo: Path) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(repo), "promote", "2026-Q3", "payments", "delivery/lead-time"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "created okrs/metrics/payments.yaml: standing metric payments/lead-time\n"
        "  - id: lead-time\n"
    )
    assert (
        "created okrs/metrics/payments.csv: 5 readings, 2026-07-15 to 2026-11-15, the check-ins "
        "of payments/delivery/lead-time in every quarter\n"
    ) in result.output
    assert "review the healthy range (max 12, proposed from the KR)" in result.output
    assert "open a pull request" in result.output
    refused = CliRunner().invoke(
        main, ["--root", str(repo), "promote", "2026-Q3", "payments", "delivery/runbook"]
    )
    assert refused.exit_code == 2 and "is a milestone" in refused.output
