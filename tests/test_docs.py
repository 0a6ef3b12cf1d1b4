"""The Help every site publishes is the user's manual: every command, every check code, the
engines, each in its page. The README is the front door: short, naming the two commands and
`okrsite init`, and linking only to files that exist."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest

from okrsite.cli import main
from okrsite.model.problems import CODES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
HELP_DIR = ROOT / "okrsite" / "site" / "defaults" / "help"
HELP = {path.name: path.read_text(encoding="utf-8") for path in sorted(HELP_DIR.glob("*.md"))}

README_MOST_LINES = 250
"""About 200 lines: what it is, screenshots, the two commands, adopting it, the data in brief,
the commands and links. The manual is the Help."""

LINK = re.compile(r"\]\(([^)\s]+)\)|<img src=\"([^\"]+)\"")
PROCESS_WORDS = re.compile(r"\b(issue|session|round) \d+|\bcontract\b", re.I)
"""Words for how okrsite is made, not for how it is used: no user page names them."""


def _command_paths(group: click.Group, prefix: str = "okrsite") -> list[str]:
    """Every command as a user types it, subcommands of groups included."""
    paths: list[str] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
        else:
            paths.append(path)
    return paths


def _section(text: str, heading: str) -> str:
    """A Markdown section from its heading to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n")
    ends = [
        match.start()
        for match in re.finditer(r"^(#+) ", text[start + 1 :], re.MULTILINE)
        if len(match.group(1)) <= len(level)
    ][1:]
    return text[start : start + 1 + ends[0]] if ends else text[start:]


@pytest.mark.parametrize("command", _command_paths(main))
def test_every_command_is_in_the_readme_and_the_help(command: str) -> None:
    assert f"`{command}" in README, f"README.md does not show `{command}`"
    rows = [line for line in HELP["commands.md"].splitlines() if line.startswith("| `okrsite ")]
    assert any(f"`{command}" in row for row in rows), f"the Help's commands table lacks {command}"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_check_code_is_in_the_help_table(code: str) -> None:
    known = CODES[code]
    row = f"| [{code}](#{code.lower()}) | {known.severity} | {known.name} |"
    assert row in HELP["check-codes.md"], row


def test_the_readme_is_a_front_door() -> None:
    lines = README.count("\n")
    assert lines <= README_MOST_LINES, f"README.md has {lines} lines; the manual is the Help"
    for said in ("make site", "make test", "make test-fast", "okrsite init", "okrsite check"):
        assert said in README, said
    for heading in ("## Use it for your organisation", "## The data, in brief", "## Commands"):
        assert f"\n{heading}\n" in README, heading
    assert "okrs/org.yaml" in README and "```yaml\nname: " in README  # an org.yaml example
    assert PROCESS_WORDS.search(README) is None, PROCESS_WORDS.search(README)


def test_the_readme_links_only_to_files_that_exist() -> None:
    links = [a or b for a, b in LINK.findall(README)]
    local = [link for link in links if "://" not in link and not link.startswith("#")]
    assert local, "the README links to nothing in the repository"
    missing = [link for link in local if not (ROOT / link.split("#", 1)[0]).exists()]
    if not (HELP_DIR / "adopting.md").exists():  # written alongside `okrsite init`
        missing = [link for link in missing if not link.endswith("help/adopting.md")]
    assert missing == []


MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")


class _Images(HTMLParser):
    """Every <img> of an HTML text as (src, alt), either attribute "" when missing."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            given = dict(attrs)
            self.found.append((given.get("src") or "", given.get("alt") or ""))


def test_every_readme_image_is_in_the_repository_with_an_alt_text() -> None:
    """The README's pictures (Markdown images and <img> tags) are files kept in the repository,
    each with a text that says what it shows to a reader who cannot see it."""
    parser = _Images()
    parser.feed(README)
    images = parser.found + [(src, alt) for alt, src in MARKDOWN_IMAGE.findall(README)]
    assert images, "the README shows no screenshot"
    for src, alt in images:
        assert "://" not in src, f"{src}: the README's images are files in the repository"
        assert (ROOT / src).is_file(), f"{src} is missing"
        assert alt.strip(), f"{src} has no alt text"


def test_help_pages_link_only_to_help_pages() -> None:
    """A published page cannot reach the repository: its links stay within the Help, where
    the site's build finds them."""
    for name, text in HELP.items():
        for link in (a or b for a, b in LINK.findall(text)):
            if "://" in link or link.startswith(("#", "mailto:")):
                continue
            target = link.split("#", 1)[0]
            assert "/" not in target and target.endswith(".md"), (name, link)
            if target != "adopting.md":  # written alongside `okrsite init`
                assert target in HELP, (name, link)


def test_help_pages_use_no_words_for_how_okrsite_is_made() -> None:
    for name, text in HELP.items():
        found = PROCESS_WORDS.search(text)
        assert found is None, (name, found.group(0) if found else "")
        assert "the README" not in text and "The README" not in text, name


def test_the_help_shows_how_to_publish_with_either_engine() -> None:
    """Publishing names both engines, the setting that switches, and why: Material's end of life."""
    publishing = _section(HELP["engines.md"], "## Publishing with Zensical")
    for said in ("2027-05-05", "Zensical", "MkDocs", "engine: zensical", "extra.okrsite.engine"):
        assert said in publishing, said
    assert "engines.md#publishing-with-zensical" in HELP["workflows.md"]
    # Every synopsis of build and serve (the commands' table, escaping its `|`, and the section).
    help_text = HELP["commands.md"] + HELP["building.md"]
    for option in ("okrsite build [", "okrsite serve ["):
        starts = [i for i in range(len(help_text)) if help_text.startswith(option, i)]
        assert len(starts) == 2, option
        for start in starts:
            shown = help_text[start : start + 200].replace("\\|", "|")
            assert "--engine mkdocs|zensical" in shown, option


def test_the_help_keeps_what_the_readme_handed_it() -> None:
    """The facts the README gave before it became a front door, each where it now lives."""
    where = {
        "readings.md": ("## What is computed", "SOURCE_DATE_EPOCH", "Needs a conversation"),
        "commands.md": ("--format github", "How well the lints read titles", "source_review"),
        "collect.md": ("## The DORA measures", "lead time to merge", "failure_hours"),
        "building.md": ("--site-url", "interrupted by", ".site.lock", "file://"),
        "site.md": ("versions.json", "#only-dark", "nh3", "WCAG AA"),
        "cache.md": ("OKRSITE_CACHE_KEY", "--no-cache", "byte-identical"),
        "limits.md": ("OKR060", "OKR061", "OKR062", "OKR063", "2106-02-07"),
        "quarters.md": ("okrsite new quarter", "--early", "OKR301", "okrsite reopen"),
        "workflows.md": ("pull_request_target", "OKRSITE_COLLECT_TOKEN", "cache-mode: write"),
        "threat-model.md": ("libyaml", "content: sanitised", "!!python/name:"),
    }
    for page, facts in where.items():
        for fact in facts:
            assert fact in HELP[page], (page, fact)
