"""Bounds on every answer a server sends: a request ends within a total time however slowly the
server trickles its bytes, a body is counted as it arrives and refused past a size (never trusted
by `Content-Length`), and a redirect is an error, never a page.

The same bounds are put on each client the collectors use: httpx (X, and the atproto SDK's
client for Bluesky) through event hooks, and requests (Mastodon.py) through a response hook.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import requests

from mentorfeed.config import Settings
from mentorfeed.errors import SourceError

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0  # between two pieces of an answer
_DEADLINE = "mentorfeed.deadline"


@dataclass(frozen=True, slots=True)
class Limits:
    """How big one answer may be, and how long one request may take in all."""

    source: str
    max_bytes: int
    total_seconds: float

    @classmethod
    def load(cls, source: str, settings: Settings | None = None) -> Limits:
        settings = settings or Settings.load()
        return cls(source, settings.max_input_mb * 1024 * 1024, float(settings.request_timeout))

    def too_large(self) -> SourceError:
        return SourceError(f"{self.source} sent an answer larger than "
                           f"{self.max_bytes // (1024 * 1024)} MB, the most read "
                           "(MENTORFEED_MAX_INPUT_MB); it was refused.")

    def redirected(self, status: int, location: str | None) -> SourceError:
        where = f" to {location}" if location else ""
        return SourceError(f"{self.source} answered {status}, a redirect{where}, not a page; "
                           "check the server's address in the settings.")

    def counted(self, chunks: Iterator[bytes], deadline: float) -> Iterator[bytes]:
        """The chunks of a body, refused once they add up to more than the limit, or dropped
        once the request has taken longer than its total time."""
        total = 0
        for chunk in chunks:
            total += len(chunk)
            if total > self.max_bytes:
                raise self.too_large()
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"{self.source} took more than {self.total_seconds:g} s "
                                        "to answer")
            yield chunk

    # httpx

    def httpx_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)

    def httpx_hooks(self) -> dict[str, list[Callable[[Any], None]]]:
        """Event hooks for an httpx client: the deadline starts with the request; the response
        is refused if it is a redirect, and its body is counted as it is read."""
        return {"request": [self._start], "response": [self._bound]}

    def _start(self, request: httpx.Request) -> None:
        request.extensions[_DEADLINE] = time.monotonic() + self.total_seconds

    def _bound(self, response: httpx.Response) -> None:
        if 300 <= response.status_code < 400:
            raise self.redirected(response.status_code, response.headers.get("location"))
        deadline = response.request.extensions.get(_DEADLINE, time.monotonic()
                                                    + self.total_seconds)
        response.stream = _Counted(response.stream, self, deadline)

    # requests

    def requests_hook(self, response: requests.Response, *_: Any, **__: Any) -> None:
        """A requests response hook (it runs before the body is read): a redirect is refused,
        and the body is read here, counted, within the total time."""
        if 300 <= response.status_code < 400:
            raise self.redirected(response.status_code, response.headers.get("location"))
        deadline = time.monotonic() + self.total_seconds - response.elapsed.total_seconds()
        body = b"".join(self.counted(response.iter_content(1 << 16), deadline))
        response._content = body  # what `response.content` gives from now on


class _Counted(httpx.SyncByteStream):
    def __init__(self, stream: Any, limits: Limits, deadline: float) -> None:
        self._stream, self._limits, self._deadline = stream, limits, deadline

    def __iter__(self) -> Iterator[bytes]:
        yield from self._limits.counted(iter(self._stream), self._deadline)

    def close(self) -> None:
        self._stream.close()
