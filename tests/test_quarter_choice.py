"""The current quarter (contract section 4), chosen by today, wherever it is used.

"The open quarter whose dates hold today; else the latest quarter that has started; else the
earliest." A quarter scaffolded ahead of time must not take over the site's front page, the
versions' `latest` alias or the export's default before it starts.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.model.okrs import Quarter, QuarterStatus, calendar_quarter
from okrsite.pipeline import build_site
from okrsite.score.history import score_all
from tests.conftest import MINIMAL, PAYMENTS_YAML, WriteRepo
from tests.test_score import milestone, objective, on, quarter, repository

PROJECT = Path(__file__).resolve().parent.parent
NOVEMBER = date(2026, 11, 27)
NOV_27 = "1795737600"  # SOURCE_DATE_EPOCH of 2026-11-27 00:00 UTC
JAN_15 = "1799971200"  # SOURCE_DATE_EPOCH of 2027-01-15 00:00 UTC

NEXT_QUARTER = {  # what `okrsite new quarter 2027-Q1` writes ahead of time
    "okrs/2027-Q1/quarter.yaml": "start: 2027-01-01\nend: 2027-03-31\nstatus: open\n",
    "okrs/2027-Q1/payments.yaml": PAYMENTS_YAML,
}


def calendar(quarter_id: str, status: QuarterStatus = "open") -> Quarter:
    """An empty quarter with its calendar dates."""
    start, end = calendar_quarter(quarter_id)
    return quarter({}, id=quarter_id, start=start, end=end, status=status)


def current_id(today: date, *quarters: Quarter) -> str | None:
    found = repository(*quarters).current_quarter(today)
    return found.id if found else None


# --- the rule ------------------------------------------------------------------------------


def test_a_quarter_scaffolded_ahead_does_not_take_over_until_it_starts() -> None:
    q4, q1 = calendar("2026-Q4"), calendar("2027-Q1")
    assert current_id(NOVEMBER, q4, q1) == "2026-Q4"
    assert current_id(date(2026, 12, 31), q4, q1) == "2026-Q4"  # Q4's last day
    assert current_id(date(2027, 1, 1), q4, q1) == "2027-Q1"  # Q1's first day
    assert current_id(date(2027, 1, 15), q4, q1) == "2027-Q1"


def test_only_future_quarters_give_the_earliest() -> None:
    assert current_id(NOVEMBER, calendar("2027-Q1"), calendar("2027-Q2")) == "2027-Q1"
    closed = calendar("2027-Q1", "closed"), calendar("2027-Q2", "closed")
    assert current_id(NOVEMBER, *closed) == "2027-Q1"


def test_no_open_quarter_holding_today_gives_the_latest_started() -> None:
    # 2026-Q2 was left open, 2026-Q3 was closed after it: neither holds 2026-11-27, and
    # 2026-Q3 started later. The scaffolded 2027-Q1 has not started.
    q2, q3 = calendar("2026-Q2"), calendar("2026-Q3", "closed")
    assert current_id(NOVEMBER, q2, q3, calendar("2027-Q1")) == "2026-Q3"
    # A closed quarter holding today is not "open", but it is still the latest started.
    assert current_id(NOVEMBER, q3, calendar("2026-Q4", "closed")) == "2026-Q4"


def test_no_quarter_gives_none() -> None:
    assert repository().current_quarter(NOVEMBER) is None


def test_as_of_goes_to_the_current_quarter_by_today() -> None:
    q4 = quarter({"payments": (objective(milestone(on("2026-10-15", 20), on("2026-11-15", 50))),)})
    q1 = calendar("2027-Q1")
    first, second = score_all(repository(q4, q1), date(2026, 11, 1), NOVEMBER)
    assert first.as_of == date(2026, 11, 1)  # the as-of went to 2026-Q4, the current quarter
    assert second.as_of == date(2027, 1, 1)  # 2027-Q1 at today clamped into it: its start


# --- the export's default --------------------------------------------------------------------


def export(root: Path, epoch: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        main, ["--root", str(root), "export", *args], env={"SOURCE_DATE_EPOCH": epoch}
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_export_defaults_to_the_quarter_holding_today(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, **NEXT_QUARTER})
    november = export(root, NOV_27)
    assert (november["quarter"], november["as_of"]) == ("2026-Q4", "2026-11-27")
    assert november["score"] is not None  # Q4's real figures, not an empty 2027-Q1
    january = export(root, JAN_15)
    assert (january["quarter"], january["as_of"]) == ("2027-Q1", "2027-01-15")
    # --as-of moves the scoring date, not the choice of quarter: today still picks 2026-Q4.
    assert export(root, NOV_27, "--as-of", "2027-02-01")["quarter"] == "2026-Q4"


# --- the site: latest/, versions.json, index.html, the archive banner ------------------------


@pytest.fixture(scope="module")
def november_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2026-Q3 closed, 2026-Q4 open, 2027-Q1 scaffolded, built on 2026-11-27."""
    root = tmp_path_factory.mktemp("choice")
    files = {
        **MINIMAL,
        **NEXT_QUARTER,
        "okrs/2026-Q3/quarter.yaml": "status: closed\n",
        "okrs/2026-Q3/payments.yaml": PAYMENTS_YAML,
        "mkdocs.yml": "site_name: x\n",
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    build_site(root, root / "site", today=NOVEMBER, workers=1)
    return root / "site"


def test_the_site_points_at_the_quarter_holding_today(november_site: Path) -> None:
    versions = json.loads((november_site / "versions.json").read_text(encoding="utf-8"))
    aliases = {v["version"]: v["aliases"] for v in versions}
    assert aliases == {"2027-Q1": [], "2026-Q4": ["latest"], "2026-Q3": []}
    index = (november_site / "index.html").read_text(encoding="utf-8")
    assert "Go to the current quarter, 2026 Q4" in index
    latest = json.loads((november_site / "latest/scores.json").read_text(encoding="utf-8"))
    assert latest["quarter"] == "2026-Q4"
    # The closed quarter's archive banner names the current quarter too.
    archived = (november_site / "2026-Q3/index.html").read_text(encoding="utf-8")
    assert "Go to the current quarter (2026 Q4)" in archived
