"""The site's settings, read once at the start of a build: mkdocs.yml as its author wrote it, the
options that override it, okrsite's own settings in it (`extra.okrsite`), and content/.

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
from okrsite.site.builder.fingerprint import site_fingerprint
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
    config: Mapping[str, Any] | None
    """mkdocs.yml as its author wrote it, INHERIT and !ENV resolved; None when there is none."""
    site_url: str | None
    """Where the site is published (`--site-url` over mkdocs.yml's); None when neither says."""
    engine: Engine
    """mkdocs or zensical (`--engine` over `extra.okrsite.engine`), MkDocs by default."""
    content: ContentTrust
    """`extra.okrsite.content`: whether content/'s pages are cleaned as they are rendered."""
    content_files: tuple[tuple[str, Path], ...]
    """content/'s files by relative POSIX path, sorted (see docs.content_files)."""
    intro: str
    """content/index.md, the overview's introduction; empty without one."""
    codes_page: str
    """The check codes' page in content/, which the checks page links to; empty without one."""
    fingerprint: str
    """okrsite's code with mkdocs.yml, theme/ and content/: what every built quarter depends on."""
    okrsite: Mapping[str, Any]
    """`extra.okrsite` as mkdocs.yml gives it (engine and content are read from it into the fields
    above): what the theme reads, with each quarter's own added (docs.page_settings)."""

    def required_config(self) -> Mapping[str, Any]:
        """mkdocs.yml's settings, or the error a build without one stops with."""
        if self.config is None:
            raise OkrsiteError(f"{CONFIG_FILE}: not found in {self.project}; the site needs one")
        return self.config


def read_settings(
    project: Path, *, site_url: str | None = None, engine: str | None = None
) -> SiteSettings:
    """project's site settings, with the build's `--site-url` and `--engine` over mkdocs.yml's."""
    found = read_config_file(project)
    config = None if found is None else found.settings
    okrsite = okrsite_settings(config)
    # The package's Help pages first, content/'s over them (crude until the overlays land).
    defaults = Path(__file__).resolve().parent.parent / "defaults"
    merged = {f"help/{relative}": path for relative, path in content_files(defaults, "help")}
    merged.update(content_files(project))
    content = sorted(merged.items())
    intro_path = project / CONTENT_DIR / INTRO_PAGE
    return SiteSettings(
        project=project,
        config=config,
        site_url=resolve_site_url(config, site_url),
        engine=resolve_engine(okrsite, engine),
        content=content_trust(okrsite),
        content_files=tuple(content),
        intro=intro_path.read_text(encoding="utf-8") if intro_path.is_file() else "",
        codes_page=CODES_PAGE if CODES_PAGE in merged else "",
        fingerprint=site_fingerprint(project, None if found is None else found.data),
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
