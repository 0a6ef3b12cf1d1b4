"""`okrsite serve`: build the site, serve it on localhost, rebuild when the sources change."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from okrsite.cli.build import DEFAULT_OUT, report
from okrsite.cli.common import common_options, get_context, out_option
from okrsite.model.clock import today
from okrsite.pipeline import build_site
from okrsite.site.serve import fingerprint, start_server, watch
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
@common_options
def serve(port: int, out: Path) -> None:
    """Build and serve the site on localhost; rebuild when okrs/, content/, theme/ change."""
    root = get_context().root
    out = root / out

    def rebuild() -> None:
        build_site(root, out, today=today(), progress=report)

    built_from = fingerprint(root)
    # A build killed in its swap is repaired even if the first build stops at the data's errors.
    recover_site(out, report)
    rebuild()
    server = start_server(out, port)
    report(f"serving http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)")
    stop = threading.Event()
    try:
        watch(root, rebuild, stop, report, since=built_from)
    except KeyboardInterrupt:
        report("stopping")
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
