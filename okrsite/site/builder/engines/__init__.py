"""The engines that turn a quarter's docs folder into its site, and what every build of a quarter
does whichever engine runs it.

MkDocs with Material, the default, and Zensical, Material's successor (Material reaches end of
life on 2027-05-05). build_quarter here does the part both share: the docs folder, the nav, the
settings the pages read, the plain 404 page and the warnings; each engine module's `build` does
only what is its own. The site writer calls build_quarter and does the rest (versions.json,
latest/, the root pages) itself.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from okrsite.model.okrs import Org, Quarter
from okrsite.site.builder.docs import (
    DOCS,
    INTRO_PAGE,
    Progress,
    QuarterPlan,
    WrittenPages,
    nav,
    page_settings,
    write_docs,
)
from okrsite.site.builder.sanitise import sanitised_pages
from okrsite.site.builder.settings import Engine, SiteSettings
from okrsite.site.markup import html_text
from okrsite.site.pages.not_found import write_plain_not_found

NAMES: dict[Engine, str] = {"mkdocs": "MkDocs", "zensical": "Zensical"}
"""Each engine's name as the build's progress lines print it."""
THEME = "theme"
"""The theme folder inside a quarter's scratch folder: the engine's custom_dir."""


@dataclass(frozen=True)
class QuarterBuild:
    """One quarter as either engine is given it: the docs folder written, the settings made."""

    settings: SiteSettings
    config: Any
    """The site's settings (settings.config: the package's mkdocs.yml with the repository's)."""
    plan: QuarterPlan
    folder: Path
    """The quarter's scratch folder; its docs/ holds the generated pages, the Help pages and
    content/, its theme/ the theme's layers (each engine writes it)."""
    site_dir: Path
    site_name: str
    """The org's name, escaped once for HTML: both engines print site_name as it is."""
    nav: list[Any]
    page_settings: dict[str, Any]
    """`extra.okrsite` as the pages read it (see docs.page_settings)."""
    sanitised: frozenset[str] | None
    """The pages to clean as they are rendered; None when content/ is trusted."""
    site_url: str | None
    """Where this quarter is published (site_url.quarter_url); None without a site_url."""

    @property
    def docs(self) -> Path:
        """The docs folder."""
        return self.folder / DOCS

    @property
    def theme(self) -> Path:
        """The theme folder: the settings' theme layers, laid one over the other."""
        return self.folder / THEME


class Build(Protocol):
    """What each engine's build is: the quarter's docs folder built into its site_dir; the
    engine's warnings, one line each. built_page is called as each unit page is written."""

    def __call__(self, job: QuarterBuild, built_page: Callable[[], None]) -> Sequence[str]:
        """Build the quarter (see engines/mkdocs.py and engines/zensical.py)."""


class SiteRoot(Protocol):
    """What every engine's site_root is: the link from a page at the docs folder's root to the
    folder of every quarter's site, as the engine reads a link leaving the docs folder."""

    def __call__(self, settings: SiteSettings, scratch: Path | None = None) -> str:
        """The link, such as `../../`."""


def build_quarter(
    settings: SiteSettings,
    site_dir: Path,
    plan: QuarterPlan,
    org: Org,
    progress: Progress,
    scratch: Path | None = None,
    *,
    current: Quarter,
    built_page: Callable[[], None] = lambda: None,
    site_url: str | None = None,
) -> None:
    """Write the quarter's pages and content/ into a docs folder and build it with the settings'
    engine into site_dir.

    scratch: where to make the docs folder (default: the system's temporary folder); the site
    writer gives its own temporary folder, which the next build clears if this one is killed.
    current: the site's current quarter, chosen once for the whole site by the site writer,
    named by a closed quarter's archive banner. built_page: called as each unit page is
    written, for a progress display. site_url: where this quarter is published (site_url.py's
    quarter_url); without one its 404.html is the plain page, the engine's own being broken.
    """
    config = settings.required_config()
    content = settings.content_files
    with _quarter_folder(plan, settings, scratch) as folder:
        job = QuarterBuild(
            settings=settings,
            config=config,
            plan=plan,
            folder=folder,
            site_dir=site_dir,
            site_name=html_text(org.name),
            nav=nav(plan, org, content),
            page_settings=page_settings(settings.okrsite, plan, current),
            sanitised=(
                sanitised_pages(settings.own_content, INTRO_PAGE)
                if settings.content == "sanitised"
                else None
            ),
            site_url=site_url,
        )
        write_docs(job.docs, plan, content)
        messages = BUILDS[settings.engine](job, built_page)
    if site_url is None:
        write_plain_not_found(site_dir, org.name)
    for message in messages:
        progress(f"warning: {plan.quarter.id}: {message}")


@contextmanager
def _quarter_folder(
    plan: QuarterPlan, settings: SiteSettings, scratch: Path | None
) -> Iterator[Path]:
    """The quarter's scratch folder, removed after its build: the one its pages were written
    into where they were, else a new one in scratch."""
    if isinstance(plan.pages, WrittenPages):
        try:
            yield plan.pages.folder
        finally:
            shutil.rmtree(plan.pages.folder, ignore_errors=True)
        return
    with tempfile.TemporaryDirectory(prefix=f"okrsite-{settings.engine}-", dir=scratch) as name:
        yield Path(name)


# Imported last: each engine module uses the names above.
from okrsite.site.builder.engines import mkdocs as mkdocs_engine  # noqa: E402
from okrsite.site.builder.engines import zensical as zensical_engine  # noqa: E402

BUILDS: dict[Engine, Build] = {"mkdocs": mkdocs_engine.build, "zensical": zensical_engine.build}
"""Each engine's own part of building a quarter."""
SITE_ROOTS: dict[Engine, SiteRoot] = {
    "mkdocs": mkdocs_engine.site_root,
    "zensical": zensical_engine.site_root,
}
"""Each engine's site_root: how a page links out of its quarter to another quarter's site."""
