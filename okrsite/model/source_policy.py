"""Where `okrsite collect` may send a token and which programs it may run (threats T1 and T2).

The maintainers' collect settings live in one file outside okrs/ and content/, which CODEOWNERS
protects (SETTINGS_FILE): the hosts a token other than GITHUB_TOKEN may go to, over https only,
and the one folder whose programs `command` sources may run. GITHUB_TOKEN goes only to the GitHub
API of the workflow running okrsite: the host of GITHUB_API_URL, else api.github.com. A source
without a token may read any http(s) address: it has nothing to give away.

The rules are pure: `okrsite check` applies them to what the loader read, and `collect` again
right before each request and each program it runs.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from okrsite.model.problems import Location, one_line

SETTINGS_FILE = ".github/okrsite-sources.yaml"
"""The maintainers' collect settings: `hosts:` and `programs:`."""

DEFAULT_PROGRAMS = "collectors"
"""The programs folder when the settings name none."""

UNTRUSTED_FOLDERS = ("okrs", "content")
"""What a pull request may write: never a place for programs."""

GITHUB_TOKEN = "GITHUB_TOKEN"
GITHUB_API_HOST = "api.github.com"
DEFAULT_PORTS = {"http": 80, "https": 443}
URL_LIMIT = 80  # characters of an address quoted in a message

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


@dataclass(frozen=True, order=True)
class Origin:
    """Where a request goes: scheme, host (lower case, no trailing dot) and port."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if DEFAULT_PORTS.get(self.scheme) == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def normal_host(host: str) -> str | None:
    """A host name as okrsite compares it: lower case, one trailing dot dropped, an IP address
    in its canonical form; None for anything else (percent signs, backslashes, spaces...)."""
    text = host.lower()
    text = text[:-1] if text.endswith(".") else text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    labels = text.split(".")
    if not text or len(text) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return text


def origin_of(url: str) -> Origin | None:
    """The origin an http(s) address leads to, or None if it is not one okrsite can tell
    safely (another scheme, a user name or password in it, a host that is no host name)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a port that is no number, a broken IPv6 literal
        return None
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if scheme not in DEFAULT_PORTS or "@" in netloc or "\\" in url or parts.hostname is None:
        return None
    host = normal_host(parts.hostname)
    if host is None:
        return None
    return Origin(scheme, host, port if port is not None else DEFAULT_PORTS[scheme])


def github_api_origin(github_api_url: str | None) -> Origin | None:
    """The GitHub API the running workflow talks to: GITHUB_API_URL's origin (GitHub Actions
    sets it; GitHub Enterprise Server's differs), else api.github.com; None when it is set to
    something that is not an https address, so that GITHUB_TOKEN goes nowhere."""
    if github_api_url is None or not github_api_url.strip():
        return Origin("https", GITHUB_API_HOST, 443)
    origin = origin_of(github_api_url)
    return origin if origin is not None and origin.scheme == "https" else None


def host_entry(text: str) -> Origin | None:
    """A `hosts:` entry, HOST or HOST:PORT, as the https origin it allows; None if malformed."""
    if "/" in text or "@" in text or not text.strip():
        return None
    origin = origin_of(f"https://{text.strip()}/")
    return origin


@dataclass(frozen=True)
class CollectSettings:
    """The maintainers' collect settings, and the GitHub API of the running workflow."""

    hosts: frozenset[Origin] = frozenset()  # where tokens other than GITHUB_TOKEN may go
    programs: str = DEFAULT_PROGRAMS  # the folder of the programs command sources run
    github_api: Origin | None = Origin("https", GITHUB_API_HOST, 443)
    location: Location = field(default=Location(SETTINGS_FILE), compare=False)

    def token_refusal(self, token_env: str | None, url: str) -> str | None:
        """Why the token in token_env may not go to url, or None if it may (or no token)."""
        if token_env is None:
            return None
        origin = origin_of(url)
        shown = one_line(url, URL_LIMIT)
        if origin is None:
            return (
                f"'{shown}' is not an address okrsite sends a token to: write https://HOST/..., "
                "without a user name or password"
            )
        if token_env == GITHUB_TOKEN:
            if self.github_api is None:
                return "GITHUB_API_URL is not an https address, so GITHUB_TOKEN is sent nowhere"
            if origin != self.github_api:
                return (
                    f"GITHUB_TOKEN goes only to the GitHub API of the workflow running okrsite "
                    f"({self.github_api}), not to {origin}; for another server, name a token of "
                    f"its own in token_env and list its host in {SETTINGS_FILE}"
                )
            return None
        if origin.scheme != "https":
            return f"a token goes only over https, and {origin} is plain http: write https://"
        if origin not in self.hosts:
            port = "" if origin.port == 443 else f":{origin.port}"
            return (
                f"{token_env} would go to {origin}, which {SETTINGS_FILE} does not list under "
                f"hosts:; a maintainer adds '{origin.host}{port}' there (a reviewed change), or "
                "the source reads without token_env"
            )
        return None

    def program_refusal(self, program: str) -> str | None:
        """Why a command source may not run program (a root-relative path), or None."""
        folder = PurePosixPath(self.programs)
        path = PurePosixPath(program)
        if folder.parts[:1] and folder.parts[0] in UNTRUSTED_FOLDERS:
            return f"the programs folder {self.programs}/ is inside {folder.parts[0]}/"
        inside = (
            not path.is_absolute()
            and ".." not in path.parts
            and len(path.parts) > len(folder.parts)
            and path.parts[: len(folder.parts)] == folder.parts
        )
        if not inside:
            example = path.name if path.name and path != folder else "count.sh"
            return (
                f"the program '{one_line(program, URL_LIMIT)}' is not in the programs folder "
                f"{self.programs}/ that {SETTINGS_FILE} declares; command sources run only "
                f"programs kept there (e.g. {self.programs}/{example})"
            )
        return None
