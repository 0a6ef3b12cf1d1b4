"""The build cache: drawn charts and built quarters kept between builds, never changing a byte
of the site, and never publishing an entry that is stale, cut short or tampered with."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.pipeline import build_site
from okrsite.site.builder.chart_cache import CHARTS
from okrsite.site.builder.quarter_cache import MANIFEST, QUARTERS, SITE
from okrsite.site.builder.tally import Tally
from tests.conftest import WriteRepo
from tests.test_site import TODAY, small_repo, tree

NEW_ROW = "2026-11-20,delivery/lead-time,6,0.8,Faster reviews,\n"


def build(root: Path, out: Path, cache: Path | None) -> Tally:
    """Build root's site into out in this process, with cache (None: no cache)."""
    return build_site(root, out, today=TODAY, cache=cache, workers=1)


def entries(cache: Path) -> list[Path]:
    """Every chart entry in cache, sorted."""
    return sorted((cache / CHARTS).rglob("*.json"))


@pytest.fixture
def cached(write_repo: WriteRepo, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A small repository (a closed and an open quarter), its site built once without a cache
    (the reference), and a cache filled by a first build: (root, reference site, cache)."""
    root = small_repo(write_repo)
    build(root, tmp_path / "reference", None)
    build(root, tmp_path / "first", tmp_path / "cache")
    return root, tmp_path / "reference", tmp_path / "cache"


def test_builds_with_an_empty_a_full_and_no_cache_are_byte_identical(
    cached: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, reference, cache = cached
    assert tree(tmp_path / "first") == tree(reference)
    warm = build(root, tmp_path / "warm", cache)
    assert tree(tmp_path / "warm") == tree(reference)
    # Nothing changed: both quarters are reused whole, no chart is even looked up.
    assert (warm.reused, warm.built) == (["2026-Q3", "2026-Q4"], [])
    assert (warm.charts_drawn, warm.charts_cached) == (0, 0)


def test_a_new_check_in_rebuilds_its_quarter_and_redraws_only_the_charts_it_moves(
    cached: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, _, cache = cached
    with (root / "okrs/2026-Q4/payments.csv").open("a", encoding="utf-8") as file:
        file.write(NEW_ROW)
    after = build(root, tmp_path / "after", cache)
    assert (after.reused, after.built) == (["2026-Q3"], ["2026-Q4"])
    # The KR's chart, the histories of payments and of the units above it (their roll-ups
    # moved), the overview's unit scores and the archive's org history: the rest is cached.
    assert after.charts_drawn == 6
    assert after.charts_cached == 1  # the other KR's chart
    build(root, tmp_path / "uncached", None)
    assert tree(tmp_path / "after") == tree(tmp_path / "uncached")


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="cut-short"),
        pytest.param(lambda data: data.replace(b"<svg", b"<svg data-x='1'", 1), id="changed"),
        pytest.param(lambda data: b"", id="emptied"),
        pytest.param(lambda data: b"not json\n{}", id="garbage"),
    ],
)
def test_a_spoiled_chart_entry_is_drawn_again_and_never_published(
    cached: tuple[Path, Path, Path], tmp_path: Path, spoil: object
) -> None:
    root, reference, cache = cached
    assert callable(spoil)
    for entry in entries(cache):
        entry.write_bytes(spoil(entry.read_bytes()))
    forget_quarters(cache)  # so the charts are looked up, not the built quarters reused
    again = build(root, tmp_path / "again", cache)
    assert tree(tmp_path / "again") == tree(reference)
    assert again.charts_cached == 0
    assert again.charts_drawn == len(entries(cache))  # each one drawn and written back whole
    build(root, tmp_path / "rebuilt", cache)
    assert tree(tmp_path / "rebuilt") == tree(reference)


def test_an_entry_under_another_charts_name_is_not_used(
    cached: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, reference, cache = cached
    first, *others = entries(cache)
    for other in others:  # a valid entry, whole and checksummed, but for another chart
        other.write_bytes(first.read_bytes())
    forget_quarters(cache)
    again = build(root, tmp_path / "again", cache)
    assert tree(tmp_path / "again") == tree(reference)
    assert again.charts_cached == 1


def forget_quarters(cache: Path) -> None:
    """Remove the built quarters from cache, keeping its charts."""
    shutil.rmtree(cache / QUARTERS)


def test_a_tampered_built_quarter_is_rebuilt_and_never_published(
    cached: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, reference, cache = cached
    page = cache / QUARTERS / "2026-Q3" / SITE / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<script>alert(1)</script>", "utf-8")
    extra = cache / QUARTERS / "2026-Q4" / SITE / "planted.html"  # not in the manifest
    extra.write_text("<p>planted</p>", encoding="utf-8")
    again = build(root, tmp_path / "again", cache)
    assert tree(tmp_path / "again") == tree(reference)
    assert (again.reused, again.built) == (["2026-Q4"], ["2026-Q3"])
    assert not (tmp_path / "again/2026-Q4/planted.html").exists()


def test_a_built_quarter_from_other_inputs_is_stale_and_rebuilt(
    cached: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, _, cache = cached
    manifest = cache / QUARTERS / "2026-Q3" / MANIFEST
    checksum, _, payload = manifest.read_bytes().partition(b"\n")
    fields = json.loads(payload)
    assert len(fields["key"]) == 64 and checksum
    # A change to the site's configuration changes every quarter's key.
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", "utf-8")
    again = build(root, tmp_path / "again", cache)
    assert (again.reused, again.built) == ([], ["2026-Q3", "2026-Q4"])
    assert again.charts_drawn == 0  # the charts do not depend on mkdocs.yml


def test_the_cli_keeps_its_cache_in_the_repository_unless_told_not_to(
    write_repo: WriteRepo,
) -> None:
    root = small_repo(write_repo)
    runner = CliRunner()
    done = runner.invoke(main, ["--root", str(root), "build", "--no-cache"])
    assert done.exit_code == 0, done.output
    assert not (root / ".okrsite-cache").exists()
    done = runner.invoke(main, ["--root", str(root), "build"])
    assert done.exit_code == 0, done.output
    assert entries(root / ".okrsite-cache")
    again = runner.invoke(main, ["--root", str(root), "build"])
    assert again.exit_code == 0, again.output
    assert "built 2 quarters (2 unchanged, reused from the cache)" in again.output
