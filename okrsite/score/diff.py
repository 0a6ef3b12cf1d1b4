"""How a change moves the scores: two sets of quarter results compared, as data and as JSON.

Only what a reader can see changes: a figure counts as changed when its value rounded to two
places (as shown) differs, or when it appears or disappears. Unit roll-ups and objective scores
are compared; key results are listed when they are added or removed.

Standing metrics are compared by their healthy range: each metric the change adds or removes, or
whose min or max it moves, is listed with how many of the last six months' readings the old
range called breached and how many the new one would (diff_metrics).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from okrsite.model.errors import OkrsiteError
from okrsite.model.metrics import Metric, Reading, by_date, healthy
from okrsite.model.numbers import shown as number_shown
from okrsite.model.problems import quote
from okrsite.model.scores import QuarterResult

ChangeKind = Literal["changed", "added", "removed"]

PLACES = 2
"""Decimal places scores are shown with, and so the resolution at which a change counts."""


@dataclass(frozen=True)
class ScoreChange:
    """One unit's roll-up or one objective's score, before and after (None: no figure)."""

    path: str  # UNIT or UNIT/OBJECTIVE
    kind: ChangeKind
    before: float | None
    after: float | None
    title: str | None = None  # the objective's title, for added and removed ones


@dataclass(frozen=True)
class KeyResultChange:
    """A key result that the change adds or removes."""

    path: str  # UNIT/OBJECTIVE/KR
    kind: Literal["added", "removed"]
    title: str


@dataclass(frozen=True)
class QuarterDiff:
    """Every visible change in one quarter; the quarter itself may be added or removed."""

    quarter_id: str
    kind: ChangeKind
    before: float | None  # the org's score
    after: float | None
    units: tuple[ScoreChange, ...]
    objectives: tuple[ScoreChange, ...]
    key_results: tuple[KeyResultChange, ...]

    @property
    def empty(self) -> bool:
        """Whether nothing in the quarter changed."""
        return self.kind == "changed" and not (self.units or self.objectives or self.key_results)


def shown(value: float | None) -> str:
    """A score as the report shows it: two places, or a dash for none."""
    return "-" if value is None else f"{value:.{PLACES}f}"


def _differs(before: float | None, after: float | None) -> bool:
    return shown(before) != shown(after)


def _kind(in_before: bool, in_after: bool) -> ChangeKind:
    if in_before and in_after:
        return "changed"
    return "added" if in_after else "removed"


def _merged_keys(before: Iterable[str], after: Iterable[str]) -> list[str]:
    """Keys in the after order, then those only before, in the before order."""
    keys = list(dict.fromkeys(after))
    seen = set(keys)
    return keys + [k for k in dict.fromkeys(before) if k not in seen]


def _units(result: QuarterResult | None) -> dict[str, float | None]:
    return {} if result is None else {u.unit.id: u.rollup for u in result.units}


def _objectives(result: QuarterResult | None) -> dict[str, tuple[float | None, str]]:
    if result is None:
        return {}
    return {
        f"{u.unit.id}/{o.objective.id}": (o.score, o.objective.title)
        for u in result.units
        for o in u.objectives
    }


def _key_results(result: QuarterResult | None) -> dict[str, str]:
    if result is None:
        return {}
    return {kr.path: kr.key_result.title for kr in result.key_results()}


def diff_quarter(before: QuarterResult | None, after: QuarterResult | None) -> QuarterDiff:
    """What changed in one quarter between two results of it (None: the quarter is absent)."""
    present = after if after is not None else before
    if present is None:
        raise ValueError("diff_quarter needs the quarter on at least one side")
    old_units, new_units = _units(before), _units(after)
    units = tuple(
        ScoreChange(key, _kind(key in old_units, key in new_units), old, new)
        for key in _merged_keys(old_units, new_units)
        for old, new in [(old_units.get(key), new_units.get(key))]
        if _differs(old, new)
    )
    old_objectives, new_objectives = _objectives(before), _objectives(after)
    objectives: list[ScoreChange] = []
    for key in _merged_keys(old_objectives, new_objectives):
        kind = _kind(key in old_objectives, key in new_objectives)
        old_score, old_title = old_objectives.get(key, (None, None))
        new_score, new_title = new_objectives.get(key, (None, None))
        if kind != "changed" or _differs(old_score, new_score):
            title = None if kind == "changed" else (new_title or old_title)
            objectives.append(ScoreChange(key, kind, old_score, new_score, title))
    old_krs, new_krs = _key_results(before), _key_results(after)
    key_results = tuple(
        KeyResultChange(
            key, "added" if key in new_krs else "removed", new_krs.get(key) or old_krs[key]
        )
        for key in _merged_keys(old_krs, new_krs)
        if (key in old_krs) != (key in new_krs)
    )
    return QuarterDiff(
        quarter_id=present.quarter.id,
        kind=_kind(before is not None, after is not None),
        before=before.score if before is not None else None,
        after=after.score if after is not None else None,
        units=units,
        objectives=tuple(objectives),
        key_results=key_results,
    )


def diff_results(
    before: Sequence[QuarterResult],
    after: Sequence[QuarterResult],
    quarter_id: str | None = None,
) -> tuple[QuarterDiff, ...]:
    """The quarters that changed, oldest first; with quarter_id, that quarter only."""
    old = {r.quarter.id: r for r in before}
    new = {r.quarter.id: r for r in after}
    if quarter_id is not None and quarter_id not in old and quarter_id not in new:
        # Saying "no score changes" would hide a typo in the quarter's name.
        known = ", ".join(sorted(set(old) | set(new))) or "none"
        raise OkrsiteError(
            f"there is no quarter {quote(quarter_id)} before or after the change; "
            f"the quarters are: {known}"
        )
    ids = sorted(set(old) | set(new)) if quarter_id is None else [quarter_id]
    diffs = (diff_quarter(old.get(q), new.get(q)) for q in ids if q in old or q in new)
    return tuple(d for d in diffs if not d.empty)


def _score_json(change: ScoreChange) -> dict[str, object]:
    data: dict[str, object] = {
        "path": change.path,
        "change": change.kind,
        "before": change.before,
        "after": change.after,
    }
    if change.title is not None:
        data["title"] = change.title
    return data


def to_json(diffs: Sequence[QuarterDiff], base: str) -> dict[str, object]:
    """The same report as plain data (numbers unrounded) for `--format json`."""
    return {
        "base": base,
        "quarters": [
            {
                "quarter": d.quarter_id,
                "change": d.kind,
                "before": d.before,
                "after": d.after,
                "units": [_score_json(c) for c in d.units],
                "objectives": [_score_json(c) for c in d.objectives],
                "key_results": [
                    {"path": c.path, "change": c.kind, "title": c.title} for c in d.key_results
                ],
            }
            for d in diffs
        ],
    }


RANGE_WINDOW_DAYS = 183
"""A change of a standing metric's healthy range is tried on the last six months' readings:
those dated from RANGE_WINDOW_DAYS days before the run's today (SOURCE_DATE_EPOCH or the clock)
to today, one per date (the later row winning), as the working tree has them (the base's, for
a metric the change removes)."""

Range = tuple[float | None, float | None]
"""A healthy range, (min, max), either bound optional, as the loader resolves it (a threshold
with direction up is a min, down a max)."""


@dataclass(frozen=True)
class MetricChange:
    """A standing metric whose healthy range the change sets, moves or removes, with how many
    of the last six months' readings each range calls breached."""

    path: str  # UNIT/METRIC
    kind: ChangeKind
    title: str
    before: Range | None  # None: the metric is added
    after: Range | None  # None: the metric is removed
    readings: int  # the readings dated in the window
    breached_before: int | None  # of them, breached by the base's range (None: added)
    breached_after: int | None  # breached by the working tree's range (None: removed)
    window_from: date
    window_to: date


def _range(metric: Metric) -> Range:
    return (metric.min, metric.max)


def _breached(readings: Sequence[Reading], bounds: Range | None) -> int | None:
    if bounds is None:
        return None
    return sum(1 for r in readings if not healthy(r.value, *bounds))


def diff_metrics(
    before: Sequence[Metric], after: Sequence[Metric], today: date
) -> tuple[MetricChange, ...]:
    """The standing metrics added, removed, or whose healthy range changed, in the working
    tree's order, then the removed ones in the base's; each with its readings of the window
    counted against the old range and the new."""
    old = {m.path: m for m in before}
    new = {m.path: m for m in after}
    start = today - timedelta(days=RANGE_WINDOW_DAYS)
    changes: list[MetricChange] = []
    for path in _merged_keys(old, new):
        was, now = old.get(path), new.get(path)
        if was is not None and now is not None and _range(was) == _range(now):
            continue
        shown_metric = now if now is not None else was
        assert shown_metric is not None  # the path came from one side
        window = [r for r in by_date(shown_metric.readings, today) if r.date >= start]
        old_range = _range(was) if was is not None else None
        new_range = _range(now) if now is not None else None
        changes.append(
            MetricChange(
                path=path,
                kind=_kind(was is not None, now is not None),
                title=shown_metric.title,
                before=old_range,
                after=new_range,
                readings=len(window),
                breached_before=_breached(window, old_range),
                breached_after=_breached(window, new_range),
                window_from=start,
                window_to=today,
            )
        )
    return tuple(changes)


def range_text(bounds: Range) -> str:
    """A healthy range as a reader reads it: `≤ 72`, `≥ 20`, or `10 to 20`."""
    low, high = bounds
    if low is not None and high is not None:
        return f"{number_shown(low)} to {number_shown(high)}"
    if high is not None:
        return f"≤ {number_shown(high)}"
    return f"≥ {number_shown(low)}" if low is not None else "any value"


def metrics_json(changes: Sequence[MetricChange]) -> list[dict[str, object]]:
    """The metric changes as plain data, for `okrsite diff --format json`."""

    def bounds(value: Range | None) -> dict[str, float | None] | None:
        return None if value is None else {"min": value[0], "max": value[1]}

    return [
        {
            "path": c.path,
            "change": c.kind,
            "title": c.title,
            "before": bounds(c.before),
            "after": bounds(c.after),
            "window": {"from": c.window_from.isoformat(), "to": c.window_to.isoformat()},
            "readings": c.readings,
            "breached_before": c.breached_before,
            "breached_after": c.breached_after,
        }
        for c in changes
    ]
