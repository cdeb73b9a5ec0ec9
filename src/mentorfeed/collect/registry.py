"""The live platforms, found by name: `watch`, `forget` and the CLI's `collect` loop over these.

A new platform is a module in `sources/` (its pure parsers, listed in `sources.FORMATS` so that
`mentorfeed import` reads its raw pages back) and one in `collect/` (its client, a collector that
`collect.runner` drives, the settings class of its community config table, and a `PLATFORM`
describing it), its name in `NAMES`, and a `mentorfeed collect <name>` command for its options.
Modules are imported only when asked for, because their client libraries are slow to load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from mentorfeed.errors import ConfigError

if TYPE_CHECKING:
    from mentorfeed.collect.archive import RawArchive
    from mentorfeed.collect.community import Community
    from mentorfeed.collect.polite import Politeness
    from mentorfeed.collect.runner import CollectReport
    from mentorfeed.store import Store

NAMES = ("x", "bluesky", "mastodon")  # also the raw archive's folders


@dataclass(frozen=True, slots=True)
class Query:
    """One query a community config asks to watch: how the log names it, which server it asks
    (politeness is kept per server), and the options of the platform's `collect`."""

    label: str
    server: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LivePlatform:
    name: str
    title: str
    settings: tuple[str, ...]  # the MENTORFEED_* variables it reads
    collect: Callable[..., CollectReport]  # (store, archive, *, politeness, on_page, max_pages,
    #                                         **options) -> report
    auth_hint: Callable[[], str]  # the one sentence that tells a user how to fix a credential
    missing: Callable[[], str | None]  # why it cannot collect now (a setting unset), or None
    watched: Callable[[Community], tuple[float, list[Query]]]  # (interval in minutes, queries)
    forget_in: Callable[[Any, set[str], set[str]], Any]  # a raw page without the forgotten


def get(name: str) -> LivePlatform:
    if name not in NAMES:
        raise ConfigError(f"Unknown platform {name!r}; use one of: {', '.join(NAMES)}.")
    platform: LivePlatform = import_module(f"mentorfeed.collect.{name}").PLATFORM
    return platform


def every() -> Iterator[LivePlatform]:
    return (get(name) for name in NAMES)


def collect(name: str, store: Store, archive: RawArchive, *,
            make_politeness: Callable[[str, str], Politeness] | None = None,
            server: str | None = None, **options: Any) -> CollectReport:
    """Run one query of a platform, polite on the terms of `make_politeness(server, hint)`."""
    platform = get(name)
    politeness = make_politeness(server or platform.title, platform.auth_hint()) \
        if make_politeness else None
    return platform.collect(store, archive, politeness=politeness, **options)
