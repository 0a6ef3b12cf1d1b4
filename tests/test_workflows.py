"""The GitHub workflows and the pre-commit hook: linted offline, and shaped as the issue asks."""

from __future__ import annotations

import json
import os
import re
import shutil
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
PUBLISH_BUILD = 'okrsite build --out site --site-url "$SITE_URL" --edit-url "$EDIT_URL"'
"""The publish workflow's build: the Pages and edit addresses from the environment, never
inline."""
PUBLISH_EDIT_URL = "${{ github.server_url }}/${{ github.repository }}/edit/${{ github.ref_name }}/"
"""The repository's web editor on the branch being published (only the default branch is)."""


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
    assert_linted(sorted(str(p) for p in WORKFLOWS.glob("*.yml")))


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


def assert_audited(target: str) -> None:
    """zizmor's auditor persona (false positives included), offline, finds nothing of medium or
    higher severity in target (a folder of workflows, or a repository)."""
    result = _run(
        str(BIN / "zizmor"), "--offline", "--persona", "auditor", "--min-severity", "medium", target
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def assert_linted(workflows: list[str]) -> None:
    """actionlint finds nothing in the workflow files."""
    result = _run(str(BIN / "actionlint"), *workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_as_an_auditor_finds_nothing_of_medium_or_higher_severity() -> None:
    """The auditor persona (false positives included) offline: nothing medium or high."""
    assert_audited(".github/workflows")


ALL_WORKFLOWS = ["pull-request.yml", "publish.yml", "test.yml", "collect.yml", "due.yml"]


def test_every_workflow_is_tested() -> None:
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == sorted(ALL_WORKFLOWS)


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
def test_every_action_is_pinned_by_commit_and_checkout_drops_credentials(name: str) -> None:
    for step in _steps(_workflow(name)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", ALL_WORKFLOWS)
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
    own = settings["restore-keys"].splitlines()[0]
    assert settings["key"].startswith(own)
    # T3: each workflow its own key space; Publish restores only what Publish saved.
    workflow = name.removesuffix(".yml")
    assert own.startswith(f"okrsite-{workflow}-")
    if name == "publish.yml":
        assert settings["restore-keys"].splitlines() == [own]


def test_only_publish_saves_a_cache_on_the_default_branch() -> None:
    """T3: cache keys are no boundary (any default-branch job may save under any key), so every
    other workflow that runs there may neither save nor restore (cache-mode, enforced by
    GitHub's cache service), and Publish's deploy job has no cache either."""
    for name in ALL_WORKFLOWS:
        workflow = _workflow(name)
        if name == "pull-request.yml":  # its caches stay in the pull request's own scope
            assert set(workflow[True]) == {"pull_request"}
            continue
        assert workflow["cache-mode"] == "none", name
        modes = {job.get("cache-mode", "none") for job in workflow["jobs"].values()}
        assert modes == ({"write", "none"} if name == "publish.yml" else {"none"}), name
    assert _workflow("publish.yml")["jobs"]["build"]["cache-mode"] == "write"


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
    assert build["env"] == {
        "SITE_URL": f"${{{{ steps.{pages['id']}.outputs.base_url }}}}",
        "EDIT_URL": PUBLISH_EDIT_URL,
    }
    assert build["run"] == PUBLISH_BUILD


def test_publish_build_step_runs_as_written(write_repo: WriteRepo, tmp_path: Path) -> None:
    root = small_repo(write_repo)
    # configure-pages gives the address without its trailing slash.
    script = _step(_workflow("publish.yml"), "Build the site")["run"]
    address = "https://octocat.github.io/my-repo"
    # EDIT_URL as GitHub's context expands it on a push to main.
    edit = "https://github.com/octocat/my-repo/edit/main/"
    step_env = {"SITE_URL": address, "EDIT_URL": edit}
    built = _run_step(script, root, tmp_path / "summary.md", step_env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "no site_url" not in built.stderr
    sitemap = (root / "site/2026-Q4/sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{address}/2026-Q4/units/payments/</loc>" in sitemap
    page = (root / "site/2026-Q4/units/payments/index.html").read_text(encoding="utf-8")
    assert f'href="{edit}okrs/2026-Q4/payments.csv"' in page
    # A Pages site that cannot be read leaves the address empty: the build fails, never guesses.
    empty = _run_step(script, root, tmp_path / "summary.md", {**step_env, "SITE_URL": ""})
    assert empty.returncode == 2
    assert empty.stderr.startswith("okrsite: error: --site-url '' is empty;")


# The Collect and Check-ins due workflows: scheduled, least privilege, their scripts run with
# stand-ins for `gh` (and for `okrsite collect`, whose own tests are elsewhere).

LOCKED_INSTALL = [
    "python -m pip install --require-hashes -r requirements.lock",
    "python -m pip install --no-deps .",
]
BOT = "github-actions[bot]|41898282+github-actions[bot]@users.noreply.github.com"

GH_STUB = """\
#!{python}
# A stand-in for the gh CLI: logs its arguments; `... list --jq EXPR` filters $GH_JSON with jq.
import json, os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\\n")
if len(args) > 1 and args[1] == "list":
    expression = args[args.index("--jq") + 1]
    found = subprocess.run(
        ["jq", "-r", expression], input=os.environ["GH_JSON"], text=True,
        capture_output=True, check=True,
    )
    sys.stdout.write(found.stdout)
"""

OKRSITE_STUB = """\
#!/usr/bin/env bash
# A stand-in for `okrsite collect`: one line per KR, a failure on stderr, the exit status asked.
printf '%s\\n' "$*" > "$STUB_ARGS"
echo "payments delivery/lead-time 6 (github: lead-time)"
echo "failed payments/delivery/change-failure-rate (github): HTTP 502 ~~~ \\`\\`\\` @everyone" >&2
exit "$STUB_STATUS"
"""


@pytest.fixture
def stubs(tmp_path: Path) -> Path:
    """A folder holding the stand-in `gh` and `okrsite`, to put first on the PATH."""
    if shutil.which("jq") is None:  # on GitHub's runners, as gh's --jq is in gh itself
        if os.environ.get("CI") == "true":
            pytest.fail("jq is missing: the workflow tests need it to stand in for gh --jq")
        pytest.skip("jq is missing: install Debian's jq to run the workflow scripts' tests")
    folder = tmp_path / "stubs"
    folder.mkdir()
    (folder / "gh").write_text(GH_STUB.replace("{python}", sys.executable), encoding="utf-8")
    (folder / "okrsite").write_text(OKRSITE_STUB, encoding="utf-8")
    for stub in folder.iterdir():
        stub.chmod(0o755)
    return folder


def _gh_calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _with_stubs(stubs: Path, **extra: str) -> dict[str, str]:
    path = f"{stubs}{os.pathsep}{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    return {"PATH": path, "GH_LOG": str(stubs.parent / "gh.log"), **extra}


def _outputs(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize("name", ["collect.yml", "due.yml"])
def test_scheduled_workflows_run_on_the_default_branch_with_nothing_by_default(name: str) -> None:
    workflow = _workflow(name)
    assert workflow["permissions"] == {}  # nothing by default: each job asks for its own
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    first = next(iter(workflow["jobs"].values()))
    # A schedule's payload has no repository: it always runs on the default branch.
    assert first["if"] == (
        "github.event_name == 'schedule' || "
        "github.ref_name == github.event.repository.default_branch"
    )
    for job in workflow["jobs"].values():
        assert job["timeout-minutes"] <= 20
        # No pip cache in any job: the workflow restores nothing another run saved.
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert "cache" not in step["with"]


def test_collect_reads_in_one_job_runs_programs_in_another_and_proposes_in_a_third() -> None:
    """T2: no job that runs repository code holds a token that can write or any secret."""
    workflow = _workflow("collect.yml")
    read, programs, propose = (workflow["jobs"][name] for name in ("read", "programs", "propose"))
    # The sources are read with read-only permissions, what `github` sources read.
    assert read["permissions"] == {
        "contents": "read",
        "actions": "read",
        "deployments": "read",
        "issues": "read",
    }
    assert programs["permissions"] == {"contents": "read"}
    assert propose["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert propose["needs"] == ["read", "programs"] and programs["needs"] == "read"
    # The programs' job names no secret; only the read job's collect step names GITHUB_TOKEN.
    assert "secrets." not in yaml.safe_dump(programs)
    runs = [step.get("run", "") for step in programs["steps"]]
    assert any('okrsite collect --date "$DATE" --only command' in run for run in runs)
    collect = _step(workflow, "Collect the values")
    assert 'okrsite collect --date "$DATE" --skip command' in collect["run"]
    # The propose job runs no repository code: no Python, no okrsite, no script of the repo.
    assert propose["environment"] == "okrsite-collect"
    commands = [
        line.strip()
        for step in propose["steps"]
        for line in step.get("run", "").splitlines()
        if not line.strip().startswith(("echo", "#"))
    ]
    for code in ("pip", "okrsite", "python", "make", "./", "bash", "sh ", "source", ". "):
        assert not [line for line in commands if line.startswith(code) or f"| {code}" in line]
    assert [s["uses"].split("@")[0] for s in propose["steps"] if "uses" in s] == [
        "actions/checkout",
        "actions/download-artifact",
    ]


def test_collect_jobs_install_the_locked_versions() -> None:
    workflow = _workflow("collect.yml")
    for job in ("read", "programs"):
        install = next(
            s for s in workflow["jobs"][job]["steps"] if s.get("name") == "Install okrsite"
        )
        assert install["run"].split("\n")[:2] == LOCKED_INSTALL


@pytest.mark.parametrize("name", ["due.yml"])
def test_scheduled_workflows_grant_only_their_job_what_it_needs(name: str) -> None:
    workflow = _workflow(name)
    assert workflow["permissions"] == {}  # nothing by default: each job asks for its own
    assert workflow["concurrency"]["cancel-in-progress"] is False
    triggers = workflow[True]
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    (job,) = workflow["jobs"].values()
    assert job["timeout-minutes"] <= 20
    # A schedule's payload has no repository: it always runs on the default branch.
    assert job["if"] == (
        "github.event_name == 'schedule' || "
        "github.ref_name == github.event.repository.default_branch"
    )
    # Write access only where the job writes.
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    install = _step(workflow, "Install okrsite")
    assert install["run"].split("\n")[:2] == LOCKED_INSTALL
    # No pip cache in a job that can write: it restores nothing another run saved.
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert "cache" not in setup["with"]


def test_each_action_is_pinned_to_one_commit_in_every_workflow() -> None:
    pins: dict[str, set[str]] = {}
    for name in ALL_WORKFLOWS:
        for step in _steps(_workflow(name)):
            if "uses" in step:
                action, commit = step["uses"].split("@")
                pins.setdefault(action, set()).add(commit)
    assert {action: len(commits) for action, commits in pins.items() if len(commits) > 1} == {}


def test_collect_runs_monthly_or_by_hand_for_a_date() -> None:
    workflow = _workflow("collect.yml")
    triggers = workflow[True]
    assert triggers["schedule"] == [{"cron": "0 6 1 * *"}]
    date_input = triggers["workflow_dispatch"]["inputs"]["date"]
    assert date_input["required"] is False and date_input["type"] == "string"
    collect = _step(workflow, "Collect the values")
    assert 'okrsite collect --date "$DATE" --skip command' in collect["run"]
    assert collect["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert collect["env"]["DATE"] == "${{ steps.date.outputs.date }}"
    propose = _step(workflow, "Open or update the pull request")
    assert propose["env"]["GH_TOKEN"] == (
        "${{ secrets.OKRSITE_COLLECT_TOKEN || secrets.GITHUB_TOKEN }}"
    )
    # The GITHUB_TOKEN caveat is spelled out where a maintainer reads it.
    text = (WORKFLOWS / "collect.yml").read_text(encoding="utf-8")
    assert "starts no other" in text and "OKRSITE_COLLECT_TOKEN" in text


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2026-12-01", "2026-12-01"), ("", datetime.now(UTC).strftime("%Y-%m-%d"))],
)
def test_collect_date_step_takes_the_input_or_today(
    tmp_path: Path, given: str, expected: str
) -> None:
    script = _step(_workflow("collect.yml"), "Choose the check-in date")["run"]
    output = tmp_path / "output"
    extra = {"INPUT_DATE": given, "GITHUB_OUTPUT": str(output)}
    result = _run_step(script, tmp_path, tmp_path / "summary.md", extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _outputs(output) == {"date": expected}


@pytest.mark.parametrize("given", ["2026-12-1", "$(touch pwned)", "2026-12-01\nevil=1"])
def test_collect_date_step_refuses_anything_but_a_date(tmp_path: Path, given: str) -> None:
    script = _step(_workflow("collect.yml"), "Choose the check-in date")["run"]
    output = tmp_path / "output"
    extra = {"INPUT_DATE": given, "GITHUB_OUTPUT": str(output)}
    result = _run_step(script, tmp_path, tmp_path / "summary.md", extra)
    assert result.returncode == 2
    assert "::error::the date must be written YYYY-MM-DD" in result.stdout
    assert not output.exists() and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(("status", "code", "outputs"), [(0, 0, "0"), (1, 0, "1"), (2, 2, None)])
def test_collect_step_goes_on_after_failed_sources_only(
    tmp_path: Path, stubs: Path, status: int, code: int, outputs: str | None
) -> None:
    script = _step(_workflow("collect.yml"), "Collect the values")["run"]
    runner = tmp_path / "runner"
    runner.mkdir()
    output = tmp_path / "output"
    extra = _with_stubs(
        stubs,
        DATE="2026-12-01",
        RUNNER_TEMP=str(runner),
        GITHUB_OUTPUT=str(output),
        STUB_STATUS=str(status),
        STUB_ARGS=str(tmp_path / "args"),
    )
    result = _run_step(script, tmp_path, tmp_path / "summary.md", extra)
    assert result.returncode == code, result.stdout + result.stderr
    args = "collect --date 2026-12-01 --skip command\n"
    assert (tmp_path / "args").read_text(encoding="utf-8") == args
    assert "payments delivery/lead-time 6" in result.stdout  # shown in the log
    assert "HTTP 502" in result.stderr
    assert _outputs(output) == ({"status": outputs} if outputs is not None else {})


def _collected(runner: Path, failed: str = "") -> None:
    """What the propose job downloads: the collecting jobs' printed lines."""
    (runner / "collected").mkdir(parents=True, exist_ok=True)
    (runner / "collected" / "collected.txt").write_text(
        "payments delivery/lead-time 6 (github: lead-time)\n", encoding="utf-8"
    )
    (runner / "collected" / "failed.txt").write_text(failed, encoding="utf-8")


def _propose(
    clone: Path, stubs: Path, runner: Path, *, status: str, gh_json: str, own: str = "false"
) -> subprocess.CompletedProcess[str]:
    script = _step(_workflow("collect.yml"), "Open or update the pull request")["run"]
    extra = _with_stubs(
        stubs,
        DATE="2026-12-01",
        STATUS=status,
        BASE="main",
        GH_REPO="acme/okrs",
        GH_TOKEN="not-a-real-token",
        OWN_TOKEN=own,
        GH_JSON=gh_json,
        RUNNER_TEMP=str(runner),
    )
    return _run_step(script, clone, clone.parent / "summary.md", extra)


def _branch_head(upstream: Path, ref: str = "okrsite/collect-2026-12-01") -> list[str]:
    shown = subprocess.run(
        ["git", "log", "-1", "--format=%an|%ae%n%s%n%P", ref],
        cwd=upstream,
        capture_output=True,
        text=True,
        check=True,
    )
    return shown.stdout.splitlines()


def test_collect_opens_a_pull_request_with_the_failures(
    pull_request: Path, tmp_path: Path, stubs: Path
) -> None:
    upstream = tmp_path / "upstream"
    with (pull_request / "okrs/2026-Q4/payments.csv").open("a", encoding="utf-8") as stream:
        stream.write("2026-12-01,delivery/lead-time,6,,Collected from github,\n")
    runner = tmp_path / "runner"
    hostile = "failed payments/delivery/change-failure-rate (github): ~~~\n```\n@everyone\n"
    _collected(runner, hostile)
    result = _propose(pull_request, stubs, runner, status="1", gh_json="[]")
    assert result.returncode == 0, result.stdout + result.stderr
    author, subject, parent = _branch_head(upstream)
    assert author == BOT
    assert subject == "Check-ins collected on 2026-12-01"
    main = subprocess.run(
        ["git", "rev-parse", "main"], cwd=upstream, capture_output=True, text=True, check=True
    )
    assert parent == main.stdout.strip()  # one commit on the default branch
    changed = subprocess.run(
        ["git", "diff", "--name-only", "main", "okrsite/collect-2026-12-01"],
        cwd=upstream,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert changed == ["okrs/2026-Q4/payments.csv"]
    calls = _gh_calls(tmp_path / "gh.log")
    assert calls[0] == [
        "pr",
        "list",
        "--head",
        "okrsite/collect-2026-12-01",
        "--state",
        "open",
        "--json",
        "number",
        "--jq",
        ".[0].number // empty",
    ]
    assert calls[1][:-1] == [
        "pr",
        "create",
        "--base",
        "main",
        "--head",
        "okrsite/collect-2026-12-01",
        "--title",
        "Check-ins collected on 2026-12-01",
        "--body-file",
    ]
    body = Path(calls[1][-1]).read_text(encoding="utf-8")
    assert "\n    payments delivery/lead-time 6 (github: lead-time)\n" in body
    assert "**Some sources failed**" in body
    # Every failure line is indented: a code block, so fences and mentions stay text.
    assert (
        "\n    failed payments/delivery/change-failure-rate (github): ~~~\n    ```\n    @everyone\n"
        in body
    )
    assert "close and reopen this pull request" in body
    # The token is never written into the repository's configuration or the body.
    assert "not-a-real-token" not in (pull_request / ".git" / "config").read_text("utf-8")
    assert "not-a-real-token" not in body


def test_collect_updates_its_pull_request_and_replaces_the_branch(
    pull_request: Path, tmp_path: Path, stubs: Path
) -> None:
    upstream = tmp_path / "upstream"
    for run, value in enumerate(("6", "7")):
        clone = tmp_path / f"run-{run}"
        subprocess.run(["git", "clone", "-q", str(upstream), str(clone)], check=True)
        with (clone / "okrs/2026-Q4/payments.csv").open("a", encoding="utf-8") as stream:
            stream.write(f"2026-12-01,delivery/lead-time,{value},,,\n")
        _collected(tmp_path / "runner")
        gh_json = "[]" if run == 0 else '[{"number": 7}]'
        result = _propose(
            clone, stubs, tmp_path / "runner", status="0", gh_json=gh_json, own="true"
        )
        assert result.returncode == 0, result.stdout + result.stderr
    calls = _gh_calls(tmp_path / "gh.log")
    assert [call[:2] for call in calls] == [
        ["pr", "list"],
        ["pr", "create"],
        ["pr", "list"],
        ["pr", "edit"],
    ]
    assert calls[3][2:4] == ["7", "--body-file"]
    body = Path(calls[3][-1]).read_text(encoding="utf-8")
    assert "Some sources failed" not in body
    assert "close and reopen" not in body  # its own token: the checks run
    # The second run's branch replaced the first's: one commit on main, holding value 7.
    shown = subprocess.run(
        ["git", "show", "okrsite/collect-2026-12-01:okrs/2026-Q4/payments.csv"],
        cwd=upstream,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown.endswith("2026-12-01,delivery/lead-time,7,,,\n")
    assert "lead-time,6" not in shown


def test_collect_without_changes_opens_nothing(
    pull_request: Path, tmp_path: Path, stubs: Path
) -> None:
    _collected(tmp_path / "runner")
    result = _propose(pull_request, stubs, tmp_path / "runner", status="0", gh_json="[]")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nothing collected on 2026-12-01: no pull request." in result.stdout
    assert _gh_calls(tmp_path / "gh.log") == []


@pytest.mark.parametrize(("status", "code"), [("0", 0), ("1", 1)])
def test_collect_fails_the_run_after_proposing_when_a_source_failed(
    tmp_path: Path, status: str, code: int
) -> None:
    workflow = _workflow("collect.yml")
    names = [step.get("name") for step in _steps(workflow)]
    assert names[-2:] == ["Open or update the pull request", "Fail when a source failed"]
    script = _step(workflow, "Fail when a source failed")["run"]
    result = _run_step(script, tmp_path, tmp_path / "summary.md", {"STATUS": status})
    assert result.returncode == code


def test_due_runs_on_the_first_and_before_the_month_ends() -> None:
    workflow = _workflow("due.yml")
    crons = [entry["cron"] for entry in workflow[True]["schedule"]]
    assert sorted(crons) == ["0 7 1 * *", "0 7 25 * *"]
    assert "okrsite due --format markdown" in _step(workflow, "List the check-ins due")["run"]
    issue = _step(workflow, "Open or update the month's issue")
    assert issue["env"]["GH_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"


def test_due_list_step_writes_the_markdown_and_the_json(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    root = write_repo(MINIMAL)
    runner = tmp_path / "runner"
    runner.mkdir()
    script = _step(_workflow("due.yml"), "List the check-ins due")["run"]
    summary = tmp_path / "summary.md"
    result = _run_step(script, root, summary, {"RUNNER_TEMP": str(runner)})
    assert result.returncode == 0, result.stdout + result.stderr
    markdown = (runner / "due.md").read_text(encoding="utf-8")
    assert markdown.startswith("## Check-ins due in 2026 Q4, as of 2026-11-27\n")
    assert summary.read_text(encoding="utf-8") == markdown
    data = json.loads((runner / "due.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-11-27" and data["quarter"] == "2026-Q4"


def _due_files(runner: Path, count: int, breached: int = 0) -> None:
    runner.mkdir(exist_ok=True)
    (runner / "due.md").write_text("## Check-ins due\n", encoding="utf-8")
    key_results = [{"unit": "payments"}] * count
    owners = [{"owner": "Sam Lee", "github": "sam-lee", "key_results": key_results}]
    data = {
        "as_of": "2026-11-27",
        "quarter": "2026-Q4",
        "owners": owners if count else [],
        "breached_metrics": [{"unit": "payments", "metric": "pages-per-week"}] * breached,
    }
    (runner / "due.json").write_text(json.dumps(data), encoding="utf-8")


def _issue_calls(
    tmp_path: Path, stubs: Path, count: int, issues: list[dict[str, Any]], breached: int = 0
) -> list[list[str]]:
    runner = tmp_path / "runner"
    _due_files(runner, count, breached)
    script = _step(_workflow("due.yml"), "Open or update the month's issue")["run"]
    extra = _with_stubs(
        stubs,
        GH_REPO="acme/okrs",
        GH_TOKEN="not-a-real-token",
        GH_JSON=json.dumps(issues),
        RUNNER_TEMP=str(runner),
    )
    result = _run_step(script, tmp_path, tmp_path / "summary.md", extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return _gh_calls(tmp_path / "gh.log")


TITLE = f"Check-ins due {datetime.now(UTC):%Y-%m}"


def test_due_opens_the_months_issue(tmp_path: Path, stubs: Path) -> None:
    lookalike = {"number": 3, "title": f"{TITLE} (draft)", "state": "OPEN"}
    calls = _issue_calls(tmp_path, stubs, 2, [lookalike])
    assert calls[0][:5] == ["issue", "list", "--state", "all", "--search"]
    assert calls[0][5] == f'"{TITLE}" in:title'
    body = str(tmp_path / "runner" / "due.md")
    assert calls[1:] == [["issue", "create", "--title", TITLE, "--body-file", body]]


def test_due_updates_the_months_issue(tmp_path: Path, stubs: Path) -> None:
    issues = [{"number": 9, "title": TITLE, "state": "OPEN"}]
    body = str(tmp_path / "runner" / "due.md")
    assert _issue_calls(tmp_path, stubs, 2, issues)[1:] == [
        ["issue", "edit", "9", "--body-file", body]
    ]


def test_due_reopens_a_closed_issue_when_check_ins_are_due(tmp_path: Path, stubs: Path) -> None:
    issues = [{"number": 9, "title": TITLE, "state": "CLOSED"}]
    calls = _issue_calls(tmp_path, stubs, 1, issues)
    assert [call[:3] for call in calls[1:]] == [["issue", "edit", "9"], ["issue", "reopen", "9"]]


def test_due_opens_the_issue_for_a_breached_metric_alone(tmp_path: Path, stubs: Path) -> None:
    # No check-in due, one standing metric breached: worth the month's issue all the same.
    calls = _issue_calls(tmp_path, stubs, 0, [], breached=1)
    body = str(tmp_path / "runner" / "due.md")
    assert calls[1:] == [["issue", "create", "--title", TITLE, "--body-file", body]]
    closed = [{"number": 4, "title": TITLE, "state": "CLOSED"}]
    (tmp_path / "gh.log").unlink()
    calls = _issue_calls(tmp_path, stubs, 0, closed, breached=1)
    assert [call[:3] for call in calls[1:]] == [["issue", "edit", "4"], ["issue", "reopen", "4"]]


def test_due_opens_no_issue_when_nothing_is_due(tmp_path: Path, stubs: Path) -> None:
    calls = _issue_calls(tmp_path, stubs, 0, [])
    assert [call[:2] for call in calls] == [["issue", "list"]]
    # An issue already open for the month is brought up to date, and left closed if closed.
    closed = [{"number": 4, "title": TITLE, "state": "CLOSED"}]
    (tmp_path / "gh.log").unlink()
    calls = _issue_calls(tmp_path, stubs, 0, closed)
    assert [call[:3] for call in calls[1:]] == [["issue", "edit", "4"]]


# The propose job applies the collecting jobs' patch only after checking it (T2): those jobs run
# repository code, so their patch and outputs are untrusted input.

ROW = "2026-12-01,delivery/lead-time,6,,,\n"
METRIC_CSV = "okrs/metrics/payments.csv"
METRIC_READINGS = "date,metric,value,note\n2026-12-01,pages-per-week,4.5,\n"


def _git(cwd: Path, *args: str) -> str:
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    done = subprocess.run([*git, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def _make_patch(clone: Path, tmp_path: Path, change: str) -> str:
    """A patch of okrs/ made in a fresh clone of clone's origin, as a collecting job makes it."""
    maker = tmp_path / "maker"
    subprocess.run(["git", "clone", "-q", str(tmp_path / "upstream"), str(maker)], check=True)
    csv = maker / "okrs/2026-Q4/payments.csv"
    if change == "rows":
        with csv.open("a", encoding="utf-8") as stream:
            stream.write(ROW)
        (maker / "okrs/2026-Q4/checkout.csv").write_text("date,kr,value\n", encoding="utf-8")
    elif change == "metrics":  # a check-in, and a standing metric's first reading
        with csv.open("a", encoding="utf-8") as stream:
            stream.write(ROW)
        (maker / "okrs/metrics").mkdir()
        (maker / METRIC_CSV).write_text(METRIC_READINGS, encoding="utf-8")
    elif change == "outside":
        (maker / ".github/workflows").mkdir(parents=True)
        (maker / ".github/workflows/evil.yml").write_text("on: push\n", encoding="utf-8")
    elif change == "yaml":
        yaml_file = maker / "okrs/2026-Q4/payments.yaml"
        yaml_file.write_text(yaml_file.read_text("utf-8") + "# x\n", "utf-8")
    elif change == "symlink":
        (maker / "okrs/2026-Q4/evil.csv").symlink_to("../../.git/config")
    elif change == "executable":
        csv.chmod(0o755)
    elif change == "rename":
        _git(maker, "mv", "okrs/2026-Q4/payments.csv", "okrs/2026-Q4/moved.csv")
    elif change == "delete":
        csv.unlink()
    elif change == "binary":
        csv.write_bytes(b"\x00\x01binary\x00")
    _git(
        maker, "add", "--intent-to-add", "--", "okrs", *([".github"] if change == "outside" else [])
    )
    return _git(maker, "diff", "HEAD", "--binary")


def _apply(
    clone: Path, tmp_path: Path, patch: str, date: str = "2026-12-01", status: str = "0"
) -> subprocess.CompletedProcess[str]:
    script = _step(_workflow("collect.yml"), "Apply the collected rows")["run"]
    runner = tmp_path / "runner"
    (runner / "collected").mkdir(parents=True, exist_ok=True)
    (runner / "collected" / "okrs.patch").write_text(patch, encoding="utf-8")
    extra = {"DATE": date, "STATUS": status, "RUNNER_TEMP": str(runner)}
    return _run_step(script, clone, tmp_path / "summary.md", extra)


def test_collect_applies_rows_and_new_csv_files(pull_request: Path, tmp_path: Path) -> None:
    result = _apply(pull_request, tmp_path, _make_patch(pull_request, tmp_path, "rows"))
    assert result.returncode == 0, result.stdout + result.stderr
    csv = (pull_request / "okrs/2026-Q4/payments.csv").read_text(encoding="utf-8")
    assert csv.endswith(ROW)
    assert (pull_request / "okrs/2026-Q4/checkout.csv").exists()


def test_collect_proposes_the_metrics_readings_with_the_check_ins(
    pull_request: Path, tmp_path: Path, stubs: Path
) -> None:
    """okrs/metrics/UNIT.csv, new or appended to, passes the patch's checks and is committed to
    the pull request's branch beside the quarters' CSV files."""
    result = _apply(pull_request, tmp_path, _make_patch(pull_request, tmp_path, "metrics"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (pull_request / METRIC_CSV).read_text(encoding="utf-8") == METRIC_READINGS
    _collected(tmp_path / "runner")
    proposed = _propose(pull_request, stubs, tmp_path / "runner", status="0", gh_json="[]")
    assert proposed.returncode == 0, proposed.stdout + proposed.stderr
    changed = subprocess.run(
        ["git", "diff", "--name-only", "main", "okrsite/collect-2026-12-01"],
        cwd=tmp_path / "upstream",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert changed == ["okrs/2026-Q4/payments.csv", METRIC_CSV]
    body = Path(_gh_calls(tmp_path / "gh.log")[1][-1]).read_text(encoding="utf-8")
    assert "metric readings (okrs/metrics/UNIT.csv)" in body


@pytest.mark.parametrize(
    "change", ["outside", "yaml", "symlink", "executable", "rename", "delete", "binary"]
)
def test_collect_refuses_a_patch_touching_anything_but_csv_rows(
    pull_request: Path, tmp_path: Path, change: str
) -> None:
    """T2: a repository program in a collecting job writes a workflow, a definition, a link, an
    executable, a rename, a deletion or binary data: nothing is applied or proposed."""
    patch = _make_patch(pull_request, tmp_path, change)
    before = _git(pull_request, "status", "--porcelain", "--ignored")
    result = _apply(pull_request, tmp_path, patch)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "::error::the collected patch " in result.stdout
    assert _git(pull_request, "status", "--porcelain", "--ignored") == before


def test_collect_refuses_a_path_that_climbs_out_of_okrs(pull_request: Path, tmp_path: Path) -> None:
    """T2: a patch written by hand, naming okrs/../ to reach the repository's root."""
    patch = (
        "diff --git a/okrs/../evil.csv b/okrs/../evil.csv\nnew file mode 100644\n"
        "--- /dev/null\n+++ b/okrs/../evil.csv\n@@ -0,0 +1 @@\n+x\n"
    )
    result = _apply(pull_request, tmp_path, patch)
    assert result.returncode == 2 and not (pull_request / "evil.csv").exists()


def test_collect_refuses_to_write_through_a_linked_csv(pull_request: Path, tmp_path: Path) -> None:
    """T2: a merged okrs/ holding a CSV that is a link: the patch would write where it points."""
    (pull_request / "okrs/2026-Q4/linked.csv").symlink_to("../../README.md")
    patch = (
        "diff --git a/okrs/2026-Q4/linked.csv b/okrs/2026-Q4/linked.csv\n"
        "--- a/okrs/2026-Q4/linked.csv\n+++ b/okrs/2026-Q4/linked.csv\n@@ -0,0 +1 @@\n+x\n"
    )
    result = _apply(pull_request, tmp_path, patch)
    assert result.returncode == 2
    assert "::error::the collected patch writes through a symbolic link" in result.stdout


@pytest.mark.parametrize(("date", "status"), [("2026-12-01\nx=1", "0"), ("2026-12-01", "0; rm")])
def test_collect_refuses_outputs_no_run_gives(
    pull_request: Path, tmp_path: Path, date: str, status: str
) -> None:
    """T2: the collecting jobs' outputs are checked before the branch name or body use them."""
    patch = _make_patch(pull_request, tmp_path, "rows")
    result = _apply(pull_request, tmp_path, patch, date=date, status=status)
    assert result.returncode == 2
    assert "::error::the collecting jobs gave no date or status" in result.stdout
