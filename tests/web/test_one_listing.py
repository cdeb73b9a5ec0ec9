"""Every shell answers the same question from the one listing (store/listing.py): the CLI, the
Opportunities page, the JSON API, the Atom feed and matching agree on which calls are open."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import unescape

import feedparser
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.match.profile import TraineeProfile

# Open program calls for medical students, newest first: the first page of each shell.
QUESTION = {"label": "program_application", "audience": "medical_student"}
SHOWN = 20


def _cli(settings: Settings, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "mentorfeed", "--db", settings.database_url, "opportunities",
         *args, "--json"], capture_output=True, text=True, env=dict(os.environ), timeout=120,
        check=True)
    return [f"{item['platform']}:{item['id']}"
            for item in map(json.loads, done.stdout.splitlines())]


def test_every_shell_lists_the_same_open_calls(demo_settings: Settings,
                                               client: TestClient) -> None:
    cli = _cli(demo_settings, "--label", QUESTION["label"], "--audience",
               QUESTION["audience"], "--state", "open", "--limit", str(SHOWN))
    params = {**QUESTION, "open_only": "true", "per_page": str(SHOWN)}
    page = client.get("/opportunities", params=params).text
    on_page = [unescape(found) for found in
               re.findall(r'<form method="post" action="/corrections"[^>]*>.*?'
                          r'name="post" value="([^"]+)"', page, re.S)]
    api = [item["id"] for item in
           client.get("/api/v1/opportunities", params=params).json()["items"]]
    feed = feedparser.parse(client.get("/feeds/opportunities.atom", params=params).content)
    in_feed = [entry.id.removeprefix("tag:mentorfeed,2024:") for entry in feed.entries]
    assert len(cli) == SHOWN
    assert on_page == api == in_feed == cli


def test_matching_ranks_calls_that_the_listing_shows_open(demo_settings: Settings) -> None:
    trainee = TraineeProfile(stage="medical_student", goals=["research"])
    matched = service.people.match(demo_settings, trainee, limit=1000).opportunities
    every_open = {f"{o.post.platform}:{o.post.id}" for o in service.opportunities.opportunities(
        demo_settings, state="open", limit=100_000)}
    ranked = [f"{found.key[0]}:{found.key[1]}" for found in matched]
    assert ranked and set(ranked) <= every_open
    by_fit = service.opportunities.best_fits(demo_settings, trainee, limit=1000)
    assert [found.key for found in by_fit] == [found.key for found in matched]
