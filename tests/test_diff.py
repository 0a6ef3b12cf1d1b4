"""`okrsite diff`: score changes between a base (git revision or folder) and the working tree."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from okrsite.load.git_revision import check_revision, materialise
from okrsite.load.repository import load_valid
from okrsite.model.errors import OkrsiteError
from okrsite.score.diff import diff_results, shown
from okrsite.score.history import score_all
from okrsite.site.pages.diff_summary import to_markdown
from tests.conftest import MINIMAL, PAYMENTS_YAML, WriteRepo

GOLDEN = Path(__file__).parent / "golden"
TODAY_EPOCH = "1795737600"  # 2026-11-27
TODAY = date(2026, 11, 27)

Q3 = {
    "okrs/2026-Q3/quarter.yaml": "status: closed\n",
    "okrs/2026-Q3/payments.yaml": PAYMENTS_YAML,
    "okrs/2026-Q3/payments.csv": "date,kr,value\n2026-09-01,delivery/lead-time,9\n",
}
BASE = {**MINIMAL, **Q3}
"""The base: MINIMAL's 2026-Q4 and a closed 2026-Q3 that the change deletes."""

QUALITY = """\
  - id: quality
    title: Fewer <b>bugs</b> | *really* [ship](javascript:alert(1))
    domain: technical-health
    key_results:
      - id: triage
        kind: milestone
        title: Triage <script>alert(1)</script> every bug
        owner: Ana
        measurement: Checklist
"""
PLATFORM_YAML = """\
objectives:
  - id: paved-road
    title: A paved road for every team
    domain: platform
    key_results:
      - id: adoption
        kind: milestone
        title: Half the teams on the paved road
        owner: Kim
        measurement: Checklist
"""
CHANGE = {
    # lead-time at 6: (6 - 12) / (5 - 12) = 0.857; the guardrail is removed, so delivery is
    # 0.857 alone (was (0.571 + 1.0) / 2 = 0.786).
    "okrs/2026-Q4/payments.yaml": PAYMENTS_YAML.split("      - id: change-failure-rate")[0]
    + QUALITY,
    "okrs/2026-Q4/payments.csv": (
        "date,kr,value\n2026-10-15,delivery/lead-time,10\n2026-11-15,delivery/lead-time,8\n"
        "2026-11-20,delivery/lead-time,6\n2026-11-20,quality/triage,50\n"
    ),
    # platform's own objective: 40 / 100 = 0.4.
    "okrs/2026-Q4/platform.yaml": PLATFORM_YAML,
    "okrs/2026-Q4/platform.csv": "date,kr,value\n2026-11-01,paved-road/adoption,40\n",
}


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def changed_repo(write_repo: WriteRepo) -> Path:
    """A git repository whose HEAD is BASE and whose working tree holds CHANGE."""
    root = write_repo(BASE)
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "add", "okrs")
    _git(root, "commit", "--quiet", "-m", "base")
    for relative in Q3:
        (root / relative).unlink()
    (root / "okrs/2026-Q3").rmdir()
    write_repo(CHANGE, root)
    return root


def _golden(name: str, text: str) -> None:
    """Compare with a committed file; OKRSITE_UPDATE_GOLDEN=1 rewrites it instead."""
    path = GOLDEN / name
    if os.environ.get("OKRSITE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="\n")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("output_format", "golden"), [("markdown", "diff.md"), ("json", "diff.json")]
)
def test_diff_against_a_git_revision_matches_golden(
    changed_repo: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, golden: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    result = CliRunner().invoke(
        main, ["--root", str(changed_repo), "diff", "HEAD", "--format", output_format]
    )
    assert result.exit_code == 0, result.output
    _golden(golden, result.output)


def test_markdown_escapes_what_users_wrote() -> None:
    text = (GOLDEN / "diff.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "<b>" not in text and "](javascript" not in text
    assert "&lt;script&gt;" in text


def test_folder_base_gives_the_same_changes_as_the_revision(
    changed_repo: Path, write_repo: WriteRepo
) -> None:
    base = write_repo(BASE, changed_repo.parent / "base")
    before = score_all(load_valid(base), None, TODAY)
    after = score_all(load_valid(changed_repo), None, TODAY)
    json_golden = json.loads((GOLDEN / "diff.json").read_text(encoding="utf-8"))
    changes = diff_results(before, after)
    assert [d.quarter_id for d in changes] == [q["quarter"] for q in json_golden["quarters"]]
    objectives = {c.path: c for c in changes[-1].objectives}
    delivery, paved_road = objectives["payments/delivery"], objectives["platform/paved-road"]
    assert delivery.kind == "changed"
    assert delivery.before == pytest.approx((4 / 7 + 1) / 2)
    assert delivery.after == pytest.approx(6 / 7)
    assert (paved_road.kind, paved_road.before) == ("added", None)
    assert paved_road.after == pytest.approx(0.4)


def test_only_the_asked_quarter_and_nothing_when_nothing_changed(changed_repo: Path) -> None:
    after = score_all(load_valid(changed_repo), None, TODAY)
    assert diff_results(after, after) == ()
    assert to_markdown((), "HEAD").endswith("No score changes.\n")
    before = score_all(load_valid(changed_repo), None, TODAY)
    (only,) = diff_results(before[:0], after, "2026-Q4")
    assert only.kind == "added" and only.quarter_id == "2026-Q4"


def test_changes_below_display_precision_are_not_reported() -> None:
    assert shown(0.421) == shown(0.424) == "0.42"
    assert shown(None) == "-"


@pytest.mark.parametrize("revision", ["--upload-pack=x", "a:b", "main..HEAD", "a b", ""])
def test_unsafe_revisions_are_refused(revision: str) -> None:
    with pytest.raises(OkrsiteError, match="is not a git revision okrsite accepts"):
        check_revision(revision)


def test_materialise_writes_the_revisions_okrs(changed_repo: Path, tmp_path: Path) -> None:
    out = materialise(changed_repo, "HEAD", tmp_path / "base")
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(BASE)


def test_unknown_revision_and_missing_okrs(changed_repo: Path, tmp_path: Path) -> None:
    with pytest.raises(OkrsiteError, match=r"^'nope' is not a commit of the git repository"):
        materialise(changed_repo, "nope", tmp_path / "x")
    _git(changed_repo, "commit", "--quiet", "--allow-empty", "-m", "empty")
    _git(changed_repo, "rm", "-r", "--cached", "--quiet", "okrs")
    _git(changed_repo, "commit", "--quiet", "-m", "no okrs")
    with pytest.raises(OkrsiteError, match=r"^revision 'HEAD' has no okrs/ folder$"):
        materialise(changed_repo, "HEAD", tmp_path / "y")


def test_an_unknown_quarter_is_refused_rather_than_reported_unchanged(changed_repo: Path) -> None:
    after = score_all(load_valid(changed_repo), None, TODAY)
    with pytest.raises(
        OkrsiteError, match=r"^there is no quarter '2026-Q1' before or after the change; "
    ):
        diff_results(after, after, "2026-Q1")


def test_bases_that_cannot_be_read_are_explained(
    tmp_path: Path, write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # never find an outer repo
    root = write_repo(MINIMAL, tmp_path / "not-git")
    (tmp_path / "empty").mkdir()
    runner = CliRunner()
    folder = runner.invoke(main, ["--root", str(root), "diff", str(tmp_path / "empty")])
    assert folder.exit_code == 2
    assert "holds no okrs/; give the root of another copy" in folder.stderr
    revision = runner.invoke(main, ["--root", str(root), "diff", "HEAD"])
    assert revision.exit_code == 2
    assert "is not in a git repository, so revision 'HEAD' cannot be read" in revision.stderr
    assert "give a folder holding okrs/ as the base instead" in revision.stderr
