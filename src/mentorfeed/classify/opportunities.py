"""Opportunities, not posts: the posts that carry the same call are grouped into one opportunity.

A call reposted, quoted, continued or extended in a reply by its author, cross-posted on another
platform, posted again with other words and the same form or program link (or, by its author
within days, naming the same program), or re-announced later is one opportunity. A
journal-club session is one opportunity: its announcements, the host's welcome, prompts and
replies, and the answers posted during it.

A program's call for a new cycle ("2024-25" after "2019-21"), or one posted more than
`SAME_CYCLE_WITHIN` after the other, is another opportunity even with the same apply link.

It is closed once its author says so (a reply or quote such as "spots filled, thank you all")
after the call's newest post: "matching is done" closes the cycle it follows, never a later one.
Past its `open_until` (classify/lifecycle.py: a stated deadline, an event's day or a lifetime)
it is expired.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from mentorfeed.classify.extract import link_kind
from mentorfeed.classify.lifecycle import lifecycle

_WORD = re.compile(r"[^\W\d_]{3,}")
_NOISE = re.compile(r"https?://\S+|[#@][\w.@-]+")
_CALL_LINKS = {"form", "spreadsheet", "program"}
SAME_AUTHOR_SIMILARITY = 0.5
REANNOUNCE_WITHIN = timedelta(days=120)
CROSS_POST_WITHIN = timedelta(days=30)
CROSS_POST_SIMILARITY = 0.7
SAME_CYCLE_WITHIN = timedelta(days=270)  # the same link further apart: another cycle
SESSION_GAP = timedelta(hours=6)  # a journal club's posts come at most this far apart
# A named round: "2024-25", "Match 2025" or "the 2025 cycle" (the 2024-25 cycle), "spring 2023".
_CYCLE = re.compile(r"\b(?P<first>20\d\d)\s*[-\u2013/]\s*(?:20)?\d\d\b"
                    r"|\b(?:match|eras|cycle|class of)\s+(?P<match>20\d\d)\b"
                    r"|\b(?P<cycle>20\d\d)\s+(?:application\s+|match\s+)?cycle\b"
                    r"|\b(?P<season>spring|summer|fall|autumn|winter)\s+(?:of\s+)?(?P<year>20\d\d)\b",
                    re.I)
_HASHTAG = re.compile(r"#(\w+)")
SAME_PROGRAM_WITHIN = timedelta(days=14)  # one author naming one program again, in other words
# A program's name: capitalised words ending in what programs are called ("Skin Pathways
# Mentorship", "Derm Mentorship Network", "Future Dermatologists Scholarship").
_PROGRAM_NAME = re.compile(
    r"\b((?:[A-Z][\w'\u2019&.-]*\s+(?:(?:of|for|in|and)\s+)?){1,5}"
    r"(?:Program(?:me)?|Mentorship|Mentoring|Scholarship|Fellowship|Network|Pathways?|"
    r"Initiative|Awards?|Circles?|Academy|Institute|Clerkship|Externship|Bootcamp|Cohort))s?\b")
_GENERIC_NAME_WORDS = frozenset({
    "the", "our", "a", "an", "this", "new", "summer", "research", "visiting", "student",
    "students", "medical", "derm", "dermatology", "mentorship", "mentoring", "program",
    "programme", "scholarship", "fellowship", "network", "pathway", "pathways", "initiative",
    "award", "awards", "circle", "circles", "academy", "institute", "clerkship", "externship",
    "bootcamp", "cohort", "diversity", "urim", "urm", "of", "for", "in", "and", "apply",
    "applications"})


@dataclass(slots=True)
class Item:
    """What grouping needs to know about one stored post."""

    pk: int
    author_id: str | None
    created_at: datetime
    text: str
    urls: list[str] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)  # pks it replies to, quotes or reposts
    is_repost: bool = False
    is_opportunity: bool = False
    closes_call: bool = False
    deadline: date | None = None
    labels: list[str] = field(default_factory=list)
    form: str | None = None  # call, event or resource
    cycle: str | None = field(init=False, default=None)  # the round it names (`_cycle_of`)

    def __post_init__(self) -> None:
        self.cycle = _cycle_of(self.text)

    @property
    def session(self) -> bool:
        return "journal_club" in self.labels


def _cycle_of(text: str) -> str | None:
    """The round a post names: a cycle by its first year ("2024-25", "Match 2025": 2024) or a
    season's cohort ("spring 2023")."""
    m = _CYCLE.search(text)
    if m is None:
        return None
    if m["first"]:
        return m["first"]
    if m["season"]:
        return f"{m['season'].lower().replace('autumn', 'fall')} {m['year']}"
    return str(int(m["match"] or m["cycle"]) - 1)


@dataclass(slots=True)
class Group:
    pk: int  # the opportunity's first post
    members: list[int]
    deadline: date | None
    closed: bool
    open_until: date | None = None  # the last day a trainee can act on it
    open_until_basis: str | None = None  # stated | event | estimated
    event_at: datetime | None = None

    def state(self, today: date) -> str:
        """closed (its author said so), expired (past `open_until`, else its deadline) or open:
        the rule store/listing.py's `_state` applies in SQL."""
        if self.closed:
            return "closed"
        until = self.open_until or self.deadline
        if until is not None and until < today:
            return "expired"
        return "open"


class _Sets:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(_NOISE.sub(" ", text)))


def _similar(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    return bool(a) and bool(b) and len(a & b) / len(a | b) >= threshold


def group(items: Sequence[Item]) -> list[Group]:
    """Group opportunity posts, and the posts that repost, quote or close them."""
    by_pk = {i.pk: i for i in items}
    sets = _Sets()
    opportunities = [i for i in items if i.is_opportunity]
    # Reposts, quotes and the author's own replies belong to what they point at.
    for item in items:
        for ref in item.refs:
            target = by_pk.get(ref)
            if target is None:
                continue
            same_author = target.author_id is not None and target.author_id == item.author_id
            if item.is_opportunity and target.is_opportunity and not _same_cycle(item, target):
                continue  # "we are back for 2024-25" quoting the 2019 call: a new cycle
            # Reposts and quotes of a call, and the author's own thread around it (follow-ups,
            # extensions, "spots filled") belong to it.
            if item.is_repost or same_author or (target.is_opportunity and (
                    item.is_opportunity or item.closes_call)):
                sets.union(item.pk, target.pk)
    # The same call link in two opportunity posts: a cross-post or a re-announcement.
    # A round lasts while the posts keep coming and name no other round than the first named.
    by_link: dict[str, tuple[int, str | None]] = {}  # link -> its latest post, its round
    for item in sorted(opportunities, key=lambda i: (i.created_at, i.pk)):
        cycle = item.cycle
        for key in _link_keys(item):
            latest, named = by_link.get(key, (None, None))
            if latest is not None and _same_cycle(item, by_pk[latest]) and \
                    (cycle is None or named is None or cycle == named):
                sets.union(item.pk, latest)
                by_link[key] = (item.pk, named or cycle)
            else:
                by_link[key] = (item.pk, cycle)
    # The same author announcing much the same call again.
    by_author: dict[str, list[Item]] = defaultdict(list)
    for item in opportunities:
        if item.author_id:
            by_author[item.author_id].append(item)
    for posts in by_author.values():
        words = [_words(p.text) for p in posts]
        names = [_program_names(p.text) for p in posts]
        for i, first in enumerate(posts):
            for j in range(i + 1, len(posts)):
                close_in_time = abs(posts[j].created_at - first.created_at) <= REANNOUNCE_WITHIN
                if first.session and posts[j].session:
                    continue  # a club's posts look alike every month: sessions join them
                if close_in_time and _same_cycle(first, posts[j]) and (
                        _similar(words[i], words[j], SAME_AUTHOR_SIMILARITY)
                        or (names[i] & names[j] and abs(posts[j].created_at - first.created_at)
                            <= SAME_PROGRAM_WITHIN)):
                    sets.union(first.pk, posts[j].pk)
    _sessions(opportunities, sets)
    # The same text under another account (a cross-post on a second platform): its longest
    # words, which survive a handle or hashtag changed for the other platform, are the same.
    by_signature: dict[tuple[str, ...], Item] = {}
    for item in opportunities:
        vocabulary = _words(item.text)
        if len(vocabulary) < 6:
            continue
        signature = tuple(sorted(sorted(vocabulary, key=lambda w: (-len(w), w))[:6]))
        earlier = by_signature.get(signature)
        if earlier and abs(item.created_at - earlier.created_at) <= CROSS_POST_WITHIN and \
                _similar(vocabulary, _words(earlier.text), CROSS_POST_SIMILARITY):
            sets.union(item.pk, earlier.pk)
        by_signature[signature] = item
    return _collect(items, sets)


def _same_cycle(a: Item, b: Item) -> bool:
    """Two posts of one call may share a link only within a cycle: the same named cycle (or
    none named) and less than `SAME_CYCLE_WITHIN` apart."""
    if abs(a.created_at - b.created_at) > SAME_CYCLE_WITHIN:
        return False
    return a.cycle is None or b.cycle is None or a.cycle == b.cycle


def _link_keys(item: Item) -> set[str]:
    """The item's form, spreadsheet and program links, by host and path: the same link
    written with or without "www.", "https", a query or a fragment is one link."""
    keys = set()
    for url in item.urls:
        if link_kind(url) in _CALL_LINKS:
            bare = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").lower()
            keys.add(bare.split("://", 1)[-1].removeprefix("www."))
    return keys


def _sessions(opportunities: Sequence[Item], sets: _Sets) -> None:
    """A journal-club session is one opportunity: the host's posts made during it (welcome,
    prompts, replies) come at most `SESSION_GAP` apart; an announcement whose event starts
    within that gap of them, and other people's journal-club posts with the session's hashtag
    while it runs, belong to it."""
    by_host: dict[str, list[Item]] = defaultdict(list)
    for item in opportunities:
        if item.session and item.author_id:
            by_host[item.author_id].append(item)
    starts = {p.pk: _event_start(p) for posts in by_host.values() for p in posts}
    windows: dict[str, list[tuple[datetime, datetime, int, int]]] = defaultdict(list)
    for host_posts in by_host.values():
        host_posts.sort(key=lambda p: p.created_at)
        runs: list[list[Item]] = []
        for item in host_posts:
            if starts[item.pk] is not None:
                continue  # an announcement: joined to its session below
            if runs and item.created_at - runs[-1][-1].created_at <= SESSION_GAP:
                runs[-1].append(item)
            else:
                runs.append([item])
        for run in runs:
            for item in run[1:]:
                sets.union(run[0].pk, item.pk)
            window = (run[0].created_at - SESSION_GAP, run[-1].created_at + SESSION_GAP,
                      len(run), run[0].pk)
            for tag in frozenset().union(*(_tags(p) for p in run)):
                windows[tag].append(window)
        # Announcements of one session (the same start) are one; the host's posts from an
        # announcement until its session ends (replies to questions, the session itself)
        # belong to the first session announced then.
        announced: dict[datetime, Item] = {}
        for item in host_posts:
            start = starts[item.pk]
            if start is None:
                continue
            same = next((a for when, a in announced.items()
                         if abs(when - start) <= SESSION_GAP), None)
            if same is not None:
                sets.union(item.pk, same.pk)
            else:
                announced[start] = item
        for run in runs:
            ahead = [(when, a) for when, a in announced.items()
                     if a.created_at <= run[0].created_at <= when + SESSION_GAP]
            if ahead:
                sets.union(min(ahead, key=lambda found: found[0])[1].pk, run[0].pk)
    # Other people's posts during a session join the largest session then running (the
    # host's), found by hashtag and time.
    for found in windows.values():
        found.sort()
    begins = {tag: [w[0] for w in found] for tag, found in windows.items()}
    longest = {tag: max(w[1] - w[0] for w in found) for tag, found in windows.items()}
    for item in opportunities:
        if not item.session or (starts[item.pk] if item.pk in starts
                                else _event_start(item)) is not None:
            continue  # an announcement
        running = []
        for tag in _tags(item) & windows.keys():
            k = bisect_right(begins[tag], item.created_at) - 1
            while k >= 0 and windows[tag][k][0] >= item.created_at - longest[tag]:
                if windows[tag][k][1] >= item.created_at:
                    running.append(windows[tag][k])
                k -= 1
        if running:
            sets.union(item.pk, max(running, key=lambda w: (w[2], -w[3]))[3])


def _event_start(item: Item) -> datetime | None:
    """When the session an announcement announces starts: an event day ahead of the post."""
    if item.form not in (None, "event"):
        return None
    found = lifecycle(item.text, item.created_at, item.labels, "event").event_at
    if found is None or found < item.created_at + timedelta(hours=1):
        return None  # a time alone, or one already begun: a post made during the session
    return found


def _program_names(text: str) -> frozenset[str]:
    """The programs the text names, lower-cased; a name of only generic words ("Summer
    Research Program") names no one program."""
    found = set()
    for m in _PROGRAM_NAME.finditer(text):
        name = " ".join(m[1].lower().replace("\u2019", "'").split())
        if set(re.findall(r"[\w'&.-]+", name)) - _GENERIC_NAME_WORDS:
            found.add(name)
    return frozenset(found)


def _tags(item: Item) -> frozenset[str]:
    return frozenset(t.lower() for t in _HASHTAG.findall(item.text))


def _collect(items: Sequence[Item], sets: _Sets) -> list[Group]:
    members: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        members[sets.find(item.pk)].append(item)
    groups = []
    for posts in members.values():
        calls = [p for p in posts if p.is_opportunity]
        if not calls:
            continue
        first = min(calls, key=lambda p: (p.created_at, p.pk))
        authors = {p.author_id for p in calls if p.author_id}
        deadlines = [p.deadline for p in calls if p.deadline]
        newest = max(p.created_at for p in calls)
        # A closing word after the call's newest post closes it; one before it was about
        # an earlier round (the call was posted again after it).
        closed = any(p.closes_call and p.author_id in authors and p.created_at >= newest
                     for p in posts)
        deadline = max(deadlines) if deadlines else None
        lives = [lifecycle(p.text, p.created_at, p.labels, p.form, deadline) for p in calls]
        # A day a post names says more than an estimate: a guest's "I'll stay after the chat"
        # ends with the chat.
        dated = [life for life in lives if life.basis != "estimated"] or lives
        last = max(dated, key=lambda life: life.open_until)
        event_at = min((life.event_at for life in lives
                        if life.event_at is not None and life.event_at >= first.created_at),
                       default=None)
        groups.append(Group(first.pk, sorted(p.pk for p in posts), deadline, closed,
                            last.open_until, last.basis, event_at))
    return groups
