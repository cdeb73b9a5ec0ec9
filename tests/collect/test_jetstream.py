"""Following Jetstream against a fake WebSocket firehose on 127.0.0.1 (and the fake PDS for
profiles): only tagged posts, the saved cursor, restarts and reconnects with no gap or
duplicate."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from mentorfeed.collect import bluesky, jetstream
from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.polite import Politeness
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

from .conftest import FakeBluesky, sort_at, view_tags
from .fakes import Clock

TAGS = ["DermSky", "#BlackInDerm"]
START_US = 1_774_000_000_000_000
RENAMED = "renamed-derm.bsky.social"


class FakeJetstream:
    """Streams `events` (time_us, line) from the `cursor` asked for; the first connection is
    dropped after `drop_after` events when that is set."""

    def __init__(self, events: list[tuple[int, str]], drop_after: int | None = None) -> None:
        self.events, self.drop_after = events, drop_after
        self.paths: list[str] = []
        self.server = serve(self.stream, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/subscribe"

    def cursors(self) -> list[int | None]:
        queries = [parse_qs(urlsplit(path).query) for path in self.paths]
        return [int(q["cursor"][0]) if "cursor" in q else None for q in queries]

    def stream(self, connection: ServerConnection) -> None:
        self.paths.append(connection.request.path if connection.request else "")
        cursor = self.cursors()[-1]
        drop = self.drop_after if len(self.paths) == 1 else None
        sent = 0
        for time_us, line in self.events:
            if cursor is not None and time_us < cursor:
                continue
            if sent == drop:
                return  # the connection closes mid-stream
            connection.send(line)
            sent += 1
        with suppress(ConnectionClosed):
            connection.recv()  # live: nothing more until the client leaves

    def close(self) -> None:
        self.server.shutdown()


def event(view: dict[str, Any], time_us: int, operation: str = "create") -> dict[str, Any]:
    did, rkey = view["author"]["did"], view["uri"].rsplit("/", 1)[-1]
    return {"did": did, "time_us": time_us, "kind": "commit",
            "commit": {"rev": f"3l{time_us}", "operation": operation,
                       "collection": "app.bsky.feed.post", "rkey": rkey, "cid": view["cid"],
                       "record": view["record"]}}


@pytest.fixture
def stream(fake_bluesky: FakeBluesky) -> dict[str, Any]:
    """Sixty posts oldest first, a second apart, some tagged; an identity event for a tagged
    author, an account event, a deletion, an edit of a tagged post and a malformed line."""
    views = sorted(fake_bluesky.views, key=sort_at)[-60:]
    wanted = {t.lstrip("#").lower() for t in TAGS}
    lines: list[tuple[int, str]] = []
    time_us = START_US
    for number, view in enumerate(views):
        time_us += 1_000_000
        lines.append((time_us, orjson.dumps(event(view, time_us)).decode()))
        if number == 20:
            lines.append((time_us, '{"did": "did:plc:broken", "time_us": 17741'))
        if number == 30:
            lines.append((time_us, orjson.dumps(event(view, time_us, "update")).decode()))
            lines.append((time_us, orjson.dumps({"did": view["author"]["did"],
                                                 "time_us": time_us, "kind": "account",
                                                 "account": {"active": True}}).decode()))
            deletion = event(view, time_us, "delete")
            del deletion["commit"]["record"]
            lines.append((time_us, orjson.dumps(deletion).decode()))
    renamed = next(v for v in views[:40] if wanted & view_tags(v))["author"]["did"]
    time_us += 1_000_000
    lines.append((time_us, orjson.dumps({"did": renamed, "time_us": time_us, "kind": "identity",
                                         "identity": {"did": renamed, "handle": RENAMED,
                                                      "seq": 1, "time": "2026-03-22T15:00:00Z"}
                                         }).decode()))
    return {"lines": lines, "renamed": renamed,
            "tagged": sorted(v["uri"] for v in views if wanted & view_tags(v)),
            "untagged": [v["uri"] for v in views if not wanted & view_tags(v)]}


@pytest.fixture
def firehose(stream: dict[str, Any]) -> Iterator[FakeJetstream]:
    fake = FakeJetstream(stream["lines"])
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def no_kept_sessions() -> Iterator[None]:
    bluesky._sessions.clear()
    yield
    bluesky._sessions.clear()


def stored_ids(store: Store) -> list[str]:
    return sorted(p.id for p in store.search(None, platform="bluesky", include_context=True,
                                             limit=10_000))


def archived_posts(archive: RawArchive) -> list[str]:
    return [view["uri"] for path in archive.files("bluesky")
            for line in path.read_bytes().splitlines()
            for view in orjson.loads(line).get("posts", ())]


def follow(store: Store, archive: RawArchive, fake: FakeJetstream, clock: Clock,
           **options: Any) -> jetstream.FollowReport:
    options.setdefault("idle_timeout", 0.3)
    return jetstream.follow(store, archive, tags=TAGS, url=fake.url, sleep=clock.sleep,
                            now=clock.now, politeness=Politeness("Bluesky", sleep=clock.sleep,
                                                  now=clock.now), **options)


def test_only_tagged_posts_are_stored_with_their_authors_profiles(
        firehose: FakeJetstream, stream: dict[str, Any], fake_bluesky: FakeBluesky,
        sqlite_store: Store, archive: RawArchive, clock: Clock) -> None:
    report = follow(sqlite_store, archive, firehose, clock)
    assert stored_ids(sqlite_store) == stream["tagged"] and stream["untagged"]
    assert (report.posts, report.new, report.skipped) == (len(stream["tagged"]),) * 2 + (1,)
    assert report.events == len(stream["lines"]) and report.reconnects == 0
    assert firehose.paths[0] == "/subscribe?wantedCollections=app.bsky.feed.post"
    for uri in stream["tagged"]:
        post = sqlite_store.get_post("bluesky", uri)
        did = uri.split("/")[2]
        author = sqlite_store.get_author("bluesky", did)
        profile = fake_bluesky.profiles[did]
        assert post is not None and post.author_id == did and post.hashtags
        assert author is not None and author.followers == profile["followersCount"]
        assert author.bio == (profile.get("description") or None)
        assert author.handle == (RENAMED if did == stream["renamed"] else profile["handle"])
    assert all(len(r.query["actors"]) == 1
               for r in fake_bluesky.requests_to("app.bsky.actor.getProfiles"))


def test_the_cursor_is_saved_as_it_goes_and_at_the_end(
        firehose: FakeJetstream, stream: dict[str, Any], sqlite_store: Store,
        archive: RawArchive, clock: Clock) -> None:
    key = "blackinderm,dermsky"
    seen: list[int | None] = []

    def tick(report: jetstream.FollowReport) -> None:
        clock.sleep(1)  # a second between events
        seen.append((sqlite_store.get_state("jetstream", key) or {}).get("time_us"))

    report = follow(sqlite_store, archive, firehose, clock, on_event=tick)
    saved = [s for s in seen if s is not None]
    assert len(set(saved)) >= 10 and saved == sorted(saved)
    assert report.cursor == stream["lines"][-1][0]
    assert sqlite_store.get_state("jetstream", key) == {"time_us": report.cursor}


def test_a_restart_replays_from_the_saved_cursor_with_no_gap_and_no_duplicate(
        firehose: FakeJetstream, stream: dict[str, Any], sqlite_store: Store,
        archive: RawArchive, clock: Clock, tmp_path: Path) -> None:
    first = follow(sqlite_store, archive, firehose, clock, max_events=35)
    assert 0 < len(stored_ids(sqlite_store)) < len(stream["tagged"])
    second = follow(sqlite_store, archive, firehose, clock)
    assert firehose.cursors() == [None, first.cursor - 5_000_000]  # type: ignore[operator]
    assert stored_ids(sqlite_store) == stream["tagged"]
    assert first.new + second.new == len(stream["tagged"])
    assert sorted(archived_posts(archive)) == stream["tagged"]  # none archived twice
    with Store(f"sqlite:///{tmp_path / 'once.db'}") as once:
        follow(once, RawArchive(tmp_path / "raw2"), firehose, clock)
        assert stored_ids(once) == stored_ids(sqlite_store)


def test_a_dropped_connection_reconnects_from_where_it_stopped(
        stream: dict[str, Any], sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    fake = FakeJetstream(stream["lines"], drop_after=25)
    try:
        report = follow(sqlite_store, archive, fake, clock)
    finally:
        fake.close()
    assert report.reconnects == 1 and len(clock.slept) == 1 and clock.slept[0] <= 1.5
    dropped_at = next(t for t, line in stream["lines"][24::-1] if line.endswith("}"))
    assert fake.cursors() == [None, dropped_at - 5_000_000]
    assert stored_ids(sqlite_store) == stream["tagged"]
    assert sorted(archived_posts(archive)) == stream["tagged"]


def test_the_archive_rebuilds_the_store(firehose: FakeJetstream, stream: dict[str, Any],
                                        sqlite_store: Store, archive: RawArchive, clock: Clock,
                                        tmp_path: Path) -> None:
    follow(sqlite_store, archive, firehose, clock)
    with Store(f"sqlite:///{tmp_path / 'rebuilt.db'}") as rebuilt:
        report = import_files(rebuilt, archive.files())
        assert report.ok and stored_ids(rebuilt) == stored_ids(sqlite_store)
        for post in sqlite_store.search(None, platform="bluesky", limit=1000):
            one = sqlite_store.get_author("bluesky", post.author_id)
            other = rebuilt.get_author("bluesky", post.author_id)
            assert one and other and (one.handle, one.bio) == (other.handle, other.bio)


def test_tags_are_found_in_facets_tags_or_text() -> None:
    facet = {"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "DermSky"}],
             "index": {"byteStart": 0, "byteEnd": 8}}
    assert jetstream.tags_of({"text": "#DermSky", "facets": [facet]}) == {"dermsky"}
    assert jetstream.tags_of({"text": "hello", "tags": ["MedSky"]}) == {"medsky"}
    assert jetstream.tags_of({"text": "typed by hand #DermJC"}) == {"dermjc"}
    assert jetstream.tags_of({"text": "#NotAFacet", "facets": []}) == set()


def test_a_post_deleted_on_bluesky_is_forgotten_here(
        stream: dict[str, Any], fake_bluesky: FakeBluesky, sqlite_store: Store,
        archive: RawArchive, clock: Clock) -> None:
    gone = stream["tagged"][0]
    did, rkey = gone[len("at://"):].split("/app.bsky.feed.post/")
    time_us = stream["lines"][-1][0] + 1_000_000
    deletion = {"did": did, "time_us": time_us, "kind": "commit",
                "commit": {"rev": "x", "operation": "delete",
                           "collection": "app.bsky.feed.post", "rkey": rkey}}
    fake = FakeJetstream([*stream["lines"], (time_us, orjson.dumps(deletion).decode())])
    try:
        report = follow(sqlite_store, archive, fake, clock)
    finally:
        fake.close()
    assert report.deleted == 1
    assert sqlite_store.get_post("bluesky", gone) is None
    assert gone not in archived_posts(archive)
    assert stored_ids(sqlite_store) == [u for u in stream["tagged"] if u != gone]
