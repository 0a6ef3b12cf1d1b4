"""Escaping of user text for Markdown and HTML, and sanitising of notes."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrsite.site.markup import html_text, md_text, note_html, single_line

EXTENSIONS = ["tables", "attr_list", "admonition", "pymdownx.details", "toc"]
"""The Markdown extensions of the repository's mkdocs.yml."""

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '{: onclick="x"}',
    '"><svg onload=alert(1)>',
    "**bold** _em_ `code` # not a heading | not a cell",
    "\x02wzxhzdk:0\x03",  # Python-Markdown's placeholder for stashed HTML
]


class _Reader(HTMLParser):
    """The text, tags and attributes of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(fragment: str) -> _Reader:
    reader = _Reader()
    reader.feed(fragment)
    reader.close()
    return reader


def render(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


@given(st.text())
def test_md_text_reads_as_itself_in_a_paragraph(text: str) -> None:
    reader = read(render(f"Note: {md_text(text)}"))
    # Only a paragraph: no emphasis, link, code or attribute came out of the user's text.
    assert set(reader.tags) <= {"p"}
    assert reader.attributes == []
    assert "".join(reader.text).strip() == f"Note: {single_line(text)}".strip()


@given(st.text())
def test_md_text_stays_in_its_table_cell(text: str) -> None:
    reader = read(render(f"| a | b |\n| --- | --- |\n| {md_text(text)} | end |\n"))
    assert reader.tags.count("td") == 2
    assert reader.attributes == []


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_neutralises_hostile_text(text: str) -> None:
    reader = read(render(f"# {md_text(text)}\n\n{md_text(text)}"))
    assert set(reader.tags) <= {"h1", "p"}
    # The heading may only carry the id the toc extension gives it.
    assert {name for name, _ in reader.attributes} <= {"id"}


def test_html_text_escapes_quotes_and_tags() -> None:
    assert html_text('"><svg onload=alert(1)>') == "&quot;&gt;&lt;svg onload=alert(1)&gt;"


def test_single_line_collapses_breaks_and_control_characters() -> None:
    assert single_line("a\n\tb\x00  c\r\n") == "a b c"


def test_note_keeps_safe_markdown() -> None:
    html = note_html("See **this** and [the doc](https://example.org/a_b).")
    reader = read(html)
    assert reader.tags == ["p", "strong", "a"]
    assert ("href", "https://example.org/a_b") in reader.attributes
    assert "".join(reader.text) == "See this and the doc."


@pytest.mark.parametrize(
    "note",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](jav&#x61;script:alert(1))",
        "[x](data:text/html,hi)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:x)",
        "[x](/relative)",
        "[x](//evil.example/)",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x][r]\n\n[r]: data:text/html,hi",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_note_drops_links_that_are_not_http_https_or_mailto(note: str) -> None:
    reader = read(note_html(note))
    assert [name for name, _ in reader.attributes if name == "href"] == []


def test_note_keeps_reference_style_https_links() -> None:
    note = "See [the runbook][r].\n\n[r]: https://runbooks.example/deploy"
    assert ("href", "https://runbooks.example/deploy") in read(note_html(note)).attributes


@pytest.mark.parametrize(
    "note",
    ["![the graph](http://evil.example/p.png)", "![the graph][i]\n\n[i]: https://evil.example/"],
)
def test_note_images_become_their_alt_text_and_load_nothing(note: str) -> None:
    # The site must fetch nothing from the network: the image goes, its words stay.
    html = note_html(note)
    assert read(html).tags == ["p"]
    assert "evil" not in html
    assert html == "<p>the graph</p>"


def test_note_keeps_mailto_links() -> None:
    assert ("href", "mailto:sam@example.org") in read(
        note_html("[Sam](mailto:sam@example.org)")
    ).attributes


@pytest.mark.parametrize("note", HOSTILE)
def test_note_shows_raw_html_as_text_and_runs_nothing(note: str) -> None:
    html = note_html(note)
    reader = read(html)
    assert set(reader.tags) <= {"p", "strong", "em", "code", "a"}
    assert not any(name.startswith("on") for name, _ in reader.attributes)
    # Rendered again by MkDocs, the sanitised block stays as it is.
    assert read(render(html)).tags == reader.tags


def test_note_escapes_markdown_left_in_its_text() -> None:
    # An escaped link survives the first rendering as text; a second must not make it a link.
    html = note_html(r"\[y\](javascript:alert(1))")
    assert read(render(f"<div>{html}</div>")).tags == ["div", "p"]


def test_empty_note_is_empty() -> None:
    assert note_html(" \n ") == ""
