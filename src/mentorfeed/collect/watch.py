"""Watching: every configured query runs on its interval until stopped, each source on its own
(one failing never stops the others), and what arrives is classified as it arrives."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mentorfeed.config import scrub_secrets
from mentorfeed.errors import MentorfeedError

Log = Callable[[dict[str, Any]], None]


@dataclass
class Job:
    """One query of one source, run every `interval` seconds."""

    name: str
    interval: float
    run: Callable[[], Any]  # returns a report with `posts` and `new` (and pages or events)
    due: float = 0.0
    failures: int = 0


@dataclass
class Cycle:
    number: int
    results: list[str] = field(default_factory=list)
    new: int = 0

    def status(self) -> str:
        return f"cycle {self.number}: " + " · ".join(self.results) + f" · {self.new} new"


def watch(jobs: Sequence[Job], *, after_new: Callable[[], Any] | None = None,
          log: Log | None = None, on_cycle: Callable[[Cycle], None] | None = None,
          cycles: int | None = None, sleep: Callable[[float], None] = time.sleep,
          now: Callable[[], float] = time.time) -> int:
    """Run due jobs until stopped (or for `cycles` cycles); returns the posts collected."""
    emit = log or (lambda record: None)
    total = 0
    number = 0
    while cycles is None or number < cycles:
        due = [job for job in jobs if job.due <= now()]
        if not due:
            sleep(max(0.5, min(job.due for job in jobs) - now()))
            continue
        number += 1
        cycle = Cycle(number)
        for job in due:
            started, wall = now(), time.perf_counter()
            try:
                report = job.run()
            except MentorfeedError as exc:
                job.failures += 1
                # A failing source waits longer each time, up to four intervals.
                job.due = now() + job.interval * min(4, job.failures)
                cycle.results.append(f"{job.name} failed")
                emit(_record("failed", job.name, error=str(exc), failures=job.failures))
                continue
            job.failures = 0
            job.due = started + job.interval
            cycle.new += report.new
            cycle.results.append(f"{job.name} {report.new} new")
            emit(_record("collected", job.name, pages=getattr(report, "pages", None),
                         events=getattr(report, "events", None), posts=report.posts,
                         new=report.new, seconds=round(time.perf_counter() - wall, 3),
                         skipped=getattr(report, "problems", None) or None))
        if cycle.new and after_new is not None:
            after_new()
        total += cycle.new
        emit(_record("cycle", "watch", number=number, new=cycle.new))
        if on_cycle:
            on_cycle(cycle)
    return total


def _record(event: str, source: str, **fields: Any) -> dict[str, Any]:
    """A log entry; no secret is in its text, whatever a server echoed into an error."""
    clean = {k: scrub_secrets(v) if isinstance(v, str) else
             [scrub_secrets(str(x)) for x in v] if isinstance(v, list) else v
             for k, v in fields.items() if k != "skipped" or v}
    return {"time": datetime.now(UTC).isoformat(timespec="seconds"), "event": event,
            "source": source, **clean}
