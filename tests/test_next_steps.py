"""Every page says what to do next: trouble is never averaged away, each KR tells its owner when
and how to check in, and the overdue check-ins are one link from the overview."""

from __future__ import annotations

import re
from functools import cache

from okrsite.load.repository import load_valid
from okrsite.score.history import score_all
from okrsite.score.landing import pulled_down, trouble
from tests.conftest import DEMO_AS_OF, MINIMAL, PROJECT, WriteRepo
from tests.test_colours import quarters_of
from tests.test_pages import pages_of, plain


@cache
def demo() -> dict[str, dict[str, str]]:
    """The demo's pages, every quarter, as of the demo's day."""
    return dict(quarters_of(PROJECT, DEMO_AS_OF))


def test_a_group_pulled_down_by_its_own_objectives_says_so() -> None:
    """Product Engineering projects yellow while its teams, alone, would make it green: its own
    objectives project 0.33. Its page and the overview say so; no other unit is named."""
    pages = demo()["2026-Q4"]
    expected = (
        "is pulled down by its own objectives: they project 0.33, the units below it 0.83,"
        " which alone would make it green."
    )
    named = [line for line in pages["index.md"].splitlines() if "pulled down" in line]
    assert named == [f"- [Product Engineering](units/product.md) {expected}"]
    product = [plain(line) for line in pages["units/product.md"].splitlines()]
    assert (
        "Pulled down by its own objectives: they project 0.33, the units below it 0.83, which"
        " alone would make it green." in product
    )
    assert "Pulled down" not in pages["units/platform.md"]
    # The same from the scores: the group's band is yellow, its units' alone green.
    repository = load_valid(PROJECT)
    result = next(
        r for r in score_all(repository, DEMO_AS_OF, DEMO_AS_OF) if r.quarter.id == "2026-Q4"
    )
    found = pulled_down(repository.org, result)
    assert [(p.unit.unit.id, p.unit.band, p.below_band) for p in found] == [
        ("product", "yellow", "green")
    ]


def test_rows_count_the_key_results_at_risk_or_off_track() -> None:
    """A mean hides trouble; a count does not: the org line, each unit row and each objective
    say how many of their KRs are off track or at risk."""
    pages = demo()["2026-Q4"]
    overview = plain(pages["index.md"])
    assert "**Org projected 0.81 green** · so far 0.57 · 3 of 42 off track, 8 at risk ·" in overview
    rows = {
        line.split("](units/")[1].split(".md")[0]: line.rsplit("|", 2)[1].strip()
        for line in overview.splitlines()
        if line.startswith("| ") and "](units/" in line
    }
    repository = load_valid(PROJECT)
    result = next(
        r for r in score_all(repository, DEMO_AS_OF, DEMO_AS_OF) if r.quarter.id == "2026-Q4"
    )
    for unit in result.units:
        krs = [kr for u in [unit.unit.id, *(d.id for d in repository.org.descendants(unit.unit.id))]
               if (r := result.unit(u)) for o in r.objectives for kr in o.key_results]  # fmt: skip
        bad = sum(kr.status in ("at-risk", "off-track") for kr in krs if not kr.dropped)
        total = sum(1 for kr in krs if not kr.dropped)
        assert rows[unit.unit.id] == f"{bad} of {total}", unit.unit.id
    payments = plain(pages["units/payments.md"])
    assert "· 3 of 3 key results checked in. 2 of 3 at risk.\n" in payments
    assert trouble([]).any is False


def test_each_key_result_says_when_its_next_check_in_is_due_and_how_to_record_it(
    write_repo: WriteRepo,
) -> None:
    """An open quarter's KR: its next check-in date (overdue flagged) and a folded block with
    the exact command; a dropped KR and a closed quarter's KRs have neither."""
    unit = pages_of(write_repo(MINIMAL), "2026-Q4")["units/payments.md"]
    # lead-time checked in on 2026-11-15: due 30 days later; change-failure-rate on 2026-10-15,
    # so due 2026-11-14, before the as-of date 2026-11-27: overdue.
    assert "latest 8 days; next check-in 2026-12-15." in unit
    assert (
        'next check-in <span class="okrsite-badge okrsite-flag">overdue</span> since 2026-11-14.'
        in unit
    )
    commands = re.findall(r"<pre><code>(okrsite checkin [^<]*)</code></pre>", unit)
    assert commands == [
        "okrsite checkin payments delivery/lead-time VALUE --quarter 2026-Q4",
        "okrsite checkin payments delivery/change-failure-rate VALUE --quarter 2026-Q4",
    ]
    fold = '<details class="example okrsite-side" data-search-exclude="true"><summary>Check in'
    assert unit.count(fold) == 2
    # Without the repository's address, no editor link.
    assert "/edit/" not in unit
    closed = demo()["2026-Q3"]["units/payments.md"]
    assert "okrsite checkin" not in closed and "next check-in" not in closed


def test_the_overdue_count_links_the_list_of_overdue_check_ins_by_owner() -> None:
    """The overview's count is the number of rows the owners page lists under #overdue."""
    pages = demo()["2026-Q4"]
    count = re.search(r"\[(\d+) check-ins? overdue\]\(owners\.md#overdue\)", pages["index.md"])
    assert count is not None
    owners = pages["owners.md"]
    section = owners.split("## Overdue check-ins {: #overdue }\n\n")[1].split("\n\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "](units/" in line]
    assert len(rows) == int(count.group(1)) > 0
    names = [row.split(" | ")[0][2:] for row in rows]
    assert names == sorted(names, key=str.casefold)


def test_a_closed_quarter_lists_no_overdue_check_in(write_repo: WriteRepo) -> None:
    """A closed quarter has nothing due: no overdue section, no count."""
    pages = demo()["2026-Q3"]
    assert "#overdue" not in pages["index.md"]
    assert "Overdue check-ins" not in pages["owners.md"]


def test_a_table_marks_thresholds_that_are_not_the_policy_s_and_says_them_below() -> None:
    """Units whose roll-up holds aspirational objectives have lower thresholds: the table marks
    their band with a dagger and the sentence under it gives the thresholds, by unit."""
    overview = plain(demo()["2026-Q4"]["index.md"])
    marked = [
        line.split("](units/")[1].split(".md")[0]
        for line in overview.splitlines()
        if line.startswith("| ") and "†" in line
    ]
    assert marked == ["eng", "platform", "identity", "data-ai"]
    assert (
        "† Thresholds of units whose roll-up holds aspirational objectives: green from 0.68,"
        " red below 0.39 (Northwind Engineering, Platform); green from 0.60, red below 0.34"
        " (Identity); green from 0.65, red below 0.37 (Data &amp; AI)." in overview
    )
    # A unit's own page says it in words beside its colour.
    identity = plain(demo()["2026-Q4"]["units/identity.md"])
    assert "(lowered for aspirational objectives: green from 0.60, red below 0.34)" in identity
