"""The whole generated site of a small organisation, diffed against a committed tree.

tests/golden/fixture/ is a user's repository with only okrs/ and content/ (no mkdocs.yml or
theme/: the package's defaults build it, its checks pages linking the package's check codes): one
org, one group and two teams, a closed quarter (2026-Q3) and the open current one (2026-Q4). It
is built, as of a pinned today, into each quarter's pages: Markdown and scores.json, before
MkDocs, so no HTML or theme noise. The charts' SVGs are not kept (large, and they change with the
renderer); each quarter's charts.txt lists their paths instead, so a chart that goes or is
renamed still shows.

Any change to a page shows up as a diff against tests/golden/site/, to be read in review and
accepted with `make golden` (scripts/regenerate_golden.py, which uses the functions below).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from okrsite.model.errors import DataError
from okrsite.model.problems import errors
from okrsite.pipeline import check
from okrsite.site.builder.options import BuildOptions
from okrsite.site.builder.plan import plan_quarters
from okrsite.site.builder.settings import Engine, read_settings

PROJECT = Path(__file__).resolve().parent.parent
FIXTURE = PROJECT / "tests" / "golden" / "fixture"
GOLDEN = PROJECT / "tests" / "golden" / "site"
TODAY = date(2026, 11, 27)  # the build's today; never the wall clock
CHARTS = "charts/"
CHART_LIST = "charts.txt"  # per quarter: the chart paths, one a line, sorted
SHOWN_DIFFS = 3  # how many differing files the failure message shows a diff of
DIFF_LINES = 80  # the most lines of diff shown per file
ACCEPT = "run `make golden` to accept the change"
UNITS = ("eng", "platform", "payments", "search")  # the fixture's org.yaml


def generate(
    root: Path = FIXTURE, today: date = TODAY, engine: Engine = "mkdocs"
) -> dict[str, str]:
    """The site of the repository at root as {path under tests/golden/site/: text}, sorted.

    Loads, scores once and checks as the build does (pipeline.check), then makes every quarter's
    pages with site.build.plan.plan_quarters in this process. Paths are QUARTER/PAGE; charts
    become CHART_LIST.
    """
    checked = check(root, today)
    if found := errors(checked.problems):
        raise DataError(list(found))  # a broken fixture would only show an error page
    files: dict[str, str] = {}
    plans = plan_quarters(
        read_settings(root, engine=engine),
        checked.loaded.repository,
        checked.results,
        checked.problems,
        BuildOptions(today, workers=1),
    )
    for plan in plans:
        quarter = plan.quarter.id
        charts = sorted(path for path in plan.pages if path.startswith(CHARTS))
        for path, text in plan.pages.items():
            if not path.startswith(CHARTS):
                files[f"{quarter}/{path}"] = text
        files[f"{quarter}/{CHART_LIST}"] = "".join(f"{path}\n" for path in charts)
    return dict(sorted(files.items()))


def read_tree(folder: Path) -> dict[str, str]:
    """Every file under folder as {relative POSIX path: text}, sorted; bytes kept as they are."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes().decode("utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def write_tree(files: Mapping[str, str], folder: Path) -> tuple[list[str], list[str]]:
    """Make folder hold exactly files: write what differs, delete the rest.

    Returns (written, deleted), relative paths, sorted. Files are written as UTF-8 with the
    text's own line endings, so the same pages give the same bytes on every platform.
    """
    existing = read_tree(folder)
    written = sorted(path for path, text in files.items() if existing.get(path) != text)
    deleted = sorted(path for path in existing if path not in files)
    for path in written:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path].encode("utf-8"))
    for path in deleted:
        (folder / path).unlink()
    # Folders left empty by deleted files go too, deepest first.
    for directory in sorted((d for d in folder.rglob("*") if d.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    return written, deleted


def _unified_diff(path: str, committed: str, generated: str) -> list[str]:
    """A unified diff of one file, committed to generated, cut to DIFF_LINES lines."""
    lines = list(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            generated.splitlines(keepends=True),
            fromfile=f"tests/golden/site/{path} (committed)",
            tofile=f"{path} (generated)",
        )
    )
    # A last line without a newline would run into the next file's header.
    lines = [
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines
    ]
    if len(lines) > DIFF_LINES:
        lines = [*lines[:DIFF_LINES], f"... {len(lines) - DIFF_LINES} more lines of diff\n"]
    return lines


def compare(committed: Mapping[str, str], generated: Mapping[str, str]) -> str | None:
    """None when the trees are equal; else a message a reviewer can act on."""
    differ = sorted(p for p in generated if p in committed and committed[p] != generated[p])
    missing = sorted(p for p in committed if p not in generated)
    extra = sorted(p for p in generated if p not in committed)
    if not (differ or missing or extra):
        return None
    out = ["the generated site does not match tests/golden/site/"]
    for title, paths in (
        ("differ" if len(differ) > 1 else "differs", differ),
        ("missing (in tests/golden/site/, no longer generated)", missing),
        ("extra (generated, not in tests/golden/site/)", extra),
    ):
        if paths:
            out.append(f"{len(paths)} {'file' if len(paths) == 1 else 'files'} {title}:")
            out += [f"  {path}" for path in paths]
    diffs = "".join(
        line
        for path in differ[:SHOWN_DIFFS]
        for line in _unified_diff(path, committed[path], generated[path])
    )
    if diffs:
        out.append("")
        out.append(diffs.rstrip("\n"))
    if len(differ) > SHOWN_DIFFS:
        out.append(f"(diffs of {len(differ) - SHOWN_DIFFS} more files not shown)")
    out.append("")
    out.append(ACCEPT)
    return "\n".join(out)


def test_the_fixtures_site_matches_the_golden_tree() -> None:
    message = compare(read_tree(GOLDEN), generate())
    if message is not None:
        pytest.fail(message, pytrace=False)


def test_the_golden_tree_covers_every_page_kind() -> None:
    # Guards the fixture: an edit to it that loses a page kind or a finding fails here.
    tree = read_tree(GOLDEN)
    assert tree, f"tests/golden/site/ is empty; {ACCEPT}"
    for quarter in ("2026-Q3", "2026-Q4"):
        for page in (
            "index.md",
            "blockers.md",
            "owners.md",
            "alignment.md",
            "checks.md",
            "archive.md",
            "scores.json",
        ):
            assert f"{quarter}/{page}" in tree
        units = {p for p in tree if p.startswith(f"{quarter}/units/")}
        assert units == {f"{quarter}/units/{unit}.md" for unit in UNITS}
        assert tree[f"{quarter}/{CHART_LIST}"].strip()
    assert "2026-Q3/review.md" in tree and "2026-Q4/review.md" not in tree
    assert "OKR207" in tree["2026-Q4/checks.md"]  # the stale KR
    assert "<b>" not in "".join(t for p, t in tree.items() if p.endswith(".md"))


def test_zensical_gets_the_same_pages_but_for_its_links_to_other_quarters() -> None:
    """The golden pages hold for both engines: only the archive page's links to the other
    quarters' sites differ, written as each engine reads a link leaving the docs folder."""
    mkdocs, zensical = generate(), generate(engine="zensical")
    assert sorted(mkdocs) == sorted(zensical)
    differing = sorted(path for path in mkdocs if mkdocs[path] != zensical[path])
    assert differing and all(path.endswith("/archive.md") for path in differing)
    for path in differing:
        mended = re.sub(r"\]\(\.\./\.\./([0-9]{4}-Q[1-4])/\)", r"](../\1/)", mkdocs[path])
        assert zensical[path] == mended
