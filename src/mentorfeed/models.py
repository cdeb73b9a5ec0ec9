"""The shared data model: every source turns its payloads into these."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from mentorfeed.taxonomy import Platform

# Why a post is in the store: it matched the collection, or it came along as context.
Origin = Literal["match", "replied_to", "quoted", "reposted", "context"]


def normalize_tag(tag: str) -> str:
    """The form hashtags are compared in: without '#', NFC, case-folded."""
    return unicodedata.normalize("NFC", tag.lstrip("#")).casefold()


@dataclass(slots=True)
class Author:
    """A public account. Identity is (platform, id)."""

    platform: Platform
    id: str
    handle: str
    name: str | None = None
    bio: str | None = None
    followers: int | None = None
    url: str | None = None
    matched: bool = False
    raw: dict[str, Any] | None = None


@dataclass(slots=True)
class Mention:
    handle: str | None
    id: str | None = None


@dataclass(slots=True)
class Post:
    """A public post. Identity is (platform, id); a repost has no text of its own."""

    platform: Platform
    id: str
    url: str | None
    author_id: str | None
    text: str
    created_at: datetime
    lang: str | None = None
    hashtags: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    reply_to: str | None = None
    reply_to_author: str | None = None
    quote_of: str | None = None
    repost_of: str | None = None
    conversation_id: str | None = None
    metrics: dict[str, int] = field(default_factory=dict)
    origin: Origin = "match"
    raw: dict[str, Any] = field(default_factory=dict)
    author: Author | None = None
    local_ref: str | None = None  # Mastodon: "<server>:<id>", how replies on that server name it

    @property
    def matched(self) -> bool:
        return self.origin == "match"

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.id)
