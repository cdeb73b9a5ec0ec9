"""The mentor directory: dermatologists and residents (organizations on request) read from the
stored author profiles (`author_profiles`, filled by `service.people.refresh_people`), with
filters and pages done by the store so a large store stays fast. People who opted out are never
listed."""

from __future__ import annotations

from collections.abc import Iterable

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
           "LinkedAccount", "Mentor", "PostLink", "directory", "linked_accounts",
           "linked_accounts_of", "main_account",
           "opted_out", "person", "posts_by_key", "recent_opportunities"]


def directory(store: Store, query: DirectoryQuery) -> DirectoryPage:
    """One page of the directory: the people who engage with trainees most first (with a
    topic, those who write most about it)."""
    found = store.directory(query)
    others = linked_accounts_of(store, [(m.platform, m.author_id) for m in found.items])
    for item in found.items:  # each card shows all of its person's handles
        item.accounts = others.get((item.platform, item.author_id), [])
    return found


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
    return linked_accounts_of(store, [key]).get(key, [])


def linked_accounts_of(store: Store, keys: Iterable[Key]) -> dict[Key, list[LinkedAccount]]:
    """For each of `keys` whose person has other accounts: those accounts, each with the
    reason of the link that joins it. One read of the links and of the accounts' names, so a
    page of cards costs two queries."""
    from mentorfeed.service.accounts import LINKED

    links = store.account_links(LINKED)
    if not links:
        return {}
    near: dict[Key, list[tuple[Key, str]]] = {}
    for one in links:
        near.setdefault(one.a, []).append((one.b, one.reason))
        near.setdefault(one.b, []).append((one.a, one.reason))
    reached_of: dict[Key, dict[Key, str]] = {}
    for key in keys:
        if key not in near:
            continue
        reached: dict[Key, str] = {key: ""}
        frontier = [key]
        while frontier:
            for far, reason in near.get(frontier.pop(), ()):
                if far not in reached:
                    reached[far] = reason
                    frontier.append(far)
        del reached[key]
        reached_of[key] = reached
    named = store.account_names({k for reached in reached_of.values() for k in reached})
    return {key: [LinkedAccount(k[0], k[1], *named.get(k, (k[1], None)), reason)
                  for k, reason in sorted(reached.items())]
            for key, reached in reached_of.items() if reached}


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
