"""The GitHub workflows and the pre-commit hook: linted offline, and shaped as the issue asks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import MINIMAL, WriteRepo
from tests.test_site import small_repo

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
PUBLISH_BUILD = 'okrsite build --out site --site-url "$SITE_URL"'
"""The publish workflow's build: the Pages address from the environment, never inline."""


def _workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_actionlint_passes() -> None:
    result = _run(str(BIN / "actionlint"), *sorted(str(p) for p in WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_passes_offline(persona: str) -> None:
    result = _run(
        str(BIN / "zizmor"),
        "--offline",
        "--persona",
        persona,
        "--collect=workflows",
        "--collect=pre-commit",
        ".",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml", "test.yml"])
def test_every_action_is_pinned_by_commit_and_checkout_drops_credentials(name: str) -> None:
    for step in _steps(_workflow(name)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml", "test.yml"])
def test_no_expression_inside_a_run_script(name: str) -> None:
    for step in _steps(_workflow(name)):
        assert "${{" not in step.get("run", ""), step


def test_pull_request_workflow_is_read_only_and_summarises() -> None:
    workflow = _workflow("pull-request.yml")
    # PyYAML reads the bare key `on` as True.
    triggers = workflow[True]
    assert set(triggers) == {"pull_request"}
    assert {"okrs/**", "content/**", "theme/**", "mkdocs.yml"} <= set(
        triggers["pull_request"]["paths"]
    )
    assert workflow["permissions"] == {"contents": "read"}
    steps = _steps(workflow)
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "okrsite check --format github" in runs
    assert 'okrsite diff "origin/$BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    assert "okrsite build --out site" in runs
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps)


def test_publish_workflow_deploys_only_after_a_good_build() -> None:
    workflow = _workflow("publish.yml")
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # Read-only: configure-pages only reads the Pages site's settings.
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    runs = [s.get("run", "") for s in build["steps"]]
    assert runs.index("okrsite check --format github") < runs.index(PUBLISH_BUILD)
    setup = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_the_tool_itself_is_tested_on_every_change_to_it() -> None:
    workflow = _workflow("test.yml")
    assert workflow["permissions"] == {"contents": "read"}
    paths = set(workflow[True]["pull_request"]["paths"])
    assert {"okrsite/**", "tests/**", "pyproject.toml", "requirements.lock", "Makefile"} <= paths
    assert "main" in workflow[True]["push"]["branches"]
    runs = [step.get("run", "") for step in _steps(workflow)]
    assert "make test" in runs
    # The browser test needs /usr/bin/chromium; under CI=true a missing one fails the run.
    assert any("/usr/bin/chromium" in run for run in runs)


def test_a_pull_request_changing_the_tool_is_checked_and_previewed() -> None:
    paths = set(_workflow("pull-request.yml")[True]["pull_request"]["paths"])
    assert {"okrsite/**", "pyproject.toml", "requirements.lock"} <= paths


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_the_site_is_built_by_the_locked_versions(name: str) -> None:
    steps = _steps(_workflow(name))
    install = next(s for s in steps if s.get("name") == "Install okrsite")
    assert install["run"].split("\n")[:2] == [
        "python -m pip install --require-hashes -r requirements.lock",
        "python -m pip install --no-deps .",
    ]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache-dependency-path"] == "requirements.lock"


def test_the_lock_pins_every_runtime_dependency_within_its_range_with_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = re.findall(
        r"^([a-z0-9][a-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)",
        text,
        re.M,
    )
    pinned = {name: Version(version) for name, version, _ in entries}
    assert len(pinned) == len(re.findall(r"^[a-z0-9]", text, re.M)), "an entry without hashes"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in map(Requirement, pyproject["project"]["dependencies"]):
        name = requirement.name.lower()
        assert name in pinned, f"{name} is not in requirements.lock: run `make lock`"
        assert pinned[name] in requirement.specifier, f"{name} {pinned[name]}: run `make lock`"


def test_pre_commit_hook_runs_the_check_on_okr_files() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "okrsite-check"
    assert hook["entry"] == "okrsite check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.match("okrs/2026-Q4/payments.csv")
    assert pattern.match("mkdocs.yml")
    assert not pattern.match("okrsite/load.py")


def _step(workflow: dict[Any, Any], name: str) -> dict[str, Any]:
    return next(step for step in _steps(workflow) if step.get("name") == name)


def _run_step(
    script: str, cwd: Path, summary: Path, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A `run:` script as GitHub runs it: bash -eo pipefail, okrsite on the PATH; extra: the
    step's env."""
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "BASE_REF": "main",
        "SOURCE_DATE_EPOCH": str(int(datetime(2026, 11, 27, tzinfo=UTC).timestamp())),
        **(extra or {}),
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def pull_request(write_repo: WriteRepo, tmp_path: Path) -> Path:
    """A clone of a repository whose main branch is MINIMAL: origin/main is the PR's base."""
    base = write_repo(MINIMAL, tmp_path / "upstream")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    for command in (["init", "-q", "-b", "main"], ["add", "okrs"], ["commit", "-qm", "base"]):
        subprocess.run([*git, *command], cwd=base, check=True, capture_output=True)
    subprocess.run(
        ["git", "clone", "-q", str(base), str(tmp_path / "pr")], check=True, capture_output=True
    )
    return tmp_path / "pr"


def test_pull_request_steps_run_as_written(pull_request: Path, tmp_path: Path) -> None:
    workflow = _workflow("pull-request.yml")
    check_step = _step(workflow, "Check the OKRs")["run"]
    diff_step = _step(workflow, "Summarise the score changes")["run"]
    assert _step(workflow, "Summarise the score changes")["env"] == {
        "BASE_REF": "${{ github.base_ref }}"
    }
    # lead-time reaches its target: (5 - 12) / (5 - 12) = 1; with the guardrail held, 1.0.
    with (pull_request / "okrs/2026-Q4/payments.csv").open("a", encoding="utf-8") as stream:
        stream.write("2026-11-20,delivery/lead-time,5,0.9,Target reached,\n")
    summary = tmp_path / "summary.md"
    checked = _run_step(check_step, pull_request, summary)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _run_step(diff_step, pull_request, summary).returncode == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## okrsite check\n\n~~~text\n")
    # Objective before: (4/7 + 1) / 2 = 0.79; after: (1 + 1) / 2 = 1.00.
    assert "Compared with origin/main." in text
    assert "- payments / delivery: 0.79 -> 1.00\n" in text


def test_pull_request_check_step_fails_on_errors_and_still_lists_them(
    pull_request: Path, tmp_path: Path
) -> None:
    script = _step(_workflow("pull-request.yml"), "Check the OKRs")["run"]
    with (pull_request / "okrs/2026-Q4/payments.csv").open("a", encoding="utf-8") as stream:
        stream.write("2026-11-20,delivery/no-such-kr,5,,,\n")
    summary = tmp_path / "summary.md"
    result = _run_step(script, pull_request, summary)
    assert result.returncode == 1
    assert "::error file=okrs/2026-Q4/payments.csv,line=5," in result.stdout
    text = summary.read_text(encoding="utf-8")
    assert "okrs/2026-Q4/payments.csv:5:" in text and text.endswith("~~~\n")


@pytest.mark.parametrize(
    ("name", "job"), [("pull-request.yml", "review"), ("publish.yml", "build")]
)
def test_the_uploaded_folder_is_the_one_the_build_writes(name: str, job: str) -> None:
    steps = _workflow(name)["jobs"][job]["steps"]
    (build,) = [s["run"] for s in steps if s.get("run", "").startswith("okrsite build")]
    out = build.split("--out", 1)[1].split()[0]
    uploads = [s for s in steps if "upload" in s.get("uses", "")]
    assert uploads and all(s["with"]["path"] == out for s in uploads)


@pytest.mark.parametrize("name", ["publish.yml", "pull-request.yml"])
def test_the_build_cache_is_restored_before_the_build_and_saved_per_commit(name: str) -> None:
    steps = _steps(_workflow(name))
    runs = [step.get("run", "") for step in steps]
    build = next(i for i, run in enumerate(runs) if run.startswith("okrsite build"))
    caches = [
        i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/cache@")
    ]
    assert len(caches) == 1 and caches[0] < build
    settings = steps[caches[0]]["with"]
    # The folder `okrsite build` keeps its cache in by default, and git ignores.
    assert settings["path"] == ".okrsite-cache"
    assert "/.okrsite-cache/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    # Entries never change once saved: each commit saves its own, restoring the newest before.
    assert settings["key"].endswith("-${{ github.sha }}")
    assert settings["key"].startswith(settings["restore-keys"].strip())


def test_publish_builds_for_the_address_configure_pages_reads() -> None:
    steps = _workflow("publish.yml")["jobs"]["build"]["steps"]
    names = [step.get("name") for step in steps]
    pages = _step(_workflow("publish.yml"), "Find the Pages address")
    assert pages["uses"].startswith("actions/configure-pages@")
    # Enabling Pages would need a token that can administer the repository: never asked for.
    assert "with" not in pages
    build = _step(_workflow("publish.yml"), "Build the site")
    assert names.index("Find the Pages address") < names.index("Build the site")
    # Through env, so the address is data to the shell, never script (zizmor's template-injection).
    assert build["env"] == {"SITE_URL": f"${{{{ steps.{pages['id']}.outputs.base_url }}}}"}
    assert build["run"] == PUBLISH_BUILD


def test_publish_build_step_runs_as_written(write_repo: WriteRepo, tmp_path: Path) -> None:
    root = small_repo(write_repo)
    # configure-pages gives the address without its trailing slash.
    script = _step(_workflow("publish.yml"), "Build the site")["run"]
    address = "https://octocat.github.io/my-repo"
    built = _run_step(script, root, tmp_path / "summary.md", {"SITE_URL": address})
    assert built.returncode == 0, built.stdout + built.stderr
    assert "no site_url" not in built.stderr
    sitemap = (root / "site/2026-Q4/sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{address}/2026-Q4/units/payments/</loc>" in sitemap
    # A Pages site that cannot be read leaves the address empty: the build fails, never guesses.
    empty = _run_step(script, root, tmp_path / "summary.md", {"SITE_URL": ""})
    assert empty.returncode == 2
    assert empty.stderr.startswith("okrsite: error: --site-url '' is empty;")
