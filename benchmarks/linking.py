"""Account-linking benchmark: how long `refresh_people` spends finding which accounts are one
person (`service.accounts.find`) on a large store, and its parts: reading the raw profiles'
links, the posts that point elsewhere, and `find_links`.

    python benchmarks/linking.py                        # 50k authors, 200k posts
    python benchmarks/linking.py --authors 100000 --posts 1000000

The authors and posts are those of benchmarks/people.py (the sample corpus's bios and posts
spread over synthetic accounts). Each author is stored with a raw profile shaped like what the
platforms send (an X user with its pinned post and entities, a Mastodon account with its note,
emojis and fields, a Bluesky profile), a tenth of them with a link beside the bio. The old way
of reading raw profiles (every author's whole JSON, filtered in Python) is timed beside the
store's query for comparison.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from people import corpus_activity, peak_mib, synthesise

from mentorfeed.models import Author
from mentorfeed.people.activity import AuthorRow


def raw_profile(row: AuthorRow, rng: random.Random) -> dict[str, Any]:
    """A raw profile like the platform's, with a link beside the bio one time in ten."""
    linked = rng.random() < 0.1
    site = f"https://{row.handle.lower().replace('@', '.').replace('_', '-')}.example"
    filler = "Dermatology, skin of color, mentoring students. " * 8
    if row.key[0] == "x":
        entities: dict[str, Any] = {"description": {"hashtags": [{"start": 0, "end": 7,
                                                                 "tag": "DermJC"}]}}
        if linked:
            entities["url"] = {"urls": [{"url": "https://t.co/abc", "expanded_url": site}]}
        return {"id": row.key[1], "username": row.handle, "description": row.bio,
                "entities": entities, "public_metrics": {"followers_count": 100},
                "pinned_tweet": {"id": "1", "text": filler}, "profile_image_url": site}
    if row.key[0] == "mastodon":
        fields = [{"name": "Website", "value": f'<a href="{site}">{site}</a>'}] if linked else []
        return {"id": row.key[1], "acct": row.handle, "note": f"<p>{row.bio}</p>{filler}",
                "fields": fields, "emojis": [{"shortcode": f"e{i}", "url": site}
                                              for i in range(10)],
                "roles": [], "avatar": site, "header": site}
    return {"did": row.key[1], "handle": row.handle, "description": row.bio or "",
            "avatar": site, "banner": site, "labels": [], "viewer": {}, "about": filler}


def old_raw_profiles(store: Any) -> dict[Any, dict[str, Any]]:
    """The raw profiles as read before: every author's whole raw JSON, filtered in Python."""
    from sqlalchemy import select

    from mentorfeed.store.schema import authors

    found = {}
    query = select(authors.c.platform, authors.c.author_id, authors.c.raw).where(
        authors.c.raw.is_not(None))
    with store._engine.connect() as conn:
        for r in conn.execute(query):
            raw = r.raw
            if isinstance(raw, dict) and (raw.get("fields") or raw.get("entities")):
                found[(r.platform, r.author_id)] = {"fields": raw.get("fields"),
                                                    "entities": raw.get("entities")}
    return found


def timed(what: str, step: Any) -> Any:
    """Run `step`, printing its wall and CPU seconds (CPU: steadier on a shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = step()
    print(f"{what}: {time.perf_counter() - started:.2f} s "
          f"({time.process_time() - cpu:.2f} s CPU)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--authors", type=int, default=50_000)
    args = parser.parse_args()

    from mentorfeed.people.linking import account_of, find_links, pointer_text
    from mentorfeed.service.accounts import find
    from mentorfeed.store import Store

    activity = synthesise(corpus_activity(), args.posts, args.authors)
    print(f"{len(activity.posts):,} posts over {len(activity.authors):,} authors")
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder, \
            Store(f"sqlite:///{Path(folder) / 'linking.db'}") as store:
        rows = list(activity.authors.values())
        for start in range(0, len(rows), 20_000):
            store.upsert([], [Author(r.key[0], r.key[1], r.handle, r.name, r.bio, r.followers,
                                     None, True, raw_profile(r, rng))
                              for r in rows[start:start + 20_000]], source="benchmark")
        for _ in range(5):  # alternate, so that neither gains from a warmer cache
            old = timed("raw profiles, every author's JSON read in Python (before)",
                        lambda: old_raw_profiles(store))
            raw = timed("raw profiles, picked and cut by the database (now)",
                        store.raw_profiles)
        print(f"  {len(old):,} raw profiles read before, {len(raw):,} now")
        pointing = timed("posts that may point elsewhere", lambda: sum(
            1 for p in activity.posts if p.text and pointer_text(p.text)))
        print(f"  {pointing:,} posts")
        accounts = timed("accounts", lambda: [account_of(row, raw.get(key))
                                               for key, row in activity.authors.items()])
        links = timed("find_links", lambda: find_links(accounts))
        print(f"  {len(links):,} links")
        found = timed("service.accounts.find (all of it, with storing the links)",
                      lambda: find(store, activity))
        print(f"  {len(found):,} links stored; peak memory {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
