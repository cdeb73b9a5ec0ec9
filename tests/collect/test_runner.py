"""The runner with canned pages (no network, no server): progress, resume after an interruption,
no duplicates on a re-run, a failing page named and the pages before it kept."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.runner import Page, State, run
from mentorfeed.errors import AuthError, MentorfeedError, SourceError
from mentorfeed.models import Author, Post
from mentorfeed.sources.x_v2 import parse_page
from mentorfeed.store import Store

from .conftest import x_corpus

PAGE = 25


def canned_pages(count: int = 4) -> list[dict[str, Any]]:
    """X API v2 search pages of the sample corpus's newest posts, as the server would send them
    (each with a `secret` field, which must never reach the archive)."""
    tweets, users = x_corpus()
    pages = []
    for start in range(0, PAGE * count, PAGE):
        chunk = tweets[start:start + PAGE]
        authors = {t["author_id"] for t in chunk}
        pages.append({"data": chunk, "includes": {"users": [users[a] for a in authors
                                                            if a in users]},
                      "meta": {"result_count": len(chunk)}, "secret": "the caller's own"})
    return pages


class Canned:
    """A collector over a list of pages; `faults` maps a page number (from 1) to the error its
    next fetch raises. It records which page each fetch asked for."""

    name = "Canned '#DermTwitter'"
    platform = "x"
    source = "x-api"
    key = "canned?#DermTwitter"

    def __init__(self, pages: list[dict[str, Any]],
                 faults: dict[int, MentorfeedError] | None = None) -> None:
        self.pages, self.faults = pages, dict(faults or {})
        self.asked: list[int] = []
        self.began: list[dict[str, Any]] = []

    def begin(self, saved: Mapping[str, Any]) -> State:
        self.began.append(dict(saved))
        return {"page": 0}

    def fetch_page(self, state: State) -> Page:
        number = state["page"] + 1
        self.asked.append(number)
        if number in self.faults:
            raise self.faults.pop(number)
        payload = self.pages[state["page"]]
        return Page([(payload, f"https://canned.example/search?page={number}")],
                    {"page": number}, last=number == len(self.pages))

    def scrub(self, payload: Any) -> Any:
        return {k: v for k, v in payload.items() if k != "secret"}

    def parse(self, payload: Any, problems: list[str]) -> tuple[list[Post], list[Author]]:
        return parse_page(payload, problems)

    def end(self, state: State, saved: Mapping[str, Any]) -> State:
        return {"complete_after": state["page"]}


def stored(store: Store) -> list[str]:
    return sorted(p.id for p in store.search(None, platform="x", include_context=True,
                                             limit=10_000))


def once(pages: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    """What one uninterrupted run stores."""
    with Store(f"sqlite:///{tmp_path / 'once.db'}") as store:
        run(Canned(pages), store, RawArchive(tmp_path / "raw-once"))
        return stored(store)


def test_progress_counts_every_page_and_post(sqlite_store: Store, archive: RawArchive) -> None:
    pages = canned_pages()
    shown: list[int] = []
    report = run(Canned(pages), sqlite_store, archive, on_page=shown.append)
    assert shown == [1, 2, 3, 4] and report.pages == 4
    assert report.posts == 4 * PAGE  # the posts matched, not the ones they quote
    assert report.new == sqlite_store.count_posts() >= 4 * PAGE
    (raw,) = archive.files("x")
    archived = [orjson.loads(line) for line in raw.read_bytes().splitlines()]
    assert [page["__twarc"]["url"][-6:] for page in archived] == [f"page={n}" for n in
                                                                  (1, 2, 3, 4)]
    assert not any("secret" in page for page in archived)  # scrubbed before archiving
    assert sqlite_store.get_state("x", Canned.key) == {"complete_after": 4}


def test_an_interrupted_run_resumes_after_the_last_page_it_stored(
        sqlite_store: Store, archive: RawArchive, tmp_path: Path) -> None:
    pages = canned_pages()

    def stop_after_two(number: int) -> None:
        if number == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(Canned(pages), sqlite_store, archive, on_page=stop_after_two)
    assert 0 < sqlite_store.count_posts() < 4 * PAGE
    resumed = Canned(pages)
    report = run(resumed, sqlite_store, archive)
    assert resumed.asked == [3, 4] and resumed.began == []  # no page twice, no new run
    assert report.pages == 2
    assert stored(sqlite_store) == once(pages, tmp_path)


def test_a_run_that_stops_at_max_pages_goes_on_next_time(sqlite_store: Store,
                                                         archive: RawArchive) -> None:
    pages = canned_pages()
    assert run(Canned(pages), sqlite_store, archive, max_pages=3).pages == 3
    assert sqlite_store.get_state("x", Canned.key) == {"run": {"page": 3}}
    rest = Canned(pages)
    run(rest, sqlite_store, archive)
    assert rest.asked == [4]


def test_a_re_run_stores_nothing_twice(sqlite_store: Store, archive: RawArchive) -> None:
    pages = canned_pages()
    run(Canned(pages), sqlite_store, archive)
    count, ids = sqlite_store.count_posts(), stored(sqlite_store)
    again = Canned(pages)
    report = run(again, sqlite_store, archive)
    assert again.began == [{"complete_after": 4}]  # a new run, from where the last one ended
    assert report.pages == 4 and report.posts == 4 * PAGE and report.new == 0
    assert sqlite_store.count_posts() == count and stored(sqlite_store) == ids


def test_a_failing_page_is_named_and_the_pages_before_it_are_kept(
        sqlite_store: Store, archive: RawArchive, tmp_path: Path) -> None:
    pages = canned_pages()
    failing = Canned(pages, {3: SourceError("X kept failing after 5 tries; try again later.")})
    with pytest.raises(SourceError) as raised:
        run(failing, sqlite_store, archive)
    assert str(raised.value) == ("Canned '#DermTwitter', page 3: X kept failing after 5 tries; "
                                 "try again later.")
    kept = stored(sqlite_store)
    assert len(kept) >= 2 * PAGE and set(kept) < set(once(pages, tmp_path))
    resumed = Canned(pages)
    run(resumed, sqlite_store, archive)
    assert resumed.asked == [3, 4]
    assert stored(sqlite_store) == once(pages, tmp_path)


def test_a_refused_credential_stays_an_auth_error(sqlite_store: Store,
                                                  archive: RawArchive) -> None:
    refused = Canned(canned_pages(), {1: AuthError("X refused the credential (401): set it.")})
    with pytest.raises(AuthError, match=r"^Canned '#DermTwitter', page 1: X refused"):
        run(refused, sqlite_store, archive)
    assert sqlite_store.count_posts() == 0 and archive.files() == []
