"""The edit address: where a file of the repository opens in its web editor, from `--edit-url`
or mkdocs.yml's repo_url and edit_uri, checked once; a unit page links each KR's check-in file
there and shows the `okrsite checkin` line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.load.repository import load_valid
from okrsite.model.errors import OkrsiteError
from okrsite.score.history import score_all
from okrsite.site.builder.edit_url import (
    EXAMPLE,
    FROM_FILE,
    OPTION,
    check_edit_url,
    configured_edit_url,
    resolve_edit_url,
)
from okrsite.site.builder.settings import read_settings
from okrsite.site.pages.quarter import QuarterSite, quarter_pages
from tests.conftest import MINIMAL, WriteRepo
from tests.test_pages import TODAY, through

EDIT = "https://github.com/o/r/edit/main/"
FILE = "okrs/2026-Q4/payments.csv"
CHECKIN = "okrsite checkin payments delivery/lead-time VALUE --quarter 2026-Q4"
GITHUB = {"repo_url": "https://github.com/o/r", "edit_uri": "edit/main/content/"}


def _refused(value: object, where: str) -> str:
    """The message check_edit_url gives for value: one line naming where it came from."""
    with pytest.raises(OkrsiteError) as raised:
        check_edit_url(value, where)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{where} ")
    assert message.endswith(f"such as {EXAMPLE}")
    return message


# Where the address comes from.


def test_the_option_wins_over_mkdocs_yml() -> None:
    assert resolve_edit_url(GITHUB, "https://gitlab.example/o/r/-/edit/main") == (
        "https://gitlab.example/o/r/-/edit/main/"
    )
    assert resolve_edit_url(GITHUB) == EDIT


def test_the_option_wins_over_a_bad_mkdocs_yml() -> None:
    """A bad repo_url is never read when --edit-url says where files open."""
    bad = {"repo_url": "javascript:alert(1)", "edit_uri": "edit/main/content/"}
    assert resolve_edit_url(bad, EDIT) == EDIT
    with pytest.raises(OkrsiteError, match=f"^{FROM_FILE} "):
        resolve_edit_url(bad)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (GITHUB, EDIT),
        ({"repo_url": "https://github.com/o/r/", "edit_uri": "edit/main/content"}, EDIT),
        # An edit_uri without the content folder is the branch's root already.
        ({"repo_url": "https://github.com/o/r", "edit_uri": "edit/main/"}, EDIT),
        (
            {"repo_url": "https://github.com/o/r", "edit_uri": "blob/main/content/"},
            "https://github.com/o/r/blob/main/",
        ),
        # An absolute edit_uri is the address itself, whatever repo_url says.
        (
            {
                "repo_url": "https://github.com/o/r",
                "edit_uri": "https://git.example/x/edit/dev/content/",
            },
            "https://git.example/x/edit/dev/",
        ),
        (
            {"repo_url": "https://github.com/o/r", "edit_uri": "http://git.example/x/edit/dev/"},
            "http://git.example/x/edit/dev/",
        ),
        # Only a whole folder named content is taken off.
        (
            {"repo_url": "https://github.com/o/r", "edit_uri": "edit/main/mycontent/"},
            "https://github.com/o/r/edit/main/mycontent/",
        ),
        # From the host's root, as MkDocs reads an edit_uri that starts with a slash.
        (
            {"repo_url": "https://github.com/o/r", "edit_uri": "/o/r/edit/main/content/"},
            EDIT,
        ),
    ],
)
def test_repo_url_and_edit_uri_give_the_branchs_root(config: dict[str, Any], expected: str) -> None:
    assert configured_edit_url(config) == expected
    assert resolve_edit_url(config, None) == expected


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"repo_url": "https://github.com/o/r"},  # MkDocs' own default edit_uri is not read
        {"edit_uri": "edit/main/content/"},
        {"repo_url": "https://github.com/o/r", "edit_uri": ""},  # Material's "no edit links"
        {"repo_url": "https://github.com/o/r", "edit_uri": "/"},
        {"repo_url": "", "edit_uri": "edit/main/content/"},
        {"repo_url": None, "edit_uri": None},
        # Bitbucket's query form names no folder to edit in: no link, and the build goes on.
        {"repo_url": "https://bitbucket.org/o/r", "edit_uri": "src/default/content/?mode=edit"},
    ],
)
def test_without_both_no_page_links_an_editor(config: dict[str, Any]) -> None:
    assert resolve_edit_url(config) == ""


def test_mkdocs_yml_is_read_through_the_sites_settings(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = write_repo(
        {
            **MINIMAL,
            "mkdocs.yml": "repo_url: https://github.com/o/r\nedit_uri: edit/main/content/\n",
        }
    )
    assert read_settings(root).edit_url == EDIT
    assert read_settings(root, edit_url="https://x.example/e/").edit_url == "https://x.example/e/"
    assert read_settings(write_repo(MINIMAL, tmp_path / "other")).edit_url == ""


# What is refused: every value that could leave the link, or publish what it should not.


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("javascript:alert(1)", "does not start with https:// or http://"),
        ("JavaScript:alert(1)", "does not start with https:// or http://"),
        ("data:text/html,x", "does not start with https:// or http://"),
        ("//github.com/o/r/edit/main/", "does not start with https:// or http://"),
        ("github.com/o/r/edit/main/", "does not start with https:// or http://"),
        ('https://x/a"onmouseover=', "holds a space, quote or other character"),
        ("https://x/a'onmouseover=", "holds a space, quote or other character"),
        ("https://x/a<b>/", "holds a space, quote or other character"),
        ("https://x/a b/", "holds a space, quote or other character"),
        ("https://x/a\tb/", "holds a space, quote or other character"),
        ("https://x/a\nb/", "holds a space, quote or other character"),
        (" https://x/", "holds a space, quote or other character"),
        ("https://x/a)(", "holds a character other than letters, digits"),
        ("https://x/a](b", "holds a character other than letters, digits"),
        ("https://x/a*b_", "holds a character other than letters, digits"),
        ("https://x/\u00e9t\u00e9/", "holds a character other than letters, digits"),
        ("https://user:pw@host/", "holds a user name or password"),
        ("https://user@host/", "holds a user name or password"),
        ("http://host/../", "has a . or .. folder in its path"),
        ("http://host/a/./b/", "has a . or .. folder in its path"),
        ("https://x/edit/main/?plain=1", "has a query or #fragment"),
        ("https://x/edit/main/#top", "has a query or #fragment"),
        ("https://x/edit/main?", "has a query or #fragment"),
        ("https:///edit/main/", "names no host"),
        ("https://x:99999/", "is not a URL"),
        ("", "is empty"),
    ],
)
def test_a_bad_address_is_one_line_naming_the_option(given: str, problem: str) -> None:
    message = _refused(given, OPTION)
    assert problem in message, message
    with pytest.raises(OkrsiteError, match=f"^{OPTION} "):
        resolve_edit_url(GITHUB, given)


@pytest.mark.parametrize(
    "given", [5, 1.5, True, ["https://x/"], {"url": "https://x/"}, b"https://x/"]
)
def test_a_value_that_is_not_text_is_refused(given: object) -> None:
    assert "is not text" in _refused(given, OPTION)
    assert "is not text" in _refused(given, FROM_FILE)


@pytest.mark.parametrize(
    "config",
    [
        {"repo_url": "javascript:alert(1)//", "edit_uri": "edit/main/content/"},
        {"repo_url": 'https://x/a"onmouseover=', "edit_uri": "edit/main/content/"},
        {"repo_url": "https://github.com/o/r", "edit_uri": "edit/ma)(in/content/"},
        {"repo_url": "https://github.com/o/r", "edit_uri": "edit/main branch/content/"},
        {"repo_url": "https://user:pw@github.com/o/r", "edit_uri": "edit/main/content/"},
        {"repo_url": "http://host", "edit_uri": "../content/"},
        {"repo_url": "https://github.com/o/r?tab=1", "edit_uri": "edit/main/content/"},
        {"repo_url": "https://github.com/o/r", "edit_uri": "javascript:alert(1)/content/"},
        {"repo_url": 5, "edit_uri": "edit/main/content/"},
        {"repo_url": ["https://github.com/o/r"], "edit_uri": "edit/main/content/"},
    ],
)
def test_a_bad_mkdocs_yml_is_one_line_naming_both_settings(config: dict[str, Any]) -> None:
    with pytest.raises(OkrsiteError) as raised:
        resolve_edit_url(config)
    message = str(raised.value)
    assert message.startswith(f"{FROM_FILE} "), message
    assert "\n" not in message


@pytest.mark.parametrize(
    "given",
    ["https://x", "https://x/", "https://x///", "https://x.example:8443/o/r/edit/main"],
)
def test_an_address_is_kept_with_one_trailing_slash(given: str) -> None:
    kept = check_edit_url(given, OPTION)
    assert kept.endswith("/") and not kept.endswith("//")
    assert check_edit_url(kept, OPTION) == kept


def test_a_long_bad_address_is_shortened_in_its_message() -> None:
    message = _refused("javascript:" + "a" * 500, OPTION)
    assert len(message) < 300


# The pages.


def _unit_page(root: Path, edit_url: str) -> str:
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    site = QuarterSite(repository.org, through(results, "2026-Q4"), "2026-Q4", edit_url=edit_url)
    return quarter_pages(site)["units/payments.md"]


def test_a_unit_page_links_each_check_in_file_in_the_web_editor(write_repo: WriteRepo) -> None:
    page = _unit_page(write_repo(MINIMAL), EDIT)
    # The link's destination is the checked address and the file's path, nothing else.
    assert f'<a href="{EDIT}{FILE}">edit {FILE}</a>' in page
    links = re.findall(r'href="([^"]*)"', page)
    edits = [link for link in links if link.startswith("https://github.com/")]
    assert edits and set(edits) == {f"{EDIT}{FILE}"}
    assert CHECKIN in page


def test_without_an_edit_address_no_page_links_an_editor(write_repo: WriteRepo) -> None:
    page = _unit_page(write_repo(MINIMAL), "")
    assert CHECKIN in page
    assert f"{FILE})" not in page and "web editor" not in page


def test_a_page_never_prints_an_address_that_was_not_checked(write_repo: WriteRepo) -> None:
    """The pages print the address as is, so one that bypassed the check is a bug, not a page."""
    with pytest.raises(ValueError, match="not a checked address"):
        _unit_page(write_repo(MINIMAL), 'https://x/a"onmouseover=alert(1)//')


# The command.


def test_build_refuses_a_bad_edit_url_before_any_work(write_repo: WriteRepo) -> None:
    root = write_repo(MINIMAL)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--edit-url", "javascript:x"])
    assert result.exit_code == 2
    assert result.stderr == (
        "okrsite: error: --edit-url 'javascript:x' does not start with https:// or http://; "
        "give the address under which a file of the repository opens in its web editor, such as "
        f"{EXAMPLE}\n"
    )
    assert "Traceback" not in result.output
    assert sorted(p.name for p in root.iterdir()) == ["okrs"]


def test_build_refuses_a_bad_edit_address_in_mkdocs_yml(write_repo: WriteRepo) -> None:
    root = write_repo(
        {**MINIMAL, "mkdocs.yml": "repo_url: https://github.com/o/r\nedit_uri: 'a b/content/'\n"}
    )
    result = CliRunner().invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"okrsite: error: {FROM_FILE} 'https://github.com/o/r/a b' ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not (root / "site").exists()


def test_build_help_names_the_option() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    text = " ".join(result.output.split())
    assert (
        f"--edit-url URL Where a file of the repository opens in its web editor, such as {EXAMPLE}"
        in text
    )
    assert "(default: repo_url and edit_uri in mkdocs.yml)" in text


def test_an_edit_uri_that_is_not_text_is_refused() -> None:
    with pytest.raises(OkrsiteError, match=r"^mkdocs\.yml: edit_uri '?5'? is not text$"):
        resolve_edit_url({"repo_url": "https://github.com/o/r", "edit_uri": 5})
