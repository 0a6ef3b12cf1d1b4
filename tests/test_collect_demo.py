"""`okrsite collect --dry-run` on the demo, every kind of source answering: GitHub and Prometheus
from servers on 127.0.0.1 in their APIs' shapes, over https as a token requires (T1), JSON and the
command from the demo's own files and programs folder; the KRs' sources, then the standing
metrics'."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.collect import github as github_reader
from okrsite.model.source_policy import SETTINGS_FILE
from tests.conftest import PROJECT
from tests.fake_github import TOKEN as GITHUB_TOKEN
from tests.fake_github import Deployment, FakeGithub, Issue, Pull, Repo
from tests.test_collect_prometheus import fake as fake_prometheus
from tests.test_collect_prometheus import sample, success
from tests.trust import Authority, serve_tls

DAY = date(2026, 11, 28)  # the window: 2026-10-31 00:00 UTC up to 2026-11-28 00:00 UTC

# payments-api: three successful deployments in the window (11-16's failed; 10-20's is before);
# the incident of 11-09 20:00 came 10 hours after 11-09's deployment. Two pull requests merged:
# 48 hours and 36 hours from first commit to merge.
PAYMENTS_API = Repo(
    "northwind/payments-api",
    deployments=[
        Deployment(6, "2026-11-20T10:00:00Z"),
        Deployment(5, "2026-11-16T10:00:00Z", states=("failure",)),
        Deployment(4, "2026-11-09T10:00:00Z"),
        Deployment(3, "2026-11-02T10:00:00Z"),
        Deployment(2, "2026-10-20T10:00:00Z"),
    ],
    pulls=[
        Pull(12, "2026-11-11T12:00:00Z", "2026-11-11T12:00:00Z", ("2026-11-10T00:00:00Z",)),
        Pull(11, "2026-11-03T00:00:00Z", "2026-11-03T00:00:00Z", ("2026-11-01T00:00:00Z",)),
    ],
    issues=[Issue(40, "2026-11-09T20:00:00Z", "2026-11-10T02:00:00Z", "2026-11-10T02:00:00Z")],
)
# payments-web: two successful deployments; its incident came 36 hours after 11-25's, too late
# to count against it. One pull request: 96 hours.
PAYMENTS_WEB = Repo(
    "northwind/payments-web",
    deployments=[
        Deployment(9, "2026-11-25T12:00:00Z"),
        Deployment(8, "2026-11-05T12:00:00Z"),
    ],
    pulls=[Pull(21, "2026-11-24T00:00:00Z", "2026-11-24T00:00:00Z", ("2026-11-20T00:00:00Z",))],
    issues=[Issue(41, "2026-11-27T00:00:00Z", "2026-11-27T03:00:00Z", "2026-11-27T03:00:00Z")],
)
# checkout, read only by eng's standing metrics: three successful deployments, no incident, no
# pull request merged in the window.
CHECKOUT = Repo(
    "northwind/checkout",
    deployments=[
        Deployment(33, "2026-11-26T09:00:00Z"),
        Deployment(32, "2026-11-12T09:00:00Z"),
        Deployment(31, "2026-11-01T09:00:00Z"),
    ],
)


@pytest.fixture
def github(trusted: Authority) -> Iterator[FakeGithub]:
    """The fake GitHub with the demo's two payments repositories and checkout, over https."""
    server = FakeGithub()
    server.add(PAYMENTS_API, PAYMENTS_WEB, CHECKOUT)
    serve_tls(server._server, trusted)
    server.url = server.url.replace("http://", "https://")
    server.api_url = server.api_url.replace("http://", "https://")
    server.start()
    yield server
    server.stop()


def demo_copy(tmp_path: Path, github_api: str, prometheus_url: str) -> Path:
    """The demo's okrs/, exports/, collectors/ and collect settings, its sources pointed at the
    servers on 127.0.0.1, and the Prometheus server's host:port added to the settings' hosts."""
    root = tmp_path / "demo"
    for folder in ("okrs", "exports", "collectors"):
        shutil.copytree(PROJECT / folder, root / folder)
    settings = (PROJECT / SETTINGS_FILE).read_text(encoding="utf-8")
    (root / SETTINGS_FILE).parent.mkdir()
    prometheus_host = urlsplit(prometheus_url).netloc
    (root / SETTINGS_FILE).write_text(
        settings.replace("hosts:\n", f"hosts:\n  - {prometheus_host}\n"), encoding="utf-8"
    )
    payments = root / "okrs" / "2026-Q4" / "payments.yaml"
    text = payments.read_text(encoding="utf-8").replace(
        "          kind: github\n", f"          kind: github\n          api_url: {github_api}\n"
    )
    payments.write_text(text, encoding="utf-8")
    # eng's standing metrics read the same GitHub.
    eng = root / "okrs" / "metrics" / "eng.yaml"
    text = eng.read_text(encoding="utf-8").replace(
        "      kind: github\n", f"      kind: github\n      api_url: {github_api}\n"
    )
    eng.write_text(text, encoding="utf-8")
    checkout = root / "okrs" / "2026-Q4" / "checkout.yaml"
    text = checkout.read_text(encoding="utf-8")
    checkout.write_text(
        text.replace("https://prometheus.northwind.example/", prometheus_url), encoding="utf-8"
    )
    return root


def pages_per_week(team: str) -> float:
    """Out-of-hours pages a week of a team in the export over the 28 days before DAY, counted
    here apart from the demo's script."""
    with (PROJECT / "exports" / "oncall-pages.csv").open(encoding="utf-8") as export:
        rows = list(csv.DictReader(export))
    start = DAY - timedelta(days=28)
    pages = [
        r
        for r in rows
        if r["team"] == team
        and r["out_of_hours"] == "yes"
        and start <= date.fromisoformat(r["date"]) < DAY
    ]
    return len(pages) / 4


def test_collect_dry_run_on_the_demo_reads_every_kind_of_source(
    tmp_path: Path, github: FakeGithub, trusted: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(github_reader, "PACING_SECONDS", None)
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    # The workflow's GitHub API, as GitHub Actions (on GitHub Enterprise Server) would set it.
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    monkeypatch.setenv("PROMETHEUS_TOKEN", "prom-demo-token")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795910400")  # 2026-11-29: the day after DAY
    answer = success("vector", [sample("612.5", service="checkout")])
    with fake_prometheus((200, answer), tls=trusted) as (prometheus_url, seen):
        root = demo_copy(tmp_path, github.api_url, prometheus_url + "/")
        before = {p: p.read_bytes() for p in sorted((root / "okrs").rglob("*.csv"))}
        result = CliRunner().invoke(
            main, ["collect", "--root", str(root), "--date", DAY.isoformat(), "--dry-run"]
        )
    assert result.exit_code == 0, result.output
    rows = [line.split(": ", 1)[1] for line in result.stdout.splitlines()]
    payments, infrastructure = pages_per_week("payments"), pages_per_week("infrastructure")
    assert (payments, infrastructure) == (5.0, 8.5)
    # One row per KR with a source, by unit: analytics, checkout, infrastructure, payments;
    # then one reading per standing metric with a source, in org.yaml's order of units.
    analytics, checkout, infra, lead, deploys, cfr, pages, *readings = rows
    # The core tables' worst lag: orders 4.2, payments 5.1, sessions 3.6.
    assert analytics == (
        "2026-11-28,self-serve/data-freshness,5.1,,"
        "json: 5.1 from exports/warehouse-lag.json at max(tables[?tier=='core'].lag_hours),"
    )
    assert checkout.startswith('2026-11-28,reliability/p95-latency,612.5,,"prometheus: 612.5 from ')
    assert checkout.endswith(' at 2026-11-28T00:00:00Z",')
    assert infra == (
        "2026-11-28,resilience/pages-per-week,8.5,,command: 8.5 from collectors/oncall-pages.py "
        "exports/oncall-pages.csv --team infrastructure,"
    )
    # Median of 36, 48 and 96 hours: 48 hours, 2 days.
    assert lead == (
        "2026-11-28,delivery/lead-time,2,,github: median 2 days from first commit to merge "
        "(lead time to merge; not to production) over 3 pull requests in 28 days across 2 "
        "repositories,"
    )
    # 3 + 2 successful deployments in 28 days: 5 / 4 = 1.25 a week.
    assert deploys == (
        "2026-11-28,delivery/deploys-per-week,1.25,,github: 5 deployments to production in "
        "28 days across 2 repositories (1.25 a week),"
    )
    # 11-09's deployment was followed by an incident within 24 hours: 1 of 5, 20 %.
    assert cfr == (
        "2026-11-28,delivery/change-failure-rate,20,,github: 1 of 5 deployments to production "
        "across 2 repositories followed by an incident within 24 hours (20 %),"
    )
    assert pages == (
        "2026-11-28,oncall/pages-per-week,5,,command: 5 from collectors/oncall-pages.py "
        "exports/oncall-pages.csv --team payments,"
    )
    # eng's metrics pool northwind/checkout's three deployments with payments' five: 8 / 4 = 2
    # a week, 1 of 8 followed by an incident; the median of 36, 48 and 96 hours as its source
    # gives it (in days when it says time_unit: days).
    in_days = "time_unit: days" in (PROJECT / "okrs/metrics/eng.yaml").read_text(encoding="utf-8")
    median = "2,github: median 2 days" if in_days else "48,github: median 48 hours"
    assert readings == [
        "2026-11-28,deployment-frequency,2,github: 8 deployments to production in 28 days across "
        "3 repositories (2 a week)",
        f"2026-11-28,lead-time,{median} from first commit to merge (lead time to merge; not to "
        "production) over 3 pull requests in 28 days across 3 repositories",
        "2026-11-28,change-failure-rate,12.5,github: 1 of 8 deployments to production across 3 "
        "repositories followed by an incident within 24 hours (12.5 %)",
        # The KR's program, as the metric's source.
        "2026-11-28,pages-per-week,5,command: 5 from collectors/oncall-pages.py "
        "exports/oncall-pages.csv --team payments",
    ]
    assert [line.split(": ", 1)[0] for line in result.stdout.splitlines()[7:]] == [
        "would append to okrs/metrics/eng.csv"
    ] * 3 + ["would append to okrs/metrics/payments.csv"]
    assert result.stderr.splitlines()[-1] == (
        "2026-Q4 as of 2026-11-28: 7 of 7 key results read, 0 skipped, 0 failed; "
        "4 of 4 metrics read, 0 skipped, 0 failed"
    )
    # Prometheus was asked at 00:00 UTC on the check-in date, with the bearer token.
    (request,) = seen
    assert request.params["time"] == ["1795824000"]
    assert request.headers["Authorization"] == "Bearer prom-demo-token"
    assert {p: p.read_bytes() for p in sorted((root / "okrs").rglob("*.csv"))} == before
