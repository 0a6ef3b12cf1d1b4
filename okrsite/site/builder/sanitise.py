"""content/ pages sanitised as MkDocs renders them, for organisations that let anyone edit content/.

By default content/ is trusted like theme/ and mkdocs.yml: its Markdown may carry raw HTML and
scripts, as any MkDocs site's pages may. With `extra.okrsite.content: sanitised` in mkdocs.yml,
every page from content/ keeps only the tags and attributes below, so a `<script>`, an event
handler or a `javascript:` link written there never reaches a reader.

Nor can such a page clobber the theme's own elements (threat T4 in help/threat-model.md):
Material reads its configuration from `#__config`, the first element with that id, and a page
written before it could name a paragraph so. Every `id` and `name` in a cleaned page is
prefixed with USER_CONTENT (as GitHub prefixes `user-content-`), its heading anchors included,
since the toc extension makes them from the heading's text (`## __config` gives `__config`);
in-page links (`href="#x"`) and the page's table of contents point to the prefixed ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import nh3
from mkdocs.plugins import BasePlugin

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONTENT_DIR

ContentTrust = Literal["trusted", "sanitised"]
CONTENT_TRUST: tuple[ContentTrust, ...] = ("trusted", "sanitised")

SANITISED_FILES = (".md", ".png", ".jpg", ".jpeg", ".gif", ".webp")
"""What a sanitised content/ may hold: pages and pictures, nothing a browser would run."""

USER_CONTENT = "user-content-"
"""The prefix of every id and name in a cleaned page."""
_NAMED = ("id", "name")
"""The attributes a browser makes a global name or a fragment target of."""

_MARKUP_ATTRIBUTES = {"id", "class", "title"}
"""Attributes MkDocs and its extensions write (heading anchors, admonitions, tables)."""

_TAGS = set(nh3.ALLOWED_TAGS) | {"input"}  # task-list checkboxes from pymdownx
_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, set())) | _MARKUP_ATTRIBUTES for tag in _TAGS
}
_ATTRIBUTES["input"] = {"type", "checked", "disabled"}


def content_trust(okrsite: Mapping[str, Any]) -> ContentTrust:
    """mkdocs.yml's `extra.okrsite.content`: trusted (the default) or sanitised."""
    value = okrsite.get("content", "trusted")
    if value not in CONTENT_TRUST:
        raise OkrsiteError(
            f"mkdocs.yml: extra.okrsite.content is {value!r}; write trusted (content/ may hold "
            "any HTML) or sanitised (pages from content/ are cleaned of scripts and raw HTML)"
        )
    return "sanitised" if value == "sanitised" else "trusted"


def sanitised_pages(content: Sequence[str], intro: str) -> frozenset[str]:
    """The pages to clean, given content/'s files: its Markdown pages and the overview (intro),
    which embeds content/index.md. Any file in content/ that a browser could run is refused."""
    for relative in content:
        if not relative.lower().endswith(SANITISED_FILES):
            raise OkrsiteError(
                f"{CONTENT_DIR}/{relative}: with `content: sanitised` in mkdocs.yml, content/ "
                f"holds only Markdown pages and pictures ({', '.join(SANITISED_FILES)}); "
                "remove the file or move it out of content/"
            )
    return frozenset(r for r in content if r.endswith(".md")) | {intro}


def sanitised(html: str) -> str:
    """A page's HTML with only safe tags, attributes and link schemes left, its ids and names
    prefixed and its in-page links following them."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_prefixed,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


def _prefixed(tag: str, attribute: str, value: str) -> str:
    """An attribute nh3 kept, with ids, names and in-page links given the user-content prefix."""
    if attribute in _NAMED:
        return user_content_id(value)
    if attribute == "href" and value.startswith("#") and len(value) > 1:
        return "#" + user_content_id(value[1:])
    return value


def user_content_id(anchor: str) -> str:
    """The id a cleaned page gives the element it wrote as anchor."""
    return USER_CONTENT + anchor


def prefix_toc_tokens(tokens: list[dict[str, Any]]) -> None:
    """Point Python-Markdown's toc tokens (and their children) at the prefixed heading ids."""
    for token in tokens:
        token["id"] = user_content_id(str(token["id"]))
        prefix_toc_tokens(token.get("children", []))


class SanitiseContent(BasePlugin):  # type: ignore[type-arg, no-untyped-call]
    """Cleans the rendered HTML of the pages that came from content/, after every extension."""

    def __init__(self, sources: frozenset[str]) -> None:
        super().__init__()
        self.sources = sources

    def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Any) -> str:
        """Generated pages are escaped already; only content/'s own pages are cleaned, and
        their table of contents follows the prefixed heading ids."""
        if page.file.src_uri not in self.sources:
            return html
        _prefix_anchor_links(page.toc)
        return sanitised(html)


def _prefix_anchor_links(links: Any) -> None:
    """Point MkDocs' table of contents (AnchorLinks and their children) at the prefixed ids."""
    for link in links:
        link.id = user_content_id(link.id)
        _prefix_anchor_links(link.children)
