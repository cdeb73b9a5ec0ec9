"""The idempotent upserts for posts and authors, and the rows they take.

Rows are tuples in table-column order. SQLite gets them already encoded (JSON text, UTC
timestamps as text) and runs the compiled statement through the driver, because SQLAlchemy's
per-row processing costs more than SQLite's own work; PostgreSQL gets Python values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Table, and_, case, func, literal_column, or_

from mentorfeed.models import BY_LOCAL_REF, EDIT_WEIGHT, UNKNOWN_ORIGINAL, Author, Post, text_rank
from mentorfeed.store.schema import authors, posts

POST_KEYS = tuple(c.name for c in posts.c if c.name != "pk")
AUTHOR_KEYS = tuple(c.name for c in authors.c if c.name != "pk")


def dumps(value: Any) -> str:
    """JSON text; NUL characters (refused by PostgreSQL's jsonb) become U+FFFD."""
    data = orjson.dumps(value)
    if b"\\u0000" in data:
        data = orjson.dumps(_without_nul(value))
    return data.decode()


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


class Encoding:
    """How values are handed to the driver: as Python objects, or encoded for SQLite."""

    def __init__(self, json: Callable[[Any], Any], timestamp: Callable[[datetime], Any]) -> None:
        self.json = json
        self.timestamp = timestamp


def _json_text(value: Any) -> str | None:
    return None if value is None else dumps(value)


def sqlite_timestamp(value: datetime) -> str:
    """The text form SQLAlchemy's SQLite DateTime type reads and writes (UTC, no offset)."""
    return value.astimezone(UTC).isoformat(sep=" ", timespec="microseconds")[:26]


PYTHON = Encoding(json=lambda v: v, timestamp=lambda v: v)
SQLITE = Encoding(json=_json_text, timestamp=sqlite_timestamp)


def post_values(post: Post, source: str, now: Any, enc: Encoding) -> tuple[Any, ...]:
    """One post as a row in POST_KEYS order."""
    json = enc.json
    return (
        post.platform, post.id, post.url, post.author_id, post.text,
        enc.timestamp(post.created_at), post.lang, json(post.hashtags),
        json([{"handle": m.handle, "id": m.id} for m in post.mentions]), json(post.urls),
        post.reply_to, post.reply_to_author, post.quote_of, post.repost_of,
        post.conversation_id, post.local_ref, json(post.metrics or None), post.origin, source,
        json(post.raw), now, now, text_rank(post, source), post.version_id,
    )


def author_values(author: Author, now: Any, enc: Encoding) -> tuple[Any, ...]:
    """One author as a row in AUTHOR_KEYS order."""
    return (author.platform, author.id, author.handle, author.name, author.bio,
            author.followers, author.url, author.matched, enc.json(author.raw), now)


def _text(value: str) -> Any:
    return literal_column("'" + value.replace("'", "''") + "'")


def author_upsert(insert: Callable[[Table], Any]) -> Any:
    """Newest handle; other fields refreshed when the payload has them; matched only grows."""
    stmt = insert(authors)
    new = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[authors.c.platform, authors.c.author_id],
        set_={
            "handle": new.handle,
            "name": func.coalesce(new.name, authors.c.name),
            "bio": func.coalesce(new.bio, authors.c.bio),
            "followers": func.coalesce(new.followers, authors.c.followers),
            "url": func.coalesce(new.url, authors.c.url),
            "matched": or_(authors.c.matched, new.matched),
            "raw": func.coalesce(new.raw, authors.c.raw),
            "updated_at": new.updated_at,
        },
    )


def post_upsert(insert: Callable[[Table], Any]) -> Any:
    """Metrics refreshed; the better text wins (`models.text_rank`, then the longer: the
    newest version of an edited post, a full text over a cut one) and brings its entities,
    link and version; the first time stays; references are filled in, never lost; a post seen
    as a match stays a match."""
    stmt = insert(posts)
    new = stmt.excluded
    better = or_(new.text_rank > posts.c.text_rank,
                 and_(new.text_rank == posts.c.text_rank,
                      func.length(new.text) > func.length(posts.c.text)))
    # The place in the edit chain (a literal: the SQLite statement takes only the row's values).
    weight: Any = literal_column(str(EDIT_WEIGHT))
    not_older = new.text_rank >= posts.c.text_rank - posts.c.text_rank % weight

    def newer_if_better(column: str) -> Any:
        return case((better, getattr(new, column)), else_=getattr(posts.c, column))

    def keep_or_fill(column: str) -> Any:
        return func.coalesce(getattr(posts.c, column), getattr(new, column))

    web_link = _text("%/i/web/%")
    return stmt.on_conflict_do_update(
        index_elements=[posts.c.platform, posts.c.post_id],
        set_={
            "text": newer_if_better("text"),
            "raw": newer_if_better("raw"),
            "hashtags": newer_if_better("hashtags"),
            "mentions": newer_if_better("mentions"),
            "urls": newer_if_better("urls"),
            "text_rank": newer_if_better("text_rank"),
            "version_id": newer_if_better("version_id"),
            # A link with the handle over an /i/web/ one; of an edited post, the newest's.
            "url": case((new.url.like(web_link), func.coalesce(posts.c.url, new.url)),
                        (or_(better, not_older, posts.c.url.is_(None)),
                         func.coalesce(new.url, posts.c.url)),
                        else_=posts.c.url),
            "created_at": case((new.created_at < posts.c.created_at, new.created_at),
                               else_=posts.c.created_at),
            "author_id": keep_or_fill("author_id"),
            "lang": keep_or_fill("lang"),
            "reply_to": case(
                (or_(new.reply_to.is_(None),
                     and_(new.reply_to.like(_text(f"{BY_LOCAL_REF}%")),
                          posts.c.reply_to.is_not(None))), posts.c.reply_to),
                else_=new.reply_to),
            "reply_to_author": keep_or_fill("reply_to_author"),
            "quote_of": keep_or_fill("quote_of"),
            "repost_of": case((posts.c.repost_of == _text(UNKNOWN_ORIGINAL),
                               func.coalesce(new.repost_of, posts.c.repost_of)),
                              else_=keep_or_fill("repost_of")),
            "conversation_id": keep_or_fill("conversation_id"),
            "local_ref": keep_or_fill("local_ref"),
            "metrics": func.coalesce(new.metrics, posts.c.metrics),
            "origin": case((new.origin == _text("match"), _text("match")),
                           else_=posts.c.origin),
            "updated_at": new.updated_at,
        },
    )
