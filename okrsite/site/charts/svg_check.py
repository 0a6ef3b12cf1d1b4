"""Every chart's SVG held to what vl-convert draws: nothing a browser would run or fetch.

A chart is published as a file of the site, so opened by itself its SVG runs with the site's
origin: a `<script>`, an `onload=` or a `<foreignObject>` in it would be script on the site.
Charts are drawn here from data anyone may write, and restored from a cache anyone who can
write the cache folder may rewrite (threat T3 in help/threat-model.md), so each one is
parsed, with no DOCTYPE, entity or processing instruction accepted, and checked against the
elements and attributes below: the SVG vl-convert writes, with the title, description and ARIA
attributes okrsite adds. References may only be fragments of the same document (`#id`,
`url(#id)`); style sheets may not import, escape or reach outside.
"""

from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "path",
        "line",
        "rect",
        "circle",
        "ellipse",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "title",
        "desc",
        "style",
        "defs",
        "clipPath",
        "linearGradient",
        "radialGradient",
        "stop",
    }
)
"""What Vega's SVG renderer writes for okrsite's marks (no image, no link, no foreignObject)."""

ATTRIBUTES = frozenset(
    {
        "id",
        "class",
        "role",
        "version",
        "viewBox",
        "preserveAspectRatio",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "x2",
        "y1",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "dx",
        "dy",
        "d",
        "points",
        "transform",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "opacity",
        "clip-path",
        "clipPathUnits",
        "gradientUnits",
        "gradientTransform",
        "offset",
        "stop-color",
        "stop-opacity",
        "font-family",
        "font-size",
        "font-style",
        "font-variant",
        "font-weight",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "pointer-events",
        "shape-rendering",
        "text-rendering",
        "paint-order",
        "visibility",
        "display",
        "style",
        "href",
    }
)
"""Presentation and geometry attributes, and href (a fragment only); aria-* besides."""

_URL = re.compile(r"url\s*\(\s*(['\"]?)\s*(.)", re.I)
_FORBIDDEN_CSS = re.compile(r"@import|@namespace|@font-face|expression\s*\(|behavior|binding", re.I)
_CONTROL = re.compile(r"[\x00-\x20]")


class UnsafeSvg(ValueError):
    """An SVG that holds something okrsite never draws: script, a handler, a reference out."""


def check_svg(svg: str) -> None:
    """Return if svg holds only allowed elements, attributes and references; else UnsafeSvg
    saying the first thing found."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse("a DOCTYPE")
    parser.EntityDeclHandler = _refuse("an entity declaration")
    parser.ProcessingInstructionHandler = _refuse("a processing instruction")
    parser.ExternalEntityRefHandler = _refuse("an external entity")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    texts: list[list[str] | None] = []  # per open element: a style sheet's text, else None

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if namespace != SVG or local not in ELEMENTS:
            raise UnsafeSvg(f"element {local!r} ({namespace or 'no namespace'}) is not allowed")
        for key, value in attributes.items():
            _check_attribute(local, key, value)
        texts.append([] if local == "style" else None)

    def end(name: str) -> None:
        text = texts.pop()
        if text is not None:
            _check_css("<style>", "".join(text))

    def data(text: str) -> None:
        if texts and texts[-1] is not None:
            texts[-1].append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        parser.Parse(svg.encode("utf-8", "surrogatepass"), True)
    except expat.ExpatError as error:
        raise UnsafeSvg(f"not well-formed XML: {error}") from error


def _refuse(what: str) -> Any:
    """An expat handler that refuses what it is called for."""

    def handler(*_: object) -> None:
        raise UnsafeSvg(f"{what} is not allowed")

    return handler


def _check_attribute(element: str, key: str, value: str) -> None:
    """UnsafeSvg unless key is an allowed attribute of element and value refers nowhere else."""
    namespace, _, local = key.rpartition(" ")
    if local.lower().startswith("on"):
        raise UnsafeSvg(f"event handler {local!r} on <{element}>")
    if namespace not in ("", XLINK) or (namespace == XLINK and local != "href"):
        raise UnsafeSvg(f"attribute {local!r} ({namespace}) on <{element}> is not allowed")
    if local.startswith("aria-"):
        return  # text for assistive technology (user-written labels): never a reference
    if local not in ATTRIBUTES:
        raise UnsafeSvg(f"attribute {local!r} on <{element}> is not allowed")
    if local == "href" and not value.startswith("#"):
        raise UnsafeSvg(f"<{element}> refers to {value[:80]!r}; only #fragments are allowed")
    bare = _CONTROL.sub("", value).lower()
    if "javascript:" in bare or "data:" in bare:
        raise UnsafeSvg(f"attribute {local!r} on <{element}> holds a script or data address")
    if local == "style":
        _check_css(f"the style of <{element}>", value)
    elif _URL.search(value) and any(m.group(2) != "#" for m in _URL.finditer(value)):
        raise UnsafeSvg(f"attribute {local!r} on <{element}>: url() outside the document")


def _check_css(where: str, css: str) -> None:
    """UnsafeSvg if css imports, escapes, runs an expression or refers outside the document."""
    if "\\" in css or "<" in css:
        raise UnsafeSvg(f"{where}: escapes or markup in a style")
    if _FORBIDDEN_CSS.search(css) or "javascript:" in _CONTROL.sub("", css).lower():
        raise UnsafeSvg(f"{where}: a style that imports or runs something")
    for match in _URL.finditer(css):
        if match.group(2) != "#":
            raise UnsafeSvg(f"{where}: url() outside the document")
