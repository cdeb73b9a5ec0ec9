"""The Opportunities page and /api/v1/opportunities answer the same filters the same way: the
same status and sentence for bad input, the same count, the same past-the-end page."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

PAGE = "/opportunities?filtered=1"


@pytest.mark.parametrize(("params", "status"), [
    ({"since": "2025-03-01", "until": "2025-01-01"}, 400),  # reversed dates
    ({"q": "(("}, 400),  # nothing to look for
    ({"label": "not_a_label"}, 422),
    ({"since": "yesterday"}, 422),
    ({"until": "2025-02-30"}, 422),
    ({"due_within": "soon"}, 422),
])
def test_bad_input_gets_the_same_status_and_sentence(client: TestClient,
                                                     params: dict[str, str],
                                                     status: int) -> None:
    api = client.get("/api/v1/opportunities", params=params)
    page = client.get(PAGE, params=params)
    assert api.status_code == page.status_code == status
    message = api.json()["error"]["message"]
    assert message in html.unescape(page.text)
    assert page.text.count('class="notice error"') == 1  # one message, above the form
    assert "Traceback" not in page.text


def test_the_page_shows_how_many_calls_match_and_the_api_the_same_total(
        client: TestClient) -> None:
    for params in ({}, {"label": "journal_club"}, {"topic": "hair"}):
        api = client.get("/api/v1/opportunities", params={**params, "open_only": "true"})
        total = api.json()["total"]
        assert isinstance(total, int) and total > 0
        page = client.get(PAGE, params={**params, "open": "1"}).text
        shown = re.search(r'class="result-count"[^>]*>\s*<strong>([\d,]+) calls?</strong>', page)
        assert shown is not None and int(shown.group(1).replace(",", "")) == total


def test_a_page_past_the_end_says_so_and_links_the_first(client: TestClient) -> None:
    page = client.get("/opportunities?page=99999")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Page 99999 is past the end of the list" in text
    assert "holds no opportunities" not in text
    assert re.search(r'<a href="/opportunities">Go to the first page</a>', page.text)
    api = client.get("/api/v1/opportunities", params={"page": "99999"}).json()
    assert api["items"] == [] and api["total"] > 0 and api["has_next"] is False


def test_topics_combine_on_the_page_as_in_the_api(client: TestClient) -> None:
    def ids(text: str) -> set[str]:
        return set(re.findall(r'name="opportunity_id" value="([^"]+)"', text))

    both = "topic=hair&topic=skin+of+color"
    for match in ("all", "any"):
        page = client.get(f"{PAGE}&{both}&topic_match={match}").text
        api = client.get(f"/api/v1/opportunities?{both}&topic_match={match}&per_page=100")
        assert ids(page) <= {item["id"] for item in api.json()["items"]}
        assert f'value="{match}" checked' in page
    assert "(AND)" in page and "(OR)" in page  # the form says which is which
