"""Built pages lose their theme's indentation, and nothing a reader sees with it."""

from __future__ import annotations

from okrsite.site.builder.compact import compact_html

PAGE = """<!doctype html>
<html>
  <body>
    <nav>
      <a href="#x">
        Overview
      </a>
    </nav>

    <div class="highlight"><pre><span></span><code>objectives:
  - id: delivery
    key_results:

      - id: lead-time
</code></pre></div>
    <TEXTAREA name="t">
  two spaces kept
</TEXTAREA>
    <p>Code freeze from
       November 20</p>
  </body>
</html>
"""


def test_indentation_and_blank_lines_go_outside_pre_and_textarea() -> None:
    """Leading spaces and blank lines go; a code block's and a textarea's text is kept byte for
    byte (its indentation and its blank line are its meaning)."""
    assert compact_html(PAGE) == (
        '<!doctype html>\n<html>\n<body>\n<nav>\n<a href="#x">\nOverview\n</a>\n</nav>\n'
        '<div class="highlight"><pre><span></span><code>objectives:\n  - id: delivery\n'
        "    key_results:\n\n      - id: lead-time\n</code></pre></div>\n"
        '<TEXTAREA name="t">\n  two spaces kept\n</TEXTAREA>\n'
        "<p>Code freeze from\nNovember 20</p>\n</body>\n</html>\n"
    )


def test_a_compact_page_compacts_to_itself() -> None:
    """Idempotent: a page built from the cache and one built afresh are the same bytes."""
    once = compact_html(PAGE)
    assert compact_html(once) == once


def test_a_pre_that_never_closes_is_not_a_way_to_keep_the_rest() -> None:
    """Text that opens a <pre> without closing it (a trusted content/ page can write raw HTML)
    is compacted like any other: the match needs both tags."""
    assert compact_html("<pre>\n  a\n<p>\n  b</p>") == "<pre>\na\n<p>\nb</p>"
