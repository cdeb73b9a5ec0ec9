"""Ranking mentors and opportunities for a trainee, each result with reasons in plain words and
the posts that support them."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mentorfeed.classify.eligibility import excludes
from mentorfeed.classify.lifecycle import lifecycle, recurring
from mentorfeed.match import evidence as ev
from mentorfeed.match.evidence import Evidence
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.models import Opportunity
from mentorfeed.people.activity import Key
from mentorfeed.people.events import event_time
from mentorfeed.people.profiles import AuthorProfile
from mentorfeed.people.traits import JC_ANSWER, OFFER
from mentorfeed.taxonomy import LABEL_CAPTIONS, MENTOR_ROLES

HALF_LIFE_DAYS = 180.0
# Someone who already talked with you is the warmest contact, and a background you chose to
# match on is something you asked for: both weigh more than general fit; so does having spoken
# in a journal club you took part in. Among the rest, who posts the kinds of calls you want,
# lately, counts most; then shared interests. Organizations, when asked for, have no replies
# or interests of their own to show, and are lifted by what the trainee asked. (Tuned on the
# 32 development scenarios of corpus/scenarios only.)
WEIGHTS = {"interests": 0.20, "calls": 0.25, "for_your_stage": 0.20, "engagement": 0.05,
           "recency": 0.10, "openness": 0.05, "near_peer": 0.10, "met_you": 0.45,
           "background": 0.40, "same_session": 0.25, "organization": 0.30}
# A call: how well it serves the goals asked for, is meant for the trainee, is on their
# interests, and is fresh (half as fresh every FRESH_HALF_LIFE_DAYS).
CALL_WEIGHTS = {"fit": 0.49, "audience": 0.28, "topic": 0.15, "freshness": 0.21,
                "background": 0.10}
FRESH_HALF_LIFE_DAYS = 60.0
URIM_BACKGROUND = frozenset({"urim", "black", "latino", "indigenous"})
# Goals for which residents, a few years ahead, are the natural people to ask.
NEAR_PEER_GOALS = frozenset({"peer_support", "application_help"})
_BACKGROUND_WORDS = {"first_generation": "first-generation", "lgbtq": "LGBTQ+",
                     "disability": "disabled", "latino": "Latino", "black": "Black",
                     "indigenous": "Indigenous", "woman": "women", "img": "IMG", "urim": "URiM",
                     "asian": "Asian", "language:es": "Spanish-speaking",
                     "language:fr": "French-speaking", "language:pt": "Portuguese-speaking"}
_AUDIENCE_WORDS = {"premed": "premeds", "resident": "residents", "img": "IMGs",
                   "medical_student": "medical students"}
_TOLD_APART = ("premed", "resident", "img")  # students are everyone's; "other" is no audience


@dataclass(slots=True)
class Reason:
    """One reason in plain words, the posts that show it, and what it claims (`kind`, with its
    `subject`: a topic, a label, an audience), so that `match.evidence` can check the posts."""

    text: str
    posts: list[Key] = field(default_factory=list)
    kind: str = ""
    subject: str = ""


SHOWN_POSTS = 3  # posts linked per reason


def times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def label_words(label: str) -> str:
    """A label as words in a sentence: "research collaboration", "URiM outreach"."""
    caption = LABEL_CAPTIONS.get(label, label.replace("_", " "))
    return caption if caption[:2].isupper() else caption[:1].lower() + caption[1:]


def day_words(when: datetime) -> str:
    return f"{when.day} {when:%b %Y}"


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
                 limit: int = 10, per_institution: int = 2,
                 evidence: Evidence | None = None) -> list[MentorMatch]:
    """Dermatologists and residents (organizations when asked) who fit, most fitting first;
    no more than `per_institution` from one institution, and people who are full come last.
    Scores are computed for everyone; reasons only for the few shown, each linking only the
    posts in `evidence` that show it (without it, reasons that need posts are left out). The
    trainee's own exchanges with a person (`met`, and `evidence.history`) weigh most."""
    evidence = evidence or Evidence({}, {}, today)
    met = {**{k: [] for k in evidence.history}, **(met or {})}
    roles = MENTOR_ROLES + (("organization",) if trainee.include_organizations else ())
    candidates = [p for p in profiles.values() if p.role in roles and not p.opted_out]
    most_engaged = max((p.signals.trainee_replies + p.signals.jc_answers for p in candidates),
                       default=0)
    chosen = set(trainee.background) | {f"language:{x}" for x in trainee.languages}
    wants = _Wants(trainee, today, met, most_engaged, chosen, evidence.sessions_with_you)
    best = heapq.nsmallest(limit * 4 + 20, ((wants.score(p), p) for p in candidates),
                           key=lambda pair: (-pair[0], pair[1].handle))
    shortlist = [MentorMatch(p.key, p.handle, p.role, round(score, 4),
                             _mentor_reasons(trainee, p, met, chosen, evidence))
                 for score, p in best]
    return _diverse(shortlist, profiles, limit, per_institution)


class _Wants:
    """What one trainee asks for, worked out once, and the score of a person against it."""

    def __init__(self, trainee: TraineeProfile, today: datetime,
                 met: Mapping[Key, list[tuple[Key, Key]]], most_engaged: int,
                 chosen: set[str], sessions: Iterable[Key] = ()) -> None:
        self.interests = list(trainee.interests)
        self.labels = frozenset(trainee.labels)
        self.near_peer = not NEAR_PEER_GOALS.isdisjoint(trainee.goals)
        self.audience = trainee.audience if trainee.audience in _TOLD_APART else None
        self.today, self.met, self.chosen = today, met, chosen
        self.sessions = frozenset(sessions) - frozenset(met)
        self.stage = trainee.stage
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
                 WEIGHTS["near_peer"] * (self.near_peer and
                                         ev.ladder_gap(self.stage, person.role) in (1, 2)) +
                 WEIGHTS["organization"] * (person.role == "organization") +
                 WEIGHTS["met_you"] * (person.key in self.met) +
                 WEIGHTS["same_session"] * (person.key in self.sessions) +
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


def _local(moment: datetime, zone: str) -> str:
    """A moment in the trainee's time zone, as the pages write it: "14 Oct 2025, 20:00 EDT"."""
    try:
        local = moment.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        local = moment.astimezone(UTC)
    return f"{local:%d %b %Y, %H:%M} {local.tzname() or 'UTC'}"


def _mentor_reasons(trainee: TraineeProfile, person: AuthorProfile,
                    met: Mapping[Key, list[tuple[Key, Key]]], chosen: set[str],
                    evidence: Evidence) -> list[Reason]:
    """Why this person, in plain words, each reason with only the posts that show it (a reason
    no post shows is left out, unless it rests on the bio or the trainee's own choices)."""
    signals, key = person.signals, person.key
    reasons: list[Reason] = []
    reasons += _history_reasons(person, met, evidence)
    seen = evidence.sessions_with_you.get(key, [])
    if seen and key not in met:
        when = day_words(evidence.posts[seen[0]].created_at)
        reasons.append(Reason(f"spoke in a journal club you took part in ({when})",
                              seen[:SHOWN_POSTS], ev.SESSION))
    for topic in [t for t in trainee.interests if person.interests.get(t, 0) > 0][:3]:
        posts = ev.topic_posts(key, topic, evidence)
        if posts:
            reasons.append(Reason(f"writes about {topic}", posts[:SHOWN_POSTS], ev.TOPIC, topic))
    for label in sorted(set(trainee.labels)):
        posts = ev.call_posts(key, label, evidence)
        if not posts:
            continue
        opened = [k for k in posts if ev.is_still_open(k, evidence)]
        still = "" if evidence.open_calls is None else \
            f", {len(opened)} still open" if opened else ", none still open"
        plural = "s" if len(posts) > 1 else ""
        reasons.append(Reason(f"posted {len(posts)} {label_words(label)} call{plural} you asked "
                              f"for{still}", posts[:SHOWN_POSTS], ev.CALLS, label))
    if trainee.audience in _AUDIENCE_WORDS and trainee.audience != "medical_student":
        posts = ev.stage_posts(key, trainee.audience, evidence)
        if posts:
            reasons.append(Reason(f"posted calls meant for {_AUDIENCE_WORDS[trainee.audience]} "
                                  f"like you in the last {ev.RECENT_DAYS} days",
                                  posts[:SHOWN_POSTS], ev.FOR_STAGE, trainee.audience))
    gap = ev.ladder_gap(trainee.stage, person.role)
    if gap in (1, 2) and not NEAR_PEER_GOALS.isdisjoint(trainee.goals):
        ahead = "one stage" if gap == 1 else "two stages"
        reasons.append(Reason(f"a resident, {ahead} ahead of you: a near-peer to ask",
                              kind=ev.NEAR_PEER))
    helped = ev.helpful_posts(key, evidence) if signals.trainee_replies else []
    if helped:
        reasons.append(Reason(f"answered or advised trainees {times(len(helped))}",
                              helped[:SHOWN_POSTS], ev.HELPED))
    answers = ev.flagged_posts(key, JC_ANSWER, evidence) if signals.jc_answers else []
    if answers:
        reasons.append(Reason(f"answered or replied in journal clubs {times(len(answers))}",
                              answers[:SHOWN_POSTS], ev.JOURNAL_CLUB))
    offers = ev.flagged_posts(key, OFFER, evidence) if signals.offers else []
    if offers:
        reasons.append(Reason("offers to answer questions or to mentor", offers[:SHOWN_POSTS],
                              ev.OFFERS))
    elif signals.offers:
        reasons.append(Reason("says in their bio they answer questions or mentor",
                              kind=ev.OFFERS))
    common = sorted(chosen.intersection(person.background))
    if common:
        said = ", ".join(c.replace("language:", "speaks ").replace("_", "-") for c in common)
        reasons.append(Reason(f"says in their own bio: {said} (you asked to match on this)",
                              kind="background"))
    if signals.says_full:
        reasons.append(Reason("says they are full for now, so shown later", kind="full"))
    return reasons


def _history_reasons(person: AuthorProfile, met: Mapping[Key, list[tuple[Key, Key]]],
                     evidence: Evidence) -> list[Reason]:
    """"You talked with them on 3 Mar 2025": the trainee's own exchanges with this person
    (replies, mentions, quotes, a thread written for them), or journal-club exchanges."""
    talks = evidence.history.get(person.key, [])
    if not talks:
        exchanges = met.get(person.key, [])
        if not exchanges:
            return []
        return [Reason(f"talked with you in a journal club ({len(exchanges)} "
                       f"exchange{'s' if len(exchanges) > 1 else ''})",
                       [theirs for theirs, _ in exchanges[:SHOWN_POSTS]], ev.HISTORY)]
    theirs = [p for p in talks if p.author == person.key]
    yours = [p for p in talks if p.author != person.key]
    reasons = []
    roots = {p.key for p in theirs if p.reply_to is None}
    for_you = sorted((p for p in theirs if p.key in roots or (
        p.conversation in roots and p.reply_to_author == person.key)),
        key=lambda p: (p.created_at, p.key not in roots))
    if for_you:
        what = "a thread" if len(for_you) > 1 and len(roots) == 1 else \
            "posts" if len(roots) > 1 else "a post"
        reasons.append(Reason(f"wrote {what} for you on {day_words(for_you[-1].created_at)}",
                              [p.key for p in for_you[:SHOWN_POSTS]], ev.HISTORY))
    rest = [p for p in talks if p not in for_you]
    shown = [p.key for p in (theirs + yours) if p not in for_you][:SHOWN_POSTS]
    if shown:
        last = rest[0].created_at
        when = f"on {day_words(last)}" if len(rest) == 1 else \
            f"{times(len(rest))}, last on {day_words(last)}"
        reasons.append(Reason(f"you talked with them {when}", shown, ev.HISTORY))
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
    # A trainee who asks for URiM programs, or opted in to a URiM background, is who a call
    # for URiM trainees is meant for.
    chosen = [*trainee.background, *(f"language:{x}" for x in trainee.languages)]
    urim = "urim_programs" in trainee.goals or not URIM_BACKGROUND.isdisjoint(trainee.background)
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
                (today - post.created_at).days > 7 and not recurring(post.text):
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
            reasons.append(Reason(f"the session is on {_local(session, trainee.time_zone)}"))
        if labels & goals:
            served = sorted(labels & goals)
            reasons.append(Reason("a " + " and ".join(label_words(x) for x in served) +
                                  " opportunity, as you asked", [post.key], ev.LABEL,
                                  ",".join(served)))
        audience = set(found.extract.get("audience") or ())
        if not audience:
            audience_fit = 0.6
        elif trainee.audience in audience:
            audience_fit = 1.0
            reasons.append(Reason(f"meant for {_AUDIENCE_WORDS[trainee.audience]} like you",
                                  kind="audience", subject=trainee.audience))
        elif audience == {"urim"} and urim:  # for URiM trainees of any stage
            audience_fit = 0.9
            reasons.append(Reason("meant for URiM trainees, as you asked", kind="audience",
                                  subject="urim"))
        else:
            audience_fit = 0.1
        topics = set(found.extract.get("topics") or ()) & wanted
        topic_fit = 1.0 if topics else (0.5 if not wanted else 0.2)
        if topics:
            reasons.append(Reason("on " + ", ".join(sorted(topics))))
        age = (today - post.created_at).days
        freshness = float(0.5 ** (max(0, age) / FRESH_HALF_LIFE_DAYS))
        if deadline is not None:
            left = (deadline - today.date()).days
            reasons.append(Reason(f"deadline {deadline.isoformat()} (in {left} days)"))
        if session is not None:  # an announced session to come is as fresh as can be
            freshness = 1.0
        named = [b for b in chosen if b in ev.CALL_BACKGROUND
                 and ev.CALL_BACKGROUND[b].search(post.text)]
        if named:
            reasons.append(Reason("written for " + " and ".join(
                _BACKGROUND_WORDS.get(b, b) for b in named) + " trainees, as you opted in",
                [post.key], ev.BACKGROUND_CALL, ",".join(named)))
        weights = CALL_WEIGHTS
        score = (weights["fit"] * fit + weights["audience"] * audience_fit +
                 weights["topic"] * topic_fit + weights["freshness"] * freshness +
                 weights["background"] * bool(named))
        if goals and not labels & goals:
            score *= 0.4  # serves none of the goals asked for: only when little else fits
        results.append(OpportunityMatch(post.key, post.url, sorted(labels), round(score, 4),
                                        reasons, deadline))
    results.sort(key=lambda r: (-r.score, r.key))
    return results[:limit]
