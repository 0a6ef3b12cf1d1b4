"""Issue 23's "Done when": okrsite's wheel, installed in a fresh venv outside the repository,
makes a data repository with `okrsite init` that checks and builds the full, styled site with
no network; its workflows pass actionlint and zizmor; a second `init` writes nothing.

The venv sees this checkout's .venv dependencies through a .pth file (no index, no network), and
okrsite itself comes from the wheel alone: the test asserts where it is imported from.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.test_workflows import assert_audited, assert_linted

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOVEMBER = str(int(datetime(2026, 11, 10, tzinfo=UTC).timestamp()))
STYLE = ".md-typeset .okrsite-badge {"
"""A rule of the styles the package's theme carries (okrsite/site/defaults/theme/)."""
RAW_MARKDOWN = ("{: #", "{: .", "??? note", "!!! note", '??? "', "&lt;details")


def _prose(html: str) -> str:
    """A page without its code: the Help quotes the syntax in code, which is no leak."""
    return re.sub(r"<(code|pre)\b.*?</\1>", "", html, flags=re.S)


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(the venv's okrsite, its wheel, an environment with no network and no checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    # A copy of what the wheel is built from, so the build writes nothing into the checkout.
    source = work / "source"
    shutil.copytree(
        ROOT / "okrsite", source / "okrsite", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    offline = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_"))
    }
    offline |= {
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # Anything that tries the network meets a closed port.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
        "SOURCE_DATE_EPOCH": NOVEMBER,
        "OKRSITE_CACHE_KEY": "okrsite-tests",
    }
    dist = work / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(source),
        ],
        work,
        offline,
    )
    (wheel,) = dist.glob("okrsite-*.whl")
    venv = work / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", "--without-pip", str(venv)], work, offline)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies, from this checkout's venv: a path line, so its .pth files (the
    # editable okrsite's finder among them) are not run.
    (Path(purelib) / "okrsite-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        work,
        offline,
    )
    where = _run(
        [str(python), "-c", "import okrsite; print(okrsite.__file__)"], work, offline
    ).stdout
    assert where.startswith(purelib), where  # the wheel's okrsite, not the checkout's
    return venv / "bin" / "okrsite", wheel, offline


@pytest.fixture(scope="module")
def adopted(
    installed: tuple[Path, Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """An empty folder after `okrsite init`, `check` and `build`: (its root, init's output)."""
    okrsite, _wheel, env = installed
    root = tmp_path_factory.mktemp("adopter") / "okrs-repo"
    root.mkdir()
    made = _run([str(okrsite), "init", "--org", "acme", "--team", "payments"], root, env)
    checked = _run([str(okrsite), "check"], root, env)
    assert checked.stderr.strip().endswith("0 errors, 0 warnings in 4 files"), checked.stderr
    _run([str(okrsite), "build", "--out", "site"], root, env)
    return root, made.stdout


def test_init_in_an_empty_folder_pins_the_installed_wheel_by_hash(
    installed: tuple[Path, Path, dict[str, str]], adopted: tuple[Path, str]
) -> None:
    _okrsite, wheel, _env = installed
    root, output = adopted
    assert "skipped" not in output and "warning" not in output
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    requirements = (root / "requirements-okrsite.txt").read_text(encoding="utf-8")
    assert f"okrsite==0.1.0 \\\n    --hash=sha256:{digest}\n" in requirements


def test_every_page_kind_is_built_with_our_styles_and_no_raw_markdown(
    adopted: tuple[Path, str],
) -> None:
    root, _output = adopted
    site = root / "site"
    quarter = site / "2026-Q4"
    for page in (
        "index.html",  # the org overview
        "units/acme/index.html",  # the org's page
        "units/payments/index.html",  # a team's page
        "alignment/index.html",
        "checks/index.html",
        "owners/index.html",
        "blockers/index.html",
        "archive/index.html",
        "help/data-format/index.html",
        "help/check-codes/index.html",
        "help/adopting/index.html",
    ):
        html = (quarter / page).read_text(encoding="utf-8")
        assert STYLE in html, f"{page} lacks okrsite's styles"
        assert 'class="md-header' in html, f"{page} is not drawn by Material"
        for raw in RAW_MARKDOWN:
            assert raw not in _prose(html), f"{page} shows {raw!r} as text"
    team = (quarter / "units/payments/index.html").read_text(encoding="utf-8")
    assert "okrsite-badge" in team and "okrsite-bar" in team and "<svg" in team
    assert "<details" in team  # the chart data, folded
    assert (site / "versions.json").is_file() and (site / "latest/index.html").is_file()
    assert (quarter / "scores.json").is_file()
    for built in quarter.rglob("*.html"):
        text = _prose(built.read_text(encoding="utf-8"))
        assert not re.search(r"\{:\s*[#.]", text), built


def test_the_generated_workflows_pass_actionlint_and_zizmor(adopted: tuple[Path, str]) -> None:
    root, _output = adopted
    workflows = sorted(str(p) for p in (root / ".github/workflows").glob("*.yml"))
    assert len(workflows) == 4
    assert_linted(workflows)
    assert_audited(str(root))


def test_a_second_init_writes_nothing(
    installed: tuple[Path, Path, dict[str, str]], adopted: tuple[Path, str]
) -> None:
    okrsite, _wheel, env = installed
    root, _output = adopted
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "site" not in p.parts}
    again = _run([str(okrsite), "init", "--org", "acme", "--team", "payments"], root, env)
    assert again.stdout.splitlines()[-1] == "nothing written"
    assert all(line.startswith("skipped ") for line in again.stdout.splitlines()[:-1])
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "site" not in p.parts}
    assert after == before
    updated = _run([str(okrsite), "init", "--update"], root, env)
    assert "updated" not in updated.stdout and updated.stdout.splitlines()[-1] == "nothing written"
