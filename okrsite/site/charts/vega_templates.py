"""Chart specs made once per shape of chart and filled in for each chart.

A template is a chart's spec built with stand-ins for one chart's own figures: its rows are
[{"okrsite": key}], its texts "okrsite:..." strings, a value axis's domain DOMAIN. Altair and
Vega-Lite copy rows, texts and literal domains into their output untouched, so a template
filled in with one chart's figures is the spec made from that chart itself: Altair's Vega-Lite,
or Vega-Lite's compiled Vega. tests/test_charts.py proves both, chart by chart, for the demo.
A large organisation's build draws thousands of charts of a few dozen shapes; making each spec
afresh would cost half as much again as drawing it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import vl_convert as vlc

Row = dict[str, str | float]

STAND_IN = "okrsite"
DOMAIN = [-9.87654321e299, 9.87654321e299]
"""A value axis's domain in a template: no chart has it."""
DESCRIPTION = "okrsite:description"
"""A chart's text alternative in a compiled template."""


def compiled(vega_lite: dict[str, Any]) -> str:
    """Vega-Lite's compilation of a template, as JSON."""
    return json.dumps(vlc.vegalite_to_vega(vega_lite))


def dataset_name(rows: list[Row]) -> str:
    """The name Altair gives inline data (altair.vegalite.v6.api._dataset_name)."""
    text = json.dumps(rows, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def filled_vega(
    template: str,
    rows: Mapping[str, list[Row]],
    texts: Mapping[str, str],
    domain: tuple[float, float] | None = None,
) -> dict[str, Any] | None:
    """A compiled template (JSON) filled in with one chart's rows (by stand-in key), texts and
    domain; None when two stand-ins' rows are equal: Altair would have given them one dataset,
    which the template does not have."""
    spec: dict[str, Any] = json.loads(template)
    keys = {d["name"]: key for d in spec["data"] if (key := _key(d.get("values"))) is not None}
    names = {name: dataset_name(rows[key]) for name, key in keys.items()}
    if len(set(names.values())) < len(names):
        return None
    spec = substituted(spec, {**texts, **names}, domain)
    for data in spec["data"]:
        if (key := _key(data.get("values"))) is not None:
            data["values"] = rows[key]
    return spec


def filled_vega_lite(
    template: str,
    rows: Mapping[str, list[Row]],
    texts: Mapping[str, str],
    domain: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """An Altair template (JSON) filled in with one chart's rows, texts and domain: the spec
    Altair gives for the chart, with its datasets in Altair's order (equal rows shared)."""
    spec: dict[str, Any] = json.loads(template)
    names: dict[str, str] = {}
    datasets: dict[str, list[Row]] = {}
    for name, values in spec["datasets"].items():
        key = _key(values)
        if key is None:  # no stand-in: the same in every chart
            datasets.setdefault(name, values)
            continue
        names[name] = dataset_name(rows[key])
        datasets.setdefault(names[name], rows[key])
    spec = substituted(spec, {**texts, **names}, domain)
    spec["datasets"] = datasets  # in the place Altair gives it
    return spec


def _key(values: Any) -> str | None:
    """The stand-in key of a dataset's values, or None when they are not a stand-in."""
    if not (isinstance(values, list) and len(values) == 1 and isinstance(values[0], dict)):
        return None
    return str(values[0][STAND_IN]) if set(values[0]) == {STAND_IN} else None


def substituted(value: Any, texts: Mapping[str, str], domain: tuple[float, float] | None) -> Any:
    """value with every string in texts replaced, and the DOMAIN stand-in by domain."""
    if isinstance(value, dict):
        return {k: substituted(v, texts, domain) for k, v in value.items()}
    if isinstance(value, list):
        if domain is not None and value == DOMAIN:
            return list(domain)
        return [substituted(v, texts, domain) for v in value]
    if isinstance(value, str):
        return texts.get(value, value)
    return value
