"""Correcting labels from the pages: the "Wrong label?" form on cards, the Review page, and
POST /api/v1/posts/{platform}/{post_id}/label. Each test module corrects a copy of the demo
store of its own, since a correction changes what every page shows."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.web import create_app
from mentorfeed.web.rendering import opportunity_url
from mentorfeed.web.security import CSRF_COOKIE

BASE = "http://127.0.0.1:8000"
ALL = "/opportunities?filtered=1"  # open or not: a corrected card stays listed
CARD = re.compile(r'<article class="card" aria-labelledby="card-(id-[0-9a-f]+)">(.*?)</article>',
                  re.S)


@pytest.fixture(scope="module")
def own_settings(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Settings]:
    source = make_url(demo_settings.database_url).database
    assert source is not None
    copy = tmp_path_factory.mktemp("web-curation") / "demo.db"
    with closing(sqlite3.connect(source)) as old, closing(sqlite3.connect(copy)) as new:
        old.backup(new)
    yield Settings(database_url=sqlite_url(copy))
    service.opportunities.close_stores()


@pytest.fixture
def own(own_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(own_settings), base_url=BASE) as opened:
        opened.get("/opportunities")  # the CSRF cookie, as a browser would have it
        yield opened


def token(client: TestClient) -> str:
    return str(client.cookies[CSRF_COOKIE])


def cards(html: str) -> dict[str, str]:
    """Each card's post id (from its correction form) and its markup."""
    found = {}
    for _, body in CARD.findall(html):
        post = re.search(r'name="post" value="([^"]+)"', body)
        assert post is not None, "every card carries the correction form"
        found[unescape(post.group(1))] = body
    return found


def way_back(card: str) -> str:
    """The `next` field of the card's correction form."""
    found = re.search(r'<details class="correct">.*?name="next" value="([^"]+)"', card, re.S)
    assert found is not None
    return unescape(found.group(1))


def badges(card: str) -> list[str]:
    return re.findall(r'<li class="badge" data-label="([a-z_]+)">', card)


def review_ids(html: str) -> list[str]:
    return [unescape(v) for v in re.findall(
        r'<form method="post" action="/corrections"[^>]*>.*?name="post" value="([^"]+)"', html,
        re.S)]


def test_every_card_and_the_detail_page_offer_the_correction_form(own: TestClient) -> None:
    listing = cards(own.get(ALL).text)
    assert len(listing) == 20
    post_id, card = next(iter(listing.items()))
    assert "<summary>Wrong label?</summary>" in card and "Not an opportunity" in card
    for label in badges(card):  # the current labels are ticked
        assert f'name="label" value="{label}" checked' in card
    assert card.count('name="label" value=') == 6
    detail = own.get(opportunity_url(post_id)).text
    assert "Wrong label?" in detail and f'name="post" value="{post_id}"' in detail


def test_a_correction_on_a_card_shows_at_once(own: TestClient,
                                              own_settings: Settings) -> None:
    # Both caches warm first: the rendered list page and the API's answer.
    page = own.get(ALL)
    before = cards(page.text)
    api_before = own.get("/api/v1/opportunities", params={"open_only": "false"}).json()
    kept = ("opportunities-page", "/opportunities", "filtered=1", date.today())
    store = service.opportunities.store_for(own_settings)
    assert service.cache.peek(store, kept, trainee=True) is not None
    post_id, card = next((i, c) for i, c in before.items() if "journal_club" not in badges(c))
    assert "Corrected" not in card
    api_card = next(item for item in api_before["items"] if item["id"] == post_id)
    assert "journal_club" not in api_card["labels"]

    sent = own.post("/corrections", data={
        "csrf_token": token(own), "post": post_id, "label": ["journal_club"], "form": "event",
        "next": way_back(card)}, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/opportunities?filtered=1&notice=corrected#card-")

    after = own.get(sent.headers["location"])
    assert "Your correction is saved" in after.text
    card = cards(after.text)[post_id]
    assert badges(card) == ["journal_club"]
    assert '<li class="corrected-mark">Corrected</li>' in card
    assert 'data-form="event"' in card and '<option value="event" selected>' in card
    api_card = next(item for item in own.get(
        "/api/v1/opportunities", params={"open_only": "false"}).json()["items"]
        if item["id"] == post_id)
    assert api_card["labels"] == ["journal_club"] and api_card["fields"]["form"] == "event"
    detail = own.get(opportunity_url(post_id)).text
    assert "Corrected: a person set these labels." in detail


def test_not_an_opportunity_leaves_the_listing(own: TestClient) -> None:
    post_id = next(iter(cards(own.get(ALL).text)))
    sent = own.post("/corrections", data={
        "csrf_token": token(own), "post": post_id, "not_opportunity": "1", "form": "call",
        "next": opportunity_url(post_id)}, follow_redirects=False)
    assert sent.status_code == 303
    # Its detail page is gone, so the way back is the listing.
    assert sent.headers["location"] == "/opportunities?notice=not-opportunity"
    assert "Marked as not an opportunity" in own.get(sent.headers["location"]).text
    assert post_id not in cards(own.get(ALL).text)
    # Its page stays, saying so, to undo the correction from there.
    detail = own.get(opportunity_url(post_id)).text
    assert "Not an opportunity, as a person corrected it" in detail
    assert 'name="not_opportunity" value="1" checked' in detail


def test_a_correction_needs_the_csrf_token(own: TestClient) -> None:
    post_id, card = next(iter(cards(own.get(ALL).text).items()))
    refused = own.post("/corrections", data={"post": post_id, "label": ["journal_club"]})
    assert refused.status_code == 403 and "did not come from this site" in refused.text
    forged = own.post("/corrections", data={"csrf_token": "x" * 43, "post": post_id,
                                            "label": ["journal_club"]})
    assert forged.status_code == 403
    assert cards(own.get(ALL).text)[post_id] == card


@pytest.mark.parametrize(("fields", "status", "says"), [
    ({"label": ["not_a_label"]}, 400, "Unknown label &#39;not_a_label&#39;; use one of"),
    ({"label": ["journal_club"], "form": "webinar"}, 400, "Unknown form &#39;webinar&#39;"),
    ({}, 400, "Tick at least one label, or “Not an opportunity”"),
    ({"label": ["journal_club"], "not_opportunity": "1"}, 400, "not both"),
    ({"label": ["journal_club"], "post": "x:404404404"}, 404, "There is nothing at this"),
])
def test_a_bad_correction_says_what_is_wrong(own: TestClient, fields: dict[str, object],
                                             status: int, says: str) -> None:
    post_id, card = next(iter(cards(own.get(ALL).text).items()))
    sent = own.post("/corrections", data={"csrf_token": token(own), "post": post_id,
                                          **fields})  # type: ignore[arg-type]
    assert sent.status_code == status
    assert says in sent.text and "<html" in sent.text
    assert cards(own.get(ALL).text)[post_id] == card


@pytest.mark.parametrize("next_", ["//evil.example/x", "https://evil.example/", "/\\evil",
                                   "javascript:alert(1)"])
def test_the_way_back_stays_on_this_site(own: TestClient, next_: str) -> None:
    post_id = next(iter(cards(own.get(ALL).text)))
    sent = own.post("/corrections", data={"csrf_token": token(own), "post": post_id,
                                          "label": ["peer_mentorship"], "next": next_},
                    follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/opportunities?notice=corrected"


def test_the_review_page_lists_the_least_sure_first(own: TestClient,
                                                    own_settings: Settings) -> None:
    page = own.get("/review")
    assert page.status_code == 200
    assert '<a href="/review" aria-current="page">Review</a>' in page.text
    assert '<script src="/static/review.js" defer></script>' in page.text
    shown = review_ids(page.text)
    queue = service.curation.review_queue(own_settings, 20)
    assert shown == [f"{post.platform}:{post.id}" for post, _ in queue] and len(shown) == 20
    margins = [found.margin for _, found in queue]
    assert all(m is not None for m in margins)
    assert margins == sorted(margins)  # type: ignore[type-var]
    first = queue[0]
    assert unescape(first[0].text[:40]) in unescape(page.text)
    for label in first[1].labels:
        assert f'name="label" value="{label}" checked' in page.text
    assert f"{first[1].scores[first[1].labels[0]]:.2f}" in page.text if first[1].labels else True


def test_a_corrected_post_leaves_the_review_queue(own: TestClient) -> None:
    page = own.get("/review").text
    first, second = review_ids(page)[:2]
    next_ = re.search(r'name="next" value="(/review#r-id-[0-9a-f]+)"', page)
    assert next_ is not None
    sent = own.post("/corrections", data={"csrf_token": token(own), "post": first,
                                          "label": ["specialty_information"],
                                          "form": "resource", "next": next_.group(1)},
                    follow_redirects=False)
    assert sent.status_code == 303
    location = sent.headers["location"]
    assert location.startswith("/review?notice=corrected#r-id-")
    after = own.get(location).text
    ids = review_ids(after)
    assert first not in ids and ids[0] == second
    # The fragment names the post that came after it, now the first one.
    assert f'id="{location.partition("#")[2]}"' in after.split(second)[0]


def test_the_api_corrects_a_post(own: TestClient) -> None:
    post_id = next(iter(cards(own.get(ALL).text)))
    platform, _, key = post_id.partition(":")
    url = f"/api/v1/posts/{platform}/{key}/label"
    body = {"labels": ["research_collaboration"], "form": "call"}
    assert own.post(url, json=body).status_code == 403  # scripts send the CSRF header
    answer = own.post(url, json=body, headers={"X-CSRF-Token": token(own)})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["id"] == post_id and found["labels"] == ["research_collaboration"]
    assert found["fields"]["form"] == "call" and found["corrected"] is True
    assert found["why"].startswith("corrected by local")
    assert badges(cards(own.get(ALL).text)[post_id]) == ["research_collaboration"]

    bad = own.post(url, json={"labels": ["nope"]}, headers={"X-CSRF-Token": token(own)})
    assert bad.status_code == 400
    assert set(bad.json()) == {"error"}
    assert bad.json()["error"]["code"] == "bad_correction"
    assert "Unknown label 'nope'" in bad.json()["error"]["message"]
    formless = own.post(url, json={"labels": [], "form": "call"},
                        headers={"X-CSRF-Token": token(own)})
    assert formless.status_code == 400 and "no form" in formless.json()["error"]["message"]
    missing = own.post("/api/v1/posts/x/404404404/label", json={"labels": []},
                       headers={"X-CSRF-Token": token(own)})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
