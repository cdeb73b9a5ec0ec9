"""Author profiles: who each author is (role), what they post about (interests), how they
behave towards trainees (signals), and what they state about themselves (background).

Sums over each post's traits (traits.py, read once per post and stored) plus one pass over the
replies; benchmarks/people.py times it. Nothing here guesses a background: see roles.py.
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

from mentorfeed.classify.topics import topics_in
from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.people.roles import TRAINEES, detect_role, stated_background
from mentorfeed.people.traits import (
    ASKS,
    FULL,
    FULL_PATTERN,
    JC_ANSWER,
    MAY_STATE_BACKGROUND,
    OFFER,
    OFFER_GATE,
    OPEN,
    OPT_OUT,
    Traits,
    is_offer,
    opts_out,
    read_many,
    statement,
)

HALF_LIFE_DAYS = 365.0  # a post a year old counts half as much towards interests
CALLS_HALF_LIFE_DAYS = 180.0  # a call six months old counts half towards "posts calls now"
BIO_INTEREST = 1.0      # a topic named in the bio counts like one post from today
_REGION = (r"(?:\s+(?:in|on) (?:the )?(northeast|northwest|southeast|southwest|midwest|south|"
           r"north|west coast|east coast|mountain west|pacific nw|great lakes))?")
_INSTITUTION = re.compile(
    r"(?:@|\bat)\s+(?:an?\s+|the\s+|our\s+)?((?:[\w'\u2019-]+\s+){0,3}?(?:program|center|centre|"
    r"hospital|university|school|college|institute|practice|u)\b)" + _REGION
    + r"|\b((?:private|community) practice|safety-net hospital|children'?s hospital|"
      r"academic (?:medical )?center|public (?:university|med school|hospital))\b" + _REGION)


@dataclass(slots=True)
class Signals:
    calls: int = 0                    # opportunity posts
    opportunities: dict[str, int] = field(default_factory=dict)  # label -> posts
    opportunity_posts: list[Key] = field(default_factory=list)   # newest first
    recent_opportunities: dict[str, float] = field(default_factory=dict)  # label -> decayed
    recent_audiences: dict[str, float] = field(default_factory=dict)  # whom they are for
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
    opportunities: list[tuple[datetime, Key, list[str], list[str]]] = field(
        default_factory=list)  # (when, post, labels, audiences)
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
    `opt_out` lists accounts never to suggest, as "platform:id", "platform:handle" or a handle.

    Posts whose traits are not known yet (`PostRow.traits` is None) are read first, and their
    traits are kept on the rows for the caller to store."""
    if now is None:
        now = max((p.created_at for p in activity.posts), default=datetime.now(UTC))
    unread = [p for p in activity.posts if p.traits is None and p.author is not None
              and p.repost_of is None and p.text]
    for post, new in zip(unread, read_many([(p.text, p.hashtags, p.reply_to is not None)
                                            for p in unread]), strict=True):
        post.traits = new
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
        read = post.traits
        if read is None or post.repost_of is not None or not post.text:
            continue
        _add(acc, post, read, now)
        if read.flags & ASKS:
            asked.add(post.key)
    listed = {entry.strip().lstrip("@").lower() for entry in opt_out}
    profiles: dict[Key, AuthorProfile] = {}
    for key in activity.authors.keys() | accs.keys():
        row = activity.authors.get(key) or AuthorRow(key, key[1], None, None, None, None)
        profiles[key] = _profile(row, accs.get(key) or _Acc(), now, listed)
    _count_replies(activity, profiles, asked)
    return profiles


def _add(acc: _Acc, post: PostRow, read: Traits, now: datetime) -> None:
    """One post's traits into its author's sums."""
    acc.evidence += read.evidence
    if read.topics:
        when = post.created_at
        weight = 0.5 ** (max(0.0, (now - when).total_seconds()) / 86400 / HALF_LIFE_DAYS)
        for topic in read.topics:
            acc.interests[topic] = acc.interests.get(topic, 0.0) + weight
    flags = read.flags
    if flags & MAY_STATE_BACKGROUND:
        acc.statements.append(post.text.lower().replace("\u2019", "'"))
    if flags & OFFER:
        acc.offers += 1
    if flags & (FULL | OPEN) and (acc.capacity is None or post.created_at >= acc.capacity[0]):
        acc.capacity = (post.created_at, bool(flags & FULL))
    if flags & OPT_OUT:
        acc.opted_out = True
    if post.labels:
        acc.opportunities.append((post.created_at, post.key, post.labels,
                                  list(post.extract.get("audience") or ())))
    elif flags & JC_ANSWER:
        acc.jc_answers += 1


def _profile(row: AuthorRow, acc: _Acc, now: datetime, listed: set[str]) -> AuthorProfile:
    bio = (row.bio or "").replace("\u2019", "'")
    guess = detect_role(row.name, bio, acc.evidence)
    interests = dict(acc.interests)
    for topic in topics_in(bio) if bio else ():
        interests[topic] = interests.get(topic, 0.0) + BIO_INTEREST
    acc.opportunities.sort(key=lambda item: item[0], reverse=True)
    labels = Counter(label for _, _, post_labels, _ in acc.opportunities
                     for label in post_labels)
    low_bio = bio.lower()
    says_full = statement(FULL_PATTERN, low_bio) if acc.capacity is None else acc.capacity[1]
    recent: dict[str, float] = {}
    audiences: dict[str, float] = {}
    for when, _, post_labels, post_audiences in acc.opportunities:
        weight = 0.5 ** (max(0.0, (now - when).total_seconds()) / 86400 / CALLS_HALF_LIFE_DAYS)
        for label in post_labels:
            recent[label] = recent.get(label, 0.0) + weight
        for audience in post_audiences:
            audiences[audience] = audiences.get(audience, 0.0) + weight
    signals = Signals(
        calls=len(acc.opportunities), opportunities=dict(labels),
        opportunity_posts=[k for _, k, _, _ in acc.opportunities],
        recent_opportunities={label: round(w, 4) for label, w in recent.items()},
        recent_audiences={audience: round(w, 4) for audience, w in audiences.items()},
        jc_answers=acc.jc_answers,
        offers=acc.offers + (1 if OFFER_GATE.search(low_bio) and is_offer(low_bio) else 0),
        says_full=says_full, last_active=acc.last_active)
    individual = guess.role not in ("organization", "industry")
    platform, ident = row.key
    handle = row.handle.lstrip("@").lower()
    opted_out = (acc.opted_out or opts_out(low_bio) or bool(
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
