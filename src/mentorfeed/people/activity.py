"""What the people features read from the store: lean rows of posts and authors (no raw
payloads), with the classifier's labels, in one pass."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from mentorfeed.people.traits import VERSION, Traits
from mentorfeed.store import Store
from mentorfeed.store.rows import utc
from mentorfeed.store.schema import authors, classifications, post_traits, posts

Key = tuple[str, str]  # (platform, id)


@dataclass(slots=True)
class AuthorRow:
    key: Key
    handle: str
    name: str | None
    bio: str | None
    followers: int | None
    url: str | None


@dataclass(slots=True)
class PostRow:
    key: Key
    url: str | None
    author: Key | None
    created_at: datetime
    text: str
    hashtags: list[str]
    mentions: list[dict[str, str | None]]  # {"handle", "id"} as the platform gave them
    reply_to: Key | None
    reply_to_author: Key | None
    quote_of: Key | None
    repost_of: Key | None
    conversation: Key | None
    labels: list[str] = field(default_factory=list)
    extract: dict[str, Any] = field(default_factory=dict)
    closes_call: bool = False
    matched: bool = True
    pk: int | None = None          # the store's row, when read from one
    traits: Traits | None = None   # what the post says about its author, once read


@dataclass(slots=True)
class Activity:
    """Everything people features need, keyed by (platform, id)."""

    posts: list[PostRow]
    authors: dict[Key, AuthorRow]
    _index: tuple[list[PostRow], int, dict[Key, PostRow]] | None = field(
        default=None, repr=False, compare=False)

    def by_key(self) -> dict[Key, PostRow]:
        """Every post by its key, made once for the current list of posts (a million posts
        take a second); treat it as read-only."""
        made = self._index
        if made is None or made[0] is not self.posts or made[1] != len(self.posts):
            made = self._index = (self.posts, len(self.posts), {p.key: p for p in self.posts})
        return made[2]


def load_activity(store: Store, *, chunk: int = 50_000) -> Activity:
    """All posts (oldest first) and authors, read in chunks to keep memory modest."""
    return Activity(list(_posts(store, chunk)), _authors(store))


def _key(platform: str, value: str | None) -> Key | None:
    return (platform, value) if value else None


def _posts(store: Store, chunk: int) -> Iterator[PostRow]:
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
        with store.engine.connect() as conn:
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


def _authors(store: Store) -> dict[Key, AuthorRow]:
    query = select(authors.c.platform, authors.c.author_id, authors.c.handle, authors.c.name,
                   authors.c.bio, authors.c.followers, authors.c.url)
    with store.engine.connect() as conn:
        return {(r.platform, r.author_id): AuthorRow((r.platform, r.author_id), r.handle,
                                                      r.name, r.bio, r.followers, r.url)
                for r in conn.execute(query)}
