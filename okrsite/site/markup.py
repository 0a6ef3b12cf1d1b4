"""Escaping of user-written text for Markdown pages and HTML, and sanitising of notes."""

from __future__ import annotations

import re

import markdown
import nh3

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
"""Control characters; STX/ETX would also forge Python-Markdown's placeholders for stashed HTML."""

_MARKDOWN_SIGNIFICANT = "\\`*_{}[]()#+-.!|~^=:$"
"""Characters Markdown, tables, attr_list or an extension could read as syntax."""

_ENTITIES = {ord(c): f"&#{ord(c)};" for c in _MARKDOWN_SIGNIFICANT}

_HTML = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
}
"""HTML's special characters; decimal for the quote, since Python-Markdown drops hex entities."""

_MARKDOWN = {**_HTML, **_ENTITIES}

NOTE_TAGS = frozenset({"p", "br", "em", "strong", "code", "a", "ul", "ol", "li"})
"""The few tags a note may use once rendered from Markdown."""

NOTE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""The only link targets a note may carry: no javascript:, data: or relative tricks."""

_TAG = re.compile(r"(<[^>]*>)")

_IMAGE = re.compile(r'<img\b[^>]*?\balt="([^"]*)"[^>]*>')
"""An image Python-Markdown rendered from `![alt](url)`; raw HTML never reaches it as a tag."""


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""What no page or chart may carry: controls, and what XML 1.0 forbids (lone surrogates, the
non-characters), which would make an SVG unreadable or a page unwritable."""


def single_line(text: str) -> str:
    """User text as one line, before it is escaped for any page or chart: control characters
    and line breaks collapsed to single spaces, what XML forbids dropped the same way."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


def html_text(text: str) -> str:
    """Text escaped for HTML content and attributes, on one line."""
    return single_line(text).translate(_HTML)


def md_text(text: str) -> str:
    """Text escaped for inline Markdown: HTML-escaped, and every Markdown-significant character
    written as a numeric entity, so it reads as itself in a paragraph, heading or table cell."""
    return single_line(text).translate(_MARKDOWN)


_ZERO_WIDTH_SPACE = "&#8203;"


def gfm_text(text: str) -> str:
    """md_text for GitHub (issues, pull requests): also no @mention and no #reference.

    GitHub looks for `@user` and `#123` in the rendered text, after entities are decoded, so an
    entity alone would still notify or link: a zero-width space after each @ and # keeps the
    text reading the same while `@everyone` or `@org/team` mentions no one (as Renovate escapes
    release notes)."""
    escaped = md_text(text).replace("@", "@" + _ZERO_WIDTH_SPACE)
    return escaped.replace(f"&#{ord('#')};", f"&#{ord('#')};{_ZERO_WIDTH_SPACE}")


def _escape_text_nodes(fragment: str) -> str:
    """Markdown-significant characters between tags written as entities; tags left alone."""
    # Entities inside an attribute value are decoded by the browser to the same value, so a
    # split on a '>' inside an attribute is harmless.
    parts = _TAG.split(fragment)
    return "".join(p if p.startswith("<") else p.translate(_ENTITIES) for p in parts)


def _absolute_links_only(_tag: str, attribute: str, value: str) -> str | None:
    """Drop an href that is not absolute http(s) or mailto: nh3 lets relative URLs through."""
    if attribute == "href" and not value.lower().startswith(("http://", "https://", "mailto:")):
        return None
    return value


def note_html(text: str) -> str:
    """A note's Markdown rendered and sanitised to one line of safe HTML ('' for no text).

    Links keep only http, https and mailto targets; an image is replaced by its alt text (the
    site fetches nothing); any other tag or attribute is dropped.
    """
    text = _CONTROL.sub(lambda m: "\n" if "\n" in m.group() else " ", text).strip()
    if not text:
        return ""
    # Raw HTML in a note is shown as typed, not dropped: people paste tags by accident.
    rendered = markdown.markdown(text.replace("<", "&lt;"), output_format="html")
    # The site loads nothing from the network, so an image keeps only its words: its alt text.
    rendered = _IMAGE.sub(r"\1", rendered)
    clean = nh3.clean(
        rendered,
        tags=set(NOTE_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(NOTE_URL_SCHEMES),
        attribute_filter=_absolute_links_only,
        link_rel="noopener noreferrer nofollow",
    )
    return _escape_text_nodes(" ".join(clean.split()))
