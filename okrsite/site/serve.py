"""`okrsite serve`'s machinery: the built site over HTTP on localhost, rebuilt on changes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from okrsite.model.errors import OkrsiteError

WATCHED = ("okrs", "content", "theme", "mkdocs.yml")
"""What a rebuild follows, relative to the root."""

Fingerprint = tuple[tuple[str, int, int], ...]


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


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to the console."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: the library never prints."""


def start_server(directory: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for directory on localhost, answering in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise OkrsiteError(f"cannot listen on port {port}: {error.strerror}") from error
    threading.Thread(target=server.serve_forever, name="okrsite-serve", daemon=True).start()
    return server


def watch(
    root: Path,
    rebuild: Callable[[], None],
    stop: threading.Event,
    report: Callable[[str], None],
    interval: float = 1.0,
    since: Fingerprint | None = None,
) -> None:
    """Poll the watched files and rebuild on each change until stop is set.

    `since` is the state the current site was built from (default: the files as they are now).
    A failed rebuild is reported and the last good site stays served.
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
