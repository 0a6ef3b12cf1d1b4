"""`okrsite check` through the CLI: exit codes, each format, the summary, --strict."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrsite.cli import main
from tests.conftest import MINIMAL, PAYMENTS_CSV, WriteRepo

NOV_10 = "1794268800"  # SOURCE_DATE_EPOCH of 2026-11-10: no KR of MINIMAL is stale yet


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
        "okrs/2026-Q4: OKR206 quarter 2026-Q4 has no objective in technical-health, "
        "team-health; balance delivery with technical health and team health\n"
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
    assert lines[1].startswith("okrs/2026-Q4: OKR206 ")
    assert result.stderr == "1 error, 1 warning in 3 files\n"


def test_github_format(write_repo: WriteRepo) -> None:
    result = run(repo(write_repo, BROKEN), "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=okrs/2026-Q4/payments.csv,line=5,col=1,title=OKR035::"
        "date '27/11/2026' is not YYYY-MM-DD; write 2026-11-27"
    )
    assert result.stdout.splitlines()[1].startswith("::warning file=okrs/2026-Q4,title=OKR206::")


def test_json_format(write_repo: WriteRepo) -> None:
    result = run(repo(write_repo, BROKEN), "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [(r["path"], r["line"], r["col"], r["code"], r["severity"]) for r in records] == [
        ("okrs/2026-Q4/payments.csv", 5, 1, "OKR035", "error"),
        ("okrs/2026-Q4", None, None, "OKR206", "warning"),
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
