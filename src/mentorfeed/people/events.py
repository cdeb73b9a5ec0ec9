"""What journal-club posts say: which accounts and hashtags a club uses, the question and answer
markers, when an announced session starts ("Tues 5/7 at 9 PM ET", "tonight 9pm ET", "Thursday,
March 14, 8pm ET"), and the upcoming sessions a trainee could still join."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mentorfeed.classify.lifecycle import event_at
from mentorfeed.models import normalize_tag
from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.taxonomy import PLATFORMS


@dataclass(slots=True)
class Event:
    """An announced upcoming session."""

    platform: str
    host: Key | None
    hashtag: str | None
    starts: datetime
    post: Key
    title: str


class Hosts:
    """Configured host accounts: "x:DermJC_host", "@DermJC_host", a Mastodon "user@server", or
    an author id; compared without case."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names: set[tuple[str | None, str]] = set()
        for name in names:
            platform, _, rest = name.partition(":")
            if platform in PLATFORMS and rest:
                self.names.add((platform, rest.lstrip("@").casefold()))
            else:
                self.names.add((None, name.lstrip("@").casefold()))

    def __bool__(self) -> bool:
        return bool(self.names)

    def __contains__(self, author: AuthorRow | Key | None) -> bool:
        if author is None or not self.names:
            return False
        key = author if isinstance(author, tuple) else author.key
        values = {key[1].casefold()}
        if isinstance(author, AuthorRow):
            values.add(author.handle.lstrip("@").casefold())
        return any((p is None or p == key[0]) and n in values for p, n in self.names)


def session_tag(post: PostRow, tags: Iterable[str]) -> str | None:
    """The first of the configured hashtags (as configured) that the post carries."""
    carried = {normalize_tag(t) for t in post.hashtags}
    return next((t for t in tags if normalize_tag(t) in carried), None)


# -- question and answer markers ---------------------------------------------------------------

_LEADING_MENTIONS = re.compile(r"^(?:\s*\.?@[\w.@\-]+[,:]?)+\s*")
_END = r"(?=[\s:.,;)\-\u2013\u2014!?/]|$)"
_QUESTION = re.compile(r"(?:Q|T|Question|Topic)\s?(\d{1,2})" + _END, re.I)
_ANSWER_START = re.compile(r"(?:A|T)(\d{1,2})" + _END, re.I)
_ANSWER_ANYWHERE = re.compile(r"(?<![\w@#/.])A(\d{1,2})" + _END)  # "late A1 bc...", capital A


def _body(text: str) -> str:
    return _LEADING_MENTIONS.sub("", text, count=1)


def question_number(text: str) -> int | None:
    """The number of a question prompt: "Q1:", "T2", "Q 3", "Question 4", after any mentions."""
    m = _QUESTION.match(_body(text))
    return int(m[1]) if m else None


def answer_number(text: str, numbers: Iterable[int]) -> int | None:
    """The question number an answer marks ("A1:", "a1 -", "A2 late:", "late A1 bc ..."),
    when the session has such a question."""
    known, body = set(numbers), _body(text)
    m = _ANSWER_START.match(body)
    if m and int(m[1]) in known:
        return int(m[1])
    return next((int(m[1]) for m in _ANSWER_ANYWHERE.finditer(body) if int(m[1]) in known),
                None)


# -- when an announcement says the session starts ------------------------------------------------

def event_time(text: str, posted: datetime) -> datetime | None:
    """When the session a post announces starts (UTC), or None without both a day and a clock
    time. `classify.lifecycle` reads it, so a session's start and a call's lifecycle come
    from one date reader: a date without a year is the next such date on or after the post's
    date, a weekday the next such day, and a time without a zone is US Eastern."""
    return event_at(text, posted, time_alone=False)


# -- upcoming events ----------------------------------------------------------------------------

_URL = re.compile(r"https?://\S+")
_CLUB = re.compile(r"journal club|tweet ?chat|\bJC\b", re.I)


def upcoming_events(activity: Activity, *, now: datetime, hashtags: Iterable[str] = ("DermJC",),
                    hosts: Iterable[str] = ()) -> list[Event]:
    """Announced journal-club sessions that start after `now`, soonest first, one per session.

    An announcement is a post with a club hashtag or from a configured host that the classifier
    labelled journal_club or that names a day and a time, or any post the classifier read as a
    journal-club event; its start is read from the text."""
    tags, club = list(hashtags), Hosts(hosts)
    by_key = activity.by_key()
    events: dict[tuple[str, str | None, Key | None, datetime], Event] = {}
    for post in sorted(activity.posts, key=lambda p: p.created_at):
        if post.repost_of or not post.text:
            continue
        tag = session_tag(post, tags)
        author = activity.authors.get(post.author) if post.author else None
        # A club without a configured hashtag or host still announces: a journal-club event.
        event = "journal_club" in post.labels and post.extract.get("form") == "event"
        if tag is None and author not in club and not event:
            continue
        starts = event_time(post.text, post.created_at)
        if starts is None or starts <= now or starts < post.created_at - timedelta(hours=1):
            continue
        if tag is None and "journal_club" not in post.labels and not _CLUB.search(post.text):
            continue
        host = _host(post, by_key, club, activity)
        events.setdefault((post.key[0], tag, host, starts),
                          Event(post.key[0], host, tag, starts, post.key, _title(post.text)))
    return sorted(events.values(), key=lambda e: (e.starts, e.platform))


def _host(post: PostRow, by_key: dict[Key, PostRow], club: Hosts, activity: Activity
          ) -> Key | None:
    """Who runs the announced session: the poster, or the account whose announcement a quote
    passes on; with hosts configured, only one of them."""
    quoted = by_key.get(post.quote_of) if post.quote_of else None
    candidates = [p.author for p in (quoted, post) if p is not None and p.author]
    if not club:
        return candidates[0] if candidates else None
    return next((c for c in candidates if activity.authors.get(c) in club or c in club), None)


def _title(text: str, limit: int = 120) -> str:
    line = " ".join(_URL.sub("", text).split())
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + "…"
