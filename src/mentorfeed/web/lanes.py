"""The thread that computes opportunity listings, one per process.

A listing that is not kept (service/cache.py) runs a few queries and renders a page: a few
milliseconds, nearly all of it holding the interpreter lock. Run side by side in several
threads, listings only take turns at that lock, each one finishing later, and the event loop
that sends kept answers waits its turn too. One after the other, on one thread, each finishes
as soon as it can; `mentorfeed serve` runs a process per core, so every core still has one.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = \
    weakref.WeakKeyDictionary()


async def listing(compute: Callable[..., T], *args: object, by_fit: bool = False) -> T:
    """`compute(*args)` on this process's listing thread (each event loop has its own). A
    listing by fit ranks a few thousand calls (a tenth of a second or more on a large store):
    it runs in the shared thread pool instead, so the quick ones queued behind it go on."""
    if by_fit:
        return await anyio.to_thread.run_sync(functools.partial(compute, *args))
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(1)
    return await anyio.to_thread.run_sync(functools.partial(compute, *args), limiter=limiter)
