"""Deadlines read from a post's text (see extract.py for the readings chosen).

`deadline_in` takes text already cleaned by extract's `_clean` and the gate strings present in
it (`GATE_STRINGS`, see `topics.Gated`); `extract.find_deadline` is the public entry.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Set as AbstractSet
from datetime import date, datetime, timedelta

from mentorfeed.classify.topics import Gated

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
        "jan january enero janvier janeiro", "feb february febrero février fevereiro",
        "mar march marzo mars março", "apr april abril avril", "may mayo mai maio",
        "jun june junio juin junho", "jul july julio juillet julho",
        "aug august agosto août", "sep sept september septiembre setiembre septembre setembro",
        "oct october octubre octobre outubro", "nov november noviembre novembre novembro",
        "dec december diciembre décembre dezembro"), start=1):
    _MONTHS.update(dict.fromkeys(_names.split(), _number))
_MONTH = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|º)?(?![\d/]|:\d)"
_YEAR = r"(?:,?\s*(?:de\s+)?(?P<year>20\d\d)\b)?"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10}

_DATE_FORMS = [re.compile(p, re.I) for p in (
    r"(?P<iso>(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d))\b",
    r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<c>\d{4}|\d\d))?(?![\d/])",
    _MONTH + r"\s+" + _DAY + r"\b" + _YEAR,
    r"(?:the\s+)?" + _DAY + r"\s+(?:of\s+|de\s+)?" + _MONTH + r"\b" + _YEAR,
    r"(?P<wd>mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b",
    r"the\s+(?P<dom>[0-3]?\d)(?:st|nd|rd|th)\b",
    r"(?:the\s+)?end\s+of\s+(?:(?P<this>the|this)\s+month|" + _MONTH + r")",
    r"(?P<rel>today|tonight|midnight tonight|tomorrow)\b",
)]
# What may stand between a cue and its date: "deadline is 5pm ET Friday", "by EOD 3/15".
_FILLER = re.compile(
    r"(?:[\s:,(\-\u2013\u2014]+|(?:is|was|now|on|el|le|à|at|to|till|this|apply|register|submit|"
    r"EOD|COB|end of day|"
    r"midnight|noon|11:59\s*pm|\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?|[ECMP][SD]?T)\b){0,8}", re.I)
_STRONG = Gated(
    r"\b(?:deadlines?|due|clos(?:es?|ing)|apply by|submit by|register by|sign[- ]?ups? close|"
    r"hard stop|cut-?off|last day|fecha l[íi]mite|plazo|hasta(?: el)?|date limite|"
    r"jusqu'?au|extended(?: from [^.!?\n]{1,25}? to| to| until| through)?|"
    r"extending(?: the deadline)? to|moved? to|moves to|pushed(?: back)? to|"
    r"open (?:until|through))\b", re.I)
_WEAK = Gated(r"\b(?:by|before|until|through|thru|antes del?|avant le)\b", re.I)
_PROMISE = Gated(r"\b(?:I'll|I will|we'll|we will|I'm|I am|we're|answer\w*|decisions?|"
                      r"notif\w*|hears? back|go(?:es)? out|results?|post(?:ed|ing)?|drops?|"
                      r"replied|applied)\b", re.I)
_EXTENDED = Gated(r"\b(?:extend\w*|moved?|moves|pushed|new deadline|now (?:due|close)"
                       r"|ampliamos|prorrog\w*)\b", re.I)
_COUNTDOWN = Gated(r"\b(\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                        r"(days?|weeks?)\s+(?:left|to go|remaining)\b", re.I)
_ROMANCE = Gated(r"\b(?:hasta|antes|fecha|del|para|jusqu|avant|até|prazo)\b", re.I)


def deadline_in(text: str, posted_at: datetime | None, found: AbstractSet[str]) -> date | None:
    """The date by which the reader must act, when the post states one unambiguously.

    A date counts only after a deadline cue ("apply by", "due", "closes", "until", ...); event
    dates ("session on 3/15", "tonight 9pm ET") do not. Several strong dates are ambiguous unless
    the post says the deadline was extended, in which case the latest one wins.
    """
    posted = posted_at.date() if posted_at else None
    strong_cues, weak_cues = _STRONG.pattern(found), _WEAK.pattern(found)
    countdown = _COUNTDOWN.full if posted is not None and _COUNTDOWN.pattern(found) else None
    if strong_cues is None and weak_cues is None and countdown is None:
        return None
    day_first = _day_first(text, found)
    promise = _PROMISE.pattern(found)
    dates: list[tuple[date, bool]] = []
    for strong, cues in ((True, strong_cues), (False, weak_cues)):
        for cue in cues.finditer(text) if cues is not None else ():
            if (not strong and promise is not None
                    and promise.search(_sentence_before(text, cue.start()))):
                continue
            relative = bool(re.search(r"clos|deadline|last day", cue[0], re.I))
            when = _date_at(text, cue.end(), posted, day_first, relative)
            if when is not None:
                dates.append((when, strong))
    if (not dates and posted is not None and countdown is not None
            and (count := countdown.search(text))):
        n = int(count[1]) if count[1].isdigit() else _NUMBER_WORDS[count[1].lower()]
        return posted + timedelta(days=n * (7 if count[2].lower().startswith("week") else 1))
    if not dates:
        return None
    if _EXTENDED.search(text, found):
        return max(when for when, _ in dates)
    best = {when for when, strong in dates if strong} or {when for when, _ in dates}
    return best.pop() if len(best) == 1 else None


def _sentence_before(text: str, end: int) -> str:
    """The sentence so far, at most 200 characters back (bounds the work on run-on text)."""
    start = max(end - 200, *(text.rfind(mark, 0, end) for mark in (". ", "! ", "? ", "\n", "; ")))
    return text[start + 1:end]


def _day_first(text: str, found: AbstractSet[str]) -> bool | None:
    """How the post writes numeric dates: day first, month first, or None when it mixes both."""
    pairs = [(int(a), int(b)) for a, b in re.findall(r"\b(\d{1,2})/(\d{1,2})\b", text)] \
        if "/" in text else []
    month_first = any(a <= 12 < b <= 31 for a, b in pairs)
    day_first = any(b <= 12 < a <= 31 for a, b in pairs)
    if month_first and day_first:
        return None
    return day_first or (not month_first and _ROMANCE.search(text, found))


def _date_at(text: str, pos: int, posted: date | None, day_first: bool | None,
             relative: bool = False) -> date | None:
    """The date written right after a cue (at `pos`, past any filler words), resolved.

    Today, tonight and tomorrow count only after "closes" or "deadline" ("reviews due today").
    """
    start = _FILLER.match(text, pos)
    pos = start.end() if start else pos
    for form in _DATE_FORMS:
        m = form.match(text, pos)
        if m is None:
            continue
        g = m.groupdict()
        if g.get("iso"):
            return _resolve(int(g["m"]), int(g["d"]), int(g["y"]), posted)
        if g.get("a"):
            first, second = int(g["a"]), int(g["b"])
            year = int(g["c"]) if g["c"] else None
            year = year + 2000 if year is not None and year < 100 else year
            if first <= 12 and second <= 12 and first != second and day_first is None:
                return None  # the post writes dates both ways: 5/4 could be either
            if first > 12 or (day_first and second <= 12):
                first, second = second, first
            return _resolve(first, second, year, posted)
        if g.get("mon") and g.get("day"):
            year = int(g["year"]) if g.get("year") else None
            return _resolve(_MONTHS[g["mon"].lower()], int(g["day"]), year, posted)
        if posted is None:
            return None
        if g.get("wd"):
            ahead = (_WEEKDAYS.index(g["wd"][:3].lower()) - posted.weekday() - 1) % 7 + 1
            return posted + timedelta(days=ahead)
        if g.get("dom"):
            return _next_day_of_month(int(g["dom"]), posted)
        if g.get("this") or g.get("mon"):
            month = posted.month if g.get("this") else _MONTHS[g["mon"].lower()]
            year = posted.year + (month < posted.month)
            return date(year, month, calendar.monthrange(year, month)[1])
        if g.get("rel") and relative:
            return posted + timedelta(days=g["rel"].lower() == "tomorrow")
    return None


def _resolve(month: int, day: int, year: int | None, posted: date | None) -> date | None:
    """A real date; without a year, the next one on or after the post's date (leap days too)."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if posted is None:
        return None
    for candidate in range(posted.year, posted.year + 9):
        try:
            when = date(candidate, month, day)
        except ValueError:
            continue
        if when >= posted:
            return when
    return None


def _next_day_of_month(day: int, posted: date) -> date | None:
    year, month = posted.year, posted.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= posted:
            return date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


GATE_STRINGS = frozenset().union(*(p.strings for p in (
    _STRONG, _WEAK, _PROMISE, _EXTENDED, _COUNTDOWN, _ROMANCE)))

# The days a post names (classify/lifecycle.py) are read with the same month names and the
# same rule for a date without a year.
MONTHS = _MONTHS
resolve_day = _resolve
