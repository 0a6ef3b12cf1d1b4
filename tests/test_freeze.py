"""Closing and reopening a quarter, its digest, and the check that holds a closed quarter still."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite import pipeline
from okrsite.cli import main
from okrsite.edit.lifecycle import close_quarter, edit_quarter_yaml, reopen_quarter
from okrsite.load.digest import quarter_digest
from okrsite.model.errors import DataError, OkrsiteError
from tests.conftest import MINIMAL, WriteRepo

TODAY = date(2026, 11, 27)
NOV_27 = "1795737600"  # SOURCE_DATE_EPOCH of 2026-11-27 00:00 UTC
JAN_3_2027 = "1798934400"  # SOURCE_DATE_EPOCH of 2027-01-03 00:00 UTC, after 2026-Q4's end
START, END = date(2026, 10, 1), date(2026, 12, 31)
QUARTER_YAML = """\
# The last quarter of 2026.
start: 2026-10-01
end: 2026-12-31    # calendar end
status: open       # open | closed
"""


def _errors(root: Path) -> list[str]:
    return [str(p) for p in pipeline.check(root, TODAY).problems if p.severity == "error"]


@pytest.fixture
def repo(write_repo: WriteRepo) -> Path:
    return write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": QUARTER_YAML})


def test_digest_covers_names_bytes_and_dates_but_not_quarter_yaml(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"x")
    (tmp_path / "b.yaml").write_bytes(b"y")
    first = quarter_digest(tmp_path, START, END)
    assert first.startswith("sha256:") and len(first) == len("sha256:") + 64
    (tmp_path / "quarter.yaml").write_text("status: closed\n")
    assert quarter_digest(tmp_path, START, END) == first
    assert quarter_digest(tmp_path, START, date(2026, 12, 30)) != first
    (tmp_path / "b.yaml").write_bytes(b"y ")
    assert quarter_digest(tmp_path, START, END) != first
    (tmp_path / "b.yaml").write_bytes(b"y")
    (tmp_path / "b.yaml").rename(tmp_path / "c.yaml")
    assert quarter_digest(tmp_path, START, END) != first


def test_digest_ignores_hidden_files_and_crlf_line_endings(tmp_path: Path) -> None:
    # What a Mac (.DS_Store), an editor (swap files) or git's core.autocrlf adds to a checkout
    # must not break a quarter frozen on another machine.
    (tmp_path / "a.csv").write_bytes(b"date,kr,value\n2026-10-01,o/k,1\n")
    first = quarter_digest(tmp_path, START, END)
    (tmp_path / ".DS_Store").write_bytes(b"\0\1")
    (tmp_path / ".a.csv.swp").write_bytes(b"swap")
    (tmp_path / "a.csv").write_bytes(b"date,kr,value\r\n2026-10-01,o/k,1\r\n")
    assert quarter_digest(tmp_path, START, END) == first
    (tmp_path / "a.csv").write_bytes(b"date,kr,value\r\n2026-10-01,o/k,2\r\n")
    assert quarter_digest(tmp_path, START, END) != first


def test_moving_bytes_between_files_changes_the_digest(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"xy")
    (tmp_path / "b.csv").write_bytes(b"")
    before = quarter_digest(tmp_path, START, END)
    (tmp_path / "a.csv").write_bytes(b"x")
    (tmp_path / "b.csv").write_bytes(b"y")
    assert quarter_digest(tmp_path, START, END) != before


def test_close_writes_status_and_digest_and_keeps_comments(repo: Path) -> None:
    change = close_quarter(repo, "2026-Q4", END)
    digest = quarter_digest(repo / "okrs/2026-Q4", START, END)
    assert change.digest == digest and not change.created
    assert (repo / "okrs/2026-Q4/quarter.yaml").read_text() == (
        "# The last quarter of 2026.\n"
        "start: 2026-10-01\n"
        "end: 2026-12-31    # calendar end\n"
        "status: closed       # open | closed\n"
        f"digest: {digest}\n"
    )
    assert _errors(repo) == []


def test_a_changed_closed_quarter_fails_the_check_until_reopened(repo: Path) -> None:
    close_quarter(repo, "2026-Q4", END)
    with (repo / "okrs/2026-Q4/payments.csv").open("a") as stream:
        stream.write("2026-12-01,delivery/lead-time,6,,,\n")
    assert _errors(repo) == [
        "okrs/2026-Q4/quarter.yaml:5:1: OKR301 closed quarter 2026-Q4 has changed since it was "
        "closed: its files no longer match this digest; undo the change (e.g. `git checkout -- "
        "okrs/2026-Q4/`), or run `okrsite reopen 2026-Q4`, edit, and `okrsite close 2026-Q4` "
        "again"
    ]
    change = reopen_quarter(repo, "2026-Q4")
    assert change.status == "open" and change.digest is not None
    text = (repo / "okrs/2026-Q4/quarter.yaml").read_text()
    assert "digest" not in text and "status: open       # open | closed\n" in text
    assert _errors(repo) == []


def test_close_and_reopen_keep_the_file_mode(repo: Path) -> None:
    path = repo / "okrs/2026-Q4/quarter.yaml"
    path.chmod(0o644)
    close_quarter(repo, "2026-Q4", END)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o664)
    reopen_quarter(repo, "2026-Q4")
    assert path.stat().st_mode & 0o777 == 0o664


def test_a_closed_quarter_without_digest_is_accepted(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": "status: closed\n"})
    assert _errors(root) == []


def test_a_malformed_digest_is_reported(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": "status: closed\ndigest: md5:1\n"})
    (error,) = _errors(root)
    assert error.startswith("okrs/2026-Q4/quarter.yaml:2:1: OKR302 digest 'md5:1' of closed")


def test_close_creates_quarter_yaml_with_calendar_dates(write_repo: WriteRepo) -> None:
    root = write_repo(MINIMAL)
    change = close_quarter(root, "2026-Q4", END)
    assert change.created
    lines = (root / "okrs/2026-Q4/quarter.yaml").read_text().splitlines()
    assert lines == [
        "# yaml-language-server: $schema=../../schemas/quarter.schema.json",
        "start: 2026-10-01",
        "end: 2026-12-31",
        "status: closed",
        f"digest: {change.digest}",
    ]
    assert _errors(root) == []


def test_close_refuses_a_quarter_with_data_errors(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.csv": "date,kr,value\nsoon,x,1\n"})
    with pytest.raises(DataError, match=r"okrs/2026-Q4/payments\.csv:2"):
        close_quarter(root, "2026-Q4", END)
    assert not (root / "okrs/2026-Q4/quarter.yaml").exists()


@pytest.mark.parametrize(
    ("quarter_id", "message"),
    [
        ("2026-Q5", r"^'2026-Q5' is not a quarter; write it as YYYY-Qn"),
        ("../x", r"^'\.\./x' is not a quarter"),
        ("2025-Q1", r"^okrs/2025-Q1/ does not exist; there is no quarter 2025-Q1$"),
    ],
)
def test_close_refuses_a_bad_quarter(repo: Path, quarter_id: str, message: str) -> None:
    with pytest.raises(OkrsiteError, match=message):
        close_quarter(repo, quarter_id, END)


def test_close_refuses_a_frozen_quarter_and_reopen_an_open_one(repo: Path) -> None:
    with pytest.raises(OkrsiteError, match=r"^quarter 2026-Q4 is not closed"):
        reopen_quarter(repo, "2026-Q4")
    close_quarter(repo, "2026-Q4", END)
    with pytest.raises(OkrsiteError, match=r"already closed and frozen .*okrsite reopen 2026-Q4"):
        close_quarter(repo, "2026-Q4", END)


def test_edit_keeps_crlf_and_falls_back_for_flow_style() -> None:
    assert edit_quarter_yaml("start: 2026-10-01\r\nstatus: open\r\n", {"status": "closed"}) == (
        "start: 2026-10-01\r\nstatus: closed\r\n"
    )
    flow = "{start: 2026-10-01, status: open}\n"
    assert edit_quarter_yaml(flow, {"status": "closed", "digest": None}) == (
        "start: 2026-10-01\nstatus: closed\n"
    )


def test_close_and_reopen_commands(repo: Path) -> None:
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": JAN_3_2027})
    closed = runner.invoke(main, ["--root", str(repo), "close", "2026-Q4"])
    assert closed.exit_code == 0, closed.output
    assert closed.output.startswith(
        "updated okrs/2026-Q4/quarter.yaml: status closed, digest sha256:"
    )
    again = runner.invoke(main, ["--root", str(repo), "close", "2026-Q4"])
    assert again.exit_code == 2
    assert "okrsite: error: quarter 2026-Q4 is already closed and frozen" in again.output
    reopened = runner.invoke(main, ["reopen", "2026-Q4", "--root", str(repo)])
    assert reopened.exit_code == 0, reopened.output
    assert reopened.output.startswith(
        "updated okrs/2026-Q4/quarter.yaml: status open, removed digest"
    )


def test_close_refuses_a_quarter_before_its_end_unless_early(repo: Path) -> None:
    runner = CliRunner()
    args = ["--root", str(repo), "close", "2026-Q4"]
    early = runner.invoke(main, args, env={"SOURCE_DATE_EPOCH": NOV_27})
    assert early.exit_code == 2
    assert early.stderr == (
        "okrsite: error: quarter 2026-Q4 ends on 2026-12-31 and today is 2026-11-27: close it "
        "on or after its end date, or give --early to close it now\n"
    )
    assert (repo / "okrs/2026-Q4/quarter.yaml").read_text() == QUARTER_YAML
    forced = runner.invoke(main, [*args, "--early"], env={"SOURCE_DATE_EPOCH": NOV_27})
    assert forced.exit_code == 0, forced.output
    assert "status: closed" in (repo / "okrs/2026-Q4/quarter.yaml").read_text()


def test_close_takes_the_end_date_itself(repo: Path) -> None:
    with pytest.raises(OkrsiteError, match=r"^quarter 2026-Q4 ends on 2026-12-31 and today is "):
        close_quarter(repo, "2026-Q4", date(2026, 12, 30))
    assert close_quarter(repo, "2026-Q4", END).status == "closed"


# -- A killed close, and layouts whose comments a rewrite would drop (T6) ----------------------

# `okrsite close` in a process of its own, SIGKILLed once quarter.yaml's new text is written to
# its temporary file and before the rename that puts it in place.
KILLED_CLOSE = """\
import os, signal, sys
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
from okrsite.cli import main
main(["--root", sys.argv[1], "close", "2026-Q4"])
"""


def test_a_killed_close_is_cleared_up_by_the_next(repo: Path) -> None:
    """T6: a close killed mid-write leaves quarter.yaml as it was; its `.quarter.yaml.*`
    temporary file is removed by the next close, which says so."""
    folder = repo / "okrs" / "2026-Q4"
    env = {**os.environ, "SOURCE_DATE_EPOCH": JAN_3_2027}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_CLOSE, str(repo)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (leftover,) = [p.name for p in folder.iterdir() if p.name.startswith(".quarter.yaml.")]
    assert (folder / "quarter.yaml").read_text(encoding="utf-8") == QUARTER_YAML
    (folder / ".quarter.yaml.keep").write_text("not okrsite's\n", encoding="utf-8")
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": JAN_3_2027})
    closed = runner.invoke(main, ["--root", str(repo), "close", "2026-Q4"])
    assert closed.exit_code == 0, closed.output
    assert closed.stderr == (
        f"removed {leftover} from okrs/2026-Q4/, left by an interrupted close or reopen\n"
    )
    hidden = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert hidden == [".quarter.yaml.keep"]
    assert "status: closed       # open | closed\n" in (folder / "quarter.yaml").read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# The last quarter.\nstart: 2026-10-01\nstatus:\n  open\n",
            "okrs/2026-Q4/quarter.yaml:3: `status:` spans lines or is in flow style",
        ),
        (
            "# The last quarter.\nstatus: >-\n  open\n",
            "okrs/2026-Q4/quarter.yaml:2: `status:` spans lines or is in flow style",
        ),
        (
            "# The last quarter.\n{start: 2026-10-01,\n status: open}\n",
            "okrs/2026-Q4/quarter.yaml:2: the mapping is in flow style ({...})",
        ),
    ],
)
def test_close_keeps_every_comment_or_refuses_at_the_line(
    write_repo: WriteRepo, text: str, message: str
) -> None:
    """T6: close once dropped every comment of a quarter.yaml whose `status:` spans lines or is
    in flow style; now it refuses, naming the line and the layout it edits, and writes nothing."""
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": text})
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": JAN_3_2027})
    result = runner.invoke(main, ["--root", str(root), "close", "2026-Q4"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"okrsite: error: {message}; write it as one line, e.g. `status: open`, and run the "
        "command again (okrsite keeps every comment of quarter.yaml, so it rewrites no other "
        "layout)\n"
    )
    assert (root / "okrs" / "2026-Q4" / "quarter.yaml").read_text(encoding="utf-8") == text
