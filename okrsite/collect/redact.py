"""Secrets out of messages (threat T5): every token okrsite holds is blotted out of any text a
server, a document or a library gave, whole or in part, before that text is shown.

A message may have been cut (to 80 or 200 characters) before it gets here, so the cut could
leave the first part of a token: any run of FRAGMENT or more characters that also occurs in a
token is blotted out too, wherever it is. At most FRAGMENT - 1 characters of a token can show,
never enough to guess the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

MARK = "[token]"
FRAGMENT = 8  # characters: a run this long found in a token is taken for a piece of it
SHORTEST = 4  # characters: a shorter value is no token (and blotting it would garble text)


def redact(text: str, secrets: Iterable[str], mark: str = MARK) -> str:
    """text with each secret, and each piece of FRAGMENT or more characters of one, as mark."""
    kept = sorted({s for s in secrets if len(s) >= SHORTEST}, key=len, reverse=True)
    for secret in kept:
        text = text.replace(secret, mark)
    pieces = {
        secret[start : start + FRAGMENT]
        for secret in kept
        for start in range(len(secret) - FRAGMENT + 1)
    }
    if not pieces or len(text) < FRAGMENT:
        return text
    covered = [False] * len(text)
    for start in range(len(text) - FRAGMENT + 1):
        if text[start : start + FRAGMENT] in pieces:
            covered[start : start + FRAGMENT] = [True] * FRAGMENT
    if not any(covered):
        return text
    out: list[str] = []
    for index, char in enumerate(text):
        if not covered[index]:
            out.append(char)
        elif index == 0 or not covered[index - 1]:
            out.append(mark)
    return "".join(out)
