"""The Mastodon collector, through Mastodon.py, against fake servers on 127.0.0.1: paging, faults,
resume, two servers, the raw archive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from mentorfeed.collect import mastodon
from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.polite import Politeness
from mentorfeed.collect.x import CollectReport
from mentorfeed.errors import AuthError, SourceError
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

from . import fakes
from .conftest import FakeMastodon
from .fakes import Answer, Clock

TAG = "DermTwitter"


def polite(clock: Clock, waits: list[tuple[str, float]] | None = None) -> Politeness:
    return fakes.polite("Mastodon", clock, waits,
                        auth_hint="set MENTORFEED_MASTODON_TOKEN to a valid token")


def run(fake: FakeMastodon, store: Store, archive: RawArchive, clock: Clock, *,
        politeness: Politeness | None = None, max_pages: int | None = None,
        on_page: Callable[[int], None] | None = None) -> CollectReport:
    return mastodon.collect(store, archive, instance=fake.url, tag=TAG, max_pages=max_pages,
                            politeness=politeness or polite(clock), on_page=on_page)


def fewer(fake: FakeMastodon, count: int = 90) -> FakeMastodon:
    """Serve only the newest statuses (three pages): Mastodon.py's typing of each is slow."""
    fake.statuses = fake.statuses[:count]
    return fake


def stored(store: Store) -> list[tuple[str, str | None]]:
    """Every post's identity and the post it replies to."""
    return sorted((p.id, p.reply_to) for p in store.search(
        None, platform="mastodon", include_context=True, limit=10_000))


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def test_pages_back_through_the_timeline_and_archives_each_raw_page(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    report = run(fake_mastodon, sqlite_store, archive, clock)
    statuses = fake_mastodon.statuses
    assert report.pages == -(-len(statuses) // 40) + 1  # the last page is empty
    assert report.new >= len(statuses) and sqlite_store.count_posts() == len(statuses)
    first, second = fake_mastodon.timeline[:2]
    assert first.path == f"/api/v1/timelines/tag/{TAG}" and first.query["limit"] == ["40"]
    assert "max_id" not in first.query and "since_id" not in first.query
    assert second.query["max_id"] == [statuses[39]["id"]]
    (raw,) = archive.files("mastodon")
    pages = [orjson.loads(line) for line in raw.read_text().splitlines()]
    assert len(pages) == report.pages
    assert pages[0]["statuses"] == statuses[:40]  # the JSON the server sent, dates as strings
    assert pages[0]["__mentorfeed"]["url"].startswith(f"{fake_mastodon.url}/api/v1/timelines/")


def test_replies_point_to_their_parent_uri(fake_mastodon: FakeMastodon, sqlite_store: Store,
                                           archive: RawArchive, clock: Clock) -> None:
    run(fake_mastodon, sqlite_store, archive, clock)
    uri_of = {s["id"]: s["uri"] for s in fake_mastodon.statuses}
    replies = [s for s in fake_mastodon.statuses if s.get("in_reply_to_id") in uri_of]
    assert replies
    for reply in replies:
        post = sqlite_store.get_post("mastodon", reply["uri"])
        assert post is not None and post.reply_to == uri_of[reply["in_reply_to_id"]]


def test_the_next_run_asks_only_for_newer_statuses(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    newest, *older = fewer(fake_mastodon).statuses
    fake_mastodon.statuses = older
    run(fake_mastodon, sqlite_store, archive, clock)
    fake_mastodon.statuses = [newest, *older]
    fake_mastodon.timeline.clear()
    report = run(fake_mastodon, sqlite_store, archive, clock)
    assert all(r.query["since_id"] == [older[0]["id"]] for r in fake_mastodon.timeline)
    assert (report.pages, report.new) == (2, 1)  # the new status, then an empty page
    assert sqlite_store.get_post("mastodon", newest["uri"]) is not None
    fake_mastodon.timeline.clear()
    run(fake_mastodon, sqlite_store, archive, clock)
    assert fake_mastodon.timeline[0].query["since_id"] == [newest["id"]]


def test_waits_out_a_429_until_its_iso_reset_with_a_countdown(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    reset = clock.now() + 30
    fewer(fake_mastodon).faults.append(Answer(429, {"error": "Too many requests"}, {
        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": iso(reset)}))
    waits: list[tuple[str, float]] = []
    report = run(fake_mastodon, sqlite_store, archive, clock,
                 politeness=polite(clock, waits))
    assert report.new >= len(fake_mastodon.statuses)
    assert clock.time >= reset and 29 <= sum(clock.slept) <= 33
    assert waits and waits[0][0] == "Mastodon rate limit" and waits[0][1] > waits[-1][1]


def test_slows_down_before_the_limit_is_hit(fake_mastodon: FakeMastodon, sqlite_store: Store,
                                            archive: RawArchive, clock: Clock) -> None:
    reset = clock.now() + 20
    fewer(fake_mastodon).rate_limit |= {"X-RateLimit-Remaining": "0",
                                        "X-RateLimit-Reset": iso(reset)}
    run(fake_mastodon, sqlite_store, archive, clock)
    assert clock.time >= reset and 19 <= sum(clock.slept) <= 23  # waited once, before page 2
    assert sqlite_store.count_posts() == len(fake_mastodon.statuses)


def test_retries_server_errors_and_malformed_pages(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fewer(fake_mastodon).faults.extend([Answer(503, {"error": "Service Unavailable"}),
                                 Answer(200, b'[{"id": "1", "uri": "https://a.exa')])
    report = run(fake_mastodon, sqlite_store, archive, clock)
    assert report.new >= len(fake_mastodon.statuses)
    assert len(clock.slept) >= 2  # backed off twice
    (raw,) = archive.files("mastodon")
    assert len(raw.read_text().splitlines()) == report.pages  # the bad page was not archived


def test_gives_up_after_a_bounded_number_of_failures(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fake_mastodon.faults.extend([Answer(502, {"error": "Bad Gateway"})] * 10)
    with pytest.raises(SourceError, match="kept failing after 5 tries"):
        run(fake_mastodon, sqlite_store, archive, clock)
    assert sum(clock.slept) < 60


def test_a_server_that_cannot_be_reached_is_retried_then_reported(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fake_mastodon.server.close()
    with pytest.raises(SourceError, match="kept failing after 5 tries"):
        run(fake_mastodon, sqlite_store, archive, clock)
    assert len(clock.slept) >= 4


def test_a_wrong_token_stops_with_one_sentence(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fewer(fake_mastodon)
    monkeypatch.setenv("MENTORFEED_MASTODON_TOKEN", "expired-secret-token")
    with pytest.raises(AuthError) as raised:
        mastodon.collect(sqlite_store, archive, instance=fake_mastodon.url, tag=TAG)
    message = str(raised.value)
    assert "401" in message and "MENTORFEED_MASTODON_TOKEN" in message
    assert "expired-secret-token" not in message and message.count(". ") == 0
    assert fake_mastodon.timeline[0].headers["authorization"] == "Bearer expired-secret-token"
    monkeypatch.setenv("MENTORFEED_MASTODON_TOKEN", fake_mastodon.token)
    assert run(fake_mastodon, sqlite_store, archive, clock).new > 0


def test_an_empty_result_is_fine(fake_mastodon: FakeMastodon, sqlite_store: Store,
                                 archive: RawArchive, clock: Clock) -> None:
    fake_mastodon.statuses = []
    report = run(fake_mastodon, sqlite_store, archive, clock)
    assert (report.pages, report.posts) == (1, 0)
    run(fake_mastodon, sqlite_store, archive, clock)
    assert "since_id" not in fake_mastodon.timeline[-1].query


def test_an_interrupted_run_resumes_with_no_gap_and_no_duplicate(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive, clock: Clock,
        tmp_path: Path) -> None:
    def stop_after_two(pages: int) -> None:
        if pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(fake_mastodon, sqlite_store, archive, clock, on_page=stop_after_two)
    assert 0 < sqlite_store.count_posts() < len(fake_mastodon.statuses)
    fake_mastodon.timeline.clear()
    run(fake_mastodon, sqlite_store, archive, clock)
    resumed = fake_mastodon.timeline[0].query  # page 3: page 2 was stored before it was shown
    assert resumed["max_id"] == [fake_mastodon.statuses[79]["id"]] and "since_id" not in resumed
    with Store(f"sqlite:///{tmp_path / 'once.db'}") as once:
        run(fake_mastodon, once, RawArchive(tmp_path / "raw2"), clock)
        assert stored(sqlite_store) == stored(once)
        assert sqlite_store.count_posts() == once.count_posts() == len(fake_mastodon.statuses)


def test_max_pages_stops_and_the_next_call_goes_on(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    assert run(fewer(fake_mastodon), sqlite_store, archive, clock, max_pages=2).pages == 2
    run(fake_mastodon, sqlite_store, archive, clock)
    assert sqlite_store.count_posts() == len(fake_mastodon.statuses)
    assert fake_mastodon.timeline[2].query["max_id"] == [fake_mastodon.statuses[79]["id"]]


def test_the_same_posts_through_two_servers_are_stored_once(
        fake_mastodon: FakeMastodon, second_mastodon: FakeMastodon, sqlite_store: Store,
        archive: RawArchive, clock: Clock) -> None:
    assert fake_mastodon.statuses[0]["id"] != second_mastodon.statuses[0]["id"]
    run(fake_mastodon, sqlite_store, archive, clock)
    once = stored(sqlite_store)
    report = run(second_mastodon, sqlite_store, archive, clock)
    assert report.posts >= len(second_mastodon.statuses) and report.new == 0
    assert stored(sqlite_store) == once  # same posts, replies still resolved
    assert sqlite_store.count_posts() == len(fake_mastodon.statuses)
    assert second_mastodon.timeline and "since_id" not in second_mastodon.timeline[0].query


def test_the_raw_archive_rebuilds_the_store(
        fake_mastodon: FakeMastodon, second_mastodon: FakeMastodon, sqlite_store: Store,
        archive: RawArchive, clock: Clock, tmp_path: Path) -> None:
    newest, *older = fake_mastodon.statuses
    fake_mastodon.statuses = older
    run(fake_mastodon, sqlite_store, archive, clock)
    fake_mastodon.statuses = [newest, *older]
    run(fake_mastodon, sqlite_store, archive, clock)
    run(second_mastodon, sqlite_store, archive, clock)
    with Store(f"sqlite:///{tmp_path / 'rebuilt.db'}") as rebuilt:
        report = import_files(rebuilt, archive.files())
        assert report.ok, report.problems
        assert stored(rebuilt) == stored(sqlite_store)
        assert rebuilt.count_posts() == len(fake_mastodon.statuses)
