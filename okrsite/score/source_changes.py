"""What a change does to where `okrsite collect` reaches (T1, T2): each key result and each
standing metric whose `source:` gains a host, a token or a program, and each change to the
programs folder or to the collect settings, for `okrsite diff` to flag in a pull request's job
summary."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from okrsite.model.okrs import Repository
from okrsite.model.source_policy import GITHUB_TOKEN, origin_of
from okrsite.model.sources import CommandSource, GithubSource, JsonSource, PrometheusSource, Source


@dataclass(frozen=True)
class SourceChange:
    """A key result or standing metric whose source now reaches something it did not before."""

    path: str  # QUARTER/UNIT/OBJECTIVE/KR, or metrics/UNIT/METRIC
    hosts: tuple[str, ...]  # origins added, e.g. https://metrics.example.net
    tokens: tuple[str, ...]  # token_env names added
    programs: tuple[str, ...]  # programs added


@dataclass(frozen=True)
class SourceReview:
    """Everything about sources a reviewer must look at."""

    sources: tuple[SourceChange, ...]
    files: tuple[str, ...]  # changed files: the collect settings, the programs folder's

    @property
    def empty(self) -> bool:
        """Whether nothing needs a look."""
        return not (self.sources or self.files)


def _address(source: Source) -> str | None:
    if isinstance(source, GithubSource):
        return source.api_url
    if isinstance(source, PrometheusSource):
        return source.url
    if isinstance(source, JsonSource):
        return source.url
    return None


def reach(source: Source | None) -> tuple[set[str], set[str], set[str]]:
    """The hosts, tokens and programs a source reaches."""
    if source is None:
        return set(), set(), set()
    address = _address(source)
    origin = origin_of(address) if address is not None else None
    hosts = {str(origin) if origin is not None else address} if address is not None else set()
    token = GITHUB_TOKEN if isinstance(source, GithubSource) else None
    token = getattr(source, "token_env", None) or token
    programs = (
        {source.command[0]} if isinstance(source, CommandSource) and source.command else set()
    )
    return hosts, ({token} if token else set()), programs


def _sources(repository: Repository) -> Iterator[tuple[str, Source]]:
    for quarter in repository.quarters:
        for plan in quarter.plans:
            for objective in plan.objectives:
                for kr in objective.key_results:
                    if kr.source is not None:
                        path = f"{quarter.id}/{plan.unit_id}/{objective.id}/{kr.id}"
                        yield path, kr.source
    for metric in repository.metrics:
        if metric.source is not None:
            # METRICS_DIR's folder name: never a quarter's (YYYY-Qn), so never a KR's path.
            yield f"metrics/{metric.path}", metric.source


def review_sources(
    before: Repository, after: Repository, files: Sequence[str] = ()
) -> SourceReview:
    """Each source of after that reaches a host, token or program its KR's or metric's source in
    before did not (every one of a new source's), and the changed files given."""
    old = dict(_sources(before))
    changes: list[SourceChange] = []
    for path, source in _sources(after):
        hosts, tokens, programs = reach(source)
        old_hosts, old_tokens, old_programs = reach(old.get(path))
        change = SourceChange(
            path,
            tuple(sorted(hosts - old_hosts)),
            tuple(sorted(tokens - old_tokens)),
            tuple(sorted(programs - old_programs)),
        )
        if change.hosts or change.tokens or change.programs:
            changes.append(change)
    return SourceReview(tuple(changes), tuple(sorted(files)))


def review_json(review: SourceReview) -> dict[str, object]:
    """The review as plain data, for `--format json`."""
    return {
        "sources": [
            {"path": c.path, "hosts": c.hosts, "tokens": c.tokens, "programs": c.programs}
            for c in review.sources
        ],
        "files": list(review.files),
    }
