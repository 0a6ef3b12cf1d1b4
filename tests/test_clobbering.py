"""T4: under `content: sanitised`, a content/ page cannot clobber the theme's own elements.

Material reads its configuration from the first element with id `__config`; a page that names a
paragraph so, or a heading whose text is `__config`, came first and won (DOM clobbering): the
page then fetched an attacker's versions.json. Every id and name a cleaned page writes is
prefixed with `user-content-`, and its in-page links and table of contents follow.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from okrsite.pipeline import build_site
from okrsite.site.builder.sanitise import sanitised
from scripts.browser import launch
from tests.conftest import WriteRepo, require_chromium
from tests.test_site import TODAY, small_repo

CLOBBERING_PAGE = """\
# Handbook

<p id="__config">{"base": "https://attacker.example/", "features": [], "search": "x.js",
"translations": {}, "version": {"provider": "mike"}}</p>

<a name="__md_scope">scope</a> <img src="x.png" name="__search" alt="">

## __config

Read [the section above](#__config) and the footnote.[^note]

[^note]: A footnote links back with in-page anchors too.
"""

INTRO = '<p id="__config">{"base": "https://attacker.example/"}</p>\n\nWelcome.\n'


def clobbering_repo(write_repo: WriteRepo) -> Path:
    """A small repository whose content/ pages carry clobbering markup, sanitised."""
    root = small_repo(
        write_repo, {"content/handbook.md": CLOBBERING_PAGE, "content/index.md": INTRO}
    )
    # The whole mkdocs.yml: the package's settings with content/ cleaned.
    (root / "mkdocs.yml").write_text(
        "extra:\n  okrsite:\n    content: sanitised\n", encoding="utf-8"
    )
    return root


def ids(page: str) -> list[str]:
    """Every id and name attribute's value in page, in order."""
    return re.findall(r'\s(?:id|name)="([^"]*)"', page)


def test_the_sanitiser_prefixes_ids_names_and_in_page_links() -> None:
    """T4: the cleaning itself, on the markup an attacker writes (no tag keeps a name=)."""
    cleaned = sanitised(
        '<p id="__config">x</p><a name="n" href="#__config">up</a>'
        '<a href="https://example.org/#frag">out</a><a href="#">top</a>'
    )
    assert cleaned == (
        '<p id="user-content-__config">x</p>'
        '<a href="#user-content-__config">up</a>'
        '<a href="https://example.org/#frag">out</a><a href="#">top</a>'
    )


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_clobbering_markup_is_neutralised_in_both_engines(
    write_repo: WriteRepo, tmp_path: Path, engine: str
) -> None:
    """T4: `<p id="__config">`, a name= and a `## __config` heading reach no theme id."""
    root = clobbering_repo(write_repo)
    site = tmp_path / "site"
    build_site(root, site, today=TODAY, engine=engine, workers=0)
    for relative in ("2026-Q4/handbook/index.html", "2026-Q4/index.html"):
        page = (site / relative).read_text(encoding="utf-8")
        found = ids(page)
        # Only the theme's own configuration carries the id it reads; and it is intact.
        assert found.count("__config") == 1, relative
        config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', page)
        assert config is not None, relative
        assert "attacker.example" not in json.loads(config.group(1)).get("base", "")
        assert "user-content-__config" in found, relative
    handbook = (site / "2026-Q4/handbook/index.html").read_text(encoding="utf-8")
    # Within the page's article, all the page wrote, every id is the page's own (Zensical's
    # theme puts its skip link's target there too).
    article = re.search(r"<article\b.*?</article>", handbook, re.S)
    assert article is not None
    written = [found for found in ids(article.group(0)) if found != "__skip"]
    assert written and all(found.startswith("user-content-") for found in written)
    # The heading's anchor, the page's in-page link and its table of contents agree.
    assert re.search(r'<h2 id="user-content-__config"', handbook)
    assert 'href="#user-content-__config"' in handbook
    assert 'href="#__config"' not in handbook
    anchors = set(re.findall(r'href="#([^"]+)"', handbook))
    targets = set(ids(handbook))
    assert {a for a in anchors if a.startswith("user-content-")} <= targets


def test_a_page_with_clobbering_markup_keeps_the_themes_configuration(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    """T4: in Chromium, the page's configuration is the theme's, no request leaves for the
    attacker's host and no script the page wrote runs."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    root = clobbering_repo(write_repo)
    handbook = root / "content/handbook.md"
    handbook.write_text(
        handbook.read_text(encoding="utf-8")
        + '\n<img src="x" onerror="window.__clobbered = 1">\n<script>window.__clobbered = 2'
        "</script>\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    build_site(root, site, today=TODAY, workers=0)
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto((site / "2026-Q4/handbook/index.html").as_uri())
            page.wait_for_load_state("load")
            config = page.evaluate("JSON.parse(document.querySelector('#__config').textContent)")
            tag = page.evaluate("document.querySelector('#__config').tagName")
            clobbered = page.evaluate("window.__clobbered === undefined ? null : 1")
            heading = page.evaluate("document.getElementById('user-content-__config') !== null")
        finally:
            browser.close()
    assert tag == "SCRIPT"
    assert "attacker.example" not in json.dumps(config)
    assert clobbered is None
    assert heading
    assert not [url for url in requests if "attacker.example" in url]
