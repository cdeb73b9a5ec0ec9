"""Local fake servers on 127.0.0.1 for the collectors' tests: real HTTP, scripted faults.

The fakes are test code; the clients under test are the real ones, pointed here through the
configurable endpoints.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson


@dataclass
class Answer:
    status: int = 200
    body: bytes | Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else orjson.dumps(self.body)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class FakeServer:
    """Answers with `handler(request)`, unless a queued fault answers first."""

    def __init__(self, handler: Callable[[Request], Answer]) -> None:
        self.handler = handler
        self.faults: deque[Answer] = deque()
        self.requests: list[Request] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                request = Request(method, parts.path, parse_qs(parts.query),
                                  {k.lower(): v for k, v in self.headers.items()})
                fake.requests.append(request)
                answer = fake.faults.popleft() if fake.faults else fake.handler(request)
                data = answer.payload()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Clock:
    """A fake clock: `sleep` moves time on instantly and is recorded."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.time = start
        self.slept: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.time += seconds


def polite(source: str, clock: Clock, waits: list[tuple[str, float]] | None = None,
           auth_hint: str = "check the credential") -> Any:
    """A Politeness on the fake clock, recording countdowns in `waits` when given."""
    from mentorfeed.collect.polite import Politeness

    return Politeness(source, auth_hint=auth_hint, sleep=clock.sleep, now=clock.now,
                      jitter=lambda: 0.5,
                      on_wait=(lambda why, left: waits.append((why, left)))
                      if waits is not None else None)
