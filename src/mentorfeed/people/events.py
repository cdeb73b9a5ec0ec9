"""What journal-club posts say: which accounts and hashtags a club uses, the question and answer
markers, when an announced session starts ("Tues 5/7 at 9 PM ET", "tonight 9pm ET", "Thursday,
March 14, 8pm ET"), and the upcoming sessions a trainee could still join."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

_ZONES = {"e": "America/New_York", "c": "America/Chicago", "m": "America/Denver",
          "p": "America/Los_Angeles"}
_FIXED = {"e": -5, "c": -6, "m": -7, "p": -8}  # only where the system has no time zone data
_TIME = re.compile(r"(?<![\d:/])(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ap>[ap])\.?m\b\.?"
                   r"(?:\s*(?P<tz>[ECMP][SD]?T|UTC|GMT)\b)?", re.I)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_DAY = re.compile(
    r"\b(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
    r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s*(?P<year>20\d\d)\b)?", re.I)
_NUMERIC = re.compile(r"(?<![\d/])(?P<mon>1[0-2]|0?[1-9])/(?P<day>[0-3]?\d)"
                      r"(?:/(?P<year>20\d\d|\d\d))?(?![\d/])")
_RELATIVE = re.compile(r"\b(?P<rel>tonight|today|tomorrow)\b", re.I)
_WEEKDAY = re.compile(r"\b(?P<wd>mon|tue|wed|thu|fri|sat|sun)(?:s|r|rs|day|sday|nesday|rsday|"
                      r"urday)?\b\.?", re.I)
_NEAR = 40  # characters between a date and the time it goes with


def event_time(text: str, posted: datetime) -> datetime | None:
    """When the session a post announces starts (UTC), or None without both a day and a clock
    time. A date without a year is the next such date on or after the post's date; a weekday is
    the next such day; times without a zone are US Eastern, the zone these clubs announce in."""
    for clock in _TIME.finditer(text):
        zone = _zone((clock["tz"] or "ET").lower())
        day = _day(text, clock.start(), posted.astimezone(zone).date())
        if day is None:
            continue
        hour = int(clock["h"]) % 12 + (12 if clock["ap"].lower() == "p" else 0)
        local = datetime(day.year, day.month, day.day, hour, int(clock["m"] or 0), tzinfo=zone)
        return local.astimezone(UTC)
    return None


def _zone(name: str) -> tzinfo:
    if name in ("utc", "gmt"):
        return UTC
    try:
        return ZoneInfo(_ZONES[name[0]])
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=_FIXED[name[0]]))


def _day(text: str, at: int, today: date) -> date | None:
    """The day named nearest before the clock time at `at` (or just after it)."""
    window = text[max(0, at - _NEAR):at + _NEAR]
    offset = max(0, at - _NEAR)
    found: list[tuple[int, int, date]] = []  # (kind: explicit first, distance, day)
    for form in (_MONTH_DAY, _NUMERIC):
        for m in form.finditer(window):
            month = (_MONTHS.index(m["mon"][:3].lower()) + 1 if form is _MONTH_DAY
                     else int(m["mon"]))
            day = _explicit(month, int(m["day"]), m["year"], today)
            if day is not None:
                found.append((0, abs(offset + m.start() - at), day))
    for m in _RELATIVE.finditer(window):
        shift = 1 if m["rel"].lower() == "tomorrow" else 0
        found.append((1, abs(offset + m.start() - at), today + timedelta(days=shift)))
    for m in _WEEKDAY.finditer(window):
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(m["wd"][:3].lower())
        found.append((2, abs(offset + m.start() - at),
                      today + timedelta(days=(weekday - today.weekday()) % 7)))
    return min(found)[2] if found else None


def _explicit(month: int, day: int, year: str | None, today: date) -> date | None:
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


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
