"""The shared data model: every source turns its payloads into posts and authors, the
classifier says what each post is, and the store lists them as opportunities."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from mentorfeed.taxonomy import Platform

# Why a post is in the store: it matched the collection, or it came along as context.
Origin = Literal["match", "replied_to", "quoted", "reposted", "context"]


# A reference to a post by its `local_ref` (see `Post`), for a source that names a post's
# parent only that way: the store points the reference at the parent's id once the parent is
# stored (`Store.resolve_references`), and never lets it replace a resolved one.
BY_LOCAL_REF = "local:"


# `repost_of` of a repost whose original the source does not name (an X archive's "RT @user: ...").
# It is still a repost, not its author's own words, and it keeps the text it quotes; a record that
# names the original replaces it.
UNKNOWN_ORIGINAL = "unknown"


def by_local_ref(local_ref: str) -> str:
    """A `reply_to` naming the parent by its `local_ref`, until the parent is stored."""
    return f"{BY_LOCAL_REF}{local_ref}"


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
    # How replies on the same platform may name this post when they cannot give its id
    # (Mastodon: "<server>:<id>"); see `by_local_ref`.
    local_ref: str | None = None

    @property
    def matched(self) -> bool:
        return self.origin == "match"

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.id)


# -- figures the store counts for the Insights page ------------------------------------------

@dataclass(slots=True)
class LabelsInMonth:
    """How many opportunities started in one month with exactly this list of labels."""

    year: int
    month: int
    labels: list[str]
    count: int


@dataclass(slots=True)
class TopicCount:
    topic: str
    opportunities: int


@dataclass(slots=True)
class EngagedMentor:
    platform: str
    author_id: str
    handle: str
    name: str | None
    role: str
    trainee_replies: int
    jc_answers: int
    offers: int
    opportunities: int  # opportunity posts (the profile's `calls`)
    last_active: datetime | None

    @property
    def engagement(self) -> int:
        return self.trainee_replies + self.jc_answers


@dataclass(slots=True)
class Example:
    platform: str
    post_id: str
    url: str | None
    text: str
    created_at: datetime
    handle: str | None
    score: float


# -- what the trainee keeps -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SavedItem:
    """An opportunity the trainee saved, with its status and note."""

    opportunity_id: str  # "platform:post_id"
    platform: str
    post_id: str
    status: str
    note: str
    saved_at: datetime
    updated_at: datetime
    # What the list shows of the post (the saved row keeps none of it: forgetting a post
    # must forget it here too).
    text: str = ""
    url: str | None = None
    created_at: datetime | None = None
    author_handle: str | None = None
    labels: tuple[str, ...] = ()
    deadline: date | None = None
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
