"""Who may take a call, read from its text: each case quotes a post of the sample corpus
(corpus/posts, key in the comment) or of the real posts (corpus/real/posts, id in the comment;
none from a held-out source)."""

from __future__ import annotations

import pytest

from mentorfeed.classify.eligibility import (
    describe,
    eligibility,
    excludes,
    find_addressee,
    find_background,
    find_languages,
    find_location,
    find_stages,
    is_attending_job,
)
from mentorfeed.classify.extract import find_audience
from mentorfeed.match.profile import TraineeProfile

MS = ("MS1", "MS2", "MS3", "MS4")


def stages(text: str) -> tuple[str, ...]:
    return find_stages(text, find_audience(text))


@pytest.mark.parametrize(("text", "expected"), [
    # g3-p293
    ('Free info session for MS1s and MS2s: "What does a career in dermatology actually look '
     'like?"', ("MS1", "MS2")),
    # g6-p219
    ("Need a resident or MS4 for a dermpath case series on granulomatous reactions to tattoo "
     "pigment.", ("MS4", "resident")),
    # g5-p043: a rising MS2 is an MS1 now; the undergrad is a premed
    ("Lab is taking one summer student (rising MS2 or strong undergrad) for a project on how "
     "itch nerves talk to inflamed AD skin.", ("premed", "MS1", "MS2")),
    # g6-p017
    ("a 4-week derm rotation at a member academic department for URiM fourth-year students, "
     "with a $2,000 stipend", ("MS4",)),
    # g6-p060
    ("Derm residents (PGY-2/3): I've got a retrospective case series on Mohs in patients over "
     "90 that needs a co-author.", ("resident",)),
    # g2-p196
    ("6 paid positions across member sites, medical students only. Rolling review until Sept "
     "30.", MS),
    # g4-p010
    ("I can now take 2 remote students, any school, MS1 and up, for our melasma project.", MS),
    # g7-p059
    ('Premeds and MS1s: I get "what\'s derm residency actually like" every week.',
     ("premed", "MS1")),
    # g1-p140: a list from premeds to residents takes in every stage between
    ("#DermJC returns Thursday 10/17 at 9 PM ET. Premeds, MS1s, residents, attendings, you all "
     "belong here.", ("premed", *MS, "resident")),
    # cp-0021 (real)
    ("For incoming MS1/OMSI students who are leaving the comforts of their homes", ("MS1",)),
    # Not the audience: a welcome, the author, people in the story, no year named.
    ("MS1-MS3 welcome, no derm background needed, cameras optional.", ()),  # g2-p170
    ("PGY-2 derm here. If you're an LGBTQ+ med student wondering whether derm has room for "
     "you: it does.", ()),  # g3-p060
    ("A program director, a chief resident and two freshly matched MS4s on what actually "
     "matters. Free for all students", ()),  # g6-p140
    ("My first research mentor let me, a very confused MS2, co-write a case report.", ()),
    ("Any stage, premed through MS4: tell us what you need.", ()),  # g1-p044
    ("Residents, students, curious premeds: follow the hashtag and jump in.", ()),  # g1-p003
    ("@kenzie-ms1.bsky.social easy, and almost nobody does it.", ()),  # g3-p202: a handle
])
def test_stages_named_in_the_call(text: str, expected: tuple[str, ...]) -> None:
    assert stages(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # g5-p266
    ("New: Info Hour Fellows, a 6-month mentoring program for URiM and first-generation medical "
     "students who are interested in dermatology.", ("urim", "first_generation")),
    # g2-p048
    ("First-gen derm applicants: I'll read your personal statement this cycle.",
     ("first_generation",)),
    # g5-p242
    ("Queer med students applying to dermatology: a few LGBTQ+ derm residents and I run an "
     "informal peer group.", ("lgbtq",)),
    # g2-p230
    ("Black med students interested in dermatology: get paired with a Black dermatologist.",
     ("black",)),
    # g7-p017
    ("Starting a small virtual mentoring circle for Latinx and first-gen students who want "
     "dermatology.", ("latino", "first_generation")),
    # g6-p257
    ("IMGs aiming for dermatology: I'm starting a free monthly Zoom Q&A.", ("img",)),
    # Welcomed, encouraged or given priority: not a restriction.
    ("our peds derm clinic needs 1-2 Spanish-speaking med students (URiM students encouraged) to "
     "help build it", ()),  # g1-p219
    ("4 spots, priority for first-gen students. Short application, due Feb 1", ()),
    ("Looking for 2 IMGs (or med students) to join a project on traction alopecia.", ()),
    ("Black physicians are still only about 5% of US doctors.", ()),
])
def test_background_a_call_is_restricted_to(text: str, expected: tuple[str, ...]) -> None:
    assert find_background(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # g5-p178
    ('Spanish-speaking med students interested in derm: we\'re launching "Derm en Español", '
     "monthly virtual case discussions in Spanish + career Q&A.", ("es",)),
    # g2-p036
    ("I'd love 2 LMSA students (Spanish fluency needed) to help with the interviews.", ("es",)),
    # g2-p038: written in Spanish
    ("¿Eres estudiante latino/a y te interesa la dermatología? El primer martes de cada mes "
     "guardo una hora para videollamadas. Escríbeme por DM y hablamos.", ("es",)),
    # Not required: a plus, a bonus, both languages, partly, if you like.
    ("pls send CV + a line on why, DMs open. bonus if u speak spanish (pt letters)", ()),
    ("free Q&A for Latinx and first-gen students interested in derm, Mar 2, 6pm MT, in Spanish "
     "and English.", ()),  # g7-p036
    ("1:1 pairing with a dermatologist for a year + monthly group calls (algunas en español).",
     ()),  # g4-p028
    ("I'll answer replies to this post live. Pregunten en español si quieren", ()),  # g3-p219
])
def test_languages_a_reader_must_speak(text: str, expected: tuple[str, ...]) -> None:
    assert find_languages(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Paid summer program for US-based medical students, apply by March 1.", "US"),
    ("Shadowing days for students in Texas this spring.", "Texas"),
    ("Canadian students interested in dermatology: our virtual elective is open.", "Canada"),
    ("Remote works, as long as you can hop on a video call every other week.", None),
])
def test_where_a_reader_must_be(text: str, expected: str | None) -> None:
    assert find_location(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # g3-p202
    ("@kenzie-ms1.bsky.social easy, and almost nobody does it. That's a publishable curriculum "
     "pilot, honestly. If you want to build it with us, DM me after tonight",
     "kenzie-ms1.bsky.social"),
    # g1-p036
    ("Not required. It helps some people and costs others a lot. Valeria, send me a DM and "
     "let's do a 20-min call this week", "Valeria"),
    # g1-p090: it answers one person but speaks to every premed
    ("@futurederm_jo Absolutely! Premeds are more than welcome. Lurk, ask, answer: all good.",
     None),
    # t2-0022 (real): a reply to one person that offers nothing is talk, not a call
    ("@USER Alright, buddy. Since you called me out, I'll chime in. I, too, read almost every "
     "personal statement.", None),
])
def test_a_reply_to_one_person(text: str, expected: str | None) -> None:
    assert find_addressee(text) == expected
    assert eligibility(text, is_reply=False).addressed_to is None  # a post, not a reply


@pytest.mark.parametrize("text", [
    # g1-p034, g3-p022, g6-p058, g4-p172: taxonomy's attending_job_ad
    "We're hiring! Busy suburban private practice looking for a BC/BE dermatologist. Great MAs.",
    "We're hiring! Board-certified dermatologist, full or part time, 4-day week, Mohs on site.",
    "Teledermatology role, fully remote, any US state license. BC dermatologists only.",
    "Graduating residents: new grads welcome to apply! Our associate dermatologists get a formal "
    "mentorship track with senior partners.",
])
def test_jobs_for_attendings(text: str) -> None:
    assert is_attending_job(text)


@pytest.mark.parametrize("text", [
    "Summer shadowing with a board-certified dermatologist for premeds. Apply by May 1.",
    "Our lab is hiring a research assistant, great for a gap year. Email me your CV.",
    "The Hankore Lab is hiring for the position of Postdoctoral Fellow!",  # c2 (real)
])
def test_calls_for_trainees_are_not_jobs(text: str) -> None:
    assert not is_attending_job(text)


MS1 = TraineeProfile(stage="MS1", handles={"bluesky": "kenzie-ms1.bsky.social"})


@pytest.mark.parametrize(("stored", "trainee", "reason"), [
    ({"stages": ["MS2"]}, MS1, "for MS2s; you are an MS1"),
    ({"stages": ["MS4", "resident"]}, TraineeProfile(stage="premed"),
     "for MS4s or residents; you are a premed"),
    ({"stages": list(MS)}, TraineeProfile(stage="other"),
     "for medical students; you are at another stage"),
    ({"background": ["urim"]}, MS1,
     "for URiM trainees only; your profile does not opt into it"),
    ({"background": ["urim"]}, TraineeProfile(stage="MS1", background=["latino"]), None),
    ({"background": ["img"]}, TraineeProfile(stage="IMG"), None),
    ({"languages": ["es"]}, MS1, "for Spanish speakers; your profile does not list Spanish"),
    ({"languages": ["es"]}, TraineeProfile(stage="MS1", languages=["es"]), None),
    ({"addressed_to": "kenzie-ms1.bsky.social"}, MS1, None),
    ({"addressed_to": "kenzie-ms1.bsky.social"}, TraineeProfile(stage="MS1"),
     "a reply offering something to @kenzie-ms1.bsky.social, not an open call"),
    ({}, TraineeProfile(stage="other"), None),
])
def test_who_a_call_leaves_out(stored: dict[str, object], trainee: TraineeProfile,
                               reason: str | None) -> None:
    assert excludes(stored, trainee) == reason


def test_the_stored_form_holds_what_was_found_and_reads_back_as_words() -> None:
    text = ("Summer mentor match 2023 is open: a 12-week pairing for URiM + first-gen MS1s/MS2s "
            "with a derm resident or attending. Apply by April 28")  # g1-p053
    stored = eligibility(text, find_audience(text)).to_json()
    assert stored == {"stages": ["MS1", "MS2"], "background": ["urim", "first_generation"]}
    assert describe(stored) == ["MS1s and MS2s", "URiM or first-generation only"]
    assert eligibility("Any student, any school: DM me.").to_json() == {}
