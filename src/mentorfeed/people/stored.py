"""Keeping people data in the store: each post's traits (so that only new posts are read) and
the author profiles built from them (so that pages and matches need not rebuild them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from mentorfeed.people.activity import Key, PostRow
from mentorfeed.people.profiles import AuthorProfile, Signals
from mentorfeed.people.traits import VERSION
from mentorfeed.store import Store, revision
from mentorfeed.store.rows import utc
from mentorfeed.store.schema import author_profiles, post_traits

_KEPT_POSTS = 50  # supporting posts kept per signal: the newest ones
FORMAT = "p3"     # bump when what a stored profile holds changes: stores then rebuild them


def save_traits(store: Store, rows: Sequence[PostRow], *, batch: int = 20_000) -> int:
    """Store the traits of the given posts (those read from the store that have traits)."""
    fresh = [p for p in rows if p.pk is not None and p.traits is not None]
    with store.engine.begin() as conn:
        for start in range(0, len(fresh), batch):
            chunk = fresh[start:start + batch]
            conn.execute(delete(post_traits).where(
                post_traits.c.post_pk.in_([p.pk for p in chunk])))
            conn.execute(insert(post_traits), [{
                "post_pk": p.pk, "version": VERSION, "topics": p.traits.topics,
                "evidence": [list(e) for e in p.traits.evidence], "flags": p.traits.flags,
            } for p in chunk if p.traits is not None])
    return len(fresh)


def save_profiles(store: Store, profiles: Iterable[AuthorProfile]) -> int:
    """Replace the stored profiles with these."""
    rows = [_row(p) for p in profiles]
    with store.engine.begin() as conn:
        conn.execute(delete(author_profiles))
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(author_profiles), rows[start:start + 20_000])
        revision.bump(conn)  # cards show each author's role
    return len(rows)


def load_profiles(store: Store, *, roles: Sequence[str] | None = None,
                  keys: Iterable[Key] | None = None) -> dict[Key, AuthorProfile]:
    """Stored profiles: all, or those with one of `roles`, or those of `keys`."""
    query = select(author_profiles)
    if roles is not None:
        query = query.where(author_profiles.c.role.in_(list(roles)))
    wanted = set(keys) if keys is not None else None
    if wanted is not None:
        query = query.where(author_profiles.c.author_id.in_({k[1] for k in wanted}))
    with store.engine.connect() as conn:
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
