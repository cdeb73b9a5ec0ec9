"""Kept answers follow the store's revision: the trainee's own writes keep the listings, what
is collected or corrected refreshes them at once, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.models import Author, Classification, Post
from mentorfeed.service.opportunities import OpportunityPage, OpportunityQuery
from mentorfeed.store import Store

NOW = datetime(2024, 3, 10, tzinfo=UTC)
AUTHOR = Author(platform="x", id="1", handle="DermDoc", name="Dr. D", bio="Dermatologist",
                followers=10, matched=True)


@pytest.fixture
def settings(store: Store) -> Iterator[Settings]:
    yield Settings(database_url=store.url)
    service.opportunities.close_stores()  # before the test database is dropped


def _add_call(store: Store, post_id: str, day: int) -> None:
    post = Post(platform="x", id=post_id, url=f"https://x.com/a/status/{post_id}",
                author_id="1", text="Seeking a medical student for a research project",
                created_at=datetime(2024, 3, day, tzinfo=UTC), raw={"id": post_id})
    store.upsert([post], [AUTHOR], "test")
    store.save_classifications([((post.platform, post.id), Classification(
        ["research_collaboration"], {}, {"form": "call"}, [], "", "test"))])


def _listing(settings: Settings) -> OpportunityPage:
    return service.opportunities.list_opportunities(settings, OpportunityQuery(), today=NOW)


def test_saving_keeps_the_listing_and_a_new_post_or_a_correction_refreshes_it(
        store: Store, settings: Settings) -> None:
    _add_call(store, "1", 1)
    first = _listing(settings)
    assert [card.id for card in first.items] == ["x:1"]
    assert _listing(settings) is first

    service.tracking.save(settings, "x:1")
    assert _listing(settings) is first
    assert service.tracking.statuses_of(settings, ["x:1"]) == {"x:1": "saved"}

    _add_call(store, "2", 2)
    second = _listing(settings)
    assert [card.id for card in second.items] == ["x:2", "x:1"]

    service.curation.correct(settings, "x:2", [])  # not an opportunity, a person says
    assert [card.id for card in _listing(settings).items] == ["x:1"]


def test_turned_off_every_answer_is_computed_again(store: Store, settings: Settings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_ANSWER_CACHE", "0")
    _add_call(store, "1", 1)
    assert _listing(settings) is not _listing(settings)
