"""One person, one person: the links between a person's accounts on different platforms (found
in what they publish, or set by hand), and the persons they make.

`refresh_people` finds the links each time it rebuilds the profiles and stores them; a link a
user undid (`unlink`) stays undone, one a user added (`link`) stays. The directory, matching and
insights then count each person once under their most active account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError
from mentorfeed.people.activity import Activity, Key
from mentorfeed.people.linking import (
    PLATFORM_NAMES,
    Link,
    account_of,
    find_links,
    merge,
    ordered,
    people,
    pointer_text,
)
from mentorfeed.service.posts import open_store
from mentorfeed.store import Store

if TYPE_CHECKING:
    from mentorfeed.people.profiles import AuthorProfile

__all__ = ["AccountLink", "Link", "LinkChange", "Persons", "account_links", "evaluate", "find",
           "handles", "link", "persons", "unlink"]

LINKED = ("found", "manual")  # the kinds of stored links that join accounts


@dataclass(slots=True)
class Persons:
    """Profiles with each person's accounts merged, and who is who."""

    profiles: dict[Key, AuthorProfile]  # one per person, under the main account
    into: dict[Key, Key]                # merged account -> its person's main account
    accounts: dict[Key, list[Key]]      # main account -> all its accounts, main first
    links: list[Link]

    def main(self, key: Key) -> Key:
        return self.into.get(key, key)


def find(store: Store, activity: Activity) -> list[Link]:
    """Find the links the accounts' published data shows, store them (undone pairs stay
    undone), and return every link that joins accounts now."""
    raw = store.raw_profiles()
    texts: dict[Key, list[str]] = {}
    for post in activity.posts:  # only the posts that may name an account elsewhere
        if post.author is not None and post.repost_of is None and post.text \
                and pointer_text(post.text):
            texts.setdefault(post.author, []).append(post.text)
    accounts = [account_of(row, raw.get(key), texts.get(key, ()))
                for key, row in activity.authors.items()]
    store.save_found_links(find_links(accounts))
    return store.account_links(LINKED)


def persons(profiles: dict[Key, AuthorProfile], links: list[Link],
            activity: Activity | None = None, now: datetime | None = None) -> Persons:
    """The profiles with each linked person made one (under their most active account); with
    the `activity` the profiles were built from (as of `now`, default: its newest post), a call
    cross-posted from two of a person's accounts counts once."""
    groups = people(links)
    posts = activity.by_key() if activity is not None and groups else None
    if posts and now is None:
        now = max(p.created_at for p in posts.values())
    merged, into = merge(profiles, groups, posts, now)
    accounts: dict[Key, list[Key]] = {}
    for group in groups:
        main = next((into[k] for k in group if k in into), None)
        if main is not None:
            accounts[main] = [main, *(k for k in group if k != main and k in profiles)]
    return Persons(merged, into, accounts, links)


@dataclass(slots=True)
class AccountLink:
    """A stored link as the shells show it."""

    a: Key
    b: Key
    a_handle: str
    b_handle: str
    kind: str
    reason: str


def account_links(settings: Settings, *, undone: bool = False) -> list[AccountLink]:
    """The links that join accounts (with `undone`, also those a user undid), with reasons."""
    with open_store(settings) as store:
        found = store.account_links((*LINKED, "unlinked") if undone else LINKED)
        handles = _handles(store, [k for one in found for k in (one.a, one.b)])
    return [AccountLink(one.a, one.b, handles.get(one.a, one.a[1]), handles.get(one.b, one.b[1]),
                        one.kind, one.reason) for one in found]


def handles(settings: Settings) -> dict[Key, list[str]]:
    """For each person with several accounts, under their main account: the other accounts,
    as "platform:handle"."""
    with open_store(settings) as store:
        merged = store.merged_accounts()
        known = _handles(store, list(merged))
    found: dict[Key, list[str]] = {}
    for key, main in sorted(merged.items()):
        found.setdefault(main, []).append(f"{key[0]}:{known.get(key, key[1])}")
    return found


@dataclass(slots=True)
class LinkChange:
    a: Key
    b: Key
    a_handle: str
    b_handle: str
    still_one: bool  # after an unlink: other links still join the two accounts


def unlink(settings: Settings, first: str, second: str) -> LinkChange:
    """Undo the link between two accounts (for good: finding links again keeps it undone), and
    rebuild the profiles so that they count as two people again."""
    return _change(settings, first, second, "unlinked", "undone by hand")


def link(settings: Settings, first: str, second: str) -> LinkChange:
    """Link two accounts as one person by hand, and rebuild the profiles."""
    return _change(settings, first, second, "manual", "linked by hand")


def _change(settings: Settings, first: str, second: str, kind: str, reason: str) -> LinkChange:
    from mentorfeed.service.people import refresh_people

    with open_store(settings) as store:
        a, a_handle = _account(store, first)
        b, b_handle = _account(store, second)
        if a == b:
            raise MentorfeedError(f"{first} and {second} are the same account.")
        store.set_account_link(a, b, kind=kind, reason=reason)
    refresh_people(settings)
    with open_store(settings) as store:
        joined = people(store.account_links(LINKED))
    still = any(a in group and b in group for group in joined)
    return LinkChange(a, b, a_handle, b_handle, still)


def _account(store: Store, spec: str) -> tuple[Key, str]:
    """An account named as "platform:handle", "platform:id" or a handle found on one
    platform only."""
    text = spec.strip().lstrip("@")
    platform, _, rest = text.partition(":")
    known = store.activity_authors()
    if rest and platform in PLATFORM_NAMES:
        wanted = rest.lstrip("@").lower()
        found = [(k, a.handle) for k, a in known.items() if k[0] == platform
                 and wanted in (a.handle.lower(), k[1].lower())]
    else:
        wanted = text.lower()
        found = [(k, a.handle) for k, a in known.items()
                 if wanted in (a.handle.lower(), k[1].lower())]
    if not found:
        raise MentorfeedError(f"No account {spec!r} in the store; name it as platform:handle, "
                              "for example x:DrAdaezeSkin or bluesky:adaeze-derm.bsky.social.")
    if len(found) > 1:
        names = ", ".join(f"{k[0]}:{handle}" for k, handle in found[:5])
        raise MentorfeedError(f"{spec!r} names more than one account ({names}); add the "
                              "platform, as platform:handle.")
    return found[0]


def _handles(store: Store, keys: list[Key]) -> dict[Key, str]:
    known = store.activity_authors()
    return {k: known[k].handle for k in keys if k in known}


def evaluate(settings: Settings, roles_path: Path) -> dict[str, Any]:
    """The found links against a roles file's `same_person_as` (one JSON object per line:
    platform, id, same_person_as: the other account's id): precision, recall, the wrong and
    the missed pairs."""
    with open_store(settings) as store:
        found = {one.pair(): one for one in store.account_links(("found",))}
        known = store.activity_authors()
    ids = {k[1]: k for k in known}
    gold: set[tuple[Key, Key]] = set()
    for line in roles_path.read_text(encoding="utf-8").splitlines():
        row = orjson.loads(line) if line.strip() else {}
        other = ids.get(str(row.get("same_person_as") or ""))
        if other is not None:
            gold.add(ordered((row["platform"], str(row["id"])), other))
    right = len(found.keys() & gold)

    def named(pair: tuple[Key, Key]) -> str:
        return " = ".join(f"{k[0]}:{known[k].handle if k in known else k[1]}" for k in pair)

    return {"found": len(found), "expected": len(gold), "right": right,
            "precision": round(right / len(found), 4) if found else 1.0,
            "recall": round(right / len(gold), 4) if gold else 1.0,
            "wrong": [f"{named(p)}: {found[p].reason}" for p in sorted(found.keys() - gold)],
            "missed": [named(p) for p in sorted(gold - found.keys())]}
