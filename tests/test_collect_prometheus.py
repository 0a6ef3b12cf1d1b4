"""The Prometheus source: an instant query at 00:00 UTC on the check-in date that must give one
number. Against a real Prometheus (Debian's prometheus package) backfilled with known samples,
and against a fake server on 127.0.0.1 that answers in the exact shapes of /api/v1/query for the
errors a real one gives rarely or never on demand."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from okrsite.collect.prometheus import read_prometheus
from okrsite.collect.readings import Reading, SourceContext, SourceError
from okrsite.model.sources import PrometheusSource
from tests.trust import ANY_HOST, Authority, serve_tls

PROMETHEUS = Path("/usr/bin/prometheus")
PROMTOOL = Path("/usr/bin/promtool")
DAY = date(2026, 10, 1)  # weeks before these tests were written: backfilled data is history
AT = int(datetime(2026, 10, 1, tzinfo=UTC).timestamp())  # 1790812800
TOKEN = "prom-t0ken-9f8e7d"
TIMEOUT = 0.5  # seconds: the fake server answers at once, or never


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 go straight to the server, whatever proxy the host sets."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def context(day: date = DAY, env: dict[str, str] | None = None) -> SourceContext:
    """A collection as of day."""
    return SourceContext(
        root=Path("/nonexistent"), day=day, env=env or {}, timeout=TIMEOUT, settings=ANY_HOST
    )


def failure(call: Callable[[], object]) -> str:
    """The message of the SourceError the call raises."""
    with pytest.raises(SourceError) as caught:
        call()
    return str(caught.value)


# A real Prometheus, backfilled with promtool.


def openmetrics() -> str:
    """Two hours of samples up to AT, hand-workable:

    - http_requests_total{code="200"}: 1000 at AT-2h, +60 every 5 minutes (0.2/s): 2440 at AT;
    - http_requests_total{code="500"}: 10 at AT-2h, +3 every 5 minutes (0.01/s): 82 at AT;
    - queue_depth: 100 six times in the hour before the last, then 2, 4, ..., 12 within the last
      hour (the last 4.5 minutes before AT, inside the 5-minute lookback).
    """
    lines = ["# HELP http_requests Requests served.", "# TYPE http_requests counter"]
    for code, start, step in (("200", 1000, 60), ("500", 10, 3)):
        for k in range(25):
            lines.append(
                f'http_requests_total{{code="{code}"}} {start + step * k} {AT - 7200 + 300 * k}'
            )
    lines += ["# HELP queue_depth Jobs waiting.", "# TYPE queue_depth gauge"]
    lines += [f"queue_depth 100 {AT - 6870 + 600 * k}" for k in range(6)]
    lines += [f"queue_depth {2 + 2 * k} {AT - 3270 + 600 * k}" for k in range(6)]
    return "\n".join([*lines, "# EOF", ""])


def require_prometheus() -> None:
    """Skip without Debian's prometheus package locally; in CI its absence is a failure."""
    if PROMETHEUS.is_file() and PROMTOOL.is_file():
        return
    reason = (
        f"{PROMETHEUS} or {PROMTOOL} is missing; install Debian's prometheus package "
        "to run the tests against a real Prometheus"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def ready(url: str) -> bool:
    """Whether the server at url says it is ready to answer queries."""
    try:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a real Prometheus on 127.0.0.1 serving openmetrics(), with no targets."""
    require_prometheus()
    base = tmp_path_factory.mktemp("prometheus")
    (base / "data.om").write_text(openmetrics(), encoding="utf-8")
    tsdb = base / "tsdb"
    subprocess.run(
        [PROMTOOL, "tsdb", "create-blocks-from", "openmetrics", base / "data.om", tsdb],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (base / "prometheus.yml").write_text("global:\n  scrape_interval: 1h\n", encoding="utf-8")
    url = f"http://127.0.0.1:{free_port()}"
    with (base / "prometheus.log").open("wb") as log:
        server = subprocess.Popen(
            [
                PROMETHEUS,
                f"--config.file={base / 'prometheus.yml'}",
                f"--storage.tsdb.path={tsdb}",
                "--storage.tsdb.retention.time=100y",  # the backfilled history must stay
                f"--web.listen-address={url.removeprefix('http://')}",
            ],
            cwd=base,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not ready(url):
            if server.poll() is not None or time.monotonic() > deadline:
                tail = (base / "prometheus.log").read_text(encoding="utf-8")[-2000:]
                pytest.fail(f"Prometheus did not start:\n{tail}")
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def query(url: str, promql: str, day: date = DAY) -> Reading:
    """The reading of promql against url as of day."""
    return read_prometheus(PrometheusSource(url=url, query=promql), context(day))


def test_real_sum_of_two_series(prometheus: str) -> None:
    reading = query(prometheus, "sum(http_requests_total)")
    assert reading == Reading(
        2522.0, "prometheus: 2522 from sum(http_requests_total) at 2026-10-01T00:00:00Z"
    )


def test_real_error_ratio_of_rates(prometheus: str) -> None:
    promql = 'sum(rate(http_requests_total{code=~"5.."}[1h])) / sum(rate(http_requests_total[1h]))'
    reading = query(prometheus, promql)
    assert reading.value == pytest.approx(3 / 63, rel=1e-9)  # 0.01/s of 0.21/s
    assert reading.note == (
        'prometheus: 0.047619047619047616 from sum(rate(http_requests_total{code=~"5.."}[1h])) '
        "/ sum(rate(http_requests_total[…"
        " at 2026-10-01T00:00:00Z"
    )


@pytest.mark.parametrize(
    ("promql", "value"),
    [
        ("avg_over_time(queue_depth[1h])", 7.0),  # (2 + 4 + ... + 12) / 6
        ("avg_over_time(queue_depth[2h])", 53.5),  # (6 * 100 + 42) / 12
        ("queue_depth", 12.0),  # the last sample, 4.5 minutes before the query
        ('http_requests_total{code="500"}', 82.0),
        ("scalar(sum(http_requests_total))", 2522.0),  # a scalar, not a vector
        ("time()", float(AT)),  # the query is evaluated at 00:00 UTC on the check-in date
    ],
)
def test_real_queries(prometheus: str, promql: str, value: float) -> None:
    assert query(prometheus, promql).value == value


def test_real_query_before_the_data(prometheus: str) -> None:
    message = failure(lambda: query(prometheus, "sum(http_requests_total)", date(2026, 9, 30)))
    assert message == (
        "the query gave 0 series; it must give exactly one (aggregate them, e.g. with sum(...))"
    )


@pytest.mark.parametrize(
    ("promql", "message"),
    [
        (
            "http_requests_total",
            "the query gave 2 series; it must give exactly one "
            "(aggregate them, e.g. with sum(...))",
        ),
        (
            "queue_depth[1h]",
            "the query gave a range vector of 1 series; it must give exactly one number (drop the "
            "[range] at its end, or wrap it in e.g. avg_over_time(...))",
        ),
        ('"hello"', "the query gave a string; it must give exactly one number"),
        ("0/0", "the query gave NaN, not a number"),
        ("1/0", "the query gave +Inf, not a number"),
        (
            "sum(",
            'Prometheus refused the query (HTTP 400): bad_data: invalid parameter "query": 1:5: '
            "parse error: unclosed left parenthesis",
        ),
    ],
)
def test_real_refusals(prometheus: str, promql: str, message: str) -> None:
    assert failure(lambda: query(prometheus, promql)) == message


def test_real_execution_error(prometheus: str) -> None:
    message = failure(lambda: query(prometheus, "http_requests_total + on() http_requests_total"))
    assert message.startswith(
        "Prometheus refused the query (HTTP 422): execution: found duplicate series for the "
        "match group {} on the right hand-side of the operation"
    )


# A fake server in the shapes of Prometheus' answers.


@dataclass(frozen=True)
class Seen:
    """A request the fake server saw."""

    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]


def success(result_type: str, result: Any) -> dict[str, Any]:
    """A successful query's answer."""
    return {"status": "success", "data": {"resultType": result_type, "result": result}}


def sample(value: str, **labels: str) -> dict[str, Any]:
    """One series of an instant vector."""
    return {"metric": labels, "value": [AT, value]}


def error(kind: str, message: str) -> dict[str, Any]:
    """A refused query's answer."""
    return {"status": "error", "errorType": kind, "error": message}


ONE = success("vector", [sample("0.23")])


@contextmanager
def fake(
    *answers: tuple[int, object], tls: Authority | None = None
) -> Iterator[tuple[str, list[Seen]]]:
    """A server on 127.0.0.1 giving the answers in turn (the last one again when they run out),
    a JSON value or raw bytes each; its base URL and the requests it saw. With tls, over https
    with a certificate that authority signed."""
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            seen.append(Seen(parts.path, parse_qs(parts.query), dict(self.headers)))
            status, body = answers[min(len(seen), len(answers)) - 1]
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests' output is pytest's."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        serve_tls(server, tls)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        scheme = "http" if tls is None else "https"
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def read(url: str, promql: str = "x", token_env: str | None = None, **env: str) -> Reading:
    """The reading of promql against url as of DAY with env."""
    source = PrometheusSource(url=url, query=promql, token_env=token_env)
    return read_prometheus(source, context(env=env))


def test_the_request() -> None:
    promql = 'sum(rate(http_requests_total{code=~"5.."}[28d]))'
    with fake((200, ONE)) as (url, seen):
        reading = read(f"{url}/prometheus/", promql)
    assert reading == Reading(
        0.23,
        'prometheus: 0.23 from sum(rate(http_requests_total{code=~"5.."}[28d])) '
        "at 2026-10-01T00:00:00Z",
    )
    assert [(s.path, s.params) for s in seen] == [
        ("/prometheus/api/v1/query", {"query": [promql], "time": [str(AT)]})
    ]
    assert "Authorization" not in seen[0].headers


def test_a_scalar() -> None:
    with fake((200, success("scalar", [AT, "-4.5"]))) as (url, _seen):
        assert read(url).value == -4.5


def test_a_long_query_is_cut_in_the_note_and_on_one_line() -> None:
    promql = "sum(\n  rate(http_requests_total[5m])\n)" + " + 0" * 30
    with fake((200, ONE)) as (url, _seen):
        note = read(url, promql).note
    shown = "sum( rate(http_requests_total[5m]) )" + " + 0" * 10 + " + …"  # 79 and an ellipsis
    assert note == f"prometheus: 0.23 from {shown} at 2026-10-01T00:00:00Z"


def test_the_token_goes_in_the_authorization_header() -> None:
    with fake((200, ONE)) as (url, seen):
        read(url, token_env="PROM_TOKEN", PROM_TOKEN=f" {TOKEN}\n")
    assert seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_missing_token_is_named_and_nothing_is_asked() -> None:
    with fake((200, ONE)) as (url, seen):
        message = failure(lambda: read(url, token_env="PROM_TOKEN", OTHER=TOKEN))
    assert message == "the environment variable PROM_TOKEN (the bearer token) is not set"
    assert seen == []


def test_a_token_echoed_by_the_server_is_blotted_out() -> None:
    answer = error("unauthorized", f"token {TOKEN} is not valid for this tenant")
    with fake((401, answer)) as (url, _seen):
        message = failure(lambda: read(url, token_env="PROM_TOKEN", PROM_TOKEN=TOKEN))
    assert message == (
        "Prometheus refused the query (HTTP 401): unauthorized: "
        "token [token] is not valid for this tenant"
    )


@pytest.mark.parametrize(
    ("status", "answer", "message"),
    [
        (
            400,
            error("bad_data", 'invalid parameter "query": 1:5: parse error: unclosed left paren'),
            'Prometheus refused the query (HTTP 400): bad_data: invalid parameter "query": 1:5: '
            "parse error: unclosed left paren",
        ),
        (
            422,
            error("execution", "many-to-many matching not allowed: matching labels must be unique"),
            "Prometheus refused the query (HTTP 422): execution: many-to-many matching not "
            "allowed: matching labels must be unique",
        ),
        (
            422,
            error("execution", "line one\nline two\t" + "x" * 300),
            "Prometheus refused the query (HTTP 422): execution: line one\\nline two\\t"
            + "x" * 179
            + "…",
        ),
        (
            200,
            success("matrix", [{"metric": {}, "values": [[AT, "1"]]}] * 3),
            "the query gave a range vector of 3 series; it must give exactly one number (drop "
            "the [range] at its end, or wrap it in e.g. avg_over_time(...))",
        ),
        (
            200,
            success("vector", []),
            "the query gave 0 series; it must give exactly one "
            "(aggregate them, e.g. with sum(...))",
        ),
        (
            200,
            success("vector", [sample("1", code="200"), sample("2", code="500")]),
            "the query gave 2 series; it must give exactly one "
            "(aggregate them, e.g. with sum(...))",
        ),
        (
            200,
            success("string", [AT, "hello"]),
            "the query gave a string; it must give exactly one number",
        ),
        (200, success("vector", [sample("NaN")]), "the query gave NaN, not a number"),
        (200, success("scalar", [AT, "+Inf"]), "the query gave +Inf, not a number"),
        (200, success("vector", [sample("-Inf")]), "the query gave -Inf, not a number"),
        (200, success("vector", [sample("many")]), "the query gave 'many', not a number"),
        (
            200,
            success("vector", [sample("2e15")]),
            "the query gave 2e15, which is too large; okrsite takes numbers up to 1e+15 either "
            "way (change the unit, e.g. to thousands)",
        ),
        (
            200,
            success("vector", [{"metric": {}}]),
            'Prometheus answered a sample that is not [time, "value"]',
        ),
        (200, success("histogram", []), "the query gave an unknown result type 'histogram'"),
    ],
)
def test_answers_that_give_no_number(status: int, answer: object, message: str) -> None:
    with fake((status, answer)) as (url, _seen):
        assert failure(lambda: read(url)) == message


def test_answers_that_are_no_query_result() -> None:
    html = b"<html><body>\n<h1>Bad gateway</h1></body></html>"
    with fake((500, html)) as (url, _seen):
        message = failure(lambda: read(url))
    assert message == (
        f"{url}/api/v1/query answered HTTP 500 with something that is not JSON: "
        "'<html><body>\\n<h1>Bad gateway</h1></body></html>'"
    )
    with fake((404, {"detail": "Not Found"})) as (url, _seen):
        message = failure(lambda: read(url))
    assert message == f"{url}/api/v1/query answered HTTP 404 with no query result"


def test_a_503_is_retried() -> None:
    with fake((503, error("unavailable", "restarting")), (200, ONE)) as (url, seen):
        assert read(url).value == 0.23
    assert len(seen) == 2


def test_a_lasting_503_gives_up_after_three_retries() -> None:
    answer = error("timeout", "query timed out in expression evaluation")
    started = time.monotonic()
    with fake((503, answer)) as (url, seen):
        message = failure(lambda: read(url))
    assert message == (
        "Prometheus refused the query (HTTP 503): timeout: query timed out in expression evaluation"
    )
    assert len(seen) == 4
    assert time.monotonic() - started < 5  # backoff 0 + 0.5 + 1 seconds


def test_a_server_that_never_answers() -> None:
    connections: list[socket.socket] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"

        def accept() -> None:
            """Take connections and never answer them, until the listener closes."""
            with contextlib.suppress(OSError):
                while True:
                    connections.append(listener.accept()[0])

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        started = time.monotonic()
        message = failure(lambda: read(url))
        elapsed = time.monotonic() - started
    for connection in connections:
        connection.close()
    assert message == f"{url}/api/v1/query did not answer within 0.5 seconds"
    assert elapsed < 2  # no retry of a read that timed out
    assert len(connections) == 1


def test_not_an_http_url() -> None:
    message = failure(lambda: read("prometheus.example.com:9090"))
    assert (
        message
        == "'prometheus.example.com:9090/api/v1/query' is not an http:// or https:// address"
    )
