"""Opportunities, not posts: the posts that carry the same call are grouped into one opportunity.

A call reposted, quoted, continued or extended in a reply by its author, cross-posted on another
platform, or re-announced later is one opportunity. It is closed once its author says so (a reply
or quote such as "spots filled, thank you all"); past its deadline it is expired.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from mentorfeed.classify.extract import link_kind

_WORD = re.compile(r"[^\W\d_]{3,}")
_NOISE = re.compile(r"https?://\S+|[#@][\w.@-]+")
_CALL_LINKS = {"form", "spreadsheet", "program"}
SAME_AUTHOR_SIMILARITY = 0.5
REANNOUNCE_WITHIN = timedelta(days=120)
CROSS_POST_WITHIN = timedelta(days=30)
CROSS_POST_SIMILARITY = 0.7


@dataclass(slots=True)
class Item:
    """What grouping needs to know about one stored post."""

    pk: int
    author_id: str | None
    created_at: datetime
    text: str
    urls: list[str] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)  # pks it replies to, quotes or reposts
    is_repost: bool = False
    is_opportunity: bool = False
    closes_call: bool = False
    deadline: date | None = None


@dataclass(slots=True)
class Group:
    pk: int  # the opportunity's first post
    members: list[int]
    deadline: date | None
    closed: bool

    def state(self, today: date) -> str:
        if self.closed:
            return "closed"
        if self.deadline is not None and self.deadline < today:
            return "expired"
        return "open"


class _Sets:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(_NOISE.sub(" ", text)))


def _similar(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    return bool(a) and bool(b) and len(a & b) / len(a | b) >= threshold


def group(items: Sequence[Item]) -> list[Group]:
    """Group opportunity posts, and the posts that repost, quote or close them."""
    by_pk = {i.pk: i for i in items}
    sets = _Sets()
    opportunities = [i for i in items if i.is_opportunity]
    # Reposts, quotes and the author's own replies belong to what they point at.
    for item in items:
        for ref in item.refs:
            target = by_pk.get(ref)
            if target is None:
                continue
            same_author = target.author_id is not None and target.author_id == item.author_id
            # Reposts and quotes of a call, and the author's own thread around it (follow-ups,
            # extensions, "spots filled") belong to it.
            if item.is_repost or same_author or (target.is_opportunity and (
                    item.is_opportunity or item.closes_call)):
                sets.union(item.pk, target.pk)
    # The same call link in two opportunity posts: a cross-post or a re-announcement.
    by_link: dict[str, int] = {}
    for item in opportunities:
        for url in item.urls:
            if link_kind(url) in _CALL_LINKS:
                key = url.split("?", 1)[0].rstrip("/").lower()
                if key in by_link:
                    sets.union(item.pk, by_link[key])
                else:
                    by_link[key] = item.pk
    # The same author announcing much the same call again.
    by_author: dict[str, list[Item]] = defaultdict(list)
    for item in opportunities:
        if item.author_id:
            by_author[item.author_id].append(item)
    for posts in by_author.values():
        words = [_words(p.text) for p in posts]
        for i, first in enumerate(posts):
            for j in range(i + 1, len(posts)):
                close_in_time = abs(posts[j].created_at - first.created_at) <= REANNOUNCE_WITHIN
                if close_in_time and _similar(words[i], words[j], SAME_AUTHOR_SIMILARITY):
                    sets.union(first.pk, posts[j].pk)
    # The same text under another account (a cross-post on a second platform): its longest
    # words, which survive a handle or hashtag changed for the other platform, are the same.
    by_signature: dict[tuple[str, ...], Item] = {}
    for item in opportunities:
        vocabulary = _words(item.text)
        if len(vocabulary) < 6:
            continue
        signature = tuple(sorted(sorted(vocabulary, key=lambda w: (-len(w), w))[:6]))
        earlier = by_signature.get(signature)
        if earlier and abs(item.created_at - earlier.created_at) <= CROSS_POST_WITHIN and \
                _similar(vocabulary, _words(earlier.text), CROSS_POST_SIMILARITY):
            sets.union(item.pk, earlier.pk)
        by_signature[signature] = item
    return _collect(items, sets)


def _collect(items: Sequence[Item], sets: _Sets) -> list[Group]:
    members: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        members[sets.find(item.pk)].append(item)
    groups = []
    for posts in members.values():
        calls = [p for p in posts if p.is_opportunity]
        if not calls:
            continue
        first = min(calls, key=lambda p: (p.created_at, p.pk))
        authors = {p.author_id for p in calls if p.author_id}
        deadlines = [p.deadline for p in calls if p.deadline]
        closed = any(p.closes_call and p.author_id in authors for p in posts)
        groups.append(Group(first.pk, sorted(p.pk for p in posts),
                            max(deadlines) if deadlines else None, closed))
    return groups
