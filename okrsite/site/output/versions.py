"""The versioned site's own files, as mike keeps them: versions.json, the root page and the redirect
pages of latest/. Pure: text in, text out, no I/O."""

from __future__ import annotations

import json
from collections.abc import Sequence

from okrsite.model.okrs import Quarter
from okrsite.site.markup import html_text

LATEST = "latest"


def versions_json(quarters: Sequence[Quarter], current: Quarter) -> str:
    """mike's versions.json: newest first; the current quarter carries the alias latest."""
    versions = [
        {
            "version": q.id,
            "title": q.title,
            "aliases": [LATEST] if q.id == current.id else [],
        }
        for q in sorted(quarters, key=lambda q: q.id, reverse=True)
    ]
    return json.dumps(versions, indent=2) + "\n"


def redirect_html(current: Quarter) -> str:
    """The root page: sends the reader to latest/ with a meta refresh and a plain link."""
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>Redirecting to the current quarter</title>\n"
        f'<link rel="icon" href="{current.id}/assets/images/favicon.png">\n'  # no /favicon.ico 404
        f'<meta http-equiv="refresh" content="0; url={LATEST}/">\n'
        f'<link rel="canonical" href="{LATEST}/">\n'
        "</head>\n"
        "<body>\n"
        f'<p><a href="{LATEST}/">Go to the current quarter, {html_text(current.title)}</a>.</p>\n'
        "</body>\n"
        "</html>\n"
    )


def redirect_page(href: str) -> str:
    """A page that sends the reader to href, keeping the #fragment and ?query it was opened
    with; a refresh and a plain link do without JavaScript. href is built from slugs only."""
    target = html_text(href)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>Redirecting</title>\n"
        f'<link rel="canonical" href="{target}">\n'
        f'<noscript><meta http-equiv="refresh" content="0; url={target}"></noscript>\n'
        f"<script>location.replace({json.dumps(href)} + location.search + location.hash)"
        "</script>\n"
        "</head>\n"
        "<body>\n"
        f'<p><a href="{target}">Go to the current quarter\u2019s page</a>.</p>\n'
        "</body>\n"
        "</html>\n"
    )
