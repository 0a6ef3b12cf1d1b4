"""A built page without the indentation its theme's templates leave in it.

Material's templates indent their HTML as their source is indented: about a fifth of a page's
bytes, on every page of every quarter (12 KB of a 65 KB team page). Leading whitespace on a line
is collapsed by the browser into the line break before it, so taking it off changes nothing a
reader sees, except inside <pre> and <textarea>, which keep every space and are left as they are.
"""

from __future__ import annotations

import re

_KEPT = re.compile(r"(<pre[\s>].*?</pre>|<textarea[\s>].*?</textarea>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t]+")
_BLANK = re.compile(r"\n{2,}")


def compact_html(page: str) -> str:
    """The page with every line's leading whitespace and every blank line taken off, outside
    <pre> and <textarea>."""
    parts = _KEPT.split(page)
    # split() with one group: the kept blocks are at the odd indexes.
    return "".join(
        part if index % 2 else _BLANK.sub("\n", _INDENT.sub("\n", part))
        for index, part in enumerate(parts)
    )
