"""PostgreSQL takes what SQLite takes: a post whose words are more than a tsvector holds
(1 MB) is stored whole and found by the words of its first 200,000 characters, and the posts
beside it in the batch are stored too."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mentorfeed.errors import StoreError
from mentorfeed.models import Post
from mentorfeed.store import Store


def _post(post_id: str, text: str) -> Post:
    return Post(platform="x", id=post_id, url=f"https://x.com/a/status/{post_id}",
                author_id="1", text=text, created_at=datetime(2024, 3, 5, tzinfo=UTC),
                hashtags=[], raw={"id": post_id})


def test_a_post_of_one_and_a_half_megabytes_is_stored_and_searchable(store: Store) -> None:
    # About 1.5 MB of distinct words: their tsvector would be about 2 MB.
    words = " ".join(f"w{n:x}" for n in range(230_000))
    text = "zebrafish dermatology fellowship " + words
    assert len(text.encode()) > 1_500_000
    result = store.upsert([_post("1", "a short call for a mentor"), _post("2", text),
                           _post("3", "another short call")], [], "test")
    assert result.new == 3
    assert store.count_posts() == 3
    stored = store.get_post("x", "2")
    assert stored is not None and stored.text == text  # kept whole, not cut
    assert [p.id for p in store.search("zebrafish")] == ["2"]
    assert [p.id for p in store.search("mentor")] == ["1"]


@pytest.mark.postgres
def test_a_batch_the_database_refuses_is_one_sentence_without_sql(postgres_url: str) -> None:
    """PostgreSQL refuses a NUL in text, which only the store API (not an import, whose
    readers drop control characters) can hand it: the error names the cause, not the SQL."""
    with Store(postgres_url) as store, pytest.raises(StoreError) as refused:
        store.upsert([_post("1", "secret-looking text \x00 here")], [], "test")
    message = str(refused.value)
    assert "\n" not in message and "NUL" in message
    assert "INSERT" not in message and "secret-looking" not in message
    assert "parameters" not in message
