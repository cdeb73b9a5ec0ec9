"""The Bluesky collector against a fake PDS on 127.0.0.1: login, paging, faults, resume, bios,
raw archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from mentorfeed.collect import bluesky
from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.polite import Politeness
from mentorfeed.errors import AuthError, ConfigError, SourceError
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

from .conftest import FakeBluesky, view_tags
from .fakes import Answer, Clock

TAG = "dermsky"


@pytest.fixture(autouse=True)
def no_kept_sessions() -> Iterator[None]:
    bluesky._sessions.clear()
    yield
    bluesky._sessions.clear()


def polite(clock: Clock, waits: list[tuple[str, float]] | None = None) -> Politeness:
    return Politeness("Bluesky", sleep=clock.sleep, now=clock.now, jitter=lambda: 0.5,
                      on_wait=(lambda why, left: waits.append((why, left)))
                      if waits is not None else None)


def tagged(fake: FakeBluesky) -> list[str]:
    return sorted(v["uri"] for v in fake.views if TAG in view_tags(v))


def stored_ids(store: Store) -> list[str]:
    return sorted(p.id for p in store.search(None, platform="bluesky", include_context=True,
                                             limit=10_000))


def matched_ids(store: Store) -> list[str]:
    return sorted(p.id for p in store.search(None, platform="bluesky", limit=10_000))


def archived(archive: RawArchive) -> list[dict[str, object]]:
    return [orjson.loads(line) for path in archive.files("bluesky")
            for line in path.read_bytes().splitlines()]


def test_logs_in_pages_through_everything_and_fills_bios(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fake_bluesky.page_size = 25
    report = bluesky.collect(sqlite_store, archive, tag="#DermSky", politeness=polite(clock))
    expected = tagged(fake_bluesky)
    pages = -(-len(expected) // 25)  # every tagged post, 25 to a page
    assert pages > 2
    assert (report.pages, report.posts, report.new) == \
        (pages, len(expected), len(stored_ids(sqlite_store)))
    assert matched_ids(sqlite_store) == expected
    assert fake_bluesky.sessions == 1
    first, *_ = searches = fake_bluesky.requests_to("app.bsky.feed.searchPosts")
    assert len(searches) == pages
    assert (first.query["q"], first.query["tag"], first.query["sort"]) == \
        (["#DermSky"], ["DermSky"], ["latest"])
    assert "since" not in first.query and first.headers["authorization"].startswith("Bearer ")
    batches = [r.query["actors"] for r in fake_bluesky.requests_to("app.bsky.actor.getProfiles")]
    authors = {v["author"]["did"] for v in fake_bluesky.views if v["uri"] in expected}
    assert [len(b) for b in batches] == [25, len(authors) - 25]
    assert {did for batch in batches for did in batch} == authors
    for did in authors:
        author = sqlite_store.get_author("bluesky", did)
        profile = fake_bluesky.profiles[did]
        assert author is not None and author.followers == profile["followersCount"]
        assert author.bio == (profile.get("description") or None)
    archived_pages = archived(archive)
    assert sum("posts" in p for p in archived_pages) == pages
    assert sum("profiles" in p for p in archived_pages) == 2
    assert all("__mentorfeed" in p for p in archived_pages)


def test_the_next_run_asks_only_for_newer_posts_and_known_bios(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    views = fake_bluesky.views
    newest = next(v for v in views if TAG in view_tags(v))
    fake_bluesky.views = [v for v in views if v is not newest]
    bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    fake_bluesky.views = views
    fake_bluesky.server.requests.clear()
    report = bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    (search,) = fake_bluesky.requests_to("app.bsky.feed.searchPosts")
    assert search.query["since"][0] < newest["indexedAt"]
    assert (report.pages, report.new) == (1, 1) and report.posts >= 1
    assert newest["uri"] in stored_ids(sqlite_store)
    assert fake_bluesky.requests_to("app.bsky.actor.getProfiles") == []  # all bios known
    assert fake_bluesky.sessions == 1  # the session was kept, not made again


def test_waits_out_a_429_with_a_countdown_then_goes_on(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    reset = int(clock.now()) + 30
    fake_bluesky.fail("app.bsky.feed.searchPosts", Answer(
        429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)}))
    waits: list[tuple[str, float]] = []
    report = bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock, waits))
    assert report.posts == len(tagged(fake_bluesky))
    assert clock.time >= reset and 29 <= sum(clock.slept) <= 33
    assert waits and waits[0][0] == "Bluesky rate limit" and waits[0][1] > waits[-1][1]


def test_retries_server_errors_and_malformed_pages(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fake_bluesky.page_size = 50
    fake_bluesky.fail("app.bsky.feed.searchPosts", Answer(503, b"Service Unavailable"),
                      Answer(200, b'{"posts": [{"uri": "at://did:plc:x/app.bsky.feed.p'),
                      Answer(200, {"cursor": "50"}), Answer(502, b"Bad Gateway"))
    fake_bluesky.fail("app.bsky.actor.getProfiles", Answer(500, {"error": "InternalError"}))
    report = bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    assert matched_ids(sqlite_store) == tagged(fake_bluesky) and report.pages == 4
    assert len(clock.slept) >= 5  # backed off five times
    assert all("posts" in p or "profiles" in p for p in archived(archive))  # no broken page


def test_gives_up_after_a_bounded_number_of_failures(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fake_bluesky.fail("app.bsky.feed.searchPosts", *[Answer(503, b"down")] * 10)
    with pytest.raises(SourceError, match="kept failing after 5 tries"):
        bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    assert sum(clock.slept) < 60


def test_an_expired_token_stops_with_one_sentence(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fake_bluesky.expire_new_sessions = True
    with pytest.raises(AuthError) as raised:
        bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    message = str(raised.value)
    assert "ExpiredToken" in message and "MENTORFEED_BLUESKY_APP_PASSWORD" in message
    assert fake_bluesky.password not in message
    assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message
    assert fake_bluesky.sessions == 1  # a fresh session that fails is not made again


def test_a_kept_session_that_expires_is_made_again_once(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    fake_bluesky.expire_all()
    bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    assert fake_bluesky.sessions == 2


def test_a_wrong_or_missing_app_password_is_one_sentence(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_BLUESKY_APP_PASSWORD", "wrong-secret-pass")
    with pytest.raises(AuthError) as raised:
        bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    assert "401" in str(raised.value) and "wrong-secret-pass" not in str(raised.value)
    assert "MENTORFEED_BLUESKY_APP_PASSWORD" in str(raised.value)
    monkeypatch.delenv("MENTORFEED_BLUESKY_APP_PASSWORD")
    with pytest.raises(AuthError, match="Set both MENTORFEED_BLUESKY_HANDLE and"):
        bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    monkeypatch.delenv("MENTORFEED_BLUESKY_HANDLE")
    with pytest.raises(AuthError, match="asks for a login") as raised:  # searching anonymously
        bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    assert "AuthMissing" in str(raised.value)
    with pytest.raises(ConfigError):
        bluesky.collect(sqlite_store, archive, politeness=polite(clock))


def test_an_empty_result_is_fine(fake_bluesky: FakeBluesky, sqlite_store: Store,
                                 archive: RawArchive, clock: Clock) -> None:
    report = bluesky.collect(sqlite_store, archive, tag="nosuchtagatall",
                             politeness=polite(clock))
    assert (report.pages, report.posts, report.new) == (1, 0, 0)
    assert sqlite_store.get_state("bluesky", "app.bsky.feed.searchPosts?q=#nosuchtagatall"
                                  "&tag=nosuchtagatall") == {"newest": None}


def test_an_interrupted_run_resumes_with_no_gap_and_no_duplicate(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive, clock: Clock,
        tmp_path: Path) -> None:
    fake_bluesky.page_size = 25

    def stop_after_two(pages: int) -> None:
        if pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock),
                        on_page=stop_after_two)
    assert 0 < sqlite_store.count_posts() < len(tagged(fake_bluesky))
    report = bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    searches = fake_bluesky.requests_to("app.bsky.feed.searchPosts")
    pages = -(-len(tagged(fake_bluesky)) // 25)
    assert len(searches) == pages and report.pages == pages - 2  # pages 3 on, none twice
    assert searches[2].query["cursor"] == ["50"] and "since" not in searches[-1].query
    assert sum("posts" in p for p in archived(archive)) == pages
    with Store(f"sqlite:///{tmp_path / 'once.db'}") as once:
        bluesky.collect(once, RawArchive(tmp_path / "raw2"), tag=TAG, politeness=polite(clock))
        assert stored_ids(sqlite_store) == stored_ids(once)
        for did in {v["author"]["did"] for v in fake_bluesky.views}:
            one, other = sqlite_store.get_author("bluesky", did), once.get_author("bluesky", did)
            assert (one and one.bio) == (other and other.bio)


def test_the_raw_archive_rebuilds_the_store(fake_bluesky: FakeBluesky, sqlite_store: Store,
                                            archive: RawArchive, clock: Clock,
                                            tmp_path: Path) -> None:
    fake_bluesky.page_size = 40
    bluesky.collect(sqlite_store, archive, tag=TAG, politeness=polite(clock))
    with Store(f"sqlite:///{tmp_path / 'rebuilt.db'}") as rebuilt:
        report = import_files(rebuilt, archive.files())
        assert report.ok and stored_ids(rebuilt) == stored_ids(sqlite_store)
        assert matched_ids(rebuilt) == matched_ids(sqlite_store)
        for did in fake_bluesky.profiles:
            one, other = sqlite_store.get_author("bluesky", did), rebuilt.get_author("bluesky",
                                                                                     did)
            assert (one and (one.handle, one.bio)) == (other and (other.handle, other.bio))
