"""Browsing opportunities: the listing and detail that the web pages and the JSON API show.

One opportunity is one call (its first post stands for the group of posts that carry it).
Filters and sort orders run in the store; `sort="fit"` ranks the matching open calls with the
same scoring as `mentorfeed match`.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from mentorfeed import service
from mentorfeed.classify.eligibility import describe
from mentorfeed.classify.topics import TOPICS as TOPICS  # the topics the filters offer
from mentorfeed.config import Settings
from mentorfeed.errors import QueryError
from mentorfeed.models import Author, Classification, Opportunity, Post
from mentorfeed.service.posts import MOST_ROWS, open_store
from mentorfeed.store import Store, listing
from mentorfeed.store.store import file_identity
from mentorfeed.taxonomy import FORMS

if TYPE_CHECKING:
    from mentorfeed.match.profile import TraineeProfile
    from mentorfeed.match.rank import OpportunityMatch

SORTS = ("newest", "deadline", "fit")
MAX_PER_PAGE = 100
MAX_PAGE = 10_000  # a listing pages this deep; a later page is past its end
FIT_CANDIDATES = 2000  # the newest matching calls that `sort="fit"` ranks
SIMILAR = 5
TOPIC_MATCHES = ("all", "any")
# A listing counts its calls up to this many, for at most so many seconds of its thread's CPU
# (SQLite; PostgreSQL: of the server's clock); past either, `total` is None (the page is shown
# without a count rather than late).
COUNT_MOST = 1000
COUNT_SECONDS = 0.1


@dataclass(slots=True)
class OpportunityQuery:
    q: str | None = None  # full-text; same query language as `mentorfeed search`
    label: str | None = None  # taxonomy label
    audience: str | None = None
    topic: str | None = None
    # More topics: with topic_match "all" a call names every one (and `topic`); with "any",
    # one of them (or `topic`) is enough.
    topics: tuple[str, ...] = ()
    topic_match: str = "all"  # all | any
    form: str | None = None  # call | event | resource (taxonomy.md, "Form of an opportunity")
    platform: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive: posts of that day count
    open_only: bool = False  # not closed and deadline (if any) not passed
    due_within: int | None = None  # a deadline in the next so many days (from today)
    has_deadline: bool = False  # only calls that state a deadline
    sort: str = "newest"  # newest | deadline | fit
    # With sort="fit": also the calls that leave the trainee out, each saying why.
    everything: bool = False
    page: int = 1
    per_page: int = 20


@dataclass(slots=True)
class AuthorCard:
    platform: str
    author_id: str | None
    handle: str | None
    name: str | None
    role: str  # "unknown" when no profile was built for the author
    url: str | None
    bio: str | None
    followers: int | None


@dataclass(slots=True)
class OpportunityCard:
    id: str  # "platform:post_id"
    platform: str
    post_id: str
    url: str | None
    text: str
    created_at: datetime
    labels: list[str]
    deadline: date | None
    audience: list[str]
    contact: list[str]
    topics: list[str]
    links: list[dict[str, str]]  # {"url", "kind"}
    state: str  # open | closed | expired
    author: AuthorCard | None
    posts_in_group: int = 1
    form: str | None = None  # call | event | resource; None if classified before forms
    fit: float | None = None
    fit_reasons: list[str] = field(default_factory=list)
    # The last day a trainee can act on it, and how that is known: stated (its deadline), event
    # (a day its text names) or estimated (a period or a lifetime by kind; "open until about
    # ..., no deadline stated"). `event_at`: when its event starts, if its text says.
    open_until: date | None = None
    open_until_basis: str | None = None
    event_at: datetime | None = None
    eligibility: list[str] = field(default_factory=list)  # who may take it, as the post says
    not_for_you: str | None = None  # why the trainee is left out (fit order, everything shown)


@dataclass(slots=True)
class ThreadPost:
    """One post of a call's group: the call itself, its follow-ups, reposts and quotes."""

    id: str
    platform: str
    post_id: str
    url: str | None
    text: str
    created_at: datetime
    labels: list[str]
    author: AuthorCard | None


@dataclass(slots=True)
class OpportunityPage:
    items: list[OpportunityCard]
    page: int
    per_page: int
    has_next: bool
    total: int | None  # None past COUNT_MOST calls or COUNT_SECONDS of counting
    more_than: int | None = None  # COUNT_MOST when more calls than that match


@dataclass(slots=True)
class OpportunityDetail:
    card: OpportunityCard
    thread: list[ThreadPost]
    similar: list[OpportunityCard]
    # The post the call replies to, when the store holds it: a reply ("Yes, DM me!") means
    # little without the question it answers.
    parent: ThreadPost | None = None
    # Whether the poster has a mentor page (a stored profile, not opted out).
    author_listed: bool = False


_stores: dict[str, tuple[Store, Hashable]] = {}
_lock = threading.Lock()


def _as_of(settings: Settings) -> datetime:
    """`api.as_of`, with the newest post's time kept until the store changes."""
    from mentorfeed.service.people import moment_after

    store = store_for(settings)
    return moment_after(service.cache.remembered(
        store, ("newest post",), lambda: store.newest_post_time()))


def as_of(settings: Settings) -> datetime:
    """The moment the listings' states are worked out at: an event before it is ahead, one
    after it has happened (`service.people.as_of`, kept until the store changes)."""
    return _as_of(settings)


def store_for(settings: Settings) -> Store:
    """One open store per database for the life of the process: opening one checks the
    migrations, which costs more than a page of results. A SQLite store rebuilt at the same
    path (`mentorfeed demo` does) is opened afresh."""
    url = settings.database_url
    identity = file_identity(url)
    found = _stores.get(url)
    if found is not None and found[1] == identity:  # the usual case needs no lock
        return found[0]
    with _lock:
        found = _stores.get(url)
        if found is not None and found[1] == identity:
            return found[0]
        if found is not None:
            found[0].close()
        store = Store(url)
        _stores[url] = (store, file_identity(url))
        return store


def close_stores(*, keep: Store | None = None) -> None:
    """Close the stores `store_for` opened (all but `keep`, which its owner closes)."""
    with _lock:
        for store, _ in _stores.values():
            if store is not keep:
                store.close()
        _stores.clear()


def use_store(store: Store) -> None:
    """Serve the database of `store` from this open store (a caller that already holds one, such
    as a test or an embedding application, hands it in rather than having another opened)."""
    with _lock:
        found = _stores.get(store.url)
        if found is not None and found[0] is not store:
            found[0].close()
        _stores[store.url] = (store, file_identity(store.url))


def parse_id(opportunity_id: str) -> tuple[str, str] | None:
    platform, sep, post_id = opportunity_id.partition(":")
    return (platform, post_id) if sep and platform and post_id else None


def _filters(query: OpportunityQuery, today: datetime) -> listing.Filters:
    def midnight(day: date | None) -> datetime | None:
        return datetime.combine(day, time(), UTC) if day else None

    # The day after `until`, as its posts count; the last day a date can hold has no day
    # after it, and nothing can be posted later, so it bounds nothing (not a 500).
    until = query.until + timedelta(days=1) if query.until and query.until < date.max else None
    topics = tuple(dict.fromkeys(t for t in (query.topic, *query.topics) if t))
    any_topic = query.topic_match == "any" and len(topics) > 1
    return listing.Filters(
        today=today.date(), q=query.q, label=query.label, audience=query.audience,
        topic=None if any_topic or not topics else topics[0],
        topics=topics if any_topic else topics[1:], any_topic=any_topic,
        form=query.form, platform=query.platform,
        since=midnight(query.since),
        until=midnight(until), state="open" if query.open_only else None,
        due_within=_within_calendar(today.date(), query.due_within),
        has_deadline=query.has_deadline)


def check_dates(query: OpportunityQuery) -> None:
    """Raise QueryError when the from date is after the to date: nothing could match, and a
    person who swapped them should hear so rather than see an empty list."""
    if query.since and query.until and query.since > query.until:
        raise QueryError(
            f"The from date ({query.since.isoformat()}) is after the to date "
            f"({query.until.isoformat()}), so nothing could match; swap them or clear one.")


def list_opportunities(settings: Settings, query: OpportunityQuery, *,
                       trainee: TraineeProfile | None = None,
                       today: datetime | None = None) -> OpportunityPage:
    """A page of opportunities matching `query`. Raises ValueError for an unknown sort and
    QueryError for a search with nothing to look for or dates that exclude each other.
    Answers are kept while the store is unchanged (service.cache.py): treat them as
    read-only."""
    if query.sort not in SORTS:
        raise ValueError(f"unknown sort {query.sort!r}; use one of {', '.join(SORTS)}")
    if query.topic_match not in TOPIC_MATCHES:
        raise ValueError(f"unknown topic_match {query.topic_match!r}; use all or any")
    check_dates(query)
    now = today or _as_of(settings)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    key = ("list", query.q, query.label, query.audience, query.topic, query.topics,
           query.topic_match, query.form, query.platform, query.since, query.until,
           query.open_only, query.due_within, query.has_deadline, query.sort, page,
           per_page, now.date(), repr(trainee) if query.sort == "fit" else None,
           query.everything)
    return service.cache.remembered(store_for(settings), key, lambda: _listing(
        settings, query, trainee, now, page, per_page))


# Listings that run their queries at the same time. More would not finish sooner on a few
# cores; they would take more connections than the store's pool keeps (5), and connections
# opened beyond it are closed again after one use, each new one starting with a cold cache.
_running = threading.BoundedSemaphore(4)


def _listing(settings: Settings, query: OpportunityQuery, trainee: TraineeProfile | None,
             now: datetime, page: int, per_page: int) -> OpportunityPage:
    filters = _filters(query, now)
    store = store_for(settings)
    with _running:
        if query.sort == "fit" and trainee is not None:
            return _by_fit(store, filters, trainee, now, page, per_page,
                           everything=query.everything)
        sort = "newest" if query.sort == "fit" else query.sort
        counted = store.listing_count(filters, most=COUNT_MOST + 1, seconds=COUNT_SECONDS)
        total = counted if counted is not None and counted <= COUNT_MOST else None
        offset = (page - 1) * per_page
        past_end = page > MAX_PAGE or (total is not None and offset >= total)
        rows = [] if past_end else store.listing_page(filters, sort=sort, offset=offset,
                                                      limit=per_page + 1)
    cards = [_card(row) for row in rows[:per_page]]
    more = COUNT_MOST if counted is not None and counted > COUNT_MOST else None
    return OpportunityPage(cards, page, per_page, len(rows) > per_page, total, more)


def best_fits(settings: Settings, trainee: TraineeProfile, *, limit: int = 10,
              today: datetime | None = None) -> list[OpportunityMatch]:
    """The open calls that fit the trainee best, with reasons, among the newest
    FIT_CANDIDATES (what the Opportunities page's "fit" order ranks), as of `today`."""
    now = today or _as_of(settings)
    with _running:
        return fitting(store_for(settings), trainee, now)[:limit]


def fitting(store: Store, trainee: TraineeProfile, now: datetime) -> list[OpportunityMatch]:
    """Every open call among the newest FIT_CANDIDATES that fits the trainee, best first, as
    of `now`: what the web's "fit" order and `mentorfeed match` rank."""
    return _fits(store, listing.Filters(today=now.date(), state="open"), trainee, now)[1]


def left_out_calls(store: Store, trainee: TraineeProfile, now: datetime
                   ) -> list[tuple[Opportunity, str]]:
    """The open calls among the newest FIT_CANDIDATES that are never offered to the trainee,
    each with why (`mentorfeed match --everything` shows them)."""
    from mentorfeed.match.rank import left_out

    filters = listing.Filters(today=now.date(), state="open", posted_by=now)
    found = []
    for row in store.listing_candidates(filters, limit=FIT_CANDIDATES):
        call = _as_opportunity(row)
        if call.post.created_at <= now and (reason := left_out(call, trainee)) is not None:
            found.append((call, reason))
    return found


def _fits(store: Store, filters: listing.Filters, trainee: TraineeProfile, now: datetime
          ) -> tuple[list[dict[str, Any]], list[OpportunityMatch]]:
    """The candidate rows, and those the ranker finds fitting, best first."""
    from mentorfeed.match.rank import rank_opportunities

    filters.posted_by = now
    rows = store.listing_candidates(filters, limit=FIT_CANDIDATES)
    return rows, rank_opportunities(
        trainee, [_as_opportunity(row) for row in rows], today=now,
        limit=len(rows))


def _by_fit(store: Store, filters: listing.Filters, trainee: TraineeProfile,
            now: datetime, page: int, per_page: int, *, everything: bool = False
            ) -> OpportunityPage:
    """The matching calls the ranker finds fitting, best first, then the others, newest
    first (closed, expired or stale calls get no fit score); cards for one page only. Calls
    that leave the trainee out (their own, or not for their stage, background or language)
    are hidden, or with `everything` shown last, each saying why."""
    from mentorfeed.match.rank import left_out

    rows, matches = _fits(store, filters, trainee, now)
    by_key = {(row["platform"], row["post_id"]): row for row in rows}
    fits = {found.key: found for found in matches}
    ordered = [by_key.pop(found.key) for found in matches]
    why_not: dict[tuple[str, str], str] = {}
    for key, row in by_key.items():
        if (reason := left_out(_as_opportunity(row), trainee)) is not None:
            why_not[key] = reason
    ordered += [row for key, row in by_key.items() if key not in why_not]
    if everything:
        ordered += [by_key[key] for key in why_not]
    start = (page - 1) * per_page if page <= MAX_PAGE else len(ordered)
    cards = []
    for row in ordered[start:start + per_page]:
        card = _card(row)
        card.not_for_you = why_not.get((row["platform"], row["post_id"]))
        if (found := fits.get((row["platform"], row["post_id"]))) is not None:
            card.fit = found.score
            card.fit_reasons = [reason.text for reason in found.reasons]
        cards.append(card)
    return OpportunityPage(cards, page, per_page, start + per_page < len(ordered), len(ordered))


def get_opportunity(settings: Settings, opportunity_id: str, *,
                    today: datetime | None = None) -> OpportunityDetail | None:
    """A call with all its posts and a few similar open calls; `opportunity_id` may name any
    post of the call. None if there is no such opportunity."""
    key = parse_id(opportunity_id)
    if key is None:
        return None
    with _running:
        return _detail(settings, key, today or _as_of(settings))


def _detail(settings: Settings, key: tuple[str, str], now: datetime
            ) -> OpportunityDetail | None:
    store = store_for(settings)
    rows = store.listing_heads(*key, now.date())
    if not rows:
        return None
    card = _card(rows[0])
    members = store.listing_thread(rows[0]["pk"])
    thread = [ThreadPost(f"{r['platform']}:{r['post_id']}", r["platform"], r["post_id"],
                         r["url"], r["text"], r["created_at"], _strings(r["labels"]),
                         _author(r)) for r in members]
    listed = card.author is not None and card.author.author_id is not None and \
        store.mentor(card.platform, card.author.author_id) is not None
    return OpportunityDetail(card, thread, _similar(store, card, now), _parent(store, card),
                             listed)


def _parent(store: Store, card: OpportunityCard) -> ThreadPost | None:
    """The stored post the call's first post replies to."""
    head = store.get_post(card.platform, card.post_id)
    if head is None or not head.reply_to:
        return None
    parent = store.get_post(card.platform, head.reply_to)
    if parent is None:
        return None
    who = parent.author
    profile = store.mentor(parent.platform, parent.author_id) if parent.author_id else None
    author = None if who is None else AuthorCard(
        parent.platform, parent.author_id, who.handle, who.name,
        profile.role if profile else "unknown", who.url, who.bio, who.followers)
    return ThreadPost(f"{parent.platform}:{parent.id}", parent.platform, parent.id, parent.url,
                      parent.text, parent.created_at, [], author)


def _similar(store: Store, card: OpportunityCard, now: datetime) -> list[OpportunityCard]:
    """Open calls of the same kind, on a shared topic when the call names one, newest first."""
    if not card.labels:
        return []
    found: list[OpportunityCard] = []
    for topic in [*card.topics[:2], None]:
        filters = listing.Filters(today=now.date(), label=card.labels[0], topic=topic,
                                  state="open")
        for row in store.listing_page(filters, limit=SIMILAR + 1):
            other = _card(row)
            if other.id != card.id and all(other.id != f.id for f in found):
                found.append(other)
        if len(found) >= SIMILAR:
            break
    return found[:SIMILAR]


def _author(row: dict[str, Any]) -> AuthorCard | None:
    if row["author_id"] is None:
        return None
    return AuthorCard(row["platform"], row["author_id"], row["author_handle"],
                      row["author_name"], row["author_role"] or "unknown", row["author_url"],
                      row["author_bio"], row["author_followers"])


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _card(row: dict[str, Any]) -> OpportunityCard:
    extract = row["extract"] or {}
    links = [{"url": str(link.get("url", "")), "kind": str(link.get("kind", ""))}
             for link in row["links"] or [] if isinstance(link, dict)]
    return OpportunityCard(
        id=f"{row['platform']}:{row['post_id']}", platform=row["platform"],
        post_id=row["post_id"], url=row["url"], text=row["text"], created_at=row["created_at"],
        labels=_strings(row["labels"]), deadline=row["group_deadline"],
        audience=_strings(extract.get("audience")), contact=_strings(extract.get("contact")),
        topics=_strings(extract.get("topics")), links=links, state=row["state"],
        author=_author(row), posts_in_group=row["posts_in_group"],
        form=form if (form := extract.get("form")) in FORMS else None,
        open_until=row.get("open_until") or row["group_deadline"],
        open_until_basis=row.get("open_until_basis") or (
            "stated" if row["group_deadline"] else None),
        event_at=_aware(row.get("event_at")), eligibility=describe(row.get("eligibility")))


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives times back without their zone; the store writes them in UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _as_opportunity(row: dict[str, Any]) -> Opportunity:
    """The store's Opportunity shape, which the ranker reads."""
    author = None if row["author_id"] is None else Author(
        row["platform"], row["author_id"], row["author_handle"] or "")
    post = Post(platform=row["platform"], id=row["post_id"], url=row["url"],
                author_id=row["author_id"], text=row["text"], created_at=row["created_at"],
                author=author)
    found = Classification(row["labels"] or [], {}, row["extract"] or {},
                           row["links"] or [], "", "", eligibility=row.get("eligibility") or {})
    return Opportunity(post, found, [post], row["group_deadline"], row["state"],
                       row.get("open_until") or row["group_deadline"],
                       row.get("open_until_basis"))


def opportunities(settings: Settings, *, label: str | None = None, audience: str | None = None,
                  topic: str | None = None, form: str | None = None,
                  platform: str | None = None, state: str | None = None,
                  due_within: int | None = None, since: datetime | None = None,
                  until: datetime | None = None, posted_by: datetime | None = None,
                  today: date | None = None, limit: int = 50) -> list[Opportunity]:
    """The newest opportunities, one per call, with their state and all their posts: the
    listing the pages show, with its states as of `today` (default: `as_of` the store, as the
    pages read it). `until` leaves out posts from that moment on; `posted_by` reads the store
    as of that moment (a call closed later is still open then)."""
    from mentorfeed.service.people import moment_after

    if state is not None and state not in listing.STATES:
        raise ValueError(f"unknown state {state!r}; use one of {', '.join(listing.STATES)}")
    with open_store(settings) as store:
        day = today or moment_after(store.newest_post_time()).date()
        filters = listing.Filters(
            today=day, label=label, audience=audience, topic=topic, form=form,
            platform=platform, since=since, until=until, state=state,
            due_within=_within_calendar(day, due_within), posted_by=posted_by)
        return store.opportunities(filters, limit=min(limit, MOST_ROWS))


def _within_calendar(today: date, days: int | None) -> int | None:
    """`days` from `today`, kept within the dates Python can hold: `--due-within 3000000`
    means every deadline to come, not an OverflowError."""
    if days is None:
        return None
    return max((date.min - today).days, min(days, (date.max - today).days))

