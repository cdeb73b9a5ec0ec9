"""Stored classifications: saving them, finding what is left to classify, and grouping posts
into opportunities (store/listing.py lists them)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Engine,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)

from mentorfeed.models import Classification, Post
from mentorfeed.store import conflicts, revision
from mentorfeed.store.rows import posts_with_authors, to_post, utc
from mentorfeed.store.schema import classifications, post_facets, posts

FACETS = {"label": "labels", "audience": "audience", "contact": "contact", "topic": "topics",
          "form": "form"}


def pages_to_classify(engine: Engine, *, everything: bool, size: int) -> Iterator[list[Post]]:
    """Posts without a classification (or all posts), a page at a time, oldest key first."""
    last = 0
    while True:
        query = posts_with_authors().where(posts.c.pk > last).order_by(posts.c.pk).limit(size)
        if not everything:
            query = query.where(~exists().where(classifications.c.post_pk == posts.c.pk))
        with engine.connect() as conn:
            rows = list(conn.execute(query))
        if not rows:
            return
        yield [to_post(row) for row in rows]
        last = rows[-1]._mapping["pk"]


def save(engine: Engine, rows: Sequence[tuple[tuple[str, str], Classification]]) -> None:
    """Write classifications, replacing earlier ones, with their searchable facets."""
    if not rows:
        return
    now = datetime.now(UTC)
    # Two corrections of one post at once both replace its rows: on PostgreSQL the second
    # can find the first's new row in its way (or wait on it in a deadlock); it tries again.
    conflicts.retrying(lambda: _save(engine, rows, now))


def _save(engine: Engine, rows: Sequence[tuple[tuple[str, str], Classification]],
          now: datetime) -> None:
    with engine.begin() as conn:
        keys = {}
        for platform in {key[0] for key, _ in rows}:
            ids = [key[1] for key, _ in rows if key[0] == platform]
            found = conn.execute(select(posts.c.post_id, posts.c.pk, posts.c.created_at).where(
                posts.c.platform == platform,
                posts.c.post_id.in_(bindparam("ids", expanding=True))), {"ids": ids})
            keys.update({(platform, i): (pk, when) for i, pk, when in found})
        stored = [(keys[key][0], c) for key, c in rows if key in keys]
        times = dict(keys.values())
        pks = [pk for pk, _ in stored]
        conn.execute(delete(post_facets).where(post_facets.c.post_pk.in_(pks)))
        conn.execute(delete(classifications).where(classifications.c.post_pk.in_(pks)))
        conn.execute(insert(classifications), [{
            "post_pk": pk, "model_version": c.model_version, "is_opportunity": bool(c.labels),
            "labels": c.labels, "scores": c.scores, "extract": c.extract, "links": c.links,
            "why": c.why, "deadline": c.deadline, "closes_call": c.closes_call,
            "opportunity_pk": None, "closed": False, "classified_at": now, "margin": c.margin,
            "eligibility": c.eligibility or None,
        } for pk, c in stored])
        facets = [{"post_pk": pk, "facet": facet, "value": value, "created_at": times[pk]}
                  for pk, c in stored for facet, key in FACETS.items()
                  for value in _facet_values(c, key)]
        if facets:
            conn.execute(insert(post_facets), facets)
        revision.bump(conn)


def _facet_values(c: Classification, key: str) -> list[str]:
    value = c.labels if key == "labels" else c.extract.get(key)
    if isinstance(value, str):  # form: one value
        return [value]
    return list(dict.fromkeys(value or ()))


def grouping_rows(engine: Engine) -> list[dict[str, Any]]:
    """Opportunity posts, posts that close a call, reposts, quotes, and replies to one's own
    posts (a thread's follow-ups), with the stored posts each one points at (`refs`)."""
    target = posts.alias("target")
    own_thread = exists().where(target.c.platform == posts.c.platform,
                                target.c.post_id == posts.c.reply_to,
                                target.c.author_id == posts.c.author_id)
    query = (select(posts.c.pk, posts.c.author_id, posts.c.created_at, posts.c.text,
                    posts.c.urls, posts.c.repost_of, classifications.c.is_opportunity,
                    classifications.c.closes_call, classifications.c.deadline,
                    classifications.c.labels, classifications.c.extract)
             .outerjoin(classifications, classifications.c.post_pk == posts.c.pk)
             .where(or_(classifications.c.is_opportunity, classifications.c.closes_call,
                        posts.c.repost_of.is_not(None), posts.c.quote_of.is_not(None),
                        own_thread)))
    refs = select(posts.c.pk, target.c.pk).join(target, and_(
        target.c.platform == posts.c.platform,
        or_(target.c.post_id == posts.c.reply_to, target.c.post_id == posts.c.quote_of,
            target.c.post_id == posts.c.repost_of)))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        links: dict[int, list[int]] = {}
        for source, dest in conn.execute(refs):
            links.setdefault(source, []).append(dest)
    for row in rows:
        row["refs"] = links.get(row["pk"], [])
        row["created_at"] = utc(row["created_at"])
    return rows


def set_groups(engine: Engine, assignments: Sequence[tuple[int, int, bool]],
               lifecycles: Mapping[int, tuple[date | None, str | None, datetime | None]]
               | None = None) -> None:
    """Record (post pk, opportunity pk, closed) for every grouped post, and each member's call's
    (open until, how that was known, event start) from `lifecycles` by opportunity pk."""
    # Two regroupings at once (two corrections) rewrite the same rows: on PostgreSQL one may
    # lose a deadlock to the other; it tries again.
    conflicts.retrying(lambda: _set_groups(engine, assignments, lifecycles or {}))


def _set_groups(engine: Engine, assignments: Sequence[tuple[int, int, bool]],
                lives: Mapping[int, tuple[date | None, str | None, datetime | None]]) -> None:
    with engine.begin() as conn:
        conn.execute(update(classifications).values(
            opportunity_pk=None, closed=False, open_until=None, open_until_basis=None,
            event_at=None))
        if assignments:
            conn.execute(
                update(classifications)
                .where(classifications.c.post_pk == bindparam("pk"))
                .values(opportunity_pk=bindparam("group"), closed=bindparam("is_closed"),
                        open_until=bindparam("until"), open_until_basis=bindparam("basis"),
                        event_at=bindparam("event")),
                [{"pk": pk, "group": group, "is_closed": closed,
                  **dict(zip(("until", "basis", "event"), lives.get(group, (None,) * 3),
                             strict=True))}
                 for pk, group, closed in assignments])
        revision.bump(conn)

