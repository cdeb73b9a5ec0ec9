"""One person, all handles: wherever a person is listed once (the directory, the "for me" list,
`mentorfeed match`, Insights, the API), all of their accounts are shown with it; and a call
they cross-posted from two accounts counts once in their signals."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mentorfeed import service
from mentorfeed.cli import app as cli_app
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.people.activity import Key, PostRow
from mentorfeed.people.crossposts import copies, same_call
from mentorfeed.people.linking import people
from mentorfeed.service.mentors import DirectoryQuery
from mentorfeed.service.posts import open_store
from mentorfeed.service.tracking import forget_profile, save_profile
from mentorfeed.web.app import create_app

BASE = "http://127.0.0.1:8000"
# A trainee whose best mentors include people with accounts on two platforms.
TRAINEE = TraineeProfile(stage="MS2", interests=["hair", "skin of color"],
                         goals=["research", "urim_programs"])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A sample store of this module's own (a test saves a trainee profile in it)."""
    path, _, _ = service.demo.build_demo(tmp_path_factory.mktemp("persons") / "demo.db")
    yield Settings(database_url=sqlite_url(path))
    service.opportunities.close_stores()


@pytest.fixture(scope="module")
def persons(store: Settings) -> list[list[Key]]:
    with open_store(store) as opened:
        return people(opened.account_links(("found", "manual")))


@pytest.fixture(scope="module")
def handle_of(store: Settings) -> dict[Key, str]:
    with open_store(store) as opened:
        return {k: a.handle for k, a in opened.activity_authors().items()}


def _visible(page: str) -> str:
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


# -- the directory ------------------------------------------------------------------------------

def test_a_directory_card_shows_all_of_a_persons_handles(store: Settings) -> None:
    with open_store(store) as opened:
        page = service.mentors.directory(opened, DirectoryQuery(q="luc", per_page=100))
    assert [(m.handle, [(a.platform, a.handle) for a in m.accounts]) for m in page.items] == [
        ("DraLuciaDerm", [("bluesky", "draluciaderm.bsky.social")])]
    assert page.items[0].accounts[0].reason.startswith("same name (lucia v)")
    with TestClient(create_app(store), base_url=BASE) as client:
        text = _visible(client.get("/mentors?q=luc").text)
    assert "@DraLuciaDerm on X · @draluciaderm.bsky.social on Bluesky" in text


def test_a_person_is_found_in_the_directory_by_the_handle_of_any_of_their_accounts(
        store: Settings) -> None:
    with open_store(store) as opened:
        for q in ("DraLuciaDerm", "draluciaderm.bsky", "@draluciaderm.bsky.social"):
            page = service.mentors.directory(opened, DirectoryQuery(q=q))
            assert [m.handle for m in page.items] == ["DraLuciaDerm"], q


def test_every_directory_card_of_a_linked_person_names_all_its_accounts(
        store: Settings, persons: list[list[Key]]) -> None:
    with open_store(store) as opened:
        page = service.mentors.directory(opened, DirectoryQuery(per_page=100))
    person_of = {k: i for i, group in enumerate(persons) for k in group}
    linked = [m for m in page.items if (m.platform, m.author_id) in person_of]
    assert len(linked) >= 5
    for card in linked:
        group = persons[person_of[(card.platform, card.author_id)]]
        shown = {(card.platform, card.author_id)} | {(a.platform, a.author_id)
                                                      for a in card.accounts}
        assert shown == set(group), card.handle
    alone = [m for m in page.items if (m.platform, m.author_id) not in person_of]
    assert alone and all(m.accounts == [] for m in alone)


# -- matching: "for me", `mentorfeed match`, the API --------------------------------------------

def _linked_matches(store: Settings) -> service.people.Matches:
    found = service.people.match(store, TRAINEE, limit=10, calls=False)
    assert found.others, "the sample trainee's top ten holds a person with two accounts"
    return found


def test_the_for_me_list_shows_all_handles_of_a_matched_person(
        store: Settings, handle_of: dict[Key, str]) -> None:
    found = _linked_matches(store)
    save_profile(store, TRAINEE)
    try:
        with TestClient(create_app(store), base_url=BASE) as client:
            text = _visible(client.get("/mentors?for=me").text)
    finally:
        forget_profile(store)
    for key, others in found.others.items():
        for other in others:
            assert f"@{handle_of[key]} on " in text
            assert f"· @{other.handle} on " in text


def test_mentorfeed_match_names_every_account_of_a_matched_person(
        store: Settings, tmp_path: Path, handle_of: dict[Key, str]) -> None:
    profile = tmp_path / "me.toml"
    profile.write_text('stage = "MS2"\ninterests = ["hair", "skin of color"]\n'
                       'goals = ["research", "urim_programs"]\n', encoding="utf-8")
    runner = CliRunner()
    found = json.loads(runner.invoke(cli_app, ["--db", store.database_url, "match", "--profile",
                                               str(profile), "--json"]).stdout)
    also = {m["handle"]: [(a["platform"], a["handle"]) for a in m["also"]]
            for m in found["mentors"]}
    assert any(also.values())
    for handle, others in also.items():
        key = next(k for k, h in handle_of.items() if h == handle)
        for platform, other in others:
            assert platform != key[0] and other in handle_of.values()
    printed = runner.invoke(cli_app, ["--db", store.database_url, "match", "--profile",
                                      str(profile)]).stdout
    handle, others = next((h, o) for h, o in also.items() if o)
    line = next(line for line in printed.splitlines() if f"@{handle} " in line)
    assert all(f"@{other}" in line for _, other in others)


def test_the_api_gives_a_persons_other_accounts_with_the_reason_of_each_link(
        store: Settings) -> None:
    save_profile(store, TRAINEE)
    try:
        with TestClient(create_app(store), base_url=BASE) as client:
            listed = client.get("/api/v1/mentors", params={"q": "luc"}).json()
            one = [client.get(f"/api/v1/mentors/{a['platform']}/{a['author_id']}").json()
                   for a in (listed["items"][0], listed["items"][0]["accounts"][0])]
            missing = client.get("/api/v1/mentors/x/no-such-person")
            matched = client.get("/api/v1/match").json()
            later = client.get("/api/v1/match", params={"today": "2026-05-01"}).json()
            figures = client.get("/api/v1/insights").json()
    finally:
        forget_profile(store)
    [lucia] = listed["items"]
    assert [(a["platform"], a["handle"]) for a in lucia["accounts"]] == [
        ("bluesky", "draluciaderm.bsky.social")]
    assert lucia["accounts"][0]["reason"] and lucia["accounts"][0]["url"].startswith("https://")
    assert one[0] == one[1]  # either account gives the one person
    assert (one[0]["handle"], one[0]["accounts"]) == (lucia["handle"], lucia["accounts"])
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    for found in (matched, later):
        with_accounts = [m for m in found["mentors"] if m["accounts"]]
        assert with_accounts and all(a["reason"] for m in with_accounts for a in m["accounts"])
    assert any(m["accounts"] for m in figures["mentors"])


# -- insights -----------------------------------------------------------------------------------

def test_insights_list_an_engaged_person_once_with_all_handles(
        store: Settings, persons: list[list[Key]]) -> None:
    with open_store(store) as opened:
        figures = service.insights.compute(opened, top=50)
    person_of = {k: i for i, group in enumerate(persons) for k in group}
    listed = [person_of.get((m.platform, m.author_id), (m.platform, m.author_id))
              for m in figures.mentors]
    assert len(listed) == len(set(listed))  # a person once
    linked = [m for m in figures.mentors if (m.platform, m.author_id) in person_of]
    assert linked
    for mentor in linked:
        group = persons[person_of[(mentor.platform, mentor.author_id)]]
        assert {(mentor.platform, mentor.author_id)} | {
            (a.platform, a.author_id) for a in mentor.accounts} == set(group)
    with TestClient(create_app(store), base_url=BASE) as client:
        text = _visible(client.get("/insights").text)
    shown = [m for m in figures.mentors[:10] if m.accounts]
    assert shown
    for mentor in shown:
        assert all(f"@{a.handle} on " in text for a in mentor.accounts)


# -- a cross-posted call counts once ------------------------------------------------------------

def _call(author: str, day: int, text: str, labels: tuple[str, ...] = ("research_collaboration",)
          ) -> PostRow:
    platform = "bluesky" if author.endswith(".bsky.social") else "x"
    return PostRow((platform, f"{author}-{day}-{len(text)}"), None, (platform, author),
                   datetime(2024, 1, day, 15, tzinfo=UTC), text, [], [], None, None, None, None,
                   None, list(labels))


X_CALL = _call("DrOyin", 22, "Looking for 2 MS2/MS3s for a chart review on central "
               "centrifugal cicatricial alopecia and metabolic comorbidities. Remote, 4 hrs/week, "
               "authorship on the abstract. DM me!")


@pytest.mark.parametrize(("other", "same"), [
    (_call("oyin.bsky.social", 22, "Cross-posting from the other site: I need 2 MS2/MS3s for a "
           "CCCA chart review (metabolic comorbidities). Remote, about 4 hrs a week, abstract "
           "authorship."), True),
    (_call("oyin.bsky.social", 22, "Also looking for one student for a vitiligo photography "
           "project across Fitzpatrick types."), False),  # another call, the same day
    (_call("oyin.bsky.social", 24, "Summer office hours on Zoom for students curious about "
           "hair and scalp careers, every other Tuesday.", ("specialty_information",)), False),
    (_call("oyin.bsky.social", 29, X_CALL.text), False),  # a week later: a new round
])
def test_a_call_is_one_call_on_two_platforms_when_posted_within_days_in_like_words(
        other: PostRow, same: bool) -> None:
    assert same_call(X_CALL, other) is same


def test_two_posts_linking_the_same_form_within_days_are_one_call() -> None:
    one = _call("DrOyin", 22, "CCCA chart review, 2 spots: https://forms.example/ccca-2024")
    two = _call("oyin.bsky.social", 23, "Students! https://forms.example/ccca-2024/")
    assert same_call(one, two) and copies([two, one]) == [two]


def test_a_call_cross_posted_from_two_accounts_counts_once_in_the_persons_signals(
        store: Settings, persons: list[list[Key]], handle_of: dict[Key, str]) -> None:
    known = service.people.people(store)
    posts = known.activity.by_key()
    lucia = next(g for g in persons if any(handle_of[k] == "DraLuciaDerm" for k in g))
    own = [posts[k] for a in lucia for k in known.profiles[a].signals.opportunity_posts]
    merged = service.people.profiles(store)
    main = next(k for k in lucia if k in merged)
    calls = merged[main].signals
    # The 2024 cohort call went out on X and Bluesky the same day: one call, not two.
    cohort = [p for p in own if p.text.startswith("Year 3 of the LMSA")]
    assert len(cohort) == 2
    assert sum(k in calls.opportunity_posts for k in (p.key for p in cohort)) == 1
    assert calls.calls == len(calls.opportunity_posts) < len(own)
    assert sum(calls.opportunities.values()) < sum(len(p.labels) for p in own)


def test_the_mentor_page_lists_a_cross_posted_call_once(store: Settings,
                                                        handle_of: dict[Key, str]) -> None:
    key = next(k for k, h in handle_of.items() if h == "DrAdaezeSkin")
    with TestClient(create_app(store), base_url=BASE) as client:
        text = _visible(client.get(f"/mentors/{key[0]}/{key[1]}").text)
    # Posted on X and on Bluesky the same day in other words: one call, listed once.
    assert text.count("If you've been lurking and wondering") + text.count(
        "Lurkers who assume derm research needs connections") == 1
