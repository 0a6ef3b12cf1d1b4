"""One quarter's pages as {path: text}: layout, figures, links, escaping. No MkDocs involved."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from okrsite.load.repository import load_valid
from okrsite.model.problems import Location, Problem
from okrsite.model.scores import OPEN_STATUSES, QuarterResult
from okrsite.score.export import dumps, export_quarter
from okrsite.score.history import score_all
from okrsite.site.pages.colours import STATUS_TONES
from okrsite.site.pages.quarter import DuplicatePageError, QuarterSite, add_page, quarter_pages
from tests.conftest import MINIMAL, PAYMENTS_CSV, PAYMENTS_YAML, WriteRepo
from tests.test_attention import BLOCKED

TODAY = date(2026, 11, 27)
FIXTURE = Path(__file__).resolve().parent / "golden" / "fixture"

CLOSED_Q3 = {
    "okrs/2026-Q3/quarter.yaml": "start: 2026-07-01\nend: 2026-09-30\nstatus: closed\n",
    # Graded 0.6: a carry-over candidate.
    "okrs/2026-Q3/payments.yaml": PAYMENTS_YAML.replace(
        "        target: 5\n", "        target: 5\n        grade: 0.6\n"
    ).replace(
        "    domain: delivery\n",
        "    domain: delivery\n    retro: {learned: Review latency mattered most}\n",
    ),
    "okrs/2026-Q3/payments.csv": PAYMENTS_CSV.replace("2026-10-", "2026-07-").replace(
        "2026-11-", "2026-08-"
    ),
}


def through(results: tuple[QuarterResult, ...], quarter_id: str) -> tuple[QuarterResult, ...]:
    """The results up to and including quarter_id's: what a quarter's site is made from."""
    ids = [r.quarter.id for r in results]
    return results[: ids.index(quarter_id) + 1]


def plain(text: str) -> str:
    """A page's text as a reader reads it: its HTML elements taken off, their text kept."""
    return re.sub(r"<[^>]+>", "", text)


_TIME = re.compile(r'<time datetime="(\d{4}-\d\d-\d\d)">\1</time>')


def pages_of(
    root: Path, quarter_id: str, problems: tuple[Problem, ...] = (), intro: str = ""
) -> dict[str, str]:
    """A quarter's pages with each date as a reader sees it: the <time> element around it
    (test_dates_are_time_elements) taken off, so the tests read like the page."""
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    pages = quarter_pages(
        QuarterSite(repository.org, through(results, quarter_id), quarter_id, problems, intro)
    )
    return {p: _TIME.sub(r"\1", text) if p.endswith(".md") else text for p, text in pages.items()}


def test_an_open_quarter_has_the_documented_layout(write_repo: WriteRepo) -> None:
    pages = pages_of(write_repo(MINIMAL), "2026-Q4")
    assert sorted(p for p in pages if not p.startswith("charts/")) == [
        "alignment.md",
        "archive.md",
        "blockers.md",
        "checks.md",
        "index.md",
        "owners.md",
        "scores.json",
        "units/eng.md",
        "units/payments.md",
        "units/platform.md",
    ]
    charts = sorted(p for p in pages if p.startswith("charts/"))
    # Two KRs, three unit histories, the unit scores and the org history: 7 charts, one SVG
    # each for both schemes.
    assert len(charts) == 7
    assert all(p.endswith(".svg") for p in charts)


def test_scores_json_is_the_export(write_repo: WriteRepo) -> None:
    root = write_repo(MINIMAL)
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    pages = quarter_pages(QuarterSite(repository.org, through(results, "2026-Q4"), "2026-Q4"))
    assert pages["scores.json"] == dumps(export_quarter(results[-1]))


def test_overview_states_the_org_score(write_repo: WriteRepo) -> None:
    overview = pages_of(write_repo(MINIMAL), "2026-Q4", intro="Welcome, *readers*.")
    # lead-time (8 - 12) / (5 - 12) = 0.571; the guardrail held 1 of 1 = 1.0;
    # the objective (0.571 + 1.0) / 2 = 0.786: green from 0.7. Projected: lead-time reaches
    # its target by the end (1.0), the guardrail's projection is its score (1.0).
    green = '<span class="okrsite-badge okrsite-green">green</span>'
    # In one line a CTO reads in five seconds: the projection with its band beside it, the
    # score so far, coverage; then where the quarter stands and when the next check-in falls.
    lines = overview["index.md"].splitlines()
    assert (
        '**Org projected <span class="okrsite-verdict"><data value="1" data-of="eng">1.00</data>'
        f" {green}</span>** · so far 0.79"
        " · 2 of 2 key results checked in (100 %)" in lines
    )
    assert (
        # change-failure-rate's only check-in, 2026-10-15, was due again by 2026-11-14; the
        # count links the owners page's list of them.
        "Execution phase, week 9 of 13, as of 2026-11-27 · [1 check-in overdue]"
        "(owners.md#overdue) · next check-in due 2026-12-15." in lines
    )
    assert "Welcome, *readers*." in overview["index.md"]  # content/index.md is the owner's text
    assert overview["index.md"].startswith('---\ntitle: "Overview"\n---\n')


def test_bands_and_statuses_are_badges_that_say_their_word(write_repo: WriteRepo) -> None:
    pages = pages_of(write_repo(MINIMAL), "2026-Q4")
    # lead-time 0.571 is yellow; its latest check-in is recent, so it has a status, not no-data.
    unit = pages["units/payments.md"]
    # The objective projects 1.00 (green); its score so far, 0.79, is a number, not a colour.
    assert '<span class="okrsite-badge okrsite-green">green</span>' in unit
    assert "okrsite-yellow" not in unit
    assert re.search(
        r'<span class="okrsite-badge okrsite-\w+">(on-track|at-risk|off-track|done)</span>', unit
    )
    # Every status a KR has is counted on the overview, each in its badge: no colour without
    # its word.
    counted = pages["index.md"].split("## Key results by status")[1].split("\n\n")[1]
    for status in OPEN_STATUSES:
        tone = STATUS_TONES[status]
        badge = f'<span class="okrsite-badge okrsite-{tone}" data-band-key="">{status}</span>'
        assert (badge in counted) == (f">{status}</span>" in unit)


def test_the_status_counts_leave_out_statuses_no_kr_has() -> None:
    overview = pages_of(FIXTURE, "2026-Q4")["index.md"]
    line = overview.split("## Key results by status\n\n")[1].split("\n\n")[0]
    assert re.sub(r"<[^>]+>", "", line) == "1 done · 6 on-track · 2 at-risk · 1 off-track"


def test_every_key_result_embeds_its_chart_in_both_schemes(write_repo: WriteRepo) -> None:
    page = pages_of(write_repo(MINIMAL), "2026-Q4")["units/payments.md"]
    for kr in ("lead-time", "change-failure-rate"):
        for scheme in ("light", "dark"):
            assert f"(../charts/kr-payments.delivery.{kr}.svg#only-{scheme})" in page
    # Two KR charts and the history chart, each with its data folded beside the next fold,
    # as HTML the search index leaves out.
    fold = '<details class="note okrsite-side" data-search-exclude="true"><summary>Chart data'
    assert page.count(fold) == 3
    # Each chart scrolls sideways on a phone, keeping its text's size, and takes the focus
    # for a keyboard to scroll it.
    assert page.count('{: .okrsite-chart tabindex="0" }') == 3


def test_a_closed_quarter_has_its_review(write_repo: WriteRepo) -> None:
    pages = pages_of(write_repo({**MINIMAL, **CLOSED_Q3}), "2026-Q3")
    review = pages["review.md"]
    assert "## Carry-over candidates" in review
    assert (
        "- [Reduce median lead time for changes from 12 days to 5 days]"
        "(units/payments.md#delivery--lead-time) ([Payments](units/payments.md)): graded 0.60"
    ) in review
    # What was learned names the objective and its unit: leadership reads it unit by unit.
    assert (
        "- [Ship features from idea to production faster](units/payments.md#delivery)"
        " ([Payments](units/payments.md)): Review latency mattered most"
    ) in review
    assert "No earlier quarter to compare with." in review
    # The open quarter after it compares nothing and has no review.
    assert "review.md" not in pages_of(write_repo({**MINIMAL, **CLOSED_Q3}), "2026-Q4")


def test_the_review_names_each_unit_flagged_as_sandbagging_with_its_reason() -> None:
    # The rule the check OKR208 applies: every KR graded 1.0, or 3 or more averaging 0.9.
    search = pages_of(FIXTURE, "2026-Q3")["review.md"].split("## Possible sandbagging\n\n")[1]
    assert search.startswith(
        "Units whose own key results are all graded 1.0, or average a grade of 0.90 or more"
        " over at\nleast 3 of them: the targets may have been too easy.\n\n"
        "- [Search](units/search.md): graded every key result 1&#46;0\n"
    )
    demo = pages_of(Path(__file__).resolve().parents[1], "2026-Q3")["review.md"]
    # The demo's Developer Experience is flagged by its mean, not a 1.0 each: the page says so.
    assert (
        "- [Developer Experience](units/developer-experience.md): averaged a grade of 0&#46;92"
        " over its 3 key results\n"
    ) in demo.split("## Possible sandbagging")[1]


def test_the_review_says_how_to_promote_each_standing_candidate_or_that_it_is_one() -> None:
    demo = pages_of(Path(__file__).resolve().parents[1], "2026-Q3")["review.md"]
    standing = demo.split("## Standing-metric candidates\n")[1].split("## Possible")[0]
    # Promoted by `okrsite promote` (okrs/metrics/checkout.yaml's promoted_from): linked to its
    # heading on the unit's Health page, the title escaped.
    assert (
        "1.00, then 1.00. Now a standing metric: [Keep the checkout error rate at or below "
        "0&#46;5%](units/checkout.md#metric_checkout-errors).\n"
    ) in standing
    # Not promoted, and its unit has a metric of the KR's id already: the command needs --id.
    assert (
        "1.00, then 1.00. Promote it: `okrsite promote 2026-Q3 eng delivery/change-failure-rate"
        " --id METRIC` (its unit already has a standing metric of that id, [Change failure rate]"
        "(units/eng.md#metric_change-failure-rate))\n"
    ) in standing


def test_the_review_gives_the_promote_command_of_a_candidate(write_repo: WriteRepo) -> None:
    graded = PAYMENTS_YAML.replace(
        "        target: 5\n", "        target: 5\n        grade: 0.95\n"
    )
    files = {
        **MINIMAL,
        "okrs/2026-Q2/quarter.yaml": "start: 2026-04-01\nend: 2026-06-30\nstatus: closed\n",
        "okrs/2026-Q2/payments.yaml": graded,
        "okrs/2026-Q3/quarter.yaml": "start: 2026-07-01\nend: 2026-09-30\nstatus: closed\n",
        "okrs/2026-Q3/payments.yaml": graded,
    }
    review = pages_of(write_repo(files), "2026-Q3")["review.md"]
    assert (
        "([Payments](units/payments.md)): 0.95, then 0.95. Promote it: "
        "`okrsite promote 2026-Q3 payments delivery/lead-time`\n"
    ) in review


def test_the_archive_links_every_quarter_as_a_sibling(write_repo: WriteRepo) -> None:
    archive = pages_of(write_repo({**MINIMAL, **CLOSED_Q3}), "2026-Q4")["archive.md"]
    # archive.md becomes archive/index.html: two levels up is the folder holding every quarter.
    assert "[2026 Q3](../../2026-Q3/) | closed |" in archive
    assert "[2026 Q4](../../2026-Q4/) | open |" in archive


def test_checks_page_lists_the_findings(write_repo: WriteRepo) -> None:
    finding = Problem(
        Location("okrs/2026-Q4/payments.yaml", 3, 5), "OKR203", "warning", "an <b>activity</b>"
    )
    checks = pages_of(write_repo(MINIMAL), "2026-Q4", (finding,))["checks.md"]
    assert "0 errors, 1 warning." in checks
    # A severity is a flag, not a band: outlined, never red or yellow.
    warning = '<span class="okrsite-badge okrsite-flag">warning</span>'
    assert f"| okrs/2026&#45;Q4/payments&#46;yaml&#58;3&#58;5 | OKR203 | {warning} |" in checks
    assert "an &lt;b&gt;activity&lt;/b&gt;" in checks


def test_user_text_is_escaped_in_titles_and_pages(write_repo: WriteRepo) -> None:
    org = MINIMAL["okrs/org.yaml"].replace("name: Payments", "name: 'Pay <b>ments</b> & \"co\"'")
    pages = pages_of(write_repo({**MINIMAL, "okrs/org.yaml": org}), "2026-Q4")
    page = pages["units/payments.md"]
    # The front-matter title is HTML-escaped: Material prints it without escaping.
    assert page.startswith('---\ntitle: "Pay &lt;b&gt;ments&lt;/b&gt; &amp; &quot;co&quot;"\n')
    assert "# Pay &lt;b&gt;ments&lt;/b&gt; &amp; &quot;co&quot;\n" in page
    assert all("<b>" not in text for path, text in pages.items() if path.endswith(".md"))


def test_notes_are_sanitised(write_repo: WriteRepo) -> None:
    csv = PAYMENTS_CSV.replace(
        "Review latency is the bottleneck", "'See [x](javascript:alert(1)) and **<script>**'"
    ).replace("2026-10-15,delivery/lead-time", "2026-11-20,delivery/lead-time")
    page = pages_of(write_repo({**MINIMAL, "okrs/2026-Q4/payments.csv": csv}), "2026-Q4")[
        "units/payments.md"
    ]
    # In its check-in's row, on one line: the table cell holds it, the theme gives it room.
    assert (
        '| <span class="okrsite-note">\'See <a rel="noopener noreferrer nofollow">x</a> '
        "and <strong>&lt;script&gt;</strong>'</span> |"
    ) in page


def test_two_pages_at_one_path_are_refused() -> None:
    pages = {"units/eng.md": "# Engineering\n"}
    with pytest.raises(DuplicatePageError, match=r"^two pages of one quarter .* units/eng\.md$"):
        add_page(pages, "units/eng.md", "# Again\n")
    assert pages == {"units/eng.md": "# Engineering\n"}


def test_pages_are_the_same_for_the_same_input(write_repo: WriteRepo) -> None:
    root = write_repo({**MINIMAL, **CLOSED_Q3})
    assert pages_of(root, "2026-Q3") == pages_of(root, "2026-Q3")


def test_aligns_to_and_aligned_to_this_are_separate_paragraphs(write_repo: WriteRepo) -> None:
    # Platform's objective aligns to the org's and Payments' delivery aligns to it: both
    # lines on one page, which Markdown would run together without a blank line between them.
    platform = PAYMENTS_YAML.replace("id: delivery", "id: paved-road").replace(
        "    domain: delivery\n", "    domain: delivery\n    aligns_to: eng/elsewhere\n"
    )
    payments = PAYMENTS_YAML.replace(
        "    domain: delivery\n", "    domain: delivery\n    aligns_to: platform/paved-road\n"
    )
    root = write_repo(
        {
            **MINIMAL,
            "okrs/2026-Q4/eng.yaml": PAYMENTS_YAML.replace("id: delivery", "id: elsewhere"),
            "okrs/2026-Q4/platform.yaml": platform,
            "okrs/2026-Q4/payments.yaml": payments,
        }
    )
    page = pages_of(root, "2026-Q4")["units/platform.md"]
    aligns = page.index("Aligns to: ")
    aligned = page.index("Aligned to this: ")
    assert "\n\n" in page[aligns:aligned]


def test_null_scores_and_bands_show_a_dash_and_new_statuses_their_tones(
    write_repo: WriteRepo,
) -> None:
    # No check-in yet: nothing is counted, so the objective, unit and org scores and bands are
    # null (contract 2026-11-28) and shown as a dash; a dropped KR is a grey `dropped` badge.
    yaml = MINIMAL["okrs/2026-Q4/payments.yaml"].replace(
        "        max: 5\n", "        max: 5\n        dropped: The tracker was retired\n"
    )
    csv_text = "date,kr,value,confidence,note,blockers\n"
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": yaml,
                       "okrs/2026-Q4/payments.csv": csv_text})  # fmt: skip
    pages = pages_of(root, "2026-Q4")
    assert (
        "**Org projected —** · so far — · 0 of 1 key result checked in (0 %)" in pages["index.md"]
    )
    unit = pages["units/payments.md"]
    assert (
        "**Projected —** · so far — · committed · delivery · 0 of 1 key result checked in." in unit
    )
    assert '<span class="okrsite-badge okrsite-grey">dropped</span>' in unit
    assert '<span class="okrsite-badge okrsite-grey">no-data</span>' in unit
    assert "[Payments](units/payments.md), —\n" in pages["alignment.md"]
    assert (STATUS_TONES["early"], STATUS_TONES["landed"], STATUS_TONES["partial"]) == (
        "grey",
        "green",
        "yellow",
    )
    assert (STATUS_TONES["missed"], STATUS_TONES["dropped"]) == ("red", "grey")


# --- The revised contract (2026-11-28) on the pages --------------------------------------------


def test_a_closed_quarter_speaks_of_final_grades_and_never_of_projections(
    write_repo: WriteRepo,
) -> None:
    pages = pages_of(write_repo({**MINIMAL, **CLOSED_Q3}), "2026-Q3")
    unit = pages["units/payments.md"]
    green = '<span class="okrsite-badge okrsite-green">green</span>'
    # The objective: the mean of 0.6 and 1.0; the KR: graded 0.6, scored 0.57 by its values,
    # partial (yellow) by its grade, 0.6 of 0.7: the badge says the status in the band's colour.
    lines = [plain(line) for line in unit.splitlines()]
    assert "**Final grade 0.80 green** · committed · delivery · 1 of 2 partial" in lines
    assert f'data-of="payments/delivery">0.80</data> {green}</span>**' in unit
    assert any(line.startswith("**Final grade 0.60 partial** · score 0.57") for line in lines)
    assert (
        'data-of="payments/delivery/lead-time">0.60</data> '
        '<span class="okrsite-badge okrsite-yellow">partial</span>' in unit
    )
    for path, text in pages.items():
        if path.endswith((".md", ".svg")):
            lowered = text.lower()
            assert "projected" not in lowered, path
            assert "at this pace" not in lowered, path
            assert "when the quarter ends" not in lowered, path
    assert "**Final grade 0.80 green**" in plain(pages["index.md"])
    assert "| Unit | Roll-up grade | Graded | Missed or partial |" in pages["index.md"]


def test_a_kr_band_on_the_unit_page_is_by_its_objectives_thresholds(
    write_repo: WriteRepo,
) -> None:
    # Aspirational: green from 0.7 * 0.5 / 0.7 = 0.5, so lead time at 0.55 is green (it would
    # be yellow against the committed bands).
    yaml = PAYMENTS_YAML.replace(
        "    domain: delivery\n", "    domain: delivery\n    type: aspirational\n"
    )
    csv_text = "date,kr,value,confidence,note,blockers\n2026-11-15,delivery/lead-time,8.15,,,\n"
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": yaml,
                       "okrs/2026-Q4/payments.csv": csv_text})  # fmt: skip
    unit = pages_of(root, "2026-Q4")["units/payments.md"]
    lines = [plain(line) for line in unit.splitlines()]
    # Projected to its target (1.00): on track, green, with the aspirational thresholds said
    # where the colour is; the score so far, 0.55, is a number.
    assert (
        "**Projected 1.00 green** (aspirational: green from 0.50, red below 0.29) · so far 0.55"
        " · aspirational · delivery · 1 of 2 key results checked in." in lines
    )
    assert any(line.startswith("**Projected 1.00 on-track** · so far 0.55") for line in lines)
    # The guardrail has no check-in: it is not counted and shows no band.
    assert any(line.startswith("**Projected no-data** · so far 0.00") for line in lines)


def test_the_setup_phase_shows_no_band_colours(write_repo: WriteRepo) -> None:
    root = write_repo(MINIMAL)
    repository = load_valid(root)
    results = score_all(repository, date(2026, 10, 20), TODAY)  # day 20 of 28 setup days
    pages = quarter_pages(QuarterSite(repository.org, through(results, "2026-Q4"), "2026-Q4"))
    assert not re.search(r'okrsite-\w+">(red|yellow|green)<', pages["index.md"])
    assert "setup weeks" in pages["index.md"]
    assert "band:N" not in pages["index.md"]
    unit = pages["units/payments.md"]
    assert not re.search(r'okrsite-\w+">(red|yellow|green)<', unit)
    svg = pages["charts/unit-scores.svg"].split("</style>")[1]  # the drawing, not the CSS
    # No band colour at all on the unit bars: neutral.
    for colour in ("#c62828", "#b58100", "#2e7d32"):
        assert colour not in svg.lower()


def test_a_dropped_kr_shows_its_reason_and_no_band(write_repo: WriteRepo) -> None:
    yaml = PAYMENTS_YAML.replace(
        "        max: 5\n", "        max: 5\n        dropped: The <b>tracker</b> was retired\n"
    )
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.yaml": yaml})
    unit = pages_of(root, "2026-Q4")["units/payments.md"]
    assert "**Dropped:** The &lt;b&gt;tracker&lt;/b&gt; was retired" in unit
    dropped = '<span class="okrsite-badge okrsite-grey">dropped</span>'
    assert f"**Projected {dropped}** · so far 1.00" in unit
    assert "1 of 1 key result checked in" in unit


def test_a_confidence_gap_is_marked(write_repo: WriteRepo) -> None:
    # Lead time barely moves (0.14) and off track, yet its owner says 0.9: a gap.
    csv_text = (
        "date,kr,value,confidence,note,blockers\n"
        "2026-10-15,delivery/lead-time,12,0.9,,\n2026-11-15,delivery/lead-time,11,0.9,,\n"
    )
    root = write_repo({**MINIMAL, "okrs/2026-Q4/payments.csv": csv_text})
    unit = pages_of(root, "2026-Q4")["units/payments.md"]
    assert unit.count("confidence gap</span>") == 1


def test_overview_shows_the_unit_tree_with_a_bar_per_unit() -> None:
    pages = pages_of(FIXTURE, "2026-Q4")
    rows = [line for line in pages["index.md"].splitlines() if "okrsite-bar" in line]
    # Depth first in org.yaml's order, indented by depth: eng > platform > payments, search.
    unit = re.compile(r'\| (?:<span [^>]*padding-left: ([0-9.]+)em">)?\[([^]]+)\]')
    names = [match.groups() for row in rows if (match := unit.match(row))]
    assert len(names) == len(rows)
    assert names == [
        (None, "Lakeside Engineering"),
        ("1.2", "Platform"),
        ("2.4", "Payments"),
        ("2.4", "Search"),
    ]
    # Search: roll-up so far 0.157, projected 0.60, yellow by that projection; committed
    # thresholds 0.40 and 0.70, and a diamond where the projection lands.
    search = rows[3]
    label = "so far 0.16; projected 0.60; yellow; red below 0.40, green from 0.70"
    assert f'aria-label="{label}"' in search
    assert '<span class="okrsite-projected" style="left: 59.8%"></span>' in search
    assert plain(search).endswith("|  0.16 | 0.60 yellow | 100 % | 1 of 2 |")
    assert '<span class="okrsite-fill okrsite-yellow" style="width: 15.7%"></span>' in search
    assert search.count('class="okrsite-mark"') == 2
    assert 'style="left: 40.0%"' in search and 'style="left: 70.0%"' in search


def test_overview_lists_what_needs_a_conversation_in_order() -> None:
    page = pages_of(FIXTURE, "2026-Q4")["index.md"]
    section = page.split("## Needs a conversation\n\n")[1].split("\n\n")[0].splitlines()
    assert [line.split("](")[1].split(")")[0] for line in section] == [
        "units/search.md#freshness--p99-latency",
        "units/eng.md#people--enps",
        "units/payments.md#checkout-speed--error-rate",
        "units/platform.md#self-service--ticketless-deploys",
        "units/payments.md#checkout-speed--p95-latency",
        "units/payments.md#checkout-speed--sca",
        "units/search.md#freshness--index-delay",
    ]
    assert section[0].endswith(
        '<span class="okrsite-badge okrsite-red">off-track</span></span> '
        '<span class="okrsite-badge okrsite-flag">confidence gap</span> · -30 ms since 2026-10-20'
    )
    assert "Lucía Romero. projected 0.20 off-track confidence gap" in plain(section[0])
    assert section[5].endswith(
        "· blocker for 4 days: Waiting on &lt;b&gt;Bank A&lt;/b&gt; &amp; Bank B&#39;s sandbox "
        "&#124; ETA&#58; 2026&#45;12&#45;05 · +35 % since 2026-10-12"
    )
    # A closed quarter says where it ended, in the past tense, and asks for no conversation.
    closed = pages_of(FIXTURE, "2026-Q3")["index.md"]
    assert "## Needs a conversation" not in closed
    assert "· 2026 Q3 closed on 2026-09-30." in closed


def test_blockers_lists_every_open_blocker_once_oldest_first() -> None:
    page = pages_of(FIXTURE, "2026-Q4")["blockers.md"]
    assert "2 open blockers holding up 2 key results as of 2026-11-27, the oldest first." in page
    assert "| Since | Age | Blocker | Holds up |" in page
    rows = [line for line in page.splitlines() if line.startswith("| 2026-")]
    assert [row.split(" | ")[:2] for row in rows] == [
        ["| 2026-11-09", "18 days"],
        ["| 2026-11-23", "4 days"],
    ]
    # The owner's words, escaped: no tag, no table cell broken by their '|'.
    assert (
        "| Waiting on &lt;b&gt;Bank A&lt;/b&gt; &amp; Bank B&#39;s sandbox "
        "&#124; ETA&#58; 2026&#45;12&#45;05 |"
    ) in rows[1]
    assert rows[1].endswith("([Payments](units/payments.md), Ana Silva) |")
    assert "## " not in page  # one table, not one per unit
    closed = pages_of(FIXTURE, "2026-Q3")["blockers.md"]
    assert "when 2026 Q3 closed, the oldest blocker first; its age is in days to 2026-09-30." in (
        closed
    )


def test_a_blocker_named_by_two_units_is_one_row_with_both(write_repo: WriteRepo) -> None:
    page = pages_of(write_repo(BLOCKED), "2026-Q4")["blockers.md"]
    rows = [line for line in page.splitlines() if line.startswith("| 2026-")]
    assert [row.split(" | ")[:3] for row in rows] == [
        ["| 2026-10-05", "53 days", "Shared staging cluster&#46;"],
        ["| 2026-10-12", "46 days", "Code freezer"],
        ["| 2026-11-15", "12 days", "Code freeze from November 20"],  # spaces collapsed
    ]
    # Each KR it holds up, with its unit and owner; one in other words shows its own.
    assert rows[2].split(" | ")[3] == (
        "[Reduce median lead time for changes from 12 days to 5 days]"
        "(units/payments.md#delivery--lead-time) ([Payments](units/payments.md), Sam Lee)<br>"
        "[Cut p95 latency from 900 ms to 500 ms](units/checkout.md#speed--p95) "
        "([Checkout](units/checkout.md), Kim Park): code freeze from November 20, so no "
        "latency work until December |"
    )
    assert "3 open blockers holding up 4 key results as of 2026-11-27" in page


def test_a_conversation_names_the_blocker_its_age_and_the_change(write_repo: WriteRepo) -> None:
    page = pages_of(write_repo(BLOCKED), "2026-Q4")["index.md"]
    section = page.split("## Needs a conversation\n\n")[1].split("\n\n")[0].splitlines()
    lead_time = next(line for line in section if "delivery--lead-time" in line)
    assert lead_time.endswith(
        "· blocker for 12 days: Code freeze from November 20 · -2 days since 2026-10-15"
    )
    retries = next(line for line in section if "speed--retries" in line)
    assert retries.endswith("· blocker for 46 days: Code freezer · only one check-in")


def test_owners_index_has_each_owner_s_krs_and_no_score_per_person() -> None:
    page = pages_of(FIXTURE, "2026-Q4")["owners.md"]
    sections = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    # The overdue check-ins first, where the overview's count links, then each owner.
    assert sections[0] == "Overdue check-ins {: #overdue }"
    owners = sections[1:]
    assert owners == sorted(owners, key=str.casefold)
    assert "There is no score per person, on purpose" in page
    headers = {line for line in page.splitlines() if line.startswith("| Key result |")}
    # What to do next, not when it was last done: the next check-in is 30 days after that.
    assert headers == {"| Key result | Unit | Status | Next check-in due |"}
    # index-delay was last checked in on 2026-10-05: due 30 days later, overdue by 2026-11-27,
    # flagged (outlined: overdue is no band) and listed first by owner.
    assert (
        '</span> | <span class="okrsite-badge okrsite-flag">overdue</span>'
        " since 2026-11-04 |" in page
    )
    overdue = page.split("## Overdue check-ins {: #overdue }\n\n")[1].split("\n\n")
    assert (
        overdue[0]
        == "1 check-in overdue as of 2026-11-27, by owner; each owner's section below has the rest."
    )
    assert overdue[1].splitlines()[2] == (
        "| Oskar Lindqvist | [Cut the delay from a catalogue change to search results from 30"
        " minutes to 5 minutes](units/search.md#freshness--index-delay) | [Search](units/search.md)"
        " | 2026-11-04 |"
    )
    assert "on-track</span></span> | 2026-12-23 |" in page  # sca, checked in on 2026-11-23


def test_a_unit_page_opens_with_one_row_per_kr() -> None:
    page = pages_of(FIXTURE, "2026-Q4")["units/payments.md"]
    header = "| Key result, owner | Progress so far | Projected, status | Next check&#45;in |"
    table = page.split(header + "\n| --- | --- | --- | --- |\n")[1]
    rows = table.split("\n\n")[0].splitlines()
    assert len(rows) == 3  # every KR of the unit, before the first objective's section
    assert page.index(header) < page.index("## Make paying feel instant")
    p95 = rows[0]
    assert p95.startswith(
        "| [Cut p95 payment latency from 610 ms to 400 ms]"
        "(../units/payments.md#checkout-speed--p95-latency)<br>Sam Lee | "
    )
    # (520 - 610) / (400 - 610) = 0.43 so far, the bar's length; projected 1.00, on track: the
    # bar and the badge are green, as the projection is.
    label = "so far 0.43; projected 1.00; green; red below 0.40, green from 0.70"
    assert f'aria-label="{label}"' in p95
    assert '<span class="okrsite-fill okrsite-green" style="width: 42.9%">' in p95
    assert plain(p95).endswith(
        "| 0.43 · 520 ms → 400 ms | 1.00 on-trackhigh confidence | 2026-12-09 |"
    )
    assert "</span> | 2026-12-09 |" in rows[1]  # error-rate gave no confidence


def test_a_group_page_shows_its_units_roll_ups() -> None:
    page = pages_of(FIXTURE, "2026-Q4")["units/platform.md"]
    section = page.split("## Units below\n\n")[1].split("\n\n")[0].splitlines()[2:]
    assert [row.split("](")[0] for row in section] == ["| [Payments", "| [Search"]
    label = "so far 0.16; projected 0.60; yellow; red below 0.40, green from 0.70"
    assert f'aria-label="{label}"' in section[1]
    assert plain(section[1]).endswith("| 0.60 yellow | 100 % | 1 of 2 |")


def test_every_kr_shows_its_check_in_history_newest_first() -> None:
    page = pages_of(FIXTURE, "2026-Q4")["units/payments.md"]
    header = "| Check-in | Value | Confidence | Note | Blockers |"
    history = page.split(header + "\n")[1].split("\n\n")[0].splitlines()
    assert history[1].startswith(
        '| 2026-11-09 | 520 ms | high (0.70) | <span class="okrsite-note">Connection pooling'
    )
    assert history[1].endswith(
        '| <span class="okrsite-note">Card network sandbox is down on Mondays</span> |'
    )
    assert history[2] == "| 2026-10-12 | 580 ms | medium (0.60) | — | — |"


def test_archives_mark_an_open_quarter_s_figures_as_so_far() -> None:
    pages = pages_of(FIXTURE, "2026-Q4")
    archive = pages["archive.md"]
    lines = [plain(line) for line in archive.splitlines()]
    # A closed quarter's grade with its band; an open one's score so far, then its projection
    # with the band, which is the projection's.
    assert "| [2026 Q3](../../2026-Q3/) | closed | 2026-09-30 | 0.84 green |" in lines
    assert (
        "| [2026 Q4](../../2026-Q4/) | open | 2026-11-27 | 0.43 so far · projected 0.75 green |"
        in lines
    )
    assert 'data-of="eng" data-quarter="2026-Q3">0.84</data>' in archive
    # The charts name quarters as the table does, and the open one provisional.
    org_chart = pages["charts/org-history.svg"]
    assert "2026 Q4 (so far)" in org_chart and "2026 Q3 (so far)" not in org_chart
    assert "2026-Q4" not in org_chart.split("</style>")[1]
    assert "2026 Q4 (so far)" in pages["charts/unit-payments-history.svg"]
    # Seen from the closed quarter's own site, nothing is provisional.
    assert "so far" not in pages_of(FIXTURE, "2026-Q3")["charts/org-history.svg"]


def test_check_codes_link_to_their_help_section_where_the_site_has_it(
    write_repo: WriteRepo,
) -> None:
    root = write_repo(MINIMAL)
    repository = load_valid(root)
    results = score_all(repository, None, TODAY)
    finding = Problem(Location("okrs/org.yaml", 3, 1), "OKR203", "warning", "an <b>owner</b>")
    site = QuarterSite(repository.org, through(results, "2026-Q4"), "2026-Q4", (finding,))
    plain = quarter_pages(site)["checks.md"]
    assert "| okrs/org&#46;yaml&#58;3&#58;1 | OKR203 |" in plain  # no help page, no link
    linked = quarter_pages(replace(site, codes_page="help/check-codes.md"))["checks.md"]
    assert "| okrs/org&#46;yaml&#58;3&#58;1 | [OKR203](help/check-codes.md#okr203) |" in linked


def test_dates_are_time_elements(write_repo: WriteRepo) -> None:
    # A <time> element, which the theme keeps on one line: a date never breaks at its hyphens
    # in a narrow table column.
    repository = load_valid(write_repo(MINIMAL))
    results = score_all(repository, None, TODAY)
    page = quarter_pages(QuarterSite(repository.org, results, "2026-Q4"))["units/payments.md"]
    assert '| <time datetime="2026-11-15">2026-11-15</time> | 8 days |' in page


def test_a_note_in_the_check_in_table_keeps_its_row_whole(write_repo: WriteRepo) -> None:
    # Two lines and a '|' in a link's address: one cell, one line, the pipe an entity.
    note = '"First **part**.\n\nThen [the doc](https://example.com/a|b), done."'
    csv = PAYMENTS_CSV.replace("Review latency is the bottleneck", note)
    page = pages_of(write_repo({**MINIMAL, "okrs/2026-Q4/payments.csv": csv}), "2026-Q4")[
        "units/payments.md"
    ]
    row = next(line for line in page.splitlines() if "First <strong>part</strong>" in line)
    assert row.endswith(
        '| <span class="okrsite-note">First <strong>part</strong>&#46; Then '
        '<a href="https://example.com/a&#124;b" rel="noopener noreferrer nofollow">the doc</a>, '
        "done&#46;</span> | — |"
    )
    assert row.count(" | ") == 4  # five cells, none split by the note


def test_the_owners_page_links_an_owner_s_github_handle(write_repo: WriteRepo) -> None:
    org = MINIMAL["okrs/org.yaml"] + "owners:\n  Sam Lee: {github: sam-lee}\n"
    pages = pages_of(write_repo({**MINIMAL, "okrs/org.yaml": org}), "2026-Q4")
    section = pages["owners.md"].split("## Sam Lee\n\n")[1]
    assert section.startswith("On GitHub: [@sam&#45;lee](https://github.com/sam-lee)\n\n| ")
    # Without a mapping, the owner's section starts with the table.
    plain = pages_of(write_repo(MINIMAL), "2026-Q4")["owners.md"]
    assert "On GitHub" not in plain
