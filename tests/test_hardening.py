"""What a hostile pull request can do: check and build agree, and text reaches readers as written.

Each test here failed before issue 9's fixes.
"""

from __future__ import annotations

import html
import os
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrsite.cli import main
from okrsite.edit.lifecycle import close_quarter
from okrsite.load.text import MAX_BYTES
from tests.conftest import MINIMAL, ORG_YAML, PAYMENTS_YAML, WriteRepo

TODAY = "1796083200"  # 2026-12-01 00:00 UTC
MKDOCS_YML = "site_name: x\ntheme: {name: material}\n"


def run(root: Path, *args: str) -> Result:
    """okrsite with a pinned today, as a user runs it."""
    return CliRunner().invoke(main, ["--root", str(root), *args], env={"SOURCE_DATE_EPOCH": TODAY})


def closed_repo(write_repo: WriteRepo) -> Path:
    """MINIMAL with 2026-Q4 closed and frozen by `okrsite close`."""
    root = write_repo({**MINIMAL, "mkdocs.yml": MKDOCS_YML})
    close_quarter(root, "2026-Q4", date(2026, 12, 1), early=True)  # on TODAY, before its end
    return root


def test_the_build_refuses_a_closed_quarter_edited_since_it_closed(write_repo: WriteRepo) -> None:
    root = closed_repo(write_repo)
    with (root / "okrs/2026-Q4/payments.csv").open("a", encoding="utf-8") as stream:
        stream.write("2026-12-20,delivery/lead-time,3,,,\n")
    checked = run(root, "check")
    assert checked.exit_code == 1
    assert "OKR301 closed quarter 2026-Q4 has changed since it was closed" in checked.output
    built = run(root, "build", "--out", "site")
    assert built.exit_code == 2
    assert re.search(
        r"^okrsite: error: okrs/2026-Q4/quarter\.yaml:\d+:1: OKR301 ", built.output, re.M
    )
    assert not (root / "site").exists()


def test_the_build_refuses_a_malformed_digest(write_repo: WriteRepo) -> None:
    root = closed_repo(write_repo)
    quarter_yaml = root / "okrs/2026-Q4/quarter.yaml"
    text = quarter_yaml.read_text(encoding="utf-8")
    quarter_yaml.write_text(re.sub(r"sha256:[0-9a-f]+", "sha256:nothex", text), encoding="utf-8")
    assert run(root, "check").exit_code == 1
    built = run(root, "build", "--out", "site")
    assert built.exit_code == 2
    assert "OKR302 digest 'sha256:nothex' of closed quarter 2026-Q4" in built.output
    assert not (root / "site").exists()


def test_a_repository_without_a_quarter_fails_check_and_build_alike(
    write_repo: WriteRepo,
) -> None:
    root = write_repo({"okrs/org.yaml": ORG_YAML, "mkdocs.yml": MKDOCS_YML})
    checked = run(root, "check")
    assert checked.exit_code == 1
    assert checked.output.startswith(
        "okrs/: OKR024 holds no quarter folder, so there is nothing to publish; create one named "
        "YYYY-Qn"
    )
    built = run(root, "build", "--out", "site")
    assert built.exit_code == 2
    assert "okrs/: OKR024 holds no quarter folder" in built.output


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u202a"])
def test_a_bidirectional_control_in_a_title_is_a_located_error(
    write_repo: WriteRepo, character: str
) -> None:
    title = f"Ship faster {character}for everyone"
    yaml = PAYMENTS_YAML.replace(
        "title: Ship features from idea to production faster", f"title: {title}"
    )
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": yaml, "mkdocs.yml": MKDOCS_YML})
    checked = run(root, "check")
    assert checked.exit_code == 1
    code = f"U+{ord(character):04X}"
    assert (
        f"okrs/2026-Q4/payments.yaml:3:12: OKR016 objective 'payments/delivery': title holds the "
        f"invisible bidirectional control character {code}, which makes text display in a "
        "different order from what it says; remove it"
    ) in checked.output
    assert run(root, "build", "--out", "site").exit_code == 2


def test_a_bidirectional_control_in_a_unit_name_is_refused(write_repo: WriteRepo) -> None:
    org = ORG_YAML.replace("name: Payments", 'name: "Pay\\u202ements"')
    root = write_repo({**MINIMAL, "okrs/org.yaml": org})
    checked = run(root, "check")
    assert checked.exit_code == 1
    assert "OKR016 unit 'payments': name holds the invisible bidirectional" in checked.output


def test_checkin_refuses_a_note_that_would_push_the_file_past_the_read_limit(
    write_repo: WriteRepo,
) -> None:
    root = write_repo(MINIMAL)
    csv_path = root / "okrs/2026-Q4/payments.csv"
    before = csv_path.read_bytes()
    note = "x" * (MAX_BYTES - len(before))  # the row around it pushes the file over the limit
    args = ["checkin", "payments", "delivery/lead-time", "7", "--date", "2026-11-20"]
    result = run(root, *args, "--note", note)
    assert result.exit_code == 2
    assert result.output.startswith(
        "okrsite: error: okrs/2026-Q4/payments.csv would grow past 1024 KiB, the most okrsite "
        "reads from one file"
    )
    assert csv_path.read_bytes() == before
    # A note that fits is written, and the file still loads.
    assert run(root, *args, "--note", "x" * 1000).exit_code == 0
    assert run(root, "check").exit_code == 0


@pytest.mark.slow
def test_the_org_name_is_escaped_once_in_the_header(write_repo: WriteRepo) -> None:
    org = ORG_YAML.replace("name: Acme Engineering", 'name: "R&D <Eng> \\"North\\""')
    root = write_repo({**MINIMAL, "okrs/org.yaml": org, "mkdocs.yml": MKDOCS_YML})
    assert run(root, "build", "--out", "site").exit_code == 0
    page = (root / "site/2026-Q4/index.html").read_text(encoding="utf-8")
    assert "&amp;amp;" not in page and "&amp;lt;" not in page
    logo = re.search(r'<a [^>]*class="md-header__button md-logo"[^>]*>', page)
    assert logo is not None
    title = re.search(r'title="([^"]*)"', logo.group())
    assert title is not None
    assert html.unescape(title.group(1)) == 'R&D <Eng> "North"'
    assert "<Eng>" not in page  # nowhere raw


def test_the_digest_of_a_quarter_with_a_name_that_is_not_utf8_is_located(
    write_repo: WriteRepo,
) -> None:
    root = closed_repo(write_repo)
    os.close(os.open(bytes(root / "okrs/2026-Q4") + b"/notes\xff.txt", os.O_CREAT | os.O_WRONLY))
    checked = run(root, "check")
    assert "Traceback" not in checked.output
    assert checked.exit_code == 1
    assert "OKR054" in checked.output  # the name itself
    assert "OKR301" in checked.output  # a file was added after closing


def test_the_digest_never_follows_a_link(write_repo: WriteRepo) -> None:
    root = closed_repo(write_repo)
    (root / "okrs/2026-Q4/zero.csv").symlink_to("/dev/zero")
    checked = run(root, "check")  # returns: /dev/zero is never read
    assert checked.exit_code == 1
    assert "okrs/2026-Q4/zero.csv: OKR050" in checked.output


EVIL_PAGE = """\
# Team handbook

<script>alert("page")</script>

<img src="x.png" onerror="alert('img')">

[Click me](javascript:alert('link'))

Plain **Markdown** stays, with a [real link](https://example.org/).
"""


def content_repo(write_repo: WriteRepo, trust: str | None) -> Path:
    """MINIMAL with hostile pages in content/, and content trusted or sanitised."""
    extra = f"extra:\n  okrsite:\n    content: {trust}\n" if trust else ""
    return write_repo(
        {
            **MINIMAL,
            "mkdocs.yml": MKDOCS_YML + extra,
            "content/handbook.md": EVIL_PAGE,
            "content/index.md": 'Welcome. <script>alert("intro")</script>\n',
        }
    )


@pytest.mark.slow
def test_sanitised_content_reaches_readers_without_scripts(write_repo: WriteRepo) -> None:
    root = content_repo(write_repo, "sanitised")
    result = run(root, "build", "--out", "site")
    assert result.exit_code == 0, result.output
    handbook = (root / "site/2026-Q4/handbook/index.html").read_text(encoding="utf-8")
    overview = (root / "site/2026-Q4/index.html").read_text(encoding="utf-8")
    for page in (handbook, overview):
        assert "alert(" not in page
        assert "onerror" not in page
        assert "javascript:" not in page
    assert "<strong>Markdown</strong>" in handbook
    assert 'href="https://example.org/"' in handbook
    assert re.search(r'<img [^>]*src="charts/[^"]+\.svg#only-light', overview)  # the charts stay
    # The search index is built from the cleaned pages.
    index = (root / "site/2026-Q4/search/search_index.json").read_text(encoding="utf-8")
    assert "alert(" not in index


@pytest.mark.slow
def test_content_is_trusted_by_default(write_repo: WriteRepo) -> None:
    root = content_repo(write_repo, None)
    assert run(root, "build", "--out", "site").exit_code == 0
    handbook = (root / "site/2026-Q4/handbook/index.html").read_text(encoding="utf-8")
    assert '<script>alert("page")</script>' in handbook  # as documented: content/ is code


def test_sanitised_content_refuses_files_a_browser_would_run(write_repo: WriteRepo) -> None:
    root = content_repo(write_repo, "sanitised")
    (root / "content/widget.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    result = run(root, "build", "--out", "site")
    assert result.exit_code == 2
    assert "okrsite: error: content/widget.html: with `content: sanitised` in mkdocs.yml" in (
        result.output
    )
    assert not (root / "site").exists()


def test_an_unknown_content_setting_is_named(write_repo: WriteRepo) -> None:
    root = content_repo(write_repo, "safe")
    result = run(root, "build", "--out", "site")
    assert result.exit_code == 2
    assert "mkdocs.yml: extra.okrsite.content is 'safe'; write trusted" in result.output
