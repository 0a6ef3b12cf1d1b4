"""One pipeline: one as-of date per build, one number parser, one number format, one set of
declarations. Each test here failed before the package was laid out by stage (issue 8)."""

from __future__ import annotations

import html
import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import main
from tests.conftest import MINIMAL, PAYMENTS_YAML, WriteRepo

# 2026-12-20 00:00 UTC: "today" for the builds below.
DEC_20 = "1797724800"
PROJECT = Path(__file__).resolve().parent.parent


def _build(root: Path, *args: str, today: str = DEC_20) -> Path:
    """Build root's site with the given extra arguments and a pinned today; return the site."""
    (root / "mkdocs.yml").write_text("site_name: x\ntheme: {name: material}\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["--root", str(root), "build", "--out", "site", *args],
        env={"SOURCE_DATE_EPOCH": today},
    )
    assert result.exit_code == 0, result.output
    return root / "site"


def _stale_in_scores(quarter_site: Path) -> list[str]:
    """The KRs scores.json calls stale."""
    scores = json.loads((quarter_site / "scores.json").read_text(encoding="utf-8"))
    return sorted(
        f"{u['id']}/{o['id']}/{kr['id']}"
        for u in scores["units"]
        for o in u["objectives"]
        for kr in o["key_results"]
        if kr["stale"]
    )


def _stale_on_checks_page(quarter_site: Path) -> list[str]:
    """The KRs the checks page lists under OKR207."""
    page = html.unescape((quarter_site / "checks" / "index.html").read_text(encoding="utf-8"))
    found = re.findall(r"OKR207(?:</a>)?</td>.*?key result '([a-z0-9/-]+)'", page, re.S)
    return sorted(set(found))


@pytest.mark.slow
def test_the_checks_page_and_the_scores_use_the_builds_as_of_date(
    write_repo: WriteRepo,
) -> None:
    # change-failure-rate's only check-in is 2026-10-15: 5 days before the as-of date 2026-10-20
    # (fresh), 66 days before today 2026-12-20 (stale: more than 45).
    root = write_repo(MINIMAL)
    as_of = _build(root, "--as-of", "2026-10-20") / "2026-Q4"
    assert _stale_in_scores(as_of) == []
    assert _stale_on_checks_page(as_of) == []
    # Without --as-of, today's date makes it stale on both, so the page is read correctly.
    today = _build(root) / "2026-Q4"
    assert _stale_in_scores(today) == ["payments/delivery/change-failure-rate"]
    assert _stale_on_checks_page(today) == ["payments/delivery/change-failure-rate"]


@pytest.mark.parametrize("value", ["1e16", "-2e15", "1_000", "0x10", "inf", "nan", "１２"])
def test_checkin_refuses_what_check_would_refuse(write_repo: WriteRepo, value: str) -> None:
    root = write_repo(MINIMAL)
    csv_path = root / "okrs/2026-Q4/payments.csv"
    before = csv_path.read_bytes()
    result = CliRunner().invoke(
        main,
        ["--root", str(root), "checkin", "payments", "delivery/lead-time", value, "--date",
         "2026-11-20"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "okrsite: error: value" in result.output
    assert csv_path.read_bytes() == before


@pytest.mark.parametrize(
    ("typed", "written"),
    [("1e15", "1000000000000000"), ("-1E3", "-1000"), ("7.50", "7.5"), ("+3", "3"), (".5", "0.5")],
)
def test_checkin_writes_what_check_reads_back(
    write_repo: WriteRepo, typed: str, written: str
) -> None:
    root = write_repo(MINIMAL)
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["--root", str(root), "checkin", "payments", "delivery/lead-time", typed, "--date",
         "2026-11-20"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    last = (root / "okrs/2026-Q4/payments.csv").read_text(encoding="utf-8").splitlines()[-1]
    assert last == f"2026-11-20,delivery/lead-time,{written},,,"
    checked = runner.invoke(main, ["--root", str(root), "check"], env={"SOURCE_DATE_EPOCH": DEC_20})
    assert "OKR036" not in checked.output
    assert checked.exit_code == 0, checked.output


@pytest.mark.slow
def test_a_large_number_reads_the_same_on_the_page_and_in_the_chart(
    write_repo: WriteRepo,
) -> None:
    yaml = PAYMENTS_YAML.replace("baseline: 12\n", "baseline: 1234567\n").replace(
        "target: 5\n", "target: 2000000.5\n"
    )
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": yaml})
    quarter = _build(root) / "2026-Q4"
    page = (quarter / "units" / "payments" / "index.html").read_text(encoding="utf-8")
    assert "e+06" not in page
    assert "1234567" in page
    assert "2000000.5" in page
    chart = next((quarter / "charts").glob("kr-payments.delivery.lead-time*.svg"))
    assert "1234567" in chart.read_text(encoding="utf-8")


def test_root_and_debug_say_the_same_before_and_after_the_command() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"]).output
    sub = runner.invoke(main, ["build", "--help"]).output

    def help_of(option: str, text: str) -> str:
        # An option's entry starts two spaces in; its help runs to the next entry or section.
        match = re.search(rf"^  {option} [^\n]*?\s{{2,}}(.+?)(?=^  -|^\S|\Z)", text, re.M | re.S)
        assert match, text
        return " ".join(match.group(1).split())

    for option in ("--root", "--debug"):
        assert help_of(option, top) == help_of(option, sub)


# Distribution name -> the module it is imported as, where the two differ.
IMPORT_NAMES = {
    "pyyaml": "yaml",
    "vl-convert-python": "vl_convert",
    "mkdocs-material": None,
    "pygithub": "github",
}


def test_every_declared_dependency_is_imported() -> None:
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((PROJECT / "okrsite").rglob("*.py"))
    )
    unused = []
    for requirement in pyproject["project"]["dependencies"]:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()
        module = IMPORT_NAMES.get(name, name.replace("-", "_"))
        if module is None:  # the theme: MkDocs loads it by name from mkdocs.yml
            continue
        if not re.search(rf"^\s*(import|from) {re.escape(module)}\b", source, re.M):
            unused.append(name)
    assert unused == []
