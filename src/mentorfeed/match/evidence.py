"""The posts behind a match's reasons, and the check that each linked post shows its reason.

A reason names its kind (and subject: a topic, a label, an audience). The ranker asks this
module for the posts that show a reason and links only those; `problems` re-reads every linked
post from scratch and says what does not hold, so a test and `evaluate --people` can count the
reasons whose links disagree with their words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from mentorfeed.classify.topics import TOPIC_CUES, topics_in
from mentorfeed.people.activity import Activity, Key, PostRow
from mentorfeed.people.roles import TRAINEES
from mentorfeed.people.sessions import Session
from mentorfeed.people.traits import JC_ANSWER, OFFER, read_traits

# Words by which a call says it is for people of a background a trainee may opt in to.
_BACKGROUND_WORDS = {
    "first_generation": r"first[- ]gen", "lgbtq": r"lgbtq|queer|\btrans\b|gay\b",
    "disability": r"disab|chronic(?:ally)? ill|neurodivergent|deaf",
    "latino": r"latin[oaxe]|hispanic|latin@", "black": r"\bblack\b",
    "indigenous": r"indigenous|native american|first nations", "woman": r"\bwomen\b",
    "img": r"\bimgs?\b|international medical graduate",
    "urim": r"\burim\b|\burm\b|under-?represented", "asian": r"\basian\b",
    # A language opted in to: a call that asks for it, or is written in it.
    "language:es": r"spanish|espa\u00f1ol|\b(?:para|estudiantes|busco|gratis)\b",
    "language:fr": r"french|fran\u00e7ais|\b(?:pour|\u00e9tudiants)\b",
    "language:pt": r"portuguese|portugu\u00eas|\b(?:para|estudantes)\b"}
CALL_BACKGROUND = {name: re.compile(words, re.IGNORECASE)
                   for name, words in _BACKGROUND_WORDS.items()}
RECENT_DAYS = 180  # "recent" in a reason: posted within this many days of today
# The trainee ladder: a near-peer is one or two rungs above the trainee.
LADDER = ("premed", "MS1", "MS2", "MS3", "MS4", "resident")
MAIN_TOPIC_HITS = 2  # a post names a topic at least this often (a hashtag counts 2) to be about it

# Reason kinds; each has a check below.
TOPIC, CALLS, FOR_STAGE, NEAR_PEER, HELPED, JOURNAL_CLUB, OFFERS, HISTORY, SESSION = (
    "topic", "calls", "for_stage", "near_peer", "helped", "journal_club", "offers", "history",
    "session")
LABEL = "label"  # an opportunity: it carries the label asked for
BACKGROUND_CALL = "background_call"  # an opportunity written for a background opted in to


@dataclass(slots=True)
class Evidence:
    """What the checks read: every post by key, each author's posts, the authors' roles, the
    trainee's own accounts, the calls still open, and today."""

    posts: Mapping[Key, PostRow]
    roles: Mapping[Key, str]
    today: datetime
    mine: frozenset[Key] = frozenset()
    open_calls: frozenset[Key] | None = None  # None: not known
    by_author: dict[Key, list[PostRow]] = field(default_factory=dict)  # newest first
    history: dict[Key, list[PostRow]] = field(default_factory=dict)  # person -> exchanges
    handles: frozenset[str] = frozenset()  # the trainee's handles, lowercased
    # person -> their posts in journal-club sessions the trainee took part in, newest first
    sessions_with_you: dict[Key, list[Key]] = field(default_factory=dict)
    into: Mapping[Key, Key] = field(default_factory=dict)  # a linked account -> its person's main

    def who(self, account: Key | None) -> Key | None:
        """The person an account belongs to (its main account when linked)."""
        return self.into.get(account, account) if account is not None else None


def gather(activity: Activity, roles: Mapping[Key, str], today: datetime, *,
           handles: Mapping[str, str] | None = None,
           open_calls: Iterable[Key] | None = None,
           sessions: Sequence[Session] = ()) -> Evidence:
    """The evidence as of `today` for a trainee whose own accounts are `handles`
    (platform -> handle), with the journal-club `sessions` found in the store."""
    mine = own_accounts(activity, handles or {})
    by_author: dict[Key, list[PostRow]] = {}
    for post in activity.posts:
        if post.author is not None and post.created_at <= today and post.repost_of is None:
            by_author.setdefault(post.author, []).append(post)
    for written in by_author.values():
        written.sort(key=lambda p: p.created_at, reverse=True)
    found = Evidence(activity.by_key(), roles, today, mine,
                     frozenset(open_calls) if open_calls is not None else None, by_author,
                     handles=frozenset(activity.authors[k].handle.lstrip("@").lower()
                                       for k in mine if k in activity.authors))
    found.history = _history(activity, found)
    found.sessions_with_you = _sessions_with(sessions, found)
    return found


def _sessions_with(sessions: Sequence[Session], evidence: Evidence) -> dict[Key, list[Key]]:
    """The people who answered or replied in a journal-club session the trainee took part in
    (the host's questions and announcements aside), with those posts."""
    found: dict[Key, list[PostRow]] = {}
    for session in sessions:
        if session.start > evidence.today or evidence.mine.isdisjoint(session.participants):
            continue
        keys = {k for q in session.questions for k in q.answers} | {
            post for post, _ in session.replies}
        for key in keys:
            post = evidence.posts.get(key)
            if post is not None and post.author is not None and post.author not in \
                    evidence.mine and post.author != session.host and \
                    post.created_at <= evidence.today:
                found.setdefault(post.author, []).append(post)
    return {person: [p.key for p in sorted(posts, key=lambda p: p.created_at, reverse=True)]
            for person, posts in found.items()}


def own_accounts(activity: Activity, handles: Mapping[str, str]) -> frozenset[Key]:
    """The author keys of the trainee's own handles."""
    wanted = {(platform, handle.lstrip("@").lower()) for platform, handle in handles.items()}
    return frozenset(key for key, author in activity.authors.items()
                     if (key[0], author.handle.lstrip("@").lower()) in wanted)


def _names(post: PostRow, keys: frozenset[Key], handles: frozenset[str]) -> bool:
    """Whether the post mentions one of these accounts (by id or handle)."""
    for mention in post.mentions:
        if (post.key[0], mention.get("id") or "") in keys:
            return True
        if (mention.get("handle") or "").lstrip("@").lower() in handles:
            return True
    return False


def _history(activity: Activity, evidence: Evidence) -> dict[Key, list[PostRow]]:
    """Every exchange between the trainee and someone else: replies and quotes either way,
    mentions, and the posts of a thread the person started for the trainee."""
    mine = evidence.mine
    if not mine:
        return {}
    found: dict[Key, dict[Key, PostRow]] = {}
    for post in activity.posts:
        if post.created_at > evidence.today or post.author is None or post.repost_of:
            continue
        other = exchange_with(post, evidence)
        if other is not None:
            found.setdefault(other, {})[post.key] = post
    for person, posts in found.items():  # the rest of a thread written for the trainee
        roots = {p.key for p in posts.values() if p.author == person and p.reply_to is None}
        for post in evidence.by_author.get(person, ()):
            if post.conversation in roots and post.reply_to_author == person:
                posts[post.key] = post
    return {person: sorted(posts.values(), key=lambda p: p.created_at, reverse=True)
            for person, posts in found.items()}


def exchange_with(post: PostRow, evidence: Evidence) -> Key | None:
    """The other side of an exchange between the trainee and someone in this post, if any."""
    mine, posts = evidence.mine, evidence.posts
    parent = posts.get(post.reply_to) if post.reply_to else None
    quoted = posts.get(post.quote_of) if post.quote_of else None
    replied = post.reply_to_author or (parent.author if parent else None)
    if post.author in mine:
        for other in (replied, quoted.author if quoted else None):
            if other is not None and other not in mine:
                return other
        return None
    if replied in mine or (quoted is not None and quoted.author in mine) or \
            _names(post, mine, evidence.handles):
        return post.author
    return None


# -- what one post shows --------------------------------------------------------------------------

@cache
def _topic_pattern(topic: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{cue})" for cue in TOPIC_CUES[topic]), re.IGNORECASE)


def topic_hits(post: PostRow, topic: str) -> int:
    """How strongly a post names a topic: each time its text names it, and 2 for a hashtag."""
    if topic not in TOPIC_CUES or topic not in topics_in(post.text, post.hashtags):
        return 0
    hits = len(_topic_pattern(topic).findall(post.text))
    tags = " ".join(post.hashtags)
    return max(1, hits) + (2 if tags and topic in topics_in(tags) else 0)


def mainly_about(post: PostRow, topic: str) -> bool:
    """A post is about a topic when it names it more than once (or by hashtag), not in one
    word of an aside ("a kid at a school" is not pediatric dermatology)."""
    return topic_hits(post, topic) >= MAIN_TOPIC_HITS


def is_recent(post: PostRow, today: datetime) -> bool:
    return today - timedelta(days=RECENT_DAYS) <= post.created_at <= today


_THANKS = re.compile(
    r"congrat|well[- ]deserved|so proud|proud of you|so happy for|thank|love (?:this|that|it)|"
    r"amazing|awesome|great (?:job|news|work)|\byay\b|\bwoo|\blol\b|haha|"
    r"\bwelcome\b|good luck|best of luck|rooting for|cheering|\U0001f389|\U0001f44f|\U0001f64c",
    re.IGNORECASE)
# A reply that opens with a reaction ("Love the idea.", "YES.", "Exactly.") reacts, unless it
# goes on to advise.
_REACTION = re.compile(r"^(?:@\S+\s+)*(?:love|yes+\b[.!]|exactly|ha|lol|omg|same|this\b|so true|"
                       r"\+1|agree)", re.IGNORECASE)
_ADVICE = re.compile(
    r"\b(?:i'?d (?:start|try|ask|look|say|suggest|recommend)|i would|you (?:could|should|can|"
    r"might|may|want|need)|try (?:to|a|an|the)|consider|recommend|suggest|make sure|"
    r"(?:don'?t|do not) (?:worry|be|wait|skip|forget)|start (?:with|by)|focus on|"
    r"look (?:at|into|for)|reach out|dm me|message me|email me|happy to|feel free|"
    r"check out|ask (?:yourself|your|a|the)|the key|tips?\b|advice|in my experience|"
    r"depends on|find a|my (?:take|answer)|write (?:that|it|this) up|it'?s (?:fine|ok|okay)|"
    r"(?:do|does|did|is|are|was|were|can|count|counts)\b[^.?!]{0,40}\b(?:yes|no)\b)",
    re.IGNORECASE)
# "Yes! A quick look in good light...": an answer, when the post replied to asked something.
_ANSWER = re.compile(r"^(?:@\S+\s+)*(?:yes|no|absolutely|definitely|not at all)\b[,.!: ]+\S",
                     re.IGNORECASE)


def helpful_reply(post: PostRow, parent: PostRow | None) -> bool:
    """A reply that helps: it makes an offer, gives advice, or answers a question asked, rather
    than congratulating, reacting or joking."""
    text = post.text
    if read_traits(text, post.hashtags, True).flags & OFFER:
        return True
    words = len(re.findall(r"\w+", text))
    if words < 8:
        return False
    if _ADVICE.search(text):
        return True
    asked = parent is not None and "?" in parent.text
    if asked and _ANSWER.search(text):
        return True
    if _THANKS.search(text) or _REACTION.search(text):
        return False
    return asked and words >= 12


def is_call(post: PostRow, label: str) -> bool:
    return label in post.labels


def is_still_open(key: Key, evidence: Evidence) -> bool | None:
    return None if evidence.open_calls is None else key in evidence.open_calls


# -- the posts behind a reason --------------------------------------------------------------------

def topic_posts(person: Key, topic: str, evidence: Evidence) -> list[Key]:
    """The posts that show a person writes about a topic, strongest first: none unless two posts
    name it or one is mainly about it."""
    posts = [(topic_hits(p, topic), p) for p in evidence.by_author.get(person, ())]
    named = [(hits, p) for hits, p in posts if hits]
    if len(named) < 2 and not any(hits >= MAIN_TOPIC_HITS for hits, _ in named):
        return []
    named.sort(key=lambda item: (-min(item[0], MAIN_TOPIC_HITS), -item[1].created_at.timestamp()))
    return [p.key for _, p in named]


def call_posts(person: Key, label: str, evidence: Evidence) -> list[Key]:
    """A person's calls of one kind, the open ones first, newest first."""
    calls = [p for p in evidence.by_author.get(person, ()) if is_call(p, label)]
    calls.sort(key=lambda p: (not is_still_open(p.key, evidence), -p.created_at.timestamp()))
    return [p.key for p in calls]


def stage_posts(person: Key, audience: str, evidence: Evidence) -> list[Key]:
    """A person's calls of the last RECENT_DAYS that are meant for this audience."""
    return [p.key for p in evidence.by_author.get(person, ())
            if p.labels and audience in (p.extract.get("audience") or ())
            and is_recent(p, evidence.today)]


def helpful_posts(person: Key, evidence: Evidence) -> list[Key]:
    """A person's helpful replies to trainees (not to themselves), newest first."""
    found = []
    for post in evidence.by_author.get(person, ()):
        if _to_trainee(post, person, evidence) and helpful_reply(
                post, evidence.posts.get(post.reply_to) if post.reply_to else None):
            found.append(post.key)
    return found


def _to_trainee(post: PostRow, person: Key, evidence: Evidence) -> bool:
    other = post.reply_to_author
    if other is None and post.reply_to is not None:
        parent = evidence.posts.get(post.reply_to)
        other = parent.author if parent else None
    return other is not None and other != person and evidence.roles.get(other) in TRAINEES


def flagged_posts(person: Key, flag: int, evidence: Evidence) -> list[Key]:
    """A person's posts whose traits, read again, carry `flag`: an offer (in a post that is not
    a call: a call's "DM me" is about the call) or a journal-club answer (numbered answers
    first)."""
    found = [p for p in evidence.by_author.get(person, ())
             if p.text and read_traits(p.text, p.hashtags, p.reply_to is not None).flags & flag
             and not (flag == OFFER and p.labels)]
    if flag == JC_ANSWER:
        found.sort(key=lambda p: _NUMBERED.search(p.text) is None)
    return [p.key for p in found]


_NUMBERED = re.compile(r"(?:^|\s)A[1-9]\b")


def ladder_gap(trainee_stage: str, person_role: str) -> int | None:
    """How many rungs the person stands above the trainee (a resident is the top rung), or None
    where the ladder says nothing (IMG, other, dermatologists)."""
    if person_role != "resident" or trainee_stage not in LADDER:
        return None
    return LADDER.index("resident") - LADDER.index(trainee_stage)


def _with_trainee(post: PostRow, person: Key, evidence: Evidence) -> bool:
    """The post is an exchange between the trainee and the person, or part of a thread the
    person began with one."""
    who = evidence.who
    if who(exchange_with(post, evidence)) == person:
        return True
    root = evidence.posts.get(post.conversation) if post.conversation else None
    return who(post.author) == person and root is not None and who(root.author) == person and \
        root.key != post.key and who(exchange_with(root, evidence)) == person


# -- the check ------------------------------------------------------------------------------------

def problems(reason: Any, person: Key | None, evidence: Evidence, *,
             trainee_stage: str = "", person_role: str = "") -> list[str]:
    """What is wrong with one reason of a match (empty: each linked post shows it). `reason`
    has `kind`, `subject` and `posts`; `person` is the mentor (None for an opportunity, whose
    reasons link the call itself)."""
    kind, subject, keys = reason.kind, reason.subject, list(reason.posts)
    found: list[str] = []
    posts: list[PostRow] = []
    for key in keys:
        post = evidence.posts.get(key)
        if post is None:
            found.append(f"{key}: not a known post")
        else:
            posts.append(post)
    if kind == NEAR_PEER:
        gap = ladder_gap(trainee_stage, person_role)
        if gap is None or not 1 <= gap <= 2:
            found.append(f"near-peer said of a {person_role} to a {trainee_stage}")
        return found
    for post in posts:
        why = _post_problem(kind, subject, post, person, evidence)
        if why:
            found.append(f"{post.key}: {why}")
    if kind == TOPIC and posts and len(posts) < 2 and not any(
            mainly_about(p, subject) for p in posts):
        found.append(f"one post names {subject} only in passing")
    return found


def _post_problem(kind: str, subject: str, post: PostRow, person: Key | None,
                  evidence: Evidence) -> str | None:
    if kind == SESSION:
        return None if person is not None and post.key in evidence.sessions_with_you.get(
            person, ()) else "not a post in a journal club the trainee took part in"
    if kind == BACKGROUND_CALL:
        missing = [b for b in subject.split(",")
                   if b not in CALL_BACKGROUND or not CALL_BACKGROUND[b].search(post.text)]
        return f"does not name {', '.join(missing)}" if missing else None
    if kind == HISTORY:
        return None if person is not None and _with_trainee(post, person, evidence) \
            else "not an exchange between the trainee and this person"
    if person is not None and evidence.who(post.author) != person:
        return "written by someone else"
    if kind == TOPIC:
        return None if topic_hits(post, subject) else f"does not name {subject}"
    if kind in (CALLS, LABEL):
        wanted = subject.split(",")
        return None if all(is_call(post, x) for x in wanted) else f"is not a {subject} call"
    if kind == FOR_STAGE:
        if subject not in (post.extract.get("audience") or ()):
            return f"is not meant for {subject}"
        return None if is_recent(post, evidence.today) else "is older than 180 days"
    if kind == HELPED:
        parent = evidence.posts.get(post.reply_to) if post.reply_to else None
        if person is None or not _to_trainee(post, person, evidence):
            return "is not a reply to a trainee"
        return None if helpful_reply(post, parent) else \
            "does not help (no answer, advice or offer)"
    if kind in (OFFERS, JOURNAL_CLUB):
        flag = OFFER if kind == OFFERS else JC_ANSWER
        flags = read_traits(post.text, post.hashtags, post.reply_to is not None).flags
        if kind == OFFERS and post.labels:
            return "is a call, not an offer to answer questions or mentor"
        return None if flags & flag else f"is not {'an offer' if kind == OFFERS else 'an answer'}"
    return None


def false_reasons(matches: Sequence[Any], evidence: Evidence, *, trainee_stage: str,
                  roles: Mapping[Key, str] | None = None, top: int = 5) -> list[str]:
    """Every reason among the first `top` matches whose links do not show it, as lines."""
    lines = []
    for match in matches[:top]:
        person = match.key if hasattr(match, "role") else None
        role = getattr(match, "role", "")
        for reason in match.reasons:
            wrong = problems(reason, person, evidence, trainee_stage=trainee_stage,
                             person_role=role)
            if wrong:
                lines.append(f"{match.key[0]}:{match.key[1]} \u00ab{reason.text}\u00bb: "
                             + "; ".join(wrong))
    return lines
