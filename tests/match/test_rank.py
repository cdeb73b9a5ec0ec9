"""Ranking mentors: fit, engagement, opt-in background, opt-out, capacity, diversity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mentorfeed.errors import ConfigError
from mentorfeed.match.profile import TraineeProfile, parse
from mentorfeed.match.rank import rank_mentors
from mentorfeed.people.profiles import AuthorProfile, Signals

TODAY = datetime(2025, 3, 1, tzinfo=UTC)


def person(handle: str, *, role: str = "dermatologist", interests: dict[str, float] | None = None,
           replies: int = 2, background: list[str] | None = None, institution: str | None = None,
           says_full: bool = False, opted_out: bool = False, days_ago: int = 10) -> AuthorProfile:
    signals = Signals(opportunities={"research_collaboration": 1},
                      opportunity_posts=[("x", f"{handle}-call")], trainee_replies=replies,
                      trainee_reply_posts=[("x", f"{handle}-reply")], says_full=says_full,
                      last_active=TODAY - timedelta(days=days_ago))
    return AuthorProfile(("x", handle), handle, None, role, 0.9, [], interests or {"hair": 2.0},
                         signals, background or [], institution, opted_out)


def ranked(trainee: TraineeProfile, *people: AuthorProfile, **options: object) -> list[str]:
    profiles = {p.key: p for p in people}
    return [m.handle for m in rank_mentors(trainee, profiles, today=TODAY, **options)]  # type: ignore[arg-type]


HAIR = TraineeProfile(stage="MS2", interests=["hair"], goals=["research"])


def test_shared_interests_and_engagement_come_first() -> None:
    assert ranked(HAIR, person("nails", interests={"acne": 3.0}),
                  person("hair_pro", interests={"hair": 3.0}, replies=9)) == ["hair_pro", "nails"]


def test_only_mentor_roles_unless_organizations_are_asked_for() -> None:
    society = person("society", role="organization")
    student = person("student", role="medical_student")
    assert ranked(HAIR, society, student, person("derm")) == ["derm"]
    with_orgs = TraineeProfile(stage="MS2", interests=["hair"], include_organizations=True)
    assert set(ranked(with_orgs, society, student, person("derm"))) == {"derm", "society"}


def test_background_counts_only_when_the_trainee_opts_in() -> None:
    stated = person("first_gen_derm", background=["first_generation"])
    other = person("other_derm")
    opted_in = TraineeProfile(stage="MS2", interests=["hair"], background=["first_generation"])
    assert ranked(opted_in, other, stated)[0] == "first_gen_derm"
    matches = rank_mentors(HAIR, {p.key: p for p in (stated, other)}, today=TODAY)
    assert not any("bio" in r.text for m in matches for r in m.reasons)  # never without opt-in


def test_opted_out_people_are_never_suggested() -> None:
    assert ranked(HAIR, person("quiet", opted_out=True, interests={"hair": 9.0}),
                  person("open")) == ["open"]


def test_people_who_are_full_come_after_the_others() -> None:
    order = ranked(HAIR, person("full", says_full=True, interests={"hair": 9.0}, replies=20),
                   person("free"))
    assert order == ["free", "full"]


def test_no_more_than_two_from_one_institution_before_others() -> None:
    same = [person(f"u{i}", institution="state u", interests={"hair": 5.0 - i * 0.1})
            for i in range(4)]
    elsewhere = person("elsewhere", interests={"hair": 1.0})
    order = ranked(HAIR, *same, elsewhere, limit=5)
    assert order[:3] == ["u0", "u1", "elsewhere"]


def test_a_past_exchange_is_a_reason_with_its_posts() -> None:
    met = {("x", "cold"): [(("x", "their-answer"), ("x", "my-question"))]}
    matches = rank_mentors(HAIR, {p.key: p for p in (person("cold"), person("warm"))},
                           today=TODAY, met=met)
    assert matches[0].handle == "cold"
    reason = next(r for r in matches[0].reasons if "journal club" in r.text)
    assert reason.posts == [("x", "their-answer")]


@pytest.mark.parametrize(("data", "message"), [
    ({"stage": "MS9"}, "stage must be one of"),
    ({"goals": ["fame"]}, "unknown goal"),
    ({"background": {"zodiac": True}}, "unknown background attribute"),
])
def test_a_bad_profile_says_what_is_wrong(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse(data)


def test_background_is_only_what_is_switched_on() -> None:
    trainee = parse({"stage": "IMG", "background": {"img": True, "lgbtq": False,
                                                    "languages": ["es"]}})
    assert (trainee.background, trainee.languages, trainee.audience) == (["img"], ["es"], "img")


def _with(profile: AuthorProfile, **signals: object) -> AuthorProfile:
    for name, value in signals.items():
        setattr(profile.signals, name, value)
    return profile


def test_who_posts_the_calls_you_want_lately_comes_first() -> None:
    peers = TraineeProfile(stage="MS2", interests=["hair"], goals=["peer_support"])
    order = ranked(peers, person("aa_research"),
                   _with(person("zz_peer_calls"), recent_opportunities={"peer_mentorship": 2.0},
                         opportunities={"peer_mentorship": 2}))
    assert order == ["zz_peer_calls", "aa_research"]
    # Without the posts themselves (no evidence given), no reason claims calls it cannot show.
    match = rank_mentors(peers, {("x", "zz"): _with(
        person("zz"), recent_opportunities={"peer_mentorship": 2.0},
        opportunities={"peer_mentorship": 2})}, today=TODAY)[0]
    assert not any("peer mentorship" in r.text for r in match.reasons)


def test_residents_are_the_near_peers_for_peer_support_and_applications() -> None:
    derm, resident = person("aa_derm"), person("zz_resident", role="resident")
    assert ranked(HAIR, derm, resident) == ["aa_derm", "zz_resident"]  # a tie: by handle
    for goal in ("peer_support", "application_help"):
        trainee = TraineeProfile(stage="MS4", interests=["hair"], goals=[goal])
        assert ranked(trainee, derm, resident) == ["zz_resident", "aa_derm"], goal


def test_an_img_is_shown_first_who_posts_calls_for_imgs() -> None:
    img = TraineeProfile(stage="IMG", interests=["hair"], goals=["research"])
    for_imgs = _with(person("zz_img_calls"), recent_audiences={"img": 2.0})
    assert ranked(img, person("aa_other"), for_imgs) == ["zz_img_calls", "aa_other"]
    assert ranked(HAIR, person("aa_other"), for_imgs) == ["aa_other", "zz_img_calls"]
