"""The X collector against a fake X API on 127.0.0.1: paging, faults, resume, raw archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorfeed.collect import x
from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.polite import Politeness
from mentorfeed.errors import AuthError, SourceError
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

from . import fakes
from .conftest import FakeX
from .fakes import Answer, Clock

QUERY = "#DermTwitter -is:retweet"


def polite(clock: Clock, waits: list[tuple[str, float]] | None = None) -> Politeness:
    return fakes.polite("X", clock, waits,
                        auth_hint="set MENTORFEED_X_BEARER_TOKEN to a valid token")


def stored_ids(store: Store) -> list[str]:
    return sorted(p.id for p in store.search(None, platform="x", include_context=True,
                                             limit=10_000))


def test_pages_through_everything_and_archives_each_page(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock) -> None:
    report = x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    expected = len(fake_x.tweets)
    assert report.pages == -(-expected // 100) and report.new >= expected
    assert sqlite_store.count_posts() >= expected
    (raw,) = archive.files("x")
    lines = raw.read_text().splitlines()
    assert len(lines) == report.pages and all('"__twarc"' in line for line in lines)
    first = fake_x.server.requests[0]
    assert first.query["query"] == [QUERY] and "note_tweet" in first.query["tweet.fields"][0]


def test_the_next_run_asks_only_for_newer_posts(fake_x: FakeX, sqlite_store: Store,
                                                archive: RawArchive, clock: Clock) -> None:
    newest, *older = fake_x.tweets
    fake_x.tweets = older
    x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    fake_x.tweets = [newest, *older]
    fake_x.server.requests.clear()
    report = x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    assert fake_x.server.requests[0].query["since_id"] == [older[0]["id"]]
    assert (report.pages, report.posts, report.new) == (1, 1, 1)
    assert newest["id"] in stored_ids(sqlite_store)


def test_waits_out_a_429_with_a_countdown_then_goes_on(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock) -> None:
    reset = int(clock.now()) + 30
    fake_x.server.faults.append(Answer(429, {"title": "Too Many Requests", "status": 429},
                                       {"x-rate-limit-remaining": "0",
                                        "x-rate-limit-reset": str(reset)}))
    waits: list[tuple[str, float]] = []
    report = x.collect(sqlite_store, archive, QUERY, politeness=polite(clock, waits))
    assert report.new >= len(fake_x.tweets)
    assert clock.time >= reset and 29 <= sum(clock.slept) <= 33
    assert waits and waits[0][0] == "X rate limit" and waits[0][1] > waits[-1][1]


def test_retries_server_errors_and_malformed_pages(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock) -> None:
    fake_x.server.faults.extend([Answer(503, b"Service Unavailable"),
                                 Answer(200, b'{"data": [{"id": "1", "te')])
    report = x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    assert report.new >= len(fake_x.tweets)
    assert len(clock.slept) >= 2  # backed off twice


def test_gives_up_after_a_bounded_number_of_failures(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock) -> None:
    fake_x.server.faults.extend([Answer(503, b"down")] * 10)
    with pytest.raises(SourceError, match="kept failing after 5 tries"):
        x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    assert sum(clock.slept) < 60


def test_a_wrong_token_stops_with_one_sentence(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_X_BEARER_TOKEN", "expired-secret-token")
    with pytest.raises(AuthError) as raised:
        x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    assert "401" in str(raised.value) and "expired-secret-token" not in str(raised.value)
    monkeypatch.delenv("MENTORFEED_X_BEARER_TOKEN")
    with pytest.raises(AuthError, match="Set MENTORFEED_X_BEARER_TOKEN"):
        x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))


def test_an_empty_result_is_fine(fake_x: FakeX, sqlite_store: Store, archive: RawArchive,
                                 clock: Clock) -> None:
    fake_x.tweets = []
    report = x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    assert (report.pages, report.posts) == (1, 0)


def test_an_interrupted_run_resumes_with_no_gap_and_no_duplicate(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock,
        tmp_path: Path) -> None:
    def stop_after_two(pages: int) -> None:
        if pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        x.collect(sqlite_store, archive, QUERY, politeness=polite(clock), on_page=stop_after_two)
    partial = sqlite_store.count_posts()
    assert 0 < partial < len(fake_x.tweets)
    x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    assert fake_x.server.requests[-1].query.get("since_id") is None  # still the first run
    with Store(f"sqlite:///{tmp_path / 'once.db'}") as once:
        x.collect(once, RawArchive(tmp_path / "raw2"), QUERY, politeness=polite(clock))
        assert stored_ids(sqlite_store) == stored_ids(once)


def test_the_raw_archive_rebuilds_the_store(fake_x: FakeX, sqlite_store: Store,
                                            archive: RawArchive, clock: Clock,
                                            tmp_path: Path) -> None:
    x.collect(sqlite_store, archive, QUERY, politeness=polite(clock))
    with Store(f"sqlite:///{tmp_path / 'rebuilt.db'}") as rebuilt:
        report = import_files(rebuilt, archive.files())
        assert report.ok and stored_ids(rebuilt) == stored_ids(sqlite_store)
