"""Every check code is documented with an example and a fix, and exercised by a test."""

from __future__ import annotations

import re
from pathlib import Path

from okrsite.model.problems import CODES

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "okrsite" / "site" / "defaults" / "help" / "check-codes.md"


def documented() -> dict[str, str]:
    """Each code's section of check-codes.md."""
    sections = re.split(r"^### ", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    return {section.split("\n", 1)[0].strip(): section for section in sections}


def test_every_code_has_a_section_with_a_fix() -> None:
    sections = documented()
    assert [heading.split(":")[0] for heading in sections] == list(CODES)
    for heading, section in sections.items():
        assert "Fix:" in section, heading


def test_every_code_heading_carries_its_name_and_a_stable_anchor() -> None:
    # The checks page links each finding's code to #okrNNN; the heading says what it means.
    for heading, code in zip(documented(), CODES.values(), strict=True):
        name = code.name[0].upper() + code.name[1:]
        assert heading == f"{code.code}: {name} {{: #{code.code.lower()} }}"


def test_every_code_is_asserted_by_a_test() -> None:
    tests = "".join(
        path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        if path.name != Path(__file__).name
    )
    assert [code for code in CODES if code not in tests] == []


def test_codes_are_grouped_by_severity() -> None:
    for code in CODES.values():
        expected = "warning" if code.code.startswith("OKR2") else "error"
        assert code.severity == expected, code
