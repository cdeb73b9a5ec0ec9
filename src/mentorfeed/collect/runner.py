"""One resumable runner for every paged collector: state, raw archive, parse, write, progress.

A collector only knows its platform: how to ask for one page from a run's state
(`fetch_page(state) -> Page`), what to take out of a payload before it is archived (`scrub`), and
how a payload reads as posts (`parse`). The runner does the rest, the same way for all of them:
the run's state is saved after each page is written, so an interrupted run resumes after the last
page it stored (no gap); upserts are idempotent, so a page fetched twice stores nothing twice;
only when the last page is in does the collector say where the next run starts (`end`).

A run always ends and never sticks: an item of a page that cannot be read is reported (query,
page, item) and the rest of the page stored; a payload that cannot be read at all is archived,
reported and passed over; a server that hands back a cursor it already gave stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from mentorfeed.collect.archive import RawArchive
from mentorfeed.config import scrub_secrets
from mentorfeed.errors import MentorfeedError, SourceError
from mentorfeed.models import Author, Post
from mentorfeed.sources.base import SHAPE_ERRORS, reason
from mentorfeed.sources.ingest import write_parsed
from mentorfeed.store import Store

State = dict[str, Any]


@dataclass(slots=True)
class Page:
    """What one step of a run fetched: the payloads as the server sent them, each with its URL
    (a step may need more than one request, e.g. a search page and its authors' profiles), and
    the state to fetch the next page from."""

    payloads: list[tuple[Any, str]]
    state: State
    last: bool = False  # no page follows: the run is complete
    cursor: str | None = None  # what the server gave to ask for the next page


@dataclass(slots=True)
class CollectReport:
    source: str
    pages: int = 0
    posts: int = 0  # the posts the query matched (not the posts they quote or answer)
    new: int = 0
    problems: list[str] = field(default_factory=list)  # items skipped, each in one sentence
    warnings: list[str] = field(default_factory=list)  # posts cut for length

    @property
    def skipped(self) -> int:
        return len(self.problems)


class Collector(Protocol):
    """One query on one live platform, as the runner drives it."""

    name: str  # says which query this is, in progress and in errors: "X '#DermTwitter'"
    platform: str  # the raw archive's folder and the state's namespace
    source: str  # what the store records as where the posts came from
    key: str  # the query's state key, unique within the platform

    def begin(self, saved: Mapping[str, Any]) -> State:
        """The state of a new run, after the complete run that left `saved`."""
        ...

    def fetch_page(self, state: State) -> Page: ...

    def scrub(self, payload: Any) -> Any:
        """The payload without what must not be archived (the account's private fields)."""
        ...

    def parse(self, payload: Any, problems: list[str]) -> tuple[list[Post], list[Author]]:
        """The posts and authors of a payload; an item that cannot be read is left out and
        said in `problems`."""
        ...

    def end(self, state: State, saved: Mapping[str, Any]) -> State:
        """What the next run starts from, once this run's last page is in."""
        ...


def run(collector: Collector, store: Store, archive: RawArchive, *,
        max_pages: int | None = None,
        on_page: Callable[[int], None] | None = None) -> CollectReport:
    """Collect from where the last run stopped, page by page, until the last page (or
    `max_pages`). A page that fails raises its error with the query named; what came before it
    is stored, and the next run goes on from there."""
    saved: State = store.get_state(collector.platform, collector.key) or {}
    state: State = saved.get("run") or collector.begin(saved)
    report = CollectReport(collector.platform)
    last = False
    cursors: set[str] = set()
    while not last and (max_pages is None or report.pages < max_pages):
        where = f"{collector.name}, page {report.pages + 1}"
        try:
            page = collector.fetch_page(state)
        except MentorfeedError as exc:
            raise type(exc)(f"{where}: {scrub_secrets(str(exc))}") from exc
        _write(collector, store, archive, page, report, where)
        if page.cursor is not None and not page.last:
            if page.cursor in cursors:
                raise SourceError(f"{where}: the server gave the same cursor twice "
                                  f"({page.cursor[:40]}), so the run stops instead of going "
                                  "round in circles; what came before is stored.")
            cursors.add(page.cursor)
        report.pages += 1
        state, last = page.state, page.last
        if not last:
            store.set_state(collector.platform, collector.key, {**saved, "run": state})
        if on_page:
            on_page(report.pages)
    if last:
        store.set_state(collector.platform, collector.key, collector.end(state, saved))
    return report


def _write(collector: Collector, store: Store, archive: RawArchive, page: Page,
           report: CollectReport, where: str) -> None:
    """Archive each payload before anything is parsed from it, then write the page at once.
    What cannot be read is reported, never retried: the next page comes all the same."""
    posts: list[Post] = []
    authors: list[Author] = []
    for payload, url in page.payloads:
        payload = collector.scrub(payload)
        archive.append(collector.platform, payload, url=url)
        problems: list[str] = []
        try:
            found, by = collector.parse(payload, problems)
        except SHAPE_ERRORS as exc:
            found, by = [], []
            problems.append(f"nothing in it could be read: {reason(exc)}")
        report.problems += [f"{where}: {scrub_secrets(problem)}" for problem in problems]
        posts += found
        authors += by
    report.posts += sum(post.origin == "match" for post in posts)  # before merging marks more
    if posts or authors:
        cut: list[str] = []
        report.new += write_parsed(store, posts, authors, collector.source, cut).new
        report.warnings += [f"{where}: {warning}" for warning in cut]
    if posts:
        store.resolve_references()  # replies that came before their parent point at it now

