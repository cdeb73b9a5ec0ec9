"""Forgetting removes a post or an author everywhere: store, search, labels, raw archive."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from mentorfeed.collect import x
from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.forget import forget
from mentorfeed.collect.polite import Politeness
from mentorfeed.errors import MentorfeedError
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

from .conftest import FakeX
from .fakes import Clock


def _collect(store: Store, archive: RawArchive, clock: Clock) -> None:
    x.collect(store, archive, "#DermTwitter", politeness=Politeness(
        "X", sleep=clock.sleep, now=clock.now))


def test_forget_a_post_by_url_and_an_author_by_handle(
        fake_x: FakeX, sqlite_store: Store, archive: RawArchive, clock: Clock,
        tmp_path: Path) -> None:
    _collect(sqlite_store, archive, clock)
    post = next(p for p in sqlite_store.search("research", limit=5) if p.url)
    author_post = next(p for p in sqlite_store.search(None, limit=50)
                       if p.author and p.author_id != post.author_id)
    assert author_post.author is not None
    handle, author_id = author_post.author.handle, author_post.author_id
    by_author = len(sqlite_store.search(None, author=handle, limit=1000))
    before = sqlite_store.count_posts(include_context=True)

    report = forget(sqlite_store, archive, posts=[str(post.url)], authors=[f"@{handle}"])

    assert report.posts >= 1 + by_author and report.authors == 1 and report.pages >= 1
    assert sqlite_store.get_post("x", post.id) is None
    assert sqlite_store.search(None, author=handle) == []
    assert sqlite_store.get_author("x", str(author_id)) is None
    assert post.id not in {p.id for p in sqlite_store.search(post.text.split()[0], limit=1000)}
    assert sqlite_store.count_posts(include_context=True) == before - report.posts
    pages = [orjson.loads(line) for path in archive.files()
             for line in path.read_bytes().splitlines()]
    tweets = [t for page in pages for t in (page.get("data") or []) +
              (page.get("includes", {}).get("tweets") or [])]
    users = [u for page in pages for u in page.get("includes", {}).get("users") or []]
    assert post.id not in {t["id"] for t in tweets}  # replies of others may still name it
    assert author_id not in {t["author_id"] for t in tweets} | {u["id"] for u in users}
    assert post.text[:40] not in b"".join(path.read_bytes() for path in archive.files()).decode()
    with Store(f"sqlite:///{tmp_path / 'rebuilt.db'}") as rebuilt:
        import_files(rebuilt, archive.files())
        assert rebuilt.get_post("x", post.id) is None
        assert rebuilt.search(None, author=handle) == []


def test_forgetting_nothing_known_says_so(sqlite_store: Store, archive: RawArchive) -> None:
    with pytest.raises(MentorfeedError, match="Nothing in the store matches"):
        forget(sqlite_store, archive, posts=["https://x.com/nobody/status/1"])
