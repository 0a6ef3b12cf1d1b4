"""`okrsite due` as GitHub Markdown, for the monthly issue: every user string escaped, and
nobody mentioned but the owners' handles from org.yaml; or as plain text, for a terminal."""

from __future__ import annotations

from collections.abc import Callable

from okrsite.model.numbers import shown
from okrsite.model.okrs import is_github_handle, is_slug
from okrsite.model.problems import one_line
from okrsite.score.diff import range_text
from okrsite.score.due import BreachedMetric, DueKeyResult, DueList, OwnerDue
from okrsite.site.markup import gfm_text


def _heading(owner: OwnerDue) -> str:
    """`### @handle (Name)`, or `### Name` without a handle: the one mention in the list."""
    name = gfm_text(owner.owner)
    # The loader refuses any other handle (OKR017); checked again, since a mention is a ping.
    if owner.github is not None and is_github_handle(owner.github):
        return f"### @{owner.github} ({name})"
    return f"### {name}"


def _text_heading(owner: OwnerDue) -> str:
    """`Name (@handle)`, or `Name`: the owner as a terminal shows it."""
    name = one_line(owner.owner)
    if owner.github is not None and is_github_handle(owner.github):
        return f"{name} (@{owner.github})"
    return name


def checkin_command(kr: DueKeyResult) -> str:
    """The `okrsite checkin` command line that records the KR's value (ids are slugs)."""
    if not (is_slug(kr.unit_id) and is_slug(kr.objective_id) and is_slug(kr.key_result_id)):
        raise ValueError(f"not an id: {kr.unit_id}/{kr.kr}")  # the loader refuses them (OKR014)
    return f"okrsite checkin {kr.unit_id} {kr.kr} VALUE"


def _when(kr: DueKeyResult) -> str:
    """'overdue since DATE; last check-in DATE', or 'due DATE; no check-in yet'."""
    when = f"overdue since {kr.due.isoformat()}" if kr.overdue else f"due {kr.due.isoformat()}"
    last = (
        f"last check-in {kr.last_checkin.isoformat()}"
        if kr.last_checkin is not None
        else "no check-in yet"
    )
    return f"{when}; {last}"


def _item(kr: DueKeyResult) -> str:
    return (
        f"- **{gfm_text(kr.title)}** ({gfm_text(kr.unit_name)}, `{kr.kr}`): {_when(kr)}. "
        f"Record it: `{checkin_command(kr)}`"
    )


def _text_item(kr: DueKeyResult) -> str:
    return (
        f"- {one_line(kr.title)} ({one_line(kr.unit_name)}, {kr.kr}): {_when(kr)}.\n"
        f"  Record it: {checkin_command(kr)}"
    )


def _value(metric: BreachedMetric, escape: Callable[[str], str]) -> str:
    """The latest value with what it is in: `6 pages/week`, `0.6%`."""
    if metric.unit is None:
        return shown(metric.value)
    joiner = "" if metric.unit == "%" else " "
    return f"{shown(metric.value)}{joiner}{escape(metric.unit)}"


def _owner(metric: BreachedMetric, *, markdown: bool) -> str:
    """`@handle (Name)` in Markdown, `Name (@handle)` on a terminal, or the name alone."""
    handle = (
        metric.github if metric.github is not None and is_github_handle(metric.github) else None
    )
    if markdown:
        name = gfm_text(metric.owner)
        return f"@{handle} ({name})" if handle else name
    name = one_line(metric.owner)
    return f"{name} (@{handle})" if handle else name


def _metric_item(metric: BreachedMetric, *, markdown: bool) -> str:
    """One breached metric: title, unit, path, latest value, range, since when, owner."""
    if not (is_slug(metric.unit_id) and is_slug(metric.metric_id)):
        raise ValueError(f"not an id: {metric.path}")  # the loader refuses them (OKR014)
    escape = gfm_text if markdown else one_line
    title = f"**{gfm_text(metric.title)}**" if markdown else one_line(metric.title)
    path = f"`{metric.path}`" if markdown else metric.path
    return (
        f"- {title} ({escape(metric.unit_name)}, {path}): {_value(metric, escape)}, healthy "
        f"range {range_text((metric.min, metric.max))}; breached since "
        f"{metric.since.isoformat()}. Owner: {_owner(metric, markdown=markdown)}"
    )


def _breached_lines(due: DueList, *, markdown: bool) -> list[str]:
    """The standing metrics breached at the as-of date; nothing when none is."""
    if not due.breached:
        return []
    title = "Standing metrics breached"
    return [
        f"## {title}" if markdown else title,
        "",
        "Standing metrics whose latest reading is outside their healthy range, the longest "
        "breached first: bring them back into range, or review the range.",
        "",
        *(_metric_item(m, markdown=markdown) for m in due.breached),
        "",
    ]


def _lines(due: DueList, *, markdown: bool) -> list[str]:
    """The list's lines, the user's text escaped for GitHub's Markdown or for a terminal."""
    return _checkin_lines(due, markdown=markdown) + _breached_lines(due, markdown=markdown)


def _checkin_lines(due: DueList, *, markdown: bool) -> list[str]:
    """The check-ins due, by owner, or one sentence saying none is."""
    title = f"Check-ins due in {due.quarter_title}, as of {due.as_of.isoformat()}"
    lines = [f"## {title}" if markdown else title, ""]
    if due.closed:
        return [*lines, f"{due.quarter_title} is closed: no check-ins are due.", ""]
    if due.empty:
        return [*lines, f"No check-ins are due by {due.due_by.isoformat()}.", ""]
    window = (due.due_by - due.as_of).days
    lines += [
        f"Key results whose monthly check-in is overdue, or due within {window} days "
        f"(by {due.due_by.isoformat()}), by owner.",
        "",
    ]
    heading, item = (_heading, _item) if markdown else (_text_heading, _text_item)
    for owner in due.owners:
        lines += [heading(owner), *([""] if markdown else []), *map(item, owner.key_results), ""]
    return lines


def to_markdown(due: DueList) -> str:
    """The list: a title line, then per owner a heading and one line per KR, or one sentence."""
    return "\n".join(_lines(due, markdown=True))


def to_text(due: DueList) -> str:
    """The list for a terminal: as to_markdown lays it out, the user's text as it was written,
    control characters escaped (\\x1b) as in every message of the CLI."""
    return "\n".join(_lines(due, markdown=False))
