"""Author profiles: roles from bios and behaviour, interests, signals, stated background only,
opting out, and role accuracy on the sample corpus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.people.profiles import build_profiles, evaluate_roles, institution
from mentorfeed.people.roles import detect_role, post_evidence, stated_background
from mentorfeed.service.demo import build_demo
from mentorfeed.store import Store

ROLES_FILE = Path(__file__).resolve().parents[2] / "src/mentorfeed/data/corpus/roles.jsonl"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(("name", "bio", "role"), [
    ("Jo P., MD", "Pediatric dermatologist in the South. Birthmark enthusiast.", "dermatologist"),
    ("Walt P., MD FACMS", "Mohs surgeon, private practice. Gravel bikes.", "dermatologist"),
    ("Dr. Tom K.", "Private practice derm. Moles, mostly.", "dermatologist"),
    ("Sam", "PGY-2 derm | queer and loud about it | dermpath nerd", "resident"),
    ("Marcus, MD", "anesthesia resident. I put people to sleep professionally.", "resident"),
    ("Nia", "MS4 → derm intern 🎉 | keeper of the applicant spreadsheet", "medical_student"),
    ("kenzie", "ms1. lowercase on purpose. derm or bust", "medical_student"),
    ("Andrés", "med student (LMSA chapter co-pres) → future derm", "medical_student"),
    ("Nadia R.", "junior, bio major, future dermatologist or die trying", "premed"),
    ("Eli W.", "pre-med junior (chem). shadowing derm this summer", "premed"),
    ("Elena V., PhD", "Skin biologist. Barrier, keratinocytes, itch.", "researcher"),
    ("Farid H., MBBS", "Derm research fellow | aspiring dermatology resident", "researcher"),
    ("Benedikt Auer, MD PhD", "Academic dermatologist, pigment & lasers lab.", "dermatologist"),
    ("Stratum Journal Club", "Monthly live-tweet journal club, run by volunteer residents.",
     "organization"),
    ("Derm Scholars Fund", "Nonprofit. Travel scholarships and research grants.", "organization"),
    ("SNMA @ State U", "Student National Medical Association chapter.", "organization"),
    ("Solara Skin", "Mineral sunscreens ☀️ Dermatologist-tested. Shop below", "industry"),
    ("DermTalent Partners", "Physician recruiting for dermatology practices.", "industry"),
    ("Vee", "vitiligo since I was 9. patient advocate. not a doctor.", "public"),
    ("Bea, RN", "", "public"),
    ("Marguerite", "skincare hobbyist. sunscreen hoarder. not a doctor.", "public"),
    ("k", "", "unknown"),
])
def test_role_from_bio(name: str, bio: str, role: str) -> None:
    assert detect_role(name, bio).role == role


@pytest.mark.parametrize(("posts", "role"), [
    (["MS1 here, is it strange to like dermpath already?", "I'm a rising MS2, messaging you"],
     "medical_student"),
    (["my co-residents and I built a shared doc of boards resources",
      "Last day of residency. Thank you to my program director."], "resident"),
    (["As a dermatologist I tell my patients to reapply", "In my clinic we see this weekly"],
     "dermatologist"),
    (["MCAT score came back and it's fine", "is it weird to ask as a premed?"], "premed"),
    (["Peds nurse here. Ask about wet wraps.", "A1 from a nurse: it changes discharge"],
     "public"),
    (["20% off our new serum this weekend, use code GLOW #ad"], "industry"),
    (["is this open to people outside the US?", "great thread"], "unknown"),
])
def test_role_from_behaviour_when_the_bio_is_empty(posts: list[str], role: str) -> None:
    evidence = [e for text in posts for e in post_evidence(text.lower())]
    assert detect_role("someone", "", evidence).role == role


def test_advice_to_someone_else_is_not_a_self_description() -> None:
    assert post_evidence("honest answer: as a premed, do research you enjoy") == []


def test_confidence_grows_with_strong_agreeing_cues() -> None:
    strong = detect_role("Jo P., MD FAAD", "Board-certified dermatologist. Mohs surgeon.")
    plain = detect_role("Jo", "Academic derm in the Midwest.")
    posts = [e for t in ("my patients ask this daily", "as a dermatologist I see it")
             for e in post_evidence(t)]
    behaviour = detect_role("Jo", "", posts)
    conflicting = detect_role("Jo", "Academic derm | PGY-2")
    assert strong.role == plain.role == behaviour.role == "dermatologist"
    assert strong.confidence > plain.confidence > behaviour.confidence > 0
    assert conflicting.confidence < detect_role("Jo", "PGY-2").confidence
    assert any("FAAD" in cue or "faad" in cue for cue in strong.cues)
    assert detect_role(None, "").confidence == 0.0


# -- a small hand-built activity ---------------------------------------------------------------

DERM, STUDENT, PREMED, PATIENT, JC = (("x", i) for i in ("d1", "s1", "p1", "u1", "j1"))


def _post(ident: str, author: Key, text: str, days_ago: float, *, reply_to: PostRow | None = None,
          labels: tuple[str, ...] = (), hashtags: tuple[str, ...] = ()) -> PostRow:
    return PostRow(key=("x", ident), url=None, author=author,
                   created_at=NOW - timedelta(days=days_ago), text=text,
                   hashtags=list(hashtags), mentions=[],
                   reply_to=reply_to.key if reply_to else None,
                   reply_to_author=reply_to.author if reply_to else None, quote_of=None,
                   repost_of=None, conversation=None, labels=list(labels))


@pytest.fixture
def small() -> Activity:
    people = {
        DERM: AuthorRow(DERM, "drskin", "Dr. A", "Academic dermatologist at a county program. "
                        "Skin of color.", None, None),
        STUDENT: AuthorRow(STUDENT, "ms2_b", "B", "MS2, derm-curious", None, None),
        PREMED: AuthorRow(PREMED, "pre_c", "C", "premed, bio major", None, None),
        PATIENT: AuthorRow(PATIENT, "dee", "Dee", "patient advocate. not a doctor.", None, None),
        JC: AuthorRow(JC, "dermjc", "Derm Journal Club", "Monthly live-tweet journal club.",
                      None, None),
    }
    question = _post("q", STUDENT, "How did you find a research mentor as an MS2?", 40)
    premed_q = _post("pq", PREMED, "Is scribing useful for derm?", 30)
    patient_q = _post("uq", PATIENT, "Does anyone know a good sunscreen?", 20)
    jc_q1 = _post("jq", JC, "Q1: what did the authors measure? #DermJC", 10,
                  labels=("journal_club",), hashtags=("DermJC",))
    posts = [
        question, premed_q, patient_q, jc_q1,
        _post("r1", DERM, "Email your school's derm chair, and DM me too.", 39, reply_to=question),
        _post("r2", DERM, "Yes, scribing teaches you a lot.", 29, reply_to=premed_q),
        _post("r3", DERM, "Any mineral SPF 30+ you will actually wear.", 19, reply_to=patient_q),
        _post("a1", DERM, "A1: itch scores and sleep, both patient-reported #DermJC", 10,
              reply_to=jc_q1, hashtags=("DermJC",)),
        _post("a2", STUDENT, "A1 (first time here!): quality of life? #DermJC", 10,
              reply_to=jc_q1, hashtags=("DermJC",)),
        _post("o1", DERM, "Looking for 2 students for a chart review on keloids. Email me.",
              60, labels=("research_collaboration",)),
        _post("o2", DERM, "Happy to answer questions about applying to derm, DMs open.", 50,
              labels=("specialty_information",)),
        _post("f1", DERM, "Update: no more mentees this year, my DMs are closed until fall.", 5),
        _post("h1", DERM, "New pearl on melanoma in acral skin.", 400),
        _post("h2", DERM, "Psoriasis biologics thread.", 1),
    ]
    return Activity(posts, people)


def test_signals_are_counted_from_posts(small: Activity) -> None:
    derm = build_profiles(small, now=NOW)[DERM].signals
    assert derm.trainee_replies == 2  # the student and the premed, not the patient
    assert derm.trainee_reply_posts == [("x", "r2"), ("x", "r1")]
    assert derm.answered_questions == 4  # three asked in words, and the Q1 prompt
    assert derm.jc_answers == 1
    assert derm.opportunities == {"research_collaboration": 1, "specialty_information": 1}
    assert derm.opportunity_posts == [("x", "o2"), ("x", "o1")]  # newest first
    assert derm.offers >= 2  # "DM me", "Happy to answer questions ... DMs open"
    assert derm.says_full
    assert derm.last_active == NOW - timedelta(days=1)


def test_journal_club_prompts_are_not_answers(small: Activity) -> None:
    profiles = build_profiles(small, now=NOW)
    assert profiles[JC].signals.jc_answers == 0
    assert profiles[STUDENT].signals.jc_answers == 1


def test_a_later_open_statement_undoes_full(small: Activity) -> None:
    small.posts.append(_post("f2", DERM, "Good news: DMs are open again for students.", 2))
    assert not build_profiles(small, now=NOW)[DERM].signals.says_full
    question = _post("f3", DERM, "What do you do when you're at capacity?", 0.5)
    small.posts.append(question)
    assert not build_profiles(small, now=NOW)[DERM].signals.says_full


def test_interests_weigh_recent_posts_more(small: Activity) -> None:
    interests = build_profiles(small, now=NOW)[DERM].interests
    assert interests["psoriasis"] == pytest.approx(0.5 ** (1 / 365), rel=1e-3)
    assert interests["melanoma"] == pytest.approx(0.5 ** (400 / 365), rel=1e-3)
    assert interests["psoriasis"] > interests["melanoma"]
    assert interests["skin of color"] >= 1.0  # named in the bio


def test_roles_and_institution_in_the_small_activity(small: Activity) -> None:
    profiles = build_profiles(small, now=NOW)
    assert {k: p.role for k, p in profiles.items()} == {
        DERM: "dermatologist", STUDENT: "medical_student", PREMED: "premed", PATIENT: "public",
        JC: "organization"}
    assert profiles[DERM].institution == "county program"
    assert "bio says 'dermatologist'" in profiles[DERM].role_cues


# -- background: only what people state about themselves --------------------------------------

@pytest.mark.parametrize(("bio", "posts", "background"), [
    ("First-gen college grad | Black woman in derm", [], ["first_generation", "black", "woman"]),
    ("Dermatóloga | proud Latina | habla español", [], ["latino", "language:es"]),
    ("PGY-3 dermatology. Wheelchair user, disabled doctor.", [], ["disability"]),
    ("IMG from Nigeria | PGY-2 dermatology", [], ["img"]),
    ("Academic dermatologist. Korean-American, 한국어 가능.", [], ["asian", "language:ko"]),
    ("queer dermatologist | I speak Arabic & English", [], ["lgbtq", "language:ar"]),
    ("MS2 | future IMG, future derm", [], []),
    ("keeper of the URiM derm applicant spreadsheet | #BlackInDerm", [], []),
    ("Eczema in brown and Black kids is under-recognized.", [], []),
    ("Peds derm. Mentoring LGBTQ+ students is my side quest.", [], []),
    ("Dermatologist", ["As a first-gen student I had no one to ask."], ["first_generation"]),
    ("Dermatologist", ["Not disabled myself, but sharing this."], []),
    ("Dermatologist", ["Our program welcomes Latino applicants."], []),
])
def test_background_only_from_stated_text(bio: str, posts: list[str],
                                          background: list[str]) -> None:
    assert stated_background(bio, posts) == background


def test_a_name_or_writing_style_never_yields_a_background() -> None:
    author = ("x", "n1")
    activity = Activity(
        [_post("n", author, "Hola! Qué bonito día en la clínica. Eczema pearls below.", 3)],
        {author: AuthorRow(author, "guadalupe_hdz", "Dra. Guadalupe Hernández-Nwosu",
                           "Dermatologist. Eczema, acne.", None, None)})
    profile = build_profiles(activity, now=NOW)[author]
    assert profile.role == "dermatologist"
    assert profile.background == []


def test_organizations_have_no_background() -> None:
    org = ("x", "o")
    activity = Activity([], {org: AuthorRow(
        org, "pathways", "Derm Pathways Mentoring Collective",
        "Pipeline mentoring for URiM + first-gen students. Volunteer-run.", None, None)})
    profile = build_profiles(activity, now=NOW)[org]
    assert profile.role == "organization"
    assert profile.background == []


@pytest.mark.parametrize(("bio", "expected"), [
    ("PGY-4 derm @ a county program", "county program"),
    ("Pediatric dermatologist at an academic center in the Northeast",
     "academic center, northeast"),
    ("Private practice derm. Moles, mostly.", "private practice"),
    ("Faculty at a school of public health.", None),
    ("Derm. Skin of color clinic.", None),
])
def test_institution_phrase(bio: str, expected: str | None) -> None:
    assert institution(bio) == expected


# -- opting out --------------------------------------------------------------------------------

def test_opt_out_by_bio_phrase_hashtag_or_list(small: Activity) -> None:
    small.authors[PREMED].bio = "premed | not a mentor, just learning"
    small.posts.append(_post("x1", STUDENT, "Please skip me in those lists #NoMentorfeed", 1,
                             hashtags=("NoMentorfeed",)))
    profiles = build_profiles(small, now=NOW, opt_out=["x:dermjc"])
    opted = {key for key, p in profiles.items() if p.opted_out}
    assert opted == {PREMED, STUDENT, JC}
    assert build_profiles(small, now=NOW, opt_out=["@drskin"])[DERM].opted_out


def test_calling_someone_else_not_a_mentor_is_not_opting_out(small: Activity) -> None:
    small.posts.append(_post("x2", DERM, "A paid observership seller is not a mentor.", 1))
    small.posts.append(_post("x3", DERM, "You are a supervisor, not a mentor, if you only "
                                         "write about deadlines.", 1))
    assert not build_profiles(small, now=NOW)[DERM].opted_out


# -- the sample corpus -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Activity:
    path, _, _ = build_demo(tmp_path_factory.mktemp("profiles") / "demo.db")
    with Store(f"sqlite:///{path}") as store:
        return store.activity()


def test_role_accuracy_on_the_sample_corpus(corpus: Activity) -> None:
    report = evaluate_roles(corpus, ROLES_FILE)
    assert report["authors"] == 224
    assert report["accuracy"] >= 0.90, report["errors"]
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 224
    assert report["background"]["recall"] >= 0.9


def test_corpus_profiles_carry_signals(corpus: Activity) -> None:
    profiles = build_profiles(corpus)
    assert len(profiles) >= 224
    assert sum(p.signals.trainee_replies for p in profiles.values()) > 20
    assert sum(p.signals.jc_answers for p in profiles.values()) > 100
    mentors = [p for p in profiles.values() if p.role == "dermatologist"]
    assert sum(1 for p in mentors if p.signals.opportunities) > 10
    assert all(0.0 <= p.role_confidence <= 1.0 for p in profiles.values())
