"""Recent answers of the opportunity listing, kept while the store is unchanged.

Several people (or one feed reader and a page) ask for the same filters again and again, and a
search for a common word costs tens of milliseconds on a million posts; the answer only changes
when something is written to the store. So answers are kept for a short while and dropped as
soon as the store changes: for a SQLite store, any commit changes the size or time of its
files (WAL mode appends every commit to the -wal file), which two `stat` calls read. Other
stores (PostgreSQL, written by other machines too) keep answers for `SHORT_SECONDS` only.

The web app keeps its rendered list pages and API answers here too (pages.py, api_v1.py), so
they follow the same rule. Set MENTORFEED_ANSWER_CACHE=0 to turn it all off
(`benchmarks/web.py --no-cache` does, to measure the queries themselves).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy.engine import make_url

from mentorfeed.config import Settings

T = TypeVar("T")
KEEP_SECONDS = 60.0
SHORT_SECONDS = 5.0
MAX_ANSWERS = 512

_answers: OrderedDict[Hashable, tuple[float, Hashable, object]] = OrderedDict()
_lock = threading.Lock()


def enabled() -> bool:
    return Settings.load().answer_cache


@functools.lru_cache(maxsize=64)
def _sqlite_files(database_url: str) -> tuple[str, str] | None:
    """The database file and its write-ahead log, for a SQLite store."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database, url.database + "-wal"


def store_version(database_url: str) -> Hashable:
    """Something that changes whenever the store does (None: not known, keep answers briefly)."""
    files = _sqlite_files(database_url)
    if files is None:
        return None
    found: list[tuple[int, int] | None] = []
    for file in files:
        try:
            stat = os.stat(file)
            found.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            found.append(None)
    return tuple(found)


def store_identity(database_url: str) -> Hashable:
    """Which file a SQLite store is (a store rebuilt at the same path is another file)."""
    files = _sqlite_files(database_url)
    try:
        stat = os.stat(files[0]) if files else None
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino) if stat else None


_MISSING = object()


def _kept(database_url: str, key: Hashable, version: Hashable) -> object:
    keep = KEEP_SECONDS if version is not None else SHORT_SECONDS
    with _lock:
        found = _answers.get((database_url, key))
        if found is None or found[1] != version or time.monotonic() - found[0] >= keep:
            return _MISSING
        _answers.move_to_end((database_url, key))
        return found[2]


def peek(database_url: str, key: Hashable) -> object | None:
    """The kept answer for `key`, if there is a current one (never computes)."""
    if not enabled():
        return None
    found = _kept(database_url, key, store_version(database_url))
    return None if found is _MISSING else found


def remembered(database_url: str, key: Hashable, compute: Callable[[], T]) -> T:
    """The answer for `key` on this store: a kept one while the store is unchanged, else a
    freshly computed one (exceptions are not kept)."""
    if not enabled():
        return compute()
    version = store_version(database_url)  # read first: a change while computing shows next
    found = _kept(database_url, key, version)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    now = time.monotonic()
    answer = compute()
    with _lock:
        _answers[(database_url, key)] = (now, version, answer)
        _answers.move_to_end((database_url, key))
        while len(_answers) > MAX_ANSWERS:
            _answers.popitem(last=False)
    return answer


def forget() -> None:
    with _lock:
        _answers.clear()
