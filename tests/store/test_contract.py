"""The store contract, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mentorfeed.errors import QueryError, StoreError
from mentorfeed.models import Author, Mention, Post, by_local_ref
from mentorfeed.store import Store


def make_post(post_id: str, text: str, **fields: object) -> Post:
    values: dict[str, object] = {
        "platform": "x", "id": post_id, "url": f"https://x.com/a/status/{post_id}",
        "author_id": "1", "text": text, "created_at": datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
        "hashtags": [], "raw": {"id": post_id},
    }
    values.update(fields)
    return Post(**values)  # type: ignore[arg-type]


AUTHOR = Author(platform="x", id="1", handle="DermDoc", name="Dr. D", bio="Dermatologist",
                followers=10, matched=True)


def test_upsert_is_idempotent_and_refreshes_metrics(store: Store) -> None:
    post = make_post("10", "Looking for a student for a case report #DermTwitter",
                     hashtags=["DermTwitter"], metrics={"likes": 1})
    assert store.upsert([post], [AUTHOR], "test").new == 1
    post.metrics = {"likes": 5}
    again = store.upsert([post], [AUTHOR], "test")
    assert (again.new, again.updated) == (0, 1)
    assert store.count_posts() == 1
    stored = store.get_post("x", "10")
    assert stored is not None and stored.metrics == {"likes": 5}
    assert stored.author is not None and stored.author.handle == "DermDoc"
    assert stored.created_at == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
    assert len(store.search(None, hashtag="dermtwitter")) == 1  # one hashtag row, not two


def test_context_posts_are_kept_apart_and_upgraded_when_matched(store: Store) -> None:
    store.upsert([make_post("1", "the original call", origin="quoted")], [], "test")
    assert store.count_posts() == 0 and store.count_posts(include_context=True) == 1
    assert store.stats().context_posts == 1
    store.upsert([make_post("1", "the original call")], [], "test")
    assert store.count_posts() == 1 and store.stats().context_posts == 0
    store.upsert([make_post("1", "the original call", origin="replied_to")], [], "test")
    assert store.count_posts() == 1  # seeing it again as context never downgrades it


def test_a_reply_naming_its_parent_by_local_ref_resolves_once_the_parent_is_stored(
        store: Store) -> None:
    """Any platform's source may name a parent by its `local_ref`; the store resolves it on
    the same platform only, and a resolved reference is never replaced by an unresolved one."""
    reply = make_post("21", "a reply", reply_to=by_local_ref("home.example:5"))
    store.upsert([reply, make_post("5", "elsewhere", platform="bluesky",
                                   local_ref="home.example:5")], [], "test")
    assert store.resolve_references() == 0  # the only match is on another platform
    store.upsert([make_post("20", "the parent", local_ref="home.example:5")], [], "test")
    assert store.resolve_references() == 1
    stored = store.get_post("x", "21")
    assert stored is not None and stored.reply_to == "20"
    store.upsert([reply], [], "test")  # seen again, still naming the parent by local_ref
    again = store.get_post("x", "21")
    assert again is not None and again.reply_to == "20"


def test_a_longer_text_replaces_a_truncated_one(store: Store) -> None:
    store.upsert([make_post("7", "Applications open for our URiM mentorship…")], [], "t")
    store.upsert([make_post("7", "Applications open for our URiM mentorship program, due 3/1")],
                 [], "t")
    stored = store.get_post("x", "7")
    assert stored is not None and stored.text.endswith("due 3/1")
    assert store.search("program due")
    store.upsert([make_post("7", "Applications open…")], [], "t")
    assert store.search("program due")  # a shorter copy later changes nothing


def test_authors_keep_known_fields_when_a_payload_lacks_them(store: Store) -> None:
    store.upsert([], [AUTHOR], "t")
    store.upsert([], [Author(platform="x", id="1", handle="DermDoc2")], "t")
    author = store.get_author("x", "1")
    assert author is not None
    assert (author.handle, author.bio, author.followers, author.matched) == (
        "DermDoc2", "Dermatologist", 10, True)


def test_search_filters_and_query_language(store: Store) -> None:
    day = datetime(2024, 1, 1, tzinfo=UTC)
    store.upsert([
        make_post("1", "Research students wanted for a psoriasis chart review",
                  hashtags=["DermTwitter"], created_at=day.replace(month=2)),
        make_post("2", "New research shows sunscreen application matters",
                  hashtags=["dermtwitter", "SkinCancer"], created_at=day.replace(month=3)),
        make_post("3", "Our mentorship program for SNMA students is open",
                  platform="bluesky", author_id="did:plc:x", created_at=day.replace(month=4)),
        make_post("4", "Mentors: thank you for everything", hashtags=["MedTwitter"],
                  created_at=day.replace(month=5), mentions=[Mention("DermDoc", "1")]),
    ], [AUTHOR], "test")

    def ids(query: str | None, **filters: object) -> list[str]:
        return sorted(p.id for p in store.search(query, **filters))  # type: ignore[arg-type]

    assert ids("research") == ["1", "2"]
    assert ids("research -sunscreen") == ["1"]
    assert ids('"chart review"') == ["1"]
    assert ids("psoriasis OR sunscreen") == ["1", "2"]
    assert ids("mentor") == ["4"]  # stemmed: "mentors" matches, "mentorship" does not
    assert ids("mentor*") == ["3", "4"]
    assert ids("research", hashtag="#DERMTWITTER") == ["1", "2"]
    assert ids(None, platform="bluesky") == ["3"]
    assert ids(None, author="@dermdoc") == ["1", "2", "4"]
    assert ids(None, since=day.replace(month=3), until=day.replace(month=5)) == ["2", "3"]
    assert ids('quote"s (and) * odd: chars') == []  # never a syntax error
    with pytest.raises(QueryError):
        store.search("-only -negative")


def test_hostile_text_round_trips(store: Store) -> None:
    text = "<script>alert(1)</script> \u202e flipped ✨ \U0001f9f4 " + "x" * 100_000
    store.upsert([make_post("66", text, raw={"weird": "\u0000 is not allowed in PG"})], [], "t")
    stored = store.get_post("x", "66")
    assert stored is not None and stored.text == text


def test_stats_counts_by_platform_month_hashtag_and_author(store: Store) -> None:
    store.upsert([
        make_post("1", "a", hashtags=["DermTwitter"]),
        make_post("2", "b", hashtags=["dermtwitter", "MedTwitter"],
                  created_at=datetime(2024, 4, 1, tzinfo=UTC)),
        make_post("3", "", repost_of="1"),
        make_post("4", "c", platform="mastodon", author_id=None),
    ], [AUTHOR], "t")
    stats = store.stats()
    assert (stats.posts, stats.reposts, stats.authors) == (4, 1, 1)
    assert stats.by_platform == {"x": 3, "mastodon": 1}
    assert stats.by_month == {"2024-03": 3, "2024-04": 1}
    assert stats.top_hashtags[0][1] == 2 and stats.top_hashtags[0][0].lower() == "dermtwitter"
    assert stats.top_authors == [("DermDoc", "x", 3)]


def test_an_unusable_database_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match="Cannot open the database"):
        Store(f"sqlite:///{tmp_path / 'dir.db'}")
    with pytest.raises(StoreError, match="Cannot open the database") as raised:
        Store("postgresql://nobody:secret@127.0.0.1:1/nothing")
    assert "secret" not in str(raised.value)


def test_reopening_runs_no_migration_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    with Store(url) as first:
        first.upsert([make_post("1", "kept")], [], "t")
    with Store(url) as second:
        assert second.count_posts() == 1
