"""The site's settings are read once per build: mkdocs.yml (and what it inherits) is opened once,
and each quarter's MkDocs configuration is made from what was read, placeholders and all."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from okrsite.model.errors import OkrsiteError
from okrsite.pipeline import build_site
from okrsite.site.builder.settings import read_settings
from tests.conftest import WriteRepo
from tests.test_site import TODAY, small_repo

_OPENED: list[str] | None = None
"""While a test watches (see opened), the path of every file opened in this process."""


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Record the files `open` is asked for while a test watches."""
    if _OPENED is not None and event == "open" and isinstance(args[0], str | Path):
        _OPENED.append(str(args[0]))


sys.addaudithook(_audit)  # an audit hook cannot be removed: it records only while watched


@contextmanager
def opened() -> Iterator[list[str]]:
    """The path of every file opened in this process while the block runs."""
    global _OPENED
    found: list[str] = []
    _OPENED = found
    try:
        yield found
    finally:
        _OPENED = None


def times_opened(paths: list[str], file: Path) -> int:
    """How many of paths name file."""
    return sum(1 for path in paths if Path(path).resolve() == file.resolve())


def test_a_build_opens_mkdocs_yml_and_what_it_inherits_once(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = small_repo(write_repo)  # two quarters and the demo's mkdocs.yml
    config = root / "mkdocs.yml"
    base = root / "base.yml"
    base.write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    config.write_text("INHERIT: base.yml\nsite_name: Inherited\n", encoding="utf-8")
    with opened() as paths:
        tally = build_site(root, tmp_path / "site", today=TODAY, workers=1)
    assert tally.built == ["2026-Q3", "2026-Q4"]
    # Before: the site_url, the engine and the fingerprint each read it, and MkDocs once more
    # for every quarter and once for the links between quarters.
    assert times_opened(paths, config) == 1
    assert times_opened(paths, base) == 1


def test_docs_dir_placeholders_are_each_quarters_own(write_repo: WriteRepo, tmp_path: Path) -> None:
    # `!relative $docs_dir` is bound, as MkDocs binds it, to the configuration of the quarter
    # being built: read once for the build, it must still name that quarter's docs folder.
    root = small_repo(write_repo)
    config = root / "mkdocs.yml"
    snippets = (
        "markdown_extensions:\n"
        "  - pymdownx.snippets:\n"
        "      base_path: [!relative $docs_dir]\n"
        "      check_paths: true\n"
    )
    config.write_text(config.read_text(encoding="utf-8") + snippets, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "snippet.txt").write_text("Written once, shown in every quarter.\n")
    (root / "content" / "about.md").write_text('# About\n\n--8<-- "snippet.txt"\n')
    build_site(root, tmp_path / "site", today=TODAY, workers=1)
    for quarter in ("2026-Q3", "2026-Q4"):
        page = (tmp_path / "site" / quarter / "about" / "index.html").read_text(encoding="utf-8")
        assert "Written once, shown in every quarter." in page


def test_settings_are_checked_once_when_read(write_repo: WriteRepo) -> None:
    root = small_repo(write_repo)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "extra:\n  okrsite:\n    content: open\n", "utf-8")
    with pytest.raises(OkrsiteError, match=r"^mkdocs.yml: extra.okrsite.content is 'open';"):
        read_settings(root)
    config.write_text(text + "extra:\n  okrsite:\n    engine: hugo\n", "utf-8")
    with pytest.raises(OkrsiteError, match=r"^mkdocs.yml: extra.okrsite.engine: 'hugo' is not"):
        read_settings(root)
    settings = read_settings(root, engine="zensical", site_url="https://example.org/okrs")
    assert (settings.engine, settings.site_url) == ("zensical", "https://example.org/okrs/")
