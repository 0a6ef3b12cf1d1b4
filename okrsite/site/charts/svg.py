"""Vega's SVG made smaller for a static image, drawing exactly what it drew.

Vega writes SVG for an interactive, script-driven page: every element carries attributes a
picture shown through <img> never uses (pointer events, inner ARIA roles, the defaults), empty
background paths, sixteen-digit coordinates, and the font on each label. A site of a large
organisation holds thousands of charts, so these bytes decide whether it fits GitHub Pages.
Only tags are rewritten; the text between them (titles and labels, which users wrote) is left
as it is. tests/test_charts.py checks that the compact SVG has the same elements, the same
attributes but the dropped ones, and the same numbers to within 0.005 px.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<[^<>]*>")
_UNUSED = re.compile(
    r' (?:pointer-events="none"|opacity="1"|aria-hidden="true"'
    r'|aria-roledescription="[^"]*"|role="graphics-(?:object|symbol)")'
)
"""Attributes that change nothing in an image: opacity 1 is the default and is not inherited;
events and the inner ARIA tree do not exist in an <img>, whose text alternative is its alt and
the root's label, title and description, all kept."""
_EMPTY_PATH = re.compile(
    r'<path class="(?:background|foreground)"[^>]* d="(?:M0,0h0v0h0Z)?"[^>]*/>'
)
_GEOMETRY = re.compile(r' (d|transform|x|y|x1|x2|y1|y2|cx|cy|r|width|height|points)="([^"]*)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
_FONT = re.compile(r' font-family="([^"]*)"')
_PLAIN_FONT = re.compile(r"[A-Za-z0-9 ,-]+")  # a family list CSS reads as it is, unquoted
_STYLE = "<style>"
DECIMALS = 2
"""Digits kept after the point: a hundredth of a pixel, below anything a screen can show."""


def compact(svg: str) -> str:
    """svg without what an image never uses; the font of every label said once, in CSS."""
    svg = _EMPTY_PATH.sub("", svg)
    svg = _TAG.sub(lambda tag: _GEOMETRY.sub(_rounded, _UNUSED.sub("", tag.group(0))), svg)
    return _one_font(svg)


def _rounded(attribute: re.Match[str]) -> str:
    """A geometry attribute with each number rounded to DECIMALS places."""
    name, value = attribute.groups()
    return f' {name}="{_NUMBER.sub(_short, value)}"'


def _short(number: re.Match[str]) -> str:
    """A number with at most DECIMALS places and no trailing zeros; integers as they were."""
    text = number.group(0)
    if "." not in text and "e" not in text:
        return text
    short = f"{float(text):.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if short in ("-0", "") else short


def _one_font(svg: str) -> str:
    """Move the font every text element names into the style sheet, when they all name one;
    the style sheet is themed SVG's (palettes.themed), which has one."""
    fonts = set(_FONT.findall(svg))
    if len(fonts) != 1 or _STYLE not in svg or not _PLAIN_FONT.fullmatch(next(iter(fonts))):
        return svg
    (font,) = fonts
    svg = _TAG.sub(lambda tag: _FONT.sub("", tag.group(0)), svg)
    return svg.replace(_STYLE, f"{_STYLE}text{{font-family:{font}}}", 1)
