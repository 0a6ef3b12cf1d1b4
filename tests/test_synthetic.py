"""The benchmarks' synthetic organisation: a repository that loads and checks without errors."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synthetic import AS_OF, make_organisation
from okrsite.check.rules import check_loaded
from okrsite.load.repository import load
from okrsite.score.history import score_all


def test_a_small_synthetic_organisation_loads_and_checks_without_errors(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_organisation(root, teams=12, quarters=2)
    loaded = load(root)
    results = score_all(loaded.repository, AS_OF, AS_OF)
    problems = check_loaded(loaded, results, AS_OF)
    assert [str(p) for p in problems if p.severity == "error"] == []
    kinds = [unit.kind for unit in loaded.repository.org.units]
    assert (kinds.count("org"), kinds.count("group"), kinds.count("team")) == (1, 2, 12)
    quarters = loaded.repository.quarters
    assert [(q.id, q.closed, q.digest is not None) for q in quarters] == [
        ("2026-Q3", True, True),
        ("2026-Q4", False, False),
    ]
    assert all(len(q.plans) == 15 for q in quarters)  # every unit has objectives each quarter
