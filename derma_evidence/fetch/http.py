"""The one HTTP seam: a `Transport` takes a `Request` and returns a `Response`; `Client` adds the policy.

The policy, every number written down here and tested at and past its limit:

- a request's timeout is `TIMEOUT` seconds; a response body larger than `MAX_BODY` bytes is refused;
- a request is tried at most `MAX_ATTEMPTS` times: again after a timeout or connection failure, an
  HTTP 429 or an HTTP 500, 502, 503 or 504, waiting `Retry-After` when the service sends one (seconds
  or an HTTP date) and `BACKOFF * 2**n` seconds otherwise; a wait longer than `MAX_WAIT` seconds is
  not waited: the request fails with the service's message;
- requests to one service are spaced by its rate (`RATES`: NCBI allows 3 requests a second, 10 with
  an API key); the `User-Agent` names the project and, when configured, a contact address;
- every failure is one `FetchError` with the service's name and message, never a traceback.

Sleeping and the clock are injected, so tests run instantly and never measure time.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from derma_evidence.load import jsondoc

TIMEOUT = 30.0
"""Seconds a request may take before it counts as failed (and is retried)."""
MAX_BODY = 16 * 1024 * 1024
"""Bytes a response body may hold; a larger one is refused (read stops at MAX_BODY + 1)."""
MAX_ATTEMPTS = 4
"""Tries per request, the first included."""
BACKOFF = 2.0
"""Seconds before the second try when the service sends no Retry-After; doubled each time."""
MAX_WAIT = 120.0
"""Longest wait honoured between tries; a longer Retry-After fails the request instead."""
MAX_JSON_DEPTH = 64
"""Nesting depth a JSON body may reach; the services' documented formats need fewer than 10 levels."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RATES = {"pubmed": 3.0, "pubmed+key": 10.0, "europepmc": 10.0, "ctgov": 5.0, "crossref": 5.0}
"""Requests per second per service. NCBI: 3 without an API key, 10 with one (E-utilities usage policy)."""
MESSAGE_CHARS = 300
"""Characters of a service's error message shown to the user."""


class FetchError(Exception):
    """A service could not answer: its name and its message (status, or what was wrong with the body)."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.message = message


@dataclass(frozen=True, slots=True)
class Request:
    service: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    timeout: float = TIMEOUT


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class Transport(Protocol):
    """The seam: send one request, return the response (any status). Raise OSError when no response came."""

    def __call__(self, request: Request) -> Response: ...


def urllib_transport(request: Request) -> Response:
    """The real transport: urllib, the request's timeout, a body read up to MAX_BODY + 1 bytes."""
    req = urllib.request.Request(request.url, headers=dict(request.headers), method="GET")
    try:
        with urllib.request.urlopen(req, timeout=request.timeout) as resp:  # noqa: S310 (https URLs only)
            return Response(resp.status, dict(resp.headers.items()), resp.read(MAX_BODY + 1))
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_BODY + 1) if exc.fp else b""
        return Response(exc.code, dict(exc.headers.items()) if exc.headers else {}, body)
    except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        raise OSError(str(getattr(exc, "reason", exc))) from exc


def url(base: str, params: Mapping[str, str | int]) -> str:
    """`base` with its query string, parameters in the given order (so recorded responses match exactly)."""
    return base + ("?" + urllib.parse.urlencode([(k, str(v)) for k, v in params.items()]) if params else "")


def clean_message(text: str) -> str:
    """A service's message, safe for a terminal: control characters dropped, whitespace collapsed, bounded."""
    kept = "".join(ch if ch.isprintable() else " " for ch in text)
    words = " ".join(kept.split())
    return words if len(words) <= MESSAGE_CHARS else words[: MESSAGE_CHARS - 1] + "…"


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110); None if unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def parse_json(service: str, body: bytes) -> Any:
    """The body as JSON, or one FetchError saying why not (not UTF-8, nested too deep, not JSON)."""
    try:
        return jsondoc.parse(body, MAX_JSON_DEPTH)
    except ValueError as exc:
        raise FetchError(service, f"the response cannot be read: {exc}") from None


def _error_text(body: bytes) -> str:
    """The message in an error body: a JSON `error`/`message`/`errMsg` field, else the text itself."""
    text = body[:4096].decode("utf-8", "replace")
    try:
        data = json.loads(text) if jsondoc.depth_ok(text, MAX_JSON_DEPTH) else None
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("error", "message", "errMsg", "ERROR"):
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value
            if isinstance(value, list) and value and isinstance(value[0], dict):
                inner = value[0].get("message")
                if isinstance(inner, str):
                    return inner
    return text


class Client:
    """Sends requests through a transport with the policy above; one instance per run."""

    def __init__(
        self,
        transport: Transport = urllib_transport,
        *,
        user_agent: str,
        api_keys: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.transport = transport
        self.user_agent = user_agent
        self.api_keys = dict(api_keys or {})
        self.sleep = sleep
        self.clock = clock
        self.wall = wall
        self._last: dict[str, float] = {}
        self.requests: list[Request] = []  # what was sent, in order (for tests and --verbose)

    def rate(self, service: str) -> float:
        if service == "pubmed" and self.api_keys.get("pubmed"):
            return RATES["pubmed+key"]
        return RATES.get(service, 1.0)

    def _pace(self, service: str) -> None:
        gap = 1.0 / self.rate(service)
        last = self._last.get(service)
        if last is not None:
            wait = last + gap - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[service] = self.clock()

    def get(self, service: str, address: str) -> Response:
        """GET `address`: a 2xx response, or FetchError after the bounded retries."""
        request = Request(service, address, (("User-Agent", self.user_agent), ("Accept", "application/json")))
        problem = ""
        for attempt in range(MAX_ATTEMPTS):
            self._pace(service)
            self.requests.append(request)
            try:
                resp = self.transport(request)
            except OSError as exc:
                problem = f"no response ({clean_message(str(exc)) or 'connection failed'})"
                wait: float | None = None
            else:
                if len(resp.body) > MAX_BODY:
                    raise FetchError(service, f"the response is larger than {MAX_BODY} bytes; not read")
                if 200 <= resp.status < 300:
                    return resp
                message = clean_message(_error_text(resp.body))
                problem = f"HTTP {resp.status}" + (f": {message}" if message else "")
                if resp.status not in RETRY_STATUSES:
                    raise FetchError(service, problem)
                wait = retry_after(resp.header("Retry-After"), self.wall())
            if attempt == MAX_ATTEMPTS - 1:
                break
            delay = BACKOFF * 2**attempt if wait is None else wait
            if delay > MAX_WAIT:
                raise FetchError(service, f"{problem} (asked to wait {delay:.0f} s, more than {MAX_WAIT:.0f} s)")
            self.sleep(delay)
        raise FetchError(service, f"{problem} (gave up after {MAX_ATTEMPTS} tries)")

    def get_json(self, service: str, address: str) -> Any:
        return parse_json(service, self.get(service, address).body)


def user_agent(project: str, version: str, contact: str | None = None) -> str:
    """`<project> (derma-evidence/<version>; mailto:<contact>)`: who is asking, as the services request."""
    name = clean_message(project) or "derma-evidence"
    extra = f"; mailto:{clean_message(contact)}" if contact else ""
    return f"{name} (derma-evidence/{version}{extra})"
