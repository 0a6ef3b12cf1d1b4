"""One quarter's site built by MkDocs: mkdocs.yml's settings, as read once for the build, with
okrsite's nav and settings, MkDocs' warnings collected rather than printed."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.plugins import BasePlugin
from mkdocs.utils.yaml import (
    RelativeDirPlaceholder,
    _DirPlaceholder,
)

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE
from okrsite.site.builder.compact import compact_html
from okrsite.site.builder.engines import QuarterBuild
from okrsite.site.builder.overlay import DEFAULT_THEME, write_theme
from okrsite.site.builder.sanitise import SanitiseContent
from okrsite.site.builder.settings import SiteSettings

_CONFIG_LOG = logging.getLogger("mkdocs.config.base")
"""The logger MkDocs' load_config reports a configuration's problems on."""


def mkdocs_config(
    settings: SiteSettings,
    docs_dir: Path,
    site_dir: Path,
    custom_dir: Path = DEFAULT_THEME,
    **overrides: Any,
) -> MkDocsConfig:
    """The site's settings, as read once for the build, validated by MkDocs for one quarter's
    docs folder and theme folder (custom_dir: the theme's layers written there; the package's
    theme alone by default), or a located error. MkDocs' own load_config, without reading the
    file again."""
    # As load_config names it: the file's absolute path, from which MkDocs resolves the others.
    config = MkDocsConfig(config_file_path=os.path.abspath(settings.project / CONFIG_FILE))
    with _collect_logs() as messages:
        try:
            settings_given = _bound(settings.required_config(), config)
            settings_given["theme"] = {**settings_given["theme"], "custom_dir": str(custom_dir)}
            config.load_dict(settings_given)
            config.load_dict({"docs_dir": str(docs_dir), "site_dir": str(site_dir), **overrides})
            errors, warnings = config.validate()
            # Reported, and refused, as mkdocs.config.load_config reports and refuses them.
            for name, warning in warnings:
                _CONFIG_LOG.warning(f"Config value '{name}': {warning}")
            for name, error in errors:
                _CONFIG_LOG.error(f"Config value '{name}': {error}")
            if errors:
                raise Abort("Aborted with a configuration error!")
            if config.strict and warnings:
                raise Abort(
                    f"Aborted with {len(warnings)} configuration warnings in 'strict' mode!"
                )
        except MkDocsException as error:
            details = "; ".join(messages) or str(error)
            raise OkrsiteError(f"{CONFIG_FILE}: {details}") from error
        except (OSError, ValueError) as error:
            raise OkrsiteError(f"{CONFIG_FILE}: cannot load: {error}") from error
    return config


def _bound(value: Any, config: MkDocsConfig) -> Any:
    """A copy of mkdocs.yml's settings for one MkDocs configuration: its mappings and lists new
    (validation may change them), and `!relative` and `$docs_dir` placeholders bound to config,
    as loading the file for it would have bound them."""
    if isinstance(value, Mapping):
        return {key: _bound(item, config) for key, item in value.items()}
    if isinstance(value, list):
        return [_bound(item, config) for item in value]
    if isinstance(value, RelativeDirPlaceholder):
        return type(value)(config)
    if isinstance(value, _DirPlaceholder):
        return type(value)(config, value.suffix)
    return value


def site_root(settings: SiteSettings, scratch: Path | None = None) -> str:
    """The link from a page at the docs folder's root to the folder of every quarter's site.

    MkDocs leaves a link that leaves the docs folder as written, so it is read from the page's
    HTML, which mkdocs.yml's use_directory_urls puts in a folder of its own (`archive/`) or not.
    Validated here by MkDocs, so a bad mkdocs.yml stops the build before any chart is drawn.
    scratch: where to make the temporary folder MkDocs needs (default: the system's).
    """
    with tempfile.TemporaryDirectory(prefix="okrsite-config-", dir=scratch) as folder:
        docs = Path(folder) / "docs"
        docs.mkdir()
        # site_url is okrsite's to check (site_url.py): MkDocs is not asked to check it again.
        config = mkdocs_config(settings, docs, Path(folder) / "site", site_url="")
        return "../../" if config.use_directory_urls else "../"


class _Progress(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Tells the build as MkDocs writes each unit page, so a progress bar moves during MkDocs;
    and hands MkDocs each page without its theme's indentation."""

    def __init__(self, built_page: Callable[[], None]) -> None:
        self.built_page = built_page

    def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
        """Count a unit page, and take the theme's indentation off every page (compact.py)."""
        if page.file.src_uri.startswith("units/"):
            self.built_page()
        return compact_html(output)


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


def build(job: QuarterBuild, built_page: Callable[[], None]) -> Sequence[str]:
    """Build the quarter's docs folder with MkDocs into its site_dir; MkDocs' warnings."""
    write_theme(job.settings.theme_layers, job.theme)
    config = mkdocs_config(
        job.settings,
        job.docs,
        job.site_dir,
        job.theme,
        # Escaped once: Material prints site_name raw in most places and through `| e` in a
        # few; Markup keeps `| e` from escaping it a second time.
        site_name=Markup(job.site_name),
        nav=job.nav,
        # Checked already; "" rather than None, which MkDocs would read as "the file's".
        site_url=job.site_url or "",
    )
    if job.sanitised is not None:
        # Each page from content/ cleaned after every extension, as MkDocs renders it.
        config.plugins["okrsite-sanitise"] = SanitiseContent(job.sanitised)
    config.plugins["okrsite-progress"] = _Progress(built_page)
    config.extra["okrsite"] = job.page_settings
    quarter_id = job.plan.quarter.id
    with _collect_logs() as messages:
        try:
            with _build_date(job.plan.as_of):
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    mkdocs_build(config)
                finally:
                    config.plugins.on_shutdown()
        except MkDocsException as error:
            details = "; ".join(messages) or str(error)
            raise OkrsiteError(f"MkDocs could not build {quarter_id}: {details}") from error
        except jinja2.TemplateError as error:
            raise OkrsiteError(f"theme/: template error building {quarter_id}: {error}") from error
    return messages
