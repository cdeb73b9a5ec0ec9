"""What the pages say about how long a call is open, and a journal-club card's transcript."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings


def test_a_call_without_a_deadline_says_until_about_when_it_is_open(
        client: TestClient, demo_settings: Settings) -> None:
    undated = [o for o in service.opportunities.opportunities(demo_settings, limit=100_000)
               if o.deadline is None and o.open_until_basis == "estimated"]
    assert undated
    call = undated[0]
    assert call.open_until is not None
    html = client.get("/opportunities/" + quote(f"{call.post.platform}:{call.post.id}",
                                                safe=":/@")).text
    assert "None stated; open until about" in html
    assert f'<time datetime="{call.open_until.isoformat()}" class="open-until"' in html


def test_a_journal_club_sessions_card_links_its_transcript(
        client: TestClient, demo_settings: Settings) -> None:
    session = service.people.people(demo_settings).sessions[0]
    platform, post_id = session.questions[-1].post  # the last prompt: the card is the session's
    html = client.get("/opportunities/" + quote(f"{platform}:{post_id}", safe=":/@")).text
    assert f'href="/journal-clubs/{quote(session.id, safe="")}"' in html
    assert "read the transcript" in html


def test_the_api_says_until_when_a_call_is_open_and_how_that_is_known(
        client: TestClient) -> None:
    items = client.get("/api/v1/opportunities", params={"per_page": "50"}).json()["items"]
    assert items and all(item["open_until"] for item in items)
    assert {item["open_until_basis"] for item in items} <= {"stated", "event", "estimated"}
