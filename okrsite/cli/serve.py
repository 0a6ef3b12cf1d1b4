"""`okrsite serve`: build the site, serve it on localhost, rebuild when the sources change, and
reload the open pages (or show them the failed rebuild's error)."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from okrsite.cli.build import (
    DEFAULT_OUT,
    cache_options,
    checked_site_url,
    engine_option,
    report,
    site_url_option,
    summary,
)
from okrsite.cli.common import common_options, get_context, out_option
from okrsite.model.clock import today
from okrsite.pipeline import build_site
from okrsite.site.builder.site_url import url_path
from okrsite.site.builder.tally import Tally
from okrsite.site.output.swap import recover_site
from okrsite.site.serve import LiveReload, fingerprint, start_server, watch


@click.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 to serve on; 0 picks a free one.",
)
@out_option(DEFAULT_OUT, "the site")
@site_url_option
@engine_option
@cache_options
@common_options
def serve(
    port: int, out: Path, site_url: str | None, engine: str | None, cache: Path, no_cache: bool
) -> None:
    """Build and serve the site on localhost; rebuild when okrs/, content/, theme/ change.

    Open pages reload after each rebuild; a failed one shows its error over the last good site.
    A rebuild redoes only the quarters and charts an edit changed (see --cache). With a
    site_url, the site is served under its path (/okrs/ for https://example.github.io/okrs/),
    where the 404 pages' links lead.
    """
    root = get_context().root
    out = root / out
    kept = None if no_cache else root / cache
    site_url = checked_site_url(site_url)

    def build() -> Tally:
        """Build the site and say what the build did."""
        tally = build_site(
            root,
            out,
            today=today(),
            progress=report,
            cache=kept,
            site_url=site_url,
            engine=engine,
        )
        report(summary(tally))
        return tally

    built_from = fingerprint(root)
    # A build killed in its swap is repaired even if the first build stops at the data's errors.
    recover_site(out, report)
    base = url_path(build().site_url)
    live = LiveReload()
    server = start_server(out, port, live=live, base_path=base)

    def rebuild() -> None:
        """Build again, and serve the site under its new path if site_url's path changed."""
        moved = url_path(build().site_url)
        if moved != server.base_path:  # mkdocs.yml's site_url was edited
            server.base_path = moved
            report(f"now serving http://127.0.0.1:{server.server_port}{moved}")

    report(f"serving http://127.0.0.1:{server.server_port}{base} (Ctrl-C to stop)")
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
