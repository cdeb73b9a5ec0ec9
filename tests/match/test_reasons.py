"""Reasons that are true: each reason links only posts that show it, and the trainee's own
exchanges with a person are found, shown and weighed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mentorfeed.config import Settings
from mentorfeed.match import evidence as ev
from mentorfeed.match.evaluate import load_scenarios
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.match.rank import MentorMatch, Reason, rank_mentors
from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.people.profiles import build_profiles
from mentorfeed.service.people import match, people

TODAY = datetime(2025, 3, 1, 12, tzinfo=UTC)
SCENARIOS = Path(__file__).resolve().parents[2] / "corpus" / "scenarios"
BIOS = {"derm": "Board-certified dermatologist. Academic derm.",
        "other_derm": "Dermatologist in private practice.",
        "res": "Dermatology resident, PGY-3.",
        "me": "MS2 at State. Future dermatologist?",
        "ms4": "MS4 applying derm"}


class Corpus:
    """A handful of written posts by a few authors, as the store would give them."""

    def __init__(self) -> None:
        self.posts: list[PostRow] = []
        self.authors = {("x", h): AuthorRow(("x", h), h, h.title(), bio, 100, None)
                        for h, bio in BIOS.items()}

    def post(self, author: str, text: str, *, days_ago: float = 10, reply_to: Key | None = None,
             labels: list[str] | None = None, mentions: list[str] | None = None,
             quote_of: Key | None = None, audience: list[str] | None = None,
             conversation: Key | None = None) -> Key:
        key = ("x", f"p{len(self.posts)}")
        parent = next((p for p in self.posts if p.key == reply_to), None)
        self.posts.append(PostRow(
            key, f"https://x.com/{author}/status/{key[1]}", ("x", author),
            TODAY - timedelta(days=days_ago), text, [],
            [{"handle": m, "id": None} for m in mentions or []], reply_to,
            parent.author if parent else None, quote_of, None,
            conversation or (parent.conversation if parent else key), labels or [],
            {"audience": audience or []}))
        return key

    def match(self, trainee: TraineeProfile, *, open_calls: list[Key] | None = None
              ) -> tuple[list[MentorMatch], ev.Evidence]:
        activity = Activity(self.posts, self.authors)
        profiles = build_profiles(activity, now=TODAY)
        evidence = ev.gather(activity, {k: p.role for k, p in profiles.items()}, TODAY,
                             handles=trainee.handles, open_calls=open_calls)
        return rank_mentors(trainee, profiles, today=TODAY, evidence=evidence), evidence


def reasons_of(found: list[MentorMatch], handle: str) -> dict[str, Reason]:
    person = next(m for m in found if m.handle == handle)
    found: dict[str, Reason] = {}
    for reason in person.reasons:  # the first of each kind
        found.setdefault(reason.kind + (":" + reason.subject if reason.subject else ""), reason)
    return found


PEDS = TraineeProfile(stage="MS2", interests=["pediatric dermatology"], goals=["research"])


def test_a_word_in_an_aside_is_not_writing_about_a_topic() -> None:
    corpus = Corpus()
    corpus.post("derm", "Gave a sunscreen talk to a kid at a school today, fun morning.")
    corpus.post("other_derm", "Pediatric dermatology pearl: infantile hemangioma on the lip "
                              "needs an early visit. #PedsDerm")
    found, _ = corpus.match(PEDS)
    assert "topic:pediatric dermatology" not in reasons_of(found, "derm")
    shown = reasons_of(found, "other_derm")["topic:pediatric dermatology"]
    assert shown.text == "writes about pediatric dermatology" and shown.posts == [("x", "p1")]


def test_calls_link_only_the_calls_asked_for_and_say_which_are_open() -> None:
    corpus = Corpus()
    old = corpus.post("derm", "Need a student for a chart review on acne, DM me.", days_ago=400,
                      labels=["research_collaboration"])
    new = corpus.post("derm", "Two spots on our eczema registry project, email me.",
                      labels=["research_collaboration"])
    corpus.post("derm", "Our clerkship for URiM students is open.", labels=["urim_outreach"])
    corpus.post("derm", "Great clinic day.")
    found, _ = corpus.match(PEDS, open_calls=[new])
    calls = reasons_of(found, "derm")["calls:research_collaboration"]
    assert calls.posts == [new, old]
    assert calls.text == "posted 2 research collaboration calls you asked for, 1 still open"


def test_replies_count_only_when_they_help() -> None:
    corpus = Corpus()
    question = corpus.post("me", "How do I find a derm research mentor as an MS2?")
    match_day = corpus.post("ms4", "I matched into dermatology today!!")
    corpus.post("derm", "@ms4 Congrats!! So well deserved, you are going to be amazing.",
                reply_to=match_day)
    answer = corpus.post("derm", "@me I'd start with your home department: email the residency "
                                 "coordinator and ask who takes students.", reply_to=question)
    found, _ = corpus.match(TraineeProfile(stage="MS2", goals=["research"]))
    helped = reasons_of(found, "derm")["helped"]
    assert helped.posts == [answer] and helped.text == "answered or advised trainees once"


@pytest.mark.parametrize(("stage", "said"), [
    ("MS4", "a resident, one stage ahead of you: a near-peer to ask"),
    ("MS3", "a resident, two stages ahead of you: a near-peer to ask"),
    ("MS1", None), ("premed", None), ("resident", None)])
def test_a_near_peer_is_one_or_two_stages_ahead(stage: str, said: str | None) -> None:
    corpus = Corpus()
    corpus.post("res", "Residency life: the first months are a lot, ask me anything.")
    found, _ = corpus.match(TraineeProfile(stage=stage, goals=["peer_support"]))
    near = reasons_of(found, "res").get("near_peer")
    assert (near.text if near else None) == said


def test_personal_history_is_found_shown_and_weighed() -> None:
    corpus = Corpus()
    mine = corpus.post("me", "Is a gap year worth it before applying derm?", days_ago=30)
    corpus.post("derm", "@me It depends on what you would do with it: research, yes.",
                reply_to=mine, days_ago=29)
    thread = corpus.post("other_derm", "A list for @me: five derm research groups that take "
                                       "MS2s.", mentions=["me"], days_ago=5)
    corpus.post("other_derm", "2/ the peds group at County takes remote students too.",
                reply_to=thread, days_ago=5)
    corpus.post("res", "Hair and skin of color research: happy to answer questions.")
    trainee = TraineeProfile(stage="MS2", goals=["research"], handles={"x": "me"})
    found, evidence = corpus.match(trainee)
    assert [m.handle for m in found[:2]] == ["other_derm", "derm"] or \
        [m.handle for m in found[:2]] == ["derm", "other_derm"]
    talked = reasons_of(found, "derm")["history"]
    assert talked.text == f"you talked with them on {(TODAY - timedelta(days=29)).day} " \
                          f"{(TODAY - timedelta(days=29)):%b %Y}"
    other = next(m for m in found if m.handle == "other_derm")
    assert [(r.text, r.posts) for r in other.reasons if r.kind == ev.HISTORY] == [
        ("wrote a thread for you on 24 Feb 2025", [thread, ("x", "p3")])]
    assert {p.key for p in evidence.history[("x", "other_derm")]} == {thread, ("x", "p3")}
    without = corpus.match(TraineeProfile(stage="MS2", goals=["research"]))[0]
    assert all("history" not in reasons_of(without, m.handle) for m in without)


def test_the_check_finds_links_that_do_not_show_their_reason() -> None:
    corpus = Corpus()
    aside = corpus.post("derm", "Gave a sunscreen talk to a kid at a school today.")
    old_call = corpus.post("derm", "Premeds: join our shadowing day.", days_ago=400,
                           labels=["specialty_information"], audience=["premed"])
    match_day = corpus.post("ms4", "I matched into dermatology today!!")
    cheer = corpus.post("derm", "@ms4 Congrats!! So proud of you, enjoy it.", reply_to=match_day)
    _, evidence = corpus.match(PEDS)
    derm = ("x", "derm")
    for reason, expected in [
        (Reason("writes about pediatric dermatology", [aside], ev.TOPIC,
                "pediatric dermatology"), "only in passing"),
        (Reason("posted calls for premeds lately", [old_call], ev.FOR_STAGE, "premed"),
         "older than 180 days"),
        (Reason("replied to trainees", [cheer], ev.HELPED), "does not help"),
        (Reason("posted research calls", [aside], ev.CALLS, "research_collaboration"),
         "not a research_collaboration call"),
        (Reason("you talked", [aside], ev.HISTORY), "not an exchange"),
    ]:
        assert any(expected in line for line in ev.problems(reason, derm, evidence)), reason
    near = Reason("a near-peer", kind=ev.NEAR_PEER)
    assert ev.problems(near, derm, evidence, trainee_stage="premed", person_role="resident")
    assert ev.problems(near, derm, evidence, trainee_stage="resident", person_role="resident")
    assert not ev.problems(near, derm, evidence, trainee_stage="MS4", person_role="resident")


def test_every_reason_in_the_sample_matches_is_shown_by_its_posts(
        demo_settings: Settings) -> None:
    """All 32 development scenarios, the top ten mentors and opportunities: each linked post
    is re-read and must show its reason."""
    scenarios = load_scenarios(SCENARIOS)
    assert len(scenarios) >= 30
    wrong: list[str] = []
    linked = 0
    for scenario in scenarios:
        known = people(demo_settings, now=scenario.today)
        found = match(demo_settings, scenario.trainee, today=scenario.today, known=known)
        evidence = found.evidence
        assert evidence is not None
        for matches in (found.mentors, found.opportunities):
            wrong += ev.false_reasons(matches, evidence, trainee_stage=scenario.trainee.stage,
                                      top=10)
            linked += sum(len(r.posts) for m in matches for r in m.reasons)
    assert linked > 500  # the check has posts to read
    assert wrong == []
