"""What the pages say about how long a call is open, and a journal-club card's transcript."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.web.rendering import event_when


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


def _past_event(settings: Settings) -> service.opportunities.OpportunityCard:
    query = service.opportunities.OpportunityQuery(form="event", per_page=100)
    cards = service.opportunities.list_opportunities(settings, query).items
    now = service.opportunities.as_of(settings)
    return next(c for c in cards if c.event_at is not None and c.event_at < now)


def test_an_events_card_says_when_it_happened(client: TestClient,
                                              demo_settings: Settings) -> None:
    event = _past_event(demo_settings)
    assert event.event_at is not None
    when = f'It happened on <time datetime="{event.event_at.isoformat()}"'
    assert when in client.get("/opportunities/" + quote(event.id, safe=":/@")).text
    listed = client.get("/opportunities", params={"form": "event", "filtered": "1"}).text
    assert when in listed


def test_an_events_time_follows_the_profiles_time_zone(client: TestClient,
                                                       demo_settings: Settings) -> None:
    event = _past_event(demo_settings)
    assert event.event_at is not None
    service.tracking.save_profile(demo_settings, TraineeProfile(
        stage="MS2", time_zone="America/Los_Angeles"))
    try:
        html = client.get("/opportunities/" + quote(event.id, safe=":/@")).text
    finally:
        service.tracking.forget_profile(demo_settings)
    local = event.event_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (f'It happened on <time datetime="{event.event_at.isoformat()}">'
            f'{local:%d %b %Y, %H:%M} {local.tzname()}</time>') in html  # PST or PDT, not UTC


def test_the_api_gives_an_events_start(client: TestClient, demo_settings: Settings) -> None:
    event = _past_event(demo_settings)
    assert event.event_at is not None
    items = client.get("/api/v1/opportunities",
                       params={"form": "event", "per_page": "100"}).json()["items"]
    found = {item["id"]: item for item in items}[event.id]
    assert datetime.fromisoformat(found["event_at"]) == event.event_at


def test_an_event_ahead_happens_and_one_past_happened() -> None:
    start = datetime(2026, 6, 19, 0, 0, tzinfo=UTC)
    ahead = re.sub("<[^>]+>", "", str(event_when(start, datetime(2026, 5, 15, tzinfo=UTC))))
    assert ahead == "Happens 19 Jun 2026, 00:00 UTC"  # app.js shows it in the viewer's zone
    assert str(event_when(start, datetime(2026, 6, 20, tzinfo=UTC))).startswith(
        "It happened on <time")


def test_an_event_ahead_says_when_it_happens_and_no_open_event_has_happened(
        client: TestClient, demo_settings: Settings) -> None:
    query = service.opportunities.OpportunityQuery(form="event", open_only=True, per_page=100)
    cards = service.opportunities.list_opportunities(demo_settings, query).items
    now = service.opportunities.as_of(demo_settings)
    ahead = [c for c in cards if c.event_at is not None]
    assert ahead, "the demo announces events ahead of its today"
    assert all(c.event_at is not None and c.event_at > now for c in ahead)
    event = ahead[0]
    assert event.event_at is not None
    html = client.get("/opportunities/" + quote(event.id, safe=":/@")).text
    assert f'Happens <time datetime="{event.event_at.isoformat()}"' in html
