"""The store: posts and authors in SQLite or PostgreSQL, behind a few methods that say what
they do."""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    create_engine,
    event,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from mentorfeed.config import redact
from mentorfeed.errors import StoreError
from mentorfeed.models import (
    BY_LOCAL_REF,
    Author,
    Classification,
    EngagedMentor,
    Example,
    LabelsInMonth,
    Opportunity,
    Post,
    PostVersion,
    SavedItem,
    TopicCount,
    normalize_tag,
)
from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.people.directory import DirectoryPage, DirectoryQuery, Mentor, PostLink
from mentorfeed.people.linking import Link
from mentorfeed.people.profiles import AuthorProfile
from mentorfeed.store import (
    classified,
    corrections,
    listing,
    migrate,
    revision,
    search,
    upserts,
    versions,
)
from mentorfeed.store.corrections import Correction
from mentorfeed.store.queries import insights, links, mentors, people, tracking
from mentorfeed.store.rows import posts_with_authors, to_author, to_post, utc, where_posted
from mentorfeed.store.schema import (
    authors,
    classifications,
    collection_state,
    post_hashtags,
    post_versions,
    posts,
)


@dataclass(slots=True)
class UpsertResult:
    new: int = 0
    updated: int = 0


@dataclass(slots=True)
class Stats:
    """The shape of the store. Counts are of posts that matched a collection unless named."""

    posts: int = 0
    context_posts: int = 0
    reposts: int = 0
    authors: int = 0
    first: datetime | None = None
    last: datetime | None = None
    by_platform: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    top_hashtags: list[tuple[str, int]] = field(default_factory=list)
    top_authors: list[tuple[str, str, int]] = field(default_factory=list)


def _open_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {}
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        # The web app serves about twenty people at once from one store: keep that many
        # connections rather than 5, so a busy minute does not open (and close) a connection
        # per query, each starting with a cold page cache. Idle ones cost only memory.
        options.update(pool_size=20, max_overflow=20, pool_pre_ping=False)
    # hide_parameters: an error or a log line never carries a post's text or a profile.
    engine = create_engine(parsed, json_serializer=upserts.dumps, json_deserializer=orjson.loads,
                           hide_parameters=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def file_identity(url: str) -> Hashable:
    """Which file a SQLite store is (a store rebuilt at the same path is another file); None
    for a store without one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None  # PostgreSQL, or SQLite in memory
    try:
        stat = os.stat(parsed.database)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   "busy_timeout=10000", "cache_size=-65536", "temp_store=MEMORY",
                   "wal_autocheckpoint=16384"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


class Store:
    """Posts and authors, upserted idempotently on (platform, id)."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self._engine = _open_engine(url)
            migrate.upgrade(self._engine)
        except NoSuchModuleError:
            raise StoreError("PostgreSQL needs an extra: pip install 'mentorfeed[postgres]'.") \
                from None
        except ModuleNotFoundError as exc:
            raise StoreError(f"The database driver {exc.name!r} is missing: "
                             "pip install 'mentorfeed[postgres]'.") from None
        except OSError as exc:
            raise StoreError(f"Cannot open the database {redact(url)} ({exc.strerror}); check "
                             "--db or MENTORFEED_DATABASE_URL.") from None
        except (ArgumentError, OperationalError, DBAPIError) as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise StoreError(f"Cannot open the database {redact(url)} ({reason}); check "
                             "--db or MENTORFEED_DATABASE_URL.") from None
        # What answers kept for this store are filed under (service/cache.py): a SQLite store
        # rebuilt at the same path starts its revisions again.
        self.identity: Hashable = (url, file_identity(url))
        self.dialect = self._engine.dialect.name
        self._revisions = revision.Reader(self._engine)
        self._insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        self._author_upsert = upserts.author_upsert(self._insert)
        self._post_upsert = upserts.post_upsert(self._insert)
        self._sql: dict[tuple[str, ...], str] = {}
        for statement, keys in ((self._author_upsert, upserts.AUTHOR_KEYS),
                                (self._post_upsert, upserts.POST_KEYS)):
            compiled = statement.compile(dialect=self._engine.dialect, column_keys=list(keys))
            if self.dialect == "sqlite":
                assert tuple(compiled.positiontup or ()) == keys, "row order must match"
            self._sql[keys] = str(compiled)

    def close(self) -> None:
        self._revisions.close()
        self._engine.dispose()

    def revision(self, *, trainee: bool = False) -> int:
        """A number that grows with every write to what the listings, feeds, people and
        insights show (or, with `trainee`, to the trainee's saved items and profile): an answer
        computed at one revision holds while it is current. One read by key."""
        return self._revisions.current()[revision.TRAINEE if trainee else revision.COLLECTED]

    def revisions(self) -> tuple[int, int]:
        """Both revisions, the store's and the trainee's, in one read."""
        found = self._revisions.current()
        return found[revision.COLLECTED], found[revision.TRAINEE]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def upsert(self, new_posts: Sequence[Post], new_authors: Sequence[Author],
               source: str) -> UpsertResult:
        """Insert or refresh posts and authors in one transaction. Duplicates must be merged
        by the caller; re-upserting refreshes metrics and never duplicates. A batch the
        database refuses is a StoreError of one sentence, never its statement or values."""
        try:
            return self._upsert(new_posts, new_authors, source)
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise StoreError(f"The database refused a batch of {len(new_posts):,} posts and "
                             f"{len(new_authors):,} authors ({reason.rstrip('.')}).") from exc

    def _upsert(self, new_posts: Sequence[Post], new_authors: Sequence[Author],
                source: str) -> UpsertResult:
        sqlite = self.dialect == "sqlite"
        enc = upserts.SQLITE if sqlite else upserts.PYTHON
        now = enc.timestamp(datetime.now(UTC))
        result = UpsertResult()
        with self._engine.begin() as conn:
            if new_authors:
                self._write(conn, self._author_upsert, upserts.AUTHOR_KEYS,
                            [upserts.author_values(a, now, enc) for a in new_authors])
            if new_posts:
                existing = self._pks(conn, new_posts)
                kept = versions.versions_to_keep(conn, new_posts)
                last_pk = conn.execute(select(func.max(posts.c.pk))).scalar() or 0
                self._write(conn, self._post_upsert, upserts.POST_KEYS,
                            [upserts.post_values(p, source, now, enc) for p in new_posts])
                if sqlite:  # index the new rows in one statement: far faster than a trigger
                    conn.execute(text("INSERT INTO posts_fts(rowid, text) SELECT pk, text "
                                      "FROM posts WHERE pk > :last"), {"last": last_pk})
                fresh = [p for p in new_posts if p.key not in existing]
                self._add_hashtags(conn, fresh)
                if kept:
                    edited = [p for p in new_posts if p.key in kept.versions]
                    versions.save_versions(conn, self._insert, self._pks(conn, edited), kept)
                result.new = len(fresh)
                result.updated = len(new_posts) - len(fresh)
            if new_posts or new_authors:
                revision.bump(conn)
        return result

    def _write(self, conn: Connection, statement: Any, keys: tuple[str, ...],
               rows: list[tuple[Any, ...]]) -> None:
        if self.dialect == "sqlite":
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.executemany(self._sql[keys], rows)
        else:
            conn.execute(statement, [dict(zip(keys, row, strict=True)) for row in rows])

    def _pks(self, conn: Connection, batch: Sequence[Post]) -> dict[tuple[str, str], int]:
        """The primary keys of those posts of `batch` that are stored."""
        by_platform: dict[str, list[str]] = {}
        for post in batch:
            by_platform.setdefault(post.platform, []).append(post.id)
        found: dict[tuple[str, str], int] = {}
        for platform, ids in by_platform.items():
            query = select(posts.c.post_id, posts.c.pk).where(
                posts.c.platform == platform,
                posts.c.post_id.in_(bindparam("ids", expanding=True)))
            found.update(((platform, i), pk) for i, pk in conn.execute(query, {"ids": ids}))
        return found

    def _add_hashtags(self, conn: Connection, fresh: Sequence[Post]) -> None:
        tagged = [p for p in fresh if p.hashtags]
        pks = self._pks(conn, tagged) if tagged else {}
        rows = []
        for post in tagged:
            seen: set[str] = set()
            for tag in post.hashtags:
                norm = normalize_tag(tag)
                if norm and norm not in seen:
                    seen.add(norm)
                    rows.append({"post_pk": pks[post.key], "tag": norm, "display": tag})
        if rows:
            conn.execute(self._insert(post_hashtags).on_conflict_do_nothing(), rows)

    # -- classifications ---------------------------------------------------------------------

    def pages_to_classify(self, *, everything: bool = False,
                          size: int = 2000) -> Iterator[list[Post]]:
        """Posts not yet classified (or all, after a model change), a page at a time."""
        return classified.pages_to_classify(self._engine, everything=everything, size=size)

    def count_to_classify(self, *, everything: bool = False) -> int:
        query = select(func.count()).select_from(posts)
        if not everything:
            query = query.where(~exists().where(classifications.c.post_pk == posts.c.pk))
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def save_classifications(self, rows: Sequence[tuple[tuple[str, str], Classification]]
                             ) -> None:
        """Store labels, scores, fields and reasons with the model version, replacing any."""
        classified.save(self._engine, rows)

    def grouping_rows(self) -> list[dict[str, Any]]:
        return classified.grouping_rows(self._engine)

    def set_groups(self, assignments: Sequence[tuple[int, int, bool]],
                   lifecycles: Mapping[int, tuple[date | None, str | None, datetime | None]]
                   | None = None) -> None:
        """Record each post's call, whether it is closed, and (by call) how long it is open."""
        classified.set_groups(self._engine, assignments, lifecycles)

    def opportunities(self, filters: listing.Filters, *, limit: int = 50) -> list[Opportunity]:
        """The newest `limit` opportunities matching `filters`, one per call with all its posts:
        the one listing that pages, API, feed and CLI show (store/listing.py)."""
        return listing.opportunities(self._engine, filters, limit=limit)

    # -- corrections -------------------------------------------------------------------------

    def save_correction(self, key: tuple[str, str], correction: Correction) -> None:
        """Record what a person said the post is; `corrections_of` and training read it."""
        with self._engine.connect() as conn:
            pk = conn.execute(select(posts.c.pk).where(posts.c.platform == key[0],
                                                       posts.c.post_id == key[1])).scalar()
        if pk is None:
            raise StoreError(f"No stored post {key[0]}:{key[1]} to correct.")
        corrections.save(self._engine, pk, correction)

    def corrections_of(self, keys: Sequence[tuple[str, str]]
                       ) -> dict[tuple[str, str], Correction]:
        return corrections.of_posts(self._engine, keys)

    def corrected_posts(self) -> list[tuple[Post, Correction]]:
        return corrections.corrected_posts(self._engine)

    def count_corrections(self) -> int:
        return corrections.count(self._engine)

    def review_queue(self, limit: int = 20) -> list[tuple[Post, Classification]]:
        """Uncorrected posts the model is least sure about (uncertainty sampling)."""
        return corrections.review_queue(self._engine, limit)

    # -- forgetting ----------------------------------------------------------------------------

    def find_posts(self, reference: str) -> list[tuple[str, str]]:
        """The (platform, id) of the stored posts a URL or an id names."""
        value = reference.strip()
        status = re.search(r"/status(?:es)?/(\d+)", value)
        ids = {value} | ({status.group(1)} if status else set())
        query = select(posts.c.platform, posts.c.post_id).where(
            or_(posts.c.url == value, posts.c.post_id.in_(ids), posts.c.pk.in_(
                select(post_versions.c.post_pk).where(post_versions.c.version_id.in_(ids)))))
        with self._engine.connect() as conn:
            return [(p, i) for p, i in conn.execute(query)]

    def find_author(self, handle: str) -> list[tuple[str, str]]:
        """The (platform, author id) of accounts with this handle (or id), any platform."""
        value = handle.strip().lstrip("@")
        query = select(authors.c.platform, authors.c.author_id).where(
            or_(func.lower(authors.c.handle) == value.lower(), authors.c.author_id == value))
        with self._engine.connect() as conn:
            return [(p, i) for p, i in conn.execute(query)]

    def forget(self, post_keys: Sequence[tuple[str, str]],
               author_keys: Sequence[tuple[str, str]] = ()) -> int:
        """Delete posts, the reposts of them, and authors with all their posts, everywhere in
        the store (labels, hashtags and search index go with them). Returns posts deleted."""
        deleted = 0
        with self._engine.begin() as conn:
            for platform, author_id in author_keys:
                deleted += conn.execute(posts.delete().where(
                    posts.c.platform == platform, posts.c.author_id == author_id)).rowcount
                conn.execute(authors.delete().where(authors.c.platform == platform,
                                                    authors.c.author_id == author_id))
            for platform, post_id in post_keys:
                deleted += conn.execute(posts.delete().where(
                    posts.c.platform == platform,
                    or_(posts.c.post_id == post_id, posts.c.repost_of == post_id))).rowcount
            revision.bump(conn)
        return deleted

    # -- collection state ----------------------------------------------------------------------

    def get_state(self, source: str, key: str) -> Any:
        """What a collector saved for (source, key): a cursor, a newest id; None if nothing."""
        query = select(collection_state.c.value).where(collection_state.c.source == source,
                                                       collection_state.c.key == key)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar()

    def set_state(self, source: str, key: str, value: Any) -> None:
        """Save collector state; `None` clears it."""
        with self._engine.begin() as conn:
            conn.execute(collection_state.delete().where(collection_state.c.source == source,
                                                         collection_state.c.key == key))
            if value is not None:
                conn.execute(collection_state.insert().values(
                    source=source, key=key, value=value, updated_at=datetime.now(UTC)))

    def resolve_references(self) -> int:
        """Point replies that name their parent by its `local_ref` (`models.by_local_ref`) at
        the parent's id once the parent is stored."""
        parent = posts.alias("parent")
        target = (select(parent.c.post_id)
                  .where(parent.c.platform == posts.c.platform,
                         parent.c.local_ref == func.substr(posts.c.reply_to,
                                                           len(BY_LOCAL_REF) + 1))
                  .scalar_subquery())
        statement = (update(posts)
                     .where(posts.c.reply_to.like(f"{BY_LOCAL_REF}%"), target.is_not(None))
                     .values(reply_to=target))
        with self._engine.begin() as conn:
            changed = int(conn.execute(statement).rowcount)
            if changed:
                revision.bump(conn)
        return changed

    # -- reading -----------------------------------------------------------------------------

    def get_post(self, platform: str, post_id: str) -> Post | None:
        query = posts_with_authors().where(posts.c.platform == platform,
                                            posts.c.post_id == post_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return to_post(row) if row else None

    def post_versions(self, platform: str, post_id: str) -> list[PostVersion]:
        """Every version stored of an edited post, the original first (none if never edited):
        the post itself holds the newest."""
        with self._engine.connect() as conn:
            return versions.history(conn, platform, post_id)

    def get_author(self, platform: str, author_id: str) -> Author | None:
        query = select(authors).where(authors.c.platform == platform,
                                      authors.c.author_id == author_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return to_author(row._mapping) if row else None

    def count_posts(self, *, include_context: bool = False) -> int:
        query = select(func.count()).select_from(posts)
        if not include_context:
            query = query.where(posts.c.origin == "match")
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def search(self, query: str | None = None, *, platform: str | None = None,
               hashtag: str | None = None, author: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               include_context: bool = False, limit: int = 20) -> list[Post]:
        """Posts matching a full-text query and filters, best matches (or newest) first."""
        statement = posts_with_authors()
        if not include_context:
            statement = statement.where(posts.c.origin == "match")
        statement = where_posted(statement, platform=platform, since=since, until=until)
        if author:
            statement = statement.where(func.lower(authors.c.handle) ==
                                        author.lstrip("@").lower())
        if hashtag:
            tagged = select(post_hashtags.c.post_pk).where(
                post_hashtags.c.tag == normalize_tag(hashtag))
            statement = statement.where(posts.c.pk.in_(tagged))
        if query and query.strip():
            statement = search.apply(statement, self.dialect, query)
        else:
            statement = statement.order_by(posts.c.created_at.desc())
        with self._engine.connect() as conn:
            return [to_post(row) for row in conn.execute(statement.limit(limit))]

    def stats(self, top: int = 10) -> Stats:
        matched = posts.c.origin == "match"
        month = (func.to_char(func.timezone("UTC", posts.c.created_at), "YYYY-MM")
                 if self.dialect == "postgresql" else func.strftime("%Y-%m", posts.c.created_at))
        stats = Stats()
        with self._engine.connect() as conn:
            summary = conn.execute(select(
                func.count().filter(matched), func.count().filter(~matched),
                func.count().filter(and_(matched, posts.c.repost_of.is_not(None))),
                func.min(posts.c.created_at).filter(matched),
                func.max(posts.c.created_at).filter(matched))).one()
            stats.posts, stats.context_posts, stats.reposts = summary[0], summary[1], summary[2]
            stats.first, stats.last = utc(summary[3]), utc(summary[4])
            stats.authors = conn.execute(
                select(func.count()).select_from(authors).where(authors.c.matched)).scalar_one()
            stats.by_platform = {str(k): int(n) for k, n in conn.execute(
                select(posts.c.platform, func.count()).where(matched)
                .group_by(posts.c.platform).order_by(func.count().desc()))}
            stats.by_month = {str(k): int(n) for k, n in conn.execute(
                select(month, func.count()).where(matched).group_by(month).order_by(month))}
            stats.top_hashtags = [(str(t), int(n)) for t, n in conn.execute(
                select(func.min(post_hashtags.c.display), func.count())
                .join(posts, posts.c.pk == post_hashtags.c.post_pk).where(matched)
                .group_by(post_hashtags.c.tag)
                .order_by(func.count().desc(), post_hashtags.c.tag).limit(top))]
            stats.top_authors = [(str(h), str(p), int(n)) for h, p, n in conn.execute(
                select(authors.c.handle, authors.c.platform, func.count())
                .join(authors, and_(authors.c.platform == posts.c.platform,
                                    authors.c.author_id == posts.c.author_id))
                .where(matched).group_by(authors.c.handle, authors.c.platform)
                .order_by(func.count().desc(), authors.c.handle).limit(top))]
        return stats

    # -- people: activity, traits and profiles (queries/people.py) ---------------------------

    def activity(self, *, chunk: int = 50_000) -> Activity:
        """All posts (oldest first) and authors as the people features read them, `chunk`
        rows at a time to keep memory modest."""
        return Activity(list(people.activity_posts(self._engine, chunk)),
                        people.activity_authors(self._engine))

    def activity_authors(self) -> dict[Key, AuthorRow]:
        """Every author as the people features read them (no posts)."""
        return people.activity_authors(self._engine)

    def save_traits(self, rows: Sequence[PostRow]) -> int:
        """Keep the traits read from these posts, so the next build reads only new ones."""
        return people.save_traits(self._engine, rows)

    def count_traits(self) -> int:
        return people.count_traits(self._engine)

    def save_profiles(self, profiles: Iterable[AuthorProfile]) -> int:
        """Replace the stored author profiles with these."""
        return people.save_profiles(self._engine, profiles)

    def load_profiles(self, *, roles: Sequence[str] | None = None,
                      keys: Iterable[Key] | None = None) -> dict[Key, AuthorProfile]:
        """Stored profiles: all, or those with one of `roles`, or those of `keys`."""
        return people.load_profiles(self._engine, roles=roles, keys=keys)

    def people_fingerprint(self) -> list[str]:
        """What stored profiles depend on; when it changes, they are rebuilt."""
        return people.fingerprint(self._engine)

    # -- one person's accounts (queries/links.py) --------------------------------------------

    def account_links(self, kinds: Iterable[str] = links.KINDS) -> list[Link]:
        """The links between accounts: found, added by hand ("manual"), undone ("unlinked")."""
        return links.links(self._engine, kinds)

    def save_found_links(self, found: Iterable[Link]) -> int:
        """Replace the found links (a pair linked or undone by hand keeps its choice)."""
        return links.save_found(self._engine, found)

    def set_account_link(self, a: Key, b: Key, *, kind: str, reason: str) -> None:
        """Link two accounts by hand ("manual") or undo their link ("unlinked")."""
        links.set_link(self._engine, a, b, kind=kind, reason=reason)

    def raw_profiles(self) -> dict[Key, dict[str, Any]]:
        """Profile fields and links beside the bio, for the accounts that show some."""
        return links.raw_profiles(self._engine)

    def save_persons(self, into: dict[Key, Key]) -> None:
        """Mark each merged account with its person's main account."""
        links.save_persons(self._engine, into)

    def account_names(self, keys: Iterable[Key]) -> dict[Key, tuple[str, str | None]]:
        """The handle and profile address of each of these accounts."""
        return links.names(self._engine, keys)

    def merged_accounts(self) -> dict[Key, Key]:
        """Every account merged into another, with its person's main account."""
        return links.merged(self._engine)

    def person_of(self, key: Key) -> Key | None:
        """The main account of the person `key` was merged into, if any."""
        return links.person_of(self._engine, key)

    # -- the mentor directory (queries/mentors.py) -------------------------------------------

    def directory(self, query: DirectoryQuery) -> DirectoryPage:
        return mentors.directory(self._engine, query)

    def mentor(self, platform: str, author_id: str) -> Mentor | None:
        """One stored profile (any role); None for people who opted out or are not known."""
        return mentors.person(self._engine, platform, author_id)

    def opted_out(self) -> set[Key]:
        return mentors.opted_out(self._engine)

    def post_links(self, keys: list[Key]) -> dict[Key, PostLink]:
        return mentors.posts_by_key(self._engine, keys)

    def recent_opportunities_of(self, platform: str, author_id: str, *, limit: int = 10
                                ) -> list[PostLink]:
        return mentors.recent_opportunities(self._engine, platform, author_id, limit=limit)

    # -- Insights figures (queries/insights.py) ----------------------------------------------

    def labels_by_month(self, platform: str | None = None) -> list[LabelsInMonth]:
        """Opportunities (counted once, on their first post) per month and list of labels."""
        return insights.labels_by_month(self._engine, platform)

    def insight_topics(self, platform: str | None, top: int) -> list[TopicCount]:
        return insights.top_topics(self._engine, platform, top)

    def insight_examples(self, labels: Sequence[str], platform: str | None, limit: int
                         ) -> dict[str, list[Example]]:
        return insights.examples(self._engine, labels, platform, limit)

    def engaged_mentors(self, roles: Sequence[str], top: int) -> list[EngagedMentor]:
        return insights.engaged_mentors(self._engine, roles, top)

    # -- the trainee's own records (queries/tracking.py) -------------------------------------

    def save_item(self, platform: str, post_id: str, *, status: str, note: str | None
                  ) -> SavedItem | None:
        """Save a post as an opportunity (or update it); None if the post is not stored."""
        return tracking.save(self._engine, platform, post_id, status=status, note=note)

    def update_saved(self, opportunity_id: str, *, status: str | None, note: str | None
                     ) -> SavedItem | None:
        return tracking.update(self._engine, opportunity_id, status=status, note=note)

    def remove_saved(self, opportunity_id: str) -> bool:
        return tracking.remove(self._engine, opportunity_id)

    def saved_items(self, *, status: str | None = None, limit: int = 50, offset: int = 0
                    ) -> tuple[list[SavedItem], int]:
        return tracking.saved(self._engine, status=status, limit=limit, offset=offset)

    def saved_statuses(self, opportunity_ids: list[str] | None, *, limit: int | None = None
                       ) -> dict[str, str]:
        return tracking.statuses(self._engine, opportunity_ids, limit=limit)

    def trainee_profile(self) -> dict[str, Any] | None:
        return tracking.profile(self._engine)

    def save_trainee_profile(self, data: dict[str, Any]) -> None:
        tracking.save_profile(self._engine, data)

    def forget_trainee_profile(self) -> None:
        tracking.forget_profile(self._engine)

    # -- the listing's pages and cards (listing.py) -----------------------------------------

    def listing_page(self, filters: listing.Filters, *, sort: str = "newest", offset: int = 0,
                     limit: int = 20) -> list[dict[str, Any]]:
        return listing.list_page(self._engine, filters, sort=sort, offset=offset, limit=limit)

    def listing_count(self, filters: listing.Filters, *, most: int, seconds: float
                      ) -> int | None:
        return listing.count(self._engine, filters, most=most, seconds=seconds)

    def listing_candidates(self, filters: listing.Filters, *, limit: int
                           ) -> list[dict[str, Any]]:
        return listing.candidates(self._engine, filters, limit=limit)

    def call_posts(self, keys: list[tuple[str, str]]
                   ) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """Each call's posts (by its first post's key): the first, then those grouped in."""
        return listing.call_posts(self._engine, keys)

    def listing_heads(self, platform: str, post_id: str, today: date) -> list[dict[str, Any]]:
        """The card of the call that post belongs to (its state as of `today`)."""
        return listing.heads_by_key(self._engine, platform, post_id, today)

    def listing_thread(self, head_pk: int) -> list[dict[str, Any]]:
        return listing.thread(self._engine, head_pk)

    def newest_post_time(self) -> datetime | None:
        """When the newest post collected (not one that came along as context) was written."""
        return listing.newest_post(self._engine)
