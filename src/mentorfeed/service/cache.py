"""Answers kept while the store is unchanged: one cache keyed by (store, revision, key).

Several people (or one feed reader and a page) ask for the same filters again and again, and a
search for a common word costs tens of milliseconds on a million posts; the answer changes only
when something it is made of is written. Every such write bumps a revision of the store in its
own transaction (`Store.revision`, store/revision.py), so an answer is kept with the revision
it was computed at and holds exactly while that is current: on SQLite and on PostgreSQL alike,
whichever process wrote. Answers made of the trainee's own saved items or profile (a rendered
page marks saved cards) follow the trainee's revision too; the listings themselves do not, so
saving an item leaves them kept.

The listings, the rendered list pages, API answers, the Atom feed, the people view and the
Insights figures are all kept here. Set MENTORFEED_ANSWER_CACHE=0 to turn it off
(`benchmarks/web.py --no-cache` does, to measure the queries themselves).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from mentorfeed.config import Settings
from mentorfeed.store import Store

T = TypeVar("T")
MAX_ANSWERS = 512

_answers: OrderedDict[Hashable, tuple[Hashable, object]] = OrderedDict()
_lock = threading.Lock()
_MISSING = object()


def enabled() -> bool:
    return Settings.load().answer_cache


def _revision(store: Store, trainee: bool) -> Hashable:
    return store.revisions() if trainee else store.revision()


def _kept(slot: Hashable, revision: Hashable) -> object:
    with _lock:
        found = _answers.get(slot)
        if found is None or found[0] != revision:
            return _MISSING
        _answers.move_to_end(slot)
        return found[1]


def peek(store: Store, key: Hashable, *, trainee: bool = False) -> object | None:
    """The kept answer for `key`, if there is a current one (never computes)."""
    if not enabled():
        return None
    found = _kept((store.identity, key), _revision(store, trainee))
    return None if found is _MISSING else found


def remembered(store: Store, key: Hashable, compute: Callable[[], T], *,
               trainee: bool = False) -> T:
    """The answer for `key` on this store: the kept one while the store's revision (with
    `trainee`, the trainee's revision too) is the one it was computed at, else a freshly
    computed one (exceptions are not kept)."""
    if not enabled():
        return compute()
    slot = (store.identity, key)
    revision = _revision(store, trainee)  # read first: a write while computing shows next
    found = _kept(slot, revision)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    answer = compute()
    with _lock:
        _answers[slot] = (revision, answer)
        _answers.move_to_end(slot)
        while len(_answers) > MAX_ANSWERS:
            _answers.popitem(last=False)
    return answer

