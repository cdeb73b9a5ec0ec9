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
    LinkedAccount,
    Mentor,
    PostLink,
)
from mentorfeed.store import Store
from mentorfeed.taxonomy import MENTOR_ROLES

__all__ = ["DIRECTORY_ROLES", "MENTOR_ROLES", "DirectoryPage", "DirectoryQuery", "Key",
           "LinkedAccount", "Mentor", "PostLink", "directory", "linked_accounts", "main_account",
           "opted_out", "person", "posts_by_key", "recent_opportunities"]


def directory(store: Store, query: DirectoryQuery) -> DirectoryPage:
    """One page of the directory: the people who engage with trainees most first (with a
    topic, those who write most about it)."""
    return store.directory(query)


def person(store: Store, platform: str, author_id: str) -> Mentor | None:
    """One stored profile, also for roles the directory does not list, with the person's other
    accounts and the reason for each link; None for people who opted out or are not known."""
    found = store.mentor(platform, author_id)
    if found is not None:
        found.accounts = linked_accounts(store, (platform, author_id))
    return found


def main_account(store: Store, platform: str, author_id: str) -> Key | None:
    """The main account of the person this account is merged into (its page is theirs), or
    None for an account that is its person's main one or on its own."""
    return store.person_of((platform, author_id))


def linked_accounts(store: Store, key: Key) -> list[LinkedAccount]:
    """The other accounts of the person whose account is `key`, each with the reason of the
    link that joins it (the person's links, walked out from `key`)."""
    from mentorfeed.service.accounts import LINKED

    links = store.account_links(LINKED)
    reached: dict[Key, str] = {key: ""}
    frontier = [key]
    while frontier:
        here = frontier.pop()
        for one in links:
            for near, far in ((one.a, one.b), (one.b, one.a)):
                if near == here and far not in reached:
                    reached[far] = one.reason
                    frontier.append(far)
    del reached[key]
    if not reached:
        return []
    authors = store.activity_authors()
    return [LinkedAccount(k[0], k[1], authors[k].handle if k in authors else k[1],
                          authors[k].url if k in authors else None, reason)
            for k, reason in sorted(reached.items())]


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
