"""Faults: signals, kills, a second build of the same folder, a half-done swap, and the disk
refusing to write. Each leaves the previous site in place, explains itself in one line and
leaves nothing behind that the next build does not clear away."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.edit.files import append, write_atomically
from okrsite.model.errors import OkrsiteError
from okrsite.pipeline import build_site
from okrsite.site.output import swap as site_write
from tests.conftest import MINIMAL, WriteRepo
from tests.test_site import TODAY, copy_sources, small_repo, tree

OKRSITE = Path(sys.executable).with_name("okrsite")  # the console script, as users run it


def one_error_line(stderr: str) -> str:
    """The one line a failure prints: no traceback, nothing else."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("okrsite: error: "), stderr
    return lines[0]


def beside(out: Path) -> list[str]:
    """What sits beside out and shares its name: the site, and any leftovers of a build."""
    return sorted(p.name for p in out.parent.iterdir() if out.name in p.name)


# -- Messages, not tracebacks ---------------------------------------------------------------


def test_schema_into_proc_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "schema", "--out", "/proc/nope"])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "/proc/nope" in line
    assert "No such file or directory" in line


def test_schema_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    out = tmp_path / "notes.txt" / "schemas"
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "schema", "--out", str(out)])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert f"{tmp_path / 'notes.txt'} is a file, not a folder" in line
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("where", ["proc", "under a file"])
def test_build_into_an_unwritable_place_is_one_line(write_repo: WriteRepo, where: str) -> None:
    root = write_repo(MINIMAL)
    (root / "notes.txt").write_text("mine\n", encoding="utf-8")
    out = "/proc/nope/site" if where == "proc" else str(root / "notes.txt" / "site")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--out", out])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert line.startswith(f"okrsite: error: cannot build the site into {out}: ")
    if where == "proc":
        assert line.endswith("/proc/nope: No such file or directory")
    else:
        assert line.endswith(f"{root / 'notes.txt'} is a file, not a folder")
        assert (root / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_build_refuses_to_replace_a_folder_that_is_not_a_site(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, "content/guide.md": "# Guide\n"})
    before = tree(root)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--out", "content"])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert line == (
        f"okrsite: error: cannot build the site into {root / 'content'}: it holds files but no "
        "versions.json, so it is not a site okrsite built; give a new or empty folder, or "
        "remove it"
    )
    assert tree(root) == before


@pytest.mark.parametrize("quarter_id", ["9999-Q4", "2106-Q1", "0000-Q1"])
def test_new_quarter_outside_the_calendar_is_one_line(
    write_repo: WriteRepo, quarter_id: str
) -> None:
    root = write_repo(MINIMAL)
    before = tree(root)
    result = CliRunner().invoke(main, ["--root", str(root), "new", "quarter", quarter_id])
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert line.startswith(f"okrsite: error: {quarter_id} is outside the calendar okrsite ")
    assert tree(root) == before


def test_a_full_disk_is_named_with_the_file(tmp_path: Path) -> None:
    # /dev/full answers every write with ENOSPC: a real full disk, for one file.
    with pytest.raises(OkrsiteError, match=r"^cannot write /dev/full: No space left on device$"):
        append(Path("/dev/full"), b"2026-11-20,delivery/lead-time,7,,,\n")


def test_a_write_under_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    target = tmp_path / "notes.txt" / "org.yaml"
    with pytest.raises(OkrsiteError) as raised:
        write_atomically(target, "name: x\n")
    assert str(raised.value) == f"cannot write {target}: {target.parent} is a file, not a folder"
    assert list(tmp_path.iterdir()) == [tmp_path / "notes.txt"]


def test_any_other_os_error_is_one_line_and_a_traceback_with_debug(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/okrs/site")

    monkeypatch.setattr("okrsite.cli.build.build_site", fail)
    root = write_repo(MINIMAL)
    result = CliRunner().invoke(main, ["--root", str(root), "build"])
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == "okrsite: error: /srv/okrs/site: Permission denied"
    debug = CliRunner().invoke(main, ["--root", str(root), "--debug", "build"])
    assert isinstance(debug.exception, PermissionError)


def test_a_closed_pipe_stays_quiet(write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(*_args: object, **_kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")  # `okrsite export | head`: head has gone

    monkeypatch.setattr("okrsite.cli.build.build_site", closed)
    result = CliRunner().invoke(main, ["--root", str(write_repo(MINIMAL)), "build"])
    assert result.exit_code == 1  # click's own quiet handling of EPIPE
    assert result.stderr == ""


def test_ctrl_c_ends_a_command_with_one_line(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # what Python's own SIGINT handler raises

    monkeypatch.setattr("okrsite.cli.build.build_site", interrupted)
    root = write_repo(MINIMAL)
    try:
        result = CliRunner().invoke(main, ["--root", str(root), "build"])
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped the command")
    assert result.exit_code == 130
    assert result.stderr == "okrsite: interrupted by SIGINT\n"


class Unhandled(Exception):
    """What SIGTERM raises here when the command does not handle it itself."""


def unhandled(_signum: int, _frame: object) -> None:
    raise Unhandled


def test_sigterm_ends_a_command_like_ctrl_c(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def terminated(*_args: object, **_kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)  # the signal's handler runs first
        raise AssertionError("SIGTERM did not stop the command")

    monkeypatch.setattr("okrsite.cli.build.build_site", terminated)
    root = write_repo(MINIMAL)
    before = signal.signal(signal.SIGTERM, unhandled)  # never the test run's own death
    try:
        result = CliRunner().invoke(main, ["--root", str(root), "build"])
        assert signal.getsignal(signal.SIGTERM) is unhandled  # the command put it back
    finally:
        signal.signal(signal.SIGTERM, before)
    assert not isinstance(result.exception, Unhandled)
    assert result.exit_code == 143
    assert result.stderr == "okrsite: interrupted by SIGTERM\n"


# -- The lock and the swap --------------------------------------------------------------------


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """Another build of tmp_path/site holding its lock until the test lets it go."""
    out = tmp_path / "site"
    with (tmp_path / ".site.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield out


def test_a_second_build_waits_for_the_first(write_repo: WriteRepo, tmp_path: Path) -> None:
    # Only okrs/: the package's site is built, once the first build lets go of the lock.
    root = write_repo(MINIMAL)
    out = tmp_path / "site"
    lines: list[str] = []
    failures: list[BaseException] = []

    def build() -> None:
        try:
            build_site(root, out, today=TODAY, progress=lines.append)
        except BaseException as error:
            failures.append(error)

    with (tmp_path / ".site.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = threading.Thread(target=build)
        waiting.start()
        deadline = time.monotonic() + 30
        while not lines and waiting.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lines == [f"waiting for another build of {out}"]
        time.sleep(0.5)
        assert waiting.is_alive()  # still waiting: the lock is held
    waiting.join(timeout=30)
    assert not waiting.is_alive()
    assert failures == []
    assert (out / "versions.json").is_file()
    assert beside(out) == ["site"]  # the lock file goes with the build


def half_swapped(out: Path) -> str:
    """A build killed between the swap's two renames: the old site aside, the new one staged."""
    aside = out.parent / f"{out.name}.old-k1ll3d"
    (aside / "2026-Q4").mkdir(parents=True)
    (aside / "versions.json").write_text("[]\n", encoding="utf-8")
    (aside / "index.html").write_text("<p>the old site</p>\n", encoding="utf-8")
    staged = out.parent / f"{out.name}.tmp-st4g3d"
    (staged / "site" / "2026-Q4").mkdir(parents=True)
    return "<p>the old site</p>\n"


def test_recovery_puts_the_old_site_back(tmp_path: Path) -> None:
    out = tmp_path / "site"
    old = half_swapped(out)
    (tmp_path / "site.old-earlier").mkdir()  # an older leftover, already replaced
    lines: list[str] = []
    site_write.recover_site(out, lines.append)
    assert (out / "index.html").read_text(encoding="utf-8") == old
    assert beside(out) == ["site"]
    assert lines == [
        f"restored {out} from site.old-k1ll3d, left by an interrupted build",
        f"removed what interrupted builds left beside {out}: site.old-earlier, site.tmp-st4g3d",
    ]


def test_recovery_waits_for_no_one_and_touches_nothing_while_a_build_runs(
    locked: Path,
) -> None:
    half_swapped(locked)
    before = beside(locked)
    # A recovery that waited for the lock would never return while the build holds it.
    recovery = threading.Thread(target=site_write.recover_site, args=(locked,), daemon=True)
    recovery.start()
    recovery.join(timeout=30)
    assert not recovery.is_alive(), "recover_site waited for the build that holds the lock"
    assert beside(locked) == before


@pytest.mark.parametrize("command", ["build", "serve"])
def test_build_and_serve_restore_a_half_done_swap(write_repo: WriteRepo, command: str) -> None:
    # Bad data: the command fails before building, but the old site is back in place.
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.csv": "date,kr,value\nnope,x,1\n"})
    out = root / "site"
    old = half_swapped(out)
    arguments = ["--port", "0"] if command == "serve" else []
    result = CliRunner().invoke(main, ["--root", str(root), command, *arguments])
    assert result.exit_code == 2
    assert (out / "index.html").read_text(encoding="utf-8") == old
    assert beside(out) == ["site"]
    assert result.stderr.splitlines()[0] == (
        f"restored {out} from site.old-k1ll3d, left by an interrupted build"
    )


# -- Real processes, killed ---------------------------------------------------------------------


class Running:
    """`okrsite build` in a process of its own, its standard error read line by line."""

    def __init__(
        self, root: Path, out: Path, tmpdir: Path, *more: str, env: dict[str, str] | None = None
    ) -> None:
        env = {
            **os.environ,
            **(env or {}),
            "TMPDIR": str(tmpdir),
            "SOURCE_DATE_EPOCH": "1795737600",
        }
        self.process = subprocess.Popen(
            [str(OKRSITE), "--root", str(root), "build", "--no-cache", "--out", str(out), *more],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(line.startswith(prefix) for line in self.lines):
            assert self.process.poll() is None, self.lines
            assert time.monotonic() < deadline, self.lines
            time.sleep(0.02)

    def finish(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code


def children(pid: int) -> list[int]:
    """The live processes whose parent is pid, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="utf-8")
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether pid runs: it exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def workers_of(build: Running, count: int) -> list[int]:
    """The build's worker processes, once it has started them."""
    deadline = time.monotonic() + 60
    while True:
        found = [
            pid
            for pid in children(build.process.pid)
            if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        ]
        if len(found) >= count:
            return found
        assert build.process.poll() is None, build.lines
        assert time.monotonic() < deadline, build.lines
        time.sleep(0.05)


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """The pids still alive after timeout seconds, or none as soon as all are gone."""
    deadline = time.monotonic() + timeout
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.fixture
def private_tmp(tmp_path: Path) -> Path:
    """A TMPDIR of the build's own, so anything it leaves there is seen."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_build(tmp_path: Path, private_tmp: Path, signum: int) -> None:
    # The demo: its charts take long enough to be killed while drawing them.
    root = copy_sources(tmp_path / "demo")
    out = root / "site"
    build = Running(root, out, private_tmp)
    started = "building 3 quarters' pages and charts in "
    build.wait_for(started)
    # One process per core but the engine's: as many as the line says, at least one.
    said = next(line for line in build.lines if line.startswith(started))
    count = int(said.removeprefix(started).split()[0])
    assert count >= 1, said
    workers = workers_of(build, count)
    everyone = children(build.process.pid)
    time.sleep(1.5)  # well into drawing charts
    assert workers_of(build, count) == workers
    build.process.send_signal(signum)
    code = build.finish(timeout=30)
    assert wait_gone(everyone, timeout=5) == []
    if signum == signal.SIGTERM:
        assert code == 143
        assert build.lines[-1] == "okrsite: interrupted by SIGTERM"
        assert "Traceback" not in "\n".join(build.lines)
        assert beside(out) == []
    assert list(private_tmp.iterdir()) == []


@pytest.mark.slow
def test_a_killed_build_leaves_the_site_and_the_next_clears_up(
    write_repo: WriteRepo, private_tmp: Path
) -> None:
    root = small_repo(write_repo)
    out = root / "site"
    first = Running(root, out, private_tmp)
    assert first.finish() == 0, first.lines
    before = tree(out)

    # SIGTERM while MkDocs writes: cleaned up at once, one line, the site untouched.
    stopped = Running(root, out, private_tmp)
    stopped.wait_for("rendering 2026-Q3 (1/2) with MkDocs")
    stopped.process.send_signal(signal.SIGTERM)
    assert stopped.finish(timeout=30) == 143
    assert stopped.lines[-1] == "okrsite: interrupted by SIGTERM"
    assert "Traceback" not in "\n".join(stopped.lines)
    assert beside(out) == ["site"]
    assert list(private_tmp.iterdir()) == []
    assert tree(out) == before

    # SIGKILL cannot be cleaned up after: the next build does it.
    killed = Running(root, out, private_tmp)
    killed.wait_for("rendering 2026-Q3 (1/2) with MkDocs")
    killed.process.kill()
    killed.finish(timeout=30)
    assert tree(out) == before
    assert any(name.startswith("site.tmp-") for name in beside(out))

    after = Running(root, out, private_tmp)
    assert after.finish() == 0, after.lines
    assert beside(out) == ["site"]
    assert list(private_tmp.iterdir()) == []
    assert tree(out) == before


SLOW_EXTENSION = """\
import time
from markdown import Extension

class Slow(Extension):
    def extendMarkdown(self, md):
        time.sleep(60)

def makeExtension(**kwargs):
    return Slow(**kwargs)
"""
"""A Markdown extension that holds Zensical's build for a minute, long enough to kill okrsite."""


@pytest.mark.slow
def test_zensicals_process_dies_with_a_killed_build(
    write_repo: WriteRepo, tmp_path: Path, private_tmp: Path
) -> None:
    root = small_repo(write_repo)
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules/okrsite_test_slow.py").write_text(SLOW_EXTENSION, "utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("markdown_extensions:\n", "markdown_extensions:\n  - okrsite_test_slow\n"),
        "utf-8",
    )
    build = Running(
        root, root / "site", private_tmp, "--engine", "zensical",
        env={"PYTHONPATH": str(tmp_path / "modules")},
    )  # fmt: skip
    build.wait_for("rendering 2026-Q3 (1/2) with Zensical")
    deadline = time.monotonic() + 30
    while not (engine := [pid for pid in children(build.process.pid) if b"zensical" in
                          Path(f"/proc/{pid}/cmdline").read_bytes()]):  # fmt: skip
        assert build.process.poll() is None, build.lines
        assert time.monotonic() < deadline, build.lines
        time.sleep(0.05)
    build.process.kill()
    build.finish(timeout=30)
    # Well before the extension's minute is up, it ended with its parent: the kernel kills it
    # (PR_SET_PDEATHSIG, children.py), and its output pipe is closed for it besides.
    assert wait_gone(engine, timeout=5) == []


INSIDE_A_FULL_DISK = """
import json, subprocess, sys
from pathlib import Path

okrsite, root, disk = sys.argv[1:]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", disk], check=True)
out = Path(disk) / "site"

def run(*words):
    done = subprocess.run([okrsite, "--root", root, *words], capture_output=True, text=True)
    return [done.returncode, done.stderr]

def files():
    return {str(p): p.read_bytes().hex() for p in sorted(out.rglob("*")) if p.is_file()}

first = run("build", "--out", str(out))
before = files()
with open(Path(disk) / "filler", "wb") as filler:
    try:
        while True:
            filler.write(bytes(1 << 20))
            filler.flush()
    except OSError:
        pass
second = run("build", "--out", str(out))
listing = sorted(p.name for p in Path(disk).iterdir())
schemas = Path(disk) / "schemas"
schema = run("schema", "--out", str(schemas))
print(json.dumps({
    "first": first, "second": second, "schema": schema, "same": files() == before,
    "listing": listing, "schemas": sorted(p.name for p in schemas.iterdir()),
}))
"""


def private_mounts() -> bool:
    """Whether this machine lets a process mount a tmpfs in a mount namespace of its own."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = [unshare, "--mount", "--propagation", "private", "--", "mount", "-t", "tmpfs"]
    try:
        done = subprocess.run([*probe, "tmpfs", "/mnt"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@pytest.mark.slow
def test_a_full_disk_keeps_the_previous_site(write_repo: WriteRepo, tmp_path: Path) -> None:
    if not private_mounts():
        pytest.skip("needs unshare and the right to mount a tmpfs (root)")
    root = small_repo(write_repo)
    disk = tmp_path / "disk"
    disk.mkdir()
    command = ["unshare", "--mount", "--propagation", "private", "--", sys.executable, "-c"]
    done = subprocess.run(
        [*command, INSIDE_A_FULL_DISK, str(OKRSITE), str(root), str(disk)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["first"][0] == 0, found["first"][1]
    assert found["second"][0] == 2
    progress, _, failure = found["second"][1].rstrip("\n").rpartition("\n")
    assert "Traceback" not in progress
    assert failure.startswith(f"okrsite: error: cannot build the site into {disk / 'site'}: ")
    assert failure.endswith(": No space left on device")
    assert found["same"]
    assert found["listing"] == ["filler", "site"]
    assert found["schema"][0] == 2
    line = one_error_line(found["schema"][1])
    assert line.startswith(f"okrsite: error: cannot write {disk / 'schemas'}")
    assert line.endswith(": No space left on device")
    assert found["schemas"] == []  # the folder could be made, but no half-written file is left
