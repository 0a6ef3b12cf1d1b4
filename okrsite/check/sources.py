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
    """Every source of an open quarter that would send a token off the list or run a program
    outside the programs folder, located at its `source:`. A closed quarter is not collected
    (and its files are frozen), so its sources are left alone."""
    found: list[Problem] = []
    for quarter in repository.quarters:
        if quarter.closed:
            continue
        for plan in quarter.plans:
            for objective in plan.objectives:
                for kr in objective.key_results:
                    source = kr.source
                    if source is None:
                        continue
                    what = f"key result '{plan.unit_id}/{objective.id}/{kr.id}' source"
                    token_env, url = token_address(source)
                    refusal = None if url is None else settings.token_refusal(token_env, url)
                    if refusal is not None:
                        found.append(problem(TOKEN_CODE, source.location, f"{what}: {refusal}"))
                    if isinstance(source, CommandSource) and source.command:
                        refusal = settings.program_refusal(source.command[0])
                        if refusal is not None:
                            found.append(
                                problem(PROGRAM_CODE, source.location, f"{what}: {refusal}")
                            )
    return found
