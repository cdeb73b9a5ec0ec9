"""How long a call stays open: the dates its text gives, and a lifetime when it gives none.

A trainee can act on a call until the first of these that the post gives:

- a stated deadline (`dates.deadline_in`): open until that day (`stated`);
- a day the text names ahead of the post ("Dec 6", "this Thursday 8pm ET", "tonight",
  "tomorrow", "10/24"): an event is over once it happened, and a call that names a day (an info
  session, a start date) is not worth answering after it (`event`);
- a period ("this summer", "fall 2025", "the 2024-25 cycle", "Match 2025", "by end of month"):
  open until the period ends (`estimated`);
- otherwise a lifetime after the post that depends on its form and kinds (`estimated`):

  ====================================  ==========
  form and kind                         lifetime
  ====================================  ==========
  event, journal club (no day read)     1 day: its posts are written while it happens
  event, other (no day read)            14 days
  resource (advice, lists, guides)      365 days
  call, research collaboration          120 days
  call, program application             120 days (to the cycle's end when one is named)
  call, URiM outreach                   120 days
  call, specialty information           60 days (a "DM me" offer)
  call, peer mentorship                 60 days
  call, journal club                    14 days
  ====================================  ==========

  A call of several kinds takes the longest. The table is `LIFETIME_DAYS` and `EVENT_DAYS`.

A schedule that repeats ("every Thursday", "Thursday mornings", "first Sunday of each month",
"a monthly journal club", `recurring`) is not over on the first day it names: it stays open
until a period or month it names ends ("every Thursday this month", "every Sunday in
December"), else `SERIES_DAYS` after the post (or its lifetime, when longer).

Times are read with their zone ("8pm ET", "6pm MT", "9 PM GMT"); a time with no zone is read
in US Eastern time, where most of the community's live sessions are held.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from mentorfeed.classify.dates import MONTHS as _MONTHS
from mentorfeed.classify.dates import resolve_day as _resolve

BASES = ("stated", "event", "estimated")  # how `open_until` was known

# Days a call without a deadline or a date stays open, by kind (see the module docstring).
LIFETIME_DAYS: dict[str, int] = {
    "research_collaboration": 120,
    "program_application": 120,
    "urim_outreach": 120,
    "specialty_information": 60,
    "peer_mentorship": 60,
    "journal_club": 14,
}
CALL_DAYS = 90  # a call of no known kind
RESOURCE_DAYS = 365
EVENT_DAYS = {"journal_club": 1, "other": 14}
_NOW = re.compile(r"(?:today|tonight|this (?:evening|afternoon|morning))\b", re.I)
SERIES_DAYS = 120  # a repeating session or office hours with no end named
_IN_MONTH = re.compile(r"\b(?:in|through|thru|until|till|during)\s+(?P<mon>[^\W\d_]{3,9})\b",
                       re.I)
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_RECURRING = re.compile(
    r"\b(?:every|each)\s+(?:other\s+)?(?:week|month|" + _WEEKDAY + r")\b"
    r"|\b" + _WEEKDAY + r"s\b"
    r"|\b" + _WEEKDAY + r"\s+(?:mornings|afternoons|evenings|nights|study\s+group|"
    r"journal\s+club|meetups|sessions)\b"
    r"|\b(?:monthly|weekly|biweekly|fortnightly)\s+(?:[\w&-]+\s+){0,3}?(?:journal\s+club|"
    r"club|q&a|sessions?|calls?|meetings?|meetups?|office\s+hours|groups?|chats?|webinars?|"
    r"zooms?|hangouts?|study)\b",
    re.I)

YEARLESS_AHEAD = timedelta(days=300)  # see `_ahead`
NEAR = 40  # characters between a day and the time that goes with it (see `_event`)
_EASTERN = ZoneInfo("America/New_York")
_ZONES: dict[str, timezone | ZoneInfo] = {
    **dict.fromkeys(("et", "est", "edt", "eastern"), _EASTERN),
    **dict.fromkeys(("ct", "cst", "cdt", "central"), ZoneInfo("America/Chicago")),
    **dict.fromkeys(("mt", "mst", "mdt", "mountain"), ZoneInfo("America/Denver")),
    **dict.fromkeys(("pt", "pst", "pdt", "pacific"), ZoneInfo("America/Los_Angeles")),
    **dict.fromkeys(("gmt", "utc", "z"), UTC),
    "bst": ZoneInfo("Europe/London"),
    **dict.fromkeys(("cet", "cest"), ZoneInfo("Europe/Paris")),
    **dict.fromkeys(("aest", "aedt"), ZoneInfo("Australia/Sydney")),
}
# Any word, then checked against the month names (`_day`): one alternation of sixty names
# tried at every word costs several times more.
_MONTH = r"(?P<mon>[^\W\d_]{3,10})\.?"
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_FORMS = [re.compile(p, re.I) for p in (
    r"\b(?P<y>20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b",
    r"\b" + _MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d/:])(?:,?\s*(?P<year>20\d\d))?",
    r"\b(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s*(?P<year2>20\d\d))?",
    r"(?<![\d/.])(?P<a>1[0-2]|0?[1-9])/(?P<b>[0-3]?\d)(?:/(?P<c>20\d\d|\d\d))?(?![\d/])",
    r"\b(?:(?P<next>next|this|coming)\s+)?(?P<wd>mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"(?!\s*[-\u2013]\s*\w)",
    r"\b(?P<rel>today|tonight|tomorrow|tmrw|this (?:evening|afternoon|morning))\b",
)]
_TIME = re.compile(
    r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<min>[0-5]\d))?\s*(?:(?P<ampm>[ap])\.?m\.?\b|"
    r"[-\u2013]\s*(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s*(?P<ampm2>[ap])\.?m\.?\b)"
    r"|\b(?P<h24>[01]?\d|2[0-3]):(?P<min24>[0-5]\d)\b(?!\s*[ap]\.?m)|\b(?P<noon>noon)\b",
    re.I)
# A numeric day ("3/15") counts after a word that dates something or before a time.
_NUMERIC_CUE = re.compile(r"\b(?:on|by|due|until|till|before|thru|through|from|starts?|"
                          r"starting|date|mon|tue|wed|thu|fri|sat|sun)\w*\.?,?\s*$", re.I)
_TIME_AFTER = re.compile(r"\s*(?:@|at|,|-)?\s*\d{1,2}(?::\d\d)?\s*[ap]\.?m", re.I)
_ZONE = re.compile(r"\s*\(?(?P<zone>" + "|".join(sorted(_ZONES, key=len, reverse=True))
                   + r")\b\)?", re.I)
# A season counts with "this", "next" or a year ("summer 2026"); a lone "spring" is as often
# Cold Spring Harbor or a verb. A week or month counts with "this" or "next" ("this week's
# episode" dates nothing); a year only as "end of the year" or "later this year".
_PERIOD = re.compile(
    r"\b(?P<cycle1>20\d\d)\s*[-\u2013/]\s*(?:20)?(?P<cycle2>\d\d)\b(?=[^.!?\n]{0,30}"
    r"\b(?:cycle|match|season|application|academic|school year|year|cohort|eras)\b)"
    r"|\b(?:match|eras|cycle)\s+(?P<match>20\d\d)\b"
    r"|\b(?:(?P<which>this|next|coming)\s+)?(?P<season>summer|spring|fall|autumn|winter)"
    r"(?:\s+(?:of\s+)?(?P<syear>20\d\d))?\b"
    r"|\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?|this\s+)"
    r"(?P<span>month|week)\b(?!['\u2019]s)"
    r"|\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?|later\s+this\s+)"
    r"(?P<year_end>year)\b"
    r"|\bnext (?P<next>month|week)\b(?!['\u2019]s)",
    re.I)
_SEASON_END = {"spring": (5, 31), "summer": (8, 31), "fall": (11, 30), "autumn": (11, 30),
               "winter": (2, 28)}


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """When a post's call stops being something a trainee can act on, and how that was known."""

    open_until: date
    basis: str  # stated | event | estimated
    event_at: datetime | None = None  # the event's start (UTC), when the text gives one


def lifetime(labels: Iterable[str], form: str | None) -> timedelta:
    """How long a post of these kinds and this form stays open when it gives no date."""
    kinds = set(labels)
    if form == "event":
        return timedelta(days=EVENT_DAYS["journal_club" if "journal_club" in kinds else "other"])
    if form == "resource":
        return timedelta(days=RESOURCE_DAYS)
    return timedelta(days=max((LIFETIME_DAYS[k] for k in kinds if k in LIFETIME_DAYS),
                              default=CALL_DAYS))


def lifecycle(text: str, posted_at: datetime, labels: Sequence[str], form: str | None,
              deadline: date | None = None) -> Lifecycle:
    """How long the post's call stays open (see the module docstring for the order)."""
    zone = _zone_of(text) or _EASTERN
    posted_local = _local(posted_at, zone)
    posted = posted_local.date()
    found = _days(text, posted)
    if form != "event" and "journal_club" not in labels:
        # In a call, "today" or "tonight" with no time at hand is when it was written ("you
        # found one tonight"), not a day the call ends.
        found = [(day, at) for day, at in found
                 if not _NOW.match(text, at) or _TIME.search(text, at, at + 40)]
    # A time alone ("9pm ET") dates an event; in a call it is office hours or a reply time.
    event = _event(text, posted_local, zone, found,
                   time_alone=form == "event" or "journal_club" in labels)
    if deadline is not None:
        if form == "event" and event is not None and _local(event, zone).date() < deadline:
            # an event is over once it has happened, whatever its registration says
            return Lifecycle(_local(event, zone).date(), "event", event)
        return Lifecycle(deadline, "stated", event)
    if recurring(text):  # ends when the text says (as an event does), else estimated
        end = series_end(text, posted)
        if end is not None:
            return Lifecycle(end, "event", event)
        return Lifecycle(posted + max(lifetime(labels, form), timedelta(days=SERIES_DAYS)),
                         "estimated", event)
    days = [d for d, _ in found if d >= posted]
    if event is not None:
        days.append(_local(event, zone).date())
    if days:
        return Lifecycle(min(days), "event", event)
    end = period_end(text, posted)
    if end is not None:
        return Lifecycle(end, "estimated", None)
    return Lifecycle(posted + lifetime(labels, form), "estimated", None)


def recurring(text: str) -> bool:
    """Whether the post offers something that repeats (a weekly group, monthly sessions)."""
    return _RECURRING.search(text) is not None


def series_end(text: str, posted: date) -> date | None:
    """The last day of a repeating schedule: the end of a period it names ("every Thursday
    this month") or of the month it runs in ("every Sunday in December")."""
    end = period_end(text, posted)
    if end is not None:
        return end
    for m in _IN_MONTH.finditer(text):
        month = _MONTHS.get(m["mon"].lower())
        if month is not None:
            year = posted.year + (month < posted.month)
            return date(year, month, calendar.monthrange(year, month)[1])
    return None


def event_at(text: str, posted_at: datetime, *, time_alone: bool = True) -> datetime | None:
    """When the event the post announces starts (UTC): a day and a time, or a time alone (the
    next such time, counting one that began up to three hours before the post; only with
    `time_alone`). None without a time."""
    zone = _zone_of(text) or _EASTERN
    posted_local = _local(posted_at, zone)
    return _event(text, posted_local, zone, _days(text, posted_local.date()), time_alone)


def _event(text: str, posted_local: datetime, zone: timezone | ZoneInfo,
           found: list[tuple[date, int]], time_alone: bool) -> datetime | None:
    """The start: the first time that has a day written within `NEAR` characters of it, on
    the nearest such day ("Session Date: Tuesday October 21 ... Time: 2:30 PM", not the
    "today" before it); else, where a time alone may date an event, the first time on the
    first day written, or on the next such time."""
    clocks = list(_TIME.finditer(text))
    for clock in clocks:
        near = [(abs(where - clock.start()), day) for day, where in found
                if abs(where - clock.start()) <= NEAR]
        if near:
            return datetime.combine(min(near)[1], _clock(clock), zone).astimezone(UTC)
    if not clocks or not time_alone:
        return None  # a day alone dates the call (`days_in`), not a start time; a time far
        # from any day ("4 years ago tomorrow ... at 6am") is no announced start
    clock = clocks[0]
    at = _clock(clock)
    if not found:
        start = datetime.combine(posted_local.date(), at, zone)
        if start < posted_local - timedelta(hours=3):
            start += timedelta(days=1)
        return start.astimezone(UTC)
    first = min(found, key=lambda f: f[1])[0]  # the day written first
    return datetime.combine(first, at, zone).astimezone(UTC)


def days_in(text: str, posted_at: datetime) -> list[date]:
    """Every day the text names, resolved against the post's date in the text's zone (no
    year: the next such day on or after it; a weekday: the next one, today included)."""
    posted = _local(posted_at, _zone_of(text) or _EASTERN).date()
    return [day for day, _ in _days(text, posted)]


def period_end(text: str, posted: date) -> date | None:
    """The last day of the first period the text names that ends on or after the post."""
    for m in _PERIOD.finditer(text):
        end = _period(m, posted)
        if end is not None and end >= posted:
            return end
    return None


def _period(m: re.Match[str], posted: date) -> date | None:
    if m["cycle1"]:
        first = int(m["cycle1"])
        second = 2000 + int(m["cycle2"][-2:])
        if second != first + 1 and second != first + 2:
            return None
        return date(second, 6, 30)  # a cycle or academic year ends in June
    if m["match"]:
        return date(int(m["match"]), 3, 31)  # the Match results come in March
    if m["season"] and not (m["which"] or m["syear"]):
        return None
    if m["season"]:
        month, day = _SEASON_END[m["season"].lower()]
        year = int(m["syear"]) if m["syear"] else posted.year
        if month == 2:
            year += 1 if m["syear"] or posted.month >= 9 else 0
            day = calendar.monthrange(year, 2)[1]
        end = date(year, month, day)
        if not m["syear"] and end < posted:
            end = date(year + 1, month, calendar.monthrange(year + 1, month)[1]
                       if month == 2 else day)
        return end
    span = (m["span"] or "").lower()
    if span == "month":
        return date(posted.year, posted.month, calendar.monthrange(posted.year, posted.month)[1])
    if span == "week":
        return posted + timedelta(days=6 - posted.weekday())
    if m["year_end"]:
        return date(posted.year, 12, 31)
    nxt = (m["next"] or "").lower()
    if nxt == "week":
        return posted + timedelta(days=13 - posted.weekday())
    if nxt == "month":
        year, month = (posted.year + 1, 1) if posted.month == 12 else (posted.year,
                                                                         posted.month + 1)
        return date(year, month, calendar.monthrange(year, month)[1])
    return None


def _zone_of(text: str) -> timezone | ZoneInfo | None:
    """The zone of the first time the text gives with one ("8pm ET")."""
    for clock in _TIME.finditer(text):
        zone = _ZONE.match(text, clock.end())
        if zone:
            return _ZONES[zone["zone"].lower()]
    return None


def _local(moment: datetime, zone: timezone | ZoneInfo | None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone or _EASTERN)


def _clock(m: re.Match[str]) -> time:
    if m["noon"]:
        return time(12, 0)
    if m["h24"]:
        return time(int(m["h24"]), int(m["min24"]))
    # "9-10pm": the start, in the half of the day its end names
    hour = int(m["h"]) % 12 + (12 if (m["ampm"] or m["ampm2"]).lower() == "p" else 0)
    return time(hour, int(m["min"] or 0))


def _days(text: str, posted: date) -> list[tuple[date, int]]:
    """(day, where in the text) for each day named, resolved against the post's date."""
    found: list[tuple[date, int]] = []
    taken: list[range] = []
    for form in _DAY_FORMS:
        for m in form.finditer(text):
            if any(m.start() in span for span in taken):
                continue
            if m.groupdict().get("wd") and any(m.end() <= at <= m.end() + 3 for _, at in found):
                continue  # "Thursday 27 August": the date says which Thursday
            if m.groupdict().get("a") and \
                    not _NUMERIC_CUE.search(text, max(0, m.start() - 14), m.start()) and \
                    not _TIME_AFTER.match(text, m.end()):
                continue  # "1/2 of", "10/10": a fraction or a score, not a day
            day = _day(m, posted)
            if day is not None:
                found.append((day, m.start()))
                taken.append(range(m.start(), m.end()))
    return found


def _ahead(day: date | None, posted: date, year: object) -> date | None:
    """A day without a year more than `YEARLESS_AHEAD` after the post is one just before it
    ("since 8/26"), not next year's: it dates nothing ahead."""
    if day is None or year or day - posted <= YEARLESS_AHEAD:
        return day
    return None


def _day(m: re.Match[str], posted: date) -> date | None:
    g = m.groupdict()
    if g.get("y"):
        return _resolve(int(g["m"]), int(g["d"]), int(g["y"]), None)
    if g.get("day") or g.get("day2"):
        year = g.get("year") or g.get("year2")
        month = _MONTHS.get(g["mon"].lower())
        if month is None:
            return None
        return _ahead(_resolve(month, int(g.get("day") or g["day2"]),
                               int(year) if year else None, posted), posted, year)
    if g.get("a"):
        year_text = g.get("c")
        year = None if not year_text else int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _ahead(_resolve(int(g["a"]), int(g["b"]), year, posted), posted, year)
    if g.get("wd"):
        wanted = _WEEKDAY_NAMES.index(g["wd"][:3].lower())
        ahead = (wanted - posted.weekday()) % 7
        if ahead == 0 and (g.get("next") or "").lower() == "next":
            ahead = 7
        return posted + timedelta(days=ahead)
    if g.get("rel"):
        return posted + timedelta(days=g["rel"].lower() in ("tomorrow", "tmrw"))
    return None
