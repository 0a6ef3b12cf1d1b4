"""Rendered charts kept on disk between builds, found by what they were drawn from.

A chart is a pure function of its arguments, so an entry is keyed by the chart function's name,
the repr of its arguments (frozen dataclasses, numbers and strings) and the code that draws it:
okrsite's own source and the versions of Altair and vl-convert (see fingerprint.py). An entry
that does not match its key, or whose checksum does not match its payload, is drawn again and
replaced; it is never used. The folder can be deleted at any time.

The checksum only finds an entry cut short: whoever can write the folder can rewrite an entry
and its checksum alike (threat T3 in help/threat-model.md). So every chart's SVG, drawn
or restored, is checked against svg_check's allowlist: a restored one that fails is refused and
drawn again, a drawn one that fails stops the build (a bug, or data reaching the SVG unescaped).
Its other fields are text, escaped where pages show them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from okrsite.model.errors import OkrsiteError
from okrsite.site.builder.fingerprint import code_fingerprint
from okrsite.site.charts import Chart
from okrsite.site.charts.chart import Drawer
from okrsite.site.charts.svg_check import UnsafeSvg, check_svg

FORMAT = "okrsite-chart-2"
CHARTS = "charts"
"""The chart entries' folder inside the cache folder."""


class ChartCache(Drawer):
    """Charts by key in folder/charts/; with no folder, every chart is drawn."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / CHARTS if folder is not None else None
        self.hits = 0
        self.misses = 0
        self.refused: list[str] = []
        """The slugs of the restored charts whose SVG failed the check, drawn again."""

    def chart(self, draw: Callable[..., Chart], *args: Any, **kwargs: Any) -> Chart:
        """draw(*args, **kwargs), from the cache when it was drawn before and its SVG passes
        the check; OkrsiteError when a chart drawn now fails it."""
        if self.folder is None:
            return _checked(draw(*args, **kwargs))
        key = chart_key(draw, args, kwargs)
        path = self.folder / key[:2] / f"{key}.json"
        found = _read(path, key)
        if found is not None:
            try:
                check_svg(found.svg)
            except UnsafeSvg:
                self.refused.append(found.slug)
            else:
                self.hits += 1
                return found
        self.misses += 1
        chart = _checked(draw(*args, **kwargs))
        _write(path, key, chart)
        return chart


def _checked(chart: Chart) -> Chart:
    """chart, once its SVG passes the check; else the OkrsiteError that stops the build."""
    try:
        check_svg(chart.svg)
    except UnsafeSvg as error:
        raise OkrsiteError(
            f"chart {chart.slug!r} was drawn with SVG okrsite never writes ({error}); this is a "
            "bug in okrsite or a value reaching the chart unescaped: please report it"
        ) from error
    return chart


def chart_key(draw: Callable[..., Chart], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The hex digest naming draw(*args, **kwargs)'s entry."""
    named = sorted(kwargs.items())
    text = f"{FORMAT}\0{code_fingerprint()}\0{draw.__qualname__}\0{args!r}\0{named!r}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _payload(key: str, chart: Chart) -> bytes:
    """An entry's content, without its checksum line."""
    fields = {
        "format": FORMAT,
        "key": key,
        "slug": chart.slug,
        "title": chart.title,
        "description": chart.description,
        "svg": chart.svg,
        "table": chart.table,
    }
    return json.dumps(fields, ensure_ascii=True, sort_keys=True).encode("ascii")


def _read(path: Path, key: str) -> Chart | None:
    """The chart in path if it is whole and is the one key names, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    checksum, _, payload = data.partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode("ascii") != checksum:
        return None  # cut short or changed since it was written
    try:
        fields = json.loads(payload)
        if fields["format"] != FORMAT or fields["key"] != key:
            return None  # another chart's entry, copied or renamed here
        return Chart(
            slug=str(fields["slug"]),
            title=str(fields["title"]),
            description=str(fields["description"]),
            svg=str(fields["svg"]),
            table=tuple(tuple(str(cell) for cell in row) for row in fields["table"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def _write(path: Path, key: str, chart: Chart) -> None:
    """Keep chart at path, whole or not at all; a cache that cannot be written is skipped."""
    payload = _payload(key, chart)
    data = hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)  # another process writing the same key writes the same
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return  # a read-only or full cache folder costs speed, never the build
