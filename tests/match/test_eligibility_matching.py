"""Matching on the sample corpus never offers a call that leaves the trainee out: calls for
another stage, background or language, their own posts, and replies offering something to
someone else (issue 15: eligibility)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from mentorfeed import service
from mentorfeed.classify.corpus import corpus_dir
from mentorfeed.classify.eligibility import excludes
from mentorfeed.config import Settings
from mentorfeed.match.evaluate import Scenario, load_scenarios
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.match.rank import rank_opportunities
from mentorfeed.models import Author, Classification, Opportunity, Post
from mentorfeed.store import Store
from mentorfeed.store.listing import Filters

SCENARIOS = {s.name: s for s in load_scenarios(Path("corpus/scenarios"))}
# An MS1, a premed, the one trainee of stage "other", and an MS1 who opted into no background.
CHOSEN = ["06-ms1-kenzie-peds-meded", "02-premed-jo-jc-hair", "24-other-ai-researcher",
          "22-ms1-urim-with-orgs"]


@pytest.mark.parametrize("name", CHOSEN)
def test_matching_never_offers_a_call_that_leaves_the_trainee_out(
        demo_settings: Settings, name: str) -> None:
    scenario: Scenario = SCENARIOS[name]
    trainee = scenario.trainee
    found = service.people.match(demo_settings, trainee, today=scenario.today, limit=200,
                                 calls=True, everything=True)
    left_out = {call.post.key: why for call, why in found.left_out}
    assert found.opportunities and left_out
    assert not left_out.keys() & {o.key for o in found.opportunities}
    with Store(demo_settings.database_url) as store:
        stored = {o.post.key: o.classification.eligibility for o in store.opportunities(
            Filters(today=scenario.today.date()), limit=100_000)}
    for offered in found.opportunities:
        allowed = stored[offered.key].get("stages")
        assert not allowed or trainee.stage in allowed, (offered.key, allowed)
        assert excludes(stored[offered.key], trainee) is None
    # Each left-out call says why, in words about this trainee.
    assert all(why for why in left_out.values())
    if trainee.stage in ("MS1", "premed", "other"):
        you = {"MS1": "you are an MS1", "premed": "you are a premed",
               "other": "you are at another stage"}[trainee.stage]
        assert any(why.endswith(you) for why in left_out.values())
    if name == "22-ms1-urim-with-orgs":  # wants URiM programs, opted into no background
        assert not trainee.background
        assert any("does not opt into" in why for why in left_out.values())


def test_the_match_command_lists_what_it_leaves_out(demo_settings: Settings,
                                                    tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mentorfeed.cli import app

    profile = tmp_path / "me.toml"
    profile.write_text('stage = "premed"\ngoals = ["research", "urim_programs"]\n',
                       encoding="utf-8")
    db = demo_settings.database_url.removeprefix("sqlite:///")
    args = ["--db", db, "match", "--profile", str(profile), "--today", "2025-02-01", "--json"]
    plain = orjson.loads(CliRunner().invoke(app, args).stdout)
    everything = orjson.loads(CliRunner().invoke(app, [*args, "--everything"]).stdout)
    assert "not_offered" not in plain and everything["not_offered"]
    hidden = {(c["platform"], c["id"]) for c in everything["not_offered"]}
    assert not hidden & {(c["platform"], c["id"]) for c in plain["opportunities"]}
    assert any(c["not_for_you"].endswith("you are a premed") for c in everything["not_offered"])


def test_attending_job_ads_are_never_opportunities(demo_settings: Settings) -> None:
    rows = [orjson.loads(line) for line in
            (corpus_dir() / "labels.jsonl").read_bytes().splitlines()]
    jobs = {(r["platform"], r["id"]) for r in rows if r.get("kind") == "attending_job_ad"}
    assert len(jobs) >= 40
    with Store(demo_settings.database_url) as store:
        calls = store.opportunities(Filters(today=datetime(2030, 1, 1).date()), limit=100_000)
    assert calls and not jobs & {call.post.key for call in calls}


TODAY = datetime(2025, 1, 20, 18, tzinfo=UTC)


def call(ident: str, handle: str, text: str, eligibility: dict[str, object]) -> Opportunity:
    post = Post(platform="bluesky", id=ident, url=None, author_id=handle, text=text,
                created_at=TODAY - timedelta(days=2),
                author=Author("bluesky", handle, handle))
    found = Classification(["research_collaboration"], {}, {"audience": ["medical_student"]},
                           [], "", "m", eligibility=eligibility)
    return Opportunity(post, found, [post])


def test_own_posts_and_replies_to_someone_else_are_not_offered() -> None:
    kenzie = TraineeProfile(stage="MS1", goals=["research"],
                            handles={"bluesky": "kenzie-ms1.bsky.social"})
    calls = [call("mine", "kenzie-ms1.bsky.social", "Looking for a co-author, DM me", {}),
             call("to-kenzie", "drniaw.bsky.social", "@kenzie-ms1.bsky.social congrats, DM me",
                  {"addressed_to": "kenzie-ms1.bsky.social"}),
             call("to-jo", "drniaw.bsky.social", "@jo.bsky.social congrats, DM me",
                  {"addressed_to": "jo.bsky.social"}),
             call("open", "drniaw.bsky.social", "Two spots for students, DM me", {})]
    offered = [m.key[1] for m in rank_opportunities(kenzie, calls, today=TODAY)]
    assert sorted(offered) == ["open", "to-kenzie"]


def test_stage_other_is_not_a_medical_student() -> None:
    other = TraineeProfile(stage="other", goals=["research"])
    assert other.audience != "medical_student"
    found = rank_opportunities(other, [call("c", "drniaw.bsky.social", "Students: DM me", {})],
                               today=TODAY)
    assert found and not any("like you" in r.text for r in found[0].reasons)
