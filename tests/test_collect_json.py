"""The JSON source: a file inside the repository or an http(s) URL, and a JMESPath expression that
picks one finite number out of it."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from okrsite.collect.http import MAX_BODY
from okrsite.collect.json_source import read_json
from okrsite.collect.readings import Reading, SourceContext, SourceError
from okrsite.model.sources import JsonSource
from tests.trust import ANY_HOST

DAY = date(2026, 11, 19)
TOKEN = "t0ken-for-the-json-test"
DEPLOYS = {"deployments": {"production": {"count": 41, "label": "41", "ok": True}}}

Respond = Callable[[str], tuple[int, bytes]]


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 go straight to the test server, whatever proxy the host sets."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root holding deploys.json, beside a folder outside it."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "deploys.json").write_text(json.dumps(DEPLOYS), encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.json").write_text('{"count": 1}', encoding="utf-8")
    return root


def context(root: Path, env: dict[str, str] | None = None, timeout: float = 2.0) -> SourceContext:
    """A collection as of DAY, with a short timeout."""
    return SourceContext(root=root, day=DAY, env=env or {}, timeout=timeout, settings=ANY_HOST)


def read_file(root: Path, path: str, expression: str) -> Reading:
    """The reading of path's document at expression."""
    return read_json(JsonSource(expression=expression, path=path), context(root))


def failure(call: Callable[[], object]) -> str:
    """The message of the SourceError the call raises."""
    with pytest.raises(SourceError) as caught:
        call()
    return str(caught.value)


def document(root: Path, text: str | bytes, name: str = "d.json") -> str:
    """Write a document to the repository; its path relative to the root."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    (root / name).write_bytes(data)
    return name


@contextmanager
def serving(respond: Respond) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """An HTTP server on 127.0.0.1 answering GET path with respond(path); its base URL and the
    headers of each request it saw."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            if self.path in STREAMS:
                self.stream(*STREAMS[self.path])
                return
            status, body = respond(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if body.startswith(GZIP_MAGIC):
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def stream(self, chunk: bytes, pause: float) -> None:
            """Send chunk after chunk with no Content-Length, until the client hangs up."""
            self.send_response(200)
            self.end_headers()
            deadline = time.monotonic() + 10
            with contextlib.suppress(OSError):
                while time.monotonic() < deadline:
                    self.wfile.write(chunk)
                    time.sleep(pause)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests' output is pytest's."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


GZIP_MAGIC = b"\x1f\x8b"
STREAMS = {"/endless.json": (b" " * 65536, 0.0), "/trickle.json": (b" ", 0.05)}
"""Paths the test server answers with a body that never ends: fast, and one byte at a time."""


def files(path: str) -> tuple[int, bytes]:
    """A tiny web server's documents."""
    if path == "/deploys.json":
        return 200, json.dumps(DEPLOYS).encode()
    if path == "/deploys.json.gz":
        return 200, gzip.compress(json.dumps(DEPLOYS).encode())
    if path == "/bomb.json.gz":  # 10 MiB and a byte of spaces: small packed, too large unpacked
        return 200, gzip.compress(b" " * (MAX_BODY + 1))
    if path == "/big.json":
        return 200, b" " * (MAX_BODY + 1)
    return 404, b'{"message": "Not Found"}'


# A file in the repository.


def test_a_number_from_a_file(repo: Path) -> None:
    reading = read_file(repo, "deploys.json", "deployments.production.count")
    assert reading == Reading(41.0, "json: 41 from deploys.json at deployments.production.count")


@pytest.mark.parametrize(
    ("text", "expression", "value"),
    [
        ('{"a": -3.5}', "a", -3.5),
        ('{"a": 1e3}', "a", 1000.0),
        ('{"runs": [{"ms": 10}, {"ms": 30}]}', "avg(runs[].ms)", 20.0),
        ('{"runs": [{"ok": true}, {"ok": false}, {"ok": true}]}', "length(runs[?ok])", 2.0),
        ('[{"env": "prod", "n": 4}, {"env": "dev", "n": 9}]', "[?env=='prod'].n | [0]", 4.0),
        ('{"a": 0}', "a", 0.0),
    ],
)
def test_expressions(repo: Path, text: str, expression: str, value: float) -> None:
    assert read_file(repo, document(repo, text), expression).value == value


def test_a_file_in_a_subfolder_and_utf16(repo: Path) -> None:
    (repo / "metrics").mkdir()
    path = document(repo, '{"n": 2.25}'.encode("utf-16"), "metrics/n.json")
    assert read_file(repo, path, "n") == Reading(2.25, "json: 2.25 from metrics/n.json at n")


def test_a_symbolic_link_inside_the_repository_is_followed(repo: Path) -> None:
    (repo / "alias.json").symlink_to("deploys.json")
    assert read_file(repo, "alias.json", "deployments.production.count").value == 41.0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside/secret.json", "../outside/secret.json is outside the repository"),
        ("a/../../outside/secret.json", "a/../../outside/secret.json is outside the repository"),
        ("link.json", "link.json is a symbolic link to outside the repository"),
        ("linked/secret.json", "linked/secret.json is a symbolic link to outside the repository"),
        ("/etc/passwd", "'/etc/passwd' must be a path relative to the repository's root"),
        ("missing.json", "missing.json does not exist in the repository"),
        ("folder", "folder is a directory, not a JSON file"),
        (".", ". is a directory, not a JSON file"),
        ("loop.json", "could not follow loop.json: "),
        ("a\x00b.json", "'a\\x00b.json' is not a valid path"),
    ],
)
def test_the_file_must_be_inside_the_repository(repo: Path, path: str, message: str) -> None:
    outside = repo.parent / "outside"
    (repo / "link.json").symlink_to(outside / "secret.json")
    (repo / "linked").symlink_to(outside)
    (repo / "folder").mkdir()
    (repo / "loop.json").symlink_to("loop.json")
    got = failure(lambda: read_file(repo, path, "count"))
    if path == "loop.json":  # the wording of ELOOP is the platform's
        assert got.startswith(message)
    else:
        assert got == message


def test_a_named_pipe_is_refused_without_waiting(repo: Path) -> None:
    os.mkfifo(repo / "pipe.json")
    assert failure(lambda: read_file(repo, "pipe.json", "a")) == "pipe.json is not a regular file"


def test_too_large_a_file(repo: Path) -> None:
    with (repo / "big.json").open("wb") as big:
        big.truncate(MAX_BODY + 1)  # sparse: the size without the writing
    message = failure(lambda: read_file(repo, "big.json", "a"))
    assert message == "big.json is larger than 10 MiB; okrsite reads at most that"


def test_a_file_of_exactly_the_limit_is_read(repo: Path) -> None:
    text = '{"a": 5}'
    document(repo, text + " " * (MAX_BODY - len(text)))
    assert read_file(repo, "d.json", "a").value == 5.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"a": 1,}',
            "d.json is not valid JSON: Expecting property name enclosed in double quotes "
            "at line 1 column 9",
        ),
        (
            '{\n  "a": 1\n  "b": 2\n}',
            "d.json is not valid JSON: Expecting ',' delimiter at line 3 column 3",
        ),
        ("", "d.json is not valid JSON: Expecting value at line 1 column 1"),
        (b"\xff\xfe\xfd", "d.json is not valid JSON: it is not UTF-8 text"),
        ('{"a": 1} {"b": 2}', "d.json is not valid JSON: Extra data at line 1 column 10"),
    ],
)
def test_invalid_json(repo: Path, text: str | bytes, message: str) -> None:
    path = document(repo, text)
    assert failure(lambda: read_file(repo, path, "a")) == message


def test_json_nested_too_deeply(repo: Path) -> None:
    path = document(repo, "[" * 100_000 + "]" * 100_000)
    message = failure(lambda: read_file(repo, path, "a"))
    assert message.startswith("d.json is not JSON okrsite can read: maximum recursion depth")


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "deployments[]]",
            "'deployments[]]' is not a JMESPath expression: Unexpected token: ]: "
            'Parse error at column 13, token "]" (RBRACKET)',
        ),
        ("", "'' is not a JMESPath expression: Invalid JMESPath expression: cannot be empty."),
        (
            "deployments.`x",
            "'deployments.`x' is not a JMESPath expression: "
            "Bad jmespath expression: Unclosed ` delimiter",
        ),
        (
            "sum(deployments.production.label)",
            "'sum(deployments.production.label)' failed: In function sum(), invalid type for "
            "value: 41, expected one of: ['array-number'], received: \"string\"",
        ),
        ("nope(deployments)", "'nope(deployments)' failed: Unknown function: nope()"),
        (
            "length(deployments, deployments)",
            "'length(deployments, deployments)' failed: "
            "Expected 1 argument for function length(), received 2",
        ),
    ],
)
def test_expression_errors(repo: Path, expression: str, message: str) -> None:
    assert failure(lambda: read_file(repo, "deploys.json", expression)) == message


@pytest.mark.parametrize(
    ("text", "expression", "message"),
    [
        ('{"a": true}', "a", "a in d.json gave true, not a number"),
        ('{"a": false}', "a", "a in d.json gave false, not a number"),
        ('{"a": "41"}', "a", "a in d.json gave the string '41', not a number"),
        ('{"a": "x\\ny"}', "a", "a in d.json gave the string 'x\\ny', not a number"),
        ('{"a": null}', "a", "a in d.json found nothing"),
        ('{"b": 1}', "a.b.c", "a.b.c in d.json found nothing"),
        ('{"a": [1, 2]}', "a", "a in d.json gave a list of 2 items, not a number"),
        ('{"a": {"b": 1}}', "a", "a in d.json gave an object, not a number"),
        ('{"a": NaN}', "a", "a in d.json gave nan, not a finite number"),
        ('{"a": 1e400}', "a", "a in d.json gave inf, not a finite number"),
        ('{"a": -Infinity}', "a", "a in d.json gave -inf, not a finite number"),
        ('{"a": 1' + "0" * 400 + "}", "a", "a in d.json gave a number too large to read"),
        (
            '{"a": 2e15}',
            "a",
            "a in d.json gave 2000000000000000.0, which is too large; okrsite takes numbers up "
            "to 1e+15 either way (change the unit, e.g. to thousands)",
        ),
    ],
)
def test_what_came_back_if_not_a_number(
    repo: Path, text: str, expression: str, message: str
) -> None:
    path = document(repo, text)
    assert failure(lambda: read_file(repo, path, expression)) == message


def test_exactly_one_of_path_and_url(repo: Path) -> None:
    both = JsonSource(expression="a", path="d.json", url="http://127.0.0.1:9/")
    message = "a JSON source needs exactly one of path and url"
    assert failure(lambda: read_json(both, context(repo))) == message
    assert failure(lambda: read_json(JsonSource(expression="a"), context(repo))) == message


# A URL.


def test_a_number_from_a_url(repo: Path) -> None:
    with serving(files) as (base, seen):
        url = f"{base}/deploys.json"
        source = JsonSource(expression="deployments.production.count", url=url)
        reading = read_json(source, context(repo))
    assert reading == Reading(41.0, f"json: 41 from {url} at deployments.production.count")
    assert "Authorization" not in seen[0]


def test_the_token_goes_in_the_authorization_header(repo: Path) -> None:
    with serving(files) as (base, seen):
        source = JsonSource(
            expression="deployments.production.count",
            url=f"{base}/deploys.json",
            token_env="DEPLOYS_TOKEN",
        )
        read_json(source, context(repo, {"DEPLOYS_TOKEN": f"{TOKEN}\n"}))
    assert seen[0]["Authorization"] == f"Bearer {TOKEN}"


def test_a_missing_token_is_named_before_any_request(repo: Path) -> None:
    with serving(files) as (base, seen):
        source = JsonSource(expression="a", url=f"{base}/deploys.json", token_env="DEPLOYS_TOKEN")
        message = failure(lambda: read_json(source, context(repo)))
    assert message == "the environment variable DEPLOYS_TOKEN (the bearer token) is not set"
    assert seen == []


def test_a_token_that_cannot_be_a_header_is_never_quoted(repo: Path) -> None:
    with serving(files) as (base, _seen):
        source = JsonSource(expression="a", url=f"{base}/deploys.json", token_env="DEPLOYS_TOKEN")
        env = {"DEPLOYS_TOKEN": f"{TOKEN}\r\nX-Injected: 1"}
        message = failure(lambda: read_json(source, context(repo, env)))
    assert message == "the environment variable DEPLOYS_TOKEN holds no valid bearer token"


def test_no_part_of_an_echoed_token_shows_where_a_quote_is_cut(repo: Path) -> None:
    # The token comes out before a quoted string is cut, or the cut would keep its first half.
    echo = "x" * 70 + TOKEN

    def echoing(_path: str) -> tuple[int, bytes]:
        return 200, json.dumps({"v": echo, "long": "y" * 147 + TOKEN}).encode()

    env = {"DEPLOYS_TOKEN": TOKEN}
    with serving(echoing) as (base, _seen):
        url = f"{base}/echo.json"
        string = JsonSource(expression="v", url=url, token_env="DEPLOYS_TOKEN")
        message = failure(lambda: read_json(string, context(repo, env)))
        assert message == f"v in {url} gave the string '{'x' * 70}[token]', not a number"
        # A jmespath error quoting the value, cut at 200 characters, a few into the token.
        failed = JsonSource(expression="abs(long)", url=url, token_env="DEPLOYS_TOKEN")
        message = failure(lambda: read_json(failed, context(repo, env)))
        assert message == (
            "'abs(long)' failed: In function abs(), invalid type for value: "
            + "y" * 147
            + "[token], …"
        )


def test_http_errors(repo: Path) -> None:
    with serving(files) as (base, _seen):
        source = JsonSource(expression="a", url=f"{base}/missing.json")
        message = failure(lambda: read_json(source, context(repo)))
    assert message == f"{base}/missing.json answered HTTP 404"


def test_too_large_a_body(repo: Path) -> None:
    with serving(files) as (base, _seen):
        source = JsonSource(expression="a", url=f"{base}/big.json")
        message = failure(lambda: read_json(source, context(repo)))
    assert message == f"{base}/big.json sent more than 10 MiB; okrsite reads at most that"


def test_a_gzipped_body_is_unpacked_and_counted_unpacked(repo: Path) -> None:
    with serving(files) as (base, _seen):
        source = JsonSource(
            expression="deployments.production.count", url=f"{base}/deploys.json.gz"
        )
        assert read_json(source, context(repo)).value == 41.0
        bomb = JsonSource(expression="a", url=f"{base}/bomb.json.gz")
        message = failure(lambda: read_json(bomb, context(repo)))
    assert message == f"{base}/bomb.json.gz sent more than 10 MiB; okrsite reads at most that"


def test_a_body_without_end_is_cut_off_at_the_limit(repo: Path) -> None:
    with serving(files) as (base, _seen):
        source = JsonSource(expression="a", url=f"{base}/endless.json")
        message = failure(lambda: read_json(source, context(repo)))
    assert message == f"{base}/endless.json sent more than 10 MiB; okrsite reads at most that"


def test_a_trickling_body_is_cut_off_at_the_timeout(repo: Path) -> None:
    started = time.monotonic()
    with serving(files) as (base, _seen):
        source = JsonSource(expression="a", url=f"{base}/trickle.json")
        message = failure(lambda: read_json(source, context(repo, timeout=0.5)))
    assert message == f"{base}/trickle.json did not answer within 0.5 seconds"
    assert time.monotonic() - started < 2


def test_invalid_json_from_a_url_names_the_url(repo: Path) -> None:
    with serving(lambda _path: (200, b"<html>")) as (base, _seen):
        source = JsonSource(expression="a", url=f"{base}/page")
        message = failure(lambda: read_json(source, context(repo)))
    assert message == f"{base}/page is not valid JSON: Expecting value at line 1 column 1"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.json", "deploys.json"])
def test_only_http_urls(repo: Path, url: str) -> None:
    source = JsonSource(expression="a", url=url)
    message = failure(lambda: read_json(source, context(repo)))
    assert message == f"'{url}' is not an http:// or https:// address"


def test_nothing_listening(repo: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = JsonSource(expression="a", url=f"http://127.0.0.1:{port}/d.json")
    message = failure(lambda: read_json(source, context(repo)))
    assert message == f"could not reach http://127.0.0.1:{port}/d.json: Connection refused"
