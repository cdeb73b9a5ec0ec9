"""Collecting from the X API v2 search endpoints with a bearer token.

A run pages back from the newest post with `next_token`; the newest id of the last complete run
is the next run's `since_id`. `collect.runner` saves the token of every page as it is stored, so
a run that is interrupted resumes from where it stopped, with the same `since_id`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import orjson

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.community import Community
from mentorfeed.collect.limits import Limits
from mentorfeed.collect.polite import Politeness, Reply, Transient
from mentorfeed.collect.registry import LivePlatform, Query
from mentorfeed.collect.runner import CollectReport, Page, State, run
from mentorfeed.config import Settings
from mentorfeed.errors import AuthError, SourceError
from mentorfeed.models import Author, Post
from mentorfeed.sources.x_v2 import parse_page
from mentorfeed.store import Store

FIELDS = {
    "tweet.fields": "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,"
                    "entities,public_metrics,lang,note_tweet,edit_history_tweet_ids",
    "user.fields": "username,name,description,public_metrics,verified,verified_type,location,"
                   "entities,created_at",
    "expansions": "author_id,in_reply_to_user_id,referenced_tweets.id,"
                  "referenced_tweets.id.author_id,entities.mentions.username",
}


def api_url() -> str:
    return Settings.load().x_api_url.rstrip("/")


def bearer_token() -> str:
    token = Settings.load().x_bearer_token
    if not token:
        raise AuthError("Set MENTORFEED_X_BEARER_TOKEN to an X API bearer token to collect "
                        "from X.")
    return token


def auth_hint() -> str:
    return "it is wrong or expired; set MENTORFEED_X_BEARER_TOKEN to a valid token"


class Search:
    """One X search as a collector: pages back with `next_token`, above the last run's newest."""

    platform = "x"
    source = "x-api"

    def __init__(self, client: httpx.Client, politeness: Politeness, query: str, *,
                 full_archive: bool = False, since: str | None = None,
                 until: str | None = None) -> None:
        self.client, self.politeness, self.query = client, politeness, query
        self.endpoint = "/2/tweets/search/all" if full_archive else "/2/tweets/search/recent"
        self.since, self.until = since, until
        self.name = f"X {query!r}"
        self.key = f"{self.endpoint}?{query}"

    def begin(self, saved: Mapping[str, Any]) -> State:
        return {"since_id": saved.get("newest_id"), "next_token": None, "newest_id": None}

    def fetch_page(self, state: State) -> Page:
        params = {"query": self.query, "max_results": 100, **FIELDS}
        if state["next_token"]:
            params["next_token"] = state["next_token"]
        if self.since or self.until:
            params |= {k: v for k, v in (("start_time", self.since), ("end_time", self.until))
                       if v}
        elif state["since_id"]:
            params["since_id"] = state["since_id"]
        reply = self.politeness.call(partial(_get, self.client, self.endpoint, params))
        page = reply.body
        if not isinstance(page, dict):
            raise SourceError("X sent a page that is not a JSON object; try again later.")
        meta = page.get("meta") or {}
        following = {**state, "newest_id": state["newest_id"] or meta.get("newest_id"),
                     "next_token": meta.get("next_token")}
        url = str(reply.headers.get("url", self.endpoint))
        return Page([(page, url)], following, last=not following["next_token"],
                    cursor=following["next_token"])

    def scrub(self, payload: Any) -> Any:
        """An app-only bearer token sees nothing private: the page is archived as sent."""
        return payload

    def parse(self, payload: Any, problems: list[str]) -> tuple[list[Post], list[Author]]:
        return parse_page(payload, problems) if payload.get("data") else ([], [])

    def end(self, state: State, saved: Mapping[str, Any]) -> State:
        return {"newest_id": state["newest_id"] or state["since_id"]}


def collect(store: Store, archive: RawArchive, query: str, *, full_archive: bool = False,
            since: str | None = None, until: str | None = None, max_pages: int | None = None,
            politeness: Politeness | None = None,
            on_page: Callable[[int], None] | None = None) -> CollectReport:
    """Collect what `query` matches since the last run (or the dates given) into the store."""
    politeness = politeness or Politeness("X", auth_hint=auth_hint())
    headers = {"Authorization": f"Bearer {bearer_token()}", "User-Agent": "mentorfeed"}
    limits = Limits.load("X")
    with httpx.Client(base_url=api_url(), headers=headers, timeout=limits.httpx_timeout(),
                      event_hooks=limits.httpx_hooks(), follow_redirects=False) as client:
        search = Search(client, politeness, query, full_archive=full_archive, since=since,
                        until=until)
        return run(search, store, archive, max_pages=max_pages, on_page=on_page)


def _get(client: httpx.Client, endpoint: str, params: dict[str, Any]) -> Reply:
    try:
        response = client.get(endpoint, params=params)
    except (httpx.TimeoutException, httpx.NetworkError) as exc:
        raise Transient(type(exc).__name__) from None
    except httpx.HTTPError as exc:
        raise SourceError(f"X could not be reached ({type(exc).__name__}).") from None
    try:
        body: Any = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None if response.status_code < 400 else response.text[:200]
        if response.status_code < 400:
            raise Transient("a malformed page") from None
    headers = dict(response.headers) | {"url": str(response.url)}
    return Reply(response.status_code, headers, body)


def forget_in(page: dict[str, Any], post_ids: set[str], author_ids: set[str]) -> dict[str, Any]:
    """A search page without the forgotten tweets (and their retweets) and users."""
    if not isinstance(page.get("data"), list):
        return page
    page = {**page, "data": [t for t in page["data"] if _kept(t, post_ids, author_ids)]}
    includes = dict(page.get("includes") or {})
    if includes:
        includes["tweets"] = [t for t in includes.get("tweets") or ()
                              if _kept(t, post_ids, author_ids)]
        includes["users"] = [u for u in includes.get("users") or ()
                             if u.get("id") not in author_ids]
        page["includes"] = includes
    return page


def _kept(tweet: Any, post_ids: set[str], author_ids: set[str]) -> bool:
    refs = {str(r.get("id")) for r in tweet.get("referenced_tweets") or ()
            if r.get("type") == "retweeted"}
    return (tweet.get("id") not in post_ids and tweet.get("author_id") not in author_ids
            and not refs & post_ids)


def _missing() -> str | None:
    return None if Settings.load().x_bearer_token else "MENTORFEED_X_BEARER_TOKEN is not set"


@dataclass(frozen=True, slots=True)
class XSettings:
    """The community config's `[x]` table."""

    queries: list[str] = field(default_factory=list)
    interval_minutes: float = 30


def _watched(community: Community) -> tuple[float, list[Query]]:
    x = community.table("x", XSettings)
    return x.interval_minutes, [Query(f"x {query!r}", "X", {"query": query})
                                for query in x.queries]


PLATFORM = LivePlatform(
    "x", "X", ("MENTORFEED_X_BEARER_TOKEN", "MENTORFEED_X_API_URL"), collect, auth_hint,
    _missing, _watched, forget_in)
