"""The two engines: MkDocs and Zensical build the same site, differing only in the theme's own
markup; Zensical's project as okrsite writes it; and how a site chooses its engine."""

from __future__ import annotations

import json
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from okrsite.cli import main
from okrsite.model.errors import OkrsiteError
from okrsite.pipeline import build_site
from okrsite.site.builder.config_file import okrsite_settings, read_config
from okrsite.site.builder.engines.zensical import (
    MATERIAL_ONLY,
    PATCHES,
    diagnostics,
    failure,
    project_config,
    project_yaml,
    write_theme,
)
from okrsite.site.builder.overlay import DEFAULT_THEME
from okrsite.site.builder.settings import ENGINES, read_settings, resolve_engine
from tests.conftest import DEMO_SITE_URL, PROJECT, WriteRepo, shared_demo
from tests.test_site import TODAY, small_repo, tree

# What only one engine writes: its own scripts, styles and fonts, its search index (MkDocs'
# search/search_index.json, Zensical's search.json) and MkDocs' gzipped sitemap.
ENGINE_OWN = re.compile(r"(^|/)(assets/|search/|search\.json$|sitemap\.xml\.gz$)")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo built by each engine for the same address and day (shared with the browser
    tests when they run in the same session)."""
    return {engine: shared_demo(tmp_path_factory, engine) for engine in ENGINES}


@dataclass
class Article(HTMLParser):
    """What a page says, whichever theme drew it: the text, links, images and ids of its
    <article>, its <title> and its primary navigation's links, each target resolved from the
    page's own address so that `../a/` and `../../x/a/` compare equal."""

    where: PurePosixPath
    title: str = ""
    text: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)
    _depth: int = 0
    _in_title: bool = False
    _nav_depth: int = 0
    _nav_link: str | None = None
    _nav_text: str = ""

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def resolve(self, url: str) -> str:
        """url as a path from the site's root (or as it is, for another site's)."""
        parts = urlsplit(url)
        if parts.scheme or url.startswith("/"):
            return url
        path = unquote(parts.path)
        joined = posixpath.normpath(posixpath.join(self.where.parent.as_posix(), path))
        joined = joined.removesuffix("index.html").removesuffix("/").removeprefix("./")
        if path.endswith("/") or path in {"", "."} or path.endswith("index.html"):
            joined += "/"  # a folder's page: `x/`, `x/index.html` and `x/./` are one address
        return f"{joined}#{parts.fragment}" if parts.fragment else joined

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._in_title = self._in_title or tag == "title"
        if tag == "nav" and "md-nav--primary" in (found.get("class") or ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        href = found.get("href")  # "" is a link too: to the page itself
        if self._nav_depth and tag == "a" and href is not None:
            self._nav_link, self._nav_text = self.resolve(href), ""
        if tag == "article":
            self._depth += 1
        if not self._depth:
            return
        if tag == "a" and href is not None:
            self.links.append(self.resolve(href))
        if tag == "img" and found.get("src"):
            self.images.append(self.resolve(found["src"] or ""))
        if found.get("id") and tag not in {"a"}:
            self.ids.append(found["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"
        if tag == "article":
            self._depth -= 1
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        if tag == "a" and self._nav_link is not None:
            self.nav.append((" ".join(self._nav_text.split()), self._nav_link))
            self._nav_link = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._depth:
            self.text.append(data)
        if self._nav_link is not None:
            self._nav_text += data

    def said(self) -> dict[str, object]:
        """Everything compared between the engines."""
        return {
            "title": self.title.strip(),
            "text": " ".join(" ".join(self.text).split()),
            "links": self.links,
            "images": self.images,
            "ids": self.ids,
            "nav": sorted(set(self.nav)),
        }


def article(site: Path, relative: str) -> dict[str, object]:
    """What the page at relative (under site) says."""
    page = Article(PurePosixPath(relative))
    page.feed((site / relative).read_text(encoding="utf-8"))
    page.close()
    return page.said()


def published(site: Path) -> dict[str, bytes]:
    """Every file of a built site but what only its engine writes."""
    return {path: data for path, data in tree(site).items() if not ENGINE_OWN.search(path)}


def sitemap(path: Path) -> list[str]:
    """The addresses a sitemap.xml lists."""
    space = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return [loc.text or "" for loc in ET.parse(path).getroot().iter(f"{space}loc")]


@pytest.mark.slow
def test_both_engines_publish_the_same_site(sites: dict[str, Path]) -> None:
    """The same files, byte for byte, but HTML pages and sitemaps; the same pages, each saying
    the same: title, text, links, images, anchors and navigation, whichever engine drew it."""
    mkdocs, zensical = (published(sites[engine]) for engine in ENGINES)
    assert sorted(mkdocs) == sorted(zensical)
    assert len([p for p in mkdocs if p.endswith(".html")]) > 60
    drawn = [p for p in mkdocs if p.endswith(".html") or p.endswith("sitemap.xml")]
    same = {p: mkdocs[p] == zensical[p] for p in mkdocs if p not in drawn}
    assert [p for p, equal in same.items() if not equal] == []
    # okrsite's own pages (versions.json, redirects, charts, scores) are the same bytes.
    assert {"versions.json", "index.html", "2026-Q4/scores.json"} <= set(mkdocs)
    assert mkdocs["latest/index.html"] == zensical["latest/index.html"]
    assert len([p for p in same if p.endswith(".svg")]) > 100
    differing = {}
    for relative in sorted(p for p in drawn if p.endswith(".html") and "latest/" not in p):
        if relative.endswith("404.html"):
            continue  # the theme's own page, checked in the browser
        theirs = {engine: article(sites[engine], relative) for engine in ENGINES}
        if theirs["mkdocs"] != theirs["zensical"]:
            differing[relative] = theirs
    assert differing == {}
    for quarter in ("2026-Q3", "2026-Q4"):
        path = f"{quarter}/sitemap.xml"
        assert sorted(sitemap(sites["mkdocs"] / path)) == sorted(sitemap(sites["zensical"] / path))
        assert f"{DEMO_SITE_URL}{quarter}/units/payments/" in sitemap(sites["zensical"] / path)


def test_an_article_reads_links_from_the_pages_address() -> None:
    """The comparison itself: a link spelled from the site's root equals one from the page."""
    for spelling in ('<a href="../analytics/">', '<a href="../../units/analytics/index.html">'):
        page = Article(PurePosixPath("2026-Q4/units/payments/index.html"))
        page.feed(f"<article>{spelling}Analytics</a></article>")
        assert page.said()["links"] == ["2026-Q4/units/analytics/"]


def test_zensicals_project_is_mkdocs_yml_with_okrsites_settings() -> None:
    config = read_settings(PROJECT).config
    written = project_config(
        config,
        site_name="R&amp;D",
        nav=[{"Overview": "index.md"}],
        site_url=None,
        okrsite={"quarter": "2026 Q4", "archive": False, "current": "2026 Q4"},
        sanitised=frozenset({"about.md", "index.md"}),
    )
    assert written["docs_dir"] == "docs" and written["site_dir"] == "site"
    assert written["site_name"] == "R&amp;D" and written["site_url"] == ""
    assert written["nav"] == [{"Overview": "index.md"}]
    assert written["theme"]["custom_dir"] == "theme"
    assert written["theme"]["variant"] == "classic"  # Material's look, which theme/ styles
    assert written["theme"]["features"] == config["theme"]["features"]
    assert written["extra"]["version"] == {"provider": "mike"}
    assert written["extra"]["okrsite"]["quarter"] == "2026 Q4"
    extensions = written["markdown_extensions"]
    assert extensions[: len(config["markdown_extensions"])] == config["markdown_extensions"]
    assert {"pymdownx.highlight": {"use_pygments": False}} in extensions
    assert extensions[-1] == {
        "okrsite.site.builder.engines.zensical_markdown": {"pages": ["about.md", "index.md"]}
    }
    # A site's own highlighting and variant are left as it set them.
    own = {**config, "markdown_extensions": {"pymdownx.highlight": {"linenums": True}}}
    own["theme"] = {**config["theme"], "variant": "modern"}
    again = project_config(own, site_name="x", nav=[], site_url="https://e.org/q/", okrsite={},
                           sanitised=None)  # fmt: skip
    assert again["markdown_extensions"] == [{"pymdownx.highlight": {"linenums": True}}]
    assert again["theme"]["variant"] == "modern" and again["site_url"] == "https://e.org/q/"
    # `theme: material`, MkDocs' shorthand, is read as MkDocs reads it; a section that is not a
    # mapping is one error naming mkdocs.yml.
    short = project_config({"theme": "material"}, site_name="x", nav=[], site_url=None,
                           okrsite={}, sanitised=None)  # fmt: skip
    assert short["theme"] == {"name": "material", "custom_dir": "theme", "variant": "classic"}
    with pytest.raises(OkrsiteError, match=r"^mkdocs\.yml: extra must be a mapping of settings$"):
        project_config({"extra": ["x"]}, site_name="x", nav=[], site_url=None, okrsite={},
                       sanitised=None)  # fmt: skip


def test_the_theme_layer_leaves_out_materials_search_form(tmp_path: Path) -> None:
    layer = tmp_path / "theme"
    write_theme([DEFAULT_THEME], layer)
    written = sorted(p.relative_to(layer).as_posix() for p in layer.rglob("*") if p.is_file())
    assert (
        "partials/search.html" in MATERIAL_ONLY
        and (DEFAULT_THEME / "partials/search.html").is_file()
    )
    assert "partials/search.html" not in written
    assert {"main.html", "okrsite.html", "partials/language.html"} <= set(written)
    assert (layer / "main.html").read_bytes() == (DEFAULT_THEME / "main.html").read_bytes()
    # Zensical's partials that print the site's name through `| e` print it as given instead,
    # and its base page writes a canonical link only for a site with an address.
    for partial in ("partials/header.html", "partials/nav.html"):
        text = (layer / partial).read_text(encoding="utf-8")
        assert "{{ config.site_name }}" in text and "site_name | e" not in text
    base = (layer / "base.html").read_text(encoding="utf-8")
    assert "{% if page.canonical_url and config.site_url %}" in base
    assert [path for path, _, _ in PATCHES] == ["partials/header.html", "partials/nav.html",
                                               "base.html"]  # fmt: skip


def test_the_diagnostics_reader_keeps_text_and_place() -> None:
    output = (
        "Build started\n"
        "Warning: page does not exist\n"
        "   ╭─[ about.md:41:10 ]\n"
        " 41 │ [x](nowhere.md)\n"
        "Warning: anchor does not exist\n"
        "Warning: something without a place\n"
        "Build finished\n"
    )
    assert diagnostics(output) == [
        "about.md:41: page does not exist",
        "anchor does not exist",
        "something without a place",
    ]
    error = "Traceback ...\nRuntimeError: unknown method: x (in main.html:10)\n"
    assert failure(error, "2026-Q4", 1) == (
        "theme/: template error building 2026-Q4: unknown method: x (in main.html:10)"
    )
    assert failure("", "2026-Q4", 3) == "Zensical could not build 2026-Q4: it exited with status 3"
    missing = "RuntimeError: Python error: ModuleNotFoundError: No module named 'x_ext'\n"
    assert failure(missing, "2026-Q4", 1) == (
        "Zensical could not build 2026-Q4: Python error: ModuleNotFoundError: No module named "
        "'x_ext'"
    )


def test_the_engine_comes_from_the_option_then_mkdocs_yml(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = small_repo(write_repo)
    assert resolve_engine(okrsite_settings(read_config(root))) == "mkdocs"
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "extra:\n  okrsite:\n    engine: zensical\n", "utf-8")
    assert resolve_engine(okrsite_settings(read_config(root))) == "zensical"
    assert resolve_engine(okrsite_settings(read_config(root)), "mkdocs") == "mkdocs"
    runner = CliRunner()
    built = runner.invoke(main, ["--root", str(root), "build", "--no-cache", "--out", "a"])
    assert built.exit_code == 0, built.output
    assert "rendering 2026-Q4 (2/2) with Zensical" in built.output
    assert (root / "a/2026-Q4/search.json").is_file()
    built = runner.invoke(
        main, ["--root", str(root), "build", "--no-cache", "--out", "b", "--engine", "mkdocs"]
    )
    assert built.exit_code == 0, built.output
    assert (root / "b/2026-Q4/search/search_index.json").is_file()
    assert "built 2 quarters with MkDocs" in built.output
    assert "--engine mkdocs" in built.output  # the serve hint builds with the same engine
    wrong = runner.invoke(main, ["--root", str(root), "build", "--engine", "hugo"])
    assert wrong.exit_code == 2 and "'hugo' is not one of 'mkdocs', 'zensical'" in wrong.output
    config.write_text(text + "extra:\n  okrsite:\n    engine: hugo\n", "utf-8")
    refused = runner.invoke(main, ["--root", str(root), "build", "--out", "c"])
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert (
        "mkdocs.yml: extra.okrsite.engine: 'hugo' is not an engine; write mkdocs or zensical "
        "(default mkdocs)" in refused.output
    )
    assert not (root / "c").exists()


def test_a_kept_quarter_is_reused_only_by_the_engine_that_built_it(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = small_repo(write_repo)
    cache = tmp_path / "cache"
    first = build_site(root, tmp_path / "one", today=TODAY, cache=cache, engine="mkdocs")
    assert first.reused == []
    other = build_site(root, tmp_path / "two", today=TODAY, cache=cache, engine="zensical")
    assert other.reused == [] and other.built == ["2026-Q3", "2026-Q4"]
    assert (tmp_path / "two/2026-Q4/search.json").is_file()
    again = build_site(root, tmp_path / "three", today=TODAY, cache=cache, engine="zensical")
    assert again.reused == ["2026-Q3", "2026-Q4"]
    assert tree(tmp_path / "three") == tree(tmp_path / "two")


def test_without_zensical_installed_the_build_says_how_to_get_it_at_once(
    write_repo: WriteRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_repo(write_repo)
    monkeypatch.setitem(sys.modules, "zensical", None)  # `import zensical` fails as if absent
    lines: list[str] = []
    with pytest.raises(OkrsiteError, match=r"needs Zensical installed: pip install zensical"):
        build_site(root, tmp_path / "site", today=TODAY, engine="zensical", progress=lines.append)
    assert lines == []  # before any chart is drawn
    assert not (tmp_path / "site").exists()


def test_the_project_config_keeps_escaped_titles_as_strings() -> None:
    written = project_yaml({"nav": [{Markup("Data &amp; AI"): ["units/data-ai.md"]}], "b": 1})
    assert written == "b: 1\nnav:\n- Data &amp; AI:\n  - units/data-ai.md\n"


TYPED_NAME = 'R&D: <Ops> # "x" {y}'
"""An org's name that YAML, HTML and Markdown would each misread if it were not escaped."""

ABOUT = """\
# About

See [the plan](nowhere.md).

<script>alert(1)</script>

<p onclick="alert(2)">Hello</p> [x](javascript:alert(3))

Well done :smile:
"""

# Material's emoji settings, as its docs give them: functions named with !!python/name:, which
# MkDocs' reader turns into the functions themselves.
EMOJI = """\
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


@dataclass(frozen=True)
class Built:
    """A small repository built by Zensical: its root, its site and the build's progress lines."""

    root: Path
    site: Path
    lines: list[str]


def zensical_repo(root: Path) -> Path:
    """A small repository whose org name, content/ and mkdocs.yml each test the Zensical engine:
    a name to escape, a page with a broken link, raw HTML to sanitise and an emoji, and
    `content: sanitised` with Material's emoji settings."""
    root.mkdir(parents=True)

    def write(files: Mapping[str, str], base: Path | None = None) -> Path:
        for relative, text in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8")
        return root

    small_repo(write, {"content/about.md": ABOUT})
    org = root / "okrs/org.yaml"
    org.write_text(
        org.read_text(encoding="utf-8").replace("Acme Engineering", json.dumps(TYPED_NAME)),
        "utf-8",
    )
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text += f"extra:\n  okrsite:\n    content: sanitised\nmarkdown_extensions:\n{EMOJI}"
    config.write_text(text, "utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """zensical_repo built once by Zensical for the tests below."""
    root = zensical_repo(tmp_path_factory.mktemp("zensical") / "repo")
    lines: list[str] = []
    site = root / "site"
    build_site(root, site, today=TODAY, progress=lines.append, engine="zensical")
    return Built(root, site, lines)


def test_zensicals_warnings_become_one_line_each_with_file_and_line(built: Built) -> None:
    warnings = [line for line in built.lines if line.startswith("warning: 2026-")]
    assert warnings == [
        "warning: 2026-Q3: about.md:3: page does not exist",
        "warning: 2026-Q4: about.md:3: page does not exist",
    ]


def test_zensical_sanitises_content_pages_when_told_to(built: Built) -> None:
    page = (built.site / "2026-Q4/about/index.html").read_text(encoding="utf-8")
    assert "Hello" in page
    for left in ("alert(1)", "onclick", "javascript:"):
        assert left not in page
    # Generated pages are not content/'s: their own markup (the bars) is kept.
    unit = (built.site / "2026-Q4/units/payments/index.html").read_text(encoding="utf-8")
    assert 'class="okrsite-bar"' in unit


def test_with_content_sanitised_a_file_a_browser_would_run_is_refused(tmp_path: Path) -> None:
    root = zensical_repo(tmp_path / "repo")
    (root / "content/tool.js").write_text("alert(1)", "utf-8")
    with pytest.raises(OkrsiteError, match=r"^content/tool\.js: with `content: sanitised`"):
        build_site(root, tmp_path / "site", today=TODAY, engine="zensical")
    assert not (tmp_path / "site").exists()


def test_an_org_name_yaml_or_html_would_misread_is_shown_as_typed(built: Built) -> None:
    """The project's config carries the name as typed, and the pages show it escaped once."""
    page = Article(PurePosixPath("2026-Q4/index.html"))
    page.feed((built.site / "2026-Q4/index.html").read_text(encoding="utf-8"))
    assert page.title.strip() == f"Overview - {TYPED_NAME}"


def test_python_objects_named_in_mkdocs_yml_reach_zensical_by_name(built: Built) -> None:
    """The project's config names Material's emoji functions again, and Zensical draws them."""
    config = read_config(built.root) or {}
    written = project_yaml({"markdown_extensions": config["markdown_extensions"]})
    assert "emoji_index: !!python/name:material.extensions.emoji.twemoji" in written
    page = (built.site / "2026-Q4/about/index.html").read_text(encoding="utf-8")
    assert 'class="twemoji"' in page and "Well done :smile:" not in page
    # What YAML cannot hold is one error naming mkdocs.yml, not a traceback.
    with pytest.raises(OkrsiteError, match=r"^mkdocs\.yml: a setting Zensical cannot be given"):
        project_yaml({"extra": {"x": object()}})
