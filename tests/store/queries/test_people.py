"""Stored traits and profiles: built once, then only new posts are read, and what is stored is
what a fresh build gives."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.people.profiles import AuthorProfile, Signals, build_profiles
from mentorfeed.people.traits import read_many
from mentorfeed.store import Store


@pytest.fixture
def demo(tmp_path: Path) -> Settings:
    path, _, _ = service.demo.build_demo(tmp_path / "demo.db")
    return Settings(database_url=sqlite_url(path))


def _summary(profile: AuthorProfile) -> tuple[object, ...]:
    s = profile.signals
    return (profile.role, profile.role_confidence, profile.interests, profile.background,
            profile.opted_out, s.calls, s.opportunities, s.opportunity_posts[:50],
            s.trainee_replies, s.jc_answers, s.offers, s.answered_questions, s.says_full)


def test_stored_profiles_equal_a_fresh_build(demo: Settings) -> None:
    stored = service.people.profiles(demo)
    with Store(demo.database_url) as store:
        activity = store.activity()
        links = store.account_links(service.accounts.LINKED)
    for post in activity.posts:
        post.traits = None  # read every post again from its text
    built = build_profiles(activity)
    assert len(built) >= 224
    # a linked person is one profile, each call they cross-posted counted once
    fresh = service.accounts.persons(built, links, activity).profiles
    assert len(stored) == len(fresh) == len(built) - 14
    assert {k: _summary(p) for k, p in stored.items()} == \
        {k: _summary(p) for k, p in fresh.items()}


def test_a_refresh_reads_only_the_new_posts(demo: Settings, tmp_path: Path) -> None:
    again = service.people.refresh_people(demo)
    assert again.read == 0 and again.profiles >= 224
    table = tmp_path / "new.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["platform", "id", "text", "created_at", "author_id", "author_handle",
                         "author_name", "author_bio"])
        writer.writerow(["x", "990000001", "Happy to answer questions about derm research "
                         "years, DMs open #DermTwitter", "2025-04-01T12:00:00Z", "u990001",
                         "newderm_resident", "Sam Q.", "Dermatology resident, PGY-3"])
        writer.writerow(["x", "990000002", "Our clinic is hiring a nurse practitioner.",
                         "2025-04-02T12:00:00Z", "u990001", "newderm_resident", "Sam Q.",
                         "Dermatology resident, PGY-3"])
    service.posts.import_files(demo, [table])
    profiles = service.people.profiles(demo)  # notices the store changed and refreshes
    newcomer = profiles[("x", "u990001")]
    assert newcomer.role == "resident" and newcomer.signals.offers == 1
    assert (
        service.people.refresh_people(demo).read == 0
    )  # both new posts were read once, then stored


def test_reading_on_several_processes_gives_the_same_traits(demo: Settings) -> None:
    with Store(demo.database_url) as store:
        posts = [(p.text, p.hashtags, p.reply_to is not None)
                 for p in store.activity().posts if p.text][:1500]
    assert list(read_many(posts, workers=2, parallel_from=0)) == list(read_many(posts))


def test_profiles_round_trip_through_the_store(store: Store) -> None:
    when = datetime(2025, 3, 1, 12, tzinfo=UTC)
    profile = AuthorProfile(
        key=("bluesky", "did:plc:abc"), handle="skin.example", name="Dr. Example, MD",
        role="dermatologist", role_confidence=0.8, role_cues=["bio says 'dermatologist'"],
        interests={"hair": 1.5, "skin of color": 0.5},
        signals=Signals(calls=2, opportunities={"research_collaboration": 2},
                        recent_opportunities={"research_collaboration": 1.25},
                        recent_audiences={"img": 0.5},
                        opportunity_posts=[("bluesky", "p1"), ("bluesky", "p2")],
                        trainee_replies=3, trainee_reply_posts=[("bluesky", "r1")],
                        jc_answers=4, offers=1, answered_questions=2, says_full=True,
                        last_active=when),
        background=["first_generation"], institution="county program", opted_out=False)
    assert store.save_profiles([profile]) == 1
    assert store.load_profiles() == {profile.key: profile}
    assert store.load_profiles(roles=["resident"]) == {}
