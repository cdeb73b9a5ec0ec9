"""Times are shown in the profile's time zone, in one format on every page: "14 Sep 2023,
20:00 CDT" for a moment and "14 Sep 2023" for its day, never a UTC day beside a local time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.service.people import TraineeProfile
from mentorfeed.web import create_app

SESSION = "x:DermJC:2023-09-15T01:00"  # a sample session: 15 Sep 01:00 UTC, 14 Sep in Chicago
TIME = re.compile(r"<time datetime=\"[^\"]+\"( data-local=\"\w+\")?>([^<]*)</time>")
ONE_FORMAT = re.compile(r"\d\d [A-Z][a-z]{2} \d{4}(, \d\d:\d\d [A-Z][A-Za-z0-9+\-]+)?")


@pytest.fixture(scope="module")
def chicago(demo_copy: Callable[[str], Settings]) -> Iterator[TestClient]:
    settings = demo_copy("zone")
    service.tracking.save_profile(settings, TraineeProfile(
        stage="MS3", interests=["hair"], goals=["journal_clubs"], time_zone="America/Chicago"))
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:  # type: ignore[arg-type]
        yield client
    service.opportunities.close_stores()


def test_a_session_is_shown_in_the_profiles_zone(chicago: TestClient) -> None:
    clubs = chicago.get("/journal-clubs").text
    session = chicago.get(f"/journal-clubs/{SESSION}").text
    for page in (clubs, session):
        assert "14 Sep 2023, 20:00 CDT" in page
        assert "15 Sep 2023" not in page  # the UTC day is nowhere beside it


@pytest.mark.parametrize("path", ["/opportunities", "/journal-clubs", f"/journal-clubs/{SESSION}",
                                  "/mentors/x/632365093787439136"])
def test_every_time_on_a_page_has_one_format_and_the_chosen_zone(chicago: TestClient,
                                                                 path: str) -> None:
    page = chicago.get(path)
    assert page.status_code == 200
    shown = TIME.findall(page.text)
    assert shown
    for local, text in shown:
        assert ONE_FORMAT.fullmatch(text), text
        assert not local  # the server wrote the profile's zone; the viewer's is not used
        assert not text.endswith("UTC")


def test_without_a_profile_times_are_left_to_the_viewers_zone(client: TestClient) -> None:
    shown = TIME.findall(client.get(f"/journal-clubs/{SESSION}").text)
    assert shown and all(local for local, _ in shown if "," in _)
    assert all(ONE_FORMAT.fullmatch(text) for _, text in shown)
