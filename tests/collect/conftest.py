"""Fixtures for the collectors: fake X/Bluesky/Mastodon servers built from the sample corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
