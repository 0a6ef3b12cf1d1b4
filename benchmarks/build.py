"""Where `okrsite build` spends its time on the demo, and how that grows with the organisation.

Usage: .venv/bin/python benchmarks/build.py [--repeat N]

Builds the demo repository (as of 2026-11-27) through the library, timing each phase: load and
check, scoring every quarter, chart rendering (Altair spec plus vl-convert SVG), page generation
(templates, without the charts), and the MkDocs builds (with the copy to latest/ and the swap),
all in one process; then times the whole build as `okrsite build` runs it, quarters side by side
in one process per core.
Then builds a synthetic organisation twice the demo's size (every unit below the org cloned under
the id UNIT-2, with its objectives and check-ins) and prints time(2x) / time(1x) per phase; a
linear build gives about 2. With --repeat N each figure is the fastest of N runs. Not a test:
it asserts nothing and always exits 0 once both builds succeed.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import mean
from typing import Any

import vl_convert
import yaml

from okrsite.check.rules import check_loaded
from okrsite.load.repository import load
from okrsite.pipeline import build_site
from okrsite.score.history import score_all
from okrsite.site import charts
from okrsite.site.write import write_site

PROJECT = Path(__file__).resolve().parent.parent
SOURCES = ("okrs", "content", "theme", "mkdocs.yml")
AS_OF = date(2026, 11, 27)
CLONE = "-2"  # suffix of the cloned units' ids in the synthetic organisation
ALIGNS_TO = re.compile(r"^(\s*aligns_to:\s*)([a-z0-9][a-z0-9-]*)/", re.MULTILINE)


@dataclass
class Timings:
    """Seconds spent in each phase of one build, with per-quarter figures."""

    load_check: float = 0.0
    scoring: float = 0.0
    charts: float = 0.0
    planning: float = 0.0  # pages and charts together, as site.plan_quarters runs them
    mkdocs: float = 0.0
    total: float = 0.0
    quarters: dict[str, float] = field(default_factory=dict)  # pages, charts and MkDocs
    chart_count: int = 0

    @property
    def pages(self) -> float:
        """Page generation without the charts it renders."""
        return self.planning - self.charts

    def fastest(self, other: Timings) -> Timings:
        """The faster of two runs of the same build, phase by phase."""
        if other.total < self.total:
            return other
        return self


@dataclass(frozen=True)
class Size:
    """How big a repository is, to show what the scaling ratio scales."""

    units: int
    key_results: int
    checkins: int


class ChartClock:
    """Accumulates the time spent in okrsite.site.charts' *_chart functions while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0
        self._depth = 0  # a chart function calling another is counted once

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """The function, timed."""

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._depth += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.seconds += time.perf_counter() - started
                    self.count += 1

        return timed

    @contextmanager
    def installed(self) -> Iterator[ChartClock]:
        """Time every chart while the block runs; pages.py looks them up on the module."""
        names = [n for n in dir(charts) if n.endswith("_chart") and callable(getattr(charts, n))]
        originals = {n: getattr(charts, n) for n in names}
        for name, function in originals.items():
            setattr(charts, name, self.wrap(function))
        try:
            yield self
        finally:
            for name, function in originals.items():
                setattr(charts, name, function)


class Stamps:
    """The site's progress lines with the time each arrived, to split the build into phases."""

    def __init__(self) -> None:
        self.lines: list[tuple[float, str]] = []

    def __call__(self, message: str) -> None:
        self.lines.append((time.perf_counter(), message))

    def times(self, prefix: str) -> list[tuple[float, str]]:
        """(time, quarter id) of each line starting with prefix, e.g. 'rendering '."""
        found = [(t, m.removeprefix(prefix).split(" ")[0]) for t, m in self.lines]
        return [
            item for item, (_, m) in zip(found, self.lines, strict=True) if m.startswith(prefix)
        ]


def build_once(root: Path, out: Path) -> Timings:
    """Build root's site into out once, in this process only, timing every phase.

    Serial on purpose: the chart clock sees only charts rendered in this process.
    """
    timings = Timings()
    stamps = Stamps()
    started = time.perf_counter()
    loaded = load(root)
    read = time.perf_counter()
    results = score_all(loaded.repository, AS_OF, AS_OF)
    scored = time.perf_counter()
    problems = check_loaded(loaded, root, results, AS_OF)  # the checks read the scores
    errors = [
        f"{p.location.path}:{p.location.line}: {p.message}"
        for p in problems
        if p.severity == "error"
    ]
    if errors:  # a broken synthetic repository would time a build of half the data
        raise RuntimeError(f"{root} has errors: " + "; ".join(errors))
    checked = time.perf_counter()
    with ChartClock().installed() as clock:
        write_site(
            root,
            out,
            loaded.repository,
            results,
            problems,
            today=AS_OF,
            progress=stamps,
            workers=1,
        )
    finished = time.perf_counter()

    planned = stamps.times("building ")  # each quarter's pages and charts are ready
    rendering = stamps.times("rendering ")  # each quarter's MkDocs build starts
    if len(planned) != len(results) or len(rendering) != len(results):
        raise RuntimeError("the build's progress lines changed; update benchmarks/build.py")
    plan_starts = [checked] + [t for t, _ in planned[:-1]]
    mkdocs_ends = [t for t, _ in rendering[1:]] + [finished]
    for (plan_end, quarter), plan_start, (mkdocs_start, _), mkdocs_end in zip(
        planned, plan_starts, rendering, mkdocs_ends, strict=True
    ):
        timings.quarters[quarter] = (plan_end - plan_start) + (mkdocs_end - mkdocs_start)

    timings.load_check = (read - started) + (checked - scored)
    timings.scoring = scored - read
    timings.charts = clock.seconds
    timings.chart_count = clock.count
    timings.planning = planned[-1][0] - checked
    timings.mkdocs = finished - rendering[0][0]
    timings.total = finished - started
    return timings


def size_of(root: Path) -> Size:
    """Units in org.yaml, key results and check-ins over every quarter."""
    repository = load(root).repository
    krs = [
        kr
        for q in repository.quarters
        for p in q.plans
        for o in p.objectives
        for kr in o.key_results
    ]
    return Size(len(repository.org.units), len(krs), sum(len(kr.checkins) for kr in krs))


def copy_demo(target: Path) -> Path:
    """The project's sources copied into target, so benchmarks never touch the work tree."""
    for name in SOURCES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copyfile(source, target / name)
    return target


def double_organisation(root: Path) -> None:
    """Clone every unit below the org as UNIT-2, with its plans and check-ins, in every quarter."""
    org_file = root / "okrs" / "org.yaml"
    org = yaml.safe_load(org_file.read_text(encoding="utf-8"))
    top = next(u["id"] for u in org["units"] if u["kind"] == "org")
    cloned = {u["id"] for u in org["units"] if u["id"] != top}

    def renamed(unit_id: str) -> str:
        return f"{unit_id}{CLONE}" if unit_id in cloned else unit_id

    clones = [
        {**u, "id": renamed(u["id"]), "name": f"{u['name']} II", "parent": renamed(u["parent"])}
        for u in org["units"]
        if u["id"] in cloned
    ]
    org["units"] = org["units"] + clones
    org_file.write_text(yaml.safe_dump(org, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for quarter in sorted(p for p in (root / "okrs").iterdir() if p.is_dir()):
        for unit_id in sorted(cloned):
            plan = quarter / f"{unit_id}.yaml"
            if plan.is_file():
                text = plan.read_text(encoding="utf-8")
                # A clone aligns to its cloned ancestors; the org itself is not cloned.
                text = ALIGNS_TO.sub(lambda m: f"{m.group(1)}{renamed(m.group(2))}/", text)
                (quarter / f"{renamed(unit_id)}.yaml").write_text(text, encoding="utf-8")
            checkins = quarter / f"{unit_id}.csv"
            if checkins.is_file():
                shutil.copyfile(checkins, quarter / f"{renamed(unit_id)}.csv")


def fastest_build(root: Path, repeat: int) -> Timings:
    """The fastest of repeat builds of root."""
    best: Timings | None = None
    for number in range(repeat):
        with tempfile.TemporaryDirectory(prefix="okrsite-bench-out-") as scratch:
            run = build_once(root, Path(scratch) / f"site-{number}")
        best = run if best is None else best.fastest(run)
    assert best is not None  # repeat is at least 1
    return best


def fastest_parallel_build(root: Path, repeat: int) -> float:
    """Seconds of the fastest of repeat whole builds of root as `okrsite build` runs them:
    quarters built side by side, one process per core."""
    best = float("inf")
    for number in range(repeat):
        with tempfile.TemporaryDirectory(prefix="okrsite-bench-out-") as scratch:
            started = time.perf_counter()
            build_site(root, Path(scratch) / f"site-{number}", as_of=AS_OF, today=AS_OF)
            best = min(best, time.perf_counter() - started)
    return best


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as aligned text columns, the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        )
        for row in rows
    )


def ratio(after: float, before: float) -> str:
    """after / before to two decimals, or a dash when before took no measurable time."""
    return f"{after / before:.2f}" if before > 0 else "—"


def report(
    one: Timings, two: Timings, sizes: tuple[Size, Size], parallel: tuple[float, float]
) -> str:
    """The phases, per-quarter times, shares and the scaling ratio as printable text."""
    lines = [
        f"{label}: {size.units} units, {size.key_results} KRs, {size.checkins} check-ins, "
        f"{run.chart_count} charts (a light and a dark SVG each), {len(run.quarters)} quarters"
        for label, size, run in (("1x", sizes[0], one), ("2x", sizes[1], two))
    ]
    phases = [
        ("load + check", one.load_check, two.load_check),
        ("score all quarters", one.scoring, two.scoring),
        ("chart rendering", one.charts, two.charts),
        ("page generation", one.pages, two.pages),
        ("MkDocs builds", one.mkdocs, two.mkdocs),
        ("total", one.total, two.total),
    ]
    header = ("phase", "1x (s)", "2x (s)", "2x/1x")
    lines += [
        "",
        table([header] + [(n, f"{a:.2f}", f"{b:.2f}", ratio(b, a)) for n, a, b in phases]),
    ]
    quarters = [
        (
            q,
            f"{one.quarters[q]:.2f}",
            f"{two.quarters[q]:.2f}",
            ratio(two.quarters[q], one.quarters[q]),
        )
        for q in sorted(one.quarters)
    ]
    lines += ["", table([("quarter", "1x (s)", "2x (s)", "2x/1x"), *quarters])]
    per_chart = [run.charts / run.chart_count if run.chart_count else 0.0 for run in (one, two)]
    work = sizes[1].key_results / sizes[0].key_results
    lines += [
        "",
        f"chart rendering share of the build: {one.charts / one.total:.0%} "
        f"({per_chart[0] * 1000:.0f} ms a chart at 1x, {per_chart[1] * 1000:.0f} ms at 2x)",
        f"MkDocs share of the build: {one.mkdocs / one.total:.0%}",
        f"build time per quarter: {mean(one.quarters.values()):.2f} s on average",
        f"scaling: time(2x) / time(1x) = {ratio(two.total, one.total)} for {work:.2f}x the KRs "
        f"and {ratio(two.chart_count, one.chart_count)}x the charts "
        "(the org's own objectives and the site's fixed pages are not doubled; linear: ~2)",
        "",
        f"the phases above are timed in one process; `okrsite build` builds quarters side by "
        f"side in up to {os.cpu_count() or 1} processes: {parallel[0]:.2f} s at 1x "
        f"({ratio(one.total, parallel[0])}x faster than one process), {parallel[1]:.2f} s at 2x "
        f"({ratio(two.total, parallel[1])}x)",
    ]
    return "\n".join(lines)


def main() -> int:
    """Build the demo and its double, print the phases, shares and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per build; fastest is kept")
    repeat = max(1, parser.parse_args().repeat)
    with tempfile.TemporaryDirectory(prefix="okrsite-bench-") as scratch:
        single = copy_demo(Path(scratch) / "demo")
        double = copy_demo(Path(scratch) / "double")
        double_organisation(double)
        # vl-convert starts its JavaScript engine on first use; keep that out of the 1x build.
        vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})
        sizes = (size_of(single), size_of(double))
        one = fastest_build(single, repeat)
        two = fastest_build(double, repeat)
        parallel = (fastest_parallel_build(single, repeat), fastest_parallel_build(double, repeat))

    print(f"okrsite build benchmark, as of {AS_OF}, fastest of {repeat} run(s)")
    print(report(one, two, sizes, parallel))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
