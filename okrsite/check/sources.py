"""OKR018 and OKR025: a `source:` that would send a token where the collect settings do not let
it go, or run a program outside the programs folder (threats T1 and T2).

`okrsite collect` applies the same rules again right before each request and each program; here
they are known from the files alone, so a pull request hears of them before it is merged.
"""

from __future__ import annotations

from okrsite.model.okrs import Repository
from okrsite.model.problems import Problem, problem
from okrsite.model.source_policy import CollectSettings
from okrsite.model.sources import CommandSource, GithubSource, JsonSource, PrometheusSource, Source

TOKEN_CODE = "OKR018"
PROGRAM_CODE = "OKR025"


def token_address(source: Source) -> tuple[str | None, str | None]:
    """The token_env a source sends and the address it sends it to (None, None for none)."""
    if isinstance(source, GithubSource):
        return source.token_env, source.api_url
    if isinstance(source, PrometheusSource):
        return source.token_env, source.url
    if isinstance(source, JsonSource) and source.url is not None:
        return source.token_env, source.url
    return None, None


def source_problems(repository: Repository, settings: CollectSettings) -> list[Problem]:
    """Every source of an open quarter, and of a standing metric, that would send a token off
    the list or run a program outside the programs folder, located at its `source:`. A closed
    quarter is not collected (and its files are frozen), so its sources are left alone; a
    standing metric belongs to no quarter, so its source is always collected and always checked."""
    found: list[Problem] = []
    for quarter in repository.quarters:
        if quarter.closed:
            continue
        for plan in quarter.plans:
            for objective in plan.objectives:
                for kr in objective.key_results:
                    if kr.source is not None:
                        what = f"key result '{plan.unit_id}/{objective.id}/{kr.id}' source"
                        found.extend(_refusals(kr.source, what, settings))
    for metric in repository.metrics:
        if metric.source is not None:
            found.extend(_refusals(metric.source, f"metric '{metric.path}' source", settings))
    return found


def _refusals(source: Source, what: str, settings: CollectSettings) -> list[Problem]:
    """OKR018 and OKR025 of one source, at its location; what names whose source it is."""
    found: list[Problem] = []
    token_env, url = token_address(source)
    refusal = None if url is None else settings.token_refusal(token_env, url)
    if refusal is not None:
        found.append(problem(TOKEN_CODE, source.location, f"{what}: {refusal}"))
    if isinstance(source, CommandSource) and source.command:
        refusal = settings.program_refusal(source.command[0])
        if refusal is not None:
            found.append(problem(PROGRAM_CODE, source.location, f"{what}: {refusal}"))
    return found
