"""Recorded responses for the HTTP seam (`derma_evidence.fetch.http.Transport`): no test touches the network.

A recording (tests/fetch/recorded/<service>/<name>.json) holds `documented` (where the service
documents that format), `match` (substrings the request URL must contain) and `response` (`status`,
`headers`, and the body as `json` or `text`), or `error` (no response: a timeout). `Replay(names)`
answers each request with the first unused recording that matches (`extra` ones first), and fails
the test when none does.
"""

from __future__ import annotations

import json
from typing import Any

from derma_evidence.fetch.http import Client, Request, Response
from tests.conftest import RECORDED


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDED / name).read_text("utf-8"))
    assert data.get("documented"), f"{name}: say where the service documents this format"
    return data


def response(data: dict[str, Any]) -> Response:
    r = data["response"]
    body = json.dumps(r["json"]).encode() if "json" in r else r.get("text", "").encode()
    return Response(r["status"], r.get("headers", {}), body)


class Replay:
    def __init__(self, *names: str, extra: list[dict[str, Any]] | None = None) -> None:
        self.queue: list[dict[str, Any]] = list(extra or []) + [load(n) for n in names]
        self.sent: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.sent.append(request.url)
        for i, rec in enumerate(self.queue):
            if all(m in request.url for m in rec["match"]):
                self.queue.pop(i)
                if "error" in rec:
                    raise OSError(rec["error"])
                return response(rec)
        raise AssertionError(f"no recorded response for {request.url}")


class Sleeps:
    """A clock that only moves when slept on: records each wait instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds

    def clock(self) -> float:
        return self.now


def client(replay: Replay, sleeps: Sleeps | None = None, **keys: str) -> Client:
    s = sleeps or Sleeps()
    return Client(
        replay,
        user_agent="Test KB (derma-evidence/0)",
        api_keys=keys,
        sleep=s.sleep,
        clock=s.clock,
        wall=lambda: 1_700_000_000.0,
    )
