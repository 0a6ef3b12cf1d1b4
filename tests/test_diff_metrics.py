"""`okrsite diff`: standing metrics added, removed or given another healthy range, each range
tried on the last six months' readings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.load.repository import load_valid
from okrsite.score.diff import RANGE_WINDOW_DAYS, diff_metrics, range_text
from tests.conftest import MINIMAL, WriteRepo

TODAY_EPOCH = "1795737600"  # 2026-11-27
TODAY = date(2026, 11, 27)
# 183 days before 2026-11-27: 27 days back to 10-31, 31 to 09-30, 30 to 08-31, 31 to 07-31,
# 31 to 06-30, 30 to 05-31, 3 more to 05-28.
WINDOW_FROM = date(2026, 5, 28)

BASE_YAML = """\
metrics:
  - id: lead-time
    title: Lead <b>time</b> @team
    owner: Sam Lee
    measurement: Pipeline
    direction: down
    threshold: 72
  - id: uptime
    title: Uptime
    owner: Sam Lee
    measurement: Probes
    direction: up
    threshold: 99
  - id: deploys
    title: Deploys a week
    owner: Sam Lee
    measurement: Pipeline
    min: 20
"""
AFTER_YAML = """\
metrics:
  - id: lead-time
    title: Lead <b>time</b> @team
    owner: Sam Lee
    measurement: Pipeline
    max: 48
  - id: uptime
    title: Uptime
    owner: Sam Lee
    measurement: Probes
    min: 99
  - id: pages
    title: Pages a week
    owner: Ana Silva
    measurement: Paging tool
    max: 5
"""
# lead-time, by hand: 05-27 is a day before the window; in it 05-28 80, 07-01 60, 08-01 50,
# 09-01 40, 10-01 30 (the later of two rows that day), 11-27 45: 6 readings. <= 72 breaches 80
# alone (1); <= 48 breaches 80, 60 and 50 (3).
READINGS = """\
date,metric,value,note
2026-05-27,lead-time,100,
2026-05-28,lead-time,80,
2026-07-01,lead-time,60,
2026-08-01,lead-time,50,
2026-09-01,lead-time,40,
2026-10-01,lead-time,40,
2026-10-01,lead-time,30,recounted
2026-11-27,lead-time,45,
2026-11-01,uptime,98,
"""
# deploys (removed): 06-01 14 breaches min 20, 11-01 25 does not. pages (added): 07-01 7.5
# breaches max 5, 10-01 4 does not; 2026-01-05 is outside the window.
BASE_CSV = READINGS + "2026-06-01,deploys,14,\n2026-11-01,deploys,25,\n"
AFTER_CSV = READINGS + "2026-01-05,pages,9,\n2026-07-01,pages,7.5,\n2026-10-01,pages,4,\n"
METRICS_YAML = "okrs/metrics/payments.yaml"
METRICS_CSV = "okrs/metrics/payments.csv"


@pytest.fixture
def folders(write_repo: WriteRepo) -> tuple[Path, Path]:
    base = write_repo({**MINIMAL, METRICS_YAML: BASE_YAML, METRICS_CSV: BASE_CSV})
    after = write_repo(
        {**MINIMAL, METRICS_YAML: AFTER_YAML, METRICS_CSV: AFTER_CSV}, base.parent / "after"
    )
    return base, after


def test_the_window_is_six_months() -> None:
    assert RANGE_WINDOW_DAYS == 183
    assert (TODAY - WINDOW_FROM).days == 183


def test_changed_added_and_removed_with_hand_worked_counts(folders: tuple[Path, Path]) -> None:
    base, after = folders
    changes = diff_metrics(load_valid(base).metrics, load_valid(after).metrics, TODAY)
    # uptime: threshold 99 with direction up is min 99, so its range did not change.
    assert [(c.path, c.kind) for c in changes] == [
        ("payments/lead-time", "changed"),
        ("payments/pages", "added"),
        ("payments/deploys", "removed"),
    ]
    lead, pages, deploys = changes
    assert (lead.before, lead.after) == ((None, 72.0), (None, 48.0))
    assert (lead.readings, lead.breached_before, lead.breached_after) == (6, 1, 3)
    assert (pages.before, pages.after) == (None, (None, 5.0))
    assert (pages.readings, pages.breached_before, pages.breached_after) == (2, None, 1)
    assert (deploys.readings, deploys.breached_before, deploys.breached_after) == (2, 1, None)
    assert (lead.window_from, lead.window_to) == (WINDOW_FROM, TODAY)


def test_ranges_read_as_a_person_says_them() -> None:
    assert range_text((None, 72.0)) == "≤ 72"
    assert range_text((20.0, None)) == "≥ 20"
    assert range_text((0.5, 1.25)) == "0.5 to 1.25"


def _run(base: Path, after: Path, output_format: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    result = CliRunner().invoke(
        main, ["--root", str(after), "diff", str(base), "--format", output_format]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_markdown_lists_each_metric_with_its_counts(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, after = folders
    text = _run(base, after, "markdown", monkeypatch)
    section = text.split("## Standing metrics' healthy ranges\n\n")[1]
    title = "Lead &lt;b&gt;time&lt;/b&gt; @team"  # escaped as every title of the report
    assert section == (
        "Each range tried on the metric's readings from 2026-05-28 to 2026-11-27 (one a date): "
        "how many it calls breached.\n\n"
        f"- payments / lead-time ({title}): healthy range ≤ 72 -> ≤ 48: of the last 6 months' "
        "6 readings, 1 breached before, 3 would be now\n"
        "- payments / pages (Pages a week): added, healthy range ≤ 5: of the last 6 months' "
        "2 readings, 1 would be breached\n"
        "- payments / deploys (Deploys a week): removed, healthy range ≥ 20: of the last 6 "
        "months' 2 readings, 1 breached\n"
    )
    assert "<b>" not in text


def test_json_carries_the_same(folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    base, after = folders
    data = json.loads(_run(base, after, "json", monkeypatch))
    assert data["metrics"][0] == {
        "path": "payments/lead-time",
        "change": "changed",
        "title": "Lead <b>time</b> @team",
        "before": {"min": None, "max": 72},
        "after": {"min": None, "max": 48},
        "window": {"from": "2026-05-28", "to": "2026-11-27"},
        "readings": 6,
        "breached_before": 1,
        "breached_after": 3,
    }
    assert [(m["path"], m["breached_before"], m["breached_after"]) for m in data["metrics"]] == [
        ("payments/lead-time", 1, 3),
        ("payments/pages", None, 1),
        ("payments/deploys", 1, None),
    ]


def test_nothing_is_said_when_no_range_changed(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {**MINIMAL, METRICS_YAML: BASE_YAML, METRICS_CSV: BASE_CSV}
    base = write_repo(files)
    # New readings, the same ranges: no metric is listed, and the JSON has no "metrics".
    after = write_repo(
        {**files, METRICS_CSV: BASE_CSV + "2026-11-20,lead-time,99,\n"}, base.parent / "after"
    )
    assert "Standing metrics" not in _run(base, after, "markdown", monkeypatch)
    assert "metrics" not in json.loads(_run(base, after, "json", monkeypatch))
