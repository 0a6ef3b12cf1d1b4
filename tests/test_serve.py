"""`okrsite serve`'s live reload against a real server on 127.0.0.1: the script in HTML responses
only, the long-poll endpoint, failed rebuilds, and a shutdown that never waits on a browser."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from okrsite.model.errors import OkrsiteError
from okrsite.site.serve import (
    LIVERELOAD_PATH,
    BuildState,
    LiveReload,
    start_server,
    watch,
)
from scripts.browser import CHROMIUM, launch

GUARD = 30.0
"""Seconds after which a test calls a wait hung: a guard against hanging, never a timing claim."""

PAGE = (
    b"<!doctype html>\n<html><head><title>t</title></head>\n"
    b"<!-- </body> -->\n<body><p>hi</p></body>\n</html>\n"
)
"""A page with a decoy </body> in a comment: the script goes before the last one."""


class ObservedLiveReload(LiveReload):
    """LiveReload that says when a long-poll has started waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()

    def wait(self, since: int, timeout: float) -> BuildState:
        """Signal, then wait; a change or close() after the signal is never missed (it is under
        the lock, and the wait checks before it sleeps)."""
        self.waiting.set()
        return super().wait(since, timeout)


@dataclass
class Response:
    """What the server answered."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def request(port: int, path: str, method: str = "GET") -> Response:
    """One raw request, the path sent exactly as given (no client-side normalising of "..")."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    try:
        connection.request(method, path)
        answer = connection.getresponse()
        return Response(
            answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        )
    finally:
        connection.close()


@dataclass
class Poll:
    """A long-poll running in a thread of its own."""

    port: int
    since: int
    answer: list[Response] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Poll:
        """Send the request; the answer lands in self.answer."""

        def run() -> None:
            self.answer.append(request(self.port, f"{LIVERELOAD_PATH}?since={self.since}"))
            self.done.set()

        threading.Thread(target=run, daemon=True).start()
        return self

    def result(self) -> Any:
        """The answer's JSON, waiting for it under the hang guard."""
        assert self.done.wait(GUARD), "the long-poll never answered"
        assert self.answer[0].status == 200
        return self.answer[0].json()


@contextmanager
def serving(
    folder: Path, live: LiveReload | None, poll_seconds: float = 600, base_path: str = "/"
) -> Iterator[ThreadingHTTPServer]:
    """A server for folder (under base_path) on an ephemeral port while the block runs."""
    server = start_server(folder, 0, live=live, poll_seconds=poll_seconds, base_path=base_path)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small built-site lookalike: pages, a folder index, and files that must stay as they are."""
    folder = tmp_path / "site"
    (folder / "2026-Q4").mkdir(parents=True)
    (folder / "index.html").write_bytes(PAGE)
    (folder / "2026-Q4/index.html").write_bytes(b"<html><BODY>quarter</BODY></html>")
    (folder / "bare.html").write_bytes(b"<p>no body tag</p>")
    (folder / "style.css").write_bytes(b"body { color: red; } /* </body> */\n")
    (folder / "scores.json").write_bytes(b'{"note": "</body>"}\n')
    (folder / "chart.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"></body></svg>\n')
    (folder / "app.js").write_bytes(b'document.write("</body>");\n')
    return folder


def test_html_gets_the_script_before_its_last_body_tag_with_the_right_length(site: Path) -> None:
    with serving(site, LiveReload()) as server:
        answer = request(server.server_port, "/index.html")
        head = request(server.server_port, "/index.html", method="HEAD")
    end = PAGE.rfind(b"</body>")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.body.startswith(PAGE[:end] + b"<script>")
    assert answer.body.endswith(b"</script>" + PAGE[end:])
    assert b"const page = 0;" in answer.body
    assert int(answer.headers["content-length"]) == len(answer.body) > len(PAGE)
    assert head.headers["content-length"] == answer.headers["content-length"]
    assert head.body == b""
    # The file on disk is never touched: only the response carries the script.
    assert (site / "index.html").read_bytes() == PAGE


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        ("/2026-Q4/", b"<html><BODY>quarter", b"</BODY></html>"),
        ("/bare.html", b"<p>no body tag</p>", b""),
    ],
)
def test_folder_indexes_and_pages_without_a_body_tag_get_it_too(
    site: Path, path: str, before: bytes, after: bytes
) -> None:
    with serving(site, LiveReload()) as server:
        answer = request(server.server_port, path)
    assert answer.body.startswith(before + b"<script>")
    assert answer.body.endswith(b"</script>" + after)
    assert int(answer.headers["content-length"]) == len(answer.body)


@pytest.mark.parametrize("name", ["style.css", "scores.json", "chart.svg", "app.js"])
def test_other_files_are_served_byte_for_byte(site: Path, name: str) -> None:
    with serving(site, LiveReload()) as server:
        answer = request(server.server_port, f"/{name}")
    assert answer.status == 200
    assert answer.body == (site / name).read_bytes()
    assert int(answer.headers["content-length"]) == len(answer.body)


def test_without_live_reload_pages_are_served_as_they_are(site: Path) -> None:
    with serving(site, None) as server:
        assert request(server.server_port, "/index.html").body == PAGE
        assert request(server.server_port, f"{LIVERELOAD_PATH}?since=0").status == 404


def test_the_endpoint_answers_at_once_when_the_page_is_behind(site: Path) -> None:
    live = LiveReload()
    live.rebuilt()
    live.rebuilt()
    with serving(site, live) as server:
        behind = request(server.server_port, f"{LIVERELOAD_PATH}?since=1")
        first = request(server.server_port, f"{LIVERELOAD_PATH}?since=-1")
        bad = request(server.server_port, f"{LIVERELOAD_PATH}?since=soon")
    assert behind.status == 200
    assert behind.headers["content-type"] == "application/json"
    assert behind.json() == {"build": 2, "good": 2, "error": None}
    assert first.json() == behind.json()
    assert bad.status == 400


def test_the_endpoint_waits_for_the_next_rebuild(site: Path) -> None:
    live = ObservedLiveReload()
    with serving(site, live) as server:
        poll = Poll(server.server_port, since=0).start()
        assert live.waiting.wait(GUARD), "the long-poll never reached the server"
        assert not poll.done.is_set()
        # Signalled from another thread, as the watcher does.
        threading.Thread(target=live.rebuilt).start()
        assert poll.result() == {"build": 1, "good": 1, "error": None}


def test_the_endpoint_answers_with_no_news_after_its_timeout(site: Path) -> None:
    live = LiveReload()
    with serving(site, live, poll_seconds=0.05) as server:
        poll = Poll(server.server_port, since=0).start()
        assert poll.result() == {"build": 0, "good": 0, "error": None}


def test_a_failed_rebuild_reaches_the_page_as_text(site: Path) -> None:
    error = 'okrs/2026-Q4/payments.yaml:3: bad title "<img src=x onerror=alert(1)>"'
    live = ObservedLiveReload()
    with serving(site, live) as server:
        poll = Poll(server.server_port, since=0).start()
        assert live.waiting.wait(GUARD)
        live.rebuilt(error)
        assert poll.result() == {"build": 1, "good": 0, "error": error}
        page = request(server.server_port, "/index.html").body.decode()
    # The page is still the last good build's, so the next good rebuild reloads it.
    assert "const page = 0;" in page
    script = page[page.rindex("<script>") : page.rindex("</script>")]
    assert "box.textContent = " in script
    assert "innerHTML" not in script
    assert "://" not in script  # no other host's URL: no network, no CDN


def test_the_next_good_rebuild_clears_the_error() -> None:
    live = LiveReload()
    live.rebuilt("broken")
    live.rebuilt()
    assert live.state == BuildState(build=2, good=2, error=None)


def test_watch_records_each_rebuild_good_or_failed(tmp_path: Path) -> None:
    (tmp_path / "okrs").mkdir()
    (tmp_path / "okrs/org.yaml").write_text("name: a\n", "utf-8")
    live = LiveReload()
    outcomes = iter([OkrsiteError("okrs/org.yaml:1: broken"), None])
    seen: list[BuildState] = []
    stop = threading.Event()
    reports: list[str] = []

    def rebuild() -> None:
        seen.append(live.state)
        outcome = next(outcomes)
        if outcome is not None:
            # Another edit, so the watcher's next poll rebuilds again.
            (tmp_path / "okrs/org.yaml").write_text("name: fixed\n", "utf-8")
            raise outcome
        stop.set()

    # since=(): as if built from no files, so the first poll sees a change.
    watcher = threading.Thread(
        target=watch,
        args=(tmp_path, rebuild, stop, reports.append, 0.01, ()),
        kwargs={"live": live},
        daemon=True,
    )
    watcher.start()
    watcher.join(timeout=GUARD)
    assert not watcher.is_alive(), reports
    assert seen == [
        BuildState(build=0, good=0, error=None),
        BuildState(build=1, good=0, error="okrs/org.yaml:1: broken"),
    ]
    assert live.state == BuildState(build=2, good=2, error=None)
    assert reports == [
        "change detected, rebuilding",
        "rebuild failed, still serving the last good site:\nokrs/org.yaml:1: broken",
        "change detected, rebuilding",
    ]


def test_shutdown_answers_a_pending_long_poll(site: Path) -> None:
    live = ObservedLiveReload()
    server = start_server(site, 0, live=live, poll_seconds=600)
    try:
        poll = Poll(server.server_port, since=0).start()
        assert live.waiting.wait(GUARD), "the long-poll never reached the server"
        stopper = threading.Thread(target=server.shutdown, daemon=True)
        stopper.start()
        stopper.join(timeout=GUARD)
        assert not stopper.is_alive(), "shutdown hung"
        assert poll.result() == {"build": 0, "good": 0, "error": None}
    finally:
        server.server_close()


@pytest.mark.parametrize(
    "path", ["/../secret.html", "/%2e%2e/secret.html", "/2026-Q4/../../secret.html"]
)
def test_paths_never_escape_the_served_folder(site: Path, path: str) -> None:
    (site.parent / "secret.html").write_text("<p>secret</p>", "utf-8")
    with serving(site, LiveReload()) as server:
        answer = request(server.server_port, path)
    assert answer.status == 404
    assert b"secret" not in answer.body


@pytest.mark.browser
def test_a_browser_shows_the_error_then_reloads_after_the_fix(site: Path) -> None:
    if not CHROMIUM.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium package")
    error = "okrs/org.yaml:2: <b id=injected>not bold</b>"
    live = LiveReload()
    url = ""
    errors: list[str] = []

    def open_page(browser: Browser) -> Page:
        page = browser.new_page()
        page.set_default_timeout(GUARD * 1000)
        page.on("pageerror", lambda e: errors.append(str(e)))  # the script's own errors
        page.goto(url)
        return page

    with serving(site, live) as server, sync_playwright() as playwright:
        url = f"http://127.0.0.1:{server.server_port}/index.html"
        browser = launch(playwright)
        try:
            before = open_page(browser)
            live.rebuilt(error)
            # A page open at the failure, and one opened after it, both show the error as text.
            after = open_page(browser)
            for page in (before, after):
                banner = page.locator("#okrsite-rebuild-error")
                banner.wait_for(state="visible")
                assert error in banner.inner_text()
                assert page.locator("#injected").count() == 0
            (site / "index.html").write_bytes(PAGE.replace(b"hi", b"fixed"))
            live.rebuilt()
            for page in (before, after):
                page.get_by_text("fixed").wait_for()
                assert page.locator("#okrsite-rebuild-error").count() == 0
        finally:
            browser.close()
    assert errors == []


def test_a_page_gone_mid_answer_is_not_reported(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A reloading page drops its long-poll: routine, so nothing reaches the terminal.
    with serving(site, LiveReload()) as server, socket.socket() as client:
        try:
            raise BrokenPipeError(32, "Broken pipe")
        except BrokenPipeError:
            server.handle_error(client, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""


NOT_FOUND_PAGE = b"<html><body><h1>404 - Not found</h1></body></html>\n"


@pytest.mark.parametrize("live", [None, LiveReload()], ids=["plain", "live"])
def test_a_missing_path_gets_the_sites_404_page_as_github_pages_does(
    site: Path, live: LiveReload | None
) -> None:
    (site / "404.html").write_bytes(NOT_FOUND_PAGE)
    with serving(site, live) as server:
        answer = request(server.server_port, "/2026-Q4/no/such/page/")
        head = request(server.server_port, "/2026-Q4/no/such/page/", method="HEAD")
    assert answer.status == head.status == 404
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert int(answer.headers["content-length"]) == len(answer.body)
    assert head.headers["content-length"] == answer.headers["content-length"]
    assert head.body == b""
    if live is None:
        assert answer.body == NOT_FOUND_PAGE
    else:  # it reloads after a rebuild like every other page
        assert answer.body.startswith(b"<html><body><h1>404 - Not found</h1><script>")


def test_without_a_404_page_a_missing_path_gets_the_servers_own(site: Path) -> None:
    with serving(site, None) as server:
        answer = request(server.server_port, "/no/such/page/")
    assert answer.status == 404
    assert b"File not found" in answer.body


def test_the_site_is_served_under_its_base_path_as_mkdocs_serve_does(site: Path) -> None:
    (site / "404.html").write_bytes(NOT_FOUND_PAGE)
    (site.parent / "secret.html").write_text("<p>secret</p>", "utf-8")
    with serving(site, None, base_path="/okrs/") as server:
        port = server.server_port
        root = request(port, "/")
        page = request(port, "/okrs/index.html")
        quarter = request(port, "/okrs/2026-Q4/")
        bare = request(port, "/okrs")
        outside = [request(port, path) for path in ("/index.html", "/okrsx/index.html")]
        escape = request(port, "/okrs/../secret.html")
    assert (root.status, root.headers["location"]) == (302, "/okrs/")
    assert (page.status, page.body) == (200, PAGE)
    assert quarter.body == b"<html><BODY>quarter</BODY></html>"
    assert (bare.status, bare.headers["location"]) == (301, "/okrs/")
    for answer in [*outside, escape]:
        assert (answer.status, answer.body) == (404, NOT_FOUND_PAGE)


def test_live_reload_is_asked_at_the_servers_root_under_a_base_path(site: Path) -> None:
    live = LiveReload()
    with serving(site, live, base_path="/okrs/") as server:
        page = request(server.server_port, "/okrs/index.html")
        poll = request(server.server_port, f"{LIVERELOAD_PATH}?since=-1")
    assert f'"{LIVERELOAD_PATH}?since="'.encode() in page.body
    assert poll.json() == {"build": 0, "good": 0, "error": None}


def raw(port: int, data: bytes) -> bytes:
    """The server's whole answer to data, sent as it is on a connection of its own."""
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("path", ["/%00", "/2026-Q4/%00.html", "/a%00b/", "/%ED%A0%80"])
def test_a_path_no_file_can_have_is_a_bad_request(
    site: Path, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """T6: `GET /%00` once got a traceback on the server and no answer at all; now a 400."""
    with serving(site, LiveReload()) as server:
        port = server.server_port
        answer = raw(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert request(port, "/").status == 200  # and the server serves on
    assert answer.startswith(b"HTTP/1.0 400 Bad request path\r\n")
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "host", ["attacker.example", "attacker.example:{port}", "127.0.0.1:1", "localhost", ""]
)
def test_a_foreign_host_is_refused(site: Path, host: str) -> None:
    """T6: a page on another name that resolves to 127.0.0.1 (DNS rebinding) gets nothing."""
    with serving(site, LiveReload()) as server:
        port = server.server_port
        head = f"Host: {host.format(port=port)}\r\n"
        answer = raw(port, f"GET /index.html HTTP/1.1\r\n{head}\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 421 Host not served here\r\n")
    assert b"<p>hi</p>" not in answer


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", None])
def test_the_servers_own_names_are_served(site: Path, host: str | None) -> None:
    with serving(site, None) as server:
        port = server.server_port
        head = "" if host is None else f"Host: {host.format(port=port)}\r\n"
        version = "HTTP/1.0" if host is None else "HTTP/1.1"
        answer = raw(port, f"GET /index.html {version}\r\n{head}Connection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 200 OK\r\n")
    assert answer.endswith(PAGE)
