"""The JSON source: a JSON document, a file in the repository or an http(s) URL, and the JMESPath
expression that picks one number out of it.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jmespath
import jmespath.exceptions

from okrsite.collect.http import MAX_BODY, HttpAnswer, http_get
from okrsite.collect.paths import in_repository
from okrsite.collect.readings import MESSAGE_LIMIT, Reading, SourceContext, SourceError
from okrsite.model.numbers import NumberError, check_magnitude, csv_number
from okrsite.model.problems import one_line, shortened
from okrsite.model.sources import JsonSource

EXPRESSION_LIMIT = 80  # characters of an expression or a value quoted in a message


def read_json(source: JsonSource, context: SourceContext) -> Reading:
    """The number source.expression picks out of the document, or SourceError saying why not."""
    if source.path is not None and source.url is None:
        name = one_line(source.path, EXPRESSION_LIMIT)
        answer = HttpAnswer(200, _file_bytes(context.root, source.path))
    elif source.url is not None and source.path is None:
        name = one_line(source.url, EXPRESSION_LIMIT)
        answer = _url_answer(source.url, source.token_env, context)
    else:
        raise SourceError("a JSON source needs exactly one of path and url")
    try:
        data = _parsed(answer.body, name)
        found = _search(source.expression, data, answer.redacted)
        value = _number(found, source.expression, name, answer.redacted)
    except SourceError as error:  # a document that echoes the token must not show it
        raise SourceError(answer.redacted(str(error))) from None
    expression = one_line(source.expression, EXPRESSION_LIMIT)
    return Reading(value, f"json: {csv_number(value)} from {name} at {expression}")


def _file_bytes(root: Path, relative: str) -> bytes:
    """A regular file's bytes from inside the repository, at most MAX_BODY of them."""
    path = in_repository(root, relative)
    shown = one_line(relative, EXPRESSION_LIMIT)
    try:
        # Non-blocking, so that a named pipe cannot stall the open; fstat then refuses it.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise SourceError(f"could not read {shown}: {error.strerror}") from None
    try:
        _check_regular(os.fstat(descriptor), shown)
    except SourceError:
        os.close(descriptor)
        raise
    with open(descriptor, "rb") as file:
        document = file.read(MAX_BODY + 1)  # the file may have grown since fstat
    if len(document) > MAX_BODY:
        raise SourceError(_too_large(shown))
    return document


def _check_regular(status: os.stat_result, shown: str) -> None:
    """SourceError unless status is a regular file's of at most MAX_BODY bytes."""
    if stat.S_ISDIR(status.st_mode):
        raise SourceError(f"{shown} is a directory, not a JSON file")
    if not stat.S_ISREG(status.st_mode):
        raise SourceError(f"{shown} is not a regular file")
    if status.st_size > MAX_BODY:
        raise SourceError(_too_large(shown))


def _too_large(shown: str) -> str:
    """The message for a file over MAX_BODY."""
    return f"{shown} is larger than 10 MiB; okrsite reads at most that"


def _url_answer(url: str, token_env: str | None, context: SourceContext) -> HttpAnswer:
    """A successful answer to a GET of url, or SourceError with the HTTP status."""
    answer = http_get(url, context, token_env=token_env)
    if answer.status != 200:
        raise SourceError(f"{one_line(url, EXPRESSION_LIMIT)} answered HTTP {answer.status}")
    return answer


def _parsed(document: bytes, name: str) -> Any:
    """The JSON value of a document, or SourceError with the line and column of the fault."""
    try:
        return json.loads(document)  # UTF-8, -16 or -32, as RFC 8259 allows
    except json.JSONDecodeError as error:
        raise SourceError(
            f"{name} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except UnicodeDecodeError:
        raise SourceError(f"{name} is not valid JSON: it is not UTF-8 text") from None
    except (ValueError, RecursionError) as error:  # a 5,000-digit integer; nesting too deep
        raise SourceError(
            f"{name} is not JSON okrsite can read: {one_line(str(error), MESSAGE_LIMIT)}"
        ) from None


def _search(expression: str, data: Any, redacted: Callable[[str], str]) -> Any:
    """What the JMESPath expression gives on data, or SourceError quoting the expression (and
    the jmespath error, which may quote the document: redacted before it is cut)."""
    quoted = one_line(expression, EXPRESSION_LIMIT)
    try:
        compiled = jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as error:
        raise SourceError(
            f"'{quoted}' is not a JMESPath expression: {_first_line(error, redacted)}"
        ) from None
    try:
        return compiled.search(data)
    except (jmespath.exceptions.JMESPathError, RecursionError) as error:
        raise SourceError(f"'{quoted}' failed: {_first_line(error, redacted)}") from None


def _first_line(error: BaseException, redacted: Callable[[str], str]) -> str:
    """A jmespath error's first line, without the 'for expression:' that leads to the next."""
    line = str(error).splitlines()[0] if str(error) else type(error).__name__
    line = redacted(line.removesuffix(":").removesuffix(", for expression"))
    return one_line(line, MESSAGE_LIMIT)


def _number(result: Any, expression: str, name: str, redacted: Callable[[str], str]) -> float:
    """A finite number found by the expression, or SourceError saying what came back instead
    (a string from the document redacted before it is cut, so no part of a token shows)."""
    where = f"{one_line(expression, EXPRESSION_LIMIT)} in {name}"
    if result is None:
        raise SourceError(f"{where} found nothing")
    if isinstance(result, bool):  # before int: True is an int to Python, not to JSON
        raise SourceError(f"{where} gave {json.dumps(result)}, not a number")
    if isinstance(result, str):
        raise SourceError(
            f"{where} gave the string '{one_line(redacted(result), EXPRESSION_LIMIT)}', "
            "not a number"
        )
    if isinstance(result, list):
        raise SourceError(f"{where} gave a list of {len(result)} items, not a number")
    if isinstance(result, dict):
        raise SourceError(f"{where} gave an object, not a number")
    if not isinstance(result, int | float):
        raise SourceError(f"{where} gave {type(result).__name__}, not a number")
    try:
        value = float(result)
    except OverflowError:
        raise SourceError(f"{where} gave a number too large to read") from None
    if not math.isfinite(value):  # Python's json reads NaN and Infinity, which JSON has not
        raise SourceError(f"{where} gave {value}, not a finite number")
    try:
        return check_magnitude(value)
    except NumberError as error:
        raise SourceError(f"{where} gave {shortened(repr(value), 40)}, which {error}") from None
