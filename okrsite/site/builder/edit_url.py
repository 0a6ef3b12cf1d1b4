"""Where a file of the repository opens in its web editor: `--edit-url`, else mkdocs.yml's
`repo_url` with its `edit_uri` (Material's edit link), checked once.

A KR's page links its unit's check-in file (okrs/QUARTER/UNIT.csv) there. edit_uri names the
folder of the site's own pages, content/; okrsite takes the part before it, the branch's root:
`repo_url: https://github.com/o/r` with `edit_uri: edit/main/content/` gives
`https://github.com/o/r/edit/main/`. Without either, no page links an editor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE, CONTENT_DIR
from okrsite.model.problems import quote
from okrsite.site.builder.site_url import url_problem

OPTION = "--edit-url"
EXAMPLE = "https://github.com/example/okrs/edit/main/"
FROM_FILE = f"{CONFIG_FILE}: repo_url and edit_uri"

LINKABLE = re.compile(r"https?://[A-Za-z0-9.:@%~+=_/-]+/")
"""What an edit address may hold: a Markdown link's destination needs no escaping for it."""


def check_edit_url(value: object, where: str) -> str:
    """value as an edit address: an absolute http(s) URL of letters, digits and ./:@%~+=_-,
    ending in one slash; an error naming where it was written otherwise."""
    problem = url_problem(value)
    if problem is None and isinstance(value, str):
        value = value.rstrip("/") + "/"
        if LINKABLE.fullmatch(value) is None:
            problem = "holds a character other than letters, digits and ./:@%~+=_-"
    if problem is not None:
        raise OkrsiteError(
            f"{where} {quote(value)} {problem}; give the address under which a file of the "
            f"repository opens in its web editor, such as {EXAMPLE}"
        )
    assert isinstance(value, str)
    return value


def configured_edit_url(config: Mapping[str, Any]) -> str:
    """mkdocs.yml's repo_url joined with its edit_uri less the content folder; "" without both,
    or where edit_uri is a query (Bitbucket's `?mode=edit`), which names no folder to edit in."""
    repo_url, edit_uri = config.get("repo_url"), config.get("edit_uri")
    if not repo_url or edit_uri is None:
        return ""
    if not isinstance(edit_uri, str):
        raise OkrsiteError(f"{CONFIG_FILE}: edit_uri {quote(edit_uri)} is not text")
    if not edit_uri.strip("/") or "?" in edit_uri:
        return ""
    parts = edit_uri.rstrip("/").split("/")
    root = "/".join(parts[:-1] if parts[-1] == CONTENT_DIR else parts)
    if re.match(r"https?://", root):
        return check_edit_url(root, FROM_FILE)
    if root.startswith("/"):  # from the host's root, as MkDocs reads it
        split = urlsplit(str(repo_url))
        return check_edit_url(f"{split.scheme}://{split.netloc}{root}", FROM_FILE)
    return check_edit_url(f"{str(repo_url).rstrip('/')}/{root}", FROM_FILE)


def resolve_edit_url(config: Mapping[str, Any], given: str | None = None) -> str:
    """The edit address: given (`--edit-url`) over mkdocs.yml's; "" when neither has one."""
    if given is not None:
        return check_edit_url(given, OPTION)
    return configured_edit_url(config)
