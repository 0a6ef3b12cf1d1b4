"""The 404 pages: the root 404.html GitHub Pages serves for every missing path, and, without a
site_url, a plain page in each quarter in place of MkDocs' unstyled one.

With a site_url, MkDocs gives each quarter's 404.html links from the server's root, so the
current quarter's is correct at any depth and the root one is a copy of it. Without one, MkDocs
links it from `/`, where no quarter's stylesheet is: a page that carries its own style and finds
the site's root from the address it is shown at is used instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from okrsite.site.markup import html_text

NOT_FOUND = "404.html"

# Material's default colours (indigo header, its text colours in both schemes), inline: the page
# may be shown at any depth, so it can link to nothing of the site's but the current quarter.
_STYLE = """\
:root { color-scheme: light dark; --fg: rgba(0,0,0,.87); --bg: #fff; --link: #4051b5; }
@media (prefers-color-scheme: dark) {
  :root { --fg: rgba(226,228,233,.82); --bg: #1e2129; --link: #8c9eff; }
}
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.6 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
header { background: #4051b5; color: #fff; padding: 0.75rem 1.25rem; font-weight: 700; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1.25rem; }
h1 { font-size: 2rem; font-weight: 300; margin: 0 0 1rem; }
a { color: var(--link); }
"""

# The site's root is the path before the first quarter (YYYY-Qn) or latest folder of the address
# shown; without one (a missing page at the root), the server's root.
_SCRIPT = """\
(() => {
  const parts = location.pathname.split("/");
  const at = parts.findIndex((p) => p === "latest" || /^[0-9]{4}-Q[1-4]$/.test(p));
  if (at > 0) {
    document.getElementById("okrsite-latest").href = parts.slice(0, at).join("/") + "/latest/";
  }
})();
"""


def plain_not_found(site_name: str) -> str:
    """A 404 page needing nothing but itself: inline style, no network, a link to latest/."""
    name = html_text(site_name)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>Page not found - {name}</title>\n"
        f"<style>\n{_STYLE}</style>\n"
        "</head>\n"
        "<body>\n"
        f"<header>{name}</header>\n"
        "<main>\n"
        "<h1>404 - Not found</h1>\n"
        "<p>There is no page at this address: it may have moved, or this quarter may not have "
        "it.</p>\n"
        '<p><a id="okrsite-latest" href="/latest/">Go to the current quarter</a></p>\n'
        "</main>\n"
        f"<script>\n{_SCRIPT}</script>\n"
        "</body>\n"
        "</html>\n"
    )


def write_plain_not_found(site_dir: Path, site_name: str) -> None:
    """Put the plain 404 page in place of the one MkDocs wrote into a quarter's site."""
    (site_dir / NOT_FOUND).write_text(plain_not_found(site_name), encoding="utf-8", newline="\n")


def write_root_not_found(staging: Path, current_id: str, site_name: str, base: str | None) -> None:
    """The root 404.html: the current quarter's with a site_url (its links are from the server's
    root), else the plain page."""
    built = staging / current_id / NOT_FOUND
    if base is not None and built.is_file():
        shutil.copyfile(built, staging / NOT_FOUND)
    else:
        write_plain_not_found(staging, site_name)
