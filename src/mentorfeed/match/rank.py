"""Ranking mentors and opportunities for a trainee, each result with reasons in plain words and
the posts that support them."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from mentorfeed.classify.eligibility import excludes
from mentorfeed.classify.lifecycle import lifecycle
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.models import Opportunity
from mentorfeed.people.activity import Key
from mentorfeed.people.events import event_time
from mentorfeed.people.profiles import AuthorProfile, Signals
from mentorfeed.taxonomy import MENTOR_ROLES

HALF_LIFE_DAYS = 180.0
# Someone who already talked with you is the warmest contact, and a background you chose to
# match on is something you asked for: both weigh more than general fit. Among the rest, who
# posts the kinds of calls you want, lately, counts most; then shared interests.
WEIGHTS = {"interests": 0.20, "calls": 0.25, "for_your_stage": 0.10, "engagement": 0.10,
           "recency": 0.10, "openness": 0.05, "near_peer": 0.10, "met_you": 0.35,
           "background": 0.30}
# Goals for which residents, a few years ahead, are the natural people to ask.
NEAR_PEER_GOALS = frozenset({"peer_support", "application_help"})
_AUDIENCE_WORDS = {"premed": "premeds", "resident": "residents", "img": "IMGs",
                   "medical_student": "medical students"}
_TOLD_APART = ("premed", "resident", "img")  # students are everyone's; "other" is no audience


@dataclass(slots=True)
class Reason:
    text: str
    posts: list[Key] = field(default_factory=list)


@dataclass(slots=True)
class MentorMatch:
    key: Key
    handle: str
    role: str
    score: float
    reasons: list[Reason]


@dataclass(slots=True)
class OpportunityMatch:
    key: Key
    url: str | None
    labels: list[str]
    score: float
    reasons: list[Reason]
    deadline: date | None = None


def _decay(then: datetime | None, today: datetime) -> float:
    if then is None:
        return 0.0
    days = max(0.0, (today - then).total_seconds() / 86400)
    return float(0.5 ** (days / HALF_LIFE_DAYS))


def rank_mentors(trainee: TraineeProfile, profiles: Mapping[Key, AuthorProfile], *,
                 today: datetime, met: Mapping[Key, list[tuple[Key, Key]]] | None = None,
                 limit: int = 10, per_institution: int = 2) -> list[MentorMatch]:
    """Dermatologists and residents (organizations when asked) who fit, most fitting first;
    no more than `per_institution` from one institution, and people who are full come last.
    Scores are computed for everyone; reasons only for the few shown."""
    met = met or {}
    roles = MENTOR_ROLES + (("organization",) if trainee.include_organizations else ())
    candidates = [p for p in profiles.values() if p.role in roles and not p.opted_out]
    most_engaged = max((p.signals.trainee_replies + p.signals.jc_answers for p in candidates),
                       default=0)
    chosen = set(trainee.background) | {f"language:{x}" for x in trainee.languages}
    wants = _Wants(trainee, today, met, most_engaged, chosen)
    best = heapq.nsmallest(limit * 4 + 20, ((wants.score(p), p) for p in candidates),
                           key=lambda pair: (-pair[0], pair[1].handle))
    shortlist = [MentorMatch(p.key, p.handle, p.role, round(score, 4),
                             _mentor_reasons(trainee, p, met, chosen)) for score, p in best]
    return _diverse(shortlist, profiles, limit, per_institution)


class _Wants:
    """What one trainee asks for, worked out once, and the score of a person against it."""

    def __init__(self, trainee: TraineeProfile, today: datetime,
                 met: Mapping[Key, list[tuple[Key, Key]]], most_engaged: int,
                 chosen: set[str]) -> None:
        self.interests = list(trainee.interests)
        self.labels = frozenset(trainee.labels)
        self.near_peer = not NEAR_PEER_GOALS.isdisjoint(trainee.goals)
        self.audience = trainee.audience if trainee.audience in _TOLD_APART else None
        self.today, self.met, self.chosen = today, met, chosen
        self.engaged_scale = math.log1p(most_engaged) if most_engaged else 0.0

    def score(self, person: AuthorProfile) -> float:
        signals = person.signals
        if self.interests:
            interest = min(1.0, sum(person.interests.get(t, 0.0) for t in self.interests) / 3)
        else:
            interest = 0.5
        engaged = signals.trainee_replies + signals.jc_answers
        engagement = math.log1p(engaged) / self.engaged_scale if self.engaged_scale else 0.0
        calls = sum(w for label, w in signals.recent_opportunities.items()
                    if label in self.labels)
        for_stage = min(1.0, signals.recent_audiences.get(self.audience, 0.0) / 2.0) \
            if self.audience else 0.0
        score = (WEIGHTS["interests"] * interest + WEIGHTS["engagement"] * engagement +
                 WEIGHTS["calls"] * min(1.0, math.log1p(calls) / _LOG4) +
                 WEIGHTS["for_your_stage"] * for_stage +
                 WEIGHTS["recency"] * _decay(signals.last_active, self.today) +
                 WEIGHTS["openness"] * min(1.0, signals.offers / 2.0) +
                 WEIGHTS["near_peer"] * (self.near_peer and person.role == "resident") +
                 WEIGHTS["met_you"] * (person.key in self.met) +
                 WEIGHTS["background"] * (_shared(self.chosen, person.background)
                                          if self.chosen and person.background else 0.0))
        return score * 0.3 if signals.says_full else score


_LOG4 = math.log1p(3.0)


def _shared(chosen: set[str], background: list[str]) -> float:
    """How much of what the trainee chose to match on the person states: all of it, or two
    things, count fully."""
    if not chosen:
        return 0.0
    return min(1.0, len(chosen.intersection(background)) / min(2, len(chosen)))


def _for_stage(trainee: TraineeProfile, signals: Signals) -> float:
    """How much this person's recent calls are meant for the trainee's stage (students are
    everyone's audience, so only premeds, residents and IMGs are told apart)."""
    if trainee.audience not in _TOLD_APART:
        return 0.0
    return min(1.0, signals.recent_audiences.get(trainee.audience, 0.0) / 2.0)


def _mentor_reasons(trainee: TraineeProfile, person: AuthorProfile,
                    met: Mapping[Key, list[tuple[Key, Key]]], chosen: set[str]) -> list[Reason]:
    """Why this person, in plain words, with the posts that show it."""
    signals = person.signals
    reasons: list[Reason] = []
    shared = [t for t in trainee.interests if person.interests.get(t, 0) > 0]
    if shared:
        reasons.append(Reason(f"writes about {', '.join(shared[:3])}"))
    useful = {label: n for label, n in signals.opportunities.items() if label in trainee.labels}
    if useful:
        kinds = ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in sorted(useful.items()))
        reasons.append(Reason(f"posted calls you asked for ({kinds})",
                              signals.opportunity_posts[:3]))
    if _for_stage(trainee, signals) > 0:
        reasons.append(Reason(f"recent calls meant for {_AUDIENCE_WORDS[trainee.audience]} "
                              "like you"))
    if person.role == "resident" and not NEAR_PEER_GOALS.isdisjoint(trainee.goals):
        reasons.append(Reason("a resident, a few years ahead of you: a near-peer to ask"))
    if signals.trainee_replies:
        reasons.append(Reason(f"replied to trainees {signals.trainee_replies} times",
                              signals.trainee_reply_posts[:3]))
    if signals.jc_answers:
        reasons.append(Reason(f"answered in journal clubs {signals.jc_answers} times"))
    if signals.offers:
        reasons.append(Reason("offers to answer questions or mentor (e.g. DMs open)"))
    exchanges = met.get(person.key, [])
    if exchanges:
        reasons.append(Reason(f"talked with you in a journal club ({len(exchanges)} exchanges)",
                              [theirs for theirs, _ in exchanges[:3]]))
    common = sorted(chosen.intersection(person.background))
    if common:
        said = ", ".join(c.replace("language:", "speaks ").replace("_", "-") for c in common)
        reasons.append(Reason(f"says in their own bio: {said} (you asked to match on this)"))
    if signals.says_full:
        reasons.append(Reason("says they are full for now, so shown later"))
    return reasons


def _diverse(ranked: Sequence[MentorMatch], profiles: Mapping[Key, AuthorProfile], limit: int,
             per_institution: int) -> list[MentorMatch]:
    """Keep the order, but no more than `per_institution` people from one institution."""
    picked: list[MentorMatch] = []
    seen: Counter[str] = Counter()
    held_back: list[MentorMatch] = []
    for match in ranked:
        institution = profiles[match.key].institution
        if institution and seen[institution] >= per_institution:
            held_back.append(match)
            continue
        if institution:
            seen[institution] += 1
        picked.append(match)
        if len(picked) == limit:
            return picked
    return (picked + held_back)[:limit]


def left_out(item: Opportunity, trainee: TraineeProfile) -> str | None:
    """Why a call is never offered to this trainee: their own post, or a call its text says
    excludes them (classify/eligibility.py); None when it may be offered."""
    author = item.post.author
    mine = trainee.handles.get(item.post.platform, "").lower().lstrip("@")
    if author is not None and mine and author.handle.lower().lstrip("@") in (
            mine, mine.split("@")[0]):
        return "your own post"
    return excludes(item.classification.eligibility, trainee)


def rank_opportunities(trainee: TraineeProfile, opportunities: Iterable[Opportunity], *,
                       today: datetime, limit: int = 10) -> list[OpportunityMatch]:
    """Open opportunities posted by `today`, by fit to goals, stage, interests and freshness;
    never a call that leaves the trainee out (`left_out`)."""
    goals = set(trainee.labels)
    wanted = set(trainee.interests)
    results: list[OpportunityMatch] = []
    for item in opportunities:
        post, found = item.post, item.classification
        if post.created_at > today or item.state != "open" or left_out(item, trainee):
            continue
        session = event_time(post.text, post.created_at) if "journal_club" in found.labels \
            else None
        if session is not None and session < today:
            session = None
        if set(found.labels) == {"journal_club"} and session is None and \
                (today - post.created_at).days > 7:
            continue  # a live session's prompt, or an announcement of a session now past
        deadline = item.deadline
        # Past its deadline, a day it names or its lifetime (classify/lifecycle.py, the rule
        # the listing's state follows; worked out here for a call not grouped in a store).
        until = item.open_until or lifecycle(post.text, post.created_at, found.labels,
                                             found.extract.get("form"), deadline).open_until
        if until < today.date():
            continue
        reasons: list[Reason] = []
        labels = set(found.labels)
        # Serving one goal is what matters; serving several adds a little.
        fit = min(1.0, 0.8 + 0.2 * (len(labels & goals) - 1)) if labels & goals else \
            (0.0 if goals else 0.5)
        if session is not None:
            reasons.append(Reason(f"the session is on {session:%Y-%m-%d %H:%M} UTC"))
        if labels & goals:
            reasons.append(Reason("a " + " and ".join(sorted(labels & goals)).replace("_", " ") +
                                  " opportunity, as you asked", [post.key]))
        audience = set(found.extract.get("audience") or ())
        if not audience:
            audience_fit = 0.6
        elif trainee.audience in audience:
            audience_fit = 1.0
            reasons.append(Reason(f"meant for {trainee.audience.replace('_', ' ')}s like you"))
        else:
            audience_fit = 0.1
        topics = set(found.extract.get("topics") or ()) & wanted
        topic_fit = 1.0 if topics else (0.5 if not wanted else 0.2)
        if topics:
            reasons.append(Reason("on " + ", ".join(sorted(topics))))
        age = (today - post.created_at).days
        freshness = float(0.5 ** (max(0, age) / 60))
        if deadline is not None:
            left = (deadline - today.date()).days
            reasons.append(Reason(f"deadline {deadline.isoformat()} (in {left} days)"))
        if session is not None:  # an announced session to come is as fresh as can be
            freshness = 1.0
        score = 0.35 * fit + 0.2 * audience_fit + 0.15 * topic_fit + 0.3 * freshness
        if goals and not labels & goals:
            score *= 0.4  # serves none of the goals asked for: only when little else fits
        results.append(OpportunityMatch(post.key, post.url, sorted(labels), round(score, 4),
                                        reasons, deadline))
    results.sort(key=lambda r: (-r.score, r.key))
    return results[:limit]
