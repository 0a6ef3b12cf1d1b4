"""One quarter's site built by MkDocs: its pages and content/ in a docs folder, mkdocs.yml
with okrsite's nav and settings, MkDocs' warnings collected rather than printed."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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
from okrsite.model.layout import CONFIG_FILE, CONTENT_DIR
from okrsite.model.okrs import Org, Quarter, Repository, Unit
from okrsite.site.markup import html_text
from okrsite.site.not_found import write_plain_not_found
from okrsite.site.sanitise import SANITISED_FILES, SanitiseContent, content_trust

Progress = Callable[[str], None]
"""Receives one line per quarter and phase; the CLI prints it, the library never does."""

INTRO_PAGE = "index.md"  # content/index.md is the overview's introduction, not a page


@dataclass(frozen=True)
class QuarterPlan:
    """One quarter ready to build: its pages and where its site goes."""

    quarter: Quarter
    as_of: date
    pages: dict[str, str]
    current: bool

    @property
    def charts(self) -> int:
        """How many charts the quarter has (one SVG each, for both schemes)."""
        return sum(1 for p in self.pages if p.startswith("charts/") and p.endswith(".svg"))

    @property
    def markdown_pages(self) -> int:
        """How many Markdown pages were generated for the quarter."""
        return sum(1 for p in self.pages if p.endswith(".md"))


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


def directory_urls(root: Path, scratch: Path | None = None) -> bool:
    """mkdocs.yml's use_directory_urls, which decides where each page's HTML lands.

    scratch: where to make the temporary folder MkDocs needs (default: the system's).
    """
    with tempfile.TemporaryDirectory(prefix="okrsite-config-", dir=scratch) as folder:
        docs = Path(folder) / "docs"
        docs.mkdir()
        # site_url is okrsite's to check (site_url.py): MkDocs is not asked to check it again.
        config = load_config_file(root, docs, Path(folder) / "site", site_url="")
        return bool(config.use_directory_urls)


def content_files(root: Path) -> list[tuple[str, Path]]:
    """content/'s files by relative POSIX path, sorted; content/index.md is the intro."""
    content = root / CONTENT_DIR
    if not content.is_dir():
        return []
    files = sorted(
        (p.relative_to(content).as_posix(), p)
        for p in content.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(content).parts)
    )
    return [(relative, path) for relative, path in files if relative != INTRO_PAGE]


def write_docs(docs: Path, plan: QuarterPlan, content: Sequence[tuple[str, Path]]) -> None:
    """The quarter's docs folder: its generated pages, then content/'s files beside them."""
    for relative, text in sorted(plan.pages.items()):
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    for relative, path in content:
        if relative in plan.pages:
            raise OkrsiteError(
                f"{CONTENT_DIR}/{relative}: clashes with the generated page {relative}; rename it"
            )
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def nav(plan: QuarterPlan, org: Org, content: Sequence[tuple[str, Path]]) -> list[Any]:
    """The navigation: the generated pages in a fixed order, then content/'s pages."""
    pages = plan.pages
    entries: list[Any] = [{"Overview": "index.md"}, {"Units": unit_tree(org, pages)}]
    entries += [{"Blockers": "blockers.md"}, {"Owners": "owners.md"}]
    entries += [{"Alignment": "alignment.md"}, {"Checks": "checks.md"}]
    if "review.md" in pages:
        entries.append({"Quarter in review": "review.md"})
    entries.append({"Archive": "archive.md"})
    sections: dict[str, list[str]] = {}
    for relative in (c for c, _ in content if c.endswith(".md")):
        folder, _, _ = relative.rpartition("/")
        if not folder:
            entries.append(relative)
        else:
            sections.setdefault(folder, []).append(relative)
    for folder, members in sections.items():
        entries.append({folder.replace("/", " / ").replace("-", " ").capitalize(): members})
    return entries


def unit_tree(org: Org, pages: Mapping[str, str]) -> list[Any]:
    """The units' pages as the org chart: each top unit's page, then a section per unit below
    it holding that unit's page and, nested the same way, the units below that; teams are
    plain pages. In org.yaml's order throughout.

    A section title is a unit's name, escaped here: MkDocs prints nav titles as they are.
    With Material's navigation.prune a page carries only the sections on its own path, so a
    large organisation's pages do not each repeat the whole org chart.
    """
    below: dict[str | None, list[Unit]] = {}
    for unit, parent in org.forest():
        if f"units/{unit.id}.md" in pages:
            below.setdefault(parent, []).append(unit)

    def entry(unit: Unit) -> Any:
        page = f"units/{unit.id}.md"
        children = below.get(unit.id, [])
        if not children:
            return page
        title = Markup(html_text(unit.name or unit.id))
        return {title: [page, *(entry(child) for child in children)]}

    tree: list[Any] = []
    for top in below.get(None, []):  # every unit has a page, so each hangs from one here
        tree.append(f"units/{top.id}.md")
        tree += [entry(child) for child in below.get(top.id, [])]
    return tree


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


def _sanitise_content(config: Any, content: Sequence[str]) -> None:
    """Clean every page that came from content/, the overview (which embeds content/index.md)
    included, and refuse any file in content/ that a browser could run."""
    for relative in content:
        if not relative.lower().endswith(SANITISED_FILES):
            raise OkrsiteError(
                f"{CONTENT_DIR}/{relative}: with `content: sanitised` in mkdocs.yml, content/ "
                f"holds only Markdown pages and pictures ({', '.join(SANITISED_FILES)}); "
                "remove the file or move it out of content/"
            )
    pages = frozenset(r for r in content if r.endswith(".md")) | {INTRO_PAGE}
    config.plugins["okrsite-sanitise"] = SanitiseContent(pages)


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
        settings = config.extra.get("okrsite")
        if content_trust(config.extra) == "sanitised":
            _sanitise_content(config, [relative for relative, _ in content])
        config.plugins["okrsite-progress"] = _Progress(built_page)
        config.extra["okrsite"] = {
            **(settings if isinstance(settings, Mapping) else {}),
            "quarter": plan.quarter.title,
            "archive": plan.quarter.closed and not plan.current,
            "current": current.title,
        }
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
