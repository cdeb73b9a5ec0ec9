"""The store's revisions: one counter per kind of write, bumped in the writing transaction.

A cache keeps an answer with the revision it was computed at and compares that number, read by
key, with the current one (service/cache.py). `COLLECTED` moves with everything the listings,
feeds, people and insights are made of (posts, authors, labels, groups, corrections, stored
profiles); `TRAINEE` with the trainee's own saved items and profile, which only the pages that
show them depend on, so that saving an item does not drop every kept listing.
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.engine import make_url

from mentorfeed.store.schema import store_revisions

COLLECTED = "collected"
TRAINEE = "trainee"

_BUMP = {name: update(store_revisions).where(store_revisions.c.name == name)
         .values(value=store_revisions.c.value + 1) for name in (COLLECTED, TRAINEE)}
_READ = select(store_revisions.c.name, store_revisions.c.value)


def bump(conn: Connection, name: str = COLLECTED) -> None:
    """Count a write, inside its transaction (call it last: on PostgreSQL the row stays
    locked until the commit, so writers of one kind take turns only for that moment)."""
    conn.execute(_BUMP[name])


def current(engine: Engine) -> dict[str, int]:
    """Every revision by name, in one indexed read."""
    with engine.connect() as conn:
        return {name: int(value) for name, value in conn.execute(_READ)}


class Reader:
    """Reads the revisions for a cache lookup, which happens several times a page: through the
    engine that is a pool checkout and a statement (about 35 µs); a SQLite store is read instead
    on a plain connection of each thread's own (about 3 µs), which sees every commit (WAL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        url = make_url(engine.url)
        self._path = url.database if url.get_backend_name() == "sqlite" and \
            url.database not in (None, "", ":memory:") else None
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def current(self) -> dict[str, int]:
        if self._path is None:
            return current(self._engine)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, check_same_thread=False)
            with self._lock:
                self._opened.append(conn)
            self._local.conn = conn
        return {name: int(value) for name, value in
                conn.execute("SELECT name, value FROM store_revisions")}

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()
        self._local = threading.local()
