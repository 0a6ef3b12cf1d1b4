"""The GitHub workflows and the pre-commit hook: linted offline, and shaped as the issue asks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


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


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_every_action_is_pinned_by_commit_and_checkout_drops_credentials(name: str) -> None:
    for step in _steps(_workflow(name)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
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
    assert "permissions" not in build
    runs = [s.get("run", "") for s in build["steps"]]
    assert runs.index("okrsite check --format github") < runs.index("okrsite build --out site")
    setup = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


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
