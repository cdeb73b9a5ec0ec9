"""Two people (or two browser tabs) submitting at the same moment: every write the web app
makes (saving an item, saving the profile, correcting a post's labels) is taken by both, on
SQLite and PostgreSQL, never a crash for one of them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from mentorfeed.models import Author, Classification, Post
from mentorfeed.service.classifying import regroup
from mentorfeed.store import Store
from mentorfeed.store.corrections import Correction

THREADS = 6
ROUNDS = 5
AUTHOR = Author(platform="x", id="1", handle="DermDoc", name="Dr. D")


def make_post(post_id: str, text: str) -> Post:
    return Post(platform="x", id=post_id, url=f"https://x.com/a/status/{post_id}",
                author_id="1", text=text, created_at=datetime(2024, 3, 5, tzinfo=UTC),
                hashtags=[], raw={"id": post_id})


def _all_at_once(work: Callable[[int], object]) -> list[BaseException]:
    """Run `work(n)` in THREADS threads released together; the errors they raised."""
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            work(n)
        except BaseException as exc:  # what any thread raised
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_saving_one_item_at_once_from_two_tabs_keeps_one_saved_item(store: Store) -> None:
    store.upsert([make_post(str(n), f"call number {n}") for n in range(ROUNDS)], [AUTHOR], "t")
    for n in range(ROUNDS):
        failures = _all_at_once(lambda i, n=n: store.save_item(  # type: ignore[misc]
            "x", str(n), status="saved" if i % 2 else "applied", note=f"tab {i}"))
        assert failures == []
    items, total = store.saved_items()
    assert total == ROUNDS
    assert {item.status for item in items} <= {"saved", "applied"}


def test_saving_the_profile_at_once_keeps_one_of_them(store: Store) -> None:
    for _ in range(ROUNDS):
        store.forget_trainee_profile()
        failures = _all_at_once(lambda i: store.save_trainee_profile({"name": f"tab {i}"}))
        assert failures == []
        saved = store.trainee_profile()
        assert saved is not None and saved["name"].startswith("tab ")


def test_correcting_one_post_at_once_keeps_one_correction(store: Store) -> None:
    store.upsert([make_post(str(n), f"call number {n}") for n in range(ROUNDS)], [AUTHOR], "t")
    for n in range(ROUNDS):
        key = ("x", str(n))

        def correct(i: int, key: tuple[str, str] = key) -> None:
            when = datetime.now(UTC)
            labels = ["research_collaboration"] if i % 2 else []
            store.save_correction(key, Correction(labels, None, f"tab {i}", when))
            store.save_classifications([(key, Classification(
                labels, {}, {"labels": labels}, [], "corrected", "person"))])
            regroup(store)  # as the web app's correction does next

        assert _all_at_once(correct) == []
    assert store.count_corrections() == ROUNDS
    found = store.corrections_of([("x", str(n)) for n in range(ROUNDS)])
    assert len(found) == ROUNDS
