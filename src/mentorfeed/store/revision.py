"""The store's revisions: one counter per kind of write, bumped in the writing transaction.

A cache keeps an answer with the revision it was computed at and compares that number, read by
key, with the current one (service/cache.py). `COLLECTED` moves with everything the listings,
feeds, people and insights are made of (posts, authors, labels, groups, corrections, stored
profiles); `TRAINEE` with the trainee's own saved items and profile, which only the pages that
show them depend on, so that saving an item does not drop every kept listing.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, select, update

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
