"""`service.people.people` for the web pages, built once per version of the store.

Building profiles and sessions reads every post (seconds on a large store), so the result is
kept on `app.state` and reused while the store's revision (`Store.revision`, one read by key)
is the one it was built at: importing, forgetting, classifying, grouping or correcting bumps it.

On a large store a build takes a while (about a minute and a half on a million posts), so it runs
in a thread of its own: a request waits for it up to `WAIT_SECONDS` after it started (a small
store is done by then, and what was just imported shows at once); after that, the previous view
answers, and the pages say it is being brought up to date (`updating`). Only the first view of
a process always waits.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mentorfeed import service
from mentorfeed.collect.community import Community
from mentorfeed.collect.community import load as load_community
from mentorfeed.config import Settings
from mentorfeed.people.activity import Key, PostRow
from mentorfeed.people.events import Event, upcoming_events
from mentorfeed.people.sessions import Session
from mentorfeed.service.opportunities import store_for


@dataclass(slots=True)
class PeopleView:
    """What the people pages need, computed together."""

    version: int
    people: service.people.People
    community: Community
    posts: dict[Key, PostRow]  # every post by key, for transcripts and reasons' links
    events: list[Event]  # announced sessions starting after `built_at`
    built_at: datetime  # the moment the view describes: `service.people.as_of` the store
    wall: datetime  # when it was built

    def role(self, key: Key | None) -> str:
        profile = self.people.profiles.get(key) if key else None
        return profile.role if profile else "unknown"

    def upcoming(self, now: datetime) -> list[Event]:
        return [e for e in self.events if e.starts > now]

    def session_of(self, keys: Iterable[Key]) -> Session | None:
        """The session a call's posts announce or run (a journal-club card links its
        transcript), if the posts are one's announcements or questions."""
        wanted = set(keys)
        return next((s for s in self.people.sessions
                     if wanted & {*s.announcements, *(q.post for q in s.questions)}), None)

    def as_of(self) -> datetime:
        """`service.people.as_of` without a query: a past collection's moment stays where it
        was, a live store's moves on with the clock."""
        return self.built_at if self.built_at < self.wall else datetime.now(UTC)


_LOCK = threading.Lock()  # guards starting a build: one at a time per app
WAIT_SECONDS = 5.0


@dataclass(slots=True)
class _Build:
    started: float  # time.monotonic()
    done: Future[PeopleView]


def people_view(state: Any, *, now: datetime | None = None) -> PeopleView:
    """The cached view for the app whose `state` holds `settings`; when the store changed, a
    new one (or, while a long build runs, the previous one: see `updating`)."""
    version = store_for(state.settings).revision()
    cached: PeopleView | None = getattr(state, "people_view", None)
    if cached is not None and cached.version == version:
        return cached
    build = _build(state, version, now)
    if cached is None:
        return build.done.result()
    try:
        return build.done.result(timeout=max(0.0, build.started + WAIT_SECONDS -
                                             time.monotonic()))
    except TimeoutError:
        return cached


def warm(state: Any) -> None:
    """Build the first view now, in the caller's thread, unless it is built or being built: a
    served app does this in the background as it starts (web/app.py), so that the first people
    page (journal clubs, mentors) finds it ready instead of reading every post then. A failure
    is left to the first request that needs the view: it builds it again and reports it."""
    with contextlib.suppress(Exception):
        people_view(state)


def updating(state: Any) -> bool:
    """Whether a new view is being built while the previous one answers."""
    build: _Build | None = getattr(state, "people_build", None)
    return build is not None and not build.done.done()


def _build(state: Any, version: int, now: datetime | None) -> _Build:
    """The build running for `state` (whichever version it started for), or a new one."""
    with _LOCK:
        running: _Build | None = getattr(state, "people_build", None)
        if running is not None and not running.done.done():
            return running
        build = _Build(time.monotonic(), Future())
        state.people_build = build

    def work() -> None:
        try:
            view = _new_view(state.settings, version, now)
        except BaseException as error:  # the waiting request reports it; the next one retries
            build.done.set_exception(error)
        else:
            state.people_view = view
            build.done.set_result(view)

    threading.Thread(target=work, name="people-view", daemon=True).start()
    return build


def _new_view(settings: Settings, version: int, now: datetime | None) -> PeopleView:
    # As of the moment the store describes (now, or just after a past collection's last
    # post), like `service.people.match` without `known`, so "for me" ranks as the CLI does.
    wall = now or datetime.now(UTC)
    built_at = now or service.people.as_of(settings)
    community = load_community()
    found = service.people.people(settings, now=built_at, community=community)
    events = upcoming_events(found.activity, now=built_at,
                             hashtags=community.journal_club_hashtags or ("DermJC",),
                             hosts=community.journal_club_hosts)
    return PeopleView(version, found, community, found.activity.by_key(), events, built_at, wall)

