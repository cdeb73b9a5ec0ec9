"""What the people features read from the store (`Store.activity`): lean rows of posts and
authors (no raw payloads), with the classifier's labels, in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mentorfeed.people.traits import Traits

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
