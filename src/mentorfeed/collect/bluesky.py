"""Collecting from Bluesky through the `atproto` SDK: `app.bsky.feed.searchPosts`, newest first,
page by page with its cursor, then the authors' profiles (their bios) with
`app.bsky.actor.getProfiles`, 25 at a time.

Searching needs a login on the account's PDS with an app password (MENTORFEED_BLUESKY_HANDLE,
MENTORFEED_BLUESKY_APP_PASSWORD); the session is kept for the life of the process, because
`createSession` has a much lower rate limit, and made again once if the server calls it expired.
Calls go through the SDK's raw XRPC, so the archived page is the JSON the server sent, the shape
`mentorfeed import` reads back. A run's `since` is the newest post time of the last complete run
minus a margin; `collect.runner` saves its cursor with every page, so an interrupted run resumes
where it stopped, with the same `since`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

import httpx
from atproto import Client, models  # type: ignore[import-untyped]
from atproto_client import exceptions  # type: ignore[import-untyped]
from atproto_client.models.utils import get_model_as_dict  # type: ignore[import-untyped]
from atproto_client.request import Request, Response  # type: ignore[import-untyped]
from atproto_core.exceptions import AtProtocolError  # type: ignore[import-untyped]

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.community import Community
from mentorfeed.collect.limits import Limits
from mentorfeed.collect.polite import Politeness, Reply, Transient
from mentorfeed.collect.registry import LivePlatform, Query
from mentorfeed.collect.runner import CollectReport, Page, State, run
from mentorfeed.config import Settings, remember_secret
from mentorfeed.errors import AuthError, ConfigError, SourceError
from mentorfeed.models import Author, Post
from mentorfeed.sources._common import RecordError, parse_iso
from mentorfeed.sources.base import each
from mentorfeed.sources.bluesky import parse_profile, parse_views
from mentorfeed.store import Store

SEARCH = "app.bsky.feed.searchPosts"
PROFILES = "app.bsky.actor.getProfiles"
PAGE_SIZE = 100
PROFILE_BATCH = 25
SINCE_MARGIN = timedelta(minutes=10)
SOURCE = "bluesky-api"
AUTH_ERRORS = frozenset({"AuthMissing", "AuthRequired", "AuthenticationRequired",
                         "ExpiredToken", "InvalidToken"})
HANDLE_VAR, PASSWORD_VAR = "MENTORFEED_BLUESKY_HANDLE", "MENTORFEED_BLUESKY_APP_PASSWORD"

_sessions: dict[tuple[str, str], str] = {}  # (server, handle) -> session string, this process


def api_url() -> str:
    return Settings.load().bluesky_url.rstrip("/")


def credentials() -> tuple[str, str] | None:
    """The handle and app password from the environment, or None when neither is set."""
    settings = Settings.load()
    handle = (settings.bluesky_handle or "").strip().lstrip("@")
    password = settings.bluesky_app_password or ""
    if handle and password:
        return handle, password
    if handle or password:
        raise AuthError(f"Set both {HANDLE_VAR} and {PASSWORD_VAR} (an app password) to log in "
                        "to Bluesky.")
    return None


def auth_hint() -> str:
    return f"check {HANDLE_VAR} and {PASSWORD_VAR} (an app password)"


def default_politeness() -> Politeness:
    return Politeness("Bluesky", auth_hint=auth_hint())


class Xrpc:
    """One SDK client, used politely; logged in with the app password when one is set."""

    def __init__(self, politeness: Politeness | None = None, url: str | None = None) -> None:
        self.politeness = politeness or default_politeness()
        self.url = (url or api_url()).rstrip("/")
        limits = Limits.load("Bluesky")
        self.client: Any = Client(base_url=self.url, request=Request(
            timeout=limits.httpx_timeout(), event_hooks=limits.httpx_hooks()))
        self.credentials = credentials()
        self._logged_in = False
        self._fresh = False  # logged in with the password, not yet used successfully

    def query(self, nsid: str, params: Any, expect: str) -> tuple[dict[str, Any], str]:
        """The JSON object the server answered (which has a list under `expect`) and the URL."""
        self._login()
        fetch = partial(self._fetch, nsid, params, expect)
        try:
            reply = self.politeness.call(fetch)
        except AuthError:
            if self.credentials is None or self._fresh:
                raise
            self._login(again=True)  # the kept session expired: log in once more
            reply = self.politeness.call(fetch)
        self._fresh = False
        if self.credentials:
            self._keep_session()
        query = urlencode(get_model_as_dict(params), doseq=True)
        return reply.body, f"{self.url}/xrpc/{nsid}?{query}"

    def close(self) -> None:
        self.client.request.close()

    def _login(self, *, again: bool = False) -> None:
        if self.credentials is None or (self._logged_in and not again):
            return
        handle, password = self.credentials
        kept = None if again else _sessions.get((self.url, handle))
        if kept:
            self.client.login(session_string=kept, fetch_bsky_profile=False)
        else:
            login = partial(self.client.login, handle, password, fetch_bsky_profile=False)
            self.politeness.call(partial(_attempt, login, None, self._refusal()))
            self._fresh = True
        self._keep_session()
        self._logged_in = True

    def _keep_session(self) -> None:
        """Keep the session for this process; its tokens are secrets from now on, scrubbed
        from whatever is shown."""
        assert self.credentials is not None
        session = self.client.export_session_string()
        _sessions[(self.url, self.credentials[0])] = session
        for part in session.split(":::"):
            if len(part) > 40 and not part.startswith(("did:", "http")):
                remember_secret(part)

    def _fetch(self, nsid: str, params: Any, expect: str) -> Reply:
        return _attempt(partial(self.client.invoke_query, nsid, params=params), expect,
                        self._refusal())

    def _refusal(self) -> str:
        """How a refusal reads, `{}` standing for the status and the XRPC error."""
        if self.credentials is None:
            return (f"Bluesky asks for a login ({{}}): set {HANDLE_VAR} and {PASSWORD_VAR} "
                    "(an app password) to search it.")
        return (f"Bluesky refused the login ({{}}): set {PASSWORD_VAR} (for {HANDLE_VAR}) "
                "to a valid app password.")


def _attempt(call: Callable[[], Any], expect: str | None, refusal: str) -> Reply:
    """One SDK call in the terms of `Politeness`; a refused credential is one sentence."""
    try:
        result = call()
    except (exceptions.InvokeTimeoutError, httpx.TransportError) as exc:
        raise Transient(type(exc).__name__) from None
    except exceptions.RequestErrorBase as exc:
        response = exc.response
        if response is None:
            raise Transient(type(exc).__name__) from None
        error = _error_name(response.content)
        if response.status_code in (401, 403) or error in AUTH_ERRORS:
            what = f"{response.status_code} {error}" if error else str(response.status_code)
            raise AuthError(refusal.format(what)) from None
        return Reply(response.status_code, response.headers, _error_body(response.content))
    except ValueError:  # a page cut short: its JSON does not parse
        raise Transient("a malformed page") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"Bluesky could not be reached ({type(exc).__name__}).") from None
    except AtProtocolError as exc:  # e.g. a session token the SDK cannot read
        raise SourceError(f"Bluesky sent what the atproto SDK cannot use "
                          f"({type(exc).__name__}).") from None
    if not isinstance(result, Response):
        return Reply(200, {})
    body = result.content
    if expect and not (isinstance(body, dict) and isinstance(body.get(expect), list)):
        raise Transient("a malformed page")
    return Reply(result.status_code, result.headers, body)


def _error_name(content: Any) -> str | None:
    name = getattr(content, "error", None)
    return name if isinstance(name, str) and name.isidentifier() else None


def _error_body(content: Any) -> Any:
    if isinstance(content, bytes):
        return content.decode("utf-8", "replace")
    if hasattr(content, "error"):
        return {"error": content.error, "message": getattr(content, "message", None)}
    return content


def needs_profile(store: Store, did: str) -> bool:
    """Whether the author has neither a bio nor a follower count yet (getProfiles gives both)."""
    author = store.get_author("bluesky", did)
    return author is None or (author.bio is None and author.followers is None)


class Search:
    """One Bluesky search as a collector: `searchPosts` newest first with its cursor, since the
    last run's newest post, and the profiles of new authors, 25 at a time."""

    platform = "bluesky"
    source = SOURCE

    def __init__(self, xrpc: Xrpc, store: Store, *, tag: str | None, query: str | None) -> None:
        tag = tag.strip().lstrip("#") if tag else None
        if not tag and not (query and query.strip()):
            raise ConfigError("Give a tag or a query to search Bluesky for.")
        self.xrpc, self.store, self.tag = xrpc, store, tag
        self.q = query.strip() if query and query.strip() else f"#{tag}"
        self.name = f"Bluesky #{tag}" if tag and self.q == f"#{tag}" else f"Bluesky {self.q!r}"
        self.key = f"{SEARCH}?q={self.q}" + (f"&tag={tag.lower()}" if tag else "")

    def begin(self, saved: Mapping[str, Any]) -> State:
        return {"since": _since(saved.get("newest")), "cursor": None, "newest": None,
                "pending": []}

    def fetch_page(self, state: State) -> Page:
        params = models.AppBskyFeedSearchPosts.Params(
            q=self.q, tag=[self.tag] if self.tag else None, sort="latest", limit=PAGE_SIZE,
            since=state["since"], cursor=state["cursor"])
        page, url = self.xrpc.query(SEARCH, params, "posts")
        payloads = [(page, url)]
        _, authors = parse_views(page["posts"], [])
        pending = state["pending"] + [a.id for a in authors if a.matched
                                      and a.id not in state["pending"]
                                      and needs_profile(self.store, a.id)]
        cursor = page.get("cursor") if page["posts"] else None
        while len(pending) >= PROFILE_BATCH or (pending and not cursor):
            payloads.append(fetch_profiles(self.xrpc, pending[:PROFILE_BATCH]))
            pending = pending[PROFILE_BATCH:]
        following = {**state, "newest": _newest(state["newest"], page["posts"]),
                     "pending": pending, "cursor": cursor}
        return Page(payloads, following, last=not cursor, cursor=cursor)

    def scrub(self, payload: Any) -> Any:
        """The page without `viewer`: what the logged-in account liked, reposted, muted,
        blocked or follows is the trainee's own business, not the archive's."""
        return without_viewer(payload)

    def parse(self, payload: Any, problems: list[str]) -> tuple[list[Post], list[Author]]:
        if "profiles" in payload:
            return [], parse_profiles(payload["profiles"], problems)
        return parse_views(payload["posts"], problems)

    def end(self, state: State, saved: Mapping[str, Any]) -> State:
        return {"newest": state["newest"] or saved.get("newest")}


def fetch_profiles(xrpc: Xrpc, dids: list[str]) -> tuple[dict[str, Any], str]:
    """One batch of profiles (at most 25), as the server sent it, and its URL."""
    params = models.AppBskyActorGetProfiles.Params(actors=dids)
    return xrpc.query(PROFILES, params, "profiles")


def parse_profiles(profiles: Iterable[Any], problems: list[str]) -> list[Author]:
    """The authors of a getProfiles answer; a profile that cannot be read is left out and said
    in `problems`."""
    return each(profiles, parse_profile, problems, "profile")


def collect(store: Store, archive: RawArchive, *, tag: str | None = None,
            query: str | None = None, max_pages: int | None = None,
            politeness: Politeness | None = None,
            on_page: Callable[[int], None] | None = None) -> CollectReport:
    """Collect the posts with `tag` (and matching `query`) since the last run into the store."""
    xrpc = Xrpc(politeness)
    try:
        search = Search(xrpc, store, tag=tag, query=query)
        return run(search, store, archive, max_pages=max_pages, on_page=on_page)
    finally:
        xrpc.close()


def _newest(newest: str | None, views: Iterable[Any]) -> str | None:
    """The latest sort time seen: the server sorts and filters `since` on about the earlier of
    `createdAt` and `indexedAt`, so a post dated in the future does not move it on."""
    best = datetime.fromisoformat(newest) if newest else None
    for view in views:
        if not isinstance(view, dict) or not isinstance(view.get("record"), dict):
            continue
        times = []
        for value in (view.get("indexedAt"), view["record"].get("createdAt")):
            try:
                times.append(parse_iso(value))
            except (RecordError, TypeError, ValueError):
                continue
        if times and (best is None or min(times) > best):
            best = min(times)
    return best.isoformat() if best else None


def _since(newest: str | None) -> str | None:
    if not newest:
        return None
    moment = datetime.fromisoformat(newest).astimezone(UTC) - SINCE_MARGIN
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def without_viewer(value: Any) -> Any:
    """`value` with every `viewer` object taken out, however deep."""
    if isinstance(value, dict):
        return {k: without_viewer(v) for k, v in value.items() if k != "viewer"}
    if isinstance(value, list):
        return [without_viewer(v) for v in value]
    return value


def forget_in(page: dict[str, Any], post_ids: set[str], author_ids: set[str]) -> dict[str, Any]:
    """A search, Jetstream or profiles page without the forgotten posts and authors."""
    page = dict(page)
    if isinstance(page.get("posts"), list):
        page["posts"] = [v for v in page["posts"] if v.get("uri") not in post_ids
                         and (v.get("author") or {}).get("did") not in author_ids]
    if isinstance(page.get("profiles"), list):
        page["profiles"] = [p for p in page["profiles"] if p.get("did") not in author_ids]
    return page


@dataclass(frozen=True, slots=True)
class BlueskySettings:
    """The community config's `[bluesky]` table; `jetstream` also follows the tags live."""

    tags: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    interval_minutes: float = 15
    jetstream: bool = False


def _watched(community: Community) -> tuple[float, list[Query]]:
    sky = community.table("bluesky", BlueskySettings)
    return sky.interval_minutes, (
        [Query(f"bluesky #{tag}", "Bluesky", {"tag": tag}) for tag in sky.tags]
        + [Query(f"bluesky {query!r}", "Bluesky", {"query": query}) for query in sky.queries])


PLATFORM = LivePlatform(
    "bluesky", "Bluesky", (HANDLE_VAR, PASSWORD_VAR, "MENTORFEED_BLUESKY_URL"), collect,
    auth_hint, lambda: None, _watched, forget_in)
