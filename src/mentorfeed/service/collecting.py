"""Collecting: live collection from X, Bluesky and Mastodon, watching and forgetting."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.community import Community
from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError
from mentorfeed.service.classifying import classify_store
from mentorfeed.service.people import refresh_people
from mentorfeed.service.posts import open_store

if TYPE_CHECKING:  # the model's modules load scikit-learn: only commands that classify pay
    from mentorfeed.collect.forget import ForgetReport
    from mentorfeed.collect.polite import Politeness
    from mentorfeed.collect.watch import Cycle, Job
    from mentorfeed.collect.x import CollectReport


def archive(settings: Settings) -> RawArchive:
    """The raw archive every collected page goes to first."""
    return RawArchive(settings.raw_dir)


def collect_x(settings: Settings, query: str, *, politeness: Politeness | None = None,
              **options: Any) -> CollectReport:
    """Collect an X API v2 search into the store (see `collect.x.collect` for options)."""
    from mentorfeed.collect import x

    with open_store(settings) as store:
        return x.collect(store, archive(settings), query, politeness=politeness, **options)


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
    """One job per query, tag and instance of the community config."""
    from mentorfeed.collect.watch import Job

    jobs: list[Job] = []
    x_hint = "it is wrong or expired; set MENTORFEED_X_BEARER_TOKEN to a valid token"
    if community.x.queries and settings.x_bearer_token:
        jobs += [Job(f"x {query!r}", community.x.interval_minutes * 60,
                     partial(collect_x, settings, query, politeness=make_politeness("X", x_hint)))
                 for query in community.x.queries]
    elif community.x.queries and log:
        log({"event": "skipped", "source": "x",
             "error": "MENTORFEED_X_BEARER_TOKEN is not set"})
    sky = community.bluesky
    sky_hint = "check MENTORFEED_BLUESKY_HANDLE and MENTORFEED_BLUESKY_APP_PASSWORD"
    jobs += [Job(f"bluesky #{tag}", sky.interval_minutes * 60,
                 partial(collect_bluesky, settings, tag=tag,
                         politeness=make_politeness("Bluesky", sky_hint)))
             for tag in sky.tags]
    jobs += [Job(f"bluesky {query!r}", sky.interval_minutes * 60,
                 partial(collect_bluesky, settings, query=query,
                         politeness=make_politeness("Bluesky", sky_hint)))
             for query in sky.queries]
    if sky.jetstream and sky.tags:  # the firehose: what arrived since the last cycle
        jobs.append(Job("jetstream", sky.interval_minutes * 60,
                        partial(follow_jetstream, settings, sky.tags, idle_timeout=10,
                                duration=60)))
    masto = community.mastodon
    jobs += [Job(f"mastodon {instance} #{tag}", masto.interval_minutes * 60,
                 partial(collect_mastodon, settings, instance, tag,
                         politeness=make_politeness(instance, "check MENTORFEED_MASTODON_TOKEN")))
             for instance in masto.instances for tag in masto.tags]
    return jobs


def collect_mastodon(settings: Settings, instance: str, tag: str, *,
                     politeness: Politeness | None = None, **options: Any) -> CollectReport:
    """Collect a Mastodon hashtag timeline from one instance into the store."""
    from mentorfeed.collect import mastodon

    with open_store(settings) as store:
        return mastodon.collect(store, archive(settings), instance=instance, tag=tag,
                                politeness=politeness, **options)


def collect_bluesky(settings: Settings, *, tag: str | None = None, query: str | None = None,
                    politeness: Politeness | None = None, **options: Any) -> CollectReport:
    """Collect a Bluesky search (by hashtag or query) into the store."""
    from mentorfeed.collect import bluesky

    with open_store(settings) as store:
        return bluesky.collect(store, archive(settings), tag=tag, query=query,
                               politeness=politeness, **options)


def follow_jetstream(settings: Settings, tags: Sequence[str], **options: Any) -> Any:
    """Store posts with the tags from Bluesky's live Jetstream, resuming from the saved cursor."""
    from mentorfeed.collect import jetstream

    with open_store(settings) as store:
        return jetstream.follow(store, archive(settings), tags=list(tags), **options)

