"""Collecting: live collection from the registered platforms, watching and forgetting."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.community import Community
from mentorfeed.collect.community import load as load_community
from mentorfeed.collect.community import write_starter as write_starter_config
from mentorfeed.collect.polite import Politeness
from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError
from mentorfeed.service.classifying import classify_store
from mentorfeed.service.people import refresh_people
from mentorfeed.service.posts import open_store

# Besides the functions: the community config (load it, or write a starter to edit) and the
# politeness layer that the CLI gives a countdown.
__all__ = ["Community", "Politeness", "archive", "collect", "follow_jetstream", "forget",
           "load_community", "watch", "watch_jobs", "write_starter_config"]

if TYPE_CHECKING:  # the model's modules load scikit-learn: only commands that classify pay
    from mentorfeed.collect.forget import ForgetReport
    from mentorfeed.collect.runner import CollectReport
    from mentorfeed.collect.watch import Cycle, Job

def archive(settings: Settings) -> RawArchive:
    """The raw archive every collected page goes to first."""
    return RawArchive(settings.raw_dir)


def collect(settings: Settings, platform: str, *,
            make_politeness: Callable[[str, str], Politeness] | None = None,
            server: str | None = None, **options: Any) -> CollectReport:
    """Collect one query of a live platform into the store, from where its last run stopped
    (see the platform's `collect` in `mentorfeed.collect` for its options)."""
    from mentorfeed.collect import registry

    with open_store(settings) as store:
        return registry.collect(platform, store, archive(settings),
                                make_politeness=make_politeness, server=server, **options)


def forget(settings: Settings, *, posts: Sequence[str] = (),
           authors: Sequence[str] = ()) -> ForgetReport:
    """Remove posts and authors from the store and the raw archive."""
    from mentorfeed.collect.forget import forget as forget_everywhere

    with open_store(settings) as store:
        return forget_everywhere(store, archive(settings), posts=posts, authors=authors)


def watch(settings: Settings, community: Community, *,
          make_politeness: Callable[[str, str], Politeness], cycles: int | None = None,
          log: Callable[[dict[str, Any]], None] | None = None,
          on_cycle: Callable[[Cycle], None] | None = None,
          sleep: Callable[[float], None] = time.sleep,
          now: Callable[[], float] = time.time) -> int:
    """Run every source of the community config on its interval; classify what arrives and
    bring the author profiles up to date."""
    from mentorfeed.collect.watch import watch as run

    jobs = watch_jobs(settings, community, make_politeness, log)
    if not jobs:
        raise ConfigError("Nothing to watch: the community config names no queries, tags or "
                          "instances (or no X token is set for its X queries).")
    def after_new() -> None:
        classify_store(settings)
        refresh_people(settings, community=community)

    return run(jobs, after_new=after_new, log=log, on_cycle=on_cycle, cycles=cycles,
               sleep=sleep, now=now)


def watch_jobs(settings: Settings, community: Community,
               make_politeness: Callable[[str, str], Politeness],
               log: Callable[[dict[str, Any]], None] | None = None) -> list[Job]:
    """One job per query of every live platform in the community config, and Bluesky's
    Jetstream (a stream, not pages) when the config asks for it."""
    from mentorfeed.collect import registry
    from mentorfeed.collect.bluesky import BlueskySettings
    from mentorfeed.collect.watch import Job

    jobs: list[Job] = []
    for platform in registry.every():
        minutes, queries = platform.watched(community)
        missing = platform.missing()
        if queries and missing:
            if log:
                log({"event": "skipped", "source": platform.name, "error": missing})
            continue
        jobs += [Job(query.label, minutes * 60,
                     partial(collect, settings, platform.name, make_politeness=make_politeness,
                             server=query.server, **query.options))
                 for query in queries]
    sky = community.table("bluesky", BlueskySettings)
    if sky.jetstream and sky.tags:  # the firehose: what arrived since the last cycle
        jobs.append(Job("jetstream", sky.interval_minutes * 60,
                        partial(follow_jetstream, settings, sky.tags, idle_timeout=10,
                                duration=60)))
    return jobs


def follow_jetstream(settings: Settings, tags: Sequence[str], **options: Any) -> Any:
    """Store posts with the tags from Bluesky's live Jetstream, resuming from the saved cursor."""
    from mentorfeed.collect import jetstream

    with open_store(settings) as store:
        return jetstream.follow(store, archive(settings), tags=list(tags), **options)
