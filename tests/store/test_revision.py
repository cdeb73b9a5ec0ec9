"""The store's revisions: every write that changes what is shown moves one, in its own
transaction; the trainee's own writes move only theirs."""

from __future__ import annotations

from datetime import UTC, datetime

from mentorfeed.models import Author, Classification, Post
from mentorfeed.store import Store
from mentorfeed.store.corrections import Correction

WHEN = datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
AUTHOR = Author(platform="x", id="1", handle="DermDoc", name="Dr. D", bio="Dermatologist",
                followers=10, matched=True)


def _post(post_id: str) -> Post:
    return Post(platform="x", id=post_id, url=f"https://x.com/a/status/{post_id}",
                author_id="1", text="Looking for a student for a case report",
                created_at=WHEN, raw={"id": post_id})


def test_each_write_that_changes_what_is_shown_moves_the_revision(store: Store) -> None:
    seen = [store.revision()]

    def moved() -> bool:
        seen.append(store.revision())
        return seen[-1] > seen[-2]

    store.upsert([_post("1")], [AUTHOR], "test")
    assert moved()
    store.upsert([], [], "test")
    assert not moved()
    store.save_classifications([(("x", "1"), Classification(
        ["research_collaboration"], {}, {}, [], "", "test"))])
    assert moved()
    store.set_groups([])
    assert moved()
    store.save_correction(("x", "1"), Correction([], None, "local", WHEN))
    assert moved()
    store.set_state("x", "cursor", "abc")  # where a collector stopped is not shown
    assert not moved()
    store.forget([("x", "1")])
    assert moved()
    assert store.revision(trainee=True) == 0


def test_revisions_are_kept_in_the_store(store: Store) -> None:
    store.upsert([_post("1")], [AUTHOR], "test")
    with Store(store.url) as again:  # another process sees the same number
        assert again.revision() == store.revision() > 0
