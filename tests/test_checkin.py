"""`okrsite checkin`: one validated row appended; existing bytes never change."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrsite import pipeline
from okrsite.cli import main
from okrsite.edit.checkin import CheckInRequest, append_checkin
from okrsite.model.errors import OkrsiteError
from okrsite.model.numbers import csv_number, parse_number
from tests.conftest import MINIMAL, PAYMENTS_CSV, WriteRepo

CSV_PATH = "okrs/2026-Q4/payments.csv"


BASE = CheckInRequest(unit_id="payments", kr="delivery/lead-time", value="7", on=date(2026, 11, 20))
TODAY = date(2026, 11, 27)


def _request(**changes: Any) -> CheckInRequest:
    return replace(BASE, **changes)


@pytest.fixture
def repo(write_repo: WriteRepo) -> Path:
    return write_repo(MINIMAL)


def test_appends_one_row_and_keeps_existing_bytes(repo: Path) -> None:
    before = (repo / CSV_PATH).read_bytes()
    done = append_checkin(
        repo, _request(confidence="0.75", note="Reviews, faster", blockers=""), TODAY
    )
    after = (repo / CSV_PATH).read_bytes()
    assert after[: len(before)] == before
    assert after[len(before) :] == b'2026-11-20,delivery/lead-time,7,0.75,"Reviews, faster",\n'
    assert done.row == '2026-11-20,delivery/lead-time,7,0.75,"Reviews, faster",'
    assert not done.created and done.quarter_id == "2026-Q4"
    assert done.replaces == ()  # no other lead-time row on 2026-11-20
    assert [
        p for p in pipeline.check(repo, date(2026, 11, 27)).problems if p.severity == "error"
    ] == []


def test_quotes_and_newlines_in_notes_read_back_unchanged(repo: Path) -> None:
    note = 'He said "ship it",\nthen left'
    append_checkin(repo, _request(note=note, blockers="a,b"), TODAY)
    rows = list(csv.DictReader(io.StringIO((repo / CSV_PATH).read_text())))
    assert rows[-1]["note"] == note and rows[-1]["blockers"] == "a,b"


def test_keeps_header_order_crlf_and_adds_a_missing_final_newline(write_repo: WriteRepo) -> None:
    existing = b"kr,value,date\r\ndelivery/lead-time,10,2026-10-15"
    root = write_repo({**MINIMAL, CSV_PATH: existing})
    append_checkin(root, _request(value="8.5"), TODAY)
    assert (root / CSV_PATH).read_bytes() == existing + b"\r\ndelivery/lead-time,8.5,2026-11-20\r\n"


def test_refuses_a_value_for_a_column_the_header_lacks(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, CSV_PATH: "date,kr,value\n"})
    with pytest.raises(OkrsiteError, match=r"payments\.csv has no confidence column"):
        append_checkin(root, _request(confidence="0.5"), TODAY)


def test_creates_the_file_with_the_standard_header(write_repo: WriteRepo) -> None:
    files = {k: v for k, v in MINIMAL.items() if k != CSV_PATH}
    root = write_repo(files)
    last_of_grace = date(2027, 1, 31)
    done = append_checkin(root, _request(on=last_of_grace), last_of_grace)
    assert done.created
    assert (root / CSV_PATH).read_text() == (
        "date,kr,value,confidence,note,blockers\n2027-01-31,delivery/lead-time,7,,,\n"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"unit_id": "billing"},
            r"^unknown unit 'billing'; the units are: eng, platform, payments$",
        ),
        (
            {"kr": "delivery/cycle-time"},
            r"^unknown key result 'delivery/cycle-time' for unit payments in 2026-Q4; write it as "
            r"OBJECTIVE/KR, one of: delivery/lead-time, delivery/change-failure-rate$",
        ),
        (
            {"value": "fast"},
            r"^value 'fast' is not a number; write digits with a dot for decimals, e\.g\. 12\.5$",
        ),
        ({"value": "4,5"}, r"^value '4,5' is not a number; write 4\.5 \(a dot, not a comma,"),
        ({"value": "nan"}, r"^value 'nan' is not a number"),
        (
            {"on": date(2026, 9, 30)},
            r"^no quarter contains 2026-09-30; give --quarter, or --date within a quarter$",
        ),
        (
            {"on": date(2026, 9, 30), "quarter_id": "2026-Q4"},
            r"^2026-09-30 is outside quarter 2026-Q4: a check-in is dated from 2026-10-01 to "
            r"2027-01-31 \(31 days after its end\)$",
        ),
        ({"quarter_id": "2027-Q1"}, r"^there is no quarter '2027-Q1'"),
        (
            {"on": date(2026, 11, 28)},
            r"^--date 2026-11-28 is after today, 2026-11-27: a check-in records a value already "
            r"measured; date it 2026-11-27 or earlier$",
        ),
        ({"confidence": "1.5"}, r"^confidence '1\.5' must be a number from 0 to 1, e\.g\. 0\.7$"),
        ({"confidence": "nan"}, r"^confidence 'nan' must be a number from 0 to 1"),
        ({"confidence": "70%"}, r"^confidence '70%' must be .* \(write 0\.7 for 70%\)$"),
    ],
)
def test_refusals(repo: Path, changes: dict[str, object], message: str) -> None:
    with pytest.raises(OkrsiteError, match=message):
        append_checkin(repo, _request(**changes), TODAY)
    assert (repo / CSV_PATH).read_text() == PAYMENTS_CSV


def test_refuses_a_closed_quarter(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": "status: closed\n"})
    with pytest.raises(OkrsiteError, match=r"^quarter 2026-Q4 is closed; reopen it with"):
        append_checkin(root, _request(), TODAY)


def test_number_round_trip() -> None:
    assert parse_number("12") == 12.0
    assert csv_number(12.0) == "12"
    assert csv_number(0.1 + 0.2) == "0.30000000000000004"
    assert csv_number(parse_number("-3.25")) == "-3.25"
    assert csv_number(1e15) == "1000000000000000"
    assert parse_number(csv_number(1e-7)) == 1e-7


def test_command_appends_and_reports(repo: Path) -> None:
    runner = CliRunner()
    args = ["checkin", "payments", "delivery/lead-time", "6", "--date", "2026-11-20"]
    result = runner.invoke(main, [*args, "--confidence", "0.5", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "appended to okrs/2026-Q4/payments.csv: 2026-11-20,delivery/lead-time,6,0.5,,\n"
    )
    bad = runner.invoke(main, [*args[:4], "--date", "20/11/2026", "--root", str(repo)])
    assert bad.exit_code == 2
    assert "okrsite: error: --date '20/11/2026' is not a date; write it as YYYY-MM-DD" in bad.output


def test_command_defaults_to_today(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18
    result = CliRunner().invoke(
        main, ["--root", str(repo), "checkin", "payments", "delivery/lead-time", "6"]
    )
    assert result.exit_code == 0, result.output
    assert (repo / CSV_PATH).read_text().endswith("\n2026-11-18,delivery/lead-time,6,,,\n")


def test_command_takes_a_negative_value_and_still_refuses_unknown_options(repo: Path) -> None:
    args = ["--root", str(repo), "checkin", "payments", "delivery/lead-time", "-2.5"]
    result = CliRunner().invoke(main, [*args, "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert (repo / CSV_PATH).read_text().endswith("\n2026-11-20,delivery/lead-time,-2.5,,,\n")
    typo = CliRunner().invoke(main, [*args, "--notes", "x"])
    assert typo.exit_code == 2
    assert "Got unexpected extra arguments (--notes x)" in typo.stderr


def test_a_missing_org_file_is_reported_before_the_unit(tmp_path: Path) -> None:
    (tmp_path / "okrs").mkdir()
    with pytest.raises(OkrsiteError, match=r"^okrs/org\.yaml: OKR020 is missing"):
        append_checkin(tmp_path, _request(), TODAY)


def test_a_row_of_the_same_date_and_kr_names_the_rows_it_replaces(repo: Path) -> None:
    # Line 3 is lead-time on 2026-11-15; each new row of that date outranks all before it.
    first = append_checkin(repo, _request(on=date(2026, 11, 15), value="7.5"), TODAY)
    assert first.replaces == (3,)
    second = append_checkin(repo, _request(on=date(2026, 11, 15), value="7"), TODAY)
    assert second.replaces == (3, 5)
    assert (repo / CSV_PATH).read_text() == PAYMENTS_CSV + (
        "2026-11-15,delivery/lead-time,7.5,,,\n2026-11-15,delivery/lead-time,7,,,\n"
    )


NOV_27 = "1795737600"  # SOURCE_DATE_EPOCH of 2026-11-27 00:00 UTC


def test_command_refuses_a_date_after_today(repo: Path) -> None:
    args = ["--root", str(repo), "checkin", "payments", "delivery/lead-time", "6", "--date"]
    runner = CliRunner()
    future = runner.invoke(main, [*args, "2026-11-28"], env={"SOURCE_DATE_EPOCH": NOV_27})
    assert future.exit_code == 2
    assert future.stderr == (
        "okrsite: error: --date 2026-11-28 is after today, 2026-11-27: a check-in records a "
        "value already measured; date it 2026-11-27 or earlier\n"
    )
    assert (repo / CSV_PATH).read_text() == PAYMENTS_CSV
    # Today itself is fine.
    done = runner.invoke(main, [*args, "2026-11-27"], env={"SOURCE_DATE_EPOCH": NOV_27})
    assert done.exit_code == 0, done.output


def test_command_says_when_the_row_replaces_one_of_the_same_date(repo: Path) -> None:
    args = ["--root", str(repo), "checkin", "payments", "delivery/lead-time", "7.5"]
    result = CliRunner().invoke(
        main, [*args, "--date", "2026-11-15"], env={"SOURCE_DATE_EPOCH": NOV_27}
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "appended to okrs/2026-Q4/payments.csv: 2026-11-15,delivery/lead-time,7.5,,,\n"
        "replaces the row of 2026-11-15 for delivery/lead-time (line 3): on one date the later "
        "row wins\n"
    )
    # Appended all the same: history is never rewritten.
    assert (repo / CSV_PATH).read_text() == PAYMENTS_CSV + "2026-11-15,delivery/lead-time,7.5,,,\n"
    # Another KR on that date, or the same KR on another date, replaces nothing.
    other = CliRunner().invoke(
        main,
        ["--root", str(repo), "checkin", "payments", "delivery/change-failure-rate", "4",
         "--date", "2026-11-15"],
        env={"SOURCE_DATE_EPOCH": NOV_27},
    )  # fmt: skip
    assert other.output == (
        "appended to okrs/2026-Q4/payments.csv: 2026-11-15,delivery/change-failure-rate,4,,,\n"
    )


def test_command_missing_an_argument_names_both_shapes(repo: Path) -> None:
    """A KR's check-in still takes UNIT OBJECTIVE/KR VALUE; one missing says so, and names the
    standing metric's shape beside it."""
    result = CliRunner().invoke(main, ["--root", str(repo), "checkin", "payments", "6"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Missing argument 'VALUE'; or give a standing metric's reading as "
        "`okrsite checkin --metric UNIT/METRIC VALUE`."
    )
    assert (repo / CSV_PATH).read_text() == PAYMENTS_CSV
