"""The Atom feed of opportunities and the iCal calendar, read back with real parsers."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.models import Author, Classification, Post
from mentorfeed.store import Store
from mentorfeed.web import create_app

AFTER = "2025-01-01T00:00:00Z"
HOSTILE = ("<script>alert(1)</script> Summer research spots, apply by form \x0b\x00 "
           "]]> &amp; <![CDATA[ x ]]> \u202eevil; line\nbreak, comma")


def test_atom_feed_for_a_filter(client: TestClient) -> None:
    response = client.get("/feeds/opportunities.atom", params={"label": "journal_club"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "mentorfeed: opportunities"
    assert 0 < len(feed.entries) <= 50
    for entry in feed.entries:
        assert "journal_club" in {tag.term for tag in entry.tags}
        assert "Journal club" in entry.title.split(":")[0]
        assert all(link.href.startswith(("https://", "http://")) for link in entry.links)
    updated = [entry.updated_parsed for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)  # newest first


def test_atom_feed_takes_the_pages_filters(client: TestClient) -> None:
    feed = feedparser.parse(client.get("/feeds/opportunities.atom", params={
        "q": "research", "open_only": "true", "per_page": 5}).content)
    assert 0 < len(feed.entries) <= 5
    assert all("research" in entry.content[0].value.lower() for entry in feed.entries)
    assert all("State: open" in entry.content[0].value for entry in feed.entries)
    assert client.get("/feeds/opportunities.atom",
                      params={"label": "nonsense"}).status_code == 422


@pytest.mark.parametrize(("form", "action"), [
    ("call", ("Apply by ", "Respond")), ("event", ("Join on ", "Join the event")),
    ("resource", ("Read",))])
def test_atom_feed_of_one_form_names_it(client: TestClient, form: str,
                                        action: tuple[str, ...]) -> None:
    feed = feedparser.parse(client.get("/feeds/opportunities.atom", params={
        "form": form}).content)
    assert not feed.bozo and len(feed.entries) == 50
    for entry in feed.entries:
        line = next(x for x in entry.content[0].value.splitlines() if x.startswith("Form: "))
        assert line.startswith(f"Form: {form} (") and line[len(f"Form: {form} ("):].startswith(
            action), line
    assert client.get("/feeds/opportunities.atom",
                      params={"form": "meeting"}).status_code == 422


def test_calendar_of_clubs_and_deadlines(client: TestClient) -> None:
    response = client.get("/feeds/calendar.ics", params={"after": AFTER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    clubs = [e for e in events if str(e["uid"]).startswith("club-")]
    deadlines = [e for e in events if str(e["uid"]).startswith("deadline-")]
    assert clubs and deadlines
    after = datetime(2025, 1, 1, tzinfo=UTC)
    assert all(e.decoded("dtstart") > after for e in clubs)
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(hours=1) for e in clubs)
    days = [e.decoded("dtstart") for e in deadlines]
    assert all(isinstance(d, date) and d >= after.date() for d in days)
    assert days == sorted(days)
    assert all(str(e.get("url", "https://")).startswith("https://") for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)



def test_calendar_gives_events_their_time_and_every_deadline_ahead(
        client: TestClient, demo_settings: Settings) -> None:
    """At the demo's today: an event whose text gives its time (a Q&A night, a dermpath
    evening) is in the calendar at that time, and no open deadline ahead is left out."""
    today = datetime(2026, 6, 15, tzinfo=UTC)
    response = client.get("/feeds/calendar.ics", params={"after": today.isoformat()})
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    timed = {str(e["uid"]): e.decoded("dtstart") for e in events
             if str(e["uid"]).startswith("event-")}
    deadlines = [e for e in events if str(e["uid"]).startswith("deadline-")]
    cards = service.opportunities.list_opportunities(
        demo_settings, service.opportunities.OpportunityQuery(open_only=True, per_page=100),
        today=today).items
    clubs = {str(e["uid"]) for e in events if str(e["uid"]).startswith("club-")}
    ahead = [c for c in cards if c.event_at is not None and c.event_at > today
             and f"club-{c.platform}-{c.post_id}@mentorfeed" not in clubs]
    assert ahead, "the demo has events ahead that are not journal clubs"
    for card in ahead:
        assert timed[f"event-{card.id}@mentorfeed"] == card.event_at
    assert len(deadlines) == sum(c.deadline is not None and c.deadline >= today.date()
                                 for c in cards)


@pytest.fixture(scope="module")
def hostile(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory,
            engine_of: Callable[[Store], Engine]) -> Iterator[TestClient]:
    """A copy of the sample store with a call whose text, name and links are hostile."""
    source = Path(demo_settings.database_url.removeprefix("sqlite:///"))
    with Store(demo_settings.database_url) as store, engine_of(store).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = tmp_path_factory.mktemp("feeds-hostile") / "hostile.db"
    shutil.copy(source, path)
    author = Author(platform="x", id="990101", handle="fictional_lab",
                    name="<img src=x onerror=alert(1)>", url="javascript:alert(1)")
    post = Post(platform="x", id="990000000000000101", url="javascript:alert(2)",
                author_id="990101", text=HOSTILE, created_at=datetime.now(UTC), author=author)
    ahead = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    with Store(sqlite_url(path)) as store:
        store.upsert([post], [author], source="test")
        store.save_classifications([(post.key, Classification(
            ["research_collaboration"], {}, {"deadline": ahead, "audience": ["premed"]},
            [{"url": "javascript:alert(3)", "kind": "form"}], "test", "test"))])
    with TestClient(create_app(Settings(database_url=sqlite_url(path))),
                    base_url="http://127.0.0.1:8000") as client:
        yield client
    service.opportunities.close_stores()


def test_hostile_text_in_the_feed_is_text(hostile: TestClient) -> None:
    response = hostile.get("/feeds/opportunities.atom", params={"q": "alert"})
    raw = response.text
    assert "<script>" not in raw and "<img" not in raw and "javascript:" not in raw
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    entry = feed.entries[0]
    assert "<script>alert(1)</script>" in entry.content[0].value  # shown as text, not markup
    assert entry.content[0].type == "text/plain"
    assert "\x0b" not in entry.content[0].value and "\x00" not in entry.content[0].value
    assert entry.get("links", []) == []  # its only link was a javascript: one
    assert entry.author == "<img src=x onerror=alert(1)>"


def test_hostile_text_in_the_calendar_is_escaped(hostile: TestClient) -> None:
    response = hostile.get("/feeds/calendar.ics")
    assert "javascript:" not in response.text
    calendar = Calendar.from_ical(response.content)
    mine = [e for e in calendar.walk("VEVENT") if "fictional" in str(e.get("uid", "")) or
            "Summer research spots" in str(e["summary"])]
    assert len(mine) == 1
    event = mine[0]
    assert "<script>alert(1)</script>" in str(event["summary"])
    assert "line\nbreak, comma" in str(event["description"])  # escaped in iCal, back intact
    assert "url" not in event
    assert len([line for line in response.text.splitlines() if line.startswith("BEGIN:")]) == \
        len([line for line in response.text.splitlines() if line.startswith("END:")])
