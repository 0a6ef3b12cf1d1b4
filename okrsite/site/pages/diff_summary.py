"""`okrsite diff` as Markdown, for a pull request's job summary; every user string escaped."""

from __future__ import annotations

from collections.abc import Sequence

from okrsite.model.okrs import is_slug
from okrsite.score.diff import MetricChange, QuarterDiff, ScoreChange, range_text, shown
from okrsite.score.source_changes import SourceReview
from okrsite.site.markup import md_text


def _arrow(before: float | None, after: float | None) -> str:
    return f"{shown(before)} -> {shown(after)}"


def _label(path: str) -> str:
    """UNIT / OBJECTIVE / KR; ids are slugs, safe as they are, anything else is escaped."""
    return " / ".join(part if is_slug(part) else md_text(part) for part in path.split("/"))


def _score_line(change: ScoreChange) -> str:
    if change.kind == "changed":
        return f"- {_label(change.path)}: {_arrow(change.before, change.after)}"
    title = f" ({md_text(change.title)})" if change.title else ""
    figure = shown(change.after if change.kind == "added" else change.before)
    return f"- {_label(change.path)}{title}: {change.kind}, {figure}"


def to_markdown(diffs: Sequence[QuarterDiff], base: str) -> str:
    """The report for a pull request's job summary; every user string escaped."""
    lines = ["## OKR score changes", "", f"Compared with {md_text(base)}.", ""]
    if not diffs:
        return "\n".join([*lines, "No score changes.", ""])
    for diff in diffs:
        head = f"### {diff.quarter_id}"
        if diff.kind != "changed":
            head += f" ({diff.kind})"
        lines += [head, "", f"Organisation: {_arrow(diff.before, diff.after)}", ""]
        if diff.units:
            lines += ["Unit roll-ups:", "", *(_score_line(c) for c in diff.units), ""]
        if diff.objectives:
            lines += ["Objectives:", "", *(_score_line(c) for c in diff.objectives), ""]
        if diff.key_results:
            lines += ["Key results:", ""]
            lines += [
                f"- {_label(c.path)} ({md_text(c.title)}): {c.kind}" for c in diff.key_results
            ]
            lines.append("")
    return "\n".join(lines)


def _counted(change: MetricChange) -> str:
    """'of the last 6 months' 6 readings, 0 breached before, 2 would be now'."""
    plural = "" if change.readings == 1 else "s"
    counted = f"of the last 6 months' {change.readings} reading{plural}"
    if change.kind == "added":
        return f"{counted}, {change.breached_after} would be breached"
    if change.kind == "removed":
        return f"{counted}, {change.breached_before} breached"
    return (
        f"{counted}, {change.breached_before} breached before, {change.breached_after} would be now"
    )


def metric_line(change: MetricChange) -> str:
    """One metric's range change, its title escaped: what the Markdown and a terminal show."""
    head = f"{_label(change.path)} ({md_text(change.title)})"
    if change.kind == "changed" and change.before is not None and change.after is not None:
        ranges = f"healthy range {range_text(change.before)} -> {range_text(change.after)}"
        return f"- {head}: {ranges}: {_counted(change)}"
    bounds = change.after if change.kind == "added" else change.before
    assert bounds is not None  # an added metric has a range after, a removed one before
    return f"- {head}: {change.kind}, healthy range {range_text(bounds)}: {_counted(change)}"


def metrics_markdown(changes: Sequence[MetricChange]) -> str:
    """The standing metrics added, removed or given another healthy range, each tried on the
    last six months' readings; empty when there are none. Every user string escaped."""
    if not changes:
        return ""
    first, last = changes[0].window_from.isoformat(), changes[0].window_to.isoformat()
    lines = [
        "",
        "## Standing metrics' healthy ranges",
        "",
        f"Each range tried on the metric's readings from {first} to {last} (one a date): how "
        "many it calls breached.",
        "",
        *(metric_line(c) for c in changes),
        "",
    ]
    return "\n".join(lines)


def _code(text: str) -> str:
    """A user-written host, variable or path, escaped as every user string here is."""
    return md_text(text)


def sources_markdown(review: SourceReview) -> str:
    """The sources and files a reviewer must look at (T1, T2), for the job summary; empty when
    there are none. Every user string escaped."""
    if review.empty:
        return ""
    lines = [
        "## Measurement sources to review",
        "",
        "This change lets `okrsite collect` reach something new: check each before merging.",
        "",
    ]
    for change in review.sources:
        reached = [
            *(f"host {_code(h)}" for h in change.hosts),
            *(f"token {_code(t)}" for t in change.tokens),
            *(f"program {_code(p)}" for p in change.programs),
        ]
        lines.append(f"- {_label(change.path)}: adds {', '.join(reached)}")
    if review.files:
        if review.sources:
            lines.append("")
        lines += ["Changed collect settings or programs:", ""]
        lines += [f"- {_code(name)}" for name in review.files]
    lines.append("")
    return "\n".join(lines)
