"""What one post says about its author, read once per post and kept in the store: the topics it
names, how it describes its author (role evidence), and a few flags (an offer to answer
questions, a word on capacity, an opt-out, a journal-club answer, a question, a statement that
may describe a background). Profiles are then sums over these, so a store that grows by a few
posts re-reads only those posts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context

from mentorfeed.classify.rules import CUES
from mentorfeed.classify.topics import Gated, present, topics_in
from mentorfeed.models import normalize_tag
from mentorfeed.people.roles import (
    BACKGROUND_STRINGS,
    POST_STRINGS,
    may_state_background,
    post_evidence,
)

# Bump when what a post's traits hold changes: stored traits of another version are re-read.
VERSION = "t1"

OFFER, FULL, OPEN, OPT_OUT, JC_ANSWER, ASKS, MAY_STATE_BACKGROUND = (1 << i for i in range(7))

# An author who carries one of these in their bio or a post is never suggested as a mentor.
OPT_OUT_HASHTAG = "nomentorfeed"
OPT_OUT_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"#nomentorfeed\b"),
    re.compile(r"(?:\bi'?m |\bi am |^|[|.•·!]\s*)not a mentor\b"),
    re.compile(r"\bplease (?:don'?t|do not) (?:suggest|recommend|list|tag) me\b"),
    re.compile(r"\b(?:don'?t|do not) (?:suggest|recommend) me as a mentor\b"),
    re.compile(r"\bno (?:mentoring|mentorship|mentee) requests\b"),
)

_ANSWER_NUMBERS = tuple(f"a{n}" for n in range(1, 10))
_JC_ANSWER = re.compile(r"^(?:@\S+\s+)*a[1-9]\b|[\s(]a[1-9]\b"
                        r"(?:\s*[:.)\-\u2013\u2014(]|\s+(?:from|late|here|for)\b)")
_JC_TAG = re.compile(r"jc$|journalclub$|tweetchat$")
OFFER_GATE = re.compile(r"\bdms?\b|happy to|\bama\b|ask me|office hours|questions? about|"
                        r"q&a|q & a|coffee chat|reach out|message me|info(?:rmation)? session|"
                        r"webinar|panel|virtual (?:chat|session)")
_OFFER_CONTACT = re.compile(r"\bdms? (?:are |is )?(?:open|welcome)|\b(?:dm|message) me\b|"
                            r"\breach out\b|\bask me\b")
FULL_PATTERN = re.compile(
    r"\bno (?:more|new) (?:mentees|students)\b|\bdms? (?:are |is )?(?:now )?closed\b|"
    r"\bat (?:full )?capacity\b|\bnot (?:taking|accepting) (?:on )?(?:any )?(?:new |more )?"
    r"(?:mentees|students)\b|\bcan'?t take (?:on )?(?:any )?more (?:mentees|students)\b|"
    r"\b(?:my )?mentee (?:spots?|slots?) (?:are |is )?(?:full|filled)\b|\bi'?m full\b")
_OPEN = re.compile(
    r"\bdms? (?:are |is )?(?:open|welcome)\b|\b(?:taking|accepting) (?:on )?(?:new )?"
    r"(?:mentees|students)\b|\b(?:dms|mentoring) (?:are |is )?(?:back )?open again\b")

# The classifier's own cues for "offers to answer questions" and "the call is closed".
_QNA, _CLOSED = (next(cue.pattern for cue in CUES if cue.name == name)
                 for name in ("offer:qna", "neg:closed"))
_GATED_OFFER, _GATED_FULL, _GATED_OPEN = (Gated(p.pattern) for p in (OFFER_GATE, FULL_PATTERN,
                                                                       _OPEN))
_GATED_OPT_OUT = tuple(Gated(pattern.pattern) for pattern in OPT_OUT_PATTERNS)
_STRINGS = tuple(sorted(POST_STRINGS | BACKGROUND_STRINGS | _GATED_OFFER.strings
                        | _GATED_FULL.strings | _GATED_OPEN.strings
                        | frozenset().union(*(g.strings for g in _GATED_OPT_OUT))))


@dataclass(slots=True)
class Traits:
    topics: list[str] = field(default_factory=list)
    evidence: list[tuple[str, float, str]] = field(default_factory=list)  # role, weight, phrase
    flags: int = 0


def read_traits(text: str, hashtags: Sequence[str], reply: bool) -> Traits:
    """The traits of one post (its text, hashtags, and whether it is a reply)."""
    lowered = text.lower().replace("\u2019", "'")
    found = present(lowered, _STRINGS)
    flags = 0
    if _GATED_OFFER.search(lowered, found) and is_offer(lowered):
        flags |= OFFER
    if statement(_GATED_FULL.pattern(found), lowered):
        flags |= FULL
    elif statement(_GATED_OPEN.pattern(found), lowered):
        flags |= OPEN
    tags = [normalize_tag(tag) for tag in hashtags]
    if opts_out(lowered, found) or OPT_OUT_HASHTAG in tags:
        flags |= OPT_OUT
    if _is_jc_answer(lowered, tags, reply):
        flags |= JC_ANSWER
    if "?" in text:
        flags |= ASKS
    if may_state_background(lowered, found):
        flags |= MAY_STATE_BACKGROUND
    return Traits(topics_in(text, hashtags), post_evidence(lowered, found), flags)


def read_many(posts: Sequence[tuple[str, Sequence[str], bool]], *, workers: int | None = None,
              parallel_from: int = 20_000) -> Iterator[Traits]:
    """Traits of many posts, in order; on several processes when there are enough posts for it
    to pay (`parallel_from`)."""
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2 or len(posts) < parallel_from:
        for post in posts:
            yield read_traits(*post)
        return
    size = max(200, min(2_000, len(posts) // (workers * 4)))
    chunks = [posts[i:i + size] for i in range(0, len(posts), size)]
    with get_context("fork" if os.name == "posix" else "spawn").Pool(workers) as pool:
        for chunk in pool.imap(_read_chunk, chunks):
            yield from chunk


def _read_chunk(posts: Sequence[tuple[str, Sequence[str], bool]]) -> list[Traits]:
    return [read_traits(*post) for post in posts]


def statement(pattern: re.Pattern[str] | None, lowered: str) -> bool:
    """Whether the pattern occurs in a sentence that is not a question."""
    for match in pattern.finditer(lowered) if pattern else ():
        end = re.search(r"[.!?\n]", lowered[match.end():])
        if end is None or end.group() != "?":
            return True
    return False


def is_offer(lowered: str) -> bool:
    if _CLOSED.search(lowered):
        return False
    return bool(_QNA.search(lowered) or _OFFER_CONTACT.search(lowered))


def opts_out(lowered: str, found: set[str] | None = None) -> bool:
    found = present(lowered, _STRINGS) if found is None else found
    return any(gated.search(lowered, found) for gated in _GATED_OPT_OUT)


def _is_jc_answer(lowered: str, tags: list[str], reply: bool) -> bool:
    """An "A1: ..." answer, or a reply that carries a journal club's hashtag."""
    numbered = any(number in lowered for number in _ANSWER_NUMBERS)
    return (numbered and bool(_JC_ANSWER.search(lowered))) or (
        reply and any(_JC_TAG.search(tag) for tag in tags))
