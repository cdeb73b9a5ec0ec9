"""Stored classifications: saving them, finding what is left to classify, grouping posts into
opportunities, and listing opportunities with filters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from mentorfeed.models import Post
from mentorfeed.store import revision
from mentorfeed.store.rows import posts_with_authors, to_post, utc, where_posted
from mentorfeed.store.schema import classifications, post_facets, posts

FACETS = {"label": "labels", "audience": "audience", "contact": "contact", "topic": "topics",
          "form": "form"}
MEMBERS_AT_ONCE = 10_000  # calls whose posts one query reads (SQLite takes 32,766 parameters)
_member = classifications.alias("member")
# The latest deadline of the call's posts. Members point at their first post (itself too)
# through `opportunity_pk`, indexed with the deadline, so this is an index lookup; a post that
# was never grouped stands alone.
group_deadline: ColumnElement[Any] = func.coalesce(
    select(func.max(_member.c.deadline))
    .where(_member.c.opportunity_pk == classifications.c.post_pk)
    .scalar_subquery(),
    classifications.c.deadline)


@dataclass(slots=True)
class Classification:
    """What the classifier said about a stored post."""

    labels: list[str]
    scores: dict[str, float]
    extract: dict[str, Any]
    links: list[dict[str, str]]
    why: str
    model_version: str
    closes_call: bool = False
    margin: float | None = None  # how near the model came to another answer; None: a person's

    @property
    def deadline(self) -> date | None:
        value = self.extract.get("deadline")
        return date.fromisoformat(value) if value else None


@dataclass(slots=True)
class Opportunity:
    """One call with every post that carries it; `post` is its first post."""

    post: Post
    classification: Classification
    posts: list[Post] = field(default_factory=list)
    deadline: date | None = None
    state: str = "open"  # open, closed (its author said so) or expired (the deadline passed)


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
                    classifications.c.closes_call, classifications.c.deadline)
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


def set_groups(engine: Engine, assignments: Sequence[tuple[int, int, bool]]) -> None:
    """Record (post pk, opportunity pk, closed) for every grouped post."""
    with engine.begin() as conn:
        conn.execute(update(classifications).values(opportunity_pk=None, closed=False))
        if assignments:
            conn.execute(
                update(classifications)
                .where(classifications.c.post_pk == bindparam("pk"))
                .values(opportunity_pk=bindparam("group"), closed=bindparam("is_closed")),
                [{"pk": pk, "group": group, "is_closed": closed}
                 for pk, group, closed in assignments])
        revision.bump(conn)


def opportunities(engine: Engine, *, label: str | None = None, audience: str | None = None,
                  topic: str | None = None, form: str | None = None,
                  platform: str | None = None, state: str | None = None,
                  due_within: int | None = None,
                  since: datetime | None = None, until: datetime | None = None,
                  today: date | None = None, limit: int = 50) -> list[Opportunity]:
    """Opportunities (one per call, newest first) matching the filters."""
    today = today or datetime.now(UTC).date()
    group = func.coalesce(classifications.c.opportunity_pk, classifications.c.post_pk)
    closed: ColumnElement[bool] = classifications.c.closed
    if until is not None:  # as of `until`: a "filled" post written later is not known yet
        closer, closer_post = classifications.alias("closer"), posts.alias("closer_post")
        closed = exists().where(closer.c.opportunity_pk == classifications.c.post_pk,
                                closer.c.closes_call, closer_post.c.pk == closer.c.post_pk,
                                closer_post.c.created_at <= until)
    query = (posts_with_authors()
             .add_columns(classifications, group_deadline.label("group_deadline"),
                          closed.label("closed_then"))
             .join(classifications, classifications.c.post_pk == posts.c.pk)
             .where(classifications.c.is_opportunity, group == classifications.c.post_pk,
                    posts.c.origin == "match"))
    for facet, value in (("label", label), ("audience", audience), ("topic", topic),
                         ("form", form)):
        if value:
            query = query.where(exists().where(
                post_facets.c.post_pk == posts.c.pk, post_facets.c.facet == facet,
                post_facets.c.value == value))
    query = where_posted(query, platform=platform, since=since, until=until)
    if state == "closed":
        query = query.where(closed)
    elif state == "expired":
        query = query.where(~closed, group_deadline < today)
    elif state == "open":
        query = query.where(~closed, or_(group_deadline.is_(None), group_deadline >= today))
    if due_within is not None:
        query = query.where(group_deadline >= today,
                            group_deadline <= today + timedelta(days=due_within))
    query = query.order_by(posts.c.created_at.desc()).limit(limit)
    found: dict[int, Opportunity] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            m = row._mapping
            classification = Classification(m["labels"], m["scores"], m["extract"], m["links"],
                                             m["why"], m["model_version"], m["closes_call"])
            ends = m["group_deadline"]
            state_now = "closed" if m["closed_then"] else (
                "expired" if ends is not None and ends < today else "open")
            found[m["pk"]] = Opportunity(to_post(row), classification, [], ends, state_now)
        heads = list(found)
        for start in range(0, len(heads), MEMBERS_AT_ONCE):
            members = (posts_with_authors()
                       .add_columns(classifications.c.opportunity_pk)
                       .join(classifications, classifications.c.post_pk == posts.c.pk)
                       .where(classifications.c.opportunity_pk.in_(
                           heads[start:start + MEMBERS_AT_ONCE]))
                       .order_by(posts.c.created_at))
            for row in conn.execute(members):
                found[row._mapping["opportunity_pk"]].posts.append(to_post(row))
    for opportunity in found.values():  # the call first, then the others in time order
        others = [p for p in opportunity.posts if p.key != opportunity.post.key]
        opportunity.posts = [opportunity.post, *others]
    return list(found.values())
