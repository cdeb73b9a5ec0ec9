"""The pages speak plainly: captions, not stored names ("URiM outreach", not "urim outreach"),
words as written ("DMs", not "dms"), "once" rather than "1 times", "Saved" said once, and the
platforms' own names ("on X")."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.service.people import TraineeProfile
from mentorfeed.web import create_app

# Case matters: each is how a stored name or a lower-cased sentence leaked onto a page.
WRONG = [r"\bdms\b", r"\burim outreach\b", r"\b1 times\b", r"Saved: Saved",
         r"\bon (?:x|bluesky|mastodon)\b", r"\b\w+_\w+ opportunity\b"]


@pytest.fixture(scope="module")
def web(demo_copy: Callable[[str], Settings]) -> Iterator[tuple[TestClient, Settings]]:
    """A copy of the sample store with a trainee profile (so "for me" ranks) and a saved call."""
    settings = demo_copy("wording")
    service.tracking.save_profile(settings, TraineeProfile(
        stage="MS2", interests=["skin of color", "hair"],
        goals=["research", "urim_programs", "peer_support", "specialty_information"],
        background=["urim"]))
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:  # type: ignore[arg-type]
        yield client, settings
    service.opportunities.close_stores()


def _visible(page: str) -> str:
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_no_page_shows_a_stored_name_or_a_clumsy_count(
        web: tuple[TestClient, Settings]) -> None:
    client, settings = web
    listing = client.get("/opportunities?sort=fit").text
    ids = re.findall(r'name="opportunity_id" value="([^"]+)"', listing)[:6]
    service.tracking.save(settings, ids[0])
    pages = ["/opportunities", "/opportunities?sort=fit", "/mentors", "/mentors?for=me",
             "/journal-clubs", "/insights", "/insights?platform=x", "/me"]
    pages += [f"/opportunities/{i}" for i in ids]
    for_me = client.get("/mentors?for=me").text
    pages += re.findall(r'href="(/mentors/[^"]+)"', for_me)[:8]
    seen: dict[str, str] = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        seen[path] = _visible(response.text)
    found = [(path, m.group(0)) for path, text in seen.items() for pattern in WRONG
             for m in re.finditer(pattern, text)]
    assert found == [], found
    # What was said instead, so the test cannot pass on pages that say nothing.
    everything = " ".join(seen.values())
    assert "DMs" in everything and "URiM outreach" in everything
    assert re.search(r"\bon X\b", everything)
    assert "Saved · Track it under Me" in everything
