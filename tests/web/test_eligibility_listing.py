"""The Opportunities page sorted by fit hides the calls that leave the trainee out, and shows
them, each saying why, with the "show everything" switch (page and API)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.web import create_app

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def premed(demo_copy: Callable[[str], Settings]) -> Iterator[TestClient]:
    """A copy of the sample store with a premed's profile saved (no background opted into)."""
    settings = demo_copy("eligibility")
    service.tracking.save_profile(settings, TraineeProfile(
        stage="premed", interests=["skin of color"], goals=["research", "urim_programs"]))
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client
    service.opportunities.close_stores()


def every_item(client: TestClient, everything: bool) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    page = 1
    while True:
        body = client.get("/api/v1/opportunities", params={
            "sort": "fit", "open_only": "true", "per_page": 100, "page": page,
            "everything": str(everything).lower()}).json()
        items += body["items"]
        if not body["has_next"]:
            return items
        page += 1


def test_the_api_hides_calls_not_for_the_trainee_unless_asked(premed: TestClient) -> None:
    shown = every_item(premed, everything=False)
    everything = every_item(premed, everything=True)
    hidden = [item for item in everything if item["not_for_you"]]
    assert shown and hidden and len(everything) == len(shown) + len(hidden)
    assert not {i["id"] for i in hidden} & {i["id"] for i in shown}
    assert all(item["not_for_you"] is None for item in shown)
    assert any(str(i["not_for_you"]).endswith("you are a premed") for i in hidden)
    assert any("does not opt into" in str(i["not_for_you"]) for i in hidden)
    stated = [i for i in everything if i["fields"]["eligibility"]]  # type: ignore[index]
    assert stated  # cards say who may take a call when the post says so


def test_the_page_has_the_switch_and_says_why(premed: TestClient) -> None:
    html = premed.get("/opportunities?sort=fit").text
    assert "are hidden" in html and "everything=1" in html
    assert "Not offered to you" not in html

    def count(page: str) -> int:
        found = re.search(r"<strong>([\d,]+) calls?</strong>", page)
        assert found, "the page states how many calls it lists"
        return int(found[1].replace(",", ""))

    shown = count(html)
    everything = premed.get("/opportunities?sort=fit&everything=1").text
    assert count(everything) > shown and "are hidden" not in everything
    last = (count(everything) + 19) // 20
    tail = premed.get(f"/opportunities?sort=fit&everything=1&page={last}").text
    assert "Not offered to you" in tail and "you are a premed" in tail.replace("\n", " ")
