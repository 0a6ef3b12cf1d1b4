"""`okrsite serve`'s machinery: the built site over HTTP on localhost, rebuilt on changes, and
pages that reload themselves after a rebuild or show why it failed.

Like GitHub Pages, the server answers a missing path with the site's root 404.html; and, like
`mkdocs serve`, it serves the site under site_url's path (`/okrs/` for
https://example.github.io/okrs/), where the 404 pages' links from the server's root lead.

It answers only requests that name it: a `Host:` other than localhost, 127.0.0.1 or [::1] at
its own port gets 421, so a web page whose own name an attacker points at 127.0.0.1 (DNS
rebinding) cannot read the site; a path no file can have (a NUL byte) gets 400.
"""

from __future__ import annotations

import functools
import io
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from okrsite.model.errors import OkrsiteError
from okrsite.site.pages.not_found import NOT_FOUND

WATCHED = ("okrs", "content", "theme", "mkdocs.yml")
"""What a rebuild follows, relative to the root."""

LIVERELOAD_PATH = "/.okrsite/livereload"
"""The long-poll endpoint pages ask, with ?since=<build>, for the next build."""

POLL_SECONDS = 30.0
"""How long a long-poll waits before answering with no news, so connections do not pile up."""

Fingerprint = tuple[tuple[str, int, int], ...]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
"""The names a request's Host may give the server, at its port."""

NO_FILE = ".okrsite-outside-the-base-path"
"""What a path outside the base path translates to: a name no built site holds."""

# Inline, with no network: the page asks its own server for news and reloads once a newer good
# build is on disk. PAGE_BUILD is replaced by the good build the page was served from.
LIVERELOAD_SCRIPT = """\
(() => {
  const page = PAGE_BUILD;
  let since = -1, request = null, timer = null;
  const show = (error) => {
    let box = document.getElementById("okrsite-rebuild-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "okrsite-rebuild-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2147483647;" +
        "max-height:50vh;overflow:auto;margin:0;padding:12px 16px;background:#fff4f4;" +
        "color:#5c0000;border-bottom:3px solid #c62828;white-space:pre-wrap;" +
        "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      (document.body || document.documentElement).prepend(box);
    }
    // As text, never as markup: the error quotes the repository's own files.
    box.textContent = "okrsite: the rebuild failed; this is the last good site.\\n\\n" + error;
  };
  const stop = () => {
    clearTimeout(timer);
    const pending = request;
    request = null;
    if (pending) pending.abort();
  };
  const poll = () => {
    clearTimeout(timer);
    if (request || document.visibilityState !== "visible") return;
    const xhr = request = new XMLHttpRequest();
    xhr.onloadend = () => {
      if (request !== xhr) return;
      request = null;
      let state = null;
      try {
        if (xhr.status === 200) state = JSON.parse(xhr.responseText);
      } catch (_) {}
      // No answer: the server is stopped or restarting; ask again a little later.
      if (!state) { timer = setTimeout(poll, 3000); return; }
      if (state.good !== page) { location.reload(); return; }
      if (state.error !== null) show(state.error);
      since = state.build;
      poll();
    };
    xhr.open("GET", "LIVERELOAD_PATH?since=" + since);
    xhr.send();
  };
  // Hidden tabs let go of their connection: browsers allow only a few per host.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll(); else stop();
  });
  addEventListener("pagehide", stop);
  addEventListener("pageshow", poll);
  poll();
})();
""".replace("LIVERELOAD_PATH", LIVERELOAD_PATH)


def _walk(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from (p for p in sorted(path.rglob("*")) if p.is_file())


def fingerprint(root: Path) -> Fingerprint:
    """Every watched file with its modification time and size, sorted."""
    found: list[tuple[str, int, int]] = []
    for name in WATCHED:
        for path in _walk(root / name):
            try:
                stat = path.stat()
            except OSError:  # deleted while walking: the next poll sees it gone
                continue
            found.append((path.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(found))


@dataclass(frozen=True)
class BuildState:
    """The latest rebuild's number, the number of the last good one, and its error if it failed."""

    build: int
    good: int
    error: str | None


class LiveReload:
    """The build state shared by the watcher, which bumps it, and the pages' long-polls."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._state = BuildState(build=0, good=0, error=None)
        self._closed = False

    @property
    def state(self) -> BuildState:
        """The state as it is now."""
        with self._changed:
            return self._state

    def rebuilt(self, error: str | None = None) -> None:
        """Record a rebuild, failed with error if given, and wake every waiting page."""
        with self._changed:
            build = self._state.build + 1
            # A failed rebuild left the last good site on disk: pages keep it and show the error.
            good = self._state.good if error is not None else build
            self._state = BuildState(build=build, good=good, error=error)
            self._changed.notify_all()

    def wait(self, since: int, timeout: float) -> BuildState:
        """The state once its build differs from since, or as it is after timeout or close()."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.build != since or self._closed, timeout)
            return self._state

    def close(self) -> None:
        """Answer every waiting page now, and any later one at once: the server is stopping."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def inject_script(html: bytes, good: int) -> bytes:
    """html with the live-reload script before its last </body>, or at its end without one."""
    script = LIVERELOAD_SCRIPT.replace("PAGE_BUILD", str(good))
    tag = f"<script>{script}</script>".encode()
    end = html.lower().rfind(b"</body>")
    if end < 0:
        end = len(html)
    return html[:end] + tag + html[end:]


class SiteServer(ThreadingHTTPServer):
    """The HTTP server, with the live-reload state its handlers read, if live reload is on, and
    the path the site is served under (`/` or site_url's path, such as `/okrs/`), which a
    rebuild for another site_url may change."""

    daemon_threads = True  # a waiting long-poll never keeps the process alive

    def __init__(
        self,
        address: tuple[str, int],
        handler: Callable[..., SimpleHTTPRequestHandler],
        live: LiveReload | None,
        poll_seconds: float,
        base_path: str = "/",
    ) -> None:
        self.live = live
        self.poll_seconds = poll_seconds
        self.base_path = base_path
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Drop a client gone mid-answer, routine when a page reloads; report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def shutdown(self) -> None:
        """Answer the waiting long-polls, then stop serving."""
        if self.live is not None:
            self.live.close()
        super().shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request; with live reload, HTML gains the script."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: the library never prints."""

    def _live(self) -> LiveReload | None:
        """The server's live-reload state, or None when live reload is off."""
        return self.server.live if isinstance(self.server, SiteServer) else None

    def _base_path(self) -> str:
        """The path the site is served under: `/`, or site_url's path such as `/okrs/`."""
        return self.server.base_path if isinstance(self.server, SiteServer) else "/"

    def translate_path(self, path: str) -> str:
        """The file a path under the base path names; outside it, a path to no file."""
        base = self._base_path()
        url_path = urlsplit(path).path
        if base != "/" and not f"{url_path}/".startswith(base):
            return str(Path(self.directory) / NO_FILE)
        return super().translate_path(path[len(base) - 1 :])

    def parse_request(self) -> bool:
        """The request line and headers, refused here (421, 400) when the Host is not this
        server's or the path cannot name a file."""
        if not super().parse_request():
            return False
        if not self._host_is_mine():
            self.send_error(
                HTTPStatus.MISDIRECTED_REQUEST,
                "Host not served here",
                "okrsite serve answers only requests for localhost, 127.0.0.1 or [::1] at its "
                "own port",
            )
            return False
        try:
            translated = os.fsencode(self.translate_path(self.path))
        except ValueError:  # e.g. a lone surrogate, from %ED%A0%80
            translated = b"\0"
        if b"\0" in translated:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request path")
            return False
        return True

    def _host_is_mine(self) -> bool:
        """Whether the Host header names this server: a loopback name at its port (a request
        without one, as HTTP/1.0 allows, is from no browser and passes)."""
        host = self.headers.get("Host")
        if host is None:
            return True
        host = host.strip().lower()
        if host.startswith("["):  # [::1]:8000
            name, _, rest = host.partition("]")
            name += "]"
        else:
            name, _, rest = host.partition(":")
            rest = f":{rest}" if rest else ""
        given = rest.removeprefix(":") if rest.startswith(":") else ("80" if not rest else "")
        return name in LOOPBACK_NAMES and given == str(getattr(self.server, "server_port", ""))

    def end_headers(self) -> None:
        """With live reload, have browsers check every file again: a rebuild may change any."""
        if self._live() is not None:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        """The long-poll endpoint under live reload, else the file asked for."""
        live = self._live()
        if live is not None and urlsplit(self.path).path == LIVERELOAD_PATH:
            self._answer_poll(live)
        elif not self._sent_to_base():
            super().do_GET()

    def do_HEAD(self) -> None:
        """The headers of the file asked for."""
        if not self._sent_to_base():
            super().do_HEAD()

    def _sent_to_base(self) -> bool:
        """Whether the request was for `/` with the site under another path, and was sent there,
        as `mkdocs serve` does."""
        base = self._base_path()
        if base == "/" or urlsplit(self.path).path != "/":
            return False
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", base)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing path gets the site's 404.html, as GitHub Pages answers; else the base's."""
        page = Path(self.directory) / NOT_FOUND
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        try:
            body = page.read_bytes()
        except OSError:
            super().send_error(code, message, explain)
            return
        live = self._live()
        if live is not None:
            body = inject_script(body, live.state.good)
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer_poll(self, live: LiveReload) -> None:
        """Answer ?since=N once the build differs from N, or after the poll timeout."""
        assert isinstance(self.server, SiteServer)
        values = parse_qs(urlsplit(self.path).query).get("since", [])
        try:
            since = int(values[-1])
        except (IndexError, ValueError):
            self.send_error(HTTPStatus.BAD_REQUEST, "since must be a build number")
            return
        state = live.wait(since, self.server.poll_seconds)
        body = json.dumps({"build": state.build, "good": state.good, "error": state.error})
        self._send(body.encode(), "application/json")

    def _send(self, body: bytes, content_type: str) -> None:
        """A 200 with body."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_head(self) -> BinaryIO | None:
        """Headers for the file asked for; under live reload an HTML page's body gains the script.

        Only the response changes, never the file. Everything but an HTML file found (redirects,
        listings, errors, other types) is left to SimpleHTTPRequestHandler.
        """
        live = self._live()
        if live is None:
            return super().send_head()
        page = self._html_file()
        if page is None:
            return super().send_head()
        # The number before the file: a rebuild in between costs one extra reload, whereas the
        # other order could pair an old page with the new number, and it would stay stale.
        good = live.state.good
        try:
            html = page.read_bytes()
        except OSError:  # gone since, or unreadable: the base class's answer
            return super().send_head()
        body = inject_script(html, good)
        # No Last-Modified: the script names a build, so an unchanged file is no reason for a 304.
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(page)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _html_file(self) -> Path | None:
        """The HTML file this request's path names, as SimpleHTTPRequestHandler resolves it."""
        url_path = urlsplit(self.path).path
        # translate_path drops "..", so the file is always inside the served directory.
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):  # the base class redirects to the slashed URL
                return None
            indexes = [path / name for name in ("index.html", "index.htm")]
            path = next((index for index in indexes if index.is_file()), path)
        elif url_path.endswith("/"):  # a file named like a folder: the base class's 404
            return None
        if not path.is_file() or self.guess_type(str(path)) != "text/html":
            return None
        return path


def start_server(
    directory: Path,
    port: int,
    *,
    live: LiveReload | None = None,
    poll_seconds: float = POLL_SECONDS,
    base_path: str = "/",
) -> SiteServer:
    """An HTTP server for directory on localhost, answering in a daemon thread.

    With live, every HTML page served carries a script that reloads it after each good rebuild
    and shows a failed rebuild's error over it. base_path: the path the site is served under,
    `/` or site_url's path (see site_url.url_path); `/` is then sent there.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    try:
        server = SiteServer(("127.0.0.1", port), handler, live, poll_seconds, base_path)
    except OSError as error:
        raise OkrsiteError(f"cannot listen on port {port}: {error.strerror}") from error
    # shutdown() waits for the loop's next look at its flag: a short interval makes it prompt.
    serve = functools.partial(server.serve_forever, poll_interval=0.1)
    threading.Thread(target=serve, name="okrsite-serve", daemon=True).start()
    return server


def watch(
    root: Path,
    rebuild: Callable[[], None],
    stop: threading.Event,
    report: Callable[[str], None],
    interval: float = 1.0,
    since: Fingerprint | None = None,
    *,
    live: LiveReload | None = None,
) -> None:
    """Poll the watched files and rebuild on each change until stop is set.

    `since` is the state the current site was built from (default: the files as they are now).
    A failed rebuild is reported and the last good site stays served. Each rebuild, good or
    failed, is recorded in live, which tells the pages.
    """
    seen = since if since is not None else fingerprint(root)
    while not stop.wait(interval):
        now = fingerprint(root)
        if now == seen:
            continue
        seen = now
        report("change detected, rebuilding")
        try:
            rebuild()
        except OkrsiteError as error:
            report(f"rebuild failed, still serving the last good site:\n{error}")
            if live is not None:
                live.rebuilt(str(error))
        else:
            if live is not None:
                live.rebuilt()
