"""Safe YAML reading: plain data only, every value with its line and column.

Aliases, explicit tags other than YAML's plain types, duplicate keys and deep nesting are
refused with a located problem, so no file can build objects, expand into a bomb or silently
lose a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from okrsite.load.text import location_of, read_text
from okrsite.model.problems import Location, Problem, problem, quote

MAX_DEPTH = 32
"""The deepest nesting accepted; the contract's formats need five levels."""

ScalarValue = str | int | float | bool | date | datetime | None

_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Scalar:
    """A plain value: text, number, boolean, date or null."""

    value: ScalarValue
    location: Location


@dataclass(frozen=True)
class Mapping:
    """A mapping with its keys in file order; duplicate keys were dropped and reported."""

    entries: tuple[tuple[Scalar, Node], ...]
    location: Location

    def get(self, key: str) -> Node | None:
        """The value under key, if the mapping has it."""
        return next((value for k, value in self.entries if k.value == key), None)


@dataclass(frozen=True)
class Sequence:
    """A list of values."""

    items: tuple[Node, ...]
    location: Location


Node = Scalar | Mapping | Sequence


class _Refused(Exception):
    """A construct the loader will not read, raised where it was found."""

    def __init__(self, code: str, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.mark = mark
        self.message = message


class _Unsure(Exception):
    """The fast loader would not read this file exactly as the reference does."""


class _Bounded:
    """A loader's composing that refuses aliases and bounds nesting."""

    depth = 0
    check_event: Any  # from the parser it is mixed with
    peek_event: Any

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            # Aliases are how a small file expands into a huge one; plain data never needs them.
            raise _Refused(
                "OKR005",
                self.peek_event().start_mark,
                "uses a YAML alias (*name); write the value out in full",
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    "OKR007",
                    self.peek_event().start_mark,
                    f"nests values more than {MAX_DEPTH} levels deep",
                )
            return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]
        finally:
            self.depth -= 1


class _Loader(_Bounded, yaml.SafeLoader):
    """PyYAML's own SafeLoader, in Python: the reference for every message and location."""


_LOADERS: tuple[type[yaml.SafeLoader], ...] = (_Loader,)
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(
        _Bounded,
        yaml.composer.Composer,
        CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """_Loader's composing on libyaml's events: the same nodes, ten times as fast.

        libyaml words some errors differently, so a file it cannot read is read again by
        _Loader, whose problem is the one reported.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
            event = self.peek_event()
            if event.value == "" and not event.style:  # plain: None, or "" from libyaml
                # An empty value (`key:`): libyaml places it where the next token starts,
                # often the next line; PyYAML right after the colon, where a person looks.
                raise _Unsure
            return super().compose_scalar_node(anchor)

    _LOADERS = (_FastLoader, _Loader)  # type: ignore[assignment]

for _loader in _LOADERS:
    # YAML 1.1 wants a dot in a float's mantissa (1.0e6); YAML 1.2, and people, also write 1e6.
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$"),
        list("-+.0123456789"),
    )


def _location(mark: yaml.Mark | None, path: str) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    return Location(path, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns composed nodes into located Scalars, Mappings and Sequences, noting problems."""

    def __init__(self, loader: yaml.SafeLoader, path: str) -> None:
        self.loader = loader
        self.path = path
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node) -> Node:
        location = _location(node.start_mark, self.path)
        if node.tag not in _PLAIN_TAGS and node.tag != _MERGE_TAG:
            raise _Refused(
                "OKR006",
                node.start_mark,
                f"uses the YAML tag {quote(node.tag)}; only plain text, numbers, booleans, "
                "dates, lists and mappings are read",
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, location)
        if isinstance(node, yaml.SequenceNode):
            return Sequence(tuple(self.build(item) for item in node.value), location)
        return Scalar(self._scalar(node), location)

    def _scalar(self, node: yaml.Node) -> ScalarValue:
        if node.tag == _MERGE_TAG:
            return str(node.value)
        try:
            value = self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError):
            # e.g. 2026-02-30 looks like a date but is none: keep the text, the field reports it.
            return str(node.value)
        if isinstance(value, str | int | float | bool | date) or value is None:
            return value
        return str(node.value)

    def _mapping(self, node: yaml.MappingNode, location: Location) -> Mapping:
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[object, Location] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node)
            value = self.build(value_node)
            if not isinstance(key, Scalar):
                self.problems.append(
                    problem("OKR012", key.location, "a key must be plain text, not a list or map")
                )
                continue
            marker = (type(key.value).__name__, key.value)
            if marker in seen:
                first = seen[marker]
                self.problems.append(
                    problem(
                        "OKR004",
                        key.location,
                        f"key {quote(key.value)} is given twice (first on line {first.line}); "
                        "YAML would silently keep only one",
                    )
                )
                continue
            seen[marker] = key.location
            entries.append((key, value))
        return Mapping(tuple(entries), location)


_UNUSUAL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]|[|>][-+0-9]*#")
"""What libyaml reads otherwise than PyYAML: tabs, a byte-order mark past the start, NEL and
Unicode line breaks, a block scalar's header run into a comment (`|#`: libyaml accepts it), and
control characters (another message). A file with one is read by the reference loader alone;
tests/test_load_yaml.py compares the two on random text."""


def parse_yaml(text: str, path: str) -> tuple[Node | None, list[Problem]]:
    """The document in text as located nodes (an empty document is a null Scalar), or problems."""
    *fast, reference = _LOADERS
    if _UNUSUAL.search(text):
        fast = []  # where the two differ in what they read: see _UNUSUAL
    for loader_class in fast:
        loader = loader_class(text)
        try:
            return _built(loader, path)
        except (_Refused, _Unsure, yaml.YAMLError):
            pass  # read again, and reported as the reference loader words it
        finally:
            loader.dispose()
    return _parse(text, path, reference)


def _built(loader: yaml.SafeLoader, path: str) -> tuple[Node, list[Problem]]:
    """The loader's document as located nodes (an empty document is a null Scalar)."""
    composed = loader.get_single_node()
    if composed is None:
        return Scalar(None, Location(path, 1, 1)), []
    builder = _Builder(loader, path)
    return builder.build(composed), builder.problems


def _parse(
    text: str, path: str, loader_class: type[yaml.SafeLoader]
) -> tuple[Node | None, list[Problem]]:
    """parse_yaml with one loader, its errors as located problems."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = loader_class(text)
        return _built(loader, path)
    except _Refused as refused:
        return None, [problem(refused.code, _location(refused.mark, path), refused.message)]
    except yaml.reader.ReaderError as error:
        return None, [
            problem(
                "OKR003",
                location_of(text, error.position, path),
                f"contains a character YAML does not allow (U+{error.character:04X}); remove it",
            )
        ]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or error.context or "cannot be parsed"
        context = f" ({error.context})" if error.context and error.problem else ""
        return None, [
            problem("OKR003", _location(mark, path), f"is not valid YAML: {what}{context}")
        ]
    except yaml.YAMLError as error:
        return None, [problem("OKR003", Location(path, 1, 1), f"is not valid YAML: {error}")]
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(
    root: Path, relative: str, kept: dict[str, bytes] | None = None
) -> tuple[Node | None, list[Problem]]:
    """The YAML file at root/relative as located nodes, or None and the problems that stopped it.

    kept: as read_text's, the bytes read under relative.
    """
    text, problems = read_text(root, relative, kept)
    if text is None:
        return None, problems
    return parse_yaml(text, relative)
