"""The HTTP GET the Prometheus and JSON sources share: retries on 502/503/504 and refused
connections, a timeout, a bearer token from the environment that no message ever shows, and a
10 MiB cap on what is read."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from okrsite.collect.readings import SourceContext, SourceError
from okrsite.model.problems import BIDI_CONTROL, one_line

MAX_BODY = 10 * 1024 * 1024
"""The most an HTTP source reads: a number's document is small; more is a wrong URL."""

RETRIES = 3
BACKOFF = 0.25  # seconds; urllib3 retries once at once, then waits 0.5 s, then 1 s
RETRY_STATUSES = (502, 503, 504)  # a proxy or server that is restarting or overloaded
MESSAGE_LIMIT = 200  # characters of a server's error quoted in a message
URL_LIMIT = 80  # characters of an address quoted in a message


@dataclass(frozen=True)
class HttpAnswer:
    """What a server answered: the status and the body (at most MAX_BODY)."""

    status: int
    body: bytes
    token: str = field(default="", repr=False)  # the bearer token sent, if any

    def redacted(self, text: str) -> str:
        """Text the server sent with the token blotted out, should the server echo it."""
        return text.replace(self.token, "[token]") if self.token else text


def escaped(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Text on one line, control characters escaped, cut to limit characters with an ellipsis."""
    # Bidi overrides too: a server's message must not display differently from what it says.
    safe = BIDI_CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", one_line(text))
    return shortened(safe, limit)


def shortened(text: str, limit: int) -> str:
    """Text cut to limit characters, the last an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bearer_headers(token_env: str | None, env: Mapping[str, str]) -> dict[str, str]:
    """The Authorization header for the token in env[token_env], or none without token_env."""
    if token_env is None:
        return {}
    token = env.get(token_env, "").strip()
    if not token:
        raise SourceError(f"the environment variable {token_env} (the bearer token) is not set")
    if not token.isascii() or not token.isprintable():
        # requests would refuse the header and quote it, token and all, in its exception.
        raise SourceError(f"the environment variable {token_env} holds no valid bearer token")
    return {"Authorization": f"Bearer {token}"}


def http_session() -> requests.Session:
    """A session that retries refused connections and 502/503/504, briefly, and then gives up."""
    retry = Retry(
        total=RETRIES,
        connect=RETRIES,
        read=False,  # a server that took the request and went quiet would only do so again
        status=RETRIES,
        other=0,
        backoff_factor=BACKOFF,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=("GET",),
        raise_on_status=False,  # the last 503's body says why (Prometheus: a query timeout)
        respect_retry_after_header=False,  # a Retry-After of an hour would hang collect
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check_http_url(url: str) -> None:
    """SourceError unless url is an http(s) address with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(f"'{escaped(url, URL_LIMIT)}' is not an http:// or https:// address")


def http_get(
    url: str,
    context: SourceContext,
    *,
    token_env: str | None = None,
    params: Mapping[str, str] | None = None,
) -> HttpAnswer:
    """GET url with the token from context.env; SourceError if no answer or one too large."""
    check_http_url(url)
    headers = bearer_headers(token_env, context.env)
    shown_url = escaped(url, URL_LIMIT)
    try:
        with (
            http_session() as session,
            session.get(
                url, params=params, headers=headers, timeout=context.timeout, stream=True
            ) as response,
        ):
            body = _body(response, shown_url, time.monotonic() + context.timeout)
    except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
        if _timed_out(error):
            raise SourceError(
                f"{shown_url} did not answer within {context.timeout:g} seconds"
            ) from None
        raise SourceError(f"could not reach {shown_url}: {_reason(error, headers)}") from None
    token = headers.get("Authorization", "").removeprefix("Bearer ")
    return HttpAnswer(response.status_code, body, token)


def _body(response: requests.Response, shown_url: str, deadline: float) -> bytes:
    """The response's body, or SourceError past MAX_BODY or a deadline (a trickling server)."""
    too_large = f"{shown_url} sent more than 10 MiB; okrsite reads at most that"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise SourceError(too_large)
    body = bytearray()
    # read1: whatever has arrived (iter_content would wait for a full chunk), so that the
    # deadline also stops a server that sends a byte at a time; decoded, so gzip counts unpacked.
    while chunk := response.raw.read1(64 * 1024, decode_content=True):
        body += chunk
        if len(body) > MAX_BODY:
            raise SourceError(too_large)
        if time.monotonic() > deadline:
            raise requests.Timeout()
    return bytes(body)


def _causes(error: BaseException) -> list[BaseException]:
    """The error and the chain of errors that caused it, outermost first."""
    chain = [error]
    while (inner := chain[-1].__cause__ or chain[-1].__context__) is not None:
        chain.append(inner)
    return chain


def _timed_out(error: BaseException) -> bool:
    """Whether a requests or urllib3 error is a timeout (urllib3's NewConnectionError, a
    refusal, is a TimeoutError subclass, so only the innermost cause tells)."""
    return isinstance(error, requests.Timeout) or isinstance(_causes(error)[-1], TimeoutError)


def _reason(error: BaseException, headers: Mapping[str, str]) -> str:
    """The innermost cause of a requests error, on one line, e.g. 'Connection refused'."""
    cause = _causes(error)[-1]
    if isinstance(cause, OSError) and cause.strerror:
        text = cause.strerror
    else:
        text = str(cause) or type(cause).__name__
    for value in headers.values():
        text = text.replace(value, "[token]")  # no library message may carry the token
    return escaped(text)
