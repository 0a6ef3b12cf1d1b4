"""`okrsite new quarter`: the next quarter's folder with carry-overs, never overwriting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from okrsite import pipeline
from okrsite.cli import main
from okrsite.edit.scaffold import new_quarter
from okrsite.model.errors import OkrsiteError
from tests.conftest import ORG_YAML, PAYMENTS_YAML, WriteRepo

TODAY = date(2026, 10, 20)

Q3_PAYMENTS_YAML = """\
objectives:
  - id: delivery
    title: "Ship features faster: from idea to production"
    domain: delivery
    aligns_to: platform/speed
    key_results:
      - id: lead-time
        title: Reduce median lead time for changes from 12 days to 5 days
        owner: Sam Lee
        measurement: Deployment pipeline
        unit: days
        baseline: 12
        target: 5
      - id: change-failure-rate
        kind: guardrail
        title: Keep change failure rate below 5%
        owner: Sam Lee
        measurement: Incident tracker
        baseline: 4.2
        max: 5
"""
Q3_PLATFORM_YAML = """\
objectives:
  - id: speed
    title: Platform makes teams faster
    domain: delivery
    key_results:
      - id: adoption
        kind: milestone
        title: Every team on the golden path
        owner: Kim
        measurement: Checklist
"""
# lead-time: (8 - 12) / (5 - 12) = 0.571, a carry-over; change-failure-rate held once: 1.0;
# adoption: 90 / 100 = 0.9. Only lead-time is carried, with baseline 8.
Q3_PAYMENTS_CSV = """\
date,kr,value
2026-08-15,delivery/lead-time,10
2026-09-15,delivery/lead-time,8
2026-09-15,delivery/change-failure-rate,4
"""
CLOSED_Q3 = {
    "okrs/org.yaml": ORG_YAML,
    "okrs/2026-Q3/quarter.yaml": "status: closed\n",
    "okrs/2026-Q3/payments.yaml": Q3_PAYMENTS_YAML,
    "okrs/2026-Q3/payments.csv": Q3_PAYMENTS_CSV,
    "okrs/2026-Q3/platform.yaml": Q3_PLATFORM_YAML,
    "okrs/2026-Q3/platform.csv": "date,kr,value\n2026-09-20,speed/adoption,90\n",
}

EXPECTED_PAYMENTS = """\
# yaml-language-server: $schema=../../schemas/unit.schema.json
# Payments: objectives and key results for the quarter.
# Carried over from 2026-Q3: graded 0.5 to 0.7, baseline = last value.
objectives:
  - id: delivery
    title: 'Ship features faster: from idea to production'
    domain: delivery
    # aligns_to: platform/speed
    key_results:
      # carried over from 2026-Q3: graded 0.57
      - id: lead-time
        title: Reduce median lead time for changes from 12 days to 5 days
        owner: Sam Lee
        measurement: Deployment pipeline
        unit: days
        baseline: 8  # last value; was 12 in 2026-Q3: check the title
        target: 5

# Last quarter's objectives (2026-Q3), to copy from: uncomment one under
# `objectives:` (written `objectives:` alone, without [], once it has any).
# - id: delivery
#   title: 'Ship features faster: from idea to production'
#   domain: delivery
#   # aligns_to: platform/speed
#   key_results:
#     - id: lead-time
#       title: Reduce median lead time for changes from 12 days to 5 days
#       owner: Sam Lee
#       measurement: Deployment pipeline
#       unit: days
#       baseline: 12
#       target: 5
#     - id: change-failure-rate
#       title: Keep change failure rate below 5%
#       kind: guardrail
#       owner: Sam Lee
#       measurement: Incident tracker
#       baseline: 4.2
#       max: 5
"""


def _errors(root: Path) -> list[str]:
    return [str(p) for p in pipeline.check(root, TODAY).problems if p.severity == "error"]


def test_carries_over_the_middle_grades_of_a_closed_quarter(write_repo: WriteRepo) -> None:
    root = write_repo(CLOSED_Q3)
    done = new_quarter(root, "2026-Q4", TODAY)
    assert done.carried == ("payments/delivery/lead-time",)
    assert done.source_id == "2026-Q3" and not done.provisional
    assert done.files == (
        "okrs/2026-Q4/quarter.yaml",
        "okrs/2026-Q4/eng.yaml",
        "okrs/2026-Q4/platform.yaml",
        "okrs/2026-Q4/payments.yaml",
    )
    folder = root / "okrs/2026-Q4"
    assert (folder / "payments.yaml").read_text() == EXPECTED_PAYMENTS
    assert (folder / "quarter.yaml").read_text() == (
        "# yaml-language-server: $schema=../../schemas/quarter.schema.json\n"
        "start: 2026-10-01\nend: 2026-12-31\nstatus: open\n"
    )
    # platform's milestone scored 0.9: not carried, so its objective is only a comment.
    assert yaml.safe_load((folder / "platform.yaml").read_text()) == {"objectives": []}
    assert "# - id: speed" in (folder / "platform.yaml").read_text()
    assert (
        "# An objective looks like this: uncomment it under `objectives:`"
        in (folder / "eng.yaml").read_text()
    )
    assert not (folder / "payments.csv").exists()
    assert _errors(root) == []


def test_an_open_source_quarter_gives_provisional_grades(write_repo: WriteRepo) -> None:
    # Today, 2026-11-27, lead-time is at 8: (8 - 12) / (5 - 12) = 0.571, a carry-over;
    # change-failure-rate held its one check-in: 1.0.
    root = write_repo(
        {
            "okrs/org.yaml": ORG_YAML,
            "okrs/2026-Q4/payments.yaml": PAYMENTS_YAML,
            "okrs/2026-Q4/payments.csv": (
                "date,kr,value\n2026-11-15,delivery/lead-time,8\n"
                "2026-10-15,delivery/change-failure-rate,4\n"
            ),
        }
    )
    done = new_quarter(root, "2027-Q1", date(2026, 11, 27))
    assert done.provisional and done.carried == ("payments/delivery/lead-time",)
    plan = yaml.safe_load((root / "okrs/2027-Q1/payments.yaml").read_text())
    (key_result,) = plan["objectives"][0]["key_results"]
    assert key_result["baseline"] == 8 and key_result["target"] == 5
    text = (root / "okrs/2027-Q1/payments.yaml").read_text()
    assert "      # carried over from 2026-Q4: graded 0.57 so far (provisional)\n" in text
    assert _errors(root) == []


def test_first_quarter_gets_templates(write_repo: WriteRepo) -> None:
    root = write_repo({"okrs/org.yaml": ORG_YAML})
    done = new_quarter(root, "2026-Q4", TODAY)
    assert done.source_id is None and done.carried == ()
    assert _errors(root) == []


@pytest.mark.parametrize(
    ("quarter_id", "message"),
    [
        ("2026-Q3", r"^okrs/2026-Q3/ already exists; okrsite never overwrites a quarter$"),
        ("2026-Q2", r"^2026-Q2 is not after the latest quarter, 2026-Q3; a new quarter must"),
        ("2026-q4", r"^'2026-q4' is not a quarter; write it as YYYY-Qn, e.g\. 2027-Q1$"),
        ("../../etc", r"^'\.\./\.\./etc' is not a quarter"),
    ],
)
def test_refusals(write_repo: WriteRepo, quarter_id: str, message: str) -> None:
    root = write_repo(CLOSED_Q3)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    with pytest.raises(OkrsiteError, match=message):
        new_quarter(root, quarter_id, TODAY)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_command_lists_files_and_carry_overs(write_repo: WriteRepo) -> None:
    root = write_repo(CLOSED_Q3)
    result = CliRunner().invoke(main, ["--root", str(root), "new", "quarter", "2026-Q4"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "carried over 1 key results graded 0.5 to 0.7 in 2026-Q3, by its final grades:",
        "  payments/delivery/lead-time",
    ]
    again = CliRunner().invoke(main, ["--root", str(root), "new", "quarter", "2026-Q4"])
    assert again.exit_code == 2
    assert "okrsite: error: okrs/2026-Q4/ already exists" in again.output


def test_uncommenting_the_template_as_the_file_says_gives_a_valid_plan(
    write_repo: WriteRepo,
) -> None:
    root = write_repo({"okrs/org.yaml": ORG_YAML})
    new_quarter(root, "2026-Q4", TODAY)
    path = root / "okrs/2026-Q4/payments.yaml"
    head, template = path.read_text().split("# An objective looks like this", 1)
    lines = template.splitlines()[2:]  # after the two lines of instructions
    assert lines and all(line.startswith("#") for line in lines)
    uncommented = "\n".join(line[1:] for line in lines)
    path.write_text(head.replace("objectives: []", "objectives:") + uncommented + "\n")
    assert _errors(root) == []
    plan = yaml.safe_load(path.read_text())
    assert [o["id"] for o in plan["objectives"]] == ["delivery"]


def test_command_says_when_nothing_is_carried_over(write_repo: WriteRepo) -> None:
    root = write_repo({"okrs/org.yaml": ORG_YAML})
    first = CliRunner().invoke(main, ["--root", str(root), "new", "quarter", "2026-Q4"])
    assert first.output.splitlines()[-1] == (
        "no earlier quarter: every unit starts from a commented template"
    )
    result = CliRunner().invoke(main, ["--root", str(root), "new", "quarter", "2027-Q1"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "no key result was graded 0.5 to 0.7 in 2026-Q4, by provisional grades (it is still open)"
    )


def _with_grades(lead_time: str, failure_rate: str) -> dict[str, str]:
    """CLOSED_Q3 with extra fields on payments' two KRs (indented YAML lines)."""
    payments = Q3_PAYMENTS_YAML.replace(
        "        target: 5\n", "        target: 5\n" + lead_time
    ).replace("        max: 5\n", "        max: 5\n" + failure_rate)
    return {**CLOSED_Q3, "okrs/2026-Q3/payments.yaml": payments}


def test_a_carried_kr_says_why_with_its_grade_note_on_one_line(write_repo: WriteRepo) -> None:
    # The note is user text: line breaks (\n, \r, NEL, U+2028, U+2029) and tabs must not break
    # the comment out onto a YAML line of its own.
    note = "Review latency\nwas: the bottleneck\r\n- id: evil\u0085x\u2028y\u2029\tz  # still"
    files = _with_grades(
        f"        grade: 0.6\n        grade_note: {yaml.safe_dump(note).strip()}\n",
        "        grade: 0.9\n",
    )
    root = write_repo(files)
    done = new_quarter(root, "2026-Q4", TODAY)
    assert done.carried == ("payments/delivery/lead-time",)
    text = (root / "okrs/2026-Q4/payments.yaml").read_text()
    comment = (
        "      # carried over from 2026-Q3: graded 0.6 \u2014 "
        "Review latency was: the bottleneck - id: evil x y z # still\n"
        "      - id: lead-time\n"
    )
    assert comment in text
    plan = yaml.safe_load(text)
    (key_result,) = plan["objectives"][0]["key_results"]
    assert key_result["id"] == "lead-time" and "grade_note" not in key_result
    assert _errors(root) == []


def test_a_long_grade_note_is_cut(write_repo: WriteRepo) -> None:
    root = write_repo(_with_grades(f"        grade: 0.5\n        grade_note: {'a' * 500}\n", ""))
    new_quarter(root, "2026-Q4", TODAY)
    text = (root / "okrs/2026-Q4/payments.yaml").read_text()
    (line,) = [x for x in text.splitlines() if x.startswith("      # carried over")]
    assert line.endswith(" \u2014 " + "a" * 199 + "\u2026")
    assert yaml.safe_load(text)["objectives"][0]["key_results"][0]["baseline"] == 8


def test_a_dropped_kr_is_never_carried_over(write_repo: WriteRepo) -> None:
    # lead-time scored 0.571 and is graded 0.6, both carry-over grades, but it was dropped;
    # nor is it offered in the commented copy of last quarter's objectives.
    root = write_repo(
        _with_grades("        grade: 0.6\n        dropped: The team moved to Checkout\n", "")
    )
    done = new_quarter(root, "2026-Q4", TODAY)
    assert done.carried == ()
    text = (root / "okrs/2026-Q4/payments.yaml").read_text()
    assert yaml.safe_load(text) == {"objectives": []}
    assert "lead-time" not in text and "# - id: delivery" in text
    assert "change-failure-rate" in text
    assert _errors(root) == []


def test_a_dropped_kr_of_an_open_quarter_is_never_carried_over(write_repo: WriteRepo) -> None:
    payments = PAYMENTS_YAML.replace(
        "        target: 5\n", "        target: 5\n        dropped: Paused for the freeze\n", 1
    )
    assert payments != PAYMENTS_YAML
    root = write_repo(
        {
            "okrs/org.yaml": ORG_YAML,
            "okrs/2026-Q4/payments.yaml": payments,
            "okrs/2026-Q4/payments.csv": "date,kr,value\n2026-11-15,delivery/lead-time,8\n",
        }
    )
    done = new_quarter(root, "2027-Q1", date(2026, 11, 27))
    assert done.carried == ()
    text = (root / "okrs/2027-Q1/payments.yaml").read_text()
    assert yaml.safe_load(text) == {"objectives": []} and "lead-time" not in text
    assert _errors(root) == []


def test_a_note_keeps_no_control_character() -> None:
    from okrsite.edit.scaffold import _one_line

    text = "a\x00b\x1b[31mc\u202ed\ufeffe\u200bf\x7fg\ud800h\ufffei"
    assert _one_line(text) == "a b [31mc d e f g h i"
    assert yaml.safe_load(f"# {_one_line(text)}\nx: 1\n") == {"x": 1}
