"""Check-in CSV reading: RFC 4180, any column order, and a hint for each common slip."""

from __future__ import annotations

from datetime import date

import pytest

from okrsite.load.checkins import read_checkins
from okrsite.load.repository import load
from okrsite.model.problems import Problem
from tests.conftest import MINIMAL, WriteRepo

CSV = "okrs/2026-Q4/payments.csv"
KNOWN = frozenset({"delivery/lead-time", "delivery/change-failure-rate"})
START, END = date(2026, 10, 1), date(2026, 12, 31)


def read(text: str) -> tuple[list[tuple[int, int, str, float]], list[Problem]]:
    """(row, line, kr, value) of each check-in, and the problems, for a CSV text."""
    checkins, problems = read_checkins(text, CSV, START, END, KNOWN)
    return [(c.row, c.location.line, c.kr, c.value) for c in checkins], problems


def located(problems: list[Problem]) -> list[str]:
    return [f"{p.location} {p.code}" for p in problems]


def test_quoting_crlf_bom_and_column_order() -> None:
    text = (
        "\ufeffnote,value,kr,date\r\n"
        '"Slow, then ""fast""\nacross two lines",10,delivery/lead-time,2026-10-15\r\n'
        "\r\n"
        ",8.5,delivery/lead-time,2026-11-15\r\n"
    )
    checkins, problems = read(text.removeprefix("\ufeff"))
    assert problems == []
    # The first record spans lines 2-3; the blank line 4 is skipped and not counted as a row.
    assert checkins == [(1, 2, "delivery/lead-time", 10.0), (2, 5, "delivery/lead-time", 8.5)]


def test_note_keeps_quotes_commas_and_newlines(write_repo: WriteRepo) -> None:
    csv = 'date,kr,value,note\n2026-10-15,delivery/lead-time,10,"a, ""b""\nc"\n'
    root = write_repo({**MINIMAL, CSV: csv})
    kr = load(root).repository.quarters[0].plans[0].objectives[0].key_results[0]
    assert [c.note for c in kr.checkins] == ['a, "b"\nc']


@pytest.mark.parametrize(
    ("text", "expected", "hint"),
    [
        ("date;kr;value\n2026-10-15;delivery/lead-time;10\n", f"{CSV}:1:1 OKR031",
         "semicolon-separated export"),
        ("date\tkr\tvalue\n", f"{CSV}:1:1 OKR031", "tab-separated"),
        ("date,kr\n2026-10-15,delivery/lead-time\n", f"{CSV}:1:1 OKR032", "'value'"),
        ("date,kr,value,confidance\n", f"{CSV}:1:15 OKR033", "did you mean 'confidence'?"),
        ("date,kr,value,value\n", f"{CSV}:1:15 OKR034", "given twice"),
        ("date,kr,value\n27/11/2026,delivery/lead-time,10\n", f"{CSV}:2:1 OKR035",
         "write 2026-11-27"),
        ("date,kr,value\n11/27/2026,delivery/lead-time,10\n", f"{CSV}:2:1 OKR035",
         "write 2026-11-27"),
        ("date,kr,value\n2026-11-5,delivery/lead-time,10\n", f"{CSV}:2:1 OKR035",
         "write 2026-11-05"),
        ("date,kr,value\n03/04/2026,delivery/lead-time,10\n", f"{CSV}:2:1 OKR035",
         "could be 2026-04-03 or 2026-03-04"),
        ('date,kr,value\n2026-11-15,delivery/lead-time,"12,5"\n', f"{CSV}:2:31 OKR036",
         "write 12.5"),
        ("date,kr,value\n2026-11-15,delivery/lead-time,12,5\n", f"{CSV}:2:1 OKR037",
         "write 12.5"),
        ("date,kr,value\n2026-11-15,delivery/lead-time,twelve\n", f"{CSV}:2:31 OKR036",
         "not a number"),
        ("date,kr,value\n2026-11-15,delivery/lead-time,45%\n", f"{CSV}:2:31 OKR036",
         "without the % sign"),
        ('date,kr,value\n2026-11-15,delivery/lead-time,"1"0"\n', f"{CSV}:2:1 OKR037",
         "quote a cell"),
        ("date,kr,value\n2026-11-15,,10\n", f"{CSV}:2:12 OKR038", "kr is empty"),
        ("date,kr,value,confidence\n2026-11-15,delivery/lead-time,10,70%\n", f"{CSV}:2:34 OKR039",
         "write 0.7"),
        ("date,kr,value\n2026-09-30,delivery/lead-time,10\n", f"{CSV}:2:1 OKR040",
         "2026-10-01 to 2027-01-31"),
        ("date,kr,value\n2027-02-01,delivery/lead-time,10\n", f"{CSV}:2:1 OKR040",
         "outside the quarter"),
        ("date,kr,value\n2026-11-15,delivery/lead-tme,10\n", f"{CSV}:2:12 OKR041",
         "did you mean 'delivery/lead-time'?"),
        ("date,kr,value\n2026-11-15,lead-time,10\n", f"{CSV}:2:12 OKR041", "OBJECTIVE/KR"),
        ("\n\n", f"{CSV}:1:1 OKR042", "no header row"),
    ],
    ids=["semicolon", "tab", "missing-column", "unknown-column", "duplicate-column",
         "day-first-date", "month-first-date", "unpadded-date", "ambiguous-date",
         "decimal-comma-quoted", "decimal-comma-split", "not-a-number", "percent",
         "stray-quote", "empty-kr", "confidence-percent", "before-start", "after-grace",
         "unknown-kr", "kr-without-objective", "no-header"],
)  # fmt: skip
def test_each_csv_slip_has_its_code_location_and_hint(text: str, expected: str, hint: str) -> None:
    _checkins, problems = read(text)
    assert located(problems) == [expected]
    assert hint in problems[0].message


def test_last_grace_day_and_first_day_are_accepted() -> None:
    text = "date,kr,value\n2026-10-01,delivery/lead-time,1\n2027-01-31,delivery/lead-time,2\n"
    assert read(text) == (
        [(1, 2, "delivery/lead-time", 1.0), (2, 3, "delivery/lead-time", 2.0)],
        [],
    )


def test_bad_rows_are_left_out_and_good_rows_kept() -> None:
    text = (
        "date,kr,value,confidence\n"
        "2026-10-15,delivery/lead-time,10,1.5\n"
        "2026-11-15,delivery/lead-time,8,0.7\n"
    )
    checkins, problems = read(text)
    assert checkins == [(2, 3, "delivery/lead-time", 8.0)]
    assert located(problems) == [f"{CSV}:2:34 OKR039"]


def test_csv_without_yaml_is_an_error(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/platform.csv": "date,kr,value\n"})
    assert [f"{p.location} {p.code}" for p in load(root).problems] == [
        "okrs/2026-Q4/platform.csv OKR030"
    ]


def test_kr_column_is_not_checked_when_the_yaml_cannot_be_read(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": "objectives: [\n"})
    assert [p.code for p in load(root).problems] == ["OKR003"]
