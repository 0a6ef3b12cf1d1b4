"""How `okrsite build` scales: cold and warm builds against MkDocs alone, each engine's time side
by side, site size and memory.

Usage: .venv/bin/python -m benchmarks.build [--teams 200] [--quarters 8] [--growth 50,100]
                                              [--no-demo] [--keep DIR]

For each organisation (the demo, then synthetic ones of --growth teams and of --teams teams, all
with --quarters quarters; see benchmarks/synthetic.py) it measures, side by side in one run:

- cold: `okrsite build` with an empty cache, as a subprocess, wall-clock seconds;
- MkDocs: `mkdocs build` of the very docs folders that build generated, one subprocess per
  quarter, with the repository's mkdocs.yml (INHERIT) plus the nav and names okrsite sets;
- Zensical: `zensical build` of the same docs folders, in the project okrsite's zensical engine
  writes, timed quarter by quarter beside MkDocs' (Zensical/MkDocs is their ratio);
- cold Zensical: `okrsite build --engine zensical` with an empty cache of its own;
- warm: `okrsite build` again after one new check-in in the current quarter, cache present;
- size: megabytes of the published site per quarter (latest/ and the root files included);
- memory: the peak resident memory of the build and its worker processes together, sampled
  every 0.25 s from /proc (Linux), for the cold build: the sum of each process's proportional
  share (Pss), which counts a page the processes share (Python, vl-convert's JavaScript engine,
  mapped by each) once. The plain sum of their RSS, which counts it in every process, is printed
  beside it.

It prints each figure with its goal from issue 11 (cold / MkDocs <= 3, warm / cold <= 0.15,
<= 40 MB a quarter at 200 teams) and issue 21 (peak memory <= 800 MiB, leaving room for the
pages to come), then how each grows with the number of teams.
Numbers on a shared 2-core machine are noisy; the ratios, measured minutes apart on the same
machine, much less so. Not a test: it asserts nothing and exits 0 once every build succeeded.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.synthetic import make_organisation
from okrsite.load.repository import load
from okrsite.model.layout import CONFIG_FILE
from okrsite.model.okrs import QUARTER_ID
from okrsite.pipeline import check
from okrsite.site.builder.docs import DOCS, nav, page_settings, write_docs
from okrsite.site.builder.engines import THEME
from okrsite.site.builder.engines.zensical import (
    PROJECT_CONFIG,
    project_config,
    project_yaml,
    write_theme,
)
from okrsite.site.builder.options import BuildOptions
from okrsite.site.builder.overlay import write_theme as write_layers
from okrsite.site.builder.plan import plan_quarters
from okrsite.site.builder.settings import read_settings
from okrsite.site.markup import html_text

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AS_OF = date(2026, 11, 27)
EPOCH = "1795737600"  # 2026-11-27, the benchmark's today
SAMPLE_SECONDS = 0.25
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
GOALS = {"cold": 3.0, "warm": 0.15, "size": 40.0, "memory": 800.0}
SOURCES = ("okrs", "content", "theme", CONFIG_FILE)


@dataclass(frozen=True)
class Figures:
    """One organisation's measurements."""

    label: str
    teams: int
    quarters: int
    key_results: int
    cold: float
    cold_zensical: float  # `okrsite build --engine zensical`, its own empty cache
    mkdocs: float
    zensical: float  # Zensical alone, on the same docs folders as MkDocs
    warm: float
    megabytes: float  # the whole site
    memory: float  # MiB, peak of the process tree's summed Pss
    rss: float  # MiB, peak of the process tree's summed RSS

    @property
    def per_quarter(self) -> float:
        """Megabytes of the site per quarter."""
        return self.megabytes / self.quarters


class PeakMemory:
    """The peak resident memory of a process and its descendants, sampled from /proc: the sum
    of their Pss, and the sum of their RSS."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self.peak_rss_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        # Reading smaps_rollup walks each process's memory map (vl-convert's JavaScript engine
        # maps tens of GB of address space), and sampled ten times a second it took a tenth
        # of a core from the build. RSS (statm) is cheap; Pss is read only when the RSS sum
        # could hold a new peak, as Pss never exceeds RSS.
        while not self._stop.wait(SAMPLE_SECONDS):
            tree = _tree(self.pid)
            rss = _rss_kib(tree)
            self.peak_rss_kib = max(self.peak_rss_kib, rss)
            if rss > self.peak_kib:
                self.peak_kib = max(self.peak_kib, _pss_kib(tree))

    def stop(self) -> tuple[float, float]:
        """Stop sampling; the peaks in MiB: of the Pss sum, and of the RSS sum."""
        self._stop.set()
        self._thread.join()
        return self.peak_kib / 1024, self.peak_rss_kib / 1024


def _tree(root: int) -> set[int]:
    """root and every process below it (just root without /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grown = {root}, True
    while grown:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grown = bool(below)
    return tree


def _rss_kib(tree: set[int]) -> int:
    """The resident memory of the processes, summed, in KiB."""
    pages = 0
    for pid in tree:
        try:
            pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return pages * PAGE_KIB


def _pss_kib(tree: set[int]) -> int:
    """The proportional share of resident memory of the processes, summed, in KiB."""
    pss = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return pss


def okrsite_build(
    root: Path, engine: str = "mkdocs", cache: str = ".okrsite-cache"
) -> tuple[float, tuple[float, float]]:
    """Seconds and peak MiB (Pss, RSS) of `okrsite build` of root into root/site with engine,
    cache in root/cache."""
    command = [str(BIN / "okrsite"), "--root", str(root), "build", "--as-of", AS_OF.isoformat()]
    command += ["--engine", engine, "--cache", cache, "--out", f"site-{engine}"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "CI": "1"}  # plain progress lines
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = PeakMemory(process.pid)
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if process.returncode != 0:
        raise RuntimeError(f"okrsite build failed in {root}:\n{errors.decode()[-2000:]}")
    return seconds, peak


def engines_alone(root: Path, scratch: Path) -> tuple[float, float]:
    """Seconds MkDocs and Zensical each take to build the pages okrsite generated, quarter by
    quarter, side by side: for each quarter one `mkdocs build` and one `zensical build`
    subprocess, each timed alone.

    The pages come from the cache the cold build filled (charts and all, byte for byte the same).
    MkDocs gets the site's settings (the package's mkdocs.yml with the repository's) plus the
    nav and names okrsite sets, and the theme's layers in one folder; Zensical the project
    okrsite's zensical engine writes from the same settings.
    """
    checked = check(root, AS_OF, AS_OF)
    site = read_settings(root)
    plans = plan_quarters(
        site,
        checked.loaded.repository,
        checked.results,
        checked.problems,
        BuildOptions(AS_OF, workers=1, cache=root / ".okrsite-cache"),
        scratch,
    )
    current = checked.loaded.repository.current_quarter(AS_OF) or plans[-1].quarter
    content = site.content_files
    config = site.required_config()
    org = checked.loaded.repository.org
    mkdocs = zensical = 0.0
    for plan in plans:
        docs = scratch / f"docs-{plan.quarter.id}"
        write_docs(docs, plan, content)
        settings = root / f".bench-{plan.quarter.id}.yml"  # beside mkdocs.yml: same relative paths
        theme = scratch / f"theme-{plan.quarter.id}"
        write_layers(site.theme_layers, theme)
        # Written as the zensical engine writes its project: the nav's escaped section titles
        # (Markup) as the strings they are, Python objects by name.
        settings.write_text(
            project_yaml(
                {
                    **config,
                    "theme": {**config["theme"], "custom_dir": str(theme)},
                    "site_name": org.name,
                    "docs_dir": str(docs),
                    "site_dir": str(scratch / f"mkdocs-{plan.quarter.id}"),
                    "nav": nav(plan, org, content),
                    "extra": {
                        **config.get("extra", {}),
                        "okrsite": page_settings(site.okrsite, plan, current),
                    },
                }
            ),
            encoding="utf-8",
        )
        project = scratch / f"zensical-{plan.quarter.id}"
        write_docs(project / DOCS, plan, content)
        write_theme(site.theme_layers, project / THEME)
        written = project_config(
            config,
            site_name=html_text(org.name),
            nav=nav(plan, org, content),
            site_url=None,
            okrsite=page_settings(site.okrsite, plan, current),
            sanitised=None,
        )
        (project / PROJECT_CONFIG).write_text(json.dumps(written, indent=1), encoding="utf-8")
        mkdocs += timed([str(BIN / "mkdocs"), "build", "--quiet", "--config-file", str(settings)])
        zensical += timed(
            [str(BIN / "python"), "-m", "zensical", "build", "--clean", "-f",
             str(project / PROJECT_CONFIG)]
        )  # fmt: skip
        settings.unlink()
        shutil.rmtree(theme)
        shutil.rmtree(docs)
        shutil.rmtree(project)
    return mkdocs, zensical


def timed(command: Sequence[str]) -> float:
    """Seconds a command takes, its output discarded; it must succeed."""
    started = time.perf_counter()
    subprocess.run(
        command,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    return time.perf_counter() - started


def add_checkin(root: Path) -> None:
    """One new check-in row in the current quarter: the first KR of the first team's CSV."""
    quarter = sorted(p for p in (root / "okrs").iterdir() if QUARTER_ID.fullmatch(p.name))[-1]
    checkins = sorted(quarter.glob("*.csv"))[-1]
    lines = checkins.read_text(encoding="utf-8").splitlines()
    kr = lines[1].split(",")[1]
    with checkins.open("a", encoding="utf-8") as file:
        file.write(f"{AS_OF.isoformat()},{kr},1,0.7,one more check-in,\n")


def megabytes(folder: Path) -> float:
    """The size of every file under folder, in MB (10^6 bytes)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(label: str, root: Path, scratch: Path) -> Figures:
    """Cold, MkDocs alone, warm, size and memory of root's site."""
    print(f"{label}: cold build …", file=sys.stderr, flush=True)
    cold, (memory, rss) = okrsite_build(root)
    print(f"{label}: cold build with Zensical …", file=sys.stderr, flush=True)
    cold_zensical, _ = okrsite_build(root, "zensical", ".okrsite-cache-zensical")
    print(f"{label}: MkDocs and Zensical alone …", file=sys.stderr, flush=True)
    mkdocs, zensical = engines_alone(root, scratch)
    size = megabytes(root / "site-mkdocs")
    add_checkin(root)
    print(f"{label}: warm build …", file=sys.stderr, flush=True)
    warm, _ = okrsite_build(root)
    repository = load(root).repository
    units = repository.org.units
    objectives = [o for q in repository.quarters for p in q.plans for o in p.objectives]
    krs = sum(len(o.key_results) for o in objectives)
    figures = Figures(
        label=label,
        teams=sum(1 for u in units if u.kind == "team"),
        quarters=len(repository.quarters),
        key_results=krs,
        cold=cold,
        cold_zensical=cold_zensical,
        mkdocs=mkdocs,
        zensical=zensical,
        warm=warm,
        megabytes=size,
        memory=memory,
        rss=rss,
    )
    print(
        f"{label}: cold {cold:.1f} s ({cold_zensical:.1f} s with Zensical), MkDocs "
        f"{mkdocs:.1f} s, Zensical {zensical:.1f} s, warm {warm:.1f} s, "
        f"{size:.1f} MB, {memory:.0f} MiB (RSS summed {rss:.0f} MiB)",
        file=sys.stderr,
        flush=True,
    )
    return figures


def copy_demo(target: Path) -> Path:
    """The project's own sources, copied so the benchmark never touches the work tree."""
    target.mkdir(parents=True)
    for name in SOURCES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():  # theme/ and the rest are optional: the package carries its own
            shutil.copyfile(source, target / name)
    return target


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as aligned columns, the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row))
        for row in rows
    )


def verdict(value: float, goal: float) -> str:
    """'met' or 'MISSED' against a goal it may reach but not pass."""
    met = value <= goal
    return "met" if met else "MISSED"


def report(figures: Sequence[Figures]) -> str:
    """The figures, their goals and the growth between sizes, as printable text."""
    header = (
        "organisation",
        "KRs",
        "cold s",
        "MkDocs s",
        "cold/MkDocs",
        "Zensical s",
        "Zensical/MkDocs",
        "cold Zensical s",
        "warm s",
        "warm/cold",
        "MB/quarter",
        "peak MiB",
        "(RSS sum)",
    )
    rows = [header]
    for f in figures:
        rows.append(
            (
                f"{f.label} ({f.teams} teams x {f.quarters} q)",
                f"{f.key_results:,}",
                f"{f.cold:.1f}",
                f"{f.mkdocs:.1f}",
                f"{f.cold / f.mkdocs:.2f}",
                f"{f.zensical:.1f}",
                f"{f.zensical / f.mkdocs:.2f}",
                f"{f.cold_zensical:.1f}",
                f"{f.warm:.1f}",
                f"{f.warm / f.cold:.3f}",
                f"{f.per_quarter:.1f}",
                f"{f.memory:.0f}",
                f"{f.rss:.0f}",
            )
        )
    largest = figures[-1]
    lines = [table(rows), "", f"goals, at {largest.label}:"]
    lines += [
        f"  cold / MkDocs   {largest.cold / largest.mkdocs:6.2f}  at most {GOALS['cold']:.2f}  "
        f"{verdict(largest.cold / largest.mkdocs, GOALS['cold'])}",
        f"  warm / cold     {largest.warm / largest.cold:6.3f}  at most {GOALS['warm']:.2f}  "
        f"{verdict(largest.warm / largest.cold, GOALS['warm'])}",
        f"  MB per quarter  {largest.per_quarter:6.1f}  at most {GOALS['size']:.0f}    "
        f"{verdict(largest.per_quarter, GOALS['size'])}",
        f"  peak MiB        {largest.memory:6.0f}  at most {GOALS['memory']:.0f}  "
        f"{verdict(largest.memory, GOALS['memory'])}",
    ]
    synthetic = [f for f in figures if f.label != "demo"]
    if len(synthetic) > 1:
        lines += ["", "growth (linear: the ratio of the teams):"]
        for small, big in itertools.pairwise(synthetic):
            lines.append(
                f"  {small.teams} -> {big.teams} teams ({big.teams / small.teams:.1f}x): "
                f"cold {big.cold / small.cold:.2f}x, warm {big.warm / small.warm:.2f}x, "
                f"size {big.megabytes / small.megabytes:.2f}x, "
                f"memory {big.memory / small.memory:.2f}x"
            )
    return "\n".join(lines)


def main() -> int:
    """Measure the demo and the synthetic organisations, then print the report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--teams", type=int, default=200, help="teams of the largest organisation")
    parser.add_argument("--quarters", type=int, default=8, help="quarters of each organisation")
    parser.add_argument(
        "--growth", default="50,100", help="smaller team counts, comma-separated ('' for none)"
    )
    parser.add_argument("--no-demo", action="store_true", help="leave the demo out")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    arguments = parser.parse_args()
    sizes = [int(n) for n in arguments.growth.split(",") if n.strip()] + [arguments.teams]
    with tempfile.TemporaryDirectory(prefix="okrsite-bench-") as temporary:
        scratch = arguments.keep or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        figures = []
        if not arguments.no_demo:
            demo = copy_demo(scratch / "demo")
            figures.append(measure("demo", demo, scratch))
        for teams in sizes:
            root = scratch / f"org-{teams}"
            make_organisation(root, teams, arguments.quarters)
            figures.append(measure(f"{teams} teams", root, scratch))
    print(f"okrsite build benchmark on {os.cpu_count()} cores, as of {AS_OF}")
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
