"""The trainee's saved opportunities and profile, kept in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.service import tracking
from mentorfeed.store import Store

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "web" / "hostile_x_v2.json"
FIRST, SECOND = "x:1990000000000000001", "x:1990000000000000002"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A store with two posts in it, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracking.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    settings = Settings(database_url=url)
    service.posts.import_files(settings, [HOSTILE])
    yield settings
    service.opportunities.close_stores()  # before the test database is dropped


def test_saving_changing_and_removing(settings: Settings) -> None:
    assert tracking.saved(settings) == ([], 0)
    first = tracking.save(settings, FIRST)
    assert (first.status, first.note, first.platform, first.post_id) == (
        "saved", "", "x", "1990000000000000001")
    tracking.save(settings, SECOND, status="ongoing", note="met at the journal club")
    changed = tracking.update(settings, FIRST, status="contacted", note="emailed")
    assert (changed.status, changed.note) == ("contacted", "emailed")
    assert changed.saved_at == first.saved_at and changed.updated_at >= first.updated_at

    items, total = tracking.saved(settings)
    assert total == 2 and [i.opportunity_id for i in items] == [FIRST, SECOND]
    assert items[0].text.startswith("Looking for a medical student")
    assert items[0].author_handle == "mallory_derm_test" and items[0].url
    assert [i.opportunity_id for i in tracking.saved(settings, status="ongoing")[0]] == [
        SECOND
    ]
    assert tracking.statuses_of(settings, [FIRST, SECOND, "x:0"]) == {
        FIRST: "contacted", SECOND: "ongoing"}

    tracking.update(settings, SECOND, status="closed")  # the note stays when not given
    assert tracking.saved(settings, status="closed")[0][0].note == "met at the journal club"
    assert tracking.remove(settings, FIRST) and not tracking.remove(settings, FIRST)
    assert tracking.saved(settings)[1] == 1


def test_pages_of_saved_items(settings: Settings) -> None:
    tracking.save(settings, FIRST)
    tracking.save(settings, SECOND)
    page_one, total = tracking.saved(settings, limit=1)
    page_two, _ = tracking.saved(settings, limit=1, offset=1)
    assert total == 2 and {page_one[0].opportunity_id, page_two[0].opportunity_id} == {
        FIRST, SECOND}


def test_what_cannot_be_saved(settings: Settings) -> None:
    with pytest.raises(tracking.NotFoundError, match="no post x:123"):
        tracking.save(settings, "x:123")
    with pytest.raises(tracking.NotFoundError):
        tracking.save(settings, "no-colon")
    with pytest.raises(ConfigError, match="Unknown status 'won'"):
        tracking.save(settings, FIRST, status="won")
    with pytest.raises(ConfigError, match="too long"):
        tracking.save(settings, FIRST, note="x" * (tracking.MAX_NOTE + 1))
    with pytest.raises(tracking.NotFoundError, match="not among your saved"):
        tracking.update(settings, SECOND, status="closed")


def test_forgetting_a_post_forgets_that_it_was_saved(settings: Settings) -> None:
    tracking.save(settings, FIRST, note="private note")
    with Store(settings.database_url) as store:
        store.forget([("x", "1990000000000000001")], [])
    assert tracking.saved(settings) == ([], 0)


def test_the_profile_round_trips(settings: Settings) -> None:
    assert tracking.get_profile(settings) is None
    profile = TraineeProfile(
        stage="IMG", interests=["vitiligo", "global health"], goals=["peer_support"],
        handles={"bluesky": "fictional.bsky.social"}, background=["img", "woman"],
        languages=["fr"], time_zone="Africa/Lagos", include_organizations=True)
    assert tracking.save_profile(settings, profile) == profile
    assert tracking.get_profile(settings) == profile
    plain = TraineeProfile(stage="MS1")
    tracking.save_profile(settings, plain)  # replaces, never merges: opt-outs stick
    assert tracking.get_profile(settings) == plain
    tracking.forget_profile(settings)
    assert tracking.get_profile(settings) is None


def test_a_profile_is_checked_like_a_profile_file(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="stage must be one of"):
        tracking.save_profile(settings, TraineeProfile(stage="attending"))
    assert tracking.get_profile(settings) is None
