"""Collecting from the X API v2 search endpoints with a bearer token.

A run pages back from the newest post with `next_token`; the newest id of the last complete run
is the next run's `since_id`. The token of every page is saved as it is stored, so a run that is
interrupted resumes from where it stopped, with the same `since_id`: no gap, no duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import orjson

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.polite import Politeness, Reply, Transient
from mentorfeed.config import Settings
from mentorfeed.errors import AuthError, SourceError
from mentorfeed.sources.ingest import write_parsed
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


@dataclass(slots=True)
class CollectReport:
    source: str
    pages: int = 0
    posts: int = 0
    new: int = 0


def api_url() -> str:
    return Settings.load().x_api_url.rstrip("/")


def bearer_token() -> str:
    token = Settings.load().x_bearer_token
    if not token:
        raise AuthError("Set MENTORFEED_X_BEARER_TOKEN to an X API bearer token to collect "
                        "from X.")
    return token


def collect(store: Store, archive: RawArchive, query: str, *, full_archive: bool = False,
            since: str | None = None, until: str | None = None, max_pages: int | None = None,
            politeness: Politeness | None = None,
            on_page: Callable[[int], None] | None = None) -> CollectReport:
    """Collect what `query` matches since the last run (or the dates given) into the store."""
    politeness = politeness or Politeness("X", auth_hint="it is wrong or expired; set "
                                          "MENTORFEED_X_BEARER_TOKEN to a valid token")
    endpoint = "/2/tweets/search/all" if full_archive else "/2/tweets/search/recent"
    key = f"{endpoint}?{query}"
    state: dict[str, Any] = store.get_state("x", key) or {}
    run = state.get("run") or {"since_id": state.get("newest_id"), "next_token": None,
                               "newest_id": None}
    report = CollectReport("x")
    headers = {"Authorization": f"Bearer {bearer_token()}", "User-Agent": "mentorfeed"}
    with httpx.Client(base_url=api_url(), headers=headers, timeout=30) as client:
        while max_pages is None or report.pages < max_pages:
            params = {"query": query, "max_results": 100, **FIELDS}
            if run["next_token"]:
                params["next_token"] = run["next_token"]
            if since or until:
                params |= {k: v for k, v in (("start_time", since), ("end_time", until)) if v}
            elif run["since_id"]:
                params["since_id"] = run["since_id"]
            reply = politeness.call(partial(_get, client, endpoint, params))
            page = reply.body
            if not isinstance(page, dict):
                raise SourceError("X sent a page that is not a JSON object; try again later.")
            archive.append("x", page, url=str(reply.headers.get("url", endpoint)))
            if page.get("data"):
                posts, authors = parse_page(page)
                result = write_parsed(store, posts, authors, "x-api")
                report.posts += len(posts)
                report.new += result.new
            report.pages += 1
            if on_page:
                on_page(report.pages)
            meta = page.get("meta") or {}
            run["newest_id"] = run["newest_id"] or meta.get("newest_id")
            run["next_token"] = meta.get("next_token")
            if not run["next_token"]:
                break
            store.set_state("x", key, {**state, "run": run})
    if not run["next_token"]:  # the run is complete: the next one starts from its newest post
        store.set_state("x", key, {"newest_id": run["newest_id"] or run["since_id"]})
    return report


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
