"""Importing files: idempotent, overlapping files merge, interrupted imports complete on re-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

ALL = ["x_api_v2_search.json", "twarc2_page.jsonl", "x_v1_1_tweet.json",
       "bluesky_search_posts.json", "mastodon_tag_timeline.json", "x_archive_tweets.js"]


def _snapshot(store: Store) -> list[tuple[object, ...]]:
    posts = store.search(None, include_context=True, limit=1000)
    return sorted((p.platform, p.id, p.text, p.origin, p.reply_to, p.quote_of, p.repost_of,
                   tuple(p.hashtags), tuple(p.urls)) for p in posts)


def test_reimporting_changes_nothing_but_metrics(store: Store, formats: Path) -> None:
    files = [formats / name for name in ALL]
    first = import_files(store, files)
    before = _snapshot(store)
    again = import_files(store, files)
    assert again.new == 0 and again.updated == first.new + first.updated
    assert _snapshot(store) == before
    assert store.stats().posts == first.new - store.stats().context_posts


def test_overlapping_files_store_each_post_once(store: Store, formats: Path) -> None:
    import_files(store, [formats / "x_api_v2_search.json"])
    overlap = import_files(store, [formats / "twarc2_page.jsonl"])
    assert overlap.updated > 0  # the two files share posts
    ids = [p.id for p in store.search(None, platform="x", include_context=True, limit=100)]
    assert len(ids) == len(set(ids))


def test_mastodon_replies_resolve_to_their_parent(store: Store, formats: Path) -> None:
    report = import_files(store, [formats / "mastodon_tag_timeline.json"])
    assert report.resolved == 1
    reply = next(p for p in store.search(None, platform="mastodon") if p.reply_to)
    parent = store.get_post("mastodon", reply.reply_to or "")
    assert parent is not None and parent.text.startswith("Applications are open")


def test_an_interrupted_import_completes_when_run_again(tmp_path: Path, formats: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    lines = (formats / "twarc2_page.jsonl").read_bytes().splitlines()
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"\n".join(lines * 3) + b"\n")

    class Interrupt:
        calls = 0

        def file_started(self, path: Path, size: int) -> None:
            pass

        def advanced(self, nbytes: int, nposts: int) -> None:
            self.calls += 1
            if self.calls == 1:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_files(store, [big, formats / "x_v1_1_tweet.json"], batch_size=2,
                     progress=Interrupt())
    partial = store.count_posts(include_context=True)
    assert partial > 0
    report = import_files(store, [big, formats / "x_v1_1_tweet.json"], batch_size=2)
    complete = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    import_files(complete, [big, formats / "x_v1_1_tweet.json"])
    assert report.ok
    assert _snapshot(store) == _snapshot(complete)
