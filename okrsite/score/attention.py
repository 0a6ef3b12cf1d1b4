"""The KRs worth a conversation at the monthly check-in, and every open blocker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from okrsite.model.okrs import CheckIn
from okrsite.model.scores import KeyResultResult, QuarterResult

REASONS = ("off-track", "at-risk", "confidence gap", "blocked", "stale")
"""Why a KR needs a conversation, the most pressing first."""


@dataclass(frozen=True)
class Blocker:
    """What a KR's owner said blocks it at its latest check-in, and since when."""

    key_result: KeyResultResult
    text: str  # as the latest check-in words it
    since: date  # the first check-in of the unbroken run that names it
    age: int  # days from since to the quarter's as-of date


@dataclass(frozen=True)
class SharedBlocker:
    """One blocker and every KR it holds up: their blockers are the same (same_blocker)."""

    text: str  # the shortest wording of it, from the first KR in org.yaml's order that uses it
    since: date  # the earliest since of its KRs
    age: int
    blocked: tuple[Blocker, ...]  # in org.yaml's order


@dataclass(frozen=True)
class Conversation:
    """A KR worth talking about, and why: some of REASONS, in their order; its open blocker and
    the change of its value since the check-in before its latest."""

    key_result: KeyResultResult
    reasons: tuple[str, ...]
    blocker: Blocker | None = None
    previous: CheckIn | None = None  # the counted check-in before the latest, if any

    @property
    def change(self) -> float | None:
        """The latest value less the previous one; None without two check-ins."""
        latest = self.key_result.latest
        if latest is None or self.previous is None:
            return None
        return latest.value - self.previous.value


BOUNDARY = ",;:.(-\u2013\u2014"
"""What may follow a blocker's wording when a longer one adds detail to it."""


def blocker_key(text: str) -> str:
    """A blocker's words compared: whitespace collapsed, case folded, closing punctuation off."""
    return " ".join(text.split()).casefold().rstrip(BOUNDARY + "!? ")


def same_blocker(short: str, long: str) -> bool:
    """Whether two blockers' keys name one blocker: equal, or the longer is the shorter with
    detail after a comma, semicolon, colon, full stop, bracket or dash."""
    if not long.startswith(short):
        return False
    rest = long[len(short) :]
    return not rest or rest.lstrip()[:1] in BOUNDARY


def _open_text(kr: KeyResultResult) -> str | None:
    """The blockers of a KR's latest counted check-in, unless it is dropped or they are blank."""
    latest = kr.latest
    if kr.dropped or latest is None or not latest.blockers.strip():
        return None
    return latest.blockers


def blocker(kr: KeyResultResult, as_of: date) -> Blocker | None:
    """A KR's open blocker: the blockers of its latest counted check-in, unless it is dropped; a
    later check-in without blockers clears it. It is open since the first of the unbroken run of
    latest check-ins that name it (blocker_key equal); its age counts days from then to as_of."""
    text = _open_text(kr)
    if text is None:
        return None
    key = blocker_key(text)
    since = kr.counted[-1].date
    for checkin in reversed(kr.counted):
        if blocker_key(checkin.blockers) != key:
            break
        since = checkin.date
    return Blocker(kr, text, since, (as_of - since).days)


def reasons(kr: KeyResultResult) -> tuple[str, ...]:
    """Why a KR of an open quarter needs a conversation, in REASONS' order; () when it does not."""
    found = {str(kr.status)} & {"off-track", "at-risk"}
    if kr.confidence_gap:
        found.add("confidence gap")
    if _open_text(kr) is not None:
        found.add("blocked")
    if kr.stale and not kr.dropped:
        found.add("stale")
    return tuple(r for r in REASONS if r in found)


def conversations(result: QuarterResult) -> tuple[Conversation, ...]:
    """The KRs of an open quarter that need a conversation: the most pressing reason first,
    then those with more reasons, then in org.yaml's order. None in a closed quarter."""
    if result.quarter.closed:
        return ()
    found = [
        Conversation(
            kr,
            why,
            blocker(kr, result.as_of),
            kr.counted[-2] if len(kr.counted) > 1 else None,
        )
        for kr in result.key_results()
        if (why := reasons(kr))
    ]
    # sorted is stable: KRs alike in both keep org.yaml's order.
    return tuple(sorted(found, key=lambda c: (REASONS.index(c.reasons[0]), -len(c.reasons))))


def open_blockers(result: QuarterResult) -> tuple[SharedBlocker, ...]:
    """Every open blocker of the quarter, once with every KR it holds up (same_blocker, across
    units), the oldest first, then in org.yaml's order of their first KR."""
    found = [b for kr in result.key_results() if (b := blocker(kr, result.as_of))]
    keys = {id(b): blocker_key(b.text) for b in found}
    heads: list[str] = []  # each group's key: the shortest wording, matched first
    for key in sorted(set(keys.values()), key=lambda k: (len(k), k)):
        if not any(same_blocker(head, key) for head in heads):
            heads.append(key)
    groups: dict[str, list[Blocker]] = {}
    for b in found:  # org.yaml's order
        head = next(h for h in heads if same_blocker(h, keys[id(b)]))
        groups.setdefault(head, []).append(b)
    shared = [
        SharedBlocker(
            text=next(b.text for b in members if keys[id(b)] == head),
            since=min(b.since for b in members),
            age=max(b.age for b in members),
            blocked=tuple(members),
        )
        for head, members in groups.items()
    ]
    return tuple(sorted(shared, key=lambda s: s.since))  # stable: org.yaml's order on a tie
