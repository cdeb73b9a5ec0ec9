"""People benchmark: `build_profiles` (cold, warm and incremental), a match, and `build_graph`
on a large synthetic Activity.

    python benchmarks/people.py                      # 1M posts over 50k authors
    python benchmarks/people.py --posts 200000 --authors 10000

The Activity reuses the sample corpus's posts and bios (imported and classified with the demo
store): post i is corpus post i mod N, rewritten with a fresh id, one of the synthetic authors
(author j carries corpus author j mod M's name and bio, so roles are spread as in the corpus),
a date spread over five years, and replies, quotes and reposts pointing at earlier synthetic
posts whenever the corpus post had one. Prints seconds per step and the process's peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow


def corpus_activity() -> Activity:
    from mentorfeed.service.demo import build_demo
    from mentorfeed.store import Store

    with tempfile.TemporaryDirectory() as folder:
        path, _, _ = build_demo(Path(folder) / "demo.db")
        return Store(f"sqlite:///{path}").activity()


def synthesise(base: Activity, posts: int, authors: int, seed: int = 6) -> Activity:
    rng = random.Random(seed)
    bios = list(base.authors.values())
    people: dict[Key, AuthorRow] = {}
    keys: list[Key] = []
    for j in range(authors):
        model = bios[j % len(bios)]
        key = (model.key[0], f"a{j}")
        people[key] = AuthorRow(key, f"{model.handle}_{j}", model.name, model.bio,
                                model.followers, None)
        keys.append(key)
    start = min(p.created_at for p in base.posts)
    rows: list[PostRow] = []
    for i in range(posts):
        model = base.posts[i % len(base.posts)]
        author = keys[rng.randrange(authors)]
        earlier = rows[rng.randrange(len(rows))] if rows else None

        def link(kept: Key | None, target: PostRow | None = earlier) -> Key | None:
            return target.key if kept is not None and target is not None else None

        rows.append(PostRow(
            key=(author[0], f"p{i}"), url=None, author=author,
            created_at=start + timedelta(minutes=i * 5 * 365 * 24 * 60 // posts),
            text=model.text, hashtags=model.hashtags, mentions=model.mentions,
            reply_to=link(model.reply_to),
            reply_to_author=earlier.author if model.reply_to and earlier else None,
            quote_of=link(model.quote_of), repost_of=link(model.repost_of),
            conversation=link(model.conversation), labels=model.labels, extract=model.extract,
            closes_call=model.closes_call, matched=model.matched))
    return Activity(rows, people)


def peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--authors", type=int, default=50_000)
    args = parser.parse_args()

    started = time.perf_counter()
    activity = synthesise(corpus_activity(), args.posts, args.authors)
    print(f"synthesised {len(activity.posts):,} posts over {len(activity.authors):,} authors "
          f"in {time.perf_counter() - started:.1f} s; peak memory so far {peak_mib():,.0f} MiB")

    from mentorfeed.people.profiles import build_profiles

    # Cold: every post's traits are read (on all cores); warm: the traits are known, as when
    # they are stored; incremental: 1% new posts arrive and only they are read.
    new = activity.posts[-len(activity.posts) // 100:]
    activity.posts = activity.posts[:-len(new)]
    for step in ("cold", "warm", "incremental"):
        if step == "incremental":
            activity.posts += new
        started = time.perf_counter()
        profiles = build_profiles(activity)
        seconds = time.perf_counter() - started
        print(f"build_profiles ({step}): {seconds:.1f} s "
              f"({len(activity.posts) / seconds:,.0f} posts/s), {len(profiles):,} profiles; "
              f"peak memory {peak_mib():,.0f} MiB")

    from datetime import UTC, datetime

    from mentorfeed.match.profile import TraineeProfile
    from mentorfeed.match.rank import rank_mentors
    from mentorfeed.people.graph import build_graph

    trainee = TraineeProfile(stage="MS2", interests=["skin of color", "hair"],
                             goals=["research", "urim_programs"], background=["first_generation"])
    today = max(p.created_at for p in activity.posts) if activity.posts else datetime.now(UTC)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        rank_mentors(trainee, profiles, today=today)
        timings.append(time.perf_counter() - started)
    print(f"match over {len(profiles):,} authors: median {statistics.median(timings) * 1000:.0f}"
          f" ms (runs: {', '.join(f'{t * 1000:.0f}' for t in timings)} ms)")
    started = time.perf_counter()
    graph = build_graph(activity)
    print(f"build_graph: {time.perf_counter() - started:.1f} s, {graph.number_of_nodes():,} "
          f"nodes, {graph.number_of_edges():,} edges; peak memory {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
