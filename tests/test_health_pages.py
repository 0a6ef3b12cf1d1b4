"""Health on the site: the org's Health page (every standing metric, breaches first) and each
unit page's Health section, as of each quarter's date, so an archive stays as it was; user text
escaped everywhere it lands."""

from __future__ import annotations

import re
from pathlib import Path

from okrsite.load.repository import load_valid
from okrsite.model.health import MetricResult
from okrsite.score.health import score_metric
from okrsite.site.pages.sparkline import LARGE, SMALL, sparkline
from okrsite.site.pages.templating import environment
from tests.conftest import MINIMAL, WriteRepo
from tests.test_pages import pages_of, plain

METRICS_YAML = """\
metrics:
  - id: pages
    title: Out-of-hours pages per week
    owner: Ana Silva
    measurement: Paging tool
    unit: pages/week
    max: 5
  - id: deploys
    title: Deploys per week
    owner: Sam Lee
    measurement: Deployment pipeline
    min: 10
  - id: latency
    title: p95 latency
    owner: Sam Lee
    measurement: APM
    min: 100
    max: 300
"""

# pages: healthy on 09-15, breached from 10-01 (6) through 11-20 (7): breached since 10-01.
# deploys: 12 then 14, healthy. latency: no reading.
METRICS_CSV = """\
date,metric,value,note
2026-09-15,pages,4,
2026-10-01,pages,6,Noisy alerts
2026-11-20,pages,7,
2026-12-15,pages,3,Alert tuning landed
2026-10-01,deploys,12,
2026-11-01,deploys,14,
"""

CLOSED_Q3 = {
    "okrs/2026-Q3/quarter.yaml": "start: 2026-07-01\nend: 2026-09-30\nstatus: closed\n",
    "okrs/2026-Q3/payments.yaml": MINIMAL["okrs/2026-Q4/payments.yaml"],
}


def repo(write_repo: WriteRepo, extra: dict[str, str] | None = None) -> Path:
    """MINIMAL with payments' metrics, and a closed 2026-Q3."""
    return write_repo(
        {
            **MINIMAL,
            **CLOSED_Q3,
            "okrs/metrics/payments.yaml": METRICS_YAML,
            "okrs/metrics/payments.csv": METRICS_CSV,
            **(extra or {}),
        }
    )


def read(page: str) -> str:
    """A page as a reader reads it: sparklines, elements and link targets taken off, line
    breaks in cells as " / "."""
    text = re.sub(r"<svg.*?</svg>", "", page, flags=re.S).replace("<br>", " / ")
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", plain(text))


def rows(page: str) -> list[str]:
    """The table rows of a page as a reader reads them."""
    return [line for line in read(page).splitlines() if line.startswith("| ") and "---" not in line]


def test_the_org_gets_one_health_page_and_each_unit_with_metrics_a_section(
    write_repo: WriteRepo,
) -> None:
    """Payments keeps the metrics: its page has a Health section with a heading per metric;
    Platform and Engineering, above it, have a section too (Platform's lists Payments' metrics;
    Engineering's points to the Health page, which lists them all). One page: health/index.md."""
    pages = pages_of(repo(write_repo), "2026-Q4")
    assert sorted(p for p in pages if p.startswith("health/")) == ["health/index.md"]
    for unit in ("eng", "platform", "payments"):
        assert "## Health {: #health data-search-exclude }" in pages[f"units/{unit}.md"], unit
    payments = pages["units/payments.md"]
    assert [line for line in payments.splitlines() if "{: #metric_" in line] == [
        "### Out&#45;of&#45;hours pages per week {: #metric_pages data-search-exclude }",
        "### Deploys per week {: #metric_deploys data-search-exclude }",
        "### p95 latency {: #metric_latency data-search-exclude }",
    ]
    assert "**Health:** 3 standing metrics, 1 breached: see below." in read(payments)
    platform = read(pages["units/platform.md"])
    assert "**Health:** standing metrics of the units below: see below." in platform
    assert "Platform keeps no standing metric of its own." in platform
    assert rows(pages["units/platform.md"])[-3:] == [
        "| Out&#45;of&#45;hours pages per week / Payments | breached since 2026-10-01 (57 days)"
        " | 7 pages/week / healthy ≤ 5 pages/week |",
        "| Deploys per week / Payments | healthy | 14 / healthy ≥ 10 |",
        "| p95 latency / Payments | no reading yet | — / healthy 100 to 300 |",
    ]
    assert "Standing metrics of the units below" not in pages["units/eng.md"]


def test_no_metrics_no_health_pages(write_repo: WriteRepo) -> None:
    """A repository without okrs/metrics/ publishes what it did before: no Health page, and
    nothing on the overview about standing metrics."""
    pages = pages_of(write_repo(MINIMAL), "2026-Q4")
    assert not [p for p in pages if p.startswith("health/")]
    assert "standing metric" not in pages["index.md"]
    for unit in ("eng", "platform", "payments"):
        assert "Health" not in pages[f"units/{unit}.md"], unit


def test_the_org_page_lists_breaches_first_then_healthy_then_unread(
    write_repo: WriteRepo,
) -> None:
    """As of 2026-11-27 (TODAY): pages breached since 10-01 (57 days: Oct 1 to Nov 27), deploys
    healthy at 14 and rising (12 -> 14 within 91 days: improving, its direction is up), latency
    with no reading."""
    pages = pages_of(repo(write_repo), "2026-Q4")
    found = rows(pages["health/index.md"])
    assert found[1:] == [
        "| Out&#45;of&#45;hours pages per week / Payments | breached since 2026-10-01 (57 days)"
        " | 7 pages/week / healthy ≤ 5 pages/week | worsening |  |",
        "| Deploys per week / Payments | healthy | 14 / healthy ≥ 10 | improving |  |",
        "| p95 latency / Payments | no reading yet | — / healthy 100 to 300 | — |  |",
    ]
    assert (
        "3 standing metrics: 1 breached · 1 healthy · 1 with no reading yet."
        in pages["health/index.md"]
    )


def test_an_archive_shows_each_metric_as_of_its_quarters_end(write_repo: WriteRepo) -> None:
    """2026-Q3 closed on 09-30: pages read 4 on 09-15, healthy; the readings of October and
    later are not on its pages; deploys had no reading yet."""
    pages = pages_of(repo(write_repo), "2026-Q3")
    page = pages["units/payments.md"]
    archive = "This is 2026 Q3's archive: every metric as of the quarter's end, 2026-09-30."
    assert archive in pages["health/index.md"]
    found = rows(pages["health/index.md"])
    assert found[1:] == [
        "| Out&#45;of&#45;hours pages per week / Payments | healthy"
        " | 4 pages/week / healthy ≤ 5 pages/week | — |  |",
        "| Deploys per week / Payments | no reading yet | — / healthy ≥ 10 | — |  |",
        "| p95 latency / Payments | no reading yet | — / healthy 100 to 300 | — |  |",
    ]
    assert "2026-10-01" not in page and "Noisy alerts" not in page
    assert "1 reading from 2026-09-15 to 2026-09-15, at 4 pages/week." in read(page)


def test_a_breached_metric_needs_a_conversation(write_repo: WriteRepo) -> None:
    """The overview of the open quarter lists the breached metric after the KRs, with its
    owner, since when, latest value and range; the closed quarter's overview does not."""
    root = repo(write_repo)
    overview = read(pages_of(root, "2026-Q4")["index.md"])
    assert "1 standing metric is breached (Health):" in overview
    assert (
        "- Out&#45;of&#45;hours pages per week: Payments, Ana Silva. breached since 2026-10-01"
        " (57 days) · latest 7 pages/week, healthy ≤ 5 pages/week · worsening"
    ) in overview
    assert "standing metric" not in pages_of(root, "2026-Q3")["index.md"]


def test_a_metrics_section_lists_the_key_results_that_worked_on_it(
    write_repo: WriteRepo,
) -> None:
    """A Q4 KR with improves: pages shows the metric's status and history beside it, and the
    metric's section lists it for 2026 Q4 with its status."""
    kr = """\
      - id: fewer-pages
        title: Cut out-of-hours pages from 7 to 3 a week
        owner: Ana Silva
        measurement: Paging tool
        improves: pages
        baseline: 7
        target: 3
"""
    yaml = MINIMAL["okrs/2026-Q4/payments.yaml"] + kr
    pages = pages_of(repo(write_repo, {"okrs/2026-Q4/payments.yaml": yaml}), "2026-Q4")
    unit = read(pages["units/payments.md"])
    assert (
        "**Improves the standing metric** Out&#45;of&#45;hours pages per week: breached since"
        " 2026-10-01 (57 days) · latest 7 pages/week, healthy ≤ 5 pages/week" in unit
    )
    section = unit.split("### Out&#45;of&#45;hours")[1]
    assert "| 2026 Q4 | Cut out of hours pages" not in section  # titles stay escaped
    row = "| 2026 Q4 | Cut out&#45;of&#45;hours pages from 7 to 3 a week | no&#45;data |"
    assert row in section


def test_user_text_is_escaped_in_pages_and_sparklines(write_repo: WriteRepo) -> None:
    """A title, unit and note that carry markup reach the pages as text: no element, no link,
    in the tables, the headings, the readings and the sparkline's label."""
    hostile = """\
metrics:
  - id: pages
    title: '<img src=x onerror=alert(1)> [x](javascript:alert(2))'
    owner: '<script>alert(3)</script>'
    measurement: '*m*'
    unit: '<b>u</b>'
    max: 5
"""
    csv = 'date,metric,value,note\n2026-10-01,pages,6,"<script>alert(4)</script>"\n'
    root = repo(
        write_repo, {"okrs/metrics/payments.yaml": hostile, "okrs/metrics/payments.csv": csv}
    )
    pages = pages_of(root, "2026-Q4")
    for path in ("health/index.md", "units/payments.md", "index.md"):
        page = pages[path]
        assert "<img" not in page and "<script" not in page and "<b>" not in page, path
        # Outside the sparklines' text (an attribute and a <title>, where no Markdown is read),
        # the brackets are escaped, so no link is made.
        assert "](javascript:" not in re.sub(r"<svg.*?</svg>", "", page, flags=re.S), path
    label = re.search(r'class="okrsite-spark"[^>]*aria-label="([^"]*)"', pages["units/payments.md"])
    assert label is not None and "&lt;img src=x" in label.group(1)


def result_of(write_repo: WriteRepo, csv: str, yaml: str = METRICS_YAML) -> MetricResult:
    root = write_repo(
        {**MINIMAL, "okrs/metrics/payments.yaml": yaml, "okrs/metrics/payments.csv": csv}
    )
    metric = load_valid(root).metrics[0]
    return score_metric(metric, metric.readings[-1].date)


def test_the_sparkline_places_each_reading_by_date_and_value(write_repo: WriteRepo) -> None:
    """Readings 4 (09-01), 6 (09-11), 5 (09-21) with max 5: values 4..6 span the height, dates
    the width. SMALL is 120 x 28 with 3 px padding: x = 3 + day/20 * 114, y = 25 - (v-4)/2 * 22.
    (09-01, 4) -> (3, 25); (09-11, 6) -> (60, 3); (09-21, 5) -> (117, 14). The band (<= 5) runs
    from y(5) = 14 to the bottom; only the latest reading is marked, a dot: 5 is healthy."""
    csv = "date,metric,value\n2026-09-01,pages,4\n2026-09-11,pages,6\n2026-09-21,pages,5\n"
    svg = str(sparkline(result_of(write_repo, csv), SMALL))
    assert '<polyline points="3,25 60,3 117,14"' in svg
    assert '<rect x="0" y="14" width="120" height="14"' in svg
    assert svg.count("<circle") == 1 and '<circle cx="117" cy="14" r="2.5"' in svg
    assert 'aria-label="Out-of-hours pages per week: 3 readings from 2026-09-01 to 2026-09-21,' in (
        svg
    )
    large = str(sparkline(result_of(write_repo, csv), LARGE))
    # The breached reading ringed (6), the latest a dot (5 is healthy); 4 is on the line alone.
    assert large.count('r="3" fill="none"') == 1
    assert large.count('r="2.5" fill="currentColor"') == 1


def test_the_same_input_gives_the_same_pages(write_repo: WriteRepo) -> None:
    """Byte-identical Health pages from two reads of the same repository."""
    root = repo(write_repo)
    first, second = pages_of(root, "2026-Q4"), pages_of(root, "2026-Q4")
    assert first == second


def test_the_readings_fold_lists_the_latest_year(write_repo: WriteRepo) -> None:
    """14 monthly readings: the fold lists the latest 6, newest first, and says 8 more are drawn
    in the history; the sparkline draws all 14."""
    csv = (
        "date,metric,value\n"
        + "".join(f"2025-{month:02d}-01,pages,{month}\n" for month in range(1, 13))
        + "2026-01-01,pages,13\n2026-02-01,pages,14\n"
    )
    result = result_of(write_repo, csv)
    fold = str(environment().filters["readings_fold"](result))
    assert fold.count("<tr><td>") == 6
    assert fold.index("2026-02-01") < fold.index("2025-09-01")
    assert "2025-08-01" not in fold and "2025-01-01" not in fold
    assert "<p>And 8 earlier, drawn in the history above.</p>" in fold
    assert "14 readings from 2025-01-01" in str(sparkline(result, LARGE))
