"""Shared fixtures: write a small repository from {relative path: text} and return its root."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from okrsite.site import charts

# A build draws charts without validating their Vega-Lite specs (it costs as much as drawing);
# every chart a test draws in this process is validated against the schema instead.
charts.VALIDATE_SPECS = True

ORG_YAML = """\
name: Acme Engineering
units:
  - id: eng
    name: Engineering
    kind: org
  - id: platform
    name: Platform
    kind: group
    parent: eng
  - id: payments
    name: Payments
    kind: team
    parent: platform
"""

PAYMENTS_YAML = """\
objectives:
  - id: delivery
    title: Ship features from idea to production faster
    domain: delivery
    key_results:
      - id: lead-time
        title: Reduce median lead time for changes from 12 days to 5 days
        owner: Sam Lee
        measurement: Deployment pipeline, median over merged changes
        unit: days
        baseline: 12
        target: 5
      - id: change-failure-rate
        kind: guardrail
        title: Keep change failure rate below 5%
        owner: Sam Lee
        measurement: Incident tracker
        baseline: 4.2
        max: 5
"""

PAYMENTS_CSV = """\
date,kr,value,confidence,note,blockers
2026-10-15,delivery/lead-time,10,0.6,Review latency is the bottleneck,
2026-11-15,delivery/lead-time,8,0.7,,
2026-10-15,delivery/change-failure-rate,4.0,,,
"""

MINIMAL: dict[str, str] = {
    "okrs/org.yaml": ORG_YAML,
    "okrs/2026-Q4/payments.yaml": PAYMENTS_YAML,
    "okrs/2026-Q4/payments.csv": PAYMENTS_CSV,
}
"""A small valid repository: one org, one group, one team with one objective in 2026-Q4."""

WriteRepo = Callable[..., Path]


@pytest.fixture
def write_repo(tmp_path: Path) -> WriteRepo:
    """Write files {relative path: text or bytes} under a fresh root and return the root.

    Text is dedented, so tests can indent their inline YAML and CSV.
    """

    def write(files: Mapping[str, str | bytes], root: Path | None = None) -> Path:
        base = root or tmp_path / "repo"
        for relative, content in files.items():
            path = base / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8", newline="")
        base.mkdir(parents=True, exist_ok=True)
        return base

    return write
