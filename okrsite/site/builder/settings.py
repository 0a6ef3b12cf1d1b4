"""The site's settings, read once at the start of a build: the package's mkdocs.yml with the
repository's over it (overlay.py), the options that override it, okrsite's own settings in it
(`extra.okrsite`), the theme's layers, and the Help pages with content/ over them.

The one module of site/ that reads the site's files from the repository (with config_file.py,
which it calls); everything after it is handed a SiteSettings, as MkDocs hands its validated
MkDocsConfig on and nothing below it reopens mkdocs.yml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CODES_PAGE, CONFIG_FILE, CONTENT_DIR
from okrsite.site.builder.config_file import okrsite_settings, read_config_file
from okrsite.site.builder.docs import INTRO_PAGE, content_files
from okrsite.site.builder.edit_url import resolve_edit_url
from okrsite.site.builder.fingerprint import site_fingerprint
from okrsite.site.builder.overlay import DEFAULTS, HELP, merged_config, theme_layers
from okrsite.site.builder.sanitise import ContentTrust, content_trust
from okrsite.site.builder.site_url import resolve_site_url

Engine = Literal["mkdocs", "zensical"]
ENGINES: tuple[Engine, ...] = get_args(Engine)
DEFAULT_ENGINE: Engine = "mkdocs"
ENGINE_OPTION = "--engine"
ENGINE_FROM_FILE = f"{CONFIG_FILE}: extra.okrsite.engine"


@dataclass(frozen=True)
class SiteSettings:
    """What a site is built with besides the scores, each value checked once."""

    project: Path
    """The folder holding mkdocs.yml, content/ and theme/: where MkDocs resolves their paths."""
    config: Mapping[str, Any]
    """The package's mkdocs.yml with the repository's over it (INHERIT and !ENV resolved), as
    overlay.merged_config merges and checks them; theme.custom_dir left out (theme_layers)."""
    theme_layers: tuple[Path, ...]
    """The package's theme folder, then the repository's (theme/ or its theme.custom_dir), if any:
    laid one over the other into each build's theme (overlay.write_theme)."""
    site_url: str | None
    """Where the site is published (`--site-url` over mkdocs.yml's); None when neither says."""
    edit_url: str
    """Where a repository file opens in its web editor (edit_url.py); "" when not known."""
    engine: Engine
    """mkdocs or zensical (`--engine` over `extra.okrsite.engine`), MkDocs by default."""
    content: ContentTrust
    """`extra.okrsite.content`: whether content/'s pages are cleaned as they are rendered."""
    content_files: tuple[tuple[str, Path], ...]
    """The package's Help pages (under help/) with content/'s files over them, by relative POSIX
    path in the docs folder, sorted (see docs.content_files)."""
    own_content: tuple[str, ...]
    """content/'s files alone, by relative path: the pages `content: sanitised` cleans."""
    intro: str
    """content/index.md, the overview's introduction; empty without one."""
    codes_page: str
    """The check codes' Help page, which the checks page links to; empty without one."""
    fingerprint: str
    """okrsite's code (its default site among it) with mkdocs.yml, the repository's theme layer
    and content/: what every built quarter depends on."""
    okrsite: Mapping[str, Any]
    """`extra.okrsite` as mkdocs.yml gives it (engine and content are read from it into the fields
    above): what the theme reads, with each quarter's own added (docs.page_settings)."""

    def required_config(self) -> Mapping[str, Any]:
        """The merged settings: the package's give every site what a build needs."""
        return self.config


def read_settings(
    project: Path,
    *,
    site_url: str | None = None,
    engine: str | None = None,
    edit_url: str | None = None,
) -> SiteSettings:
    """project's site settings, with the build's `--site-url`, `--engine` and `--edit-url` over
    mkdocs.yml's."""
    found = read_config_file(project)
    own = None if found is None else found.settings
    config = merged_config(own)
    okrsite = okrsite_settings(config)
    content = dict(content_files(DEFAULTS, HELP, prefix=f"{HELP}/"))
    own_content = content_files(project)
    content.update(own_content)  # a page of content/ replaces the Help page of the same path
    intro_path = project / CONTENT_DIR / INTRO_PAGE
    layers = theme_layers(project, own)
    return SiteSettings(
        project=project,
        config=config,
        theme_layers=layers,
        site_url=resolve_site_url(config, site_url),
        edit_url=resolve_edit_url(config, edit_url),
        engine=resolve_engine(okrsite, engine),
        content=content_trust(okrsite),
        content_files=tuple(sorted(content.items())),
        own_content=tuple(relative for relative, _ in own_content),
        intro=intro_path.read_text(encoding="utf-8") if intro_path.is_file() else "",
        codes_page=CODES_PAGE if CODES_PAGE in content else "",
        fingerprint=site_fingerprint(
            project, None if found is None else found.data, layers[-1] if len(layers) > 1 else None
        ),
        okrsite=okrsite,
    )


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


def resolve_engine(okrsite: Mapping[str, Any], given: str | None = None) -> Engine:
    """The engine a build uses: given (`--engine`) over `extra.okrsite.engine`, else the default."""
    if given is not None:
        return check_engine(given, ENGINE_OPTION)
    value = okrsite.get("engine")
    return DEFAULT_ENGINE if value is None else check_engine(value, ENGINE_FROM_FILE)
