"""The mentor directory in SQL: filters, order and pages over the stored author profiles, so a
large store stays fast. People who opted out are never listed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from mentorfeed.people.activity import Key
from mentorfeed.people.directory import (
    DIRECTORY_ROLES,
    DirectoryPage,
    DirectoryQuery,
    Mentor,
    PostLink,
)
from mentorfeed.store.queries.people import signals_of
from mentorfeed.store.rows import utc
from mentorfeed.store.schema import author_profiles, authors, classifications, posts
from mentorfeed.taxonomy import MENTOR_ROLES


def _signal(name: str) -> ColumnElement[int]:
    return func.coalesce(author_profiles.c.signals[name].as_integer(), 0)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(query: DirectoryQuery) -> list[ColumnElement[bool]]:
    roles = [query.role] if query.role in DIRECTORY_ROLES else list(MENTOR_ROLES)
    found: list[ColumnElement[bool]] = [author_profiles.c.role.in_(roles),
                                        author_profiles.c.opted_out.is_(False),
                                        author_profiles.c.person_id.is_(None)]  # once
    if query.topic:  # as_float: a missing key is NULL on SQLite too (not JSON 'null')
        found.append(author_profiles.c.interests[query.topic].as_float() > 0)
    if query.q and query.q.strip():
        pattern = _like(query.q.strip().lstrip("@"))
        # A person is found by any of their accounts' handles and names (one pass over the
        # merged accounts, not one per profile: `person_*` has no index).
        other = author_profiles.alias("other_account")
        by_other = tuple_(author_profiles.c.platform, author_profiles.c.author_id).in_(
            select(other.c.person_platform, other.c.person_id).where(
                other.c.person_id.is_not(None),
                or_(func.lower(other.c.handle).like(pattern, escape="\\"),
                    func.lower(other.c.name).like(pattern, escape="\\"))))
        found.append(or_(func.lower(author_profiles.c.handle).like(pattern, escape="\\"),
                         func.lower(author_profiles.c.name).like(pattern, escape="\\"),
                         by_other))
    return found


def _joined() -> Any:
    return author_profiles.outerjoin(authors, and_(
        authors.c.platform == author_profiles.c.platform,
        authors.c.author_id == author_profiles.c.author_id))


def _columns() -> tuple[Any, ...]:
    return (author_profiles, authors.c.bio, authors.c.url, authors.c.followers)


def _mentor(r: Any, top_topics: int = 5) -> Mentor:
    interests = r.interests if isinstance(r.interests, dict) else {}
    ranked = sorted(interests.items(), key=lambda item: (-float(item[1] or 0), item[0]))
    return Mentor(r.platform, r.author_id, r.handle, r.name, r.role, float(r.role_confidence),
                  [str(topic) for topic, _ in ranked[:top_topics]],
                  signals_of(r.signals, utc(r.last_active)), r.institution, utc(r.last_active),
                  r.bio, r.url, r.followers)


def directory(engine: Engine, query: DirectoryQuery) -> DirectoryPage:
    """One page of the directory: the people who engage with trainees most first (with a
    topic, those who write most about it)."""
    page, per_page = max(1, query.page), max(1, min(query.per_page, 100))
    engagement = (_signal("trainee_replies") + _signal("jc_answers") + _signal("offers"))
    where = _conditions(query)
    order = [engagement.desc(), author_profiles.c.last_active.desc(),
             author_profiles.c.handle, author_profiles.c.author_id]
    if query.topic:  # who writes most about the topic first
        order.insert(0, author_profiles.c.interests[query.topic].as_float().desc())
    # The page's keys first, from the profiles alone: sorting before the join with `authors`
    # is what keeps a page fast with 100k profiles.
    keys = (select(author_profiles.c.platform, author_profiles.c.author_id).where(*where)
            .order_by(*order).limit(per_page).offset((page - 1) * per_page))
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(author_profiles)
                             .where(*where)).scalar_one()
        stored = conn.execute(select(func.count()).select_from(author_profiles)).scalar_one()
        ranked = [(r.platform, r.author_id) for r in conn.execute(keys)]
        found = {}
        for platform in {k[0] for k in ranked}:
            rows = select(*_columns()).select_from(_joined()).where(
                author_profiles.c.platform == platform,
                author_profiles.c.author_id.in_([k[1] for k in ranked if k[0] == platform]))
            found.update({(r.platform, r.author_id): _mentor(r) for r in conn.execute(rows)})
    items = [found[k] for k in ranked if k in found]
    return DirectoryPage(items, page, per_page, int(total), int(stored))


def person(engine: Engine, platform: str, author_id: str) -> Mentor | None:
    """One stored profile, also for roles the directory does not list; None for people who
    opted out or are not known."""
    query = (select(*_columns()).select_from(_joined())
             .where(author_profiles.c.platform == platform,
                    author_profiles.c.author_id == author_id,
                    author_profiles.c.opted_out.is_(False)))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return _mentor(row, top_topics=10) if row is not None else None


def opted_out(engine: Engine) -> set[Key]:
    """Everyone whose stored profile says they opted out."""
    query = select(author_profiles.c.platform, author_profiles.c.author_id).where(
        author_profiles.c.opted_out.is_(True))
    with engine.connect() as conn:
        return {(r.platform, r.author_id) for r in conn.execute(query)}


def posts_by_key(engine: Engine, keys: list[Key]) -> dict[Key, PostLink]:
    """The stored posts among `keys` (for the links behind a signal or a reason)."""
    found: dict[Key, PostLink] = {}
    for platform in {k[0] for k in keys}:
        ids = [k[1] for k in keys if k[0] == platform]
        query = (select(posts.c.platform, posts.c.post_id, posts.c.url, posts.c.text,
                        posts.c.created_at, classifications.c.labels)
                 .outerjoin(classifications, classifications.c.post_pk == posts.c.pk)
                 .where(posts.c.platform == platform, posts.c.post_id.in_(ids)))
        with engine.connect() as conn:
            for r in conn.execute(query):
                found[(r.platform, r.post_id)] = _link(r)
    return found


def recent_opportunities(engine: Engine, platform: str, author_id: str, *, limit: int = 10
                         ) -> list[PostLink]:
    """The author's latest opportunities (first posts of calls), newest first."""
    group = func.coalesce(classifications.c.opportunity_pk, classifications.c.post_pk)
    query = (select(posts.c.platform, posts.c.post_id, posts.c.url, posts.c.text,
                    posts.c.created_at, classifications.c.labels)
             .join(classifications, classifications.c.post_pk == posts.c.pk)
             .where(posts.c.platform == platform, posts.c.author_id == author_id,
                    classifications.c.is_opportunity.is_(True),
                    group == classifications.c.post_pk)
             .order_by(posts.c.created_at.desc()).limit(limit))
    with engine.connect() as conn:
        return [_link(r) for r in conn.execute(query)]


def _link(r: Any) -> PostLink:
    created = utc(r.created_at)
    assert created is not None
    labels = r.labels if isinstance(r.labels, list) else []
    return PostLink(r.platform, r.post_id, r.url, r.text, created, [str(x) for x in labels])
