"""Fixtures for the collectors: fake X/Bluesky/Mastodon servers built from the sample corpus."""

from __future__ import annotations

import base64
import time
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest

from mentorfeed.collect.archive import RawArchive

from .fakes import Answer, Clock, FakeServer, Request

CORPUS = Path(__file__).resolve().parents[2] / "src" / "mentorfeed" / "data" / "corpus"


def x_corpus() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The sample corpus's X posts (newest first) and their users."""
    tweets: dict[str, dict[str, Any]] = {}
    users: dict[str, dict[str, Any]] = {}
    for page in sorted((CORPUS / "x").glob("search-*.json")):
        data = orjson.loads(page.read_bytes())
        tweets.update({t["id"]: t for t in data["data"]})
        users.update({u["id"]: u for u in data["includes"]["users"]})
    return sorted(tweets.values(), key=lambda t: int(t["id"]), reverse=True), users


class FakeX:
    """Recent search over a list of tweets: newest first, 100 a page, next_token, since_id."""

    def __init__(self, tweets: list[dict[str, Any]], users: dict[str, dict[str, Any]],
                 token: str = "good-token") -> None:
        self.tweets, self.users, self.token = tweets, users, token
        self.server = FakeServer(self.answer)

    def answer(self, request: Request) -> Answer:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Answer(401, {"title": "Unauthorized", "status": 401,
                                "detail": "Unauthorized", "type": "about:blank"})
        since = int(request.query.get("since_id", ["0"])[0])
        offset = int(request.query.get("next_token", ["0"])[0])
        size = int(request.query.get("max_results", ["100"])[0])
        matching = [t for t in self.tweets if int(t["id"]) > since]
        page = matching[offset:offset + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if offset + size < len(matching):
            meta["next_token"] = str(offset + size)
        body: dict[str, Any] = {"meta": meta}
        if page:
            authors = {t["author_id"] for t in page}
            body |= {"data": page, "includes": {"users": [self.users[a] for a in authors
                                                           if a in self.users]}}
        return Answer(200, body, {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449",
                                  "x-rate-limit-reset": "1750000900"})


@pytest.fixture
def fake_x(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeX]:
    tweets, users = x_corpus()
    fake = FakeX(tweets, users)
    monkeypatch.setenv("MENTORFEED_X_API_URL", fake.server.url)
    monkeypatch.setenv("MENTORFEED_X_BEARER_TOKEN", fake.token)
    yield fake
    fake.server.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def archive(tmp_path: Path) -> RawArchive:
    return RawArchive(tmp_path / "raw")


def mastodon_corpus() -> list[dict[str, Any]]:
    """The sample corpus's Mastodon statuses, newest first."""
    statuses = {s["id"]: s for page in sorted((CORPUS / "mastodon").glob("tag-*.json"))
                for s in orjson.loads(page.read_bytes())}
    return sorted(statuses.values(), key=lambda s: int(s["id"]), reverse=True)


def _local_copy(status: dict[str, Any], url: str, shift: int) -> dict[str, Any]:
    """A status as another server serves it: its own local ids, tag links pointing to it, and
    every account remote (`acct` with a domain)."""
    copy: dict[str, Any] = orjson.loads(orjson.dumps(status))
    quote = copy.get("quote") or {}
    for one in (copy, quote.get("quoted_status")):
        if isinstance(one, dict):
            one["id"] = str(int(one["id"]) + shift)
            if one.get("in_reply_to_id"):
                one["in_reply_to_id"] = str(int(one["in_reply_to_id"]) + shift)
            for tag in one.get("tags") or ():
                tag["url"] = f"{url}/tags/{tag['name']}"
            account = one.get("account") or {}
            if "@" not in account.get("acct", "@"):  # no account is local to the fake
                account["acct"] += "@" + urlsplit(account["url"]).netloc
    return copy


class FakeMastodon:
    """One server's `/api/v1/timelines/tag/<tag>`: newest first, `limit` (20, at most 40),
    `max_id`, `since_id`, `min_id`, a Link header with next and prev, X-RateLimit headers with an
    ISO reset time, `{"error": ...}` bodies. Its statuses are this server's copies of the corpus:
    local ids shifted by `id_shift`, tag links to `host`. `faults` answer timeline requests first;
    `/api/v2/instance` (which Mastodon.py asks before a timeline) is answered apart."""

    def __init__(self, statuses: list[dict[str, Any]], *, tag: str = "DermTwitter",
                 host: str = "127.0.0.1", id_shift: int = 0, token: str = "good-token") -> None:
        self.tag, self.token = tag, token
        self.faults: list[Answer] = []
        self.timeline: list[Request] = []
        self.rate_limit = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299",
                           "X-RateLimit-Reset": "2025-06-15T15:10:00.000Z"}
        self.server = FakeServer(self.answer)
        self.url = self.server.url.replace("127.0.0.1", host)
        self.statuses = [_local_copy(s, self.url, id_shift) for s in statuses]

    def answer(self, request: Request) -> Answer:
        auth = request.headers.get("authorization")
        refused = Answer(401, {"error": "The access token is invalid"})
        if request.path.rstrip("/") == "/api/v2/instance":
            if auth is not None and auth != f"Bearer {self.token}":
                return refused
            feeds = {"local": "public", "remote": "public"}
            return Answer(200, {"domain": self.url.split("//")[1], "version": "4.4.0",
                                "configuration": {"timelines_access": {
                                    "live_feeds": feeds, "hashtag_feeds": feeds,
                                    "trending_link_feeds": feeds}}})
        prefix = "/api/v1/timelines/tag/"
        if not request.path.startswith(prefix):
            return Answer(404, {"error": "Record not found"})
        self.timeline.append(request)
        if self.faults:
            return self.faults.pop(0)
        if auth is not None and auth != f"Bearer {self.token}":
            return refused
        query = {name: values[0] for name, values in request.query.items()}
        limit = min(int(query.get("limit", 20)), 40)
        matching = [s for s in self.statuses
                    if request.path[len(prefix):].lower() == self.tag.lower()
                    and int(s["id"]) > int(query.get("since_id") or 0)
                    and ("max_id" not in query or int(s["id"]) < int(query["max_id"]))]
        if "min_id" in query:  # the statuses immediately newer than min_id
            matching = [s for s in matching if int(s["id"]) > int(query["min_id"])][-limit:]
        page = matching[:limit]
        headers = dict(self.rate_limit)
        if page:
            here = f"{self.url}{request.path}?limit={limit}"
            headers["Link"] = (f'<{here}&max_id={page[-1]["id"]}>; rel="next", '
                               f'<{here}&min_id={page[0]["id"]}>; rel="prev"')
        return Answer(200, page, headers)


@pytest.fixture
def fake_mastodon(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMastodon]:
    monkeypatch.delenv("MENTORFEED_MASTODON_TOKEN", raising=False)
    fake = FakeMastodon(mastodon_corpus())
    yield fake
    fake.server.close()


@pytest.fixture
def second_mastodon() -> Iterator[FakeMastodon]:
    """Another server with the same posts under other local ids, reached as `localhost`."""
    fake = FakeMastodon(mastodon_corpus(), host="localhost", id_shift=-10**15)
    yield fake
    fake.server.close()


def bluesky_corpus() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The sample corpus's Bluesky postViews (newest first) and profiles by DID."""
    views: dict[str, dict[str, Any]] = {}
    for page in sorted((CORPUS / "bluesky").glob("search-*.json")):
        views.update({v["uri"]: v for v in orjson.loads(page.read_bytes())["posts"]})
    profiles: dict[str, dict[str, Any]] = {}
    for page in sorted((CORPUS / "bluesky").glob("profiles-*.json")):
        profiles.update({p["did"]: p for p in orjson.loads(page.read_bytes())["profiles"]})
    return sorted(views.values(), key=sort_at, reverse=True), profiles


def sort_at(view: dict[str, Any]) -> datetime:
    """About what Bluesky sorts and filters `since` on: the earlier of createdAt and indexedAt."""
    times = [view["indexedAt"], view["record"].get("createdAt") or view["indexedAt"]]
    return min(datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times)


def view_tags(view: dict[str, Any]) -> set[str]:
    record = view["record"]
    tags = [feature["tag"] for facet in record.get("facets") or ()
            for feature in facet.get("features") or () if feature.get("tag")]
    return {t.lower() for t in tags + list(record.get("tags") or ())}


def fake_jwt(subject: str, number: int, *, scope: str = "com.atproto.appPass") -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(data)).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"scope": scope, "sub": subject, "iat": now, "exp": now + 7200, "jti": str(number)}
    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(claims)}.c2lnbmF0dXJl"


class FakeBluesky:
    """A PDS: createSession with an app password; searchPosts (newest first, `tag` with AND,
    `since`, at most `page_size` a page, offset cursors) for a logged-in session only;
    getProfiles. `fail(name, answer)` queues a fault for one method."""

    did = "did:plc:fakementorfeedtrainee"

    def __init__(self, views: list[dict[str, Any]], profiles: dict[str, dict[str, Any]],
                 handle: str = "trainee.bsky.social", password: str = "abcd-efgh-ijkl-mnop"
                 ) -> None:
        self.views, self.profiles, self.handle, self.password = views, profiles, handle, password
        self.page_size = 100
        self.sessions = 0
        self.tokens: set[str] = set()
        self.expired: set[str] = set()
        self.expire_new_sessions = False
        self.faults: dict[str, deque[Answer]] = {}
        self.bodies: list[Any] = []
        self.server = FakeServer(self.answer)
        fake, base = self, self.server.server.RequestHandlerClass

        class ReadsBodies(base):  # type: ignore[misc, valid-type]
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fake.bodies.append(orjson.loads(self.rfile.read(length)) if length else None)
                super().do_POST()

        self.server.server.RequestHandlerClass = ReadsBodies

    def fail(self, method: str, *answers: Answer) -> None:
        self.faults.setdefault(method, deque()).extend(answers)

    def expire_all(self) -> None:
        self.expired |= self.tokens

    def requests_to(self, method: str) -> list[Request]:
        return [r for r in self.server.requests if r.path.endswith(f"/{method}")]

    def answer(self, request: Request) -> Answer:
        method = request.path.rsplit("/", 1)[-1]
        if self.faults.get(method):
            return self.faults[method].popleft()
        limits = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "2999",
                  "RateLimit-Reset": str(int(time.time()) + 300), "RateLimit-Policy": "3000;w=300"}
        if method == "com.atproto.server.createSession":
            return self.create_session()
        if method == "app.bsky.actor.getProfiles":
            actors = request.query.get("actors", [])
            if len(actors) > 25:
                return Answer(400, {"error": "InvalidRequest", "message": "too many actors"})
            return Answer(200, {"profiles": [self.profiles[a] for a in actors
                                             if a in self.profiles]}, limits)
        if method == "app.bsky.feed.searchPosts":
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            if token in self.expired:
                return Answer(400, {"error": "ExpiredToken", "message": "Token has expired"})
            if token not in self.tokens:
                return Answer(401, {"error": "AuthMissing", "message": "Authentication Required"})
            return Answer(200, self.search(request.query), limits)
        return Answer(501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})

    def create_session(self) -> Answer:
        body = self.bodies[-1] if self.bodies else None
        if not isinstance(body, dict) or body.get("identifier") != self.handle \
                or body.get("password") != self.password:
            return Answer(401, {"error": "AuthenticationRequired",
                                "message": "Invalid identifier or password"})
        self.sessions += 1
        access = fake_jwt(self.did, self.sessions)
        self.tokens.add(access)
        if self.expire_new_sessions:
            self.expired.add(access)
        refresh = fake_jwt(self.did, self.sessions, scope="com.atproto.refresh")
        return Answer(200, {"did": self.did, "handle": self.handle, "accessJwt": access,
                            "refreshJwt": refresh, "active": True})

    def search(self, query: dict[str, list[str]]) -> dict[str, Any]:
        q = query.get("q", [""])[0]
        tags = {t.lower() for t in query.get("tag", [])} | ({q[1:].lower()} if
                                                              q.startswith("#") else set())
        since = query.get("since", [None])[0]
        start = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
        matching = [v for v in self.views if tags <= view_tags(v)
                    and (start is None or sort_at(v) >= start)]
        offset = int(query.get("cursor", ["0"])[0])
        size = min(self.page_size, int(query.get("limit", ["25"])[0]))
        body: dict[str, Any] = {"posts": matching[offset:offset + size]}
        if offset == 0:
            body["hitsTotal"] = len(matching)
        if offset + size < len(matching):
            body["cursor"] = str(offset + size)
        return body


@pytest.fixture
def fake_bluesky(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBluesky]:
    views, profiles = bluesky_corpus()
    fake = FakeBluesky(views, profiles)
    monkeypatch.setenv("MENTORFEED_BLUESKY_URL", fake.server.url)
    monkeypatch.setenv("MENTORFEED_BLUESKY_HANDLE", fake.handle)
    monkeypatch.setenv("MENTORFEED_BLUESKY_APP_PASSWORD", fake.password)
    yield fake
    fake.server.close()
