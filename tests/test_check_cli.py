"""`okrsite check` through the CLI: exit codes, each format, the summary, --strict."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrsite.cli import main
from tests.conftest import MINIMAL, PAYMENTS_CSV, PAYMENTS_YAML, WriteRepo

NOV_10 = "1794268800"  # SOURCE_DATE_EPOCH of 2026-11-10: no KR of MINIMAL is stale yet
# ... and its check-in of 2026-11-15 comes after today: MINIMAL's one warning on that day.
FUTURE_ROW = "okrs/2026-Q4/payments.csv:3:1: OKR212 "


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--root", str(root), *args],
                              env={"SOURCE_DATE_EPOCH": NOV_10})  # fmt: skip


def repo(write_repo: WriteRepo, changes: Mapping[str, str] | None = None) -> Path:
    return write_repo({**MINIMAL, **(changes or {})})


BROKEN = {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV + "27/11/2026,delivery/lead-time,7,,,\n"}


def test_warnings_only_exit_zero_and_print_a_summary(write_repo: WriteRepo) -> None:
    result = run(repo(write_repo))
    assert result.exit_code == 0
    assert result.stdout == (
        f"{FUTURE_ROW}check-in of 'payments/delivery/lead-time' is dated 2026-11-15, after today "
        "(2026-11-10); a check-in records a value already measured: correct the date\n"
    )
    assert result.stderr == "0 errors, 1 warning in 3 files\n"


def test_strict_fails_on_warnings(write_repo: WriteRepo) -> None:
    assert run(repo(write_repo), "--strict").exit_code == 1


def test_an_error_exits_one_and_comes_first(write_repo: WriteRepo) -> None:
    result = run(repo(write_repo, BROKEN))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "okrs/2026-Q4/payments.csv:5:1: OKR035 date '27/11/2026' is not YYYY-MM-DD; "
        "write 2026-11-27"
    )
    assert lines[1].startswith(FUTURE_ROW)
    assert result.stderr == "1 error, 1 warning in 3 files\n"


def test_github_format(write_repo: WriteRepo) -> None:
    result = run(repo(write_repo, BROKEN), "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=okrs/2026-Q4/payments.csv,line=5,col=1,title=OKR035::"
        "date '27/11/2026' is not YYYY-MM-DD; write 2026-11-27"
    )
    assert result.stdout.splitlines()[1].startswith(
        "::warning file=okrs/2026-Q4/payments.csv,line=3,col=1,title=OKR212::"
    )


def test_json_format(write_repo: WriteRepo) -> None:
    result = run(repo(write_repo, BROKEN), "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [(r["path"], r["line"], r["col"], r["code"], r["severity"]) for r in records] == [
        ("okrs/2026-Q4/payments.csv", 5, 1, "OKR035", "error"),
        ("okrs/2026-Q4/payments.csv", 3, 1, "OKR212", "warning"),
    ]


@pytest.mark.parametrize("position", ["before", "after"])
def test_root_works_before_and_after_the_command(write_repo: WriteRepo, position: str) -> None:
    root = str(repo(write_repo))
    args = ["--root", root, "check"] if position == "before" else ["check", "--root", root]
    assert CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": NOV_10}).exit_code == 0


def test_a_folder_without_okrs_is_one_located_error(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.exit_code == 1
    assert result.stdout.startswith("okrs/org.yaml: OKR020 is missing")
    assert result.stderr == "1 error, 0 warnings in 0 files\n"


def test_output_is_byte_identical_across_runs(write_repo: WriteRepo) -> None:
    root = repo(write_repo, BROKEN)
    assert run(root).stdout == run(root).stdout


ODD_ROOTS: dict[str, tuple[dict[str, str], str]] = {
    "a quarter folder of year 0": (
        {"okrs/0000-Q1/payments.yaml": "objectives: []\n"},
        "okrs/0000-Q1: OKR021 folder '0000-Q1' names a year okrsite cannot date",
    ),
    "a quarter whose grace period runs past year 9999": (
        {"okrs/9999-Q4/payments.yaml": "objectives: []\n"},
        "okrs/9999-Q4: OKR021 folder '9999-Q4' names a year okrsite cannot date",
    ),
    "a quarter.yaml ending on the calendar's last day": (
        {"okrs/2026-Q4/quarter.yaml": "end: 9999-12-31\n"},
        "okrs/2026-Q4/quarter.yaml:1:6: OKR015 quarter 2026-Q4: end 9999-12-31 is too late",
    ),
    "a check-in value too large to project": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace(",8,0.7,", ",1e308,0.7,")},
        "okrs/2026-Q4/payments.csv:3:31: OKR036 value '1e308' is too large",
    ),
    "a baseline too large to project": (
        {"okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.replace("baseline: 12", "baseline: 1e300")},
        "okrs/2026-Q4/payments.yaml:11:19: OKR012 key result 'payments/delivery/lead-time': "
        "baseline 1e+300 is too large",
    ),
    "a day February does not have": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace("2026-11-15", "2026-02-30")},
        "okrs/2026-Q4/payments.csv:3:1: OKR035 date '2026-02-30' is not YYYY-MM-DD; there is "
        "no day 30 in February 2026",
    ),
    "a digit that is not ASCII": (
        {"okrs/2026-Q4/payments.csv": PAYMENTS_CSV.replace(",8,0.7,", ",\u0668,0.7,")},
        "okrs/2026-Q4/payments.csv:3:31: OKR036 value '\u0668' is not a number",
    ),
}


@pytest.mark.parametrize("case", sorted(ODD_ROOTS))
@pytest.mark.parametrize("debug", [(), ("--debug",)])
def test_odd_data_gives_a_located_error_never_a_traceback(
    write_repo: WriteRepo, case: str, debug: tuple[str, ...]
) -> None:
    changes, expected = ODD_ROOTS[case]
    root = repo(write_repo, changes)
    checked = run(root, *debug)
    assert checked.exit_code == 1, checked.output
    assert expected in checked.stdout
    exported = CliRunner().invoke(main, ["export", "--root", str(root)])
    assert exported.exit_code == 2 if not debug else exported.exit_code != 0
    if not debug:
        assert expected in exported.stderr
        assert exported.stderr.startswith("okrsite: error: ")


def test_yaml_numbers_in_exponent_form_are_numbers(write_repo: WriteRepo) -> None:
    yaml = PAYMENTS_YAML.replace("baseline: 12", "baseline: 1.2e1").replace(
        "target: 5", "target: 5e0"
    )
    root = repo(write_repo, {"okrs/2026-Q4/payments.yaml": yaml})
    exported = CliRunner().invoke(main, ["export", "--root", str(root), "--as-of", "2026-11-20"])
    assert exported.exit_code == 0, exported.output
    lead_time = json.loads(exported.stdout)["units"][2]["objectives"][0]["key_results"][0]
    assert lead_time["score"] == (8 - 12) / (5 - 12)


def test_a_folder_named_like_a_unit_file_is_reported_as_a_folder(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    (root / "okrs/2026-Q4/platform.yaml").mkdir()
    result = run(root)
    assert result.exit_code == 1
    assert "okrs/2026-Q4/platform.yaml: OKR023 'platform.yaml' is a folder;" in result.stdout


def test_export_error_escapes_a_file_name_with_a_terminal_escape(write_repo: WriteRepo) -> None:
    root = repo(write_repo, {"okrs/2026-Q4/pay\x1b[31mx.yaml": "objectives: []\n"})
    result = CliRunner().invoke(main, ["export", "--root", str(root)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert "okrs/2026-Q4/pay\\x1b[31mx.yaml: OKR022" in result.stderr
