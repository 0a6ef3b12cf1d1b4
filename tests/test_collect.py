"""`okrsite collect` as a user runs it: rows appended from sources, failures reported and
written nowhere, a second run adding nothing, --dry-run writing nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrsite.cli import main
from okrsite.load.repository import load
from tests.conftest import MINIMAL, PAYMENTS_YAML, WriteRepo
from tests.test_collect_command import alive

DAY = "2026-11-20"
CSV = "okrs/2026-Q4/payments.csv"

LEAD_TIME_SOURCE = """\
        source:
          kind: json
          path: exports/pipeline.json
          expression: lead_time.median_days
"""
CFR_SOURCE = """\
        source:
          kind: command
          command: [collectors/cfr.sh, "28"]
"""


def repo(write_repo: WriteRepo, cfr_script: str = 'echo "3.5"\n', **extra: str) -> Path:
    """MINIMAL with lead time read from a JSON export and change failure rate from a script."""
    yaml = PAYMENTS_YAML.replace("        target: 5\n", "        target: 5\n" + LEAD_TIME_SOURCE)
    yaml = yaml.replace("        max: 5\n", "        max: 5\n" + CFR_SOURCE)
    root = write_repo(
        {
            **MINIMAL,
            "okrs/2026-Q4/payments.yaml": yaml,
            "exports/pipeline.json": '{"lead_time": {"median_days": 7.25, "changes": 31}}\n',
            "collectors/cfr.sh": "#!/bin/sh\n" + cfr_script,
            **extra,
        }
    )
    (root / "collectors" / "cfr.sh").chmod(0o755)
    return root


def collect(root: Path, *args: str) -> Result:
    """`okrsite collect` in root, as of DAY."""
    return CliRunner().invoke(main, ["collect", "--root", str(root), "--date", DAY, *args])


def test_each_source_becomes_a_row_with_where_it_came_from(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    before = (root / CSV).read_text(encoding="utf-8")
    result = collect(root)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"appended to {CSV}: {DAY},delivery/lead-time,7.25,,"
        "json: 7.25 from exports/pipeline.json at lead_time.median_days,",
        f"appended to {CSV}: {DAY},delivery/change-failure-rate,3.5,,command: 3.5 from "
        "collectors/cfr.sh 28,",
    ]
    assert result.stderr.splitlines()[-1] == (
        "2026-Q4 as of 2026-11-20: 2 of 2 key results collected, 0 skipped, 0 failed"
    )
    after = (root / CSV).read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: the history is untouched
    loaded = load(root)
    assert [p for p in loaded.problems if p.severity == "error"] == []
    (quarter,) = loaded.repository.quarters
    plan = quarter.plan("payments")
    assert plan is not None
    values = {kr.id: [(c.date.isoformat(), c.value) for c in kr.checkins] for kr in
              plan.objectives[0].key_results}  # fmt: skip
    assert values["lead-time"][-1] == (DAY, 7.25)
    assert values["change-failure-rate"][-1] == (DAY, 3.5)


def test_a_second_run_on_the_same_date_adds_nothing(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    assert collect(root).exit_code == 0
    once = (root / CSV).read_bytes()
    again = collect(root)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        f"skipped payments/delivery/lead-time: already checked in on {DAY}",
        f"skipped payments/delivery/change-failure-rate: already checked in on {DAY}",
    ]
    assert (root / CSV).read_bytes() == once


def test_a_failing_source_writes_nothing_for_its_kr_and_the_others_go_in(
    write_repo: WriteRepo,
) -> None:
    root = repo(write_repo, cfr_script='echo "about 3 percent"\n')
    result = collect(root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert len(failed) == 1
    assert failed[0].startswith("failed payments/delivery/change-failure-rate (command): ")
    assert "about 3 percent" in failed[0]
    text = (root / CSV).read_text(encoding="utf-8")
    assert f"{DAY},delivery/lead-time,7.25," in text
    assert f"{DAY},delivery/change-failure-rate" not in text
    assert result.stderr.splitlines()[-1].endswith(
        "1 of 2 key results collected, 0 skipped, 1 failed"
    )


def test_dry_run_prints_the_rows_and_writes_nothing(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    before = (root / CSV).read_bytes()
    result = collect(root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"would append to {CSV}: {DAY},delivery/lead-time,7.25,,"
        "json: 7.25 from exports/pipeline.json at lead_time.median_days,"
    )
    assert (root / CSV).read_bytes() == before


def test_a_kr_checked_in_by_hand_on_the_date_is_left_alone(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    with (root / CSV).open("a", encoding="utf-8") as csv:
        csv.write(f"{DAY},delivery/lead-time,9,0.5,typed by Sam,\n")
    result = collect(root)
    assert result.exit_code == 0, result.output
    assert f"skipped payments/delivery/lead-time: already checked in on {DAY}" in result.stdout
    assert "delivery/change-failure-rate,3.5" in result.stdout


def test_unit_limits_the_run_and_an_unknown_unit_is_one_line(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    elsewhere = collect(root, "--unit", "platform")
    assert elsewhere.exit_code == 0, elsewhere.output
    assert elsewhere.stdout == ""
    assert elsewhere.stderr.endswith("0 of 0 key results collected, 0 skipped, 0 failed\n")
    unknown = collect(root, "--unit", "nope")
    assert unknown.exit_code == 2
    assert unknown.stderr == "okrsite: error: unknown unit 'nope'; give a unit id of org.yaml\n"


def test_a_value_beyond_the_csv_s_limit_is_a_failure_not_a_row(write_repo: WriteRepo) -> None:
    root = repo(write_repo, cfr_script='echo "1e300"\n')
    before = (root / CSV).read_text(encoding="utf-8")
    result = collect(root, "--unit", "payments")
    assert result.exit_code == 1
    (failed,) = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert failed == (
        "failed payments/delivery/change-failure-rate (command): collectors/cfr.sh printed "
        "'1e300', "
        "which is too large; okrsite takes numbers up to 1e+15 either way (change the unit, "
        "e.g. to thousands)"
    )
    assert (
        "delivery/change-failure-rate"
        not in (root / CSV).read_text(encoding="utf-8")[len(before) :]
    )


def test_a_dropped_kr_is_not_collected(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    yaml_path = root / "okrs" / "2026-Q4" / "payments.yaml"
    text = yaml_path.read_text(encoding="utf-8").replace(
        "        max: 5\n", "        max: 5\n        dropped: the tracker was retired\n"
    )
    yaml_path.write_text(text, encoding="utf-8")
    result = collect(root)
    assert result.exit_code == 0, result.output
    assert "change-failure-rate" not in result.output


# -- Real processes, at the same time (T6) ------------------------------------------------------

OKRSITE = Path(sys.executable).with_name("okrsite")  # the console script, as users run it

# Tells the test it has been asked (its pid in asked.PID), then waits, at most 10 s, for go.
WAITING_SCRIPT = """\
touch "asked.$$"
i=0
while [ ! -e go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
echo 3.5
"""


def start_collect(root: Path, *args: str) -> subprocess.Popen[str]:
    """`okrsite collect` as of DAY in a process of its own."""
    return subprocess.Popen(
        [str(OKRSITE), "--root", str(root), "collect", "--date", DAY, "--unit", "payments", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def asked(root: Path) -> list[Path]:
    return sorted(root.glob("asked.*"))


def test_two_collects_at_once_append_each_row_once(write_repo: WriteRepo) -> None:
    """T6: two concurrent `collect` runs, both past the first look, append one row, not two."""
    root = repo(write_repo, cfr_script=WAITING_SCRIPT)
    first, second = start_collect(root), start_collect(root)
    try:
        wait_for(lambda: len(asked(root)) == 2)  # both found no row and are reading the source
        (root / "go").touch()
        outputs = [process.communicate(timeout=30) for process in (first, second)]
    finally:
        for process in (first, second):
            process.kill()
            process.wait()
    assert [first.returncode, second.returncode] == [0, 0], outputs
    rows = [
        line
        for line in (root / CSV).read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{DAY},delivery/change-failure-rate,")
    ]
    assert rows == [
        f"{DAY},delivery/change-failure-rate,3.5,,command: 3.5 from collectors/cfr.sh 28,"
    ]
    stdout = "".join(out for out, _ in outputs)
    assert (
        f"skipped payments/delivery/change-failure-rate: already has a check-in on {DAY}" in stdout
    )


def test_a_value_typed_while_collect_reads_stays_the_one(write_repo: WriteRepo) -> None:
    """T6: `checkin` of the same KR and date while `collect` reads its source: the typed value
    is the date's last row, and collect appends nothing for it."""
    root = repo(write_repo, cfr_script=WAITING_SCRIPT)
    collecting = start_collect(root)
    try:
        wait_for(lambda: len(asked(root)) == 1)
        typed = subprocess.run(
            [str(OKRSITE), "--root", str(root), "checkin", "payments",
             "delivery/change-failure-rate", "2", "--date", DAY, "--note", "typed by Sam"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert typed.returncode == 0, typed.stderr
        (root / "go").touch()
        stdout, stderr = collecting.communicate(timeout=30)
    finally:
        collecting.kill()
        collecting.wait()
    assert collecting.returncode == 0, stderr
    assert (
        f"skipped payments/delivery/change-failure-rate: already has a check-in on {DAY}" in stdout
    )
    rows = [
        line
        for line in (root / CSV).read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{DAY},delivery/change-failure-rate,")
    ]
    assert rows == [f"{DAY},delivery/change-failure-rate,2,,typed by Sam,"]


@pytest.mark.skipif(sys.platform != "linux", reason="a subreaper is Linux's")
def test_a_killed_collect_leaves_no_program_running(write_repo: WriteRepo) -> None:
    """T6: SIGKILL of `okrsite collect` ends the command it runs and every descendant, also one
    that started a session of its own."""
    script = (
        "setsid sh -c 'echo $$ > escaped.pid; sleep 30' >/dev/null 2>&1 &\n"
        "sleep 30 & echo $! > child.pid\n"
        'echo $$ > "asked.$$"\n'
        "sleep 30\n"
    )
    root = repo(write_repo, cfr_script=script)
    collecting = start_collect(root)
    try:
        wait_for(lambda: bool(asked(root)) and (root / "escaped.pid").is_file())
        wait_for(lambda: (root / "escaped.pid").read_text(encoding="utf-8").strip() != "")
        pids = [
            int(asked(root)[0].read_text(encoding="utf-8")),
            int((root / "child.pid").read_text(encoding="utf-8")),
            int((root / "escaped.pid").read_text(encoding="utf-8")),
        ]
        assert all(alive(pid) for pid in pids)
        collecting.send_signal(signal.SIGKILL)
        collecting.wait(timeout=10)
        wait_for(lambda: not any(alive(pid) for pid in pids), seconds=3)
    finally:
        collecting.kill()
        collecting.wait()


def test_metrics_without_a_source_leave_the_kr_summary_as_it_was(write_repo: WriteRepo) -> None:
    """Standing metrics typed by hand only: nothing to collect for them, and the summary says
    nothing of metrics."""
    metrics = (
        "metrics:\n  - id: on-call-load\n    title: On-call hours\n    owner: Ana Silva\n"
        "    measurement: Rota\n    max: 12\n"
    )
    root = repo(write_repo, **{"okrs/metrics/payments.yaml": metrics})
    result = collect(root)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr.splitlines()[-1] == (
        "2026-Q4 as of 2026-11-20: 2 of 2 key results collected, 0 skipped, 0 failed"
    )
    assert not (root / "okrs/metrics/payments.csv").exists()
