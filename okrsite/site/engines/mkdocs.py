"""One quarter's site built by MkDocs: its pages and content/ in a docs folder, mkdocs.yml
with okrsite's nav and settings, MkDocs' warnings collected rather than printed."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE
from okrsite.model.okrs import Quarter, Repository
from okrsite.site.engine import (
    INTRO_PAGE,
    Progress,
    QuarterPlan,
    content_files,
    nav,
    page_settings,
    write_docs,
)
from okrsite.site.markup import html_text
from okrsite.site.not_found import write_plain_not_found
from okrsite.site.sanitise import SanitiseContent, content_trust, sanitised_pages


def load_config_file(root: Path, docs_dir: Path, site_dir: Path, **overrides: Any) -> Any:
    """The repository's mkdocs.yml, loaded by MkDocs, or a located error."""
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise OkrsiteError(f"{CONFIG_FILE}: not found in {root}; the site needs one")
    with _collect_logs() as messages:
        try:
            return load_config(
                config_file=str(config_file),
                docs_dir=str(docs_dir),
                site_dir=str(site_dir),
                **overrides,
            )
        except MkDocsException as error:
            details = "; ".join(messages) or str(error)
            raise OkrsiteError(f"{CONFIG_FILE}: {details}") from error
        except (OSError, ValueError) as error:
            raise OkrsiteError(f"{CONFIG_FILE}: cannot load: {error}") from error


def site_root(root: Path, scratch: Path | None = None) -> str:
    """The link from a page at the docs folder's root to the folder of every quarter's site.

    MkDocs leaves a link that leaves the docs folder as written, so it is read from the page's
    HTML, which mkdocs.yml's use_directory_urls puts in a folder of its own (`archive/`) or not.
    scratch: where to make the temporary folder MkDocs needs (default: the system's).
    """
    return "../../" if _directory_urls(root, scratch) else "../"


def _directory_urls(root: Path, scratch: Path | None) -> bool:
    """mkdocs.yml's use_directory_urls, which decides where each page's HTML lands."""
    with tempfile.TemporaryDirectory(prefix="okrsite-config-", dir=scratch) as folder:
        docs = Path(folder) / "docs"
        docs.mkdir()
        # site_url is okrsite's to check (site_url.py): MkDocs is not asked to check it again.
        config = load_config_file(root, docs, Path(folder) / "site", site_url="")
        return bool(config.use_directory_urls)


class _Progress(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Tells the build as MkDocs writes each unit page, so a progress bar moves during MkDocs."""

    def __init__(self, built_page: Callable[[], None]) -> None:
        self.built_page = built_page

    def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
        """Count a unit page; the page itself is left as it is."""
        if page.file.src_uri.startswith("units/"):
            self.built_page()
        return output


@contextmanager
def _build_date(day: date) -> Iterator[None]:
    """Pin MkDocs' build date (sitemap lastmod, gzip mtime) to the quarter's as-of date."""
    # MkDocs reads SOURCE_DATE_EPOCH from the environment; nothing else pins it.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.combine(day, time(), UTC).timestamp()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors instead of letting them reach the console."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collect_logs() -> Iterator[list[str]]:
    """MkDocs' warnings while the block runs; the library reports them, never prints them."""
    messages: list[str] = []
    logger = logging.getLogger("mkdocs")
    handler = _Collect(messages)
    logger.addHandler(handler)
    # Without this, mkdocs' own handlers (if a caller set them up) would print them too.
    propagate, logger.propagate = logger.propagate, False
    try:
        yield messages
    finally:
        logger.propagate = propagate
        logger.removeHandler(handler)


def build_quarter(
    root: Path,
    site_dir: Path,
    plan: QuarterPlan,
    repository: Repository,
    progress: Progress,
    scratch: Path | None = None,
    *,
    current: Quarter,
    built_page: Callable[[], None] = lambda: None,
    site_url: str | None = None,
) -> None:
    """Write the quarter's pages and content/ into a docs folder and build it with MkDocs.

    scratch: where to make the docs folder (default: the system's temporary folder); the site
    writer gives its own temporary folder, which the next build clears if this one is killed.
    current: the site's current quarter, chosen once for the whole site by the site writer,
    named by a closed quarter's archive banner. built_page: called as MkDocs writes each unit
    page, for a progress display. site_url: where this quarter is published (site_url.py's
    quarter_url); without one its 404.html is the plain page, MkDocs' own being broken.
    """
    content = content_files(root)
    with tempfile.TemporaryDirectory(prefix="okrsite-docs-", dir=scratch) as docs_name:
        docs = Path(docs_name)
        write_docs(docs, plan, content)
        config = load_config_file(
            root,
            docs,
            site_dir,
            # Escaped once here: Material prints site_name raw in most places and through
            # `| e` in a few; Markup keeps `| e` from escaping it a second time.
            site_name=Markup(html_text(repository.org.name)),
            nav=nav(plan, repository.org, content),
            # Checked already; "" rather than None, which MkDocs would read as "the file's".
            site_url=site_url or "",
        )
        if content_trust(config) == "sanitised":
            # Each page from content/ cleaned after every extension, as MkDocs renders it.
            pages = sanitised_pages([relative for relative, _ in content], INTRO_PAGE)
            config.plugins["okrsite-sanitise"] = SanitiseContent(pages)
        config.plugins["okrsite-progress"] = _Progress(built_page)
        config.extra["okrsite"] = page_settings(config, plan, current)
        with _collect_logs() as messages:
            try:
                with _build_date(plan.as_of):
                    config.plugins.on_startup(command="build", dirty=False)
                    try:
                        mkdocs_build(config)
                    finally:
                        config.plugins.on_shutdown()
            except MkDocsException as error:
                details = "; ".join(messages) or str(error)
                raise OkrsiteError(
                    f"MkDocs could not build {plan.quarter.id}: {details}"
                ) from error
            except jinja2.TemplateError as error:
                raise OkrsiteError(
                    f"theme/: template error building {plan.quarter.id}: {error}"
                ) from error
        if site_url is None:
            write_plain_not_found(site_dir, repository.org.name)
        for message in messages:
            progress(f"warning: {plan.quarter.id}: {message}")
