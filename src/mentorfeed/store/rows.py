"""Turning database rows back into the model's objects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, and_, select

from mentorfeed.models import Author, Mention, Post
from mentorfeed.store.schema import authors, posts


def posts_with_authors() -> Any:
    return select(posts, *[c.label(f"author_{c.name}") for c in authors.c]).outerjoin(
        authors, and_(authors.c.platform == posts.c.platform,
                      authors.c.author_id == posts.c.author_id))


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_author(row: Any, prefix: str = "") -> Author:
    return Author(
        platform=row[f"{prefix}platform"], id=row[f"{prefix}author_id"],
        handle=row[f"{prefix}handle"], name=row[f"{prefix}name"], bio=row[f"{prefix}bio"],
        followers=row[f"{prefix}followers"], url=row[f"{prefix}url"],
        matched=bool(row[f"{prefix}matched"]), raw=row[f"{prefix}raw"])


def to_post(row: Row[Any]) -> Post:
    m = row._mapping
    created = utc(m["created_at"])
    assert created is not None
    return Post(
        platform=m["platform"], id=m["post_id"], url=m["url"], author_id=m["author_id"],
        text=m["text"], created_at=created, lang=m["lang"], hashtags=m["hashtags"],
        mentions=[Mention(x["handle"], x["id"]) for x in m["mentions"]], urls=m["urls"],
        reply_to=m["reply_to"], reply_to_author=m["reply_to_author"], quote_of=m["quote_of"],
        repost_of=m["repost_of"], conversation_id=m["conversation_id"],
        metrics=m["metrics"] or {}, origin=m["origin"], raw=m["raw"], local_ref=m["local_ref"],
        author=to_author(m, "author_") if m["author_pk"] is not None else None,
    )


def where_posted(statement: Any, *, platform: str | None, since: datetime | None,
                 until: datetime | None) -> Any:
    """The filters every listing of posts shares: platform and a date range."""
    if platform:
        statement = statement.where(posts.c.platform == platform)
    if since:
        statement = statement.where(posts.c.created_at >= since)
    if until:
        statement = statement.where(posts.c.created_at < until)
    return statement
