"""`okrsite build`: the versioned site, every quarter a version of it."""

from __future__ import annotations

import shlex
import time
from pathlib import Path

import click

from okrsite.cli.common import F, common_options, get_context, out_option
from okrsite.cli.progress import display
from okrsite.model.clock import parse_date, today
from okrsite.pipeline import build_site
from okrsite.site.builder.edit_url import EXAMPLE as EDIT_EXAMPLE
from okrsite.site.builder.edit_url import OPTION as EDIT_OPTION
from okrsite.site.builder.edit_url import check_edit_url
from okrsite.site.builder.engines import NAMES
from okrsite.site.builder.settings import ENGINE_OPTION, ENGINES
from okrsite.site.builder.site_url import EXAMPLE, OPTION, check_site_url, url_path
from okrsite.site.builder.tally import Tally
from okrsite.site.output.swap import recover_site

DEFAULT_OUT = Path("site")
DEFAULT_CACHE = Path(".okrsite-cache")


def report(message: str) -> None:
    """Show a progress line on standard error, leaving standard output clean."""
    click.echo(message, err=True)


def cache_options(command: F) -> F:
    """--cache DIR and --no-cache: where drawn charts and built quarters are kept."""
    command = click.option(
        "--no-cache",
        is_flag=True,
        help="Build everything afresh, and keep nothing for the next build.",
    )(command)
    return click.option(
        "--cache",
        "cache",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_CACHE,
        show_default=True,
        help="Where drawn charts and built quarters are kept between builds, so the next build "
        "redoes only what changed; relative paths are taken from --root. Safe to delete.",
    )(command)


def site_url_option(command: F) -> F:
    """--site-url URL: where the site is published, over mkdocs.yml's site_url."""
    return click.option(
        OPTION,
        "site_url",
        metavar="URL",
        default=None,
        help=f"The address the site is published at, such as {EXAMPLE} (default: site_url in "
        "mkdocs.yml). With it, each quarter's sitemap.xml lists its pages, so the version "
        "selector keeps the reader on the same page, and the 404 pages are styled.",
    )(command)


def edit_url_option(command: F) -> F:
    """--edit-url URL: where a repository file opens in its web editor."""
    return click.option(
        EDIT_OPTION,
        "edit_url",
        metavar="URL",
        default=None,
        help=f"Where a file of the repository opens in its web editor, such as {EDIT_EXAMPLE} "
        "(default: repo_url and edit_uri in mkdocs.yml). With it, each key result links its "
        "check-in file there.",
    )(command)


def engine_option(command: F) -> F:
    """--engine mkdocs|zensical: what builds each quarter, over mkdocs.yml's setting."""
    return click.option(
        ENGINE_OPTION,
        "engine",
        type=click.Choice(ENGINES),
        default=None,
        help="What builds each quarter's pages: mkdocs (MkDocs with Material) or "
        "zensical (Zensical, Material's successor; Material reaches end of life on 2027-05-05). "
        "Default: extra.okrsite.engine in mkdocs.yml, else mkdocs.",
    )(command)


def checked_site_url(value: str | None) -> str | None:
    """--site-url checked before any work is done: a bad one is a one-line error."""
    return None if value is None else check_site_url(value, OPTION)


@click.command("build")
@out_option(DEFAULT_OUT, "the site")
@click.option(
    "--as-of",
    "as_of_text",
    metavar="YYYY-MM-DD",
    default=None,
    help="Score the current quarter as of this date (default: today, clamped into it).",
)
@site_url_option
@edit_url_option
@engine_option
@cache_options
@common_options
def build(
    out: Path,
    as_of_text: str | None,
    site_url: str | None,
    edit_url: str | None,
    engine: str | None,
    cache: Path,
    no_cache: bool,
) -> None:
    """Build the site: each quarter with MkDocs (or Zensical), versions.json, latest/ and
    index.html."""
    as_of = parse_date(as_of_text, "--as-of") if as_of_text is not None else None
    site_url = checked_site_url(site_url)
    edit_url = None if edit_url is None else check_edit_url(edit_url, EDIT_OPTION)
    root = get_context().root
    started = time.monotonic()
    # A build killed in its swap is repaired even if this one stops at the data's errors.
    recover_site(root / out, report)
    with display() as shown:
        tally = build_site(
            root,
            root / out,
            as_of=as_of,
            today=today(),
            progress=shown.line,
            cache=None if no_cache else root / cache,
            tick=shown.tick,
            site_url=site_url,
            engine=engine,
            edit_url=edit_url,
        )
    seconds = time.monotonic() - started
    report(f"{summary(tally)} in {seconds:.1f} s into {root / out}")
    # The version selector reads versions.json over HTTP, so a file:// view would lack it.
    # serve puts the site under site_url's path, where its 404 pages' links lead.
    report(
        f"view it with `{serve_command(root, out, site_url, engine)}` and open "
        f"http://127.0.0.1:8000{url_path(tally.site_url)}"
    )


def summary(tally: Tally) -> str:
    """What a build did, in one line: quarters built and reused, charts drawn and cached."""
    quarters = len(tally.built) + len(tally.reused)
    line = f"built {quarters} quarter{'s' if quarters != 1 else ''}"
    if tally.built:
        line += f" with {NAMES[tally.engine]}"
    if tally.reused:
        line += f" ({len(tally.reused)} unchanged, reused from the cache)"
    if tally.charts_drawn or tally.charts_cached:
        line += f"; charts: {tally.charts_drawn} drawn, {tally.charts_cached} from the cache"
    return line


def serve_command(
    root: Path, out: Path, site_url: str | None = None, engine: str | None = None
) -> str:
    """The serve command for this build, with its --root, --out, --site-url and --engine where
    given: serve builds again into its own folder, so without them it would show another site."""
    words = ["okrsite", "serve"]
    if root.resolve() != Path.cwd().resolve():
        words += ["--root", str(root)]
    if out != DEFAULT_OUT:
        words += ["--out", str(out)]
    if site_url is not None:
        words += [OPTION, site_url]
    if engine is not None:
        words += [ENGINE_OPTION, engine]
    return shlex.join(words)
