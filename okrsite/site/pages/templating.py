"""The page templates and the filters that format values for them.

Every value a template prints goes through a filter here or through _finalize, which
Markdown-escapes it; numbers are written by okrsite.model.numbers, as the charts write them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from functools import cache

import jinja2
from markupsafe import Markup

from okrsite.model.health import MetricResult
from okrsite.model.numbers import shown, shown_score
from okrsite.model.okrs import Bands, Retro
from okrsite.model.scores import KeyResultResult, ObjectiveResult, UnitResult
from okrsite.model.sources import GithubSource, Source
from okrsite.score.landing import kr_band, trouble
from okrsite.score.quarter import GAP_HIGH, GAP_LOW
from okrsite.site.markup import html_text, md_text, note_html
from okrsite.site.pages.colours import (
    STATUS_TONES,
    badge,
    band_key,
    bar,
    figure,
    flag,
    kr_verdict,
    objective_verdict,
    thresholds_legend,
    thresholds_mark,
    thresholds_note,
    trouble_count,
    trouble_words,
    unit_verdict,
)
from okrsite.site.pages.health import dora_level as health_dora_level
from okrsite.site.pages.health import (
    health_status,
    healthy_range,
    history_caption,
    metric_anchor,
    metric_link,
    metric_value,
    spark,
)


def kr_anchor(result: KeyResultResult) -> Markup:
    """The anchor of a KR on its unit's page: OBJECTIVE-KR, both slugs."""
    return Markup(f"{result.objective_id}--{result.key_result.id}")


def _score(value: float | None) -> Markup:
    """A score with two decimals, or a dash when there is none."""
    return Markup("—" if value is None else shown_score(value))


def _number(value: float | None, unit: str | None = None) -> Markup:
    """A measured value with its unit, or a dash when there is none."""
    if value is None:
        return Markup("—")
    text = shown(value)
    return Markup(f"{text} {md_text(unit)}" if unit else text)


def _baseline(result: KeyResultResult) -> Markup:
    """A KR's baseline; a milestone starts at 0 %."""
    kr = result.key_result
    if kr.kind == "milestone":
        return Markup("0 %")
    return _number(kr.baseline, kr.unit)


def _target(result: KeyResultResult) -> Markup:
    """A KR's target: 100 % for a milestone, the bounds for a guardrail."""
    kr = result.key_result
    if kr.kind == "milestone":
        return Markup("100 %")
    if kr.kind == "guardrail":
        bounds = [f"≥ {_number(kr.min, kr.unit)}"] if kr.min is not None else []
        bounds += [f"≤ {_number(kr.max, kr.unit)}"] if kr.max is not None else []
        return Markup(" and ".join(bounds) or "—")
    return _number(kr.target, kr.unit)


def _measured(value: float | None, result: KeyResultResult) -> Markup:
    """A value of a KR with the KR's unit; a milestone's is a percentage."""
    kr = result.key_result
    return _number(value, "%" if kr.kind == "milestone" else kr.unit)


def _latest_value(result: KeyResultResult) -> Markup:
    """A KR's latest counted value with its unit."""
    return _measured(result.value, result)


def _confidence_word(value: float | None) -> Markup:
    """An owner's confidence as a word: high from 0.7, low below 0.4 (the confidence gap's
    thresholds), medium between; a dash when none was given."""
    if value is None:
        return Markup("—")
    return Markup("high" if value >= GAP_HIGH else "low" if value < GAP_LOW else "medium")


def _confidence(value: float | None) -> Markup:
    """An owner's confidence as a word with the number beside it."""
    if value is None:
        return Markup("—")
    return Markup(f"{_confidence_word(value)} ({shown_score(value)})")


def _iso(day: date) -> Markup:
    """A date as YYYY-MM-DD in a <time> element, which the theme keeps on one line."""
    return Markup(f'<time datetime="{day.isoformat()}">{day.isoformat()}</time>')


def _yaml_title(title: str) -> Markup:
    """A page title as a YAML string for the front matter."""
    # HTML-escaped: Material prints page.meta.title into <title> and the nav without escaping.
    return Markup(json.dumps(html_text(title)))


def _note_cell(text: str) -> Markup:
    """A note as sanitised HTML on one line for a table cell, or a dash when it is empty."""
    clean = note_html(text)
    if not clean:
        return Markup("—")
    # Paragraphs become line breaks: a cell is one block. A pipe left in a link's address would
    # end the cell; as an entity the browser reads it back unchanged.
    flat = re.sub(r"</p>\s*<p>", "<br>", clean).removeprefix("<p>").removesuffix("</p>")
    return Markup(f'<span class="okrsite-note">{flat.replace("|", "&#124;")}</span>')


SOURCE_NAMES = {
    "github": "GitHub",
    "prometheus": "Prometheus",
    "json": "a JSON document",
    "command": "a command",
}
"""Each kind of source as a page names it."""


def _source_label(source: Source | None) -> Markup:
    """Where `okrsite collect` reads a KR's value, after its measurement; nothing without one."""
    if source is None:
        return Markup("")
    kind = SOURCE_NAMES[source.kind]
    detail = f" ({source.measure.replace('-', ' ')})" if isinstance(source, GithubSource) else ""
    return Markup(f" · collected from {kind}{detail}")


def _github_link(handle: str) -> Markup:
    """An owner's GitHub handle from org.yaml (already checked as a login) linked to the profile."""
    # A login is letters, digits and single hyphens (OKR017), so it is safe in a URL; the text
    # is escaped all the same, its '@' and '-' included.
    return Markup(f"[@{md_text(handle)}](https://github.com/{html_text(handle)})")


def _coverage(result: ObjectiveResult) -> Markup:
    """An objective's coverage in words: how many of its KRs (not dropped) are checked in."""
    if not result.total:
        return Markup("No key result left to count.")
    noun = "key result" if result.total == 1 else "key results"
    return Markup(f"{result.counted} of {result.total} {noun} checked in.")


def _indent(depth: int) -> Markup:
    """Opens a unit's name indented by its depth in the org chart: a block of its own, so a
    name that wraps on a phone stays indented on its second line too."""
    if not depth:
        return Markup("")
    return Markup(f'<span class="okrsite-indent" style="padding-left: {depth * 1.2:.1f}em">')


def _indent_end(depth: int) -> Markup:
    """Closes what _indent opened."""
    return Markup("</span>" if depth else "")


def _reason_badge(reason: str) -> Markup:
    """Why a KR needs a conversation: its status in its band's colour, any other reason as a
    flag (blocked, stale, overdue and a confidence gap are not bands)."""
    if reason in STATUS_TONES:
        return badge(STATUS_TONES[reason], reason)
    return flag(reason)


def _percent(fraction: float | None) -> Markup:
    """A share as a whole percentage, or a dash."""
    return Markup("—" if fraction is None else f"{round(fraction * 100)} %")


def _severity_badge(severity: str) -> Markup:
    """A finding's severity as a flag: red and yellow are bands, not severities."""
    return flag(severity)


def _realistic(retro: Retro | None) -> Markup:
    """A retro's answer to 'was the objective realistic?', or a dash when it gives none."""
    if retro is None or retro.realistic is None:
        return Markup("—")
    return Markup("yes" if retro.realistic else "no")


def _change(pair: tuple[float | None, float | None]) -> Markup:
    """The change between two scores (now, before), signed, or a dash when either is missing."""
    now, before = pair
    if now is None or before is None:
        return Markup("—")
    text = shown_score(now - before)
    # shown_score writes no plus sign, and a rise must read as one beside a fall's minus.
    return Markup(text if text.startswith("-") else f"+{text}")


def _due_date(day: date | None, as_of: date) -> Markup:
    """When a KR's next check-in is due: its date, flagged overdue once it has passed; a dash
    when none is due (a dropped KR, a closed quarter)."""
    if day is None:
        return Markup("—")
    if day < as_of:
        return Markup(f"{flag('overdue')} since {_iso(day)}")
    return _iso(day)


_EDIT_URL = re.compile(r"https?://[A-Za-z0-9.:@%~+=_/-]+/")


def _path_url(url: str) -> Markup:
    """An address checked when the settings were read (settings.edit_url), printed as is;
    anything else is a bug, not user input."""
    if _EDIT_URL.fullmatch(url) is None:
        raise ValueError(f"not a checked address: {url!r}")
    return Markup(url)


def _units_legend(rows: Sequence[tuple[UnitResult, int]], policy: Bands) -> Markup:
    """Under a table of units: the thresholds its marks stand for, with the units' names."""
    named = [(md_text(u.unit.name), u.thresholds) for u, _ in rows]
    return thresholds_legend(named, policy, aspirational=False)


def _objectives_legend(objectives: Sequence[ObjectiveResult], policy: Bands) -> Markup:
    """Under a table of objectives: the thresholds its marks stand for."""
    return thresholds_legend([("", o.thresholds) for o in objectives], policy, aspirational=True)


def _days(count: int) -> Markup:
    """An age in whole days: "0 days", "1 day", "34 days"."""
    return Markup(f"{count} day" if count == 1 else f"{count} days")


def _value_change(pair: tuple[float | None, KeyResultResult]) -> Markup:
    """The change of a KR's value since its previous check-in, signed, with the KR's unit;
    "no change" when there is none."""
    change, result = pair
    if change is None:
        return Markup("—")
    if shown(abs(change)) == shown(0.0):
        return Markup("no change")
    text = _measured(abs(change), result)
    return Markup(f"-{text}" if change < 0 else f"+{text}")


FOLD = '<details class="{kind} okrsite-side" data-search-exclude="true"><summary>{title}</summary>'
"""A folded block under a chart, as HTML the engines pass through untouched (no Markdown to
parse), and left out of the search index: a reader searching the site wants the pages, not
every chart's numbers or the same command under every key result."""


def _chart_data(table: Sequence[Sequence[object]]) -> Markup:
    """A chart's numbers as an HTML table folded under it ("Chart data")."""
    rows = [[html_text(str(cell)) for cell in row] for row in table]
    head = FOLD.format(kind="note", title="Chart data")
    if not rows:
        return Markup(f"{head}<p>No data.</p></details>")
    header = "".join(f"<th>{cell}</th>" for cell in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows[1:])
    table_html = f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    return Markup(f"{head}{table_html}</details>")


READINGS_SHOWN = 6
"""The most readings a metric's fold lists, the latest: half a year of monthly readings (the
history above draws them all, and the site is read at 200 teams)."""


def _readings_fold(result: MetricResult) -> Markup:
    """A metric's latest readings up to the as-of date, newest first, folded under its
    history (the sparkline draws them all)."""
    unit = result.metric.unit
    head = FOLD.format(kind="note", title="Readings")
    if not result.readings:
        return Markup(f"{head}<p>No readings yet.</p></details>")
    earlier = len(result.readings) - READINGS_SHOWN
    more = f"<p>And {earlier} earlier, drawn in the history above.</p>" if earlier > 0 else ""
    rows = "".join(
        f"<tr><td>{r.date.isoformat()}</td><td>{html_text(shown(r.value))}</td>"
        f"<td>{_note_cell(r.note) if r.note.strip() else '—'}</td></tr>"
        for r in reversed(result.readings[-READINGS_SHOWN:])
    )
    value = f"Value ({html_text(unit)})" if unit else "Value"
    table = (
        f"<table><thead><tr><th>Date</th><th>{value}</th><th>Note</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    return Markup(f"{head}{table}{more}</details>")


def _check_in_fold(kr: KeyResultResult, quarter_id: str, edit_url: str) -> Markup:
    """A KR's folded "Check in" block: the command that records its next check-in and, where
    the repository's address is known (edit_url, checked), a link opening its unit's file in
    the web editor. Ids are checked slugs and the quarter's id its folder's name."""
    command = (
        f"okrsite checkin {kr.unit_id} {kr.objective_id}/{kr.key_result.id} VALUE"
        f" --quarter {quarter_id}"
    )
    head = FOLD.format(kind="example", title="Check in")
    where = ""
    if edit_url:
        file = html_text(f"okrs/{quarter_id}/{kr.unit_id}.csv")
        where = f', or <a href="{_path_url(edit_url)}{file}">edit {file}</a> in the web editor'
    return Markup(
        f"{head}<p>Run it with the value measured in place of <code>VALUE</code>{where}:</p>"
        f"<pre><code>{html_text(command)}</code></pre></details>"
    )


_PATH = re.compile(r"[A-Za-z0-9./-]*")  # slugs and quarter ids (2026-Q4)


def _path(text: str) -> Markup:
    """A path made of slugs, printed as is; anything else is a bug, not user input."""
    if _PATH.fullmatch(text) is None:
        raise ValueError(f"not a slug path: {text!r}")
    return Markup(text)


def _finalize(value: object) -> object:
    """Markdown-escape whatever a template prints, unless it is Markup built by okrsite."""
    if isinstance(value, Markup):
        return value
    return Markup(md_text(str(value)))


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the page templates: Markdown-escapes whatever it prints."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("okrsite.site.pages", "templates"),
        # Markdown, not HTML: _finalize escapes for Markdown, and autoescape makes Jinja treat
        # macro output as already escaped instead of escaping it a second time.
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        score=_score,
        iso=_iso,
        yaml_title=_yaml_title,
        note_cell=_note_cell,
        source_label=_source_label,
        github_link=_github_link,
        baseline=_baseline,
        target=_target,
        latest_value=_latest_value,
        realistic=_realistic,
        change=_change,
        days=_days,
        value_change=_value_change,
        chart_data=_chart_data,
        check_in=_check_in_fold,
        kr_anchor=kr_anchor,
        path=_path,
        kr_band=kr_band,
        band_key=band_key,
        status_key=band_key,
        status_badge=lambda status: badge(STATUS_TONES.get(status, "grey"), status),
        severity_badge=_severity_badge,
        gap_badge=flag,
        figure=figure,
        unit_verdict=unit_verdict,
        objective_verdict=objective_verdict,
        kr_verdict=kr_verdict,
        trouble=trouble_words,
        trouble_count=trouble_count,
        tally=trouble,
        due_date=_due_date,
        at_depth_0=lambda unit: (unit, 0),
        coverage=_coverage,
        reason_badge=_reason_badge,
        measured=_measured,
        confidence=_confidence,
        confidence_word=_confidence_word,
        percent=_percent,
        metric_value=metric_value,
        healthy_range=healthy_range,
        health_status=health_status,
        dora_level=health_dora_level,
        spark=spark,
        readings_fold=_readings_fold,
        history_caption=history_caption,
        metric_anchor=metric_anchor,
    )
    env.globals.update(
        bar=bar,
        thresholds_note=thresholds_note,
        thresholds_mark=thresholds_mark,
        units_legend=_units_legend,
        objectives_legend=_objectives_legend,
        indent=_indent,
        indent_end=_indent_end,
        metric_link=metric_link,
    )
    return env


def render(template: str, **context: object) -> str:
    """A page template rendered with these names."""
    return environment().get_template(template).render(**context)
