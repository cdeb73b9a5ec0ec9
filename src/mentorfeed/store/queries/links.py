"""The links between one person's accounts: those found in what the accounts publish (replaced
each time the people are rebuilt), those added by hand, and those undone by hand (kept, so that
a link a user undid is not found again); and the raw profiles the finding reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Text, cast, delete, insert, or_, select, update

from mentorfeed.people.activity import Key
from mentorfeed.people.linking import Link, ordered, profile_urls
from mentorfeed.store import revision
from mentorfeed.store.schema import account_links, author_profiles, authors

KINDS = ("found", "manual", "unlinked")


def _where(a: Key, b: Key) -> Any:
    (ap, ai), (bp, bi) = ordered(a, b)
    return ((account_links.c.a_platform == ap) & (account_links.c.a_id == ai)
            & (account_links.c.b_platform == bp) & (account_links.c.b_id == bi))


def links(engine: Engine, kinds: Iterable[str] = KINDS) -> list[Link]:
    """The stored links of these kinds, in order of their accounts."""
    query = (select(account_links).where(account_links.c.kind.in_(list(kinds)))
             .order_by(account_links.c.a_platform, account_links.c.a_id,
                       account_links.c.b_platform, account_links.c.b_id))
    with engine.connect() as conn:
        return [Link((r.a_platform, r.a_id), (r.b_platform, r.b_id), r.reason, r.kind)
                for r in conn.execute(query)]


def save_found(engine: Engine, found: Iterable[Link]) -> int:
    """Replace the found links with these, leaving out the pairs a user linked or undid."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(delete(account_links).where(account_links.c.kind == "found"))
        kept = {((r.a_platform, r.a_id), (r.b_platform, r.b_id))
                for r in conn.execute(select(account_links))}
        rows = [_row(link, "found", now) for link in found if link.pair() not in kept]
        if rows:
            conn.execute(insert(account_links), rows)
    return len(rows)


def set_link(engine: Engine, a: Key, b: Key, *, kind: str, reason: str) -> None:
    """Link two accounts by hand, or undo their link (`kind` "manual" or "unlinked")."""
    with engine.begin() as conn:
        conn.execute(delete(account_links).where(_where(a, b)))
        conn.execute(insert(account_links), [_row(Link(a, b, reason), kind, datetime.now(UTC))])
        revision.bump(conn)


def _row(link: Link, kind: str, now: datetime) -> dict[str, Any]:
    (ap, ai), (bp, bi) = link.pair()
    return {"a_platform": ap, "a_id": ai, "b_platform": bp, "b_id": bi, "kind": kind,
            "reason": link.reason, "updated_at": now}


def raw_profiles(engine: Engine) -> dict[Key, dict[str, Any]]:
    """The profile fields and links of each account whose raw profile shows links beside its
    bio (Mastodon's profile fields, X's entities). A raw profile is kilobytes (an X user
    carries its pinned post, a Mastodon account its emojis and roles) and most show no such
    link, so the database picks the accounts by a look at the text (no JSON parsed) and reads
    out only these two parts of theirs."""
    text = cast(authors.c.raw, Text)
    query = select(authors.c.platform, authors.c.author_id,
                   authors.c.raw["fields"].label("fields"),
                   authors.c.raw["entities"].label("entities")).where(
        authors.c.raw.is_not(None),
        or_(text.like("%expanded_url%"), text.like('%"fields":[{%'),
            text.like('%"fields": [{%')))
    found: dict[Key, dict[str, Any]] = {}
    with engine.connect() as conn:
        for r in conn.execute(query):
            parts = {"fields": r.fields, "entities": r.entities}
            if profile_urls(parts):
                found[(r.platform, r.author_id)] = parts
    return found


def save_persons(engine: Engine, into: dict[Key, Key]) -> None:
    """Mark each merged account with the main account of its person (the rest: none)."""
    with engine.begin() as conn:
        conn.execute(update(author_profiles).values(person_platform=None, person_id=None))
        for (platform, author_id), (main_platform, main_id) in into.items():
            conn.execute(update(author_profiles).where(
                author_profiles.c.platform == platform,
                author_profiles.c.author_id == author_id).values(
                    person_platform=main_platform, person_id=main_id))


def person_of(engine: Engine, key: Key) -> Key | None:
    """The main account of the person `key` belongs to, if it is merged into another."""
    query = select(author_profiles.c.person_platform, author_profiles.c.person_id).where(
        author_profiles.c.platform == key[0], author_profiles.c.author_id == key[1])
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return (row.person_platform, row.person_id) if row and row.person_id else None


def merged(engine: Engine) -> dict[Key, Key]:
    """Every account merged into another, with its person's main account."""
    query = select(author_profiles.c.platform, author_profiles.c.author_id,
                   author_profiles.c.person_platform, author_profiles.c.person_id).where(
        author_profiles.c.person_id.is_not(None))
    with engine.connect() as conn:
        return {(r.platform, r.author_id): (r.person_platform, r.person_id)
                for r in conn.execute(query)}


def names(engine: Engine, keys: Iterable[Key]) -> dict[Key, tuple[str, str | None]]:
    """The handle and profile address of each of these accounts that is stored."""
    wanted = list(keys)
    found: dict[Key, tuple[str, str | None]] = {}
    with engine.connect() as conn:
        for platform in sorted({k[0] for k in wanted}):
            ids = sorted({k[1] for k in wanted if k[0] == platform})
            query = select(authors.c.author_id, authors.c.handle, authors.c.url).where(
                authors.c.platform == platform, authors.c.author_id.in_(ids))
            found.update({(platform, r.author_id): (r.handle, r.url)
                          for r in conn.execute(query)})
    return found
