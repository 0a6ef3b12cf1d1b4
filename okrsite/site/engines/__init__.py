"""The engines that turn a quarter's docs folder into its site, and which one a build uses.

MkDocs with Material, the default, and Zensical, Material's successor (Material reaches end of
life on 2027-05-05). Each engine module has the same build_quarter; the site writer calls the
chosen one and does the rest (versions.json, latest/, the root pages) itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol, get_args

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE
from okrsite.model.okrs import Quarter, Repository
from okrsite.site.config_file import okrsite_settings, read_config
from okrsite.site.engine import Progress, QuarterPlan

Engine = Literal["mkdocs", "zensical"]
ENGINES: tuple[Engine, ...] = get_args(Engine)
DEFAULT_ENGINE: Engine = "mkdocs"
OPTION = "--engine"
FROM_FILE = f"{CONFIG_FILE}: extra.okrsite.engine"
NAMES: dict[Engine, str] = {"mkdocs": "MkDocs", "zensical": "Zensical"}
"""Each engine's name as the build's progress lines print it."""


class BuildQuarter(Protocol):
    """What every engine's build_quarter is: one quarter's pages and content/ built into
    site_dir, for the site writer (write.BUILDERS); mypy holds each engine to it."""

    def __call__(
        self,
        root: Path,
        site_dir: Path,
        plan: QuarterPlan,
        repository: Repository,
        progress: Progress,
        scratch: Path | None = None,
        *,
        current: Quarter,
        built_page: Callable[[], None] = ...,
        site_url: str | None = None,
    ) -> None:
        """Build the quarter's site into site_dir (see engines/mkdocs.py for each argument)."""


class SiteRoot(Protocol):
    """What every engine's site_root is: the link from a page at the docs folder's root to the
    folder of every quarter's site, as the engine reads a link leaving the docs folder."""

    def __call__(self, root: Path, scratch: Path | None = None) -> str:
        """The link, such as `../../`."""


def check_engine(value: object, where: str) -> Engine:
    """value as an engine's name, or an error naming where it was written and what is allowed."""
    for engine in ENGINES:
        if value == engine:
            return engine
    shown = value if isinstance(value, str) else type(value).__name__
    raise OkrsiteError(
        f"{where}: {shown!r} is not an engine; write {' or '.join(ENGINES)} "
        f"(default {DEFAULT_ENGINE})"
    )


def configured_engine(root: Path) -> Engine:
    """mkdocs.yml's `extra.okrsite.engine`, checked; the default when it names none."""
    value = okrsite_settings(read_config(root)).get("engine")
    return DEFAULT_ENGINE if value is None else check_engine(value, FROM_FILE)


def resolve_engine(root: Path, given: str | None = None) -> Engine:
    """The engine a build uses: given (`--engine`) over mkdocs.yml's, else the default."""
    return check_engine(given, OPTION) if given is not None else configured_engine(root)
