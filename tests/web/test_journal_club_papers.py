"""The Journal clubs page lists the sessions announced ahead with their paper and time, and
names the paper of every past session (issue 15, Must have 8)."""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.web import create_app

# The sample store describes 15 June 2026 (the day after its newest post): these come after it.
AHEAD = [
    {"id": "9950001", "created_at": "2026-06-14T15:00:00Z", "author_id": "995001",
     "author_handle": "fict_derm_jc", "author_name": "Fictional Derm JC",
     "text": "#DermJC next Tuesday, June 16, 9pm ET: we're discussing a randomized trial of oral "
             "minoxidil for androgenetic alopecia in women. Free full text: "
             "https://doi.org/10.5555/minoxidil.2026.0519 Students and residents welcome!"},
    {"id": "9950002", "created_at": "2026-06-14T16:00:00Z", "author_id": "995002",
     "author_handle": "fict_residents_jc", "author_name": "Fictional Residents JC",
     "text": "Dermatology journal club for students and residents, Thursday June 18 at 7pm ET "
             "on Zoom. Paper: \"Biologics and infection risk in hidradenitis suppurativa\" "
             "(JAAD 2025). Register: https://forms.example/jc-may"},
]


@pytest.fixture(scope="module")
def clubs(demo_copy: Callable[[str], Settings], tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[TestClient]:
    settings = demo_copy("jc-papers")
    table = tmp_path_factory.mktemp("jc-ahead") / "ahead.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, ["platform", "id", "text", "created_at", "url",
                                      "author_id", "author_handle", "author_name"])
        writer.writeheader()
        for row in AHEAD:
            writer.writerow({"platform": "x", "url": f"https://x.com/i/status/{row['id']}",
                             **row})
    service.posts.import_files(settings, [table])
    service.classifying.classify_store(settings)
    service.people.refresh_people(settings)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:  # type: ignore[arg-type]
        yield client
    service.opportunities.close_stores()


def _upcoming(page: str) -> str:
    section = page.split('id="upcoming"', 1)[1].split("</section>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_sessions_announced_ahead_are_listed_with_paper_and_time(clubs: TestClient) -> None:
    shown = _upcoming(clubs.get("/journal-clubs").text)
    assert "Paper: A randomized trial of oral minoxidil for androgenetic alopecia in women" \
        in shown
    assert "doi:10.5555/minoxidil.2026.0519" in shown
    assert "17 Jun 2026, 01:00 UTC" in shown  # Tuesday 16 June, 9pm ET
    # A club with no configured hashtag: its event post is enough.
    assert "“Biologics and infection risk in hidradenitis suppurativa”, JAAD 2025" in shown
    assert "18 Jun 2026, 23:00 UTC" in shown


def test_every_past_session_names_its_paper(clubs: TestClient) -> None:
    page = clubs.get("/journal-clubs").text
    rows = re.findall(r'<p class="session-paper">(.*?)</p>', page, re.S)
    assert rows and len(rows) == page.count('href="/journal-clubs/')
    for row in rows:
        assert "Not named" not in row and 'href="https://doi.org/' in row
    session = re.search(r'href="(/journal-clubs/[^"]+)"', page)
    assert session is not None
    detail = html.unescape(clubs.get(html.unescape(session.group(1))).text)
    assert "<dt>Paper</dt>" in detail and "doi:" in detail


def test_the_api_gives_each_session_and_event_its_paper(clubs: TestClient) -> None:
    sessions = clubs.get("/api/v1/sessions").json()["items"]
    assert sessions
    for session in sessions:
        paper = session["paper"]
        assert (paper["title"] or paper["about"]) and paper["url"].startswith("https://")
    events = clubs.get("/api/v1/events", params={"after": "2026-06-15T00:00:00Z"}).json()
    by_doi = {e["paper"]["doi"]: e for e in events}
    minoxidil = by_doi["10.5555/minoxidil.2026.0519"]
    assert minoxidil["paper"]["about"].startswith("a randomized trial of oral minoxidil")
    assert minoxidil["starts"].startswith("2026-06-17T01:00")
