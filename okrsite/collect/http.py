"""The HTTP GET the Prometheus and JSON sources share: retries on 502/503/504 and refused
connections, a timeout, a bearer token from the environment that no message ever shows, and a
10 MiB cap on what is read. Its retry policy is also the GitHub source's (retry_policy)."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from okrsite.collect.readings import DEFAULT_TIMEOUT, MESSAGE_LIMIT, SourceContext, SourceError
from okrsite.collect.redact import redact
from okrsite.model.problems import one_line

MAX_BODY = 10 * 1024 * 1024
"""The most an HTTP source reads: a number's document is small; more is a wrong URL."""

BACKOFF = 0.25  # seconds; urllib3 retries once at once, then waits 0.5 s, then 1 s

RETRIES = 3  # of a Prometheus or JSON source's GET
RETRY_STATUSES = (502, 503, 504)  # a proxy or server that is restarting or overloaded
URL_LIMIT = 80  # characters of an address quoted in a message


@dataclass(frozen=True)
class HttpAnswer:
    """What a server answered: the status and the body (at most MAX_BODY)."""

    status: int
    body: bytes
    token: str = field(default="", repr=False)  # the bearer token sent, if any

    def redacted(self, text: str) -> str:
        """Text the server sent with the token blotted out, whole or in part, should the server
        echo it (T5)."""
        return redact(text, (self.token,))


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


def retry_policy(
    retries: int, *, read_retries: int | Literal[False], statuses: Collection[int]
) -> Retry:
    """The one retry policy of every request collect makes, for requests' HTTPAdapter and for
    PyGithub's retry=: a GET only, again after a refused connection or one of statuses, at most
    retries times with BACKOFF, then the last answer as it came.

    What differs between sources is only how many times and after what (each caller says why):
    read_retries, the retries after a timeout or a dropped connection once the request was sent
    (False: none, and the error as it was raised), and the statuses worth a second try.
    """
    return Retry(
        total=retries,
        connect=retries,
        read=read_retries,
        status=retries,
        other=0,  # a TLS or certificate failure is the same a second later
        backoff_factor=BACKOFF,
        status_forcelist=statuses,
        allowed_methods=("GET",),
        # The last 5xx answer comes back: its body says why (Prometheus: a query timeout), and
        # PyGithub raises on it with GitHub's message.
        raise_on_status=False,
        # A Retry-After of an hour would hang collect; obeyed, it would also retry a 429 (rate
        # limits wait for minutes, and say so), which no status list here holds, nor 403.
        respect_retry_after_header=False,
    )


Refusal = Callable[[str], "str | None"]
"""Why a request carrying a token may not go to an address (None: it may)."""


class GuardedAdapter(HTTPAdapter):
    """requests' adapter, the one way out for every request collect makes (T1, T5): a request
    carrying an Authorization header goes only where refusal allows, checked on the address the
    request is really sent to, the first and every redirect's; and a body read whole (not
    streamed, as PyGithub reads) stops at MAX_BODY and at the timeout."""

    def __init__(self, refusal: Refusal, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refusal = refusal

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send request, or SourceError if it would carry a token where it may not go."""
        url = request.url or ""
        if "Authorization" in request.headers:
            reason = self.refusal(url)
            if reason is not None:
                raise SourceError(f"refused to send the token: {reason}")
        response = super().send(
            request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )
        if not stream:
            seconds = _seconds(timeout)
            try:
                # As requests itself keeps a body it has read (Response.content).
                response._content = _body(
                    response, one_line(url, URL_LIMIT), time.monotonic() + seconds
                )
                response._content_consumed = True  # type: ignore[attr-defined]
            finally:
                response.close()
        return response


def _seconds(timeout: Any) -> float:
    """The longest a body may take to arrive: the request's timeout, its read part if split."""
    if isinstance(timeout, tuple):
        timeout = timeout[-1]
    return float(timeout) if isinstance(timeout, int | float) else DEFAULT_TIMEOUT


def http_session(refusal: Refusal) -> requests.Session:
    """A session that retries refused connections and 502/503/504, briefly, and then gives up,
    and sends a token only where refusal allows."""
    retry = retry_policy(
        RETRIES,
        # A server that took the request and went quiet would only do so again; and a session
        # lives for one GET, so no kept-alive connection can have been dropped under it.
        read_retries=False,
        statuses=RETRY_STATUSES,
    )
    session = requests.Session()
    adapter = GuardedAdapter(refusal, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check_http_url(url: str) -> None:
    """SourceError unless url is an http(s) address with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(f"'{one_line(url, URL_LIMIT)}' is not an http:// or https:// address")


def http_get(
    url: str,
    context: SourceContext,
    *,
    token_env: str | None = None,
    params: Mapping[str, str] | None = None,
) -> HttpAnswer:
    """GET url with the token from context.env; SourceError if no answer or one too large, or
    if the token may not go to url (context.settings: T1)."""
    check_http_url(url)

    def refusal(address: str) -> str | None:
        return context.settings.token_refusal(token_env, address)

    if (reason := refusal(url)) is not None:  # before the token is even read
        raise SourceError(reason)
    headers = bearer_headers(token_env, context.env)
    shown_url = one_line(url, URL_LIMIT)
    try:
        with (
            http_session(refusal) as session,
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
    # Past the cap the connection is dropped unread: the caller closes the response.
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
    # No library message may carry the token, whole or in part (T5).
    tokens = [value.removeprefix("Bearer ") for value in headers.values()]
    return one_line(redact(text, tokens), MESSAGE_LIMIT)
