"""Collecting a hashtag timeline from Mastodon servers through Mastodon.py.

A run pages back from the newest status with `max_id`, down to the newest status of the last
complete run (`since_id`). `collect.runner` saves the position after every page, so an
interrupted run resumes where it stopped. Local ids belong to the server queried, so the state is
kept per (server, tag); posts are stored by their global `uri`, so a post seen through several
servers is stored once, and replies are pointed at their parent's `uri` as parents arrive.

Mastodon.py makes the requests with `ratelimit_method="throw"`; our `Politeness` does all the
waiting and retrying. Each raw response is caught as it arrives, so the archive keeps the JSON the
server sent (Mastodon.py would turn its dates into datetimes) and politeness sees the
`X-RateLimit-*` headers of every answer, errors included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
from mastodon import Mastodon, MastodonError, MastodonNetworkError
from requests.structures import CaseInsensitiveDict

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.community import Community
from mentorfeed.collect.limits import READ_TIMEOUT, Limits
from mentorfeed.collect.polite import Politeness, Reply, Transient
from mentorfeed.collect.registry import LivePlatform, Query
from mentorfeed.collect.runner import CollectReport, Page, State, run
from mentorfeed.config import Settings
from mentorfeed.errors import SourceError
from mentorfeed.models import Author, Post
from mentorfeed.sources.base import each
from mentorfeed.sources.mastodon import parse_status
from mentorfeed.store import Store

SOURCE = "mastodon"
PAGE_SIZE = 40  # the most Mastodon serves a page
TIMELINE = "/api/v1/timelines/tag/"
# What a status says about the token's own account, which is nobody else's business.
PRIVATE = frozenset({"favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered"})


def access_token() -> str | None:
    """The optional access token; public tag timelines need none on most servers."""
    return Settings.load().mastodon_token or None


def auth_hint() -> str:
    """How to fix a refused credential, as it depends on whether a token is set."""
    if access_token():
        return ("MENTORFEED_MASTODON_TOKEN is wrong or expired for this server; set it to a "
                "valid access token, or unset it to read public timelines")
    return "this server wants an access token with read:statuses; set MENTORFEED_MASTODON_TOKEN"


class TagTimeline:
    """One server's timeline of a hashtag as a collector: pages back with `max_id`, down to
    the newest status of the last complete run (`since_id`)."""

    platform = SOURCE
    source = "mastodon-api"

    def __init__(self, api: Mastodon, base: str, tag: str, responses: list[requests.Response],
                 politeness: Politeness) -> None:
        self.api, self.base, self.tag = api, base, tag
        self.responses, self.politeness = responses, politeness
        self.server = urlsplit(base).hostname
        self.name = f"{base} #{tag}"
        self.key = f"{base}{TIMELINE}{tag.lower()}"

    def begin(self, saved: Mapping[str, Any]) -> State:
        return {"since_id": saved.get("newest_id"), "max_id": None, "newest_id": None}

    def fetch_page(self, state: State) -> Page:
        reply = self.politeness.call(partial(_fetch, self.api, self.tag, state["max_id"],
                                             state["since_id"], self.responses))
        statuses: list[dict[str, Any]] = reply.body
        following = dict(state)
        if statuses:
            following["newest_id"] = state["newest_id"] or statuses[0]["id"]
            following["max_id"] = statuses[-1]["id"]
        url = str(reply.headers.get("url", self.base + TIMELINE + self.tag))
        last = not statuses or "next" not in _links(reply.headers.get("link", ""))
        return Page([(statuses, url)], following, last=last, cursor=following["max_id"])

    def scrub(self, payload: Any) -> Any:
        """The statuses without what they say about the token's own account (whether it
        favourited, boosted, bookmarked, muted or pinned them, and its filters)."""
        return [{k: v for k, v in status.items() if k not in PRIVATE} for status in payload]

    def parse(self, payload: Any, problems: list[str]) -> tuple[list[Post], list[Author]]:
        return _parse(payload, self.server, problems)

    def end(self, state: State, saved: Mapping[str, Any]) -> State:
        return {"newest_id": state["newest_id"] or state["since_id"]}


def collect(store: Store, archive: RawArchive, *, instance: str, tag: str,
            max_pages: int | None = None, politeness: Politeness | None = None,
            on_page: Callable[[int], None] | None = None) -> CollectReport:
    """Collect the statuses `instance` knows under `#tag` since the last run into the store."""
    tag = tag.strip().lstrip("#")
    if not tag:
        raise SourceError("Name the hashtag to collect from Mastodon, e.g. --tag DermTwitter.")
    responses: list[requests.Response] = []
    with requests.Session() as session:
        session.hooks["response"] += [Limits.load("Mastodon").requests_hook,
                                      partial(_keep, responses)]
        api = Mastodon(api_base_url=instance, access_token=access_token(),
                       ratelimit_method="throw", session=session, user_agent="mentorfeed",
                       request_timeout=READ_TIMEOUT)
        base = str(api.api_base_url).rstrip("/")
        politeness = politeness or Politeness("Mastodon", auth_hint=auth_hint())
        timeline = TagTimeline(api, base, tag, responses, politeness)
        return run(timeline, store, archive, max_pages=max_pages, on_page=on_page)


def _fetch(api: Mastodon, tag: str, max_id: str | None, since_id: str | None,
           responses: list[requests.Response]) -> Reply:
    """One page through Mastodon.py, as the raw response the server sent."""
    responses.clear()
    try:
        api.timeline_hashtag(tag, max_id=max_id, since_id=since_id, limit=PAGE_SIZE)
    except MastodonNetworkError as exc:  # timeouts and dropped connections
        if isinstance(exc.__context__, SourceError):  # a redirect, an answer too large
            raise exc.__context__ from None
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


def _parse(statuses: list[dict[str, Any]], server: str | None, problems: list[str]
           ) -> tuple[list[Post], list[Author]]:
    """The page's posts, exactly as `mentorfeed import` reads the archived page back; a status
    that cannot be read is left out and said in `problems`."""
    posts: list[Post] = []
    authors: list[Author] = []
    for found, by in each(statuses, partial(parse_status, server=server), problems, "status"):
        posts.extend(found)
        authors.extend(by)
    return posts, authors


def forget_in(page: dict[str, Any], post_ids: set[str], author_ids: set[str]) -> dict[str, Any]:
    """An archived timeline page without the forgotten statuses and their authors' statuses."""
    if not isinstance(page.get("statuses"), list):
        return page
    return {**page, "statuses": [s for s in page["statuses"]
                                 if _kept(s, post_ids, author_ids)]}


def _kept(status: Any, post_ids: set[str], author_ids: set[str]) -> bool:
    account = status.get("account") or {}
    return status.get("uri") not in post_ids and not {account.get("uri"), account.get("url")} \
        & author_ids


@dataclass(frozen=True, slots=True)
class MastodonSettings:
    """The community config's `[mastodon]` table: every tag is asked of every instance."""

    instances: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    interval_minutes: float = 30


def _watched(community: Community) -> tuple[float, list[Query]]:
    masto = community.table("mastodon", MastodonSettings)
    return masto.interval_minutes, [
        Query(f"mastodon {instance} #{tag}", instance, {"instance": instance, "tag": tag})
        for instance in masto.instances for tag in masto.tags]


PLATFORM = LivePlatform(
    "mastodon", "Mastodon", ("MENTORFEED_MASTODON_TOKEN",), collect, auth_hint,
    lambda: None, _watched, forget_in)
