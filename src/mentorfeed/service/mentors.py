"""The mentor directory: dermatologists and residents (organizations on request) read from the
stored author profiles (`author_profiles`, filled by `service.people.refresh_people`), with
filters and pages done by the store so a large store stays fast. People who opted out are never
listed."""

from __future__ import annotations

from mentorfeed.people.activity import Key
from mentorfeed.people.directory import (
    DIRECTORY_ROLES,
    DirectoryPage,
    DirectoryQuery,
    Mentor,
    PostLink,
)
from mentorfeed.store import Store
from mentorfeed.taxonomy import MENTOR_ROLES

__all__ = ["DIRECTORY_ROLES", "MENTOR_ROLES", "DirectoryPage", "DirectoryQuery", "Key", "Mentor",
           "PostLink", "directory", "opted_out", "person", "posts_by_key",
           "recent_opportunities"]


def directory(store: Store, query: DirectoryQuery) -> DirectoryPage:
    """One page of the directory: the people who engage with trainees most first (with a
    topic, those who write most about it)."""
    return store.directory(query)


def person(store: Store, platform: str, author_id: str) -> Mentor | None:
    """One stored profile, also for roles the directory does not list; None for people who
    opted out or are not known."""
    return store.mentor(platform, author_id)


def opted_out(store: Store) -> set[Key]:
    """Everyone whose stored profile says they opted out."""
    return store.opted_out()


def posts_by_key(store: Store, keys: list[Key]) -> dict[Key, PostLink]:
    """The stored posts among `keys` (for the links behind a signal or a reason)."""
    return store.post_links(keys)


def recent_opportunities(store: Store, platform: str, author_id: str, *, limit: int = 10
                         ) -> list[PostLink]:
    """The author's latest opportunities (first posts of calls), newest first."""
    return store.recent_opportunities_of(platform, author_id, limit=limit)
