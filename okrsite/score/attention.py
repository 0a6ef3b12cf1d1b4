"""The KRs worth a conversation at the monthly check-in, and every open blocker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from okrsite.model.scores import KeyResultResult, QuarterResult

REASONS = ("off-track", "at-risk", "confidence gap", "blocked", "stale")
"""Why a KR needs a conversation, the most pressing first."""


@dataclass(frozen=True)
class Conversation:
    """A KR worth talking about, and why: some of REASONS, in their order."""

    key_result: KeyResultResult
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Blocker:
    """What a KR's owner said blocks it at its latest check-in."""

    key_result: KeyResultResult
    text: str
    since: date  # the latest check-in that names it


def blocker(kr: KeyResultResult) -> Blocker | None:
    """A KR's open blocker: the blockers of its latest counted check-in, unless it is dropped; a
    later check-in without blockers clears it."""
    latest = kr.latest
    if kr.dropped or latest is None or not latest.blockers.strip():
        return None
    return Blocker(kr, latest.blockers, latest.date)


def reasons(kr: KeyResultResult) -> tuple[str, ...]:
    """Why a KR of an open quarter needs a conversation, in REASONS' order; () when it does not."""
    found = {str(kr.status)} & {"off-track", "at-risk"}
    if kr.confidence_gap:
        found.add("confidence gap")
    if blocker(kr) is not None:
        found.add("blocked")
    if kr.stale and not kr.dropped:
        found.add("stale")
    return tuple(r for r in REASONS if r in found)


def conversations(result: QuarterResult) -> tuple[Conversation, ...]:
    """The KRs of an open quarter that need a conversation: the most pressing reason first,
    then those with more reasons, then in org.yaml's order. None in a closed quarter."""
    if result.quarter.closed:
        return ()
    found = [Conversation(kr, why) for kr in result.key_results() if (why := reasons(kr))]
    # sorted is stable: KRs alike in both keep org.yaml's order.
    return tuple(sorted(found, key=lambda c: (REASONS.index(c.reasons[0]), -len(c.reasons))))


def open_blockers(result: QuarterResult) -> tuple[Blocker, ...]:
    """Every open blocker of the quarter, newest first, then in org.yaml's order."""
    found = [b for kr in result.key_results() if (b := blocker(kr))]
    return tuple(sorted(found, key=lambda b: b.since, reverse=True))  # stable, as above
