"""What the people features read and keep: lean rows of posts and authors (no raw payloads)
with their labels, each post's traits (so that only new posts are read), and the author
profiles built from them (so that pages and matches need not rebuild them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from mentorfeed.people.activity import AuthorRow, Key, PostRow
from mentorfeed.people.profiles import AuthorProfile, Signals
from mentorfeed.people.traits import VERSION, Traits
from mentorfeed.store import revision
from mentorfeed.store.rows import utc
from mentorfeed.store.schema import author_profiles, authors, classifications, post_traits, posts

_KEPT_POSTS = 50  # supporting posts kept per signal: the newest ones
FORMAT = "p4"     # bump when what a stored profile holds changes: stores then rebuild them


def _key(platform: str, value: str | None) -> Key | None:
    return (platform, value) if value else None


def activity_posts(engine: Engine, chunk: int) -> Iterator[PostRow]:
    """All posts, oldest first, read `chunk` rows at a time to keep memory modest."""
    columns = (posts.c.pk, posts.c.platform, posts.c.post_id, posts.c.url, posts.c.author_id,
               posts.c.created_at, posts.c.text, posts.c.hashtags, posts.c.mentions,
               posts.c.reply_to, posts.c.reply_to_author, posts.c.quote_of, posts.c.repost_of,
               posts.c.conversation_id, posts.c.origin, classifications.c.labels,
               classifications.c.extract, classifications.c.closes_call,
               post_traits.c.topics, post_traits.c.evidence, post_traits.c.flags)
    last = 0
    while True:
        query = (select(*columns)
                 .outerjoin(classifications, classifications.c.post_pk == posts.c.pk)
                 .outerjoin(post_traits, (post_traits.c.post_pk == posts.c.pk)
                            & (post_traits.c.version == VERSION))
                 .where(posts.c.pk > last).order_by(posts.c.pk).limit(chunk))
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            return
        for r in rows:
            platform = r.platform
            created = utc(r.created_at)
            assert created is not None
            yield PostRow(
                key=(platform, r.post_id), url=r.url, author=_key(platform, r.author_id),
                created_at=created, text=r.text, hashtags=r.hashtags or [],
                mentions=r.mentions or [], reply_to=_key(platform, r.reply_to),
                reply_to_author=_key(platform, r.reply_to_author),
                quote_of=_key(platform, r.quote_of), repost_of=_key(platform, r.repost_of),
                conversation=_key(platform, r.conversation_id), labels=r.labels or [],
                extract=r.extract or {}, closes_call=bool(r.closes_call),
                matched=r.origin == "match", pk=r.pk,
                traits=None if r.flags is None else Traits(
                    r.topics, [(role, weight, phrase) for role, weight, phrase in r.evidence],
                    r.flags))
        last = rows[-1].pk


def activity_authors(engine: Engine) -> dict[Key, AuthorRow]:
    query = select(authors.c.platform, authors.c.author_id, authors.c.handle, authors.c.name,
                   authors.c.bio, authors.c.followers, authors.c.url)
    with engine.connect() as conn:
        return {(r.platform, r.author_id): AuthorRow((r.platform, r.author_id), r.handle,
                                                      r.name, r.bio, r.followers, r.url)
                for r in conn.execute(query)}


def save_traits(engine: Engine, rows: Sequence[PostRow], *, batch: int = 20_000) -> int:
    """Store the traits of the given posts (those read from the store that have traits)."""
    fresh = [p for p in rows if p.pk is not None and p.traits is not None]
    with engine.begin() as conn:
        for start in range(0, len(fresh), batch):
            chunk = fresh[start:start + batch]
            conn.execute(delete(post_traits).where(
                post_traits.c.post_pk.in_([p.pk for p in chunk])))
            conn.execute(insert(post_traits), [{
                "post_pk": p.pk, "version": VERSION, "topics": p.traits.topics,
                "evidence": [list(e) for e in p.traits.evidence], "flags": p.traits.flags,
            } for p in chunk if p.traits is not None])
    return len(fresh)


def count_traits(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(post_traits)).scalar_one())


def fingerprint(engine: Engine) -> list[str]:
    """What stored profiles depend on: the store's revision (posts, labels and authors bump
    it), and the code that reads and stores them."""
    return [VERSION, FORMAT, str(revision.current(engine)[revision.COLLECTED])]


def save_profiles(engine: Engine, profiles: Iterable[AuthorProfile]) -> int:
    """Replace the stored profiles with these."""
    rows = [_row(p) for p in profiles]
    with engine.begin() as conn:
        conn.execute(delete(author_profiles))
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(author_profiles), rows[start:start + 20_000])
        revision.bump(conn)  # cards show each author's role
    return len(rows)


def load_profiles(engine: Engine, *, roles: Sequence[str] | None = None,
                  keys: Iterable[Key] | None = None) -> dict[Key, AuthorProfile]:
    """Stored profiles: all, or those with one of `roles`, or those of `keys`."""
    query = select(author_profiles)
    if roles is not None:
        query = query.where(author_profiles.c.role.in_(list(roles)))
    wanted = set(keys) if keys is not None else None
    if wanted is not None:
        query = query.where(author_profiles.c.author_id.in_({k[1] for k in wanted}))
    with engine.connect() as conn:
        found = (_profile(r._mapping) for r in conn.execute(query))
        return {p.key: p for p in found if wanted is None or p.key in wanted}


def _row(profile: AuthorProfile) -> dict[str, Any]:
    signals = profile.signals
    return {
        "platform": profile.key[0], "author_id": profile.key[1], "handle": profile.handle,
        "name": profile.name, "role": profile.role, "role_confidence": profile.role_confidence,
        "role_cues": profile.role_cues, "interests": profile.interests,
        "signals": {
            "calls": signals.calls, "opportunities": signals.opportunities,
            "opportunity_posts": [list(k) for k in signals.opportunity_posts[:_KEPT_POSTS]],
            "recent_opportunities": signals.recent_opportunities,
            "recent_audiences": signals.recent_audiences,
            "trainee_replies": signals.trainee_replies,
            "trainee_reply_posts": [list(k) for k in
                                    signals.trainee_reply_posts[:_KEPT_POSTS]],
            "jc_answers": signals.jc_answers, "offers": signals.offers,
            "answered_questions": signals.answered_questions, "says_full": signals.says_full,
        },
        "background": profile.background, "institution": profile.institution,
        "opted_out": profile.opted_out, "last_active": signals.last_active,
    }


def signals_of(stored: dict[str, Any], last_active: datetime | None) -> Signals:
    """The signals of a stored profile (its `signals` column); what a row lacks (an older
    format) reads as none."""
    return Signals(
        calls=stored.get("calls", 0), opportunities=stored.get("opportunities", {}),
        opportunity_posts=[(p, i) for p, i in stored.get("opportunity_posts", [])],
        recent_opportunities=stored.get("recent_opportunities", {}),
        recent_audiences=stored.get("recent_audiences", {}),
        trainee_replies=stored.get("trainee_replies", 0),
        trainee_reply_posts=[(p, i) for p, i in stored.get("trainee_reply_posts", [])],
        jc_answers=stored.get("jc_answers", 0), offers=stored.get("offers", 0),
        answered_questions=stored.get("answered_questions", 0),
        says_full=bool(stored.get("says_full")), last_active=last_active)


def _profile(row: Any) -> AuthorProfile:
    return AuthorProfile(
        key=(row["platform"], row["author_id"]), handle=row["handle"], name=row["name"],
        role=row["role"], role_confidence=row["role_confidence"], role_cues=row["role_cues"],
        interests=row["interests"], signals=signals_of(row["signals"], utc(row["last_active"])),
        background=row["background"], institution=row["institution"],
        opted_out=row["opted_out"])
