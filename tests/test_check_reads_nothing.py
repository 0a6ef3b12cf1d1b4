"""The checks work from what the loader read: no check goes back to the repository on disk.

The loader keeps where each quarter.yaml key is written and a closed quarter's digest over the
bytes it read; check_loaded compares and locates from that data alone.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from okrsite.check.rules import check_loaded
from okrsite.edit.lifecycle import close_quarter
from okrsite.load.digest import quarter_digest
from okrsite.load.repository import Loaded, load
from okrsite.model.problems import Problem
from okrsite.score.history import score_all
from tests.conftest import MINIMAL, ORG_YAML, PAYMENTS_YAML, WriteRepo

TODAY = date(2027, 1, 3)
START, END = date(2026, 10, 1), date(2026, 12, 31)


def _check(loaded: Loaded) -> list[str]:
    results = score_all(loaded.repository, None, TODAY)
    problems: tuple[Problem, ...] = check_loaded(loaded, results, TODAY)
    return [str(p) for p in problems]


def test_the_checks_find_the_same_problems_once_the_repository_is_gone(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = write_repo(
        {
            **MINIMAL,
            # OKR213 at the start date's value: 31 days is all a fiscal quarter may shift.
            "okrs/2026-Q4/quarter.yaml": "start: 2026-08-30\nend: 2026-12-31\n",
            # OKR302 at the digest's key.
            "okrs/2026-Q3/quarter.yaml": "status: closed\ndigest: md5:1\n",
        }
    )
    close_quarter(root, "2026-Q4", END)
    with (root / "okrs/2026-Q4/payments.csv").open("a") as stream:
        stream.write("2026-12-01,delivery/lead-time,6,,,\n")  # OKR301: changed since closed
    loaded = load(root)
    on_disk = _check(loaded)
    assert {line.split(" ")[1] for line in on_disk} >= {"OKR213", "OKR301", "OKR302"}
    shutil.move(root, tmp_path / "moved")
    assert _check(loaded) == on_disk
    shutil.rmtree(tmp_path / "moved")
    assert _check(loaded) == on_disk


def test_a_repository_without_quarters_is_reported_once_it_is_gone(
    write_repo: WriteRepo,
) -> None:
    root = write_repo({"okrs/org.yaml": ORG_YAML})
    loaded = load(root)
    on_disk = _check(loaded)
    assert [line.split(" ")[1] for line in on_disk] == ["OKR024"]
    shutil.rmtree(root)
    assert _check(loaded) == on_disk


def test_the_loader_digests_the_bytes_it_read_without_reading_them_again(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/notes.txt": "not data\n"})
    close_quarter(root, "2026-Q4", END)
    read: list[str] = []
    read_bytes = Path.read_bytes

    def recording(path: Path) -> bytes:
        read.append(path.name)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", recording)
    loaded = load(root)
    # The plan and its check-ins come from the loader's own read; only the stray file is read.
    assert read == ["notes.txt"]
    quarter = loaded.repository.quarter("2026-Q4")
    assert quarter is not None and quarter.digest is not None
    assert loaded.quarters_read["2026-Q4"].digest == quarter.digest
    assert [line for line in _check(loaded) if ": OKR3" in line] == []


def test_the_loader_takes_the_digest_okrsite_close_writes(write_repo: WriteRepo) -> None:
    # A byte-order mark and CRLF (read by the loader), a stray file and a nested one (not read),
    # a hidden file (skipped) and a link (hashed as where it points, though the loader follows
    # it): the value is the one closed quarters already carry, so none of them breaks.
    root = write_repo(
        {
            **MINIMAL,
            "okrs/2026-Q4/payments.yaml": b"\xef\xbb\xbf"
            + PAYMENTS_YAML.replace("\n", "\r\n").encode(),
            "okrs/2026-Q4/notes.txt": b"stray\r\n",
            "okrs/2026-Q4/old/payments.csv": b"nested",
            "okrs/2026-Q4/.DS_Store": b"\0\1",
        }
    )
    folder = root / "okrs/2026-Q4"
    (folder / "platform.yaml").symlink_to("payments.yaml")
    written = "sha256:2430aba6f73ce643584c262d98b606c566ce346f28eb78416aa21200a2f856a7"
    assert quarter_digest(folder, START, END) == written
    (folder / "quarter.yaml").write_text(f"status: closed\ndigest: {written}\n")
    assert load(root).quarters_read["2026-Q4"].digest == written


def test_an_open_quarter_is_not_digested(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "okrs/2026-Q4/quarter.yaml": "status: open\n"})
    read = load(root).quarters_read["2026-Q4"]
    assert read.digest is None and read.written["status"].value.line == 1


METRICS = {
    "okrs/metrics/payments.yaml": (
        "metrics:\n  - id: pages\n    title: Out-of-hours pages per week\n"
        "    owner: Ana Silva\n    measurement: Paging tool\n    max: 5\n"
    ),
    # OKR212 at the row dated after today, OKR123 at an unknown metric.
    "okrs/metrics/payments.csv": "date,metric,value\n2026-12-01,pages,7\n2027-02-01,pages,4\n"
    "2026-12-02,page,6\n",
}


def test_the_metrics_checks_find_the_same_problems_once_the_repository_is_gone(
    write_repo: WriteRepo,
) -> None:
    loaded = load(write_repo({**MINIMAL, **METRICS}))
    on_disk = _check(loaded)
    assert [line.split(" ")[1] for line in on_disk if line.startswith("okrs/metrics/")] == [
        "OKR123",
        "OKR212",
    ]
    shutil.rmtree(write_repo({}))
    assert _check(loaded) == on_disk


def test_the_loader_reads_each_metrics_file_once(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_repo({**MINIMAL, **METRICS})
    opened: list[str] = []
    real_open = os.open

    def recording(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
        opened.append(Path(path).relative_to(root).as_posix())
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording)
    loaded = load(root)
    monkeypatch.undo()
    assert sorted(p for p in opened if p.startswith("okrs/metrics/")) == sorted(METRICS)
    assert {"okrs/metrics/payments.csv", "okrs/metrics/payments.yaml"} <= set(loaded.files)
