"""`okrsite init`: a data repository that checks with no edit, never an overwritten file, and
`init --update` rewriting only the generated files okrsite still owns, with their diffs."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from okrsite.cli import main
from okrsite.edit.generated import (
    OWNED_MARK,
    REQUIREMENTS,
    Release,
    checkout_workflows,
    parse_hash,
    release_files,
)
from okrsite.edit.init import Scaffold, init_repository, update_repository
from okrsite.model.errors import OkrsiteError
from scripts import workflows as regenerate
from tests.test_workflows import assert_audited, assert_linted

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOVEMBER = str(int(datetime(2026, 11, 10, tzinfo=UTC).timestamp()))
HASH = "a" * 64
RELEASE = Release("0.1.0", (HASH,))
EVERY_FILE = [
    "okrs/org.yaml",
    "okrs/2026-Q4/quarter.yaml",
    "okrs/2026-Q4/payments.yaml",
    "okrs/2026-Q4/payments.csv",
    ".github/workflows/pull-request.yml",
    ".github/workflows/publish.yml",
    ".github/workflows/collect.yml",
    ".github/workflows/due.yml",
    ".github/dependabot.yml",
    "requirements-okrsite.txt",
    ".github/okrsite-sources.yaml",
    "schemas/metrics.schema.json",
    "schemas/org.schema.json",
    "schemas/quarter.schema.json",
    "schemas/unit.schema.json",
    ".gitignore",
    "README.md",
]


def _okrsite(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": NOVEMBER})


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository made by `okrsite init --org acme --team payments` in November 2026."""
    result = _okrsite("init", str(tmp_path / "okrs-repo"), "--org", "acme", "--team", "payments")
    assert result.exit_code == 0, result.output
    return tmp_path / "okrs-repo"


def test_init_writes_every_file_and_says_so(repo: Path) -> None:
    result = _okrsite("init", str(repo.parent / "again"), "--team", "payments", "--org", "acme")
    lines = result.stdout.splitlines()
    assert lines[: len(EVERY_FILE)] == [f"created {path}" for path in EVERY_FILE]
    assert sorted(_files(repo)) == sorted(EVERY_FILE)


def test_the_new_repository_checks_clean(repo: Path) -> None:
    result = _okrsite("check", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings in 4 files")


def test_the_first_programme_is_one_objective_with_three_quantitative_key_results(
    repo: Path,
) -> None:
    plan = yaml.safe_load((repo / "okrs/2026-Q4/payments.yaml").read_text(encoding="utf-8"))
    (objective,) = plan["objectives"]
    assert len(objective["key_results"]) == 3
    for kr in objective["key_results"]:
        assert kr.get("kind", "metric") == "metric"
        assert isinstance(kr["baseline"], int) and isinstance(kr["target"], int)
    text = (repo / "okrs/2026-Q4/payments.yaml").read_text(encoding="utf-8")
    assert "# where the number stands at the start of the quarter" in text
    org = yaml.safe_load((repo / "okrs/org.yaml").read_text(encoding="utf-8"))
    assert org == {
        "name": "Acme",
        "units": [
            {"id": "acme", "name": "Acme", "kind": "org"},
            {"id": "payments", "name": "Payments", "kind": "team", "parent": "acme"},
        ],
    }
    csv = (repo / "okrs/2026-Q4/payments.csv").read_text(encoding="utf-8")
    assert csv == "date,kr,value,confidence,note,blockers\n"
    sources = yaml.safe_load((repo / ".github/okrsite-sources.yaml").read_text(encoding="utf-8"))
    assert sources == {"hosts": None, "programs": "collectors"}


def test_placeholders_and_names(tmp_path: Path) -> None:
    result = _okrsite(
        "init", str(tmp_path), "--org-name", "Acme: Engineering", "--quarter", "2027-Q1"
    )
    assert result.exit_code == 0, result.output
    org = yaml.safe_load((tmp_path / "okrs/org.yaml").read_text(encoding="utf-8"))
    assert [(u["id"], u["name"]) for u in org["units"]] == [
        ("eng", "Acme: Engineering"),
        ("my-team", "My team"),
    ]
    assert (tmp_path / "okrs/2027-Q1/my-team.yaml").is_file()


def test_a_second_init_writes_nothing_and_says_what_it_skipped(repo: Path) -> None:
    before = _files(repo)
    result = _okrsite("init", str(repo), "--org", "acme", "--team", "payments")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        *(f"skipped {path} (it exists)" for path in EVERY_FILE),
        "nothing written",
    ]
    assert _files(repo) == before


def test_init_never_overwrites_and_writes_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("Ours\n", encoding="utf-8")
    (tmp_path / "okrs").mkdir()
    (tmp_path / "okrs/org.yaml").write_text("name: Ours\n", encoding="utf-8")
    result = _okrsite("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "skipped README.md (it exists)" in lines
    assert "skipped okrs/org.yaml (it exists)" in lines
    assert "skipped okrs/2026-Q4/my-team.yaml (okrs/org.yaml exists: okrs/ is yours)" in lines
    assert "created .github/workflows/publish.yml" in lines
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "Ours\n"
    assert not (tmp_path / "okrs/2026-Q4").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--team", "My Team"],
            "okrsite: error: --team 'My Team' is not an id: use lower-case letters, digits and "
            "hyphens, starting with a letter or digit, at most 63 characters (e.g. payments)",
        ),
        (
            ["--org", "-eng"],
            "okrsite: error: --org '-eng' is not an id: use lower-case letters, digits and "
            "hyphens, starting with a letter or digit, at most 63 characters (e.g. payments)",
        ),
        (
            ["--org", "eng", "--team", "eng"],
            "okrsite: error: --org and --team are both 'eng'; every unit needs its own id",
        ),
        (
            ["--quarter", "2026-Q5"],
            "okrsite: error: --quarter '2026-Q5' is not a quarter; write it as YYYY-Qn",
        ),
        (["--team-name", "a\nb"], "okrsite: error: --team-name must be a name on one line"),
    ],
)
def test_a_bad_option_is_one_clear_error_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = _okrsite("init", str(tmp_path / "new"), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert not (tmp_path / "new").exists()


def test_a_bad_hash_is_a_usage_error(tmp_path: Path) -> None:
    result = _okrsite("init", str(tmp_path), "--okrsite-hash", "abc")
    assert result.exit_code == 2
    assert "'abc' is not a sha256 digest" in result.stderr
    assert parse_hash(f"sha256:{HASH.upper()}") == HASH


def test_the_requirements_pin_okrsite_by_version_and_hash_then_the_lock() -> None:
    text = release_files(RELEASE)[REQUIREMENTS]
    assert text.startswith(f"{OWNED_MARK} for okrsite 0.1.0;")
    assert f"okrsite==0.1.0 \\\n    --hash=sha256:{HASH}\naltair==" in text
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert text.endswith(lock[lock.index("altair==") :])


def test_without_a_known_hash_init_warns(tmp_path: Path) -> None:
    """An okrsite installed from this checkout (editable) has no recorded hash."""
    result = _okrsite("init", str(tmp_path))
    assert "warning: requirements-okrsite.txt pins okrsite 0.1.0 without its hash" in (
        result.stderr
    )
    text = (tmp_path / REQUIREMENTS).read_text(encoding="utf-8")
    assert "\nokrsite==0.1.0\naltair==" in text


def test_a_given_hash_goes_into_the_requirements(tmp_path: Path) -> None:
    result = _okrsite("init", str(tmp_path), "--okrsite-hash", f"sha256:{HASH}")
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert f"okrsite==0.1.0 \\\n    --hash=sha256:{HASH}\n" in (tmp_path / REQUIREMENTS).read_text(
        encoding="utf-8"
    )


def test_every_workflow_installs_from_the_hashed_requirements() -> None:
    for path, text in release_files(RELEASE).items():
        if not path.startswith(".github/workflows/"):
            continue
        workflow = yaml.safe_load(text)
        steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
        installs = [s["run"] for s in steps if s.get("name") == "Install okrsite"]
        assert installs, path
        assert set(installs) == {
            "python -m pip install --require-hashes -r requirements-okrsite.txt"
        }
        assert "requirements.lock" not in text and "--no-deps ." not in text


def test_update_rewrites_only_what_okrsite_owns_with_a_diff(repo: Path) -> None:
    publish = repo / ".github/workflows/publish.yml"
    due = repo / ".github/workflows/due.yml"
    publish.write_text(publish.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    # The user takes due.yml over: its header lines removed.
    taken = "".join(due.read_text(encoding="utf-8").splitlines(keepends=True)[2:]) + "# mine\n"
    due.write_text(taken, encoding="utf-8")
    (repo / ".github/dependabot.yml").unlink()
    okrs_before = {k: v for k, v in _files(repo).items() if k.startswith("okrs/")}
    outcomes = {o.path: o for o in update_repository(repo, Release("0.1.0"))}
    assert outcomes[".github/workflows/publish.yml"].action == "updated"
    assert outcomes[".github/workflows/publish.yml"].diff.endswith("-# edited\n")
    assert outcomes[".github/workflows/due.yml"].action == "kept"
    assert outcomes[".github/dependabot.yml"].action == "created"
    assert outcomes[".github/workflows/collect.yml"].action == "unchanged"
    assert outcomes[REQUIREMENTS].action == "unchanged"
    assert due.read_text(encoding="utf-8") == taken
    assert "# edited" not in publish.read_text(encoding="utf-8")
    assert {k: v for k, v in _files(repo).items() if k.startswith("okrs/")} == okrs_before


def test_update_shows_the_new_version_and_its_diffs(repo: Path) -> None:
    result = CliRunner().invoke(
        main, ["init", str(repo), "--update", "--okrsite-hash", HASH], env={}
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"updated {REQUIREMENTS}" in lines
    assert f"+    --hash=sha256:{HASH}" in lines
    assert "updated .github/workflows/publish.yml" not in lines
    assert "unchanged .github/workflows/publish.yml" in lines


def test_update_needs_a_repository(tmp_path: Path) -> None:
    result = _okrsite("init", str(tmp_path), "--update")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"okrsite: error: {tmp_path} has no okrs/ folder")


def test_every_text_is_made_before_the_first_write(tmp_path: Path) -> None:
    with pytest.raises(OkrsiteError, match=r"^--team 'x_y' is not an id"):
        init_repository(tmp_path / "new", Scaffold(team_id="x_y"), RELEASE, date(2026, 11, 10))
    assert not (tmp_path / "new").exists()


def test_this_repositorys_workflows_come_from_the_templates() -> None:
    """In step byte for byte: `python -m scripts.workflows` regenerates them."""
    for path, text in checkout_workflows().items():
        assert (ROOT / path).read_text(encoding="utf-8") == text, (
            f"{path} is out of step with its template: run python -m scripts.workflows"
        )
    assert regenerate.main(["--check"]) == 0


def test_the_packaged_lock_is_the_repositorys() -> None:
    assert (ROOT / "okrsite/edit/templates/requirements.lock").read_bytes() == (
        ROOT / "requirements.lock"
    ).read_bytes(), "run python -m scripts.workflows"


def test_the_generated_workflows_pass_actionlint_and_zizmor(repo: Path) -> None:
    workflows = sorted(str(p) for p in (repo / ".github/workflows").glob("*.yml"))
    assert_linted(workflows)
    assert_audited(str(repo))


def test_init_help_names_what_it_writes() -> None:
    result = CliRunner().invoke(main, ["init", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split()).lower()
    for words in ("never overwrites a file", "--update", "requirements-okrsite.txt", "--team"):
        assert words in text
