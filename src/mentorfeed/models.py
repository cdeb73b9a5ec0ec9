"""The shared data model: every source turns its payloads into posts and authors, the
classifier says what each post is, and the store lists them as opportunities."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from mentorfeed.taxonomy import Platform

if TYPE_CHECKING:
    from mentorfeed.people.directory import LinkedAccount

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
class PostVersion:
    """One version of an edited post: X gives each edit an id of its own."""

    id: str
    position: int  # its place in the edit chain, 0 for the original
    text: str
    created_at: datetime


@dataclass(slots=True)
class Post:
    """A public post. Identity is (platform, id); a repost has no text of its own.

    An edited X post is one post whose id is the first of its edit chain: it holds its newest
    version (`version_id`, `edit_position`), and `versions` carries the versions a record gave
    so that the store keeps the older ones as history."""

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
    version_id: str | None = None  # the id of this version, when the post was edited
    edit_position: int = 0
    versions: list[PostVersion] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.origin == "match"

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.id)

    def own_version(self) -> PostVersion:
        return PostVersion(self.version_id or self.id, self.edit_position, self.text,
                           self.created_at)


# -- which of two records of one post keeps its text ------------------------------------------

# A rank's weight for the place in the edit chain: a newer version beats every quality below.
EDIT_WEIGHT = 8
# A post cut short with "…", the link to itself after it if any (v1.1 `truncated` texts).
_TRUNCATED = re.compile(r"…\s*(?:https?://\S+)?\s*$")
_ESCAPED = re.compile(r"&(?:amp|lt|gt|quot|apos|#39|#x27);")
# Sources that give a copy of a record, flattened: any full record of the same post wins.
_COPIES = frozenset({"csv"})


def text_rank(post: Post, source: str) -> int:
    """How good a record's text is, the one rule every merge of two records of a post uses:
    the newer version of an edited post, then a full text over one cut with "…", then plain
    text over HTML-escaped text, then an API or archive record over a CSV row. Of two records
    of equal rank the longer text wins."""
    text = post.text
    return (post.edit_position * EDIT_WEIGHT
            + (0 if _TRUNCATED.search(text) else 4)
            + (0 if "&" in text and _ESCAPED.search(text) else 2)
            + (0 if source in _COPIES else 1))


def better_text(new: Post, new_source: str, old: Post, old_source: str) -> bool:
    """Whether `new` carries a better text than `old` (see `text_rank`)."""
    return (text_rank(new, new_source), len(new.text)) > (text_rank(old, old_source),
                                                           len(old.text))


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
    accounts: list[LinkedAccount] = field(default_factory=list)  # the person's other accounts

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
    # Who may take the call (classify/eligibility.py, stored form); {} when anyone may.
    eligibility: dict[str, Any] = field(default_factory=dict)

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
    state: str = "open"  # open, closed (its author said so) or expired (past `open_until`)
    # The last day a trainee can act on it, and how that is known: stated (a deadline), event
    # (a day its text names) or estimated (a period or a lifetime; classify/lifecycle.py).
    open_until: date | None = None
    open_until_basis: str | None = None
