"""Following Bluesky live on Jetstream, the JSON firehose over WebSocket.

Only `app.bsky.feed.post` commits are asked for; a new post that carries one of the community's
tags (a tag facet, `record.tags`, or a #tag in text without facets) is made into a postView,
archived and stored at once, its author's profile fetched first when it is new. The `time_us` of
the last event handled is saved in the store every few seconds and at the end, so a restart (or a
reconnect after a dropped connection) replays from a few seconds before it: no gap, and the
replayed posts are recognised by (did, rkey) and not stored or archived twice.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import orjson
from websockets.exceptions import ConnectionClosed, InvalidURI, WebSocketException
from websockets.sync.client import connect

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.bluesky import (
    Xrpc,
    fetch_profiles,
    needs_profile,
    parse_profiles,
    without_viewer,
)
from mentorfeed.collect.forget import forget
from mentorfeed.collect.polite import Politeness
from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError, SourceError
from mentorfeed.sources._common import hashtags_in
from mentorfeed.sources.bluesky import parse_views
from mentorfeed.sources.ingest import write_parsed
from mentorfeed.store import Store

COLLECTION = "app.bsky.feed.post"
SOURCE = "bluesky-jetstream"
REPLAY_US = 5_000_000  # a restart goes back this far before the saved cursor
SAVE_EVERY = 5.0  # seconds between saves of the cursor
STALL = 60.0  # seconds of silence after which the connection is made again


@dataclass(slots=True)
class FollowReport:
    events: int = 0
    posts: int = 0
    new: int = 0
    skipped: int = 0  # events that could not be read
    reconnects: int = 0
    cursor: int | None = None
    profile_error: str | None = None  # why profiles stopped being fetched, if they did
    deleted: int = 0  # stored posts deleted on Bluesky, and so forgotten here


def stream_url() -> str:
    return Settings.load().jetstream_url


def follow(store: Store, archive: RawArchive, *, tags: Iterable[str], url: str | None = None,
           max_events: int | None = None, idle_timeout: float | None = None,
           duration: float | None = None,
           on_event: Callable[[FollowReport], None] | None = None, profiles: bool = True,
           politeness: Politeness | None = None, max_retries: int = 8,
           sleep: Callable[[float], None] = time.sleep,
           now: Callable[[], float] = time.time) -> FollowReport:
    """Store the posts with `tags` as they come; stop after `max_events` events, after
    `idle_timeout` seconds without one, or after `duration` seconds (None: follow until
    interrupted). The next call goes on from the saved cursor, so stopping leaves no gap."""
    wanted = frozenset(t.strip().lstrip("#").lower() for t in tags if t.strip().lstrip("#"))
    if not wanted:
        raise ConfigError("Give at least one tag to follow on Jetstream.")
    follower = _Follower(store, archive, wanted, url or stream_url(), on_event,
                         profiles, politeness, now)
    deadline = now() + duration if duration is not None else None
    follower.run(max_events, idle_timeout, max_retries, sleep, deadline)
    return follower.report


class _Follower:
    def __init__(self, store: Store, archive: RawArchive, wanted: frozenset[str], url: str,
                 on_event: Callable[[FollowReport], None] | None, profiles: bool,
                 politeness: Politeness | None, now: Callable[[], float]) -> None:
        self.store, self.archive, self.wanted, self.url = store, archive, wanted, url
        self.on_event, self.profiles, self.politeness, self.now = on_event, profiles, \
            politeness, now
        self.key = ",".join(sorted(wanted))
        saved = store.get_state("jetstream", self.key) or {}
        self.report = FollowReport(cursor=saved.get("time_us"))
        self.saved_at = now()
        self.xrpc: Xrpc | None = None
        self.deleted: list[str] = []

    def run(self, max_events: int | None, idle_timeout: float | None, max_retries: int,
            sleep: Callable[[float], None], deadline: float | None = None) -> None:
        failures = 0
        try:
            while max_events is None or self.report.events < max_events:
                try:
                    with connect(self._subscribe_url(), open_timeout=10, close_timeout=2,
                                 max_queue=1024) as ws:
                        while max_events is None or self.report.events < max_events:
                            if deadline is not None and self.now() >= deadline:
                                return
                            try:
                                message = ws.recv(timeout=idle_timeout or STALL)
                            except TimeoutError:
                                if idle_timeout is not None:
                                    return
                                raise ConnectionError("Jetstream went silent") from None
                            failures = 0
                            self.handle(message)
                except InvalidURI:
                    raise ConfigError(f"{self.url} is not a WebSocket URL; set "
                                      "MENTORFEED_JETSTREAM_URL to a wss:// address.") from None
                except (ConnectionClosed, WebSocketException, OSError) as exc:
                    failures += 1
                    if failures > max_retries:
                        raise SourceError(f"Jetstream at {self.url} kept failing "
                                          f"({type(exc).__name__}); try again later.") from None
                    self.report.reconnects += 1
                    sleep(min(60.0, 2.0 ** (failures - 1)) * (0.5 + random.random()))
        finally:
            if self.deleted:  # once per run: forgetting rewrites the raw archive
                forget(self.store, self.archive, posts=self.deleted)
                self.report.deleted = len(self.deleted)
            self.save(force=True)
            if self.xrpc:
                self.xrpc.close()

    def handle(self, message: str | bytes) -> None:
        """One event: a tagged new post is stored, a known author's new handle noted."""
        self.report.events += 1
        try:
            event = orjson.loads(message)
        except orjson.JSONDecodeError:
            event = None
        if not isinstance(event, dict) or not isinstance(event.get("time_us"), int):
            self.report.skipped += 1
        else:
            if event.get("kind") == "commit":
                self._commit(event)
            elif event.get("kind") == "identity":
                self._identity(event)
            if self.report.cursor is None or event["time_us"] > self.report.cursor:
                self.report.cursor = event["time_us"]
        self.save()
        if self.on_event:
            self.on_event(self.report)

    def save(self, *, force: bool = False) -> None:
        if self.report.cursor is not None and (force or self.now() - self.saved_at >= SAVE_EVERY):
            self.store.set_state("jetstream", self.key, {"time_us": self.report.cursor})
            self.saved_at = self.now()

    def _subscribe_url(self) -> str:
        params: dict[str, Any] = {"wantedCollections": COLLECTION}
        if self.report.cursor is not None:
            params["cursor"] = self.report.cursor - REPLAY_US
        return f"{self.url}{'&' if '?' in self.url else '?'}{urlencode(params)}"

    def _commit(self, event: dict[str, Any]) -> None:
        commit, did = event.get("commit"), event.get("did")
        if not isinstance(commit, dict) or commit.get("collection") != COLLECTION:
            return
        if commit.get("operation") == "delete":  # deleted on Bluesky: it must not linger here
            uri = f"at://{did}/{COLLECTION}/{commit.get('rkey')}"
            if self.store.get_post("bluesky", uri) is not None:
                self.deleted.append(uri)
            return
        if commit.get("operation") != "create":
            return
        record, rkey = commit.get("record"), commit.get("rkey")
        if not (isinstance(record, dict) and isinstance(did, str) and isinstance(rkey, str)):
            self.report.skipped += 1
            return
        if not self.wanted & tags_of(record):
            return
        uri = f"at://{did}/{COLLECTION}/{rkey}"
        if self.store.get_post("bluesky", uri) is not None:
            return  # replayed after a restart or a reconnect
        if self.profiles and needs_profile(self.store, did):
            self._fetch_profile(did)  # first, so that the post has its author's handle
        known = self.store.get_author("bluesky", did)
        view = {"uri": uri, "cid": commit.get("cid"),
                "author": {"did": did, "handle": known.handle if known else did},
                "record": record, "indexedAt": _iso(event["time_us"])}
        meta = {"time_us": event["time_us"], "rev": commit.get("rev")}
        self.archive.append("bluesky", {"posts": [view], "jetstream": meta}, url=self.url)
        posts, authors = parse_views([view], [])
        if not posts:
            self.report.skipped += 1
            return
        self.report.posts += 1
        self.report.new += write_parsed(self.store, posts, authors, SOURCE).new

    def _identity(self, event: dict[str, Any]) -> None:
        identity = event.get("identity") or {}
        did, handle = identity.get("did") or event.get("did"), identity.get("handle")
        if not (isinstance(did, str) and isinstance(handle, str)):
            return
        known = self.store.get_author("bluesky", did)
        if known is None or known.handle == handle:
            return
        meta = {"time_us": event["time_us"], "kind": "identity"}
        self.archive.append("bluesky", {"profiles": [{"did": did, "handle": handle}],
                                        "jetstream": meta}, url=self.url)
        renamed = dataclasses.replace(known, handle=handle, raw=None,
                                      url=f"https://bsky.app/profile/{handle}")
        write_parsed(self.store, [], [renamed], SOURCE)

    def _fetch_profile(self, did: str) -> None:
        """The author's profile through the same XRPC as searching; if that cannot be done,
        the stream goes on without profiles and the report says why."""
        try:
            self.xrpc = self.xrpc or Xrpc(self.politeness)
            page, url = fetch_profiles(self.xrpc, [did])
            page = without_viewer(page)
            self.archive.append("bluesky", page, url=url)
            write_parsed(self.store, [], parse_profiles(page["profiles"], []), SOURCE)
        except SourceError as exc:
            self.profiles = False
            self.report.profile_error = str(exc)


def tags_of(record: dict[str, Any]) -> set[str]:
    """The lowercased tags of a post record: tag facets and `tags`, or #tags in text when the
    record has no facets."""
    found: list[str] = []
    facets = record.get("facets")
    if isinstance(facets, list):
        for facet in facets:
            features = facet.get("features") if isinstance(facet, dict) else None
            for feature in features if isinstance(features, list) else ():
                if isinstance(feature, dict) and isinstance(feature.get("tag"), str):
                    found.append(feature["tag"])
    elif isinstance(record.get("text"), str):
        found += hashtags_in(record["text"])
    found += [t for t in record.get("tags") or () if isinstance(t, str)]
    return {t.lstrip("#").lower() for t in found}


def _iso(time_us: int) -> str:
    moment = datetime.fromtimestamp(time_us / 1_000_000, UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")

