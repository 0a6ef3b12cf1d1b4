"""site_url: checked from --site-url or mkdocs.yml, each quarter's sitemap.xml and 404.html built
for it, the root 404.html, the plain 404 page without one, and the cache keyed by it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.model.errors import OkrsiteError
from okrsite.pipeline import build_site
from okrsite.site.builder.config_file import read_config
from okrsite.site.builder.site_url import (
    MISSING,
    check_site_url,
    configured_site_url,
    quarter_url,
    resolve_site_url,
    url_path,
)
from okrsite.site.builder.tally import Tally
from okrsite.site.pages.not_found import plain_not_found
from tests.conftest import WriteRepo
from tests.test_site import TODAY, parse, small_repo, tree

BASE = "https://example.github.io/okrs/"
QUARTERS = ("2026-Q3", "2026-Q4")
CURRENT = "2026-Q4"
ORG = "Acme Engineering"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(
    root: Path,
    out: Path,
    site_url: str | None = None,
    *,
    cache: Path | None = None,
    progress: Callable[[str], None] = lambda _line: None,
) -> Tally:
    """root's site built into out in this process, as of TODAY."""
    return build_site(
        root, out, today=TODAY, workers=1, site_url=site_url, cache=cache, progress=progress
    )


def with_config(root: Path, lines: str) -> Path:
    """root with lines added to its mkdocs.yml."""
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + lines, encoding="utf-8")
    return root


# -- Checking and normalising ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://example.github.io/okrs", BASE),
        (BASE, BASE),
        ("https://example.github.io/okrs///", BASE),
        ("https://okrs.example.com", "https://okrs.example.com/"),
        ("HTTP://127.0.0.1:8000/a/b", "http://127.0.0.1:8000/a/b/"),
        ("https://example.github.io/my%20okrs", "https://example.github.io/my%20okrs/"),
    ],
)
def test_a_site_url_is_kept_with_one_trailing_slash(given: str, kept: str) -> None:
    assert check_site_url(given, "--site-url") == kept


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("example.github.io/okrs", "does not start with https:// or http://"),
        ("/okrs/", "does not start with https:// or http://"),
        ("ftp://example.com/okrs/", "does not start with https:// or http://"),
        ("https://", "names no host"),
        ("https:///okrs/", "names no host"),
        ("https://me:secret@example.com/", "holds a user name or password"),
        ("https://example.com/okrs/?x=1", "has a query or #fragment"),
        ("https://example.com/okrs/#top", "has a query or #fragment"),
        ("https://example.com/okrs/?", "has a query or #fragment"),
        ("https://example.com/a/../b/", "has a . or .. folder"),
        ("https://example.com/my okrs/", "holds a space, quote or other character"),
        ('https://example.com/"><script>', "holds a space, quote or other character"),
        ("https://example.com:99999/", "is not a URL"),
        ("https://[::1/", "is not a URL"),
        ("", "is empty"),
    ],
)
def test_a_bad_site_url_is_one_line_naming_its_source_and_what_is_right(
    given: str, problem: str
) -> None:
    with pytest.raises(OkrsiteError) as raised:
        check_site_url(given, "--site-url")
    message = str(raised.value)
    assert message.startswith(f"--site-url {given!r} {problem}"), message
    assert message.endswith(f"an absolute http(s) URL such as {BASE}")
    assert "\n" not in message


def test_a_site_url_that_is_no_text_is_refused() -> None:
    with pytest.raises(OkrsiteError, match=r"^mkdocs.yml: site_url '42' is not text;"):
        check_site_url(42, "mkdocs.yml: site_url")


def test_mkdocs_yml_gives_the_site_url_unless_it_is_given(write_repo: WriteRepo) -> None:
    root = small_repo(write_repo)
    assert configured_site_url(read_config(root)) is None
    assert resolve_site_url(read_config(root)) is None
    with_config(root, "site_url: https://example.github.io/okrs\n")
    assert configured_site_url(read_config(root)) == BASE
    assert (
        resolve_site_url(read_config(root), "https://okrs.example.com")
        == "https://okrs.example.com/"
    )


def test_mkdocs_yml_is_read_as_mkdocs_reads_it(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKRSITE_TEST_SITE_URL", "https://example.github.io/okrs")
    root = with_config(small_repo(write_repo), "site_url: !ENV OKRSITE_TEST_SITE_URL\n")
    assert configured_site_url(read_config(root)) == BASE


@pytest.mark.parametrize("empty", ["site_url:\n", "site_url: ''\n"])
def test_an_empty_site_url_in_mkdocs_yml_is_none(write_repo: WriteRepo, empty: str) -> None:
    assert configured_site_url(read_config(with_config(small_repo(write_repo), empty))) is None


def test_a_bad_site_url_in_mkdocs_yml_names_the_file(write_repo: WriteRepo) -> None:
    root = with_config(small_repo(write_repo), "site_url: example.github.io/okrs\n")
    with pytest.raises(OkrsiteError) as raised:
        resolve_site_url(read_config(root))
    assert str(raised.value).startswith(
        "mkdocs.yml: site_url 'example.github.io/okrs' does not start with https:// or http://;"
    )
    # Given on the command line instead, the file's bad value is never used, so never refused.
    assert resolve_site_url(read_config(root), BASE) == BASE


def test_a_quarter_is_published_under_the_site_url() -> None:
    assert quarter_url(BASE, "2026-Q4") == f"{BASE}2026-Q4/"
    assert quarter_url(None, "2026-Q4") is None
    assert url_path(BASE) == "/okrs/"
    assert url_path("https://okrs.example.com/") == "/"
    assert url_path(None) == "/"


# -- The built site ---------------------------------------------------------------------------


@pytest.fixture
def published(write_repo: WriteRepo, tmp_path: Path) -> Path:
    """A closed and an open quarter built for BASE, given without its trailing slash."""
    root = small_repo(write_repo)
    lines: list[str] = []
    tally = build(root, tmp_path / "site", BASE.rstrip("/"), progress=lines.append)
    assert tally.site_url == BASE
    assert MISSING not in lines
    return tmp_path / "site"


def page_urls(quarter: Path) -> set[str]:
    """The address of every page of a built quarter, 404.html aside, at BASE."""
    return {
        f"{BASE}{quarter.name}/{path.parent.relative_to(quarter).as_posix()}/".replace("/./", "/")
        for path in quarter.rglob("index.html")
    }


def test_each_quarters_sitemap_lists_its_own_pages_at_the_site_url(published: Path) -> None:
    for quarter in QUARTERS:
        sitemap = ET.parse(published / quarter / "sitemap.xml").getroot()
        listed = {loc.text for loc in sitemap.iter(f"{SITEMAP}loc")}
        assert listed == page_urls(published / quarter)
        assert f"{BASE}{quarter}/units/payments/" in listed
        # Material's version selector maps a page through the sitemap's common prefix, which
        # must itself be listed: the quarter's front page.
        assert f"{BASE}{quarter}/" in listed


def test_pages_name_their_canonical_address(published: Path) -> None:
    page = (published / CURRENT / "units/payments/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}{CURRENT}/units/payments/">' in page


def loaded(page: Path) -> list[str]:
    """What a browser loads for page: its stylesheets, scripts, icons and images."""
    return [url for tag, url in parse(page).references if tag in {"link", "script", "img"}]


def test_each_quarters_404_page_is_styled_from_the_servers_root(published: Path) -> None:
    for quarter in QUARTERS:
        resources = loaded(published / quarter / "404.html")
        styles = [url for url in resources if re.search(r"/stylesheets/main\.\w+\.min\.css$", url)]
        assert len(styles) == 1
        assert styles[0].startswith(f"/okrs/{quarter}/assets/stylesheets/")
        for url in resources:
            if url.startswith(BASE):  # the canonical link of a page, never fetched
                continue
            # From the server's root, at any depth; and on this machine: no network.
            assert url.startswith(f"/okrs/{quarter}/"), url
            assert (published / url.removeprefix("/okrs/")).is_file(), url


def test_the_root_404_page_is_the_current_quarters(published: Path) -> None:
    root_page = (published / "404.html").read_bytes()
    assert root_page == (published / CURRENT / "404.html").read_bytes()
    assert b"404 - Not found" in root_page


def test_without_a_site_url_the_404_pages_are_plain_and_the_build_warns(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = small_repo(write_repo)
    lines: list[str] = []
    tally = build(root, tmp_path / "site", progress=lines.append)
    assert tally.site_url is None
    assert lines.count(MISSING) == 1
    assert "`site_url:` in mkdocs.yml or pass --site-url" in MISSING
    plain = plain_not_found(ORG)
    for page in ("404.html", *(f"{quarter}/404.html" for quarter in QUARTERS)):
        assert (tmp_path / "site" / page).read_text(encoding="utf-8") == plain
    # MkDocs writes an empty sitemap without a site_url: nothing for the version selector.
    sitemap = ET.parse(tmp_path / "site" / CURRENT / "sitemap.xml").getroot()
    assert list(sitemap) == []


def test_the_plain_404_page_needs_nothing_but_itself() -> None:
    page = plain_not_found("Acme <Engineering>")
    assert "<style>" in page and "<script>" in page
    assert "Acme &lt;Engineering&gt;" in page and "<Engineering>" not in page
    assert re.findall(r'(?:href|src)="([^"]*)"', page) == ["/latest/"]
    assert "http" not in page


def test_a_build_for_a_site_url_is_byte_identical_each_time(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = small_repo(write_repo)
    build(root, tmp_path / "one", BASE)
    build(root, tmp_path / "two", BASE)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_another_site_url_rebuilds_every_quarter(write_repo: WriteRepo, tmp_path: Path) -> None:
    root = small_repo(write_repo)
    cache = tmp_path / "cache"
    first = build(root, tmp_path / "first", BASE, cache=cache)
    assert first.built == list(QUARTERS)
    # --site-url leaves mkdocs.yml as it was: the quarters' keys must still change.
    moved = build(root, tmp_path / "moved", "https://okrs.example.com/", cache=cache)
    assert (moved.reused, moved.built) == ([], list(QUARTERS))
    assert moved.charts_drawn == 0  # the charts do not depend on the address
    build(root, tmp_path / "uncached", "https://okrs.example.com/")
    assert tree(tmp_path / "moved") == tree(tmp_path / "uncached")
    # The same address again: every quarter is reused.
    again = build(root, tmp_path / "again", "https://okrs.example.com/", cache=cache)
    assert (again.reused, again.built) == (list(QUARTERS), [])
    # Without one, again rebuilt (the sitemaps and 404 pages differ).
    plain = build(root, tmp_path / "plain", None, cache=cache)
    assert plain.built == list(QUARTERS)


# -- The command line -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "serve"])
def test_the_site_url_option_is_explained(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--site-url URL The address the site is published at, such as " in text
    assert f"{BASE} (default: site_url in mkdocs.yml)." in text
    assert "the version selector keeps the reader on the same page" in text


@pytest.mark.parametrize("command", ["build", "serve"])
def test_a_bad_site_url_option_is_one_line_before_any_work(
    write_repo: WriteRepo, command: str
) -> None:
    root = small_repo(write_repo)
    ports = ["--port", "0"] if command == "serve" else []
    result = CliRunner().invoke(
        main, ["--root", str(root), command, *ports, "--site-url", "example.github.io/okrs"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "okrsite: error: --site-url 'example.github.io/okrs' does not start with https:// or "
        f"http://; give the address the site is published at, an absolute http(s) URL such as "
        f"{BASE}\n"
    )
    assert not (root / "site").exists()


def test_a_bad_site_url_in_mkdocs_yml_is_one_line_and_the_option_overrides_it(
    write_repo: WriteRepo,
) -> None:
    root = with_config(small_repo(write_repo), "site_url: ftp://example.com/okrs/\n")
    runner = CliRunner()
    refused = runner.invoke(main, ["--root", str(root), "build", "--no-cache"])
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        "okrsite: error: mkdocs.yml: site_url 'ftp://example.com/okrs/' does not start with "
    )
    assert len(refused.stderr.splitlines()) == 1
    built = runner.invoke(main, ["--root", str(root), "build", "--no-cache", "--site-url", BASE])
    assert built.exit_code == 0, built.output
    lines = built.stderr.splitlines()
    assert lines[-1] == (
        f"view it with `okrsite serve --root {root} --site-url {BASE}` and open "
        "http://127.0.0.1:8000/okrs/"
    )
    sitemap = (root / "site" / CURRENT / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}{CURRENT}/</loc>" in sitemap
