"""Ranking opportunities: goals, stage, open deadlines, freshness and announced sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mentorfeed.match.profile import TraineeProfile
from mentorfeed.match.rank import rank_opportunities
from mentorfeed.models import Classification, Opportunity, Post

TODAY = datetime(2025, 1, 20, 18, tzinfo=UTC)
MS2 = TraineeProfile(stage="MS2", interests=["vitiligo"], goals=["research", "journal_clubs"])


def call(ident: str, text: str, labels: list[str], *, days_ago: int = 3,
         deadline: date | None = None, audience: tuple[str, ...] = ("medical_student",),
         state: str = "open") -> Opportunity:
    post = Post(platform="x", id=ident, url=f"https://x.com/someone/status/{ident}",
                author_id="u1", text=text, created_at=TODAY - timedelta(days=days_ago))
    found = Classification(labels, {}, {"audience": list(audience), "topics": []}, [], "", "m")
    return Opportunity(post, found, [post], deadline, state)


def ids(*calls: Opportunity, trainee: TraineeProfile = MS2) -> list[str]:
    return [m.key[1] for m in rank_opportunities(trainee, calls, today=TODAY)]


def test_calls_for_the_goals_come_before_the_others() -> None:
    order = ids(call("scholarship", "Scholarship for students, apply now", ["program_application"],
                     days_ago=0),
                call("project", "Looking for a student for a chart review",
                     ["research_collaboration"], days_ago=20))
    assert order == ["project", "scholarship"]


def test_an_announced_session_stays_until_it_happens() -> None:
    announced = call("jc", "New #DermJC! Thurs Jan 23, 8pm ET: JAK inhibitors for vitiligo.",
                     ["journal_club"], days_ago=11)
    prompt = call("q1", "Q1: what did you think of the methods? #DermJC", ["journal_club"],
                  days_ago=11)
    assert ids(announced, prompt) == ["jc"]
    reasons = rank_opportunities(MS2, [announced], today=TODAY)[0].reasons
    assert any("session is on 24 Jan 2025, 01:00 UTC" in r.text for r in reasons)  # 8pm ET
    after = rank_opportunities(MS2, [announced], today=TODAY + timedelta(days=5))
    assert after == []


def test_a_session_announced_with_a_24_hour_time_stays_until_it_happens() -> None:
    announced = call("jc", "Fediverse derm journal club returns 23 Jan, 19:00 UTC: a cohort "
                           "study on JAK inhibitors for vitiligo.", ["journal_club"], days_ago=11)
    found = rank_opportunities(MS2, [announced], today=TODAY)
    assert [m.key[1] for m in found] == ["jc"]
    assert any("session is on 23 Jan 2025, 19:00 UTC" in r.text for r in found[0].reasons)
    assert rank_opportunities(MS2, [announced], today=TODAY + timedelta(days=5)) == []


def test_closed_expired_and_stale_calls_are_left_out() -> None:
    assert ids(call("closed", "Filled, thanks!", ["research_collaboration"], state="closed"),
               call("past", "Apply by Jan 1", ["research_collaboration"],
                    deadline=date(2025, 1, 1)),
               call("old", "Open-ended: students welcome", ["research_collaboration"],
                    days_ago=200),
               call("open", "Apply by Feb 1", ["research_collaboration"],
                    deadline=date(2025, 2, 1))) == ["open"]


def test_a_call_for_a_background_opted_in_to_comes_first_and_says_so() -> None:
    group = call("group", "Disabled medical students interested in derm: a small peer group, "
                          "monthly by video.", ["peer_mentorship"], days_ago=10)
    other = call("other", "Peer study group for MS2s, weekly.", ["peer_mentorship"], days_ago=2)
    peers = TraineeProfile(stage="MS2", goals=["peer_support"])
    assert ids(group, other, trainee=peers) == ["other", "group"]
    opted = TraineeProfile(stage="MS2", goals=["peer_support"], background=["disability"])
    assert ids(group, other, trainee=opted) == ["group", "other"]
    first = rank_opportunities(opted, [group, other], today=TODAY)[0]
    assert "written for disabled trainees, as you opted in" in [r.text for r in first.reasons]


def test_reasons_name_labels_and_audiences_as_people_read_them() -> None:
    urim = call("urim", "URiM students: our visiting clerkship is open.",
                ["urim_outreach"], audience=("urim",))
    found = rank_opportunities(TraineeProfile(stage="MS1", goals=["urim_programs"]), [urim],
                               today=TODAY)[0]
    assert [r.text for r in found.reasons][:2] == [
        "a URiM outreach opportunity, as you asked", "meant for URiM trainees, as you asked"]
