"""Every collector run ends, and one bad post costs one post: against local fake servers that
send a bad date in one post of a page, the same cursor again, a reset a year away, a redirect,
204, a body past the size limit with no Content-Length, or a body a byte at a time."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest

from mentorfeed.collect import bluesky, mastodon, x
from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.polite import Politeness
from mentorfeed.errors import RateLimitError, SourceError
from mentorfeed.store import Store

from . import fakes
from .conftest import FakeBluesky, FakeMastodon, FakeX, view_tags, x_corpus
from .fakes import Answer, Clock, FakeServer, Request

QUERY = "#DermTwitter"


def stored(store: Store, platform: str) -> set[str]:
    return {p.id for p in store.search(None, platform=platform, limit=10_000)}


def test_x_a_bad_date_in_one_tweet_costs_that_tweet_and_the_run_goes_on(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock) -> None:
    bad = fake_x.tweets[41]
    bad["created_at"] = "2025-02-30T25:61:00Z"
    report = x.collect(sqlite_store, archive, QUERY, politeness=fakes.polite("X", clock))
    assert report.pages == -(-len(fake_x.tweets) // 100)  # every page, none fetched twice
    assert len(fake_x.server.requests) == report.pages
    assert report.posts == len(fake_x.tweets) - 1
    assert bad["id"] not in stored(sqlite_store, "x")
    assert report.problems == [f"X {QUERY!r}, page 1: tweet 42 {bad['id']} skipped: "
                               f"{report.problems[0].split('skipped: ')[1]}"]
    assert "2025-02-30T25:61:00Z" in report.problems[0]
    again = x.collect(sqlite_store, archive, QUERY, politeness=fakes.polite("X", clock))
    assert again.pages == 1 and again.posts == 0  # the run was complete: no page re-fetched


def test_mastodon_a_bad_status_costs_that_status(
        fake_mastodon: FakeMastodon, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    bad = fake_mastodon.statuses[3]
    bad["created_at"] = "not a date"
    report = mastodon.collect(sqlite_store, archive, instance=fake_mastodon.url,
                              tag="DermTwitter", politeness=fakes.polite("Mastodon", clock))
    assert report.posts == len(fake_mastodon.statuses) - 1
    assert bad["uri"] not in stored(sqlite_store, "mastodon")
    (problem,) = report.problems
    assert problem.startswith(f"{fake_mastodon.url} #DermTwitter, page 1: status 4 "
                              f"{bad['id']} skipped:")


def test_bluesky_a_bad_post_costs_that_post(
        fake_bluesky: FakeBluesky, sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    tagged = [v for v in fake_bluesky.views if "dermsky" in view_tags(v)]
    bad = tagged[2]
    bad["record"]["createdAt"] = bad["indexedAt"] = "half past nine"
    bluesky._sessions.clear()
    report = bluesky.collect(sqlite_store, archive, tag="dermsky",
                             politeness=fakes.polite("Bluesky", clock))
    assert report.posts == len(tagged) - 1
    assert bad["uri"] not in stored(sqlite_store, "bluesky")
    (problem,) = report.problems
    assert problem.startswith(f"Bluesky #dermsky, page 1: post 3 {bad['uri']} skipped:")


@pytest.fixture
def x_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., FakeServer]]:
    servers: list[FakeServer] = []

    def start(handler: Callable[[Request], Answer]) -> FakeServer:
        servers.append(FakeServer(handler))
        monkeypatch.setenv("MENTORFEED_X_API_URL", servers[-1].url)
        monkeypatch.setenv("MENTORFEED_X_BEARER_TOKEN", "good-token")
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _one_tweet_page(next_token: str | None) -> dict[str, Any]:
    tweets, users = x_corpus()
    tweet = tweets[0]
    meta: dict[str, Any] = {"result_count": 1, "newest_id": tweet["id"]}
    if next_token:
        meta["next_token"] = next_token
    return {"data": [tweet], "includes": {"users": [users[tweet["author_id"]]]}, "meta": meta}


def test_a_cursor_given_twice_stops_the_run(
        x_server: Callable[..., FakeServer], sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    server = x_server(lambda request: Answer(200, _one_tweet_page("b26v89c19zqg8o3fo7")))
    with pytest.raises(SourceError, match="the same cursor twice") as raised:
        x.collect(sqlite_store, archive, QUERY, politeness=fakes.polite("X", clock))
    assert str(raised.value).startswith(f"X {QUERY!r}, page 2: ")
    assert len(server.requests) == 2


def test_a_rate_limit_reset_a_year_away_ends_the_run_at_once(
        x_server: Callable[..., FakeServer], sqlite_store: Store, archive: RawArchive,
        clock: Clock) -> None:
    reset = str(int(clock.now()) + 31_535_978)
    x_server(lambda request: Answer(429, {"title": "Too Many Requests"}, {
        "x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}))
    with pytest.raises(RateLimitError, match="wait 8,760 hours, longer than the 60 minutes"):
        x.collect(sqlite_store, archive, QUERY, politeness=fakes.polite("X", clock))
    assert sum(clock.slept) == 0


@pytest.mark.parametrize(("answer", "said"), [
    (Answer(301, _one_tweet_page(None), {"Location": "https://api.example/2/tweets"}),
     "answered 301, a redirect to https://api.example/2/tweets, not a page"),
    (Answer(302, b"", {"Location": "/elsewhere"}), "answered 302, a redirect"),
    (Answer(204, b""), r"answered 204 \(no content\), not a page"),
])
def test_a_redirect_or_no_content_is_an_error_never_the_last_page(
        x_server: Callable[..., FakeServer], sqlite_store: Store, archive: RawArchive,
        clock: Clock, answer: Answer, said: str) -> None:
    x_server(lambda request: answer)
    with pytest.raises(SourceError, match=said):
        x.collect(sqlite_store, archive, QUERY, politeness=fakes.polite("X", clock))
    assert sqlite_store.get_state("x", f"/2/tweets/search/recent?{QUERY}") is None


class RawServer:
    """A server on 127.0.0.1 that answers every request with `send(socket)`: for answers no
    well-behaved HTTP server would give."""

    def __init__(self, send: Callable[[socket.socket], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.send, self.requests = send, 0
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.requests += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            with contextlib.suppress(OSError):
                self.send(conn)

    def close(self) -> None:
        self.listener.close()


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"


def test_a_body_past_the_limit_is_refused_whatever_its_length_header_says(
        sqlite_store: Store, archive: RawArchive, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def endless(conn: socket.socket) -> None:  # no Content-Length: read until it closes
        conn.sendall(HEAD + b'{"data": [' + b'{"id": "1", "text": "' + b"x" * (3 << 20))

    server = RawServer(endless)
    monkeypatch.setenv("MENTORFEED_X_API_URL", server.url)
    monkeypatch.setenv("MENTORFEED_X_BEARER_TOKEN", "good-token")
    monkeypatch.setenv("MENTORFEED_MAX_INPUT_MB", "1")
    with pytest.raises(SourceError, match="larger than 1 MB, the most read"):
        x.collect(sqlite_store, archive, QUERY, politeness=fakes.polite("X", clock))
    assert server.requests == 1  # refused, not retried
    server.close()


def test_a_server_dribbling_a_byte_a_second_is_dropped(
        sqlite_store: Store, archive: RawArchive, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def dribble(conn: socket.socket) -> None:
        conn.sendall(HEAD)
        for byte in orjson.dumps(_one_tweet_page(None)):
            conn.sendall(bytes([byte]))
            time.sleep(0.2)  # every read comes well within the read timeout

    server = RawServer(dribble)
    monkeypatch.setenv("MENTORFEED_X_API_URL", server.url)
    monkeypatch.setenv("MENTORFEED_X_BEARER_TOKEN", "good-token")
    monkeypatch.setenv("MENTORFEED_REQUEST_TIMEOUT", "1")
    politeness = Politeness("X", sleep=clock.sleep, now=clock.now, max_attempts=2)
    started = time.monotonic()
    with pytest.raises(SourceError, match="kept failing after 2 tries"):
        x.collect(sqlite_store, archive, QUERY, politeness=politeness)
    assert time.monotonic() - started < 6
    assert server.requests == 2
    server.close()


def test_mastodon_and_bluesky_redirects_are_errors_too(
        fake_mastodon: FakeMastodon, fake_bluesky: FakeBluesky, sqlite_store: Store,
        archive: RawArchive, clock: Clock) -> None:
    moved = Answer(301, [], {"Location": "https://elsewhere.example/api/v1/timelines/tag/x"})
    fake_mastodon.faults.append(moved)
    with pytest.raises(SourceError, match="Mastodon answered 301, a redirect to https://else"):
        mastodon.collect(sqlite_store, archive, instance=fake_mastodon.url, tag="DermTwitter",
                         politeness=fakes.polite("Mastodon", clock))
    fake_bluesky.fail("app.bsky.feed.searchPosts",
                      Answer(302, {"posts": []}, {"Location": "/xrpc/elsewhere"}))
    bluesky._sessions.clear()
    with pytest.raises(SourceError, match="Bluesky answered 302, a redirect to /xrpc/elsewhere"):
        bluesky.collect(sqlite_store, archive, tag="dermsky",
                        politeness=fakes.polite("Bluesky", clock))
    assert sqlite_store.count_posts() == 0
