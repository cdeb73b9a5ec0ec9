"""An opportunity's page gives its context: the post a reply answers, and the poster's own page
on mentorfeed."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from mentorfeed.config import Settings
from mentorfeed.service.opportunities import parse_id
from mentorfeed.store import Store


def _all_ids(client: TestClient) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        body = client.get("/api/v1/opportunities", params={"per_page": 100, "page": page}).json()
        ids += [item["id"] for item in body["items"]]
        if not body["has_next"]:
            return ids
        page += 1


def test_a_reply_shows_the_post_it_answers(client: TestClient, demo_settings: Settings) -> None:
    replies = []
    with Store(demo_settings.database_url) as store:
        for opportunity_id in _all_ids(client):
            key = parse_id(opportunity_id)
            assert key is not None
            post = store.get_post(*key)
            parent = store.get_post(key[0], post.reply_to) if post and post.reply_to else None
            if parent is not None:
                replies.append((opportunity_id, parent.text))
    assert replies, "the sample holds calls made as replies"
    for opportunity_id, parent_text in replies[:5]:
        page = html.unescape(client.get(f"/opportunities/{opportunity_id}").text)
        _, _, after = page.partition("In reply to")
        assert after, opportunity_id
        # The question comes before the call that answers it.
        shown = " ".join(after.split())
        start = " ".join(parent_text.split())[:60]
        assert start in shown and shown.index(start) < shown.index("post-text")
    plain = next(i for i in _all_ids(client) if i not in dict(replies))
    assert "In reply to" not in client.get(f"/opportunities/{plain}").text


def test_the_opportunity_page_links_the_posters_mentor_page(client: TestClient) -> None:
    linked = 0
    for opportunity_id in _all_ids(client)[:15]:
        page = client.get(f"/opportunities/{opportunity_id}").text
        found = re.search(r'<a class="mentor-page" href="([^"]+)">', page)
        if found is None:
            continue
        linked += 1
        mentor = client.get(html.unescape(found.group(1)))
        assert mentor.status_code == 200
        handle = re.search(r'class="author-card".*?@([^<\s]+)', page, re.S)
        assert handle is not None and f"@{handle.group(1)}" in html.unescape(mentor.text)
    assert linked >= 5
