"""A search pasted from a page of text (2,000 words) is refused at once with a sentence naming
the limit (500 characters, 32 words or phrases), in the API and in the search box, instead of
running for seconds or on a silently cut part of what was typed."""

from __future__ import annotations

import html
import time

from fastapi.testclient import TestClient

WORDS = ["mentor", "research", "student", "resident", "case", "report", "dermatology",
         "fellowship"]
LONG = " ".join(WORDS[n % len(WORDS)] for n in range(2000))
MANY = " ".join(f"w{n}" for n in range(40))  # 40 words in 159 characters


def _timed(client: TestClient, url: str, **params: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    response = client.get(url, params=params)
    return response.status_code, response.text, time.perf_counter() - started


def test_the_api_refuses_a_2000_word_search_with_a_400_naming_the_limit(
        client: TestClient) -> None:
    status, body, seconds = _timed(client, "/api/v1/opportunities", q=LONG)
    assert status == 400 and seconds < 1.0
    assert '"code":"bad_query"' in body and "at most 500 characters" in body
    status, body, _ = _timed(client, "/api/v1/opportunities", q=MANY)
    assert status == 400 and "at most 32 words or phrases; this one has 40" in body


def test_the_search_box_says_why_a_2000_word_search_did_not_run(client: TestClient) -> None:
    status, body, seconds = _timed(client, "/opportunities", filtered="1", q=LONG)
    # The page, with the reason among its notes; a 400, as the API answers it.
    assert status == 400 and seconds < 1.0
    assert "at most 500 characters" in html.unescape(body)
    _, body, _ = _timed(client, "/opportunities", filtered="1", q=MANY)
    assert "at most 32 words or phrases" in html.unescape(body)


def test_a_search_at_the_limit_answers(client: TestClient) -> None:
    at_limit = " OR ".join(WORDS[n % len(WORDS)] + "*" for n in range(32))
    assert len(at_limit) <= 500
    status, body, seconds = _timed(client, "/api/v1/opportunities", q=at_limit)
    assert status == 200 and seconds < 1.0
    assert '"items"' in body
