"""Journal-club sessions rebuilt from the posts: the host's numbered questions, the answers to
each (marked "A1:", replies to a question, late and out of order), the replies between
participants, and the people a trainee talked with.

A session is a run of numbered questions ("Q1:", "T1", "Q 1", "Question 1") from one account
within `window_hours`: a configured host, or, when no hosts are configured, any account that
tags them with a club hashtag (at least two questions then, so a lone case quiz is no session).
Its posts are the club-tagged posts around the live hour, the host's announcements in the two
weeks before, and everything that replies to or quotes those, down the threads.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mentorfeed.people.activity import Activity, Key, PostRow
from mentorfeed.people.events import (
    Event,
    Hosts,
    answer_number,
    event_time,
    question_number,
    session_tag,
    upcoming_events,
)

__all__ = ["Event", "FollowUp", "Question", "Session", "evaluate_sessions", "find_sessions",
           "follow_ups", "upcoming_events"]


@dataclass(slots=True)
class Question:
    number: int
    post: Key
    text: str
    answers: list[Key] = field(default_factory=list)  # in arrival order


@dataclass(slots=True)
class Session:
    id: str  # platform:hashtag-or-host:start, e.g. "x:DermJC:2023-09-15T01:00"
    platform: str
    hashtag: str | None
    host: Key | None
    start: datetime  # the host's welcome post, or the first question
    end: datetime  # the last post of the live hour (late answers included)
    announcements: list[Key]
    questions: list[Question]  # Q1, Q2, ...
    replies: list[tuple[Key, Key]]  # (post, the post it replies to), answers not included
    participants: dict[Key, int]  # author (everyone but the host) -> posts in the session

    def answer_of(self, post: Key) -> int | None:
        """The number of the question this post answers, if it is an answer."""
        return next((q.number for q in self.questions if post in q.answers), None)


_LEAD = timedelta(hours=1)  # intros before Q1
_ANNOUNCED = timedelta(days=14)  # announcements before Q1
_THREADS = timedelta(days=7)  # replies down a session's threads


@dataclass(slots=True)
class _Run:
    """Numbered questions from one account, the skeleton of a session."""

    author: Key
    posts: list[tuple[PostRow, int]]

    @property
    def first(self) -> datetime:
        return self.posts[0][0].created_at

    @property
    def last(self) -> datetime:
        return self.posts[-1][0].created_at

    @property
    def numbers(self) -> set[int]:
        return {n for _, n in self.posts}


def find_sessions(activity: Activity, *, hosts: Iterable[str] = (),
                  hashtags: Iterable[str] = ("DermJC",), window_hours: float = 3
                  ) -> list[Session]:
    """The journal-club sessions in the posts, oldest first."""
    tags, club, window = list(hashtags), Hosts(hosts), timedelta(hours=window_hours)
    posts = sorted((p for p in activity.posts if not p.repost_of and p.author),
                   key=lambda p: p.created_at)
    runs = _runs(activity, posts, tags, club, window)
    threads: dict[Key, list[PostRow]] = defaultdict(list)
    for post in posts:
        for parent in {post.reply_to, post.quote_of, post.conversation} - {None, post.key}:
            assert parent is not None
            threads[parent].append(post)
    times = [p.created_at for p in posts]
    taken: set[Key] = set()
    sessions = []
    for run in runs:
        tag = _hashtag(run, tags)
        around = posts[bisect_left(times, run.first - _ANNOUNCED):
                       bisect_right(times, run.first + window)]
        members = _members(run, around, threads, tag, window, taken)
        taken.update(members)
        sessions.append(_session(run, members, activity, tag, window))
    return sessions


def _runs(activity: Activity, posts: list[PostRow], tags: list[str], club: Hosts,
          window: timedelta) -> list[_Run]:
    runs: dict[Key, list[_Run]] = defaultdict(list)
    for post in posts:
        number = question_number(post.text)
        assert post.author is not None
        if number is None or not (activity.authors.get(post.author) in club or post.author in club
                                  if club else session_tag(post, tags)):
            continue
        current = runs[post.author][-1] if runs[post.author] else None
        if (current is None or post.created_at - current.first > window
                or (number == 1 and 1 in current.numbers)):
            runs[post.author].append(_Run(post.author, []))
        runs[post.author][-1].posts.append((post, number))
    least = 1 if club else 2
    candidates = sorted((r for rs in runs.values() for r in rs if len(r.numbers) >= least),
                        key=lambda r: (-len(r.numbers), r.first))
    kept: list[_Run] = []
    for run in candidates:  # where two accounts ask questions at once, the fuller run is the host
        if not any(k.author[0] == run.author[0] and k.first - _LEAD <= run.last + _LEAD
                   and run.first - _LEAD <= k.last + _LEAD for k in kept):
            kept.append(run)
    return sorted(kept, key=lambda r: r.first)


def _hashtag(run: _Run, tags: list[str]) -> str | None:
    """The session's hashtag: a configured one on its questions, else the host's own."""
    configured = Counter(t for p, _ in run.posts if (t := session_tag(p, tags)))
    own = Counter(t for p, _ in run.posts for t in p.hashtags)
    best = (configured or own).most_common(1)
    return best[0][0] if best else None


def _members(run: _Run, around: list[PostRow], threads: dict[Key, list[PostRow]],
             tag: str | None, window: timedelta, taken: set[Key]) -> dict[Key, PostRow]:
    """The session's posts: questions, posts of the live hours with its hashtag, the host's
    announcements, and everything down their threads (posts of earlier sessions excepted)."""
    platform, live = run.author[0], (run.first - _LEAD, run.first + window)
    tags = [tag] if tag else []
    members: dict[Key, PostRow] = {p.key: p for p, _ in run.posts}
    for post in around:
        if post.key[0] != platform or post.key in taken:
            continue
        if post.created_at >= live[0]:
            if post.author == run.author or session_tag(post, tags):
                members[post.key] = post
        elif post.author == run.author and _announces(post, run, tags):
            members[post.key] = post
    queue, until = list(members.values()), run.last + _THREADS
    while queue:
        for child in threads.get(queue.pop().key, ()):
            if child.key not in members and child.key not in taken and child.created_at <= until:
                members[child.key] = child
                queue.append(child)
    return members


def _announces(post: PostRow, run: _Run, tags: list[str]) -> bool:
    """Whether a host post before the session announces this session (not an earlier one)."""
    starts = event_time(post.text, post.created_at)
    if starts is not None:
        return run.first - timedelta(hours=3) <= starts <= run.first + timedelta(hours=1)
    return "journal_club" in post.labels and (session_tag(post, tags) is not None
                                              or post.reply_to is None)


def _session(run: _Run, members: dict[Key, PostRow], activity: Activity, hashtag: str | None,
             window: timedelta) -> Session:
    host = run.author
    questions: dict[int, Question] = {}
    asked: dict[Key, int] = {}
    for asking, n in run.posts:
        asked[asking.key] = n
        questions.setdefault(n, Question(n, asking.key, asking.text))
    moved_on = _moved_on(run, window)
    announcements: list[Key] = []
    replies: list[tuple[Key, Key]] = []
    opened = run.first
    for post in sorted(members.values(), key=lambda p: p.created_at):
        if post.key in asked:
            continue
        parent = members.get(post.reply_to) if post.reply_to else None
        number = None
        if post.author != host:
            number = answer_number(post.text, questions)
            if number is None:
                number = _answered(post, members, asked, host, moved_on)
        if number is not None:
            questions[number].answers.append(post.key)
        elif post.created_at < run.first and _announcement(post, host, parent):
            announcements.append(post.key)
            if post.author == host and post.created_at >= run.first - _LEAD:
                opened = min(opened, post.created_at)
        else:
            target = parent or (members.get(post.quote_of) if post.quote_of else None)
            if target is not None and target.author != post.author:
                replies.append((post.key, target.key))
    live_end = run.first + window
    end = max([p.created_at for p in members.values() if p.created_at <= live_end] + [run.last])
    handle = activity.authors[host].handle if host in activity.authors else host[1]
    return Session(
        id=f"{host[0]}:{hashtag or handle}:{opened:%Y-%m-%dT%H:%M}", platform=host[0],
        hashtag=hashtag, host=host, start=opened, end=end, announcements=announcements,
        questions=[questions[n] for n in sorted(questions)], replies=replies,
        participants=dict(Counter(p.author for p in members.values()
                                  if p.author is not None and p.author != host)))


def _moved_on(run: _Run, window: timedelta) -> dict[Key, datetime]:
    """For each question post, when the host asked the next one (or the live hours ended): an
    unmarked reply to a question after that is a comment, not an answer."""
    times = sorted(p.created_at for p, _ in run.posts)
    return {p.key: next((t for t in times if t > p.created_at), run.first + window)
            for p, _ in run.posts}


def _answered(post: PostRow, members: dict[Key, PostRow], asked: dict[Key, int], host: Key,
              moved_on: dict[Key, datetime]) -> int | None:
    """The question an unmarked post answers by replying under it: to the question itself or to
    the host's own follow-ups in its thread, before the host moved on."""
    parent = members.get(post.reply_to) if post.reply_to else None
    for _ in range(20):
        if parent is None:
            return None
        if parent.key in asked:
            return asked[parent.key] if post.created_at < moved_on[parent.key] else None
        if parent.author != host:
            return None
        parent = members.get(parent.reply_to) if parent.reply_to else None
    return None


def _announcement(post: PostRow, host: Key, parent: PostRow | None) -> bool:
    """Before Q1: the host's own posts (not replies to others), and club-labelled quotes."""
    if post.author == host:
        return parent is None or parent.author == host
    return post.quote_of is not None and post.reply_to is None and "journal_club" in post.labels


# -- who a trainee talked with ------------------------------------------------------------------

@dataclass(slots=True)
class FollowUp:
    session: str
    person: Key
    exchanges: list[tuple[Key, Key]]  # (their post, my post)


_ROLE_ORDER = ("dermatologist", "resident", "researcher", "medical_student", "premed")


def follow_ups(sessions: list[Session], activity: Activity, own: Iterable[Key], *,
               roles: Mapping[Key, str] | None = None) -> list[FollowUp]:
    """The people a trainee (their author keys in `own`) exchanged with in each session: replies
    either way, answers included, but not the host's questions and announcements. Dermatologists
    first when `roles` is given, then by session and number of exchanges."""
    mine = set(own)
    if not mine:
        return []
    by_key = activity.by_key()
    found: list[tuple[int, int, FollowUp]] = []
    for index, session in enumerate(sessions):
        fixed = {q.post for q in session.questions} | set(session.announcements)
        posts = [by_key[k] for k in _session_posts(session) if k in by_key]
        keys = {p.key for p in posts}
        met: dict[Key, list[tuple[Key, Key]]] = defaultdict(list)
        for post in sorted(posts, key=lambda p: p.created_at):
            for parent_key in {post.reply_to, post.quote_of} - {None}:
                parent = by_key.get(parent_key) if parent_key in keys else None
                if parent is None or parent.key in fixed or post.key in fixed:
                    continue
                pair = ((parent, post) if post.author in mine
                        else (post, parent) if parent.author in mine else None)
                if pair and pair[0].author and pair[0].author not in mine:
                    met[pair[0].author].append((pair[0].key, pair[1].key))
        for person, exchanges in met.items():
            role = roles.get(person, "") if roles else ""
            rank = _ROLE_ORDER.index(role) if role in _ROLE_ORDER else len(_ROLE_ORDER)
            found.append((rank, index, FollowUp(session.id, person, exchanges)))
    found.sort(key=lambda item: (item[0], item[1], -len(item[2].exchanges)))
    return [item[2] for item in found]


def _session_posts(session: Session) -> set[Key]:
    keys = set(session.announcements) | {k for pair in session.replies for k in pair}
    for question in session.questions:
        keys.add(question.post)
        keys.update(question.answers)
    return keys


# -- evaluation against the corpus's gold sessions ----------------------------------------------

def evaluate_sessions(sessions: list[Session], gold_path: Path, activity: Activity
                      ) -> dict[str, Any]:
    """Sessions found against gold (sessions.json): each gold session is matched to the found
    one sharing most question posts; answers count when attached to the right question."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    stored = {p.key for p in activity.posts}
    totals: Counter[str] = Counter()
    rows = []
    for g in gold:
        platform = g["platform"]
        asked = [(platform, q["id"]) for q in sorted(g["questions"], key=lambda q: q["q"])]
        found = max(sessions, default=None, key=lambda s: len({q.post for q in s.questions}
                                                               & set(asked)))
        if found is not None and not {q.post for q in found.questions} & set(asked):
            found = None
        answers = [((platform, a["id"]), a["q"]) for a in g["answers"]]
        replies = {(platform, r) for r in g["replies"]}
        right = sum(found is not None and found.answer_of(k) == q for k, q in answers)
        given = sum(len(q.answers) for q in found.questions) if found else 0
        got = {pair[0] for pair in found.replies} if found else set()
        row = {"gold": g["key"], "found": found.id if found else None,
               "host": found is not None and found.host == (platform, g["host"]["id"]),
               "questions_in_order": found is not None
               and [q.post for q in found.questions] == asked,
               "answers": len(answers), "answers_right": right, "answers_given": given,
               "replies": len(replies), "replies_found": len(replies & got),
               "replies_given": len(got),
               "missing_posts": sum(k not in stored for k, _ in answers)}
        rows.append(row)
        totals.update({k: int(v) for k, v in row.items() if isinstance(v, bool | int)})
        totals["matched"] += found is not None
    return {
        "sessions_gold": len(gold), "sessions_found": len(sessions),
        "sessions_matched": totals["matched"], "hosts_right": totals["host"],
        "questions_in_order": _share(totals["questions_in_order"], len(gold)),
        "answers_attached": _share(totals["answers_right"], totals["answers"]),
        "answers_precision": _share(totals["answers_right"], totals["answers_given"]),
        "replies_found": _share(totals["replies_found"], totals["replies"]),
        "replies_precision": _share(totals["replies_found"], totals["replies_given"]),
        "per_session": rows,
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
