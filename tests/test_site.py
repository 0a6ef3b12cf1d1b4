"""The built site: layout, versions, links, charts, banners, determinism, atomicity, safety."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.cli.build import serve_command
from okrsite.load.repository import load_valid
from okrsite.load.schemas import render, schemas
from okrsite.model.errors import OkrsiteError
from okrsite.model.source_policy import SETTINGS_FILE
from okrsite.pipeline import build_site
from okrsite.score.history import score_all
from okrsite.site.builder import plan as plan_module
from okrsite.site.builder import pool as site_module
from okrsite.site.builder.options import BuildOptions
from okrsite.site.builder.plan import plan_quarters
from okrsite.site.builder.settings import ENGINES, read_settings
from okrsite.site.serve import fingerprint, start_server, watch
from tests.conftest import MINIMAL, WriteRepo

DEMO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)
TODAY_QUARTER = "2026-Q4"


def copy_sources(target: Path) -> Path:
    """The project's okrs/, content/, theme/ (if the demo has one), mkdocs.yml and the
    maintainers' collect settings (the hosts its sources' tokens may go to), copied so tests
    never touch them."""
    for name in ("okrs", "content", "theme"):
        if (DEMO / name).is_dir():
            shutil.copytree(DEMO / name, target / name)
    shutil.copyfile(DEMO / "mkdocs.yml", target / "mkdocs.yml")
    (target / ".github").mkdir()
    shutil.copyfile(DEMO / SETTINGS_FILE, target / SETTINGS_FILE)
    return target


@pytest.fixture(scope="session", params=ENGINES)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation built once for the whole session by each engine in turn: every
    test of the built demo holds for both."""
    root = copy_sources(tmp_path_factory.mktemp(f"demo-{request.param}"))
    build_site(root, root / "site", today=TODAY, engine=request.param)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Page(HTMLParser):
    """The links, images, scripts and attributes of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str]] = []  # (tag, URL)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.attributes.extend((tag, name, value) for name, value in attrs)
        for name in ("href", "src"):
            value = found.get(name)
            if value is not None and tag in {"a", "img", "link", "script", "source"}:
                self.references.append((tag, value))
        if tag == "script":
            self._script, self._script_text = found, []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def html_files(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def linked_pages(site: Path) -> Iterator[Path]:
    """The HTML pages reached by relative links; MkDocs' 404.html links from the server root."""
    yield from (p for p in html_files(site) if p.name != "404.html")


def resolves(page: Path, url: str) -> bool:
    """Whether a relative URL from page points at a file of the site."""
    target = (page.parent / unquote(urlsplit(url).path)).resolve()
    return target.is_file() or (target / "index.html").is_file()


def external(url: str) -> bool:
    return urlsplit(url).scheme in {"http", "https", "mailto"}


def test_every_quarter_has_every_page(demo: Path) -> None:
    site = demo / "site"
    repository = load_valid(demo)
    for quarter in repository.quarters:
        folder = site / quarter.id
        expected = ["index.html", "alignment/index.html", "checks/index.html"]
        expected += ["archive/index.html", "scores.json", "help/reading-the-site/index.html"]
        expected += [f"units/{unit.id}/index.html" for unit in repository.org.units]
        if quarter.closed:
            expected.append("review/index.html")
        missing = [p for p in expected if not (folder / p).is_file()]
        assert missing == [], quarter.id
        assert (folder / "review/index.html").exists() == quarter.closed
        scores = json.loads((folder / "scores.json").read_text(encoding="utf-8"))
        assert scores["quarter"] == quarter.id


def test_versions_json_is_mikes_format_newest_first(demo: Path) -> None:
    repository = load_valid(demo)
    versions = json.loads((demo / "site/versions.json").read_text(encoding="utf-8"))
    current = repository.current_quarter(TODAY)
    assert current is not None
    assert versions == [
        {
            "version": q.id,
            "title": q.title,
            "aliases": ["latest"] if q.id == current.id else [],
        }
        for q in reversed(repository.quarters)
    ]


def test_latest_redirects_every_page_to_the_same_page_of_the_current_quarter(demo: Path) -> None:
    site = demo / "site"
    current = load_valid(demo).current_quarter(TODAY)
    assert current is not None
    quarter, latest = site / current.id, site / "latest"
    pages = sorted(p.relative_to(quarter).as_posix() for p in quarter.rglob("*.html"))
    redirects = sorted(p.relative_to(latest).as_posix() for p in latest.rglob("*.html"))
    assert redirects == pages
    for relative in redirects:
        text = (latest / relative).read_text(encoding="utf-8")
        (target,) = re.findall(r'<link rel="canonical" href="([^"]+)">', text)
        landed = (latest / relative).parent / target
        page = landed / "index.html" if target.endswith("/") else landed
        assert page.resolve() == (quarter / relative).resolve(), relative
        # The #fragment a link carries survives the redirect.
        assert "location.replace(" in text and "+ location.hash" in text
    # Scripts fetch latest/scores.json: it is the current quarter's, byte for byte.
    assert (latest / "scores.json").read_bytes() == (quarter / "scores.json").read_bytes()
    # No second copy of the quarter: no charts, assets or search index under latest/.
    assert {p.suffix for p in latest.rglob("*") if p.is_file()} == {".html", ".json"}


def test_index_redirects_to_latest(demo: Path) -> None:
    page = (demo / "site/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=latest/">' in page
    assert '<a href="latest/">' in page


def test_the_site_publishes_the_json_schemas(demo: Path) -> None:
    published = demo / "site/schemas"
    assert sorted(p.name for p in published.iterdir()) == sorted(schemas())
    for name, schema in schemas().items():
        assert (published / name).read_text(encoding="utf-8") == render(schema)


def primary_nav_units(page: Path) -> list[str]:
    """The unit ids the sidebar's navigation links to, in its order, once each (however the
    engine spells a link: `../payments/`, `units/payments/` or `../../units/payments/`)."""
    text = page.read_text(encoding="utf-8")
    start = text.index('<nav class="md-nav md-nav--primary"')
    nav = text[start : text.index('<div class="md-sidebar md-sidebar--secondary"', start)]
    quarter = next(p for p in page.parents if re.fullmatch(r"[0-9]{4}-Q[1-4]", p.name))
    found = []
    for href in re.findall(r'href="([^"#]*)"', nav):
        target = Path(os.path.normpath(page.parent / href)).relative_to(quarter).parts
        if len(target) >= 2 and target[0] == "units":
            found.append(target[1])
    return list(dict.fromkeys(found))


def test_the_navigation_is_the_org_chart_with_only_the_readers_branch_open(demo: Path) -> None:
    org = load_valid(demo).org
    root = org.root()
    assert root is not None
    quarter = demo / "site" / TODAY_QUARTER
    groups = [u.id for u in org.children(root.id)]
    # The overview: the org's page, then a section per group in org.yaml's order; no team
    # (navigation.prune), so a large organisation's pages do not each carry the whole chart.
    assert primary_nav_units(quarter / "index.html") == [root.id, *groups]
    # A team's page: its own group's teams open, in org.yaml's order, the other groups closed.
    for group in groups:
        teams = [u.id for u in org.children(group)]
        for team in teams:
            shown = primary_nav_units(quarter / "units" / team / "index.html")
            assert shown == [
                root.id,
                *groups[: groups.index(group) + 1],
                *teams,
                *groups[groups.index(group) + 1 :],
            ], team


def test_every_internal_link_and_image_resolves(demo: Path) -> None:
    site = demo / "site"
    broken = [
        f"{path.relative_to(site)}: {tag} {url}"
        for path in linked_pages(site)
        for tag, url in parse(path).references
        if not external(url) and not url.startswith("#") and not resolves(path, url)
    ]
    assert broken == []


def test_the_site_loads_nothing_from_the_network(demo: Path) -> None:
    site = demo / "site"
    loaded = [
        f"{path.relative_to(site)}: {url}"
        for path in html_files(site)
        for tag, url in parse(path).references
        if tag in {"script", "link", "img", "source"} and external(url)
    ]
    assert loaded == []
    styles = "".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.css")))
    assert "fonts.googleapis" not in styles


def test_every_key_result_has_its_chart(demo: Path) -> None:
    repository = load_valid(demo)
    for quarter in repository.quarters:
        folder = demo / "site" / quarter.id
        for plan in quarter.plans:
            page = (folder / "units" / plan.unit_id / "index.html").read_text(encoding="utf-8")
            for objective in plan.objectives:
                for kr in objective.key_results:
                    slug = f"kr-{plan.unit_id}.{objective.id}.{kr.id}"
                    chart = f"charts/{slug}.svg"
                    assert (folder / chart).is_file(), chart
                    for scheme in ("light", "dark"):
                        assert f"../../{chart}#only-{scheme}" in page, chart


def test_closed_quarters_carry_the_archive_banner(demo: Path) -> None:
    repository = load_valid(demo)
    current = repository.current_quarter(TODAY)
    site = demo / "site"
    for quarter in repository.quarters:
        archived = quarter.closed and quarter != current
        for path in html_files(site / quarter.id):
            if path.name == "404.html":
                continue
            text = path.read_text(encoding="utf-8")
            assert ('class="okrsite-archive"' in text) == archived, path
            if archived:
                assert "/../latest/" in text


@pytest.mark.parametrize("engine", ENGINES)
def test_two_builds_are_byte_identical(write_repo: WriteRepo, tmp_path: Path, engine: str) -> None:
    root = small_repo(write_repo)
    build_site(root, tmp_path / "one", today=TODAY, engine=engine)
    build_site(root, tmp_path / "two", today=TODAY, engine=engine)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def a_quarter_earlier(checkins: str) -> str:
    """2026-Q4 check-in rows moved into 2026-Q3, three months back."""
    return checkins.replace("2026-10-", "2026-07-").replace("2026-11-", "2026-08-")


def small_repo(write_repo: WriteRepo, extra: dict[str, str] | None = None) -> Path:
    """MINIMAL with a closed quarter before it, and the demo's mkdocs.yml (the theme is the
    package's)."""
    root = write_repo(
        {
            **MINIMAL,
            "okrs/2026-Q3/quarter.yaml": "start: 2026-07-01\nend: 2026-09-30\nstatus: closed\n",
            "okrs/2026-Q3/payments.yaml": MINIMAL["okrs/2026-Q4/payments.yaml"],
            "okrs/2026-Q3/payments.csv": a_quarter_earlier(MINIMAL["okrs/2026-Q4/payments.csv"]),
            **(extra or {}),
        }
    )
    shutil.copyfile(DEMO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def plan(root: Path, workers: int) -> dict[str, dict[str, str]]:
    """Every quarter's pages of root, built with this many worker processes."""
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    plans = plan_quarters(
        read_settings(root), repository, results, (), BuildOptions(TODAY, workers=workers)
    )
    return {p.quarter.id: dict(p.pages) for p in plans}


def test_quarters_built_in_processes_match_a_serial_build(write_repo: WriteRepo) -> None:
    root = small_repo(write_repo)
    lines: list[str] = []
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    parallel = plan_quarters(
        read_settings(root), repository, results, (), BuildOptions(TODAY, lines.append, 2)
    )
    assert {p.quarter.id: p.pages for p in parallel} == plan(root, workers=1)
    # The progress display says what happens, and each quarter in order once it is ready.
    assert lines == [
        "building 2 quarters' pages and charts in 2 processes",
        "building 2026-Q3 (1/2): 10 pages, 8 charts",
        "building 2026-Q4 (2/2): 9 pages, 7 charts",
    ]
    # Pages: overview, 3 units, alignment, checks, archive, and the closed 2026-Q3's review.
    # Charts: 2 KRs, 3 unit histories, unit scores, org history, and 2026-Q3's grade spread.


@pytest.mark.parametrize(("cores", "shown"), [(1, None), (2, "2 processes"), (4, "2 processes")])
def test_left_to_itself_a_build_draws_on_every_core(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch, cores: int, shown: str | None
) -> None:
    # A process per core, none on one core (the build's own process draws), and a process per
    # quarter at most: two quarters, two processes.
    root = small_repo(write_repo)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(plan_module, "PARALLEL_COST", 0)  # as if there were much to draw
    lines: list[str] = []
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    plan_quarters(read_settings(root), repository, results, (), BuildOptions(TODAY, lines.append))
    processes = [line for line in lines if "quarters' pages and charts in" in line]
    expected = [] if shown is None else [f"building 2 quarters' pages and charts in {shown}"]
    assert processes == expected


def test_without_processes_quarters_are_built_in_turn(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("no semaphores in this sandbox")

    root = small_repo(write_repo)
    serial = plan(root, workers=1)
    monkeypatch.setattr(site_module, "ProcessPoolExecutor", refuse)
    assert plan(root, workers=2) == serial


class DeadPool:
    """A process pool whose workers have all died: every result is BrokenProcessPool."""

    def __init__(self, *_args: object, **_kwargs: object) -> None:
        pass

    def __enter__(self) -> DeadPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def submit(self, *_args: object) -> Future[dict[str, str]]:
        future: Future[dict[str, str]] = Future()
        future.set_exception(BrokenProcessPool("a worker was killed"))
        return future


def test_when_workers_die_the_quarters_are_built_here(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_repo(write_repo)
    serial = plan(root, workers=1)
    monkeypatch.setattr(site_module, "ProcessPoolExecutor", DeadPool)
    lines: list[str] = []
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    plans = plan_quarters(
        read_settings(root), repository, results, (), BuildOptions(TODAY, lines.append, 2)
    )
    assert {p.quarter.id: p.pages for p in plans} == serial
    assert lines[:2] == [
        "building 2 quarters' pages and charts in 2 processes",
        "the worker processes stopped; building the remaining quarters here",
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_failed_build_leaves_the_previous_site(write_repo: WriteRepo, engine: str) -> None:
    root = small_repo(write_repo)
    out = root / "site"
    build_site(root, out, today=TODAY, engine=engine)
    before = tree(out)
    # A template error: the engine fails while building, after the staging folder was made.
    (root / "theme").mkdir()
    (root / "theme/main.html").write_text("{% extends 'base.html' %}{% block x %}", "utf-8")
    with pytest.raises(OkrsiteError, match=r"^theme/: template error building 2026-Q3: \S"):
        build_site(root, out, today=TODAY, engine=engine)
    assert tree(out) == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("site")) == ["site"]


def test_a_broken_mkdocs_yml_is_reported_and_leaves_the_site(write_repo: WriteRepo) -> None:
    root = small_repo(write_repo)
    out = root / "site"
    build_site(root, out, today=TODAY)
    before = tree(out)
    (root / "mkdocs.yml").write_text("site_name: x\ntheme: {name: no-such-theme}\n", "utf-8")
    with pytest.raises(OkrsiteError, match=r"^mkdocs\.yml: .*no-such-theme"):
        build_site(root, out, today=TODAY)
    assert tree(out) == before


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '{: onclick="x"}',
    '"><svg onload=alert(1)>',
    "</title><script>alert(1)</script>",
    "[x](data:text/html,alert(1))",
    '<a href="javascript:alert(1)">a</a>',
    "<javascript:alert(1)>",
    "![x](http://evil.example/i.png)",
]

NOTE_TAIL = (
    "\n\n[ref][r] and ![pic][i]\n\n[r]: javascript:alert(1)\n[i]: https://evil.example/i.png"
)
"""Markdown only a multi-line note can carry: reference-style link and image definitions."""

SAFE_SCHEMES = {"", "http", "https", "mailto"}


def hostile_repo(write_repo: WriteRepo) -> Path:
    """Every user-written string of a small repository carries an attack."""
    bad = " ".join(HOSTILE)
    quoted = json.dumps(bad)  # a YAML double-quoted string
    org = (
        f"name: {quoted}\nunits:\n"
        f"  - {{id: eng, name: {quoted}, kind: org, lead: {quoted}}}\n"
        f"  - {{id: platform, name: {quoted}, kind: group, parent: eng, lead: {quoted}}}\n"
        f"  - {{id: payments, name: {quoted}, kind: team, parent: platform, lead: {quoted}}}\n"
    )
    plan = (
        "objectives:\n"
        f"  - id: delivery\n    title: {quoted}\n    domain: delivery\n    owner: {quoted}\n"
        f"    retro: {{learned: {quoted}, realistic: true}}\n"
        "    key_results:\n"
        f"      - id: lead-time\n        title: {quoted}\n        owner: {quoted}\n"
        f"        measurement: {quoted}\n        unit: {quoted}\n"
        "        baseline: 12\n        target: 5\n"
        f"        grade_note: {quoted}\n"
    )
    cell = '"' + (bad + NOTE_TAIL).replace('"', '""') + '"'
    checkins = (
        "date,kr,value,confidence,note,blockers\n"
        f"2026-10-15,delivery/lead-time,10,0.6,{cell},{cell}\n"
        f"2026-11-15,delivery/lead-time,8,0.7,{cell},{cell}\n"
    )
    return small_repo(
        write_repo,
        {
            "okrs/org.yaml": org,
            "okrs/2026-Q4/payments.yaml": plan,
            "okrs/2026-Q4/payments.csv": checkins,
            "okrs/2026-Q3/payments.yaml": plan,
            "okrs/2026-Q3/payments.csv": a_quarter_earlier(checkins),
        },
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_text_runs_nowhere(write_repo: WriteRepo, tmp_path: Path, engine: str) -> None:
    root = hostile_repo(write_repo)
    site = tmp_path / "site"
    build_site(root, site, today=TODAY, engine=engine)
    problems: list[str] = []
    for path in html_files(site):
        page = parse(path)
        where = path.relative_to(site).as_posix()
        for attributes, text in page.scripts:
            src = attributes.get("src")
            if src is not None and "assets/javascripts/" not in src:
                problems.append(f"{where}: script {src}")
            if "alert" in text:
                problems.append(f"{where}: inline script {text[:60]!r}")
        for tag, name, value in page.attributes:
            if name.startswith("on"):
                problems.append(f"{where}: {tag} {name}={value!r}")
            if (value or "").strip().lower().startswith("javascript:"):
                problems.append(f"{where}: {tag} {name}={value!r}")
            if tag in {"img", "svg"} and name == "src" and value == "x":
                problems.append(f"{where}: injected {tag}")
        for tag, url in page.references:
            scheme = urlsplit(url.strip()).scheme.lower()
            if scheme not in SAFE_SCHEMES:
                problems.append(f"{where}: {tag} to {url!r}")
            if tag == "img" and external(url):
                problems.append(f"{where}: image from the network {url!r}")
    for path in sorted(site.rglob("*.svg")):
        problems.extend(svg_problems(path, path.relative_to(site).as_posix()))
    assert problems == []
    # The hostile text is there, shown as text: escaped, not dropped.
    unit = (site / "2026-Q4/units/payments/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in unit or "&lt;script&gt;alert&#40;1" in unit
    # The note's reference-style link lost its javascript: target; its image kept only its words.
    assert '<a rel="noopener noreferrer nofollow">ref</a> and pic' in unit
    shown = Text()
    shown.feed(unit)
    # The org's name in <title> and the header, the unit's name in the navigation, the titles
    # in headings and the table of contents: each reads as the text that was typed.
    assert "</title><script>alert(1)</script>" in shown.title
    assert shown.texts.count(HOSTILE[0]) >= 5
    # The group's name titles its section of the navigation (MkDocs prints nav titles as they
    # are: okrsite escapes them), read as typed on the team's page.
    nav = unit[unit.index('<nav class="md-nav md-nav--primary"') :]
    section = Text()
    section.feed(nav[: nav.index('<div class="md-sidebar md-sidebar--secondary"')])
    assert HOSTILE[0] in section.texts
    # Each tooltip and label naming the org or a unit reads as typed: escaped once, not twice.
    named = [v for _, name, v in parse(site / "2026-Q4/units/payments/index.html").attributes
             if name in {"title", "aria-label"} and v is not None and "alert" in v]  # fmt: skip
    assert named and set(named) == {" ".join(HOSTILE)}
    # Each engine's search index: MkDocs' search/search_index.json, Zensical's search.json.
    for index in sorted([*site.rglob("search_index.json"), *site.rglob("search.json")]):
        text = index.read_text(encoding="utf-8")
        json.loads(text)
        assert "<script>" not in text
    for name in ("scores.json", "versions.json"):
        for path in sorted(site.rglob(name)):
            json.loads(path.read_text(encoding="utf-8"))


class Text(HTMLParser):
    """The text of an HTML page, entities decoded: its <title> and every run of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.texts: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = self._in_title or tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.texts.extend(part for part in HOSTILE if part in data)


def svg_problems(path: Path, where: str) -> list[str]:
    """What in an SVG chart could run or fetch: script or foreign elements, on* attributes,
    links that are not plain fragments. The SVG must also parse as XML."""
    problems = []
    for element in ET.fromstring(path.read_bytes()).iter():
        tag = element.tag.rpartition("}")[2]
        if tag in {"script", "foreignObject", "iframe", "image", "a"}:
            problems.append(f"{where}: <{tag}>")
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2]
            if local.startswith("on"):
                problems.append(f"{where}: {tag} {local}={value!r}")
            # Text attributes (aria-label) may say "javascript:"; only URLs could act on it.
            if local in {"href", "src", "style"} and not value.startswith("#"):
                problems.append(f"{where}: {tag} {local}={value!r}")
    return problems


def test_build_command_reports_progress_on_stderr(write_repo: WriteRepo) -> None:
    root = small_repo(write_repo)
    result = CliRunner().invoke(
        main,
        ["build", "--root", str(root), "--out", "public", "--as-of", "2026-11-20"],
        env={"SOURCE_DATE_EPOCH": "1795737600"},  # 2026-11-27
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    # Two quarters of one team are too little to draw to start worker processes for
    # (write.PARALLEL_COST): they are made here, one after the other.
    assert [line for line in lines if line.startswith("building ")] == [
        # 2026-Q3: overview, alignment, checks, review, archive and 3 unit pages; Q4 has no review.
        "building 2026-Q3 (1/2): 10 pages, 8 charts",
        "building 2026-Q4 (2/2): 9 pages, 7 charts",
    ]
    # Each quarter goes to MkDocs as soon as its pages are made, while the next is being made.
    assert lines.index("rendering 2026-Q3 (1/2) with MkDocs") < lines.index(
        "rendering 2026-Q4 (2/2) with MkDocs"
    )
    # Not a terminal: the progress bar is plain lines, the last one at 100 %.
    progress = [line for line in lines if line.startswith("progress: ")]
    assert progress[-1] == "progress: 12 of 12 unit pages made and built (100 %)"
    # A first build draws every chart and keeps it in the repository's cache for the next.
    assert lines[-2].startswith(
        "built 2 quarters with MkDocs; charts: 15 drawn, 0 from the cache in "
    )
    assert lines[-2].endswith(f" s into {root / 'public'}")
    # Served from the folder it was built into, not serve's default site/.
    assert lines[-1] == (
        f"view it with `okrsite serve --root {root} --out public` and open http://127.0.0.1:8000/"
    )
    scores = json.loads((root / "public/2026-Q4/scores.json").read_text(encoding="utf-8"))
    assert scores["as_of"] == "2026-11-20"


def test_build_command_reports_bad_data_without_a_traceback(write_repo: WriteRepo) -> None:
    root = small_repo(write_repo, {"okrs/2026-Q4/payments.csv": "date,kr,value\nnope,x,1\n"})
    result = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert result.exit_code == 2
    assert result.stderr.startswith("okrsite: error: okrs/2026-Q4/payments.csv:2")
    assert not (root / "site").exists()


def test_serve_watches_sources_and_rebuilds_on_change(write_repo: WriteRepo) -> None:
    root = small_repo(write_repo)
    before = fingerprint(root)
    assert [path for path, _, _ in before] == sorted(path for path, _, _ in before)
    assert "okrs/org.yaml" in {path for path, _, _ in before}
    stop = threading.Event()
    rebuilt: list[str] = []

    def rebuild() -> None:
        rebuilt.append("rebuilt")
        stop.set()

    watcher = threading.Thread(
        target=watch, args=(root, rebuild, stop, rebuilt.append, 0.01, before)
    )
    watcher.start()
    (root / "okrs/2026-Q4/payments.csv").write_text(
        MINIMAL["okrs/2026-Q4/payments.csv"] + "2026-11-20,delivery/lead-time,7,,,\n", "utf-8"
    )
    watcher.join(timeout=10)
    assert rebuilt == ["change detected, rebuilding", "rebuilt"]


def test_serve_answers_with_the_built_site(write_repo: WriteRepo, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>hello</p>", "utf-8")
    server = start_server(tmp_path, 0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/index.html"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.read() == b"<p>hello</p>"
    finally:
        server.shutdown()
        server.server_close()


def test_the_serve_hint_names_only_what_differs_from_serves_defaults(tmp_path: Path) -> None:
    assert serve_command(Path.cwd(), Path("site")) == "okrsite serve"
    assert serve_command(tmp_path / "my okrs", Path("site")) == (
        f"okrsite serve --root '{tmp_path / 'my okrs'}'"
    )
    # A build with --engine is served by a build with the same engine.
    assert serve_command(Path.cwd(), Path("site"), None, "zensical") == (
        "okrsite serve --engine zensical"
    )
