"""`okrsite serve`: build the site, serve it on localhost, rebuild when the sources change, and
reload the open pages (or show them the failed rebuild's error)."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from okrsite.cli.build import DEFAULT_OUT, cache_options, report, summary
from okrsite.cli.common import common_options, get_context, out_option
from okrsite.model.clock import today
from okrsite.pipeline import build_site
from okrsite.site.serve import LiveReload, fingerprint, start_server, watch
from okrsite.site.write import recover_site


@click.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 to serve on; 0 picks a free one.",
)
@out_option(DEFAULT_OUT, "the site")
@cache_options
@common_options
def serve(port: int, out: Path, cache: Path, no_cache: bool) -> None:
    """Build and serve the site on localhost; rebuild when okrs/, content/, theme/ change.

    Open pages reload after each rebuild; a failed one shows its error over the last good site.
    A rebuild redoes only the quarters and charts an edit changed (see --cache).
    """
    root = get_context().root
    out = root / out
    kept = None if no_cache else root / cache

    def rebuild() -> None:
        report(summary(build_site(root, out, today=today(), progress=report, cache=kept)))

    built_from = fingerprint(root)
    # A build killed in its swap is repaired even if the first build stops at the data's errors.
    recover_site(out, report)
    rebuild()
    live = LiveReload()
    server = start_server(out, port, live=live)
    report(f"serving http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)")
    stop = threading.Event()
    try:
        watch(root, rebuild, stop, report, since=built_from, live=live)
    except KeyboardInterrupt:
        report("stopping")
    finally:
        stop.set()
        # Also answers the pages' waiting long-polls, so stopping never waits on a browser.
        server.shutdown()
        server.server_close()
