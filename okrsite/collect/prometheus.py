"""The Prometheus source: one instant PromQL query through the HTTP API, evaluated at 00:00 UTC on
the check-in date, that must give exactly one number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from okrsite.collect.http import HttpAnswer, http_get
from okrsite.collect.readings import MESSAGE_LIMIT, Reading, SourceContext, SourceError
from okrsite.model.numbers import NumberError, check_magnitude, csv_number
from okrsite.model.problems import one_line
from okrsite.model.sources import PrometheusSource

QUERY_LIMIT = 80  # characters of a query quoted in a note


def read_prometheus(source: PrometheusSource, context: SourceContext) -> Reading:
    """The one number source.query gives at context.at, or SourceError saying why not."""
    url = source.url.rstrip("/") + "/api/v1/query"
    params = {"query": source.query, "time": str(int(context.at.timestamp()))}
    answer = http_get(url, context, token_env=source.token_env, params=params)
    value = _result_value(_query_answer(answer, one_line(url, QUERY_LIMIT)))
    query = one_line(" ".join(source.query.split()), QUERY_LIMIT)
    at = context.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Reading(value, f"prometheus: {csv_number(value)} from {query} at {at}")


def _query_answer(answer: HttpAnswer, shown_url: str) -> dict[str, Any]:
    """The data of a successful query answer, or SourceError with the server's error."""
    try:
        body = json.loads(answer.body)
    except ValueError:
        text = answer.redacted(answer.body[:1000].decode("utf-8", "replace"))
        preview = one_line(text, QUERY_LIMIT)
        raise SourceError(
            f"{shown_url} answered HTTP {answer.status} with something that is not JSON: "
            f"'{preview}'"
        ) from None
    if not isinstance(body, dict):
        raise SourceError(f"{shown_url} answered HTTP {answer.status} with no query result")
    if body.get("status") == "error":
        kind = one_line(answer.redacted(str(body.get("errorType", ""))), 40)
        message = one_line(answer.redacted(str(body.get("error", ""))), MESSAGE_LIMIT)
        raise SourceError(f"Prometheus refused the query (HTTP {answer.status}): {kind}: {message}")
    data = body.get("data")
    if answer.status != 200 or body.get("status") != "success" or not isinstance(data, dict):
        raise SourceError(f"{shown_url} answered HTTP {answer.status} with no query result")
    return data


def _result_value(data: Mapping[str, Any]) -> float:
    """The number in a query result: a scalar, or a vector of exactly one sample."""
    kind, result = data.get("resultType"), data.get("result")
    if kind == "scalar":
        return _sample(result)
    if kind == "vector" and isinstance(result, list):
        if len(result) == 1 and isinstance(result[0], dict):
            return _sample(result[0].get("value"))
        raise SourceError(
            f"the query gave {len(result)} series; it must give exactly one "
            "(aggregate them, e.g. with sum(...))"
        )
    if kind == "matrix" and isinstance(result, list):
        raise SourceError(
            f"the query gave a range vector of {len(result)} series; it must give exactly one "
            "number (drop the [range] at its end, or wrap it in e.g. avg_over_time(...))"
        )
    if kind == "string":
        raise SourceError("the query gave a string; it must give exactly one number")
    raise SourceError(f"the query gave an unknown result type '{one_line(str(kind), 40)}'")


def _sample(pair: object) -> float:
    """The value of a [timestamp, "value"] pair: finite, or SourceError."""
    if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str)):
        raise SourceError('Prometheus answered a sample that is not [time, "value"]')
    text = pair[1]
    if text in ("NaN", "+Inf", "-Inf"):
        # 0/0, a rate over a window without samples, a ratio of two zero rates.
        raise SourceError(f"the query gave {text}, not a number")
    try:
        value = float(text)
    except ValueError:
        raise SourceError(f"the query gave '{one_line(text, 40)}', not a number") from None
    try:
        return check_magnitude(value)
    except NumberError as error:
        raise SourceError(f"the query gave {one_line(text, 40)}, which {error}") from None
