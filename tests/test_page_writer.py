"""A build writes each page as it is made: no process holds a quarter's pages all together."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrsite.load.repository import load_valid
from okrsite.score.history import score_all
from okrsite.site.builder.docs import DOCS, PageWriter
from okrsite.site.pages.quarter import (
    DuplicatePageError,
    QuarterSite,
    add_page,
    make_quarter_pages,
    quarter_pages,
)
from tests.conftest import DEMO_AS_OF

FIXTURE = Path(__file__).resolve().parent / "golden" / "fixture"


class Watching(PageWriter):
    """A PageWriter that checks, as each page arrives, that the ones before it are on disk."""

    def __setitem__(self, path: str, text: str) -> None:
        for earlier in self:
            assert (self.folder / DOCS / earlier).is_file(), earlier
        super().__setitem__(path, text)


def test_a_quarter_s_pages_are_written_one_by_one_and_read_back_the_same(
    tmp_path: Path,
) -> None:
    """Written as made, in the order made, each file's text what quarter_pages makes; the
    writer keeps paths, not texts."""
    repository = load_valid(FIXTURE)
    results = score_all(repository, None, DEMO_AS_OF)
    site = QuarterSite(repository.org, results, results[-1].quarter.id)
    writer = Watching(tmp_path)
    make_quarter_pages(site, writer)
    expected = quarter_pages(site)
    written = writer.written()
    assert list(written) == list(expected)
    assert dict(written.items()) == expected
    assert not any(isinstance(v, str) and len(v) > 200 for v in vars(writer).values())


def test_a_second_page_at_one_path_is_refused_and_the_first_kept(tmp_path: Path) -> None:
    writer = PageWriter(tmp_path)
    add_page(writer, "index.md", "first")
    with pytest.raises(DuplicatePageError):
        add_page(writer, "index.md", "second")
    assert (tmp_path / DOCS / "index.md").read_text(encoding="utf-8") == "first"
    assert len(writer) == 1
