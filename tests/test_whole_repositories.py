"""Whole repositories drawn at random: every outcome is a site or located errors, in bounded time.

Each example is a real repository on disk (unit trees with cycles and missing parents, quarter
folders near the limits of the calendar, symbolic links inside and outside the repository, FIFOs,
folders where files belong) run through the real `okrsite` command in a subprocess, so a hang is
caught by a timeout instead of stopping the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TODAY = "1796083200"  # 2026-12-01
CHECK_SECONDS = 30
BUILD_SECONDS = 180
LOCATED = re.compile(r"^[^\s:][^:]*(:\d+(:\d+)?)?: OKR\d{3} \S")
"""One line of `okrsite check`: path[:line[:col]]: CODE message."""

QUARTERS = ("2026-Q3", "2026-Q4", "2027-Q1", "1969-Q4", "1970-Q1", "2105-Q4", "2106-Q1", "0001-Q1")
OUTSIDE = "/etc/hostname"


@dataclass
class Repo:
    """A repository to write: text files, symbolic links and special files by relative path."""

    files: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # path -> link target as written
    fifos: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)

    def write(self, root: Path) -> None:
        """Create everything under root."""
        for relative, text in sorted(self.files.items()):
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for relative in sorted(self.folders):
            (root / relative).mkdir(parents=True, exist_ok=True)
        for relative, target in sorted(self.links.items()):
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() and not path.is_symlink():
                path.symlink_to(target)
        for relative in sorted(self.fifos):
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                os.mkfifo(path)


def _unit_yaml(unit: str, krs: int) -> str:
    """A plausible unit file with one objective."""
    lines = [
        "objectives:",
        "  - id: delivery",
        f"    title: {unit} ships faster",
        "    key_results:",
    ]
    for number in range(krs):
        lines += [
            f"      - id: kr-{number}",
            f"        title: Cut lead time from {12 + number} to 5 days",
            "        owner: Sam Lee",
            "        measurement: Pipeline",
            f"        baseline: {12 + number}",
            "        target: 5",
        ]
    return "\n".join(lines) + "\n"


@st.composite
def repositories(draw: st.DrawFn, hostile: bool = True) -> Repo:
    """A repository: a unit tree, some quarters, check-ins, and (if hostile) one trap."""
    repo = Repo()
    ids = [f"u{i}" for i in range(draw(st.integers(1, 8)))]
    lines = ["name: Random Org", "units:"]
    for index, unit in enumerate(ids):
        kind = "org" if index == 0 else draw(st.sampled_from(["group", "team"]))
        lines += [f"  - id: {unit}", f"    name: Unit {index}", f"    kind: {kind}"]
        if index:
            # Hostile trees may point at later units (cycles), at themselves, or at nothing.
            parents = ids if hostile else ids[:index]
            lines.append(
                f"    parent: {draw(st.sampled_from([*parents, 'gone'] if hostile else parents))}"
            )
    repo.files["okrs/org.yaml"] = "\n".join(lines) + "\n"
    names = QUARTERS if hostile else QUARTERS[:2]
    quarters = sorted(draw(st.sets(st.sampled_from(names), min_size=0 if hostile else 1)))
    for quarter in quarters:
        month = 3 * int(quarter[-1]) - 2  # the quarter's first month
        for unit in draw(st.lists(st.sampled_from(ids), unique=True, max_size=4)):
            repo.files[f"okrs/{quarter}/{unit}.yaml"] = _unit_yaml(unit, draw(st.integers(1, 3)))
            days = draw(st.lists(st.integers(1, 28), max_size=3))
            rows = [f"{quarter[:4]}-{month:02d}-{day:02d},delivery/kr-0,{day},," for day in days]
            repo.files[f"okrs/{quarter}/{unit}.csv"] = "\n".join([CSV_HEADER, *rows]) + "\n"
    if hostile and quarters:
        _add_trap(repo, draw(st.sampled_from(TRAPS)), quarters[0], ids[-1])
    repo.files["mkdocs.yml"] = "site_name: x\ntheme: {name: material}\n"
    return repo


CSV_HEADER = "date,kr,value,note,blockers"
TRAPS = (
    "none",
    "outside-content",
    "outside-csv",
    "outside-theme",
    "dangling",
    "loop",
    "fifo-yaml",
    "fifo-csv",
    "folder",
    "inside",
)


def _add_trap(repo: Repo, trap: str, quarter: str, unit: str) -> None:
    """One thing a careless or hostile pull request could add."""
    csv, yaml = f"okrs/{quarter}/{unit}.csv", f"okrs/{quarter}/{unit}.yaml"
    if trap == "outside-content":
        repo.links["content/env.md"] = OUTSIDE
    elif trap == "outside-csv":
        repo.files.pop(csv, None)
        repo.links[csv] = OUTSIDE
    elif trap == "outside-theme":
        repo.links["theme/main.html"] = OUTSIDE
    elif trap == "dangling":
        repo.files.pop(csv, None)
        repo.links[csv] = "nowhere.csv"
    elif trap == "loop":
        repo.files.pop(csv, None)
        repo.links[csv] = f"{unit}.csv"
    elif trap in ("fifo-yaml", "fifo-csv"):
        path = yaml if trap == "fifo-yaml" else csv
        repo.files.pop(path, None)
        repo.fifos.append(path)
    elif trap == "folder":
        repo.folders.append(f"okrs/{quarter}/quarter.yaml")
    elif trap == "inside":
        repo.links["content/org.md"] = "../okrs/org.yaml"


def okrsite(root: Path, *args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, so a hang is a timeout, not a stuck suite."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY}
    return subprocess.run(
        [str(Path(sys.executable).parent / "okrsite"), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def _fresh_root() -> Path:
    """An empty folder for one example (hypothesis reuses function-scoped fixtures)."""
    return Path(tempfile.mkdtemp(prefix="okrsite-random-"))


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repo=repositories())
def test_check_gives_located_problems_and_never_hangs(repo: Repo) -> None:
    root = _fresh_root()
    try:
        repo.write(root)
        result = okrsite(root, "check", timeout=CHECK_SECONDS)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1), result.stderr
        for line in result.stdout.splitlines():
            assert LOCATED.match(line), line
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repo=repositories(hostile=False))
def test_build_gives_a_site_or_located_errors(repo: Repo) -> None:
    root = _fresh_root()
    try:
        repo.write(root)
        result = okrsite(root, "build", "--out", "site", timeout=BUILD_SECONDS)
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode == 0:
            assert (root / "site" / "index.html").is_file()
            assert (root / "site" / "versions.json").is_file()
        else:
            assert result.returncode == 2, result.stderr
            errors = [line for line in result.stderr.splitlines() if line.startswith("okrsite: ")]
            assert errors, result.stderr
            assert not (root / "site").exists()
    finally:
        shutil.rmtree(root, ignore_errors=True)
