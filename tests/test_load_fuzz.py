"""Any bytes in any data file give a model and located problems, never an unhandled exception."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrsite import pipeline
from tests.conftest import MINIMAL

FILES = (
    "okrs/org.yaml",
    "okrs/2026-Q4/payments.yaml",
    "okrs/2026-Q4/quarter.yaml",
    "okrs/2026-Q4/payments.csv",
)

# Bytes biased towards the characters that matter to YAML and CSV, plus anything at all.
SYNTAX = st.sampled_from(
    [b":", b"-", b" ", b"\n", b"\r", b",", b";", b'"', b"'", b"[", b"]", b"{", b"}", b"&a",
     b"*a", b"!!", b"#", b"|", b">", b"%", b"\t", b"\xff", b"\xef\xbb\xbf", b"id", b"2026-10-01",
     b"objectives", b"key_results", b"date,kr,value", b"delivery/lead-time", b"1.5", b"null"]
)  # fmt: skip
CONTENT = st.one_of(st.binary(max_size=300), st.lists(SYNTAX, max_size=60).map(b"".join))


def mutate(original: str, data: bytes, mode: str) -> bytes:
    encoded = original.encode()
    if mode == "replace":
        return data
    if mode == "append":
        return encoded + data
    middle = len(encoded) // 2
    return encoded[:middle] + data + encoded[middle:]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.sampled_from(FILES),
    data=CONTENT,
    mode=st.sampled_from(["replace", "append", "insert"]),
)
def test_any_bytes_give_located_problems(target: str, data: bytes, mode: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for relative, text in MINIMAL.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8", newline="")
        original = MINIMAL.get(target, "")
        (root / target).write_bytes(mutate(original, data, mode))
        problems = pipeline.check(root, date(2026, 11, 10)).problems
    for found in problems:
        assert found.location.path.startswith("okrs/")
        assert found.message and "\n" not in found.message
        if found.location.path == target:
            assert found.location.line >= 1, found
