"""The output swap: one exchange on Linux, so the output folder is never missing, and a build
killed at any step of the swap leaves a whole site, the old or the new, once recovered."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from okrsite.site.output import swap as site_swap

LINUX = pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")


def site(folder: Path, words: str) -> Path:
    """A built site in folder: versions.json and an index saying words."""
    folder.mkdir(parents=True)
    (folder / "versions.json").write_text("[]\n", encoding="utf-8")
    (folder / "index.html").write_text(f"<p>{words}</p>\n", encoding="utf-8")
    return folder


def staged(out: Path, words: str) -> Path:
    """A new site staged as a build stages it: in a temporary folder beside out."""
    return site(out.parent / f"{out.name}.tmp-st4g3d" / "site", words)


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


def test_swap_replaces_the_site_and_leaves_nothing_aside(tmp_path: Path) -> None:
    out = site(tmp_path / "site", "old")
    staging = staged(out, "new")
    site_swap.swap(staging, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>new</p>\n"
    assert not any(name.startswith("site.old-") for name in beside(out))


def test_the_two_renames_fallback_replaces_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_swap, "exchange", lambda _first, _second: False)
    out = site(tmp_path / "site", "old")
    site_swap.swap(staged(out, "new"), out)
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>new</p>\n"
    assert beside(out) == ["site", "site.tmp-st4g3d"]  # the build's own folder, removed by it


READER = """\
import os, sys, time
out, stop = sys.argv[1], sys.argv[2]
looks = misses = 0
open(stop + ".ready", "w").close()
while not os.path.exists(stop):
    looks += 1
    if not os.path.isdir(out):
        misses += 1
print(looks, misses)
"""


@LINUX
def test_a_reader_never_sees_the_site_missing(tmp_path: Path) -> None:
    """T6: the swap leaves no moment without an output folder (it once did, between two
    renames), so a server or a reader polling it never finds the site gone."""
    out = site(tmp_path / "site", "0")
    probe = site(tmp_path / "probe-a", "a")
    if not site_swap.exchange(probe, site(tmp_path / "probe-b", "b")):
        pytest.skip(f"the file system under {tmp_path} refuses RENAME_EXCHANGE")
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(out), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"{stop}.ready").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        for number in range(1, 301):
            site_swap.swap(staged(out, str(number)), out)
            (out.parent / f"{out.name}.tmp-st4g3d").rmdir()  # what the build's cleanup does
        stop.touch()
        looks, misses = map(int, reader.communicate(timeout=10)[0].split())
    finally:
        reader.kill()
        reader.wait()
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>300</p>\n"
    assert looks > 300
    assert misses == 0


# Runs the swap in a process of its own and SIGKILLs it at step N: steps are counted before and
# after each rename, exchange and removal the swap makes.
KILLED_AT = """\
import os, shutil, signal, sys
from pathlib import Path
from okrsite.site.output import swap

mode, step, staging, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
calls = 0

def tick():
    global calls
    calls += 1
    if calls == step:
        os.kill(os.getpid(), signal.SIGKILL)

def counted(real):
    def call(*args, **kwargs):
        tick()
        result = real(*args, **kwargs)
        tick()
        return result
    return call

os.rename = counted(os.rename)
shutil.rmtree = counted(shutil.rmtree)
swap.exchange = (lambda first, second: False) if mode == "renames" else counted(swap.exchange)
swap.swap(staging, out)
"""


@pytest.mark.parametrize("mode", ["exchange", "renames"])
def test_a_swap_killed_at_each_step_leaves_a_whole_site(tmp_path: Path, mode: str) -> None:
    """T6: a build killed at any step of its swap (exchange, or either of the fallback's two
    renames) leaves, once the next build has recovered, the old site or the new, whole, and
    nothing beside it."""
    seen = []
    for step in range(1, 20):
        work = tmp_path / str(step)
        out = site(work / "site", "old")
        staging = staged(out, "new")
        done = subprocess.run(
            [sys.executable, "-c", KILLED_AT, mode, str(step), str(staging), str(out)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode in (0, -9), done.stderr
        site_swap.recover_site(out)
        assert (out / "versions.json").is_file()
        seen.append((out / "index.html").read_text(encoding="utf-8"))
        assert beside(out) == ["site"]
        if done.returncode == 0:  # past the last step: nothing was killed
            break
    else:
        pytest.fail("the swap was still being killed after 19 steps")
    assert seen[0] == "<p>old</p>\n"
    assert seen[-1] == "<p>new</p>\n"
    assert set(seen) == {"<p>old</p>\n", "<p>new</p>\n"}
    # Once the new site is in, it stays: no step puts the old one back.
    assert seen == sorted(seen, key=lambda words: words == "<p>new</p>\n")
