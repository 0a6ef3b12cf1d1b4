"""The site's published address, `site_url`: from `--site-url` or mkdocs.yml, checked once.

Each quarter is its own MkDocs site at `<site_url><quarter id>/`. MkDocs needs that address to
list the pages in sitemap.xml (which Material's version selector reads to keep the reader on the
same page) and to give the 404 page, served at any depth, links from the server's root.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE
from okrsite.model.problems import quote

OPTION = "--site-url"
EXAMPLE = "https://example.github.io/okrs/"
FROM_FILE = f"{CONFIG_FILE}: site_url"

MISSING = (
    f"warning: no site_url: sitemap.xml lists no pages, so the version selector opens the other "
    f"quarter's front page instead of the same page, and the 404 pages are plain ones; set "
    f"`site_url:` in {CONFIG_FILE} or pass {OPTION} with the address the site is published at, "
    f"such as {EXAMPLE}"
)
"""Said once per build without a site_url: what is missing and how to set it."""

_UNSAFE = re.compile(r"[\s\"'<>\\^`{|}\x00-\x1f\x7f]")
"""Characters no URL holds as they are, and that could break out of an HTML attribute."""


def check_site_url(value: object, where: str) -> str:
    """value as a site_url: an absolute http(s) URL, ending in exactly one slash.

    where names the value's source in the error, such as `--site-url`.
    """
    problem = url_problem(value)
    if problem is not None:
        raise OkrsiteError(
            f"{where} {quote(value)} {problem}; give the address the site is published at, "
            f"an absolute http(s) URL such as {EXAMPLE}"
        )
    assert isinstance(value, str)
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/"


def url_problem(value: object) -> str | None:
    """What makes value no site_url, or None when it is one."""
    if not isinstance(value, str):
        return "is not text"
    if not value:
        return "is empty"
    if _UNSAFE.search(value):
        return "holds a space, quote or other character a URL cannot hold as it is"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port out of range or not a number raises here)
    except ValueError:
        return "is not a URL"
    if parts.scheme not in {"http", "https"}:
        return "does not start with https:// or http://"
    if not parts.hostname:
        return "names no host"
    if parts.username is not None or parts.password is not None:
        return "holds a user name or password, which every page would publish"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return "has a query or #fragment"
    if any(segment in {".", ".."} for segment in parts.path.split("/")):
        return "has a . or .. folder in its path"
    return None


def configured_site_url(config: Mapping[str, Any] | None) -> str | None:
    """mkdocs.yml's site_url, checked; None when it has none (or an empty one).

    config is the file as MkDocs reads it (INHERIT, !ENV and all; config_file.read_config) but
    before MkDocs checks it, so a bad value gets okrsite's message, and a `--site-url` given
    instead is never refused for it.
    """
    value = config.get("site_url") if config is not None else None
    if value is None or value == "":
        return None
    return check_site_url(value, FROM_FILE)


def resolve_site_url(config: Mapping[str, Any] | None, given: str | None = None) -> str | None:
    """The site's site_url: given (`--site-url`) over mkdocs.yml's; None when neither has one."""
    if given is not None:
        return check_site_url(given, OPTION)
    return configured_site_url(config)


def quarter_url(base: str | None, quarter_id: str) -> str | None:
    """Where a quarter's own MkDocs site is published: `<base><quarter id>/`."""
    return None if base is None else f"{base}{quarter_id}/"


def url_path(base: str | None) -> str:
    """The path the site is published under, such as `/okrs/`; `/` without a site_url."""
    return "/" if base is None else urlsplit(base).path
