"""Feeds for feed readers and calendars: an Atom feed for any filter of the Opportunities page,
and an iCal calendar of upcoming journal clubs, events and open deadlines.

Post text is untrusted: it goes in as plain text (the libraries escape it), without the
characters XML cannot hold, and links only when they are http(s).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from icalendar import Calendar, Event
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from mentorfeed import service, taxonomy
from mentorfeed.config import Settings
from mentorfeed.service.people_view import PeopleView, people_view
from mentorfeed.web import lanes, words
from mentorfeed.web.api_v1 import opportunity_query, settings_of, upcoming
from mentorfeed.web.security import is_safe_url

router = APIRouter(prefix="/feeds", tags=["feeds"])

FEED_ITEMS = 50
CALENDAR_DEADLINES = 200
SESSION_LENGTH = timedelta(hours=1)
# Characters XML 1.0 cannot carry (controls, lone surrogates, non-characters); lxml refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str | None, limit: int | None = None) -> str:
    """Text safe to put in XML or iCal: no control characters or broken surrogates."""
    value = _NOT_XML.sub("", text or "")
    if limit is not None and len(value) > limit:
        value = value[:limit - 1].rstrip() + "…"
    return value


def _title(card: service.opportunities.OpportunityCard) -> str:
    kinds = ", ".join(words.caption(taxonomy.LABEL_CAPTIONS, label) for label in card.labels
                      ) or "Opportunity"
    line = " ".join(clean(card.text).split())
    return clean(f"{kinds}: {line}", 120)


@router.get("/opportunities.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
async def opportunities_feed(
    request: Request,
    query: Annotated[service.opportunities.OpportunityQuery, Depends(opportunity_query)],
) -> Response:
    """The newest opportunities matching the Opportunities page's filters, as Atom."""
    asked = "per_page" in request.query_params
    query.page, query.per_page = 1, min(query.per_page, FEED_ITEMS) if asked else FEED_ITEMS
    query.sort = "newest" if query.sort == "fit" else query.sort
    found = await lanes.listing(
        service.opportunities.list_opportunities, settings_of(request), query
    )
    return Response(_atom(str(request.url), found.items), media_type="application/atom+xml")


def _atom(self_url: str, cards: list[service.opportunities.OpportunityCard]) -> bytes:
    feed = FeedGenerator()
    feed.id(clean(self_url))
    feed.title("mentorfeed: opportunities")
    feed.subtitle("Mentorship opportunities for dermatology trainees, newest first")
    feed.link(href=clean(self_url), rel="self")
    feed.updated(max((c.created_at for c in cards), default=datetime(2000, 1, 1, tzinfo=UTC)))
    for card in reversed(cards):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(f"tag:mentorfeed,2024:{clean(card.id)}")
        entry.title(_title(card))
        entry.updated(card.created_at)
        entry.published(card.created_at)
        if is_safe_url(card.url):
            entry.link(href=card.url, rel="alternate")
        if card.author is not None:
            name = clean(card.author.name or card.author.handle or "someone", 200)
            author = {"name": name}
            if is_safe_url(card.author.url):
                author["uri"] = str(card.author.url)
            entry.author(author)
        for label in card.labels:
            entry.category(term=clean(label))
        entry.content(clean(_summary(card)), type="text")
    data: bytes = feed.atom_str(pretty=False)
    return data


def _summary(card: service.opportunities.OpportunityCard) -> str:
    lines = [card.text, ""]
    day = card.deadline.isoformat() if card.deadline else None
    if card.form:  # what acting on it means: "Form: event (Join on 2025-03-04)"
        lines.append(f"Form: {card.form} ({words.action(card.form, day)})")
    if card.deadline:
        lines.append(f"Deadline: {card.deadline.isoformat()}")
    if card.audience:
        lines.append("For: " + ", ".join(words.caption(taxonomy.AUDIENCE_CAPTIONS, a)
                                         for a in card.audience))
    if card.contact:
        lines.append("How to respond: " + ", ".join(card.contact))
    lines.append(f"State: {card.state}")
    return "\n".join(lines)


@router.get("/calendar.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}}})
async def calendar(
    request: Request,
    after: Annotated[datetime | None, Query(description="Default: now")] = None,
) -> Response:
    """Upcoming journal clubs and the deadlines of open opportunities, as iCal."""
    when = after if after is None or after.tzinfo else after.replace(tzinfo=UTC)
    view = await run_in_threadpool(people_view, request.app.state)
    data = await run_in_threadpool(_calendar, settings_of(request), view, when)
    return Response(data, media_type="text/calendar; charset=utf-8")


def _calendar(settings: Settings, view: PeopleView, after: datetime | None) -> bytes:
    now = after or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//mentorfeed//journal clubs and deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "mentorfeed")
    stamp = datetime.now(UTC)
    listed = upcoming(view, after)  # the view's own list unless `after` is asked for
    for event in listed:
        item = Event()
        item.add("uid", f"club-{clean(event.post[0])}-{clean(event.post[1])}@mentorfeed")
        item.add("dtstamp", stamp)
        item.add("dtstart", event.starts)
        item.add("dtend", event.starts + SESSION_LENGTH)
        club = f"#{event.hashtag}" if event.hashtag else "Journal club"
        item.add("summary", clean(f"{club}: {event.title}", 200))
        author = view.people.activity.authors.get(event.host) if event.host else None
        host = author.handle if author else None
        item.add("description", clean(event.title + (f"\nHost: @{host}" if host else "")))
        post = view.posts.get(event.post)
        url = post.url if post else None
        if is_safe_url(url):
            item.add("url", url)
        cal.add_component(item)
    clubs = {f"{key[0]}:{key[1]}" for key in (e.post for e in listed)}
    for card in _open_dated(settings, now):
        if card.event_at is not None and card.event_at > now and card.id not in clubs:
            # An event the text gives a time for (a Q&A night, a webinar): at that time.
            item = _card_event(card, "event", stamp)
            item.add("dtstart", card.event_at)
            item.add("dtend", card.event_at + SESSION_LENGTH)
            item.add("summary", clean(_title(card), 200))
            cal.add_component(item)
        if card.deadline is not None and card.deadline >= now.date():
            item = _card_event(card, "deadline", stamp)
            item.add("dtstart", card.deadline)
            item.add("dtend", card.deadline + timedelta(days=1))
            item.add("summary", clean("Deadline: " + _title(card), 200))
            cal.add_component(item)
    data: bytes = cal.to_ical()
    return data


def _card_event(card: service.opportunities.OpportunityCard, kind: str,
                stamp: datetime) -> Event:
    item = Event()
    item.add("uid", f"{kind}-{clean(card.id)}@mentorfeed")
    item.add("dtstamp", stamp)
    item.add("description", clean(_summary(card)))
    if is_safe_url(card.url):
        item.add("url", card.url)
    return item


def _open_dated(settings: Settings, now: datetime) -> list[service.opportunities.OpportunityCard]:
    """Open calls whose deadline or event is still ahead, soonest first (the deadline order
    puts them before the calls that name no day)."""
    cards: list[service.opportunities.OpportunityCard] = []
    query = service.opportunities.OpportunityQuery(open_only=True, sort="deadline",
                                    per_page=service.opportunities.MAX_PER_PAGE)
    while len(cards) < CALENDAR_DEADLINES:
        found = service.opportunities.list_opportunities(settings, query, today=now)
        dated = [c for c in found.items if c.deadline is not None or c.event_at is not None]
        cards += dated
        if len(dated) < len(found.items) or not found.has_next:
            break  # the calls that name no day come after the dated ones
        query.page += 1
    return cards[:CALENDAR_DEADLINES]
