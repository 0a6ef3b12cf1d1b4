"""`content: sanitised` for Zensical, which runs no MkDocs plugins: a Python-Markdown extension,
named in the project's configuration, that cleans each page from content/ as it is rendered.

Zensical renders every page with Python-Markdown and registers its own context preprocessor,
holding the page being rendered (zensical/markdown/render.py); that is how a page's path is
known here. It is Zensical's internal, not a published API: the tests build a sanitised site
with Zensical, so a release that moves it fails them instead of publishing an unclean page.
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

from okrsite.model.errors import OkrsiteError
from okrsite.site.builder.sanitise import prefix_toc_tokens, sanitised

_LAST = 0
"""The postprocessor's priority: lowest, so it cleans what every other extension wrote."""


class _Sanitise(Postprocessor):
    """Cleans the HTML of a page from content/; generated pages are escaped already."""

    def __init__(self, md: Markdown, pages: frozenset[str]) -> None:
        super().__init__(md)
        self.pages = pages

    def run(self, text: str) -> str:
        """The page's HTML, sanitised when it came from content/."""
        from zensical.extensions.context import ContextPreprocessor

        context = ContextPreprocessor.from_markdown(self.md)
        if context is None:  # never rendered outside Zensical: refuse rather than guess
            raise OkrsiteError("content: sanitised: Zensical gave no page to the renderer")
        path = str(context.page.path).replace("\\", "/")
        if path not in self.pages:
            return text
        # Zensical reads the table of contents from the tokens after this: the prefixed ids.
        prefix_toc_tokens(getattr(self.md, "toc_tokens", []))
        return sanitised(text)


class SanitiseExtension(Extension):
    """Registers the sanitising postprocessor for the pages named in its `pages` setting."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"pages": [[], "The pages from content/, by path in the docs folder."]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the postprocessor after every other one."""
        pages = frozenset(str(page) for page in self.getConfig("pages"))
        md.postprocessors.register(_Sanitise(md, pages), "okrsite-sanitise", _LAST)


def makeExtension(**kwargs: Any) -> SanitiseExtension:
    """The extension, as Python-Markdown loads one named by its module."""
    return SanitiseExtension(**kwargs)
