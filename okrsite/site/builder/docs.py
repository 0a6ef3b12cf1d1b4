"""What a quarter's site is made of, whichever engine builds it: its plan (generated pages and
where they go), content/'s files beside them in one docs folder, and the navigation okrsite sets."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONTENT_DIR
from okrsite.model.okrs import Org, Quarter, Unit
from okrsite.site.markup import html_text

Progress = Callable[[str], None]
"""Receives one line per quarter and phase; the CLI prints it, the library never does."""


def ignore(_message: str) -> None:
    """The default progress callback: say nothing."""


INTRO_PAGE = "index.md"  # content/index.md is the overview's introduction, not a page
DOCS = "docs"
"""The docs folder inside a quarter's scratch folder, beside what the engine needs of its own."""


class WrittenPages(Mapping[str, str]):
    """A quarter's generated pages as written into the docs folder of its scratch folder, by
    path: each page's text is read from its file when asked for, so no process holds them all."""

    def __init__(self, folder: Path, paths: Iterable[str]) -> None:
        self.folder = folder
        """The quarter's scratch folder, which the engine builds in."""
        self._paths = tuple(paths)
        self._known = frozenset(self._paths)

    @property
    def docs(self) -> Path:
        """The docs folder holding the pages."""
        return self.folder / DOCS

    def __getitem__(self, path: str) -> str:
        if path not in self._known:
            raise KeyError(path)
        # newline="": the text as made, a carriage return in a page included.
        with open(self.docs / path, encoding="utf-8", newline="") as file:
            return file.read()

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


class PageWriter(MutableMapping[str, str]):
    """Where a quarter's pages go as they are made (pages.quarter.quarter_pages fills it): each
    is written into folder's docs folder at once and only its path kept, so a process never
    holds a quarter's pages (tens of megabytes at hundreds of teams) all at the same time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._paths: list[str] = []
        self._known: set[str] = set()

    def __setitem__(self, path: str, text: str) -> None:
        if path in self._known:
            raise KeyError(f"{path} is written already")
        write_pages(self.folder / DOCS, {path: text})
        self._paths.append(path)
        self._known.add(path)

    def __getitem__(self, path: str) -> str:
        return self.written()[path]

    def __delitem__(self, path: str) -> None:
        raise TypeError("a written page stays")

    def __contains__(self, path: object) -> bool:
        return path in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def written(self) -> WrittenPages:
        """The pages written so far, read back from their files when asked for."""
        return WrittenPages(self.folder, self._paths)


def write_pages(docs: Path, pages: Mapping[str, str]) -> None:
    """Generated pages written into a docs folder."""
    for relative, text in sorted(pages.items()):
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


@dataclass(frozen=True)
class QuarterPlan:
    """One quarter ready to build: its pages and where its site goes."""

    quarter: Quarter
    as_of: date
    pages: Mapping[str, str]
    """Every generated page's text by its path in the docs folder; WrittenPages when they are
    in a scratch folder already, as a build makes them."""
    current: bool

    @property
    def charts(self) -> int:
        """How many charts the quarter has (one SVG each, for both schemes)."""
        return sum(1 for p in self.pages if p.startswith("charts/") and p.endswith(".svg"))

    @property
    def markdown_pages(self) -> int:
        """How many Markdown pages were generated for the quarter."""
        return sum(1 for p in self.pages if p.endswith(".md"))


def content_files(
    root: Path, folder: str = CONTENT_DIR, prefix: str = ""
) -> list[tuple[str, Path]]:
    """content/'s files (or another folder's) by relative POSIX path after prefix, sorted;
    content/index.md is the intro."""
    content = root / folder
    if not content.is_dir():
        return []
    files = sorted(
        (prefix + p.relative_to(content).as_posix(), p)
        for p in content.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(content).parts)
    )
    return [(relative, path) for relative, path in files if relative != INTRO_PAGE]


def write_docs(docs: Path, plan: QuarterPlan, content: Sequence[tuple[str, Path]]) -> None:
    """The quarter's docs folder: its generated pages (unless they are there already), then
    content/'s files beside them."""
    pages = plan.pages
    if not (isinstance(pages, WrittenPages) and pages.docs == docs):
        write_pages(docs, pages)
    for relative, path in content:
        if relative in plan.pages:
            raise OkrsiteError(
                f"{CONTENT_DIR}/{relative}: clashes with the generated page {relative}; rename it"
            )
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def nav(plan: QuarterPlan, org: Org, content: Sequence[tuple[str, Path]]) -> list[Any]:
    """The navigation: the generated pages in a fixed order, then content/'s pages."""
    pages = plan.pages
    entries: list[Any] = [{"Overview": "index.md"}, {"Units": unit_tree(org, pages)}]
    entries += [{"Blockers": "blockers.md"}, {"Owners": "owners.md"}]
    if "health/index.md" in pages:
        entries.append({"Health": "health/index.md"})
    entries += [{"Alignment": "alignment.md"}, {"Checks": "checks.md"}]
    if "review.md" in pages:
        entries.append({"Quarter in review": "review.md"})
    entries.append({"Archive": "archive.md"})
    sections: dict[str, list[str]] = {}
    for relative in (c for c, _ in content if c.endswith(".md")):
        folder, _, _ = relative.rpartition("/")
        if not folder:
            entries.append(relative)
        else:
            sections.setdefault(folder, []).append(relative)
    for folder, members in sections.items():
        entries.append({folder.replace("/", " / ").replace("-", " ").capitalize(): members})
    return entries


def unit_tree(org: Org, pages: Mapping[str, str], folder: str = "units") -> list[Any]:
    """The units' pages as the org chart: each top unit's page, then a section per unit below
    it holding that unit's page and, nested the same way, the units below that; teams are
    plain pages. In org.yaml's order throughout.

    A section title is a unit's name, escaped here: MkDocs prints nav titles as they are.
    With Material's navigation.prune a page carries only the sections on its own path, so a
    large organisation's pages do not each repeat the whole org chart.
    """
    below: dict[str | None, list[Unit]] = {}
    for unit, parent in org.forest():
        if f"{folder}/{unit.id}.md" in pages:
            below.setdefault(parent, []).append(unit)

    def entry(unit: Unit) -> Any:
        page = f"{folder}/{unit.id}.md"
        children = below.get(unit.id, [])
        if not children:
            return page
        title = Markup(html_text(unit.name or unit.id))
        return {title: [page, *(entry(child) for child in children)]}

    tree: list[Any] = []
    for top in below.get(None, []):  # every unit has a page, so each hangs from one here
        tree.append(f"{folder}/{top.id}.md")
        tree += [entry(child) for child in below.get(top.id, [])]
    return tree


def page_settings(
    okrsite: Mapping[str, Any], plan: QuarterPlan, current: Quarter
) -> dict[str, Any]:
    """`extra.okrsite` as the theme reads it for this quarter: mkdocs.yml's own settings, then
    the quarter's title, whether it is an archive, and the current quarter's title (the banner)."""
    return {
        **okrsite,
        "quarter": plan.quarter.title,
        "archive": plan.quarter.closed and not plan.current,
        "current": current.title,
    }
