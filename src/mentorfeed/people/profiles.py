"""Author profiles: who each author is (role), what they post about (interests), how they
behave towards trainees (signals), and what they state about themselves (background).

Built in one pass over the posts plus one over the replies, so 1M posts take well under two
minutes (benchmarks/people.py). Nothing here guesses a background: see roles.py.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mentorfeed.classify.rules import CUES
from mentorfeed.classify.topics import Gated, present, topics_in
from mentorfeed.models import normalize_tag
from mentorfeed.people.activity import Activity, AuthorRow, Key
from mentorfeed.people.roles import (
    BACKGROUND_STRINGS,
    POST_STRINGS,
    TRAINEES,
    detect_role,
    may_state_background,
    post_evidence,
    stated_background,
)

HALF_LIFE_DAYS = 365.0  # a post a year old counts half as much towards interests
BIO_INTEREST = 1.0      # a topic named in the bio counts like one post from today

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
_OFFER_GATE = re.compile(r"\bdms?\b|happy to|\bama\b|ask me|office hours|questions? about|"
                         r"q&a|q & a|coffee chat|reach out|message me|info(?:rmation)? session|"
                         r"webinar|panel|virtual (?:chat|session)")
_OFFER_CONTACT = re.compile(r"\bdms? (?:are |is )?(?:open|welcome)|\b(?:dm|message) me\b|"
                            r"\breach out\b|\bask me\b")
_FULL = re.compile(
    r"\bno (?:more|new) (?:mentees|students)\b|\bdms? (?:are |is )?(?:now )?closed\b|"
    r"\bat (?:full )?capacity\b|\bnot (?:taking|accepting) (?:on )?(?:any )?(?:new |more )?"
    r"(?:mentees|students)\b|\bcan'?t take (?:on )?(?:any )?more (?:mentees|students)\b|"
    r"\b(?:my )?mentee (?:spots?|slots?) (?:are |is )?(?:full|filled)\b|\bi'?m full\b")
_OPEN = re.compile(
    r"\bdms? (?:are |is )?(?:open|welcome)\b|\b(?:taking|accepting) (?:on )?(?:new )?"
    r"(?:mentees|students)\b|\b(?:dms|mentoring) (?:are |is )?(?:back )?open again\b")
_REGION = (r"(?:\s+(?:in|on) (?:the )?(northeast|northwest|southeast|southwest|midwest|south|"
           r"north|west coast|east coast|mountain west|pacific nw|great lakes))?")
_INSTITUTION = re.compile(
    r"(?:@|\bat)\s+(?:an?\s+|the\s+|our\s+)?((?:[\w'\u2019-]+\s+){0,3}?(?:program|center|centre|"
    r"hospital|university|school|college|institute|practice|u)\b)" + _REGION
    + r"|\b((?:private|community) practice|safety-net hospital|children'?s hospital|"
      r"academic (?:medical )?center|public (?:university|med school|hospital))\b" + _REGION)

# The classifier's own cues for "offers to answer questions" and "the call is closed".
_QNA, _CLOSED = (next(cue.pattern for cue in CUES if cue.name == name)
                 for name in ("offer:qna", "neg:closed"))
_GATED_OFFER, _GATED_FULL, _GATED_OPEN = Gated(_OFFER_GATE.pattern), Gated(_FULL.pattern), \
    Gated(_OPEN.pattern)
_GATED_OPT_OUT = tuple(Gated(pattern.pattern) for pattern in OPT_OUT_PATTERNS)
_STRINGS = tuple(sorted(POST_STRINGS | BACKGROUND_STRINGS | _GATED_OFFER.strings
                        | _GATED_FULL.strings | _GATED_OPEN.strings
                        | frozenset().union(*(g.strings for g in _GATED_OPT_OUT))))


@dataclass(slots=True)
class Signals:
    opportunities: dict[str, int] = field(default_factory=dict)  # label -> posts
    opportunity_posts: list[Key] = field(default_factory=list)   # newest first
    trainee_replies: int = 0          # replies to medical students, premeds and residents
    trainee_reply_posts: list[Key] = field(default_factory=list)
    jc_answers: int = 0               # A1-style answers and replies in journal-club threads
    offers: int = 0                   # "DMs open", "happy to answer questions" (bio counts one)
    answered_questions: int = 0       # replies to someone else's post that asked something
    says_full: bool = False           # their latest word on capacity is "full" / "DMs closed"
    last_active: datetime | None = None


@dataclass(slots=True)
class AuthorProfile:
    key: Key
    handle: str
    name: str | None
    role: str
    role_confidence: float
    role_cues: list[str]
    interests: dict[str, float]
    signals: Signals
    background: list[str]
    institution: str | None
    opted_out: bool


@dataclass(slots=True)
class _Acc:
    """What one pass over the posts gathers for one author."""

    evidence: list[tuple[str, float, str]] = field(default_factory=list)
    interests: dict[str, float] = field(default_factory=dict)
    opportunities: list[tuple[datetime, Key, list[str]]] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # may state background
    capacity: tuple[datetime, bool] | None = None        # latest (when, full?)
    jc_answers: int = 0
    offers: int = 0
    opted_out: bool = False
    last_active: datetime | None = None


def build_profiles(activity: Activity, *, now: datetime | None = None,
                   opt_out: Iterable[str] = ()) -> dict[Key, AuthorProfile]:
    """A profile for every author in the activity. `now` (default: the newest post's time, so
    old collections are read as of when they were made) anchors the interests' recency.
    `opt_out` lists accounts never to suggest, as "platform:id", "platform:handle" or a handle."""
    if now is None:
        now = max((p.created_at for p in activity.posts), default=datetime.now(UTC))
    accs: dict[Key, _Acc] = {}
    asked: set[Key] = set()
    for post in activity.posts:
        if post.author is None:
            continue
        acc = accs.get(post.author)
        if acc is None:
            acc = accs[post.author] = _Acc()
        if acc.last_active is None or post.created_at > acc.last_active:
            acc.last_active = post.created_at
        if post.repost_of is not None or not post.text:
            continue
        _read_post(acc, post.text, post.hashtags, post.created_at, now)
        if "?" in post.text:
            asked.add(post.key)
        if post.labels:
            acc.opportunities.append((post.created_at, post.key, post.labels))
        elif _is_jc_answer(post.text, post.hashtags, post.reply_to is not None):
            acc.jc_answers += 1
    listed = {entry.strip().lstrip("@").lower() for entry in opt_out}
    profiles: dict[Key, AuthorProfile] = {}
    for key in activity.authors.keys() | accs.keys():
        row = activity.authors.get(key) or AuthorRow(key, key[1], None, None, None, None)
        profiles[key] = _profile(row, accs.get(key) or _Acc(), now, listed)
    _count_replies(activity, profiles, asked)
    return profiles


def _read_post(acc: _Acc, text: str, hashtags: list[str], when: datetime,
               now: datetime) -> None:
    lowered = text.lower().replace("\u2019", "'")
    found = present(lowered, _STRINGS)
    acc.evidence += post_evidence(lowered, found)
    weight = 0.5 ** (max(0.0, (now - when).total_seconds()) / 86400 / HALF_LIFE_DAYS)
    for topic in topics_in(text, hashtags):
        acc.interests[topic] = acc.interests.get(topic, 0.0) + weight
    if may_state_background(lowered, found):
        acc.statements.append(lowered)
    if _GATED_OFFER.search(lowered, found) and _is_offer(lowered):
        acc.offers += 1
    full = _statement(_GATED_FULL.pattern(found), lowered)
    if (full or _statement(_GATED_OPEN.pattern(found), lowered)) and (
            acc.capacity is None or when >= acc.capacity[0]):
        acc.capacity = (when, full)
    if not acc.opted_out and (_opts_out(lowered, found) or OPT_OUT_HASHTAG in
                              (normalize_tag(t) for t in hashtags)):
        acc.opted_out = True


def _statement(pattern: re.Pattern[str] | None, lowered: str) -> bool:
    """Whether the pattern occurs in a sentence that is not a question."""
    for match in pattern.finditer(lowered) if pattern else ():
        end = re.search(r"[.!?\n]", lowered[match.end():])
        if end is None or end.group() != "?":
            return True
    return False


def _is_offer(lowered: str) -> bool:
    if _CLOSED.search(lowered):
        return False
    return bool(_QNA.search(lowered) or _OFFER_CONTACT.search(lowered))


def _is_jc_answer(text: str, hashtags: list[str], reply: bool) -> bool:
    """An "A1: ..." answer, or a reply that carries a journal club's hashtag."""
    lowered = text.lower()
    numbered = any(number in lowered for number in _ANSWER_NUMBERS)
    return (numbered and bool(_JC_ANSWER.search(lowered))) or (reply and any(
        _JC_TAG.search(normalize_tag(tag)) for tag in hashtags))


def _opts_out(lowered: str, found: set[str] | None = None) -> bool:
    found = present(lowered, _STRINGS) if found is None else found
    return any(gated.search(lowered, found) for gated in _GATED_OPT_OUT)


def _profile(row: AuthorRow, acc: _Acc, now: datetime, listed: set[str]) -> AuthorProfile:
    bio = (row.bio or "").replace("\u2019", "'")
    guess = detect_role(row.name, bio, acc.evidence)
    interests = dict(acc.interests)
    for topic in topics_in(bio) if bio else ():
        interests[topic] = interests.get(topic, 0.0) + BIO_INTEREST
    acc.opportunities.sort(key=lambda item: item[0], reverse=True)
    labels = Counter(label for _, _, post_labels in acc.opportunities for label in post_labels)
    low_bio = bio.lower()
    says_full = _statement(_FULL, low_bio) if acc.capacity is None else acc.capacity[1]
    signals = Signals(
        opportunities=dict(labels), opportunity_posts=[k for _, k, _ in acc.opportunities],
        jc_answers=acc.jc_answers,
        offers=acc.offers + (1 if _OFFER_GATE.search(low_bio) and _is_offer(low_bio) else 0),
        says_full=says_full, last_active=acc.last_active)
    individual = guess.role not in ("organization", "industry")
    platform, ident = row.key
    handle = row.handle.lstrip("@").lower()
    opted_out = (acc.opted_out or _opts_out(low_bio) or bool(
        listed & {f"{platform}:{ident}".lower(), f"{platform}:{handle}", handle, ident.lower()}))
    return AuthorProfile(
        key=row.key, handle=row.handle, name=row.name, role=guess.role,
        role_confidence=guess.confidence, role_cues=guess.cues,
        interests={t: round(w, 4) for t, w in sorted(interests.items(), key=lambda i: -i[1])},
        signals=signals,
        background=stated_background(bio, acc.statements) if individual else [],
        institution=institution(bio), opted_out=opted_out)


def institution(bio: str | None) -> str | None:
    """The institution or program a bio names, normalised ("county program", "academic center,
    northeast"), or None."""
    match = _INSTITUTION.search((bio or "").lower())
    if match is None:
        return None
    phrase = re.sub(r"\s+", " ", match.group(1) or match.group(3)).strip()
    if " " not in phrase:
        return None  # "at a school": no more than a word
    region = match.group(2) or match.group(4)
    return f"{phrase}, {region}" if region else phrase


def _count_replies(activity: Activity, profiles: dict[Key, AuthorProfile],
                   asked: set[Key]) -> None:
    replies: dict[Key, list[tuple[datetime, Key]]] = {}
    for post in activity.posts:
        if post.author is None or post.reply_to is None or post.reply_to_author is None:
            continue
        if post.reply_to_author == post.author:
            continue  # a thread, not a reply to someone
        signals = profiles[post.author].signals
        if post.reply_to in asked:
            signals.answered_questions += 1
        other = profiles.get(post.reply_to_author)
        if other is not None and other.role in TRAINEES:
            signals.trainee_replies += 1
            replies.setdefault(post.author, []).append((post.created_at, post.key))
    for author, found in replies.items():
        found.sort(reverse=True)
        profiles[author].signals.trainee_reply_posts = [k for _, k in found]


def evaluate_roles(activity: Activity, roles_path: Path) -> dict[str, Any]:
    """Role accuracy, a confusion table (gold -> predicted -> count), the misses, and agreement
    on stated background, against a roles file (one JSON object per line: platform, id, role,
    background)."""
    profiles = build_profiles(activity)
    gold = [json.loads(line) for line in roles_path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    confusion: dict[str, dict[str, int]] = {}
    errors: list[dict[str, Any]] = []
    found = expected = agreed = 0
    for row in gold:
        profile = profiles.get((row["platform"], str(row["id"])))
        predicted = profile.role if profile else "unknown"
        cell = confusion.setdefault(row["role"], {})
        cell[predicted] = cell.get(predicted, 0) + 1
        if predicted != row["role"]:
            errors.append({"handle": row.get("handle"), "gold": row["role"],
                           "predicted": predicted, "cues": profile.role_cues if profile else []})
        stated = set(profile.background if profile else ())
        truth = set(row.get("background", ()))
        found, expected, agreed = found + len(stated), expected + len(truth), \
            agreed + len(stated & truth)
    correct = sum(confusion[r].get(r, 0) for r in confusion)
    return {"authors": len(gold), "correct": correct,
            "accuracy": round(correct / len(gold), 4) if gold else 0.0,
            "confusion": confusion, "errors": errors,
            "background": {"precision": round(agreed / found, 4) if found else 1.0,
                           "recall": round(agreed / expected, 4) if expected else 1.0}}
