"""Writes that two requests may make at the same moment (two tabs saving one item, two
profile saves): an upsert (INSERT ... ON CONFLICT DO UPDATE) on SQLite and PostgreSQL alike,
and a few retries for the writes that replace several rows at once, when the other writer
won a race on a key or a lock (a unique violation or a deadlock on PostgreSQL)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

T = TypeVar("T")
ATTEMPTS = 5
# PostgreSQL's codes for a lost race: unique violation, serialization failure, deadlock.
_RACES = {"23505", "40001", "40P01"}


def upsert(conn: Connection, table: Table, values: Mapping[str, Any], key: Sequence[str],
           *, keep: Sequence[str] = ()) -> None:
    """Insert the row, or update the one with the same `key` to `values` (except the columns
    in `keep`, which keep their stored value), in one statement that cannot lose a race."""
    module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = module.insert(table).values(**values)
    changes = {name: statement.excluded[name] for name in values
               if name not in key and name not in keep}
    conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=changes))


def is_race(exc: DBAPIError) -> bool:
    """Whether another writer's commit, not this write, made it fail (worth another try)."""
    code = getattr(exc.orig, "sqlstate", None)
    if code is not None:
        return code in _RACES
    return isinstance(exc, IntegrityError) and "UNIQUE constraint failed" in str(exc.orig)


def retrying(write: Callable[[], T]) -> T:
    """`write()` (one transaction), tried again after a short pause when it lost a race."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return write()
        except DBAPIError as exc:
            if attempt == ATTEMPTS or not is_race(exc):
                raise
            time.sleep(random.uniform(0.005, 0.02) * attempt)  # jitter, so that racers part
    raise AssertionError("unreachable")
