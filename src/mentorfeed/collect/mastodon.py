"""Collecting a hashtag timeline from Mastodon servers through Mastodon.py.

A run pages back from the newest status with `max_id`, down to the newest status of the last
complete run (`since_id`). The position is saved after every page, so an interrupted run resumes
where it stopped: no gap, no duplicate. Local ids belong to the server queried, so the state is
kept per (server, tag); posts are stored by their global `uri`, so a post seen through several
servers is stored once, and replies are pointed at their parent's `uri` as parents arrive.

Mastodon.py makes the requests with `ratelimit_method="throw"`; our `Politeness` does all the
waiting and retrying. Each raw response is caught as it arrives, so the archive keeps the JSON the
server sent (Mastodon.py would turn its dates into datetimes) and politeness sees the
`X-RateLimit-*` headers of every answer, errors included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
from mastodon import Mastodon, MastodonError, MastodonNetworkError
from requests.structures import CaseInsensitiveDict

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.polite import Politeness, Reply, Transient
from mentorfeed.collect.x import CollectReport
from mentorfeed.config import Settings
from mentorfeed.errors import SourceError
from mentorfeed.models import Author, Post
from mentorfeed.sources._reading import Issue, Record
from mentorfeed.sources.base import parse_records
from mentorfeed.sources.ingest import write_parsed
from mentorfeed.sources.mastodon import parse_status
from mentorfeed.store import Store

SOURCE = "mastodon"
PAGE_SIZE = 40  # the most Mastodon serves a page
TIMELINE = "/api/v1/timelines/tag/"
log = logging.getLogger(__name__)


def access_token() -> str | None:
    """The optional access token; public tag timelines need none on most servers."""
    return Settings.load().mastodon_token or None


def collect(store: Store, archive: RawArchive, *, instance: str, tag: str,
            max_pages: int | None = None, politeness: Politeness | None = None,
            on_page: Callable[[int], None] | None = None) -> CollectReport:
    """Collect the statuses `instance` knows under `#tag` since the last run into the store."""
    tag = tag.strip().lstrip("#")
    if not tag:
        raise SourceError("Name the hashtag to collect from Mastodon, e.g. --tag DermTwitter.")
    token = access_token()
    responses: list[requests.Response] = []
    with requests.Session() as session:
        session.hooks["response"].append(partial(_keep, responses))
        api = Mastodon(api_base_url=instance, access_token=token, ratelimit_method="throw",
                       request_timeout=30, session=session, user_agent="mentorfeed")
        base = str(api.api_base_url).rstrip("/")
        politeness = politeness or Politeness("Mastodon", auth_hint=_auth_hint(base, token))
        return _run(store, archive, api, base, tag, responses, politeness, max_pages, on_page)


def _run(store: Store, archive: RawArchive, api: Mastodon, base: str, tag: str,
         responses: list[requests.Response], politeness: Politeness, max_pages: int | None,
         on_page: Callable[[int], None] | None) -> CollectReport:
    server = urlsplit(base).hostname
    key = f"{base}{TIMELINE}{tag.lower()}"
    state: dict[str, Any] = store.get_state(SOURCE, key) or {}
    run = state.get("run") or {"since_id": state.get("newest_id"), "max_id": None,
                               "newest_id": None}
    report = CollectReport(SOURCE)
    done = False
    while not done and (max_pages is None or report.pages < max_pages):
        reply = politeness.call(partial(_fetch, api, tag, run["max_id"], run["since_id"],
                                        responses))
        statuses: list[dict[str, Any]] = reply.body
        archive.append(SOURCE, statuses, url=str(reply.headers.get("url", base + TIMELINE + tag)))
        posts, authors = _parse(statuses, server)
        if posts:
            result = write_parsed(store, posts, authors, "mastodon-api")
            store.resolve_references()
            report.posts += len(posts)
            report.new += result.new
        report.pages += 1
        if on_page:
            on_page(report.pages)
        if statuses:
            run["newest_id"] = run["newest_id"] or statuses[0]["id"]
            run["max_id"] = statuses[-1]["id"]
        done = not statuses or "next" not in _links(reply.headers.get("link", ""))
        if not done:
            store.set_state(SOURCE, key, {**state, "run": run})
    if done:  # the run is complete: the next one starts from its newest status
        store.set_state(SOURCE, key, {"newest_id": run["newest_id"] or run["since_id"]})
    return report


def _fetch(api: Mastodon, tag: str, max_id: str | None, since_id: str | None,
           responses: list[requests.Response]) -> Reply:
    """One page through Mastodon.py, as the raw response the server sent."""
    responses.clear()
    try:
        api.timeline_hashtag(tag, max_id=max_id, since_id=since_id, limit=PAGE_SIZE)
    except MastodonNetworkError as exc:  # timeouts and dropped connections
        raise Transient(type(exc.__context__ or exc).__name__) from None
    except MastodonError as exc:  # 4xx and 5xx, rate limits, pages that are not JSON
        if not responses:
            raise SourceError(f"Mastodon.py could not ask {api.api_base_url} for #{tag} "
                              f"({type(exc).__name__}).") from None
    if not responses:
        raise SourceError(f"{api.api_base_url} sent no answer for #{tag}; try again later.")
    response = responses[-1]
    try:
        body: Any = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = response.text[:200]
    if response.ok and not _is_page(body):
        raise Transient("a malformed page")
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(response.headers)
    headers["url"] = str(response.url)
    return Reply(response.status_code, headers, body)


def _keep(responses: list[requests.Response], response: requests.Response,
          *_: Any, **__: Any) -> requests.Response:
    """A session hook: keep the tag timeline's raw responses (not Mastodon.py's instance check)."""
    if TIMELINE in urlsplit(str(response.url)).path:
        responses.append(response)
    return response


def _is_page(body: Any) -> bool:
    return isinstance(body, list) and all(
        isinstance(status, dict) and isinstance(status.get("id"), str) for status in body)


def _links(header: str) -> set[str]:
    return {str(link.get("rel")) for link in requests.utils.parse_header_links(header)}


def _parse(statuses: list[dict[str, Any]], server: str | None) -> tuple[list[Post], list[Author]]:
    """The page's posts, exactly as `mentorfeed import` reads the archived page back."""
    posts: list[Post] = []
    authors: list[Author] = []
    for item in parse_records(iter([Record(0, statuses)]), partial(parse_status, server=server)):
        if isinstance(item, Issue):
            log.warning("Skipped a Mastodon status from %s: %s", server, item.reason)
            continue
        posts.extend(item.posts)
        authors.extend(item.authors)
    return posts, authors


def _auth_hint(base: str, token: str | None) -> str:
    if token:
        return (f"MENTORFEED_MASTODON_TOKEN is wrong or expired for {base}; set it to a valid "
                "access token, or unset it to read public timelines")
    return (f"{base} wants an access token with read:statuses; set MENTORFEED_MASTODON_TOKEN "
            "to one")
