"""The site the package carries, and a repository's own mkdocs.yml, theme/ and content/ laid over
it: a repository holding only okrs/ builds the full, styled site with either engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.model.errors import OkrsiteError
from okrsite.pipeline import build_site
from okrsite.site.builder.overlay import (
    DEFAULT_THEME,
    REQUIRED_EXTENSIONS,
    default_config,
    merged_config,
    theme_layers,
)
from okrsite.site.builder.settings import ENGINES, read_settings
from tests.conftest import MINIMAL, WriteRepo
from tests.test_site import TODAY, a_quarter_earlier

ONLY_OKRS: dict[str, str] = {
    **MINIMAL,
    "okrs/2026-Q3/quarter.yaml": "start: 2026-07-01\nend: 2026-09-30\nstatus: closed\n",
    "okrs/2026-Q3/payments.yaml": MINIMAL["okrs/2026-Q4/payments.yaml"],
    "okrs/2026-Q3/payments.csv": a_quarter_earlier(MINIMAL["okrs/2026-Q4/payments.csv"]),
}
"""A repository with only okrs/: two quarters (a closed one, for its review page), no mkdocs.yml,
theme/ or content/."""

PAGES = [
    "index.html",
    "units/eng/index.html",
    "units/platform/index.html",
    "units/payments/index.html",
    "blockers/index.html",
    "owners/index.html",
    "alignment/index.html",
    "checks/index.html",
    "archive/index.html",
    "help/check-codes/index.html",
    "help/data-format/index.html",
    "help/reading-the-site/index.html",
]
"""Every page kind of an open quarter, the Help pages among them."""
OUR_STYLE = ".md-typeset .okrsite-badge {"
"""A rule of the styles in the package's theme (okrsite.html's extrahead block)."""
RAW_MARKDOWN = re.compile(r"\{:\s*[#.]|\?\?\? note|^\|\s*---", re.MULTILINE)
"""Markdown the extensions should have turned into HTML: attributes, folded notes, tables."""


def page(site: Path, quarter: str, relative: str) -> str:
    """A built page's HTML."""
    return (site / quarter / relative).read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_repository_with_only_okrs_builds_the_styled_versioned_site(
    write_repo: WriteRepo, tmp_path: Path, engine: str
) -> None:
    root = write_repo(ONLY_OKRS)
    site = tmp_path / "site"
    build_site(root, site, today=TODAY, engine=engine)
    assert (site / "versions.json").is_file()
    for relative in PAGES:
        html = page(site, "2026-Q4", relative)
        assert OUR_STYLE in html, relative
        assert RAW_MARKDOWN.search(html) is None, relative
        assert "Acme Engineering" in html, relative  # site_name from okrs/org.yaml
    review = page(site, "2026-Q3", "review/index.html")
    assert OUR_STYLE in review and 'class="okrsite-archive"' in review  # the archive banner
    unit = page(site, "2026-Q4", "units/payments/index.html")
    assert 'id="delivery"' in unit  # attr_list: `{: #delivery }` on the objective's heading
    assert "<details" in unit and "Chart data" in unit  # pymdownx.details
    assert "<table>" in unit  # tables
    assert 'data-md-color-scheme="default"' in unit  # the package's palette
    assert "version" in unit  # mike's selector, from extra.version


@pytest.mark.parametrize("engine", ENGINES)
def test_a_repositorys_theme_block_palette_and_help_page_win(
    write_repo: WriteRepo, tmp_path: Path, engine: str
) -> None:
    root = write_repo(
        {
            **ONLY_OKRS,
            "mkdocs.yml": """\
                theme:
                  palette:
                    scheme: slate
                    primary: deep-orange
                """,
            "theme/main.html": """\
                {% extends "okrsite.html" %}
                {% block extrahead %}
                  {{ super() }}<style>.acme-mark { color: red; }</style>
                {% endblock %}
                """,
            "content/help/check-codes.md": "# Acme's own codes\n\nAsk the platform team.\n",
            "content/runbook.md": "# Runbook\n\nOurs.\n",
        }
    )
    site = tmp_path / "site"
    build_site(root, site, today=TODAY, engine=engine)
    html = page(site, "2026-Q4", "units/payments/index.html")
    # The repository's block, with ours kept through super(); its palette over ours.
    assert ".acme-mark { color: red; }" in html and OUR_STYLE in html
    assert 'data-md-color-primary="deep-orange"' in html
    assert 'data-md-color-scheme="slate"' in html
    codes = page(site, "2026-Q4", "help/check-codes/index.html")
    assert "Ask the platform team." in codes and "OKR001" not in codes
    assert "Ours." in page(site, "2026-Q4", "runbook/index.html")
    assert OUR_STYLE in page(site, "2026-Q4", "help/data-format/index.html")  # ours stay


def test_an_extension_the_pages_need_turned_off_is_an_error_naming_it(
    write_repo: WriteRepo,
) -> None:
    for extension, needed_for in REQUIRED_EXTENSIONS.items():
        root = write_repo(
            {**ONLY_OKRS, "mkdocs.yml": f"markdown_extensions:\n  - {extension}: false\n"},
            root=write_repo({}) / extension,
        )
        expected = (
            f"mkdocs.yml: markdown_extensions: {extension} is turned off, but okrsite's pages "
            f"need it for {needed_for}; remove `{extension}: false`"
        )
        with pytest.raises(OkrsiteError, match=f"^{re.escape(expected)}$"):
            read_settings(root)
    # The command says so and builds nothing.
    root = write_repo({**ONLY_OKRS, "mkdocs.yml": "markdown_extensions:\n  - attr_list: false\n"})
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--out", "out"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "mkdocs.yml: markdown_extensions: attr_list is turned off" in result.output
    assert not (root / "out").exists()


def test_another_theme_is_an_error_naming_it(write_repo: WriteRepo) -> None:
    root = write_repo({**ONLY_OKRS, "mkdocs.yml": "theme: readthedocs\n"})
    with pytest.raises(OkrsiteError, match=r"^mkdocs\.yml: theme\.name is 'readthedocs'; "):
        read_settings(root)


def test_mappings_merge_lists_replace_and_extensions_merge_by_name() -> None:
    ours = default_config()
    merged = merged_config(
        {
            "site_name": "Ours",
            "theme": {"features": ["navigation.tabs"], "logo": "logo.png"},
            "extra": {"analytics": {"provider": "plausible"}},
            "markdown_extensions": [
                "tables",  # named again, bare: ours as it is
                {"toc": {"toc_depth": 3}},  # merged over ours
                "pymdownx.emoji",  # added after ours
                {"admonition": False},  # one of ours the pages do not need, turned off
            ],
            "plugins": [{"search": False}, "tags"],
        }
    )
    assert merged["site_name"] == "Ours"
    # theme: a mapping, merged; its features: a list, replaced; its palette: ours.
    assert merged["theme"]["features"] == ["navigation.tabs"]
    assert merged["theme"]["logo"] == "logo.png" and merged["theme"]["font"] is False
    assert merged["theme"]["palette"] == ours["theme"]["palette"]
    assert merged["extra"] == {
        "version": {"provider": "mike"},
        "analytics": {"provider": "plausible"},
    }
    assert merged["markdown_extensions"] == [
        "pymdownx.details",
        "tables",
        "attr_list",
        {"toc": {"permalink": True, "toc_depth": 3}},
        "pymdownx.emoji",
    ]
    assert merged["plugins"] == ["tags"]
    # A mapping of extensions (as MkDocs also reads them) merges the same way.
    mapped = merged_config({"markdown_extensions": {"toc": {"permalink": False}}})
    assert {"toc": {"permalink": False}} in mapped["markdown_extensions"]
    # None: the package's alone; an empty mkdocs.yml the same.
    assert merged_config(None) == merged_config({})
    assert merged_config(None)["markdown_extensions"] == ours["markdown_extensions"]


def test_the_theme_layers_are_ours_then_the_repositorys(write_repo: WriteRepo) -> None:
    bare = write_repo({"okrs/org.yaml": "x"})
    assert theme_layers(bare, None) == (DEFAULT_THEME,)
    (bare / "theme").mkdir()
    assert theme_layers(bare, None) == (DEFAULT_THEME, bare / "theme")
    (bare / "overrides").mkdir()
    named = theme_layers(bare, {"theme": {"custom_dir": "overrides"}})
    assert named == (DEFAULT_THEME, bare / "overrides")
    with pytest.raises(OkrsiteError, match=r"^mkdocs\.yml: theme\.custom_dir is 'gone', which"):
        theme_layers(bare, {"theme": {"custom_dir": "gone"}})
    # custom_dir names the repository's layer, never the build's theme folder.
    assert "custom_dir" not in merged_config({"theme": {"custom_dir": "overrides"}})["theme"]


def test_a_theme_folder_named_by_custom_dir_is_in_the_fingerprint(write_repo: WriteRepo) -> None:
    root = write_repo(
        {
            **ONLY_OKRS,
            "mkdocs.yml": "theme:\n  custom_dir: overrides\n",
            "overrides/main.html": '{% extends "okrsite.html" %}\n',
        }
    )
    before = read_settings(root).fingerprint
    (root / "overrides/main.html").write_text('{% extends "base.html" %}\n', "utf-8")
    assert read_settings(root).fingerprint != before
