"""Politeness in one place: rate-limit headers honoured before they bite, 429s waited out with a
visible countdown, 5xx and timeouts retried with exponential backoff and jitter, a bounded number
of times, and a bad credential turned into one sentence. Every run ends: a wait longer than
`max_wait` ends it with one sentence instead, and an answer that is neither a page nor an error
the source explains (a redirect, 204 No Content) is an error, never taken for the last page.
What a server sent back is shown only with every secret scrubbed from it. `sleep` and `now` are
injectable so tests run instantly."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from mentorfeed.config import Settings, scrub_secrets
from mentorfeed.errors import AuthError, RateLimitError, SourceError

T = TypeVar("T")


@dataclass(slots=True)
class Reply:
    """What a client call gave back, in the terms politeness needs."""

    status: int
    headers: Mapping[str, str]
    body: Any = None


class Transient(Exception):
    """A timeout or a dropped connection: worth trying again."""


def _header(headers: Mapping[str, str], suffix: str) -> str | None:
    for name, value in headers.items():
        lowered = name.lower().replace("_", "-")
        if lowered.endswith(f"ratelimit-{suffix}") or lowered.endswith(f"rate-limit-{suffix}"):
            return value
    return None


def reset_time(headers: Mapping[str, str], now: float) -> float | None:
    """When the current rate-limit window ends, as Unix time: X and Bluesky send Unix seconds,
    Mastodon an ISO 8601 time, some servers a number of seconds to wait."""
    value = _header(headers, "reset")
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return number if number > 1e9 else now + number


def remaining(headers: Mapping[str, str]) -> int | None:
    value = _header(headers, "remaining")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass
class Politeness:
    """Runs calls to one source politely. `on_wait(reason, seconds_left)` shows a countdown."""

    source: str
    auth_hint: str = "check the credential in the environment"
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], float] = time.time
    on_wait: Callable[[str, float], None] | None = None
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 120.0
    jitter: Callable[[], float] = random.random
    max_wait: float = field(default_factory=lambda: float(Settings.load().max_rate_limit_wait))
    _window_ends: float | None = field(default=None, init=False)

    def call(self, fetch: Callable[[], Reply]) -> Reply:
        """Fetch, waiting and retrying as the source asks; an error the source will not
        recover from becomes one clear exception."""
        for attempt in range(1, self.max_attempts + 1):
            self._respect_window()
            try:
                reply = fetch()
            except Transient as exc:
                self._back_off(attempt, f"{self.source} did not answer ({exc})")
                continue
            left, ends = remaining(reply.headers), reset_time(reply.headers, self.now())
            self._window_ends = ends if left == 0 else None
            if 200 <= reply.status < 300 and reply.status != 204:
                return reply
            if reply.status < 400:
                raise SourceError(f"{self.source} answered {reply.status} "
                                  f"({_short(reply.body) or 'no content'}), not a page; "
                                  "try again later.")
            if reply.status == 429:
                if "usage-capped" in str(reply.body):
                    raise RateLimitError(f"{self.source}'s usage cap for this period is spent; "
                                         "waiting will not help until the cap resets.")
                self._wait_until(ends, attempt, f"{self.source} rate limit")
                continue
            if reply.status in (401, 403):
                raise AuthError(f"{self.source} refused the credential ({reply.status}): "
                                f"{self.auth_hint}.")
            if reply.status >= 500:
                self._back_off(attempt, f"{self.source} answered {reply.status}")
                continue
            raise SourceError(f"{self.source} refused the request ({reply.status}: "
                              f"{_short(reply.body)}).")
        raise SourceError(f"{self.source} kept failing after {self.max_attempts} tries; "
                          "try again later.")

    def _respect_window(self) -> None:
        if self._window_ends is not None and self._window_ends > self.now():
            self._countdown(self._window_ends - self.now() + 1, f"{self.source} rate limit")
        self._window_ends = None

    def _wait_until(self, ends: float | None, attempt: int, reason: str) -> None:
        if ends is None:
            self._back_off(attempt, reason)
        else:
            self._countdown(max(1.0, ends - self.now() + 1), reason)

    def _back_off(self, attempt: int, reason: str) -> None:
        if attempt >= self.max_attempts:
            return
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        self._countdown(delay * (0.5 + self.jitter()), reason)

    def _countdown(self, seconds: float, reason: str) -> None:
        if seconds > self.max_wait:
            raise RateLimitError(
                f"{reason}: the server asks to wait {_duration(seconds)}, longer than the "
                f"{_duration(self.max_wait)} allowed (MENTORFEED_MAX_RATE_LIMIT_WAIT); "
                "the run stops here and goes on from this page next time.")
        end = self.now() + seconds
        while (left := end - self.now()) > 0:
            if self.on_wait:
                self.on_wait(reason, left)
            self.sleep(min(1.0, left))


def _short(body: Any) -> str:
    """What a server sent, short and without secrets (a server may echo the token back)."""
    text = scrub_secrets(str(body if body is not None else ""))
    return text[:160] + ("…" if len(text) > 160 else "")


def _duration(seconds: float) -> str:
    if seconds >= 7200:
        return f"{seconds / 3600:,.0f} hours"
    if seconds >= 120:
        return f"{seconds / 60:,.0f} minutes"
    return f"{seconds:,.0f} seconds"
