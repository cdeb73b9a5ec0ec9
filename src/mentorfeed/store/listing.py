"""The one listing of opportunities, behind the CLI, the pages, the JSON API, the Atom feed and
matching: one opportunity per call (its first post), filtered, sorted and paged in SQL so that
a page costs the same on a million posts as on a thousand.

A call's deadline is the latest deadline any of its posts gives; its state is closed (its author
said so), expired (its `open_until` passed: a stated deadline, an event's day or its lifetime,
classify/lifecycle.py; the deadline for a store not regrouped since 0012) or open (`_state`,
the one place that says so).

A page is found in two steps: first the keys of its calls, walking narrow indexes in the page's
order (no post text, author or deadline is read for the calls skipped or left out), then what
the cards show, for those calls only. With a label, audience, topic or form, the walk starts
from that facet's posts in time order (`post_facets` keeps each post's time for it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    FromClause,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.exc import DBAPIError, OperationalError

from mentorfeed.models import Classification, Opportunity
from mentorfeed.store import search
from mentorfeed.store.rows import posts_with_authors, to_post, utc
from mentorfeed.store.schema import (
    author_profiles,
    authors,
    classifications,
    post_facets,
    posts,
)

SORTS = ("newest", "deadline")
STATES = ("open", "closed", "expired")
BATCH = 10_000  # calls one query reads (SQLite takes 32,766 parameters)


def _head(table: FromClause) -> ColumnElement[Any]:
    """The first post of the call a classified post carries: grouping points every member at
    it (itself too) through `opportunity_pk`; a post never grouped stands alone."""
    return func.coalesce(table.c.opportunity_pk, table.c.post_pk)


_member = classifications.alias("member")
_dated = classifications.alias("dated")  # the post of a call that gives its deadline
_tie = classifications.alias("tie")
_DATED_HEAD = _head(_dated)
# The latest deadline of the call's posts: an index lookup (`opportunity_pk` is indexed with
# the deadline).
group_deadline: ColumnElement[Any] = func.coalesce(
    select(func.max(_member.c.deadline))
    .where(_member.c.opportunity_pk == classifications.c.post_pk)
    .scalar_subquery(),
    classifications.c.deadline)
# The last day a trainee can act on the call (grouping sets it on the call's first post).
open_until: ColumnElement[Any] = func.coalesce(classifications.c.open_until, group_deadline)


@dataclass(slots=True)
class Filters:
    """What to list; `today` decides which deadlines have passed."""

    today: date
    q: str | None = None
    label: str | None = None
    audience: str | None = None
    topic: str | None = None
    form: str | None = None  # call, event or resource
    platform: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # posted before this moment
    state: str | None = None  # open, closed or expired
    due_within: int | None = None  # a deadline in the next so many days
    has_deadline: bool = False  # only calls that state a deadline
    # More topics than `topic`: with `any_topic`, a call on any of them passes; otherwise a
    # call must name every one (and `topic` too).
    topics: tuple[str, ...] = ()
    any_topic: bool = False
    # As of this moment: what was posted later is left out, and a call is closed only if the
    # post that closed it was written by then.
    posted_by: datetime | None = None


def _state(filters: Filters) -> ColumnElement[str]:
    """A call's state: closed (its author said so), expired (past `open_until`) or open."""
    closed: ColumnElement[bool] = classifications.c.closed
    if filters.posted_by is not None:
        closer, closer_post = classifications.alias("closer"), posts.alias("closer_post")
        closed = exists().where(closer.c.opportunity_pk == classifications.c.post_pk,
                                closer.c.closes_call, closer_post.c.pk == closer.c.post_pk,
                                closer_post.c.created_at <= filters.posted_by)
    return case((closed, "closed"), (open_until < filters.today, "expired"), else_="open")


def _cards() -> Select[Any]:
    """Opportunity heads (the first post of each call) with what a card shows."""
    role = func.coalesce(author_profiles.c.role, "unknown")
    return (
        select(posts.c.pk, posts.c.platform, posts.c.post_id, posts.c.url, posts.c.author_id,
               posts.c.text, posts.c.created_at, classifications.c.labels,
               classifications.c.extract, classifications.c.links,
               classifications.c.eligibility, group_deadline.label("group_deadline"),
               classifications.c.open_until, classifications.c.open_until_basis,
               classifications.c.event_at,
               authors.c.handle.label("author_handle"), authors.c.name.label("author_name"),
               authors.c.url.label("author_url"), authors.c.bio.label("author_bio"),
               authors.c.followers.label("author_followers"), role.label("author_role"))
        .select_from(posts)
        .join(classifications, classifications.c.post_pk == posts.c.pk)
        .outerjoin(authors, and_(authors.c.platform == posts.c.platform,
                                 authors.c.author_id == posts.c.author_id))
        .outerjoin(author_profiles, and_(author_profiles.c.platform == posts.c.platform,
                                         author_profiles.c.author_id == posts.c.author_id)))


_CARDS = _cards()  # built once: statements are immutable, and building one costs a little
_IS_HEAD = and_(classifications.c.is_opportunity, posts.c.origin == "match",
                _head(classifications) == classifications.c.post_pk)
NEWEST = (posts.c.created_at.desc(), posts.c.pk.desc())
# A call's posts: the call first, then the others in time order.
_THREAD_ORDER = (_head(classifications) != posts.c.pk, posts.c.created_at, posts.c.pk)
_driver = post_facets.alias("driver")  # the facet a listing walks, in time order


@dataclass(slots=True)
class _Keys:
    """The keys of the opportunity heads that pass some filters; `when` is the post time to
    range over and order by, and `key` the head's key, both from the table the walk starts
    from (the posts, or the facet's posts)."""

    query: Select[Any]
    when: ColumnElement[Any]
    key: ColumnElement[Any]

    def where(self, *conditions: ColumnElement[bool]) -> _Keys:
        return _Keys(self.query.where(*conditions), self.when, self.key)

    def newest(self) -> Select[Any]:
        return self.query.order_by(self.when.desc(), self.key.desc())


# Below this many matching posts, a search starts from its matches; above it, from the newest
# posts: first those of the last week, then of the last month, and so on (see `_search`). Below
# it, a listing by deadline starts from a facet's posts too (see `_faceted`).
FEW_MATCHES = 5000
WINDOWS_DAYS = (7, 30, 120, 480)


def _fts_matches(query: str, rowids: tuple[int, int] | None = None) -> Select[Any]:
    return search.sqlite_matches(query, rowids)


# Whether a search or a facet had few matches, by database and query, for a minute: only the
# plan depends on it (both plans give the same rows), and probing a prefix search (`mentor*`)
# costs as much as running it.
_few_seen: dict[tuple[str, str], tuple[bool, float]] = {}
FEW_SEEN_SECONDS = 60.0


def _few(engine: Engine, name: str, matching: Select[Any]) -> bool:
    """Whether fewer than FEW_MATCHES posts match (`name` keys the remembered answer)."""
    key = (str(engine.url), name)
    seen = _few_seen.get(key)
    if seen is not None and time.monotonic() - seen[1] < FEW_SEEN_SECONDS:
        return seen[0]
    probe = select(func.count()).select_from(matching.limit(FEW_MATCHES).subquery())
    with engine.connect() as conn:
        few = bool(conn.execute(probe).scalar_one() < FEW_MATCHES)
    if len(_few_seen) > 1000:
        _few_seen.clear()
    _few_seen[key] = (few, time.monotonic())
    return few


def _text_match(engine: Engine, query: str, keys: _Keys) -> ColumnElement[bool]:
    """Posts matching `query` in the language of `mentorfeed search` (store/search.py)."""
    if engine.dialect.name == "postgresql":
        return search.postgres_matches(query)
    matching = _fts_matches(query)
    # SQLite would start from the matches and sort them all: fine for a rare word, a third of
    # a second for a common one on a million posts. For those, `key + 0` (no index) makes it
    # walk the posts in the listing's order and look each up in the matches.
    return posts.c.pk.in_(matching) if _few(engine, f"q={query}", matching) else \
        (keys.key + 0).in_(matching)


def _faceted(engine: Engine, facet: str, value: str, key: ColumnElement[Any]
             ) -> ColumnElement[bool]:
    """Calls (whose first post's key is `key`) with a label, audience, topic or form, for a
    listing by deadline. A rare one (a topic a thousand posts name) is faster from its own list,
    sorted, than by walking the calls in deadline order until a page is full; a common one the
    other way round."""
    having = select(post_facets.c.post_pk).where(post_facets.c.facet == facet,
                                                 post_facets.c.value == value)
    if _few(engine, f"{facet}={value}", having):
        return key.in_(having)
    return having.where(post_facets.c.post_pk == key).exists()


# The facet a listing walks when it has several: the one that usually has fewest posts (a form
# has three values, so each holds a good part of the calls).
_WALK_ORDER = ("topic", "audience", "label", "form")


def _filtered(engine: Engine, filters: Filters, *, words: bool = True,
              facets_of: ColumnElement[Any] | None = None) -> _Keys:
    """The opportunity heads that pass the filters (the search words too, unless not
    `words`). The walk starts from a facet's posts when there is a facet to filter by, unless
    `facets_of` names the key that the facets are to be looked up by instead."""
    facets = {name: value for name in _WALK_ORDER if (value := getattr(filters, name))}
    keys = _Keys(select(posts.c.pk).select_from(posts)
                 .join(classifications, classifications.c.post_pk == posts.c.pk)
                 .where(_IS_HEAD), posts.c.created_at, posts.c.pk)
    if facets and facets_of is None:
        walked = next(iter(facets))
        value = facets.pop(walked)
        keys = _Keys(select(_driver.c.post_pk.label("pk")).select_from(_driver)
                     .join(posts, posts.c.pk == _driver.c.post_pk)
                     .join(classifications, classifications.c.post_pk == _driver.c.post_pk)
                     .where(_driver.c.facet == walked, _driver.c.value == value, _IS_HEAD),
                     _driver.c.created_at, _driver.c.post_pk)
    for facet, value in facets.items():
        keys = keys.where(_faceted(engine, facet, value,
                                   classifications.c.post_pk if facets_of is None else facets_of))
    if filters.topics:
        key = classifications.c.post_pk if facets_of is None else facets_of
        if filters.any_topic:
            keys = keys.where(select(post_facets.c.post_pk).where(
                post_facets.c.facet == "topic", post_facets.c.value.in_(filters.topics),
                post_facets.c.post_pk == key).exists())
        else:
            for value in filters.topics:
                keys = keys.where(_faceted(engine, "topic", value, key))
    if filters.platform:
        keys = keys.where(posts.c.platform == filters.platform)
    if filters.since:
        keys = keys.where(keys.when >= filters.since)
    if filters.until:
        keys = keys.where(keys.when < filters.until)
    if filters.posted_by:
        keys = keys.where(keys.when <= filters.posted_by)
    if filters.state:
        keys = keys.where(_state(filters) == filters.state)
    if filters.due_within is not None:
        keys = keys.where(group_deadline >= filters.today, group_deadline <= filters.today +
                          timedelta(days=filters.due_within))
    if filters.has_deadline:
        keys = keys.where(group_deadline.is_not(None))
    if words and filters.q and filters.q.strip():
        keys = keys.where(_text_match(engine, filters.q, keys))
    return keys


def list_page(engine: Engine, filters: Filters, *, sort: str = "newest", offset: int = 0,
              limit: int = 20) -> list[dict[str, Any]]:
    """One page of opportunity heads (ask for one more row than shown to learn if there is a
    next page: no COUNT over the whole filtered set).

    By deadline: calls whose deadline is ahead, soonest first, with events that state none by
    their start among them (an event's day is its deadline); then calls without a deadline,
    newest first; then (unless only open ones) those whose deadline passed, latest first."""
    if sort == "newest":
        if filters.q and filters.q.strip() and engine.dialect.name == "sqlite":
            return _search(engine, filters, offset, limit)
        return _run(engine, filters,
                    _filtered(engine, filters).newest().offset(offset).limit(limit))
    if sort != "deadline":
        raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    # Calls with a deadline are walked in the deadline index's order, and their facets looked
    # up by the key found there, before reading anything else; those without, in time order.
    dated = _filtered(engine, filters, facets_of=_DATED_HEAD)
    today = filters.today
    # Events ahead without a deadline are few: they are merged with the dated calls by day.
    start = datetime(today.year, today.month, today.day, tzinfo=UTC)
    event_at = classifications.c.event_at
    ahead = union_all(
        _by_deadline(dated, _dated.c.deadline >= today).add_columns(
            _dated.c.deadline.label("due"), literal(0).label("kind"),
            posts.c.created_at.label("at")),
        _filtered(engine, filters).where(group_deadline.is_(None), event_at >= start).query
        .add_columns(event_at.label("due"), literal(1).label("kind"),
                     posts.c.created_at.label("at"))).subquery()
    # A deadline before an event at midnight of its day: SQLite compares the day's text as
    # less, PostgreSQL the two as equal.
    segments = [select(ahead.c.pk).order_by(ahead.c.due, ahead.c.kind, ahead.c.at.desc(),
                                            ahead.c.pk.desc()),
                _filtered(engine, filters).where(
                    group_deadline.is_(None), or_(event_at.is_(None), event_at < start)).newest()]
    if filters.state != "open":
        segments.append(_by_deadline(dated, _dated.c.deadline < today).order_by(
            _dated.c.deadline.desc(), *NEWEST))
    return _segmented(engine, filters, segments, offset, limit)


def _search(engine: Engine, filters: Filters, offset: int, limit: int) -> list[dict[str, Any]]:
    """Newest matches of a search on SQLite. A common word matches a good part of the store;
    collecting all its matches costs more than the page. So look among the posts of the last
    week first (their keys span a short range, and FTS5 reads only that range of each word's
    list), walking them newest first, then among those of the last month, and so on. A full
    page from a window is exact: every post newer than the window's start was in it."""
    assert filters.q
    keys = _filtered(engine, filters, words=False)
    matching = _fts_matches(filters.q)
    if _few(engine, f"q={filters.q}", matching):
        return _run(engine, filters, keys.where(posts.c.pk.in_(matching)).newest()
                    .offset(offset).limit(limit))
    with engine.connect() as conn:  # one aggregate per query: SQLite reads each from an index
        latest = utc(conn.execute(select(func.max(posts.c.created_at))).scalar())
        last_key = conn.execute(select(func.max(posts.c.pk))).scalar() or 0
    shown, days = 0, WINDOWS_DAYS[0]
    while latest is not None and days <= WINDOWS_DAYS[-1]:
        since = latest - timedelta(days=days)
        window = keys.where(keys.when >= since, (keys.key + 0).in_(
            _fts_matches(filters.q, _keys_since(engine, since, last_key))))
        rows = _run(engine, filters, window.newest().offset(offset).limit(limit))
        if len(rows) == limit:
            return rows
        # Too few in this window: the next one is as many times wider as it takes at this
        # rate of matches (at least the next of WINDOWS_DAYS), rather than one step at a time.
        shown = max(shown, len(rows) + offset)
        wanted = days * (offset + limit) / max(1, shown) * 1.5
        days = next((d for d in WINDOWS_DAYS if d > days and d >= wanted),
                    WINDOWS_DAYS[-1] + 1)
    return _run(engine, filters, keys.where((keys.key + 0).in_(matching)).newest()
                .offset(offset).limit(limit))


_keys_seen: dict[tuple[str, datetime, int], tuple[int, int]] = {}


def _keys_since(engine: Engine, since: datetime, last_key: int) -> tuple[int, int]:
    """The lowest and highest key of the posts made since `since`. Reading them walks that
    many index entries (a year's worth takes a while), so they are kept until a post is added
    (the highest key changes then)."""
    key = (str(engine.url), since, last_key)
    found = _keys_seen.get(key)
    if found is None:
        with engine.connect() as conn:
            lo, hi = conn.execute(select(func.min(posts.c.pk), func.max(posts.c.pk))
                                  .where(posts.c.created_at >= since)).one()
        found = (int(lo or 0), int(hi or 0))
        if len(_keys_seen) > 256:
            _keys_seen.clear()
        _keys_seen[key] = found
    return found


def _by_deadline(keys: _Keys, when: ColumnElement[bool]) -> Select[Any]:
    """Calls whose deadline meets `when`, reached through the deadline index in its order (so
    a page stops early) from the one post that holds the call's deadline: the latest, and of
    several posts naming that day, the first."""
    tie = _tie.c
    first_holder = ~select(tie.post_pk).where(tie.opportunity_pk == _dated.c.opportunity_pk,
                                              tie.deadline == _dated.c.deadline,
                                              tie.post_pk < _dated.c.post_pk).exists()
    return keys.query.join(_dated, posts.c.pk == _DATED_HEAD).where(
        when, _dated.c.deadline == group_deadline, first_holder)


def _segmented(engine: Engine, filters: Filters, segments: list[Select[Any]], offset: int,
               limit: int) -> list[dict[str, Any]]:
    """A page over queries shown one after the other. A segment is counted only when the page
    starts beyond its end, which takes paging deep into the listing."""
    rows: list[dict[str, Any]] = []
    for segment in segments:
        if len(rows) >= limit:
            break
        found = _run(engine, filters, segment.offset(offset).limit(limit - len(rows)))
        if found:
            rows += found
            offset = 0
        elif offset:
            size = select(func.count()).select_from(segment.order_by(None).subquery())
            with engine.connect() as conn:
                offset = max(0, offset - int(conn.execute(size).scalar_one()))
    return rows


def count(engine: Engine, filters: Filters, *, most: int, seconds: float) -> int | None:
    """How many calls pass the filters, counted up to `most` (a caller shows "more than" past
    it), or None when counting takes more than `seconds` of work: a filter that few calls pass and
    no index serves (a deadline window, a common word with a rare facet) has every call
    looked at, while the page itself stops at its twenty."""
    keys = _filtered(engine, filters).query.order_by(None).limit(most)
    statement = select(func.count()).select_from(keys.subquery())
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            raw: Any = conn.connection.driver_connection
            # This thread's CPU time (SQLite runs in it): a busy machine delays the count
            # without cutting it short.
            deadline = time.thread_time() + seconds
            raw.set_progress_handler(lambda: int(time.thread_time() > deadline), 2000)
            try:
                return int(conn.execute(statement).scalar_one())
            except OperationalError:  # interrupted: over time
                conn.rollback()
                return None
            finally:
                raw.set_progress_handler(None, 0)
        try:
            with conn.begin():
                budget = max(1, int(seconds * 1000))
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {budget}")
                return int(conn.execute(statement).scalar_one())
        except DBAPIError:  # canceled: over time
            return None


def candidates(engine: Engine, filters: Filters, *, limit: int) -> list[dict[str, Any]]:
    """The newest `limit` matching opportunities, for ranking in Python."""
    return _run(engine, filters, _filtered(engine, filters).newest().limit(limit))


def opportunities(engine: Engine, filters: Filters, *, limit: int) -> list[Opportunity]:
    """The newest `limit` matching calls, each with all its posts (the call first, then the
    others in time order): what the CLI lists and matching ranks."""
    c = classifications.c
    heads = (posts_with_authors()
             .add_columns(c.labels, c.scores, c.extract, c.links, c.why, c.model_version,
                          c.closes_call, c.eligibility, group_deadline.label("group_deadline"),
                          _state(filters).label("state"), open_until.label("open_until"),
                          c.open_until_basis)
             .join(classifications, c.post_pk == posts.c.pk))
    wanted: Any = bindparam("keys", expanding=True)
    members = (posts_with_authors().add_columns(_head(classifications).label("head"))
               .join(classifications, c.post_pk == posts.c.pk)
               .where(or_(c.opportunity_pk.in_(wanted), posts.c.pk.in_(wanted)))
               .order_by(*_THREAD_ORDER))
    found: dict[int, Opportunity] = {}
    with engine.connect() as conn:
        keys = list(conn.execute(_filtered(engine, filters).newest().limit(limit)).scalars())
        for start in range(0, len(keys), BATCH):
            batch = {"keys": keys[start:start + BATCH]}
            for row in conn.execute(heads.where(posts.c.pk.in_(wanted)), batch):
                m = row._mapping
                found[m["pk"]] = Opportunity(
                    to_post(row), Classification(m["labels"], m["scores"], m["extract"],
                                                 m["links"], m["why"], m["model_version"],
                                                 m["closes_call"],
                                                 eligibility=m["eligibility"] or {}),
                    [], m["group_deadline"], m["state"], m["open_until"],
                    m["open_until_basis"])
            for row in conn.execute(members, batch):
                found[row._mapping["head"]].posts.append(to_post(row))
    return [found[key] for key in keys if key in found]


def heads_by_key(engine: Engine, platform: str, post_id: str, today: date
                 ) -> list[dict[str, Any]]:
    """The card of the call a post carries (the post itself if it is the first one)."""
    with engine.connect() as conn:
        head = conn.execute(
            select(_head(classifications))
            .join(posts, classifications.c.post_pk == posts.c.pk)
            .where(posts.c.platform == platform, posts.c.post_id == post_id)).scalar()
        return [] if head is None else _cards_of(conn, Filters(today=today), [head])



def call_posts(engine: Engine, keys: list[tuple[str, str]]
               ) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """The posts of each of these calls (keyed by its first post): the call first, then the
    posts grouped into it (a session's posts, cross-posts, updates), so that a card counts as
    the call its judge named by any of them."""
    head, member = posts.alias("head"), posts.alias("member")
    query = (select(head.c.platform, head.c.post_id, member.c.platform, member.c.post_id)
             .join(classifications, _head(classifications) == head.c.pk)
             .join(member, member.c.pk == classifications.c.post_pk)
             .where(tuple_(head.c.platform, head.c.post_id).in_(keys))
             .order_by(member.c.created_at))
    found: dict[tuple[str, str], list[tuple[str, str]]] = {key: [key] for key in keys}
    with engine.connect() as conn:
        for h_platform, h_id, m_platform, m_id in conn.execute(query):
            group = found[(h_platform, h_id)]
            if (m_platform, m_id) not in group:
                group.append((m_platform, m_id))
    return found


def thread(engine: Engine, head_pk: int) -> list[dict[str, Any]]:
    """Every post of the call (the call first, then the others in time order), with the labels
    each one got."""
    query = (select(posts.c.pk, posts.c.platform, posts.c.post_id, posts.c.url,
                    posts.c.author_id, posts.c.text, posts.c.created_at,
                    classifications.c.labels,
                    authors.c.handle.label("author_handle"),
                    authors.c.name.label("author_name"), authors.c.url.label("author_url"),
                    authors.c.bio.label("author_bio"),
                    authors.c.followers.label("author_followers"),
                    func.coalesce(author_profiles.c.role, "unknown").label("author_role"))
             .select_from(posts)
             .join(classifications, classifications.c.post_pk == posts.c.pk)
             .outerjoin(authors, and_(authors.c.platform == posts.c.platform,
                                      authors.c.author_id == posts.c.author_id))
             .outerjoin(author_profiles,
                        and_(author_profiles.c.platform == posts.c.platform,
                             author_profiles.c.author_id == posts.c.author_id))
             .order_by(*_THREAD_ORDER))
    members = select(classifications.c.post_pk).where(classifications.c.opportunity_pk == head_pk)
    with engine.connect() as conn:  # the members by index, then their posts by key
        keys = {head_pk, *conn.execute(members).scalars()}
        rows = [dict(r._mapping) for r in conn.execute(query.where(posts.c.pk.in_(keys)))]
    for row in rows:
        row["created_at"] = utc(row["created_at"])
    return rows


# Built once (building a statement costs about as much as running it on a page of cards).
_CARDS_NOW = _CARDS.add_columns(
    case((classifications.c.closed, "closed"), (open_until < bindparam("today"), "expired"),
         else_="open").label("state")).where(posts.c.pk.in_(bindparam("keys", expanding=True)))
_SIZES = (select(classifications.c.opportunity_pk, func.count())  # one indexed count per call
          .where(classifications.c.opportunity_pk.in_(bindparam("keys", expanding=True)))
          .group_by(classifications.c.opportunity_pk))


def _run(engine: Engine, filters: Filters, keys: Select[Any]) -> list[dict[str, Any]]:
    """The cards of the calls whose keys `keys` selects, in its order."""
    with engine.connect() as conn:
        return _cards_of(conn, filters, list(conn.execute(keys).scalars()))


def _cards_of(conn: Connection, filters: Filters, keys: list[int]) -> list[dict[str, Any]]:
    """The cards of these calls, in this order, each with how many posts carry it and its
    state (as of `filters`)."""
    if not keys:
        return []
    if filters.posted_by is None:  # the usual case: statements built once, `today` bound
        statement, values = _CARDS_NOW, {"keys": keys, "today": filters.today}
    else:
        statement = _CARDS.add_columns(_state(filters).label("state")).where(
            posts.c.pk.in_(bindparam("keys", expanding=True)))
        values = {"keys": keys}
    rows = {r.pk: dict(r._mapping) for r in conn.execute(statement, values)}
    sizes: dict[int, int] = dict(conn.execute(_SIZES, {"keys": keys}).all())
    cards = []
    for key in keys:
        if (row := rows.get(key)) is not None:
            row["created_at"] = utc(row["created_at"])
            row["posts_in_group"] = max(1, sizes.get(key, 1))
            cards.append(row)
    return cards


def newest_post(engine: Engine) -> datetime | None:
    """When the newest post collected (not one that came along as context) was written."""
    with engine.connect() as conn:
        return utc(conn.execute(select(func.max(posts.c.created_at))
                                .where(posts.c.origin == "match")).scalar())
