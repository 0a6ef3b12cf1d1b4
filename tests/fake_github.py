"""A fake of GitHub's REST API on 127.0.0.1 for the collect tests, never the internet.

It answers in the documented shapes (docs.github.com/rest, API version 2022-11-28): repositories,
deployments and their statuses, a workflow's runs, pull requests and their commits, issues; pages
with Link headers (rel="next", "last", "first", "prev", carrying per_page and page); X-RateLimit-*
headers on every answer; errors as {"message", "documentation_url", "status"}. Tests describe
the data with the small dataclasses below and can queue canned answers for any path.
"""

from __future__ import annotations

import json
import math
import re
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

TOKEN = "okrsite-test-token-5d0c1e9a"  # made up: the only token the fake accepts
PREFIX = "/api/v3"  # GitHub Enterprise Server's base path, so the client's prefix is exercised
RATE_LIMIT = 5000
DOCS = "https://docs.github.com/rest"

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Deployment:
    """A deployment and its statuses' states, newest first as GitHub lists them."""

    id: int
    created_at: str
    environment: str = "production"
    states: tuple[str, ...] = ("success",)


@dataclass(frozen=True)
class Run:
    """A run of a workflow."""

    id: int
    created_at: str
    branch: str = "main"
    conclusion: str = "success"


@dataclass(frozen=True)
class Pull:
    """A closed pull request and its commits' author dates, in the order GitHub lists them."""

    number: int
    updated_at: str
    merged_at: str | None
    commits: tuple[str, ...] = ()
    base: str = "main"


@dataclass(frozen=True)
class Issue:
    """An issue, or a pull request as the issues API lists it (pull_request=True)."""

    number: int
    created_at: str
    updated_at: str
    closed_at: str | None = None
    labels: tuple[str, ...] = ("incident",)
    pull_request: bool = False


@dataclass
class Repo:
    """One repository's data."""

    full_name: str
    default_branch: str = "main"
    deployments: list[Deployment] = field(default_factory=list)
    workflows: dict[str, list[Run]] = field(default_factory=dict)
    pulls: list[Pull] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Canned:
    """An answer served instead of the data's, once."""

    status: int
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """A request the fake received."""

    path: str  # without PREFIX
    query: Mapping[str, str]
    authorization: str


@dataclass(frozen=True)
class Answer:
    """Status, headers and body of one answer."""

    status: int
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


def error_body(message: str, status: int, docs: str = DOCS) -> str:
    """GitHub's error body."""
    return json.dumps({"message": message, "documentation_url": docs, "status": str(status)})


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class FakeGithub:
    """The fake server: data, canned answers, the log of requests."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.page_size = 100  # GitHub's largest; tests lower it to spread data over pages
        self.rate_remaining = RATE_LIMIT
        self.rate_reset = 1_795_050_000  # 2026-11-19T01:00:00Z
        self.requests: list[Request] = []
        self._canned: list[tuple[re.Pattern[str], int | None, Canned]] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api_url = self.url + PREFIX
        # A short poll: stop() waits for the next one.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> None:
        """Serves in a thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stops serving and closes the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def add(self, *repos: Repo) -> None:
        """Adds repositories."""
        for repo in repos:
            self.repos[repo.full_name] = repo

    def queue(self, path_pattern: str, *answers: Canned, page: int | None = None) -> None:
        """Serves these answers, in order, to the next requests whose path (without PREFIX)
        matches the pattern in full (and that ask for this page, if given); then the data."""
        pattern = re.compile(path_pattern)
        with self._lock:
            self._canned += [(pattern, page, answer) for answer in answers]

    def paths(self) -> list[str]:
        """The requested paths with their queries, e.g. /repos/a/b/pulls?page=2&per_page=2."""
        return [
            request.path + (f"?{urlencode(sorted(request.query.items()))}" if request.query else "")
            for request in self.requests
        ]

    def answer(self, target: str, authorization: str) -> Answer:
        """The answer to GET target."""
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        path = parts.path.removeprefix(PREFIX)
        with self._lock:
            self.requests.append(Request(path, query, authorization))
            page = int(query.get("page", "1"))
            canned = next(
                (c for c in self._canned if c[0].fullmatch(path) and c[1] in (None, page)), None
            )
            if canned is not None:
                self._canned.remove(canned)
        if canned is not None:
            return Answer(canned[2].status, canned[2].body, canned[2].headers)
        if not parts.path.startswith(PREFIX + "/"):
            return Answer(404, error_body("Not Found", 404))
        if authorization not in (f"token {TOKEN}", f"Bearer {TOKEN}"):
            return Answer(401, error_body("Bad credentials", 401))
        with self._lock:
            if self.rate_remaining <= 0:
                return self._rate_limited()
            self.rate_remaining -= 1
        return self._route(path, query)

    def rate_headers(self) -> dict[str, str]:
        """GitHub's X-RateLimit-* headers."""
        return {
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(max(self.rate_remaining, 0)),
            "X-RateLimit-Reset": str(self.rate_reset),
            "X-RateLimit-Used": str(RATE_LIMIT - max(self.rate_remaining, 0)),
            "X-RateLimit-Resource": "core",
        }

    def _rate_limited(self) -> Answer:
        message = (
            "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
            "please include the request ID 0000:0000:0000:0000:0000."
        )
        docs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
        return Answer(403, error_body(message, 403, docs))

    def _route(self, path: str, query: dict[str, str]) -> Answer:
        for pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match is None:
                continue
            repo = self.repos.get(f"{match['owner']}/{match['name']}")
            if repo is None:
                return Answer(
                    404, error_body("Not Found", 404, f"{DOCS}/repos/repos#get-a-repository")
                )
            return handler(repo, match, query)
        return Answer(404, error_body("Not Found", 404))

    def _routes(self) -> list[tuple[str, Callable[[Repo, re.Match[str], dict[str, str]], Answer]]]:
        repo = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"
        return [
            (repo, self._repository),
            (repo + r"/deployments", self._deployments),
            (repo + r"/deployments/(?P<id>\d+)/statuses", self._statuses),
            (repo + r"/actions/workflows/(?P<workflow>[^/]+)/runs", self._runs),
            (repo + r"/pulls", self._pulls),
            (repo + r"/pulls/(?P<number>\d+)/commits", self._commits),
            (repo + r"/issues", self._issues),
        ]

    def _repository(self, repo: Repo, match: re.Match[str], query: dict[str, str]) -> Answer:
        return Answer(200, json.dumps(self._repo_json(repo)))

    def _deployments(self, repo: Repo, match: re.Match[str], query: dict[str, str]) -> Answer:
        chosen = [
            d
            for d in repo.deployments
            if "environment" not in query or d.environment == query["environment"]
        ]
        chosen.sort(key=lambda d: (_time(d.created_at), d.id), reverse=True)
        return self._page(match.string, query, [self._deployment_json(repo, d) for d in chosen])

    def _statuses(self, repo: Repo, match: re.Match[str], query: dict[str, str]) -> Answer:
        deployment = next((d for d in repo.deployments if d.id == int(match["id"])), None)
        if deployment is None:
            return Answer(404, error_body("Not Found", 404))
        statuses = [
            self._status_json(repo, deployment, index, state)
            for index, state in enumerate(deployment.states)
        ]
        return self._page(match.string, query, statuses)

    def _runs(self, repo: Repo, match: re.Match[str], query: dict[str, str]) -> Answer:
        runs = repo.workflows.get(match["workflow"])
        if runs is None:
            docs = f"{DOCS}/actions/workflow-runs#list-workflow-runs-for-a-workflow"
            return Answer(404, error_body("Not Found", 404, docs))
        chosen = [
            run
            for run in runs
            if query.get("branch", run.branch) == run.branch
            and query.get("status", run.conclusion) in (run.conclusion, "completed")
        ]
        chosen.sort(key=lambda run: (_time(run.created_at), run.id), reverse=True)
        items = [self._run_json(repo, match["workflow"], run) for run in chosen]
        return self._page(match.string, query, items, list_key="workflow_runs")

    def _pulls(self, repo: Repo, match: re.Match[str], query: dict[str, str]) -> Answer:
        chosen = [p for p in repo.pulls if query.get("base", p.base) == p.base]
        if query.get("state", "open") == "open":
            chosen = []  # every pull request here is closed
        if query.get("sort") == "updated":
            descending = query.get("direction", "desc") == "desc"
            chosen.sort(key=lambda p: (_time(p.updated_at), p.number), reverse=descending)
        else:
            chosen.sort(key=lambda p: p.number, reverse=True)
        return self._page(match.string, query, [self._pull_json(repo, p) for p in chosen])

    def _commits(self, repo: Repo, match: re.Match[str], query: dict[str, str]) -> Answer:
        pull = next((p for p in repo.pulls if p.number == int(match["number"])), None)
        if pull is None:
            return Answer(404, error_body("Not Found", 404))
        commits = [
            self._commit_json(repo, pull, index, at) for index, at in enumerate(pull.commits)
        ]
        return self._page(match.string, query, commits)

    def _issues(self, repo: Repo, match: re.Match[str], query: dict[str, str]) -> Answer:
        wanted = [label for label in query.get("labels", "").split(",") if label]
        state = query.get("state", "open")
        since = _time(query["since"]) if "since" in query else None
        chosen = [
            issue
            for issue in repo.issues
            if all(label in issue.labels for label in wanted)
            and (state == "all" or (state == "closed") == (issue.closed_at is not None))
            and (since is None or _time(issue.updated_at) >= since)
        ]
        chosen.sort(key=lambda issue: (_time(issue.created_at), issue.number), reverse=True)
        return self._page(match.string, query, [self._issue_json(repo, i) for i in chosen])

    def _page(
        self, path: str, query: dict[str, str], items: list[JsonObject], list_key: str | None = None
    ) -> Answer:
        """One page of items and the Link header to the others, as GitHub pages them."""
        per_page = min(int(query.get("per_page", "30")), 100, self.page_size)
        page = int(query.get("page", "1"))
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(number: int, rel: str) -> str:
            params = {**query, "per_page": str(per_page), "page": str(number)}
            return f'<{self.api_url}{path}?{urlencode(params)}>; rel="{rel}"'

        links = []
        if page > 1:
            links += [link(page - 1, "prev")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first")]
        headers = {"Link": ", ".join(links)} if links else {}
        body: Any = {"total_count": len(items), list_key: chunk} if list_key else chunk
        return Answer(200, json.dumps(body), headers)

    def _user(self) -> JsonObject:
        return {
            "login": "octocat",
            "id": 1,
            "node_id": "MDQ6VXNlcjE=",
            "type": "User",
            "site_admin": False,
            "url": f"{self.api_url}/users/octocat",
            "html_url": "https://github.example/octocat",
        }

    def _repo_json(self, repo: Repo) -> JsonObject:
        owner, name = repo.full_name.split("/")
        url = f"{self.api_url}/repos/{repo.full_name}"
        return {
            "id": 1296269,
            "node_id": "R_kgDOAAAAAA",
            "name": name,
            "full_name": repo.full_name,
            "private": True,
            "owner": {**self._user(), "login": owner, "type": "Organization"},
            "html_url": f"https://github.example/{repo.full_name}",
            "url": url,
            "deployments_url": f"{url}/deployments",
            "pulls_url": f"{url}/pulls{{/number}}",
            "issues_url": f"{url}/issues{{/number}}",
            "default_branch": repo.default_branch,
            "visibility": "private",
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2026-11-01T00:00:00Z",
            "pushed_at": "2026-11-18T00:00:00Z",
        }

    def _deployment_json(self, repo: Repo, deployment: Deployment) -> JsonObject:
        url = f"{self.api_url}/repos/{repo.full_name}/deployments/{deployment.id}"
        return {
            "url": url,
            "id": deployment.id,
            "node_id": f"DE_{deployment.id}",
            "sha": f"{deployment.id:040x}",
            "ref": repo.default_branch,
            "task": "deploy",
            "payload": {},
            "original_environment": deployment.environment,
            "environment": deployment.environment,
            "description": None,
            "creator": self._user(),
            "created_at": deployment.created_at,
            "updated_at": deployment.created_at,
            "statuses_url": f"{url}/statuses",
            "repository_url": f"{self.api_url}/repos/{repo.full_name}",
            "transient_environment": False,
            "production_environment": deployment.environment == "production",
        }

    def _status_json(
        self, repo: Repo, deployment: Deployment, index: int, state: str
    ) -> JsonObject:
        url = f"{self.api_url}/repos/{repo.full_name}/deployments/{deployment.id}"
        return {
            "url": f"{url}/statuses/{deployment.id * 100 + index}",
            "id": deployment.id * 100 + index,
            "node_id": f"DES_{deployment.id}_{index}",
            "state": state,
            "creator": self._user(),
            "description": "",
            "environment": deployment.environment,
            "target_url": "",
            "log_url": "",
            "created_at": deployment.created_at,
            "updated_at": deployment.created_at,
            "deployment_url": url,
            "repository_url": f"{self.api_url}/repos/{repo.full_name}",
            "environment_url": "",
        }

    def _run_json(self, repo: Repo, workflow: str, run: Run) -> JsonObject:
        url = f"{self.api_url}/repos/{repo.full_name}/actions/runs/{run.id}"
        return {
            "id": run.id,
            "name": "Deploy",
            "node_id": f"WFR_{run.id}",
            "head_branch": run.branch,
            "head_sha": f"{run.id:040x}",
            "path": f".github/workflows/{workflow}",
            "run_number": run.id,
            "event": "push",
            "status": "completed",
            "conclusion": run.conclusion,
            "workflow_id": 161335,
            "url": url,
            "html_url": f"https://github.example/{repo.full_name}/actions/runs/{run.id}",
            "created_at": run.created_at,
            "updated_at": run.created_at,
            "run_started_at": run.created_at,
            "run_attempt": 1,
            "actor": self._user(),
            "repository": {"id": 1, "full_name": repo.full_name},
        }

    def _pull_json(self, repo: Repo, pull: Pull) -> JsonObject:
        url = f"{self.api_url}/repos/{repo.full_name}/pulls/{pull.number}"
        return {
            "url": url,
            "id": 1000 + pull.number,
            "node_id": f"PR_{pull.number}",
            "html_url": f"https://github.example/{repo.full_name}/pull/{pull.number}",
            "number": pull.number,
            "state": "closed",
            "locked": False,
            "title": f"Change {pull.number}",
            "user": self._user(),
            "body": None,
            "created_at": pull.commits[0] if pull.commits else pull.updated_at,
            "updated_at": pull.updated_at,
            "closed_at": pull.merged_at or pull.updated_at,
            "merged_at": pull.merged_at,
            "merge_commit_sha": f"{pull.number:040x}" if pull.merged_at else None,
            "draft": False,
            "commits_url": f"{url}/commits",
            "head": {"label": f"octocat:change-{pull.number}", "ref": f"change-{pull.number}"},
            "base": {"label": f"acme:{pull.base}", "ref": pull.base, "sha": "0" * 40},
            "author_association": "MEMBER",
        }

    def _commit_json(self, repo: Repo, pull: Pull, index: int, at: str) -> JsonObject:
        sha = f"{pull.number:020x}{index:020x}"
        person = {"name": "Octo Cat", "email": "octocat@example.com", "date": at}
        return {
            "url": f"{self.api_url}/repos/{repo.full_name}/commits/{sha}",
            "sha": sha,
            "node_id": f"C_{sha}",
            "html_url": f"https://github.example/{repo.full_name}/commit/{sha}",
            "comments_url": f"{self.api_url}/repos/{repo.full_name}/commits/{sha}/comments",
            "commit": {
                "url": f"{self.api_url}/repos/{repo.full_name}/git/commits/{sha}",
                "author": person,
                "committer": {**person, "name": "GitHub"},
                "message": f"Work on change {pull.number}",
                "tree": {
                    "url": f"{self.api_url}/repos/{repo.full_name}/git/trees/{sha}",
                    "sha": sha,
                },
                "comment_count": 0,
            },
            "author": self._user(),
            "committer": self._user(),
            "parents": [],
        }

    def _issue_json(self, repo: Repo, issue: Issue) -> JsonObject:
        url = f"{self.api_url}/repos/{repo.full_name}/issues/{issue.number}"
        kind = "pull" if issue.pull_request else "issues"
        item: JsonObject = {
            "id": 5000 + issue.number,
            "node_id": f"I_{issue.number}",
            "url": url,
            "repository_url": f"{self.api_url}/repos/{repo.full_name}",
            "html_url": f"https://github.example/{repo.full_name}/{kind}/{issue.number}",
            "number": issue.number,
            "state": "closed" if issue.closed_at else "open",
            "title": f"Incident {issue.number}",
            "user": self._user(),
            "labels": [
                {
                    "id": index + 1,
                    "node_id": f"LA_{name}",
                    "name": name,
                    "color": "d73a4a",
                    "default": False,
                }
                for index, name in enumerate(issue.labels)
            ],
            "comments": 0,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "author_association": "MEMBER",
        }
        if issue.pull_request:
            item["pull_request"] = {
                "url": f"{self.api_url}/repos/{repo.full_name}/pulls/{issue.number}",
                "html_url": f"https://github.example/{repo.full_name}/pull/{issue.number}",
                "merged_at": None,
            }
        return item


class _Server(ThreadingHTTPServer):
    """The HTTP server; its handlers ask the fake."""

    fake: FakeGithub


class _Handler(BaseHTTPRequestHandler):
    """GET only, as the client only reads."""

    protocol_version = "HTTP/1.1"  # keep-alive, as GitHub
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server: _Server

    def do_GET(self) -> None:
        fake = self.server.fake
        answer = fake.answer(self.path, self.headers.get("Authorization", ""))
        body = answer.body.encode()
        self.send_response(answer.status)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            **fake.rate_headers(),
            **answer.headers,
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the fake's request log instead."""


@contextmanager
def silent_server() -> Iterator[str]:
    """The URL of a server that accepts connections and never answers (it never even accepts
    them: the kernel's backlog completes the handshake)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}{PREFIX}"
    finally:
        listener.close()


def closed_port_url() -> str:
    """The URL of a port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{PREFIX}"
