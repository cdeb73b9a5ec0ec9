"""The rule cues, as a specification: a text in, the cue names that fire (and must not) out."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from mentorfeed.classify.corpus import load_corpus, load_jsonl, load_real
from mentorfeed.classify.rules import CUES, convention_labels, cues_in

FRESH = Path(__file__).resolve().parents[2] / "corpus" / "fresh" / "fresh.jsonl"


def names(text: str) -> set[str]:
    return {cue.name for cue in cues_in(text)}


# (text, cues that must fire, cues that must not)
CALLS_TO_ACTION = [
    ("Looking for 2 med students to help with a project", {"cta:looking_for"}, set()),
    ("We are recruiting volunteers for the free skin check", {"cta:looking_for"}, set()),
    ("I want a nap after this clinic day", set(), {"cta:looking_for"}),
    ("Applications are now open for the spring cohort", {"cta:apply"}, set()),
    ("Sign-up closes soon", {"cta:apply"}, set()),
    ("Submit your CV to the program office", {"cta:apply"}, set()),
    ("Nominations welcome for the teaching award", {"cta:apply"}, set()),
    ("DMs are open", {"cta:contact"}, set()),
    ("E-mail me your questions", {"cta:contact"}, set()),
    ("Please fill out the interest form", {"cta:contact"}, set()),
    ("Link in bio", {"cta:contact"}, set()),
    ("Deadline is March 3", {"cta:deadline"}, set()),
    ("Send it by Friday", {"cta:deadline"}, set()),
    ("Form closes tonight", {"cta:deadline"}, set()),
    ("3 spots for the clinic shadowing day", {"cta:spots"}, set()),
    ("Still spots available!", {"cta:spots"}, set()),
    ("Limited seats in the workshop", {"cta:spots"}, set()),
    ("Great weather for a walk in the park", set(),
     {"cta:looking_for", "cta:apply", "cta:contact", "cta:deadline", "cta:spots"}),
]

OFFERS = [
    ("Working on a case report and a retrospective chart review", {"offer:research"}, set()),
    ("Open co-author spot on our systematic review", {"offer:research"}, set()),
    ("Need help with data collection this summer", {"offer:research"}, set()),
    ("AMA about derm tonight", {"offer:qna"}, set()),
    ("Happy to answer questions about applying", {"offer:qna"}, set()),
    ("Virtual Q&A and info session next week", {"offer:qna"}, set()),
    ("Shared a spreadsheet of research years", {"offer:peer"}, set()),
    ("Fellow MS3s: study group for boards?", {"offer:peer"}, set()),
    ("Mock interviews and personal statement reviews", {"offer:peer"}, set()),
    ("Travel grant and visiting student clerkship for the summer", {"offer:program"}, set()),
    ("Our mentorship program has a stipend", {"offer:program"}, set()),
    ("Away rotations through VSLO open soon", {"offer:program"}, set()),
    ("SNMA and LMSA members welcome", {"offer:urim"}, set()),
    ("For URiM and first-gen students", {"offer:urim"}, set()),
    ("#BlackInDerm pipeline program", {"offer:urim"}, set()),
    ("#DermJC tonight, Q1 at 9", {"offer:journal_club"}, set()),
    ("Join us tonight at 8pm for the tweet chat", {"offer:journal_club"}, set()),
    ("Q2: Would this trial change how you treat your patients? #UroJC", {"offer:chat"}, set()),
    ("@host @cohost T1. What made this study necessary?", {"offer:chat"}, set()),
    ("Welcome to tonight's #NephJC! Introduce yourselves", {"offer:chat"}, set()),
    ("#NephJC tonight at 9 pm ET: the new IgA trial. Bring your questions!", {"offer:chat"},
     set()),
    ("Our journal club meets Thursday at 7pm on Zoom, all students welcome", {"offer:chat"},
     set()),
    ("Thanks everyone for joining tonight's #NephJC, see the recap", set(), {"offer:chat"}),
    ("Loved the journal club paper, so many good points", set(), {"offer:chat"}),
    ("Q1: what's the dx?\nA1: psoriasis\nQ2: and this one?", set(), {"offer:chat"}),
    ("A1: I agree with the Q1 framing, small sample", set(), {"offer:chat"}),
    ("University of X is hiring: Postdoctoral Fellow in immunology", {"offer:position"}, set()),
    ("Fully funded PhD position in biomedical engineering", {"offer:position"}, set()),
    ("Our summer research program takes 10 undergrads", {"offer:position"}, set()),
    ("We need a research assistant for the clinic study", {"offer:position"}, set()),
    ("The post-doc market is tough this year", {"offer:position"}, set()),
    ("Tips: start your personal statement early", {"offer:advice"}, set()),
    ("3/ Ask the program coordinator for a current resident to talk to", {"offer:advice"},
     set()),
    ("Here's how to write a letter of intent", {"offer:advice"}, set()),
    ("My clinic ran late and I missed lunch", set(), {"offer:advice", "offer:position"}),
    ("Our monthly journal club reads the new JAAD paper", {"offer:journal_club"}, set()),
    ("Plain chatter about the weekend", set(),
     {"offer:research", "offer:qna", "offer:peer", "offer:program", "offer:urim",
      "offer:journal_club"}),
]

AUDIENCES = [
    ("MS3s and MS4s welcome", {"aud:student"}, {"aud:resident", "aud:img"}),
    ("Open to medical students and pre-meds", {"aud:student"}, set()),
    ("Any undergrads interested?", {"aud:student"}, set()),
    ("PGY-2 residents and fellows", {"aud:resident"}, {"aud:student"}),
    ("IMGs welcome", {"aud:img"}, set()),
    ("For international medical graduates", {"aud:img"}, set()),
    ("Open to everyone", set(), {"aud:student", "aud:resident", "aud:img"}),
]

HARD_NEGATIVES = [
    ("Great talks today at #IDWeek2023", {"neg:conference_tag"}, set()),
    ("Best quote of #ASN2019", {"neg:conference_tag"}, set()),
    ("Masks work #COVID19", set(), {"neg:conference_tag"}),
    ("Pearl: think of troponin leaks beyond MI in patients with sepsis", {"neg:clinical"},
     set()),
    ("A tweetorial on the differential for hyponatremia", {"neg:clinical"}, set()),
    ("All spots filled, thank you all!", {"neg:closed"}, set()),
    ("Applications are now closed.", {"neg:closed"}, set()),
    ("Thanks to everyone who applied", {"neg:closed"}, set()),
    ("No longer accepting students", {"neg:closed"}, set()),
    ("We're full for this round", {"neg:closed"}, set()),
    ("Thank you to my mentors for everything", {"neg:thanks_mentor"}, set()),
    ("Grateful for my mentors today", {"neg:thanks_mentor"}, set()),
    ("Shout out to my mentor", {"neg:thanks_mentor"}, set()),
    ("New study shows that biologics help", {"neg:new_research"}, set()),
    ("Trial is recruiting patients with psoriasis", {"neg:new_research"}, set()),
    ("Reapply your sunscreen every two hours", {"neg:sunscreen"}, set()),
    ("Use SPF 30 or more", {"neg:sunscreen"}, set()),
    ("Apply your moisturizer after bathing", {"neg:sunscreen"}, set()),
    ("What's your diagnosis? Answer tomorrow", {"neg:case_quiz"}, set()),
    ("Name that rash! #DermQuiz", {"neg:case_quiz"}, set()),
    ("Our new paper is out in JAAD", {"neg:paper"}, set()),
    ("Just published: https://doi.org/10.1000/xyz", {"neg:paper"}, set()),
    ("I matched into dermatology!! #Match2024", {"neg:match"}, set()),
    ("Match day tears", {"neg:match"}, set()),
    ("Now hiring a BC/BE dermatologist, competitive salary", {"neg:job_ad"}, set()),
    ("Join our practice as a board-certified dermatologist", {"neg:job_ad"}, set()),
    ("20% off our new serum, use code GLOW #ad", {"neg:brand"}, set()),
    ("Giveaway time! Shop now", {"neg:brand"}, set()),
    ("See you at the annual meeting, booth 42 #AAD24", {"neg:conference"}, set()),
    ("Just landed for the plenary", {"neg:conference"}, set()),
    ("Hot take: mentorship is overrated", {"neg:opinion"}, set()),
    ("Unpopular opinion: mentors should be paid", {"neg:opinion"}, set()),
    ("Looking for a med student for a case report, DM me", set(),
     {"neg:closed", "neg:thanks_mentor", "neg:new_research", "neg:sunscreen", "neg:case_quiz",
      "neg:paper", "neg:match", "neg:job_ad", "neg:brand", "neg:conference", "neg:opinion"}),
]


@pytest.mark.parametrize(("text", "present", "absent"),
                         CALLS_TO_ACTION + OFFERS + AUDIENCES + HARD_NEGATIVES)
def test_cues_in_text(text: str, present: set[str], absent: set[str]) -> None:
    found = names(text)
    assert present <= found, f"missing {present - found} in {text!r}"
    assert not absent & found, f"unexpected {absent & found} in {text!r}"


def test_every_cue_is_covered_by_the_tables() -> None:
    tables = CALLS_TO_ACTION + OFFERS + AUDIENCES + HARD_NEGATIVES
    covered = set().union(*(present for _, present, _ in tables))
    assert covered == {cue.name for cue in CUES}


def test_cue_names_are_unique_and_say_something() -> None:
    assert len({cue.name for cue in CUES}) == len(CUES)
    assert all(cue.says and cue.triggers for cue in CUES)


def test_matching_ignores_case() -> None:
    assert names("LOOKING FOR MEDICAL STUDENTS. DM ME") == names(
        "looking for medical students. dm me")


def test_cues_come_in_declaration_order() -> None:
    order = {cue.name: i for i, cue in enumerate(CUES)}
    found = [cue.name for cue in cues_in("Apply now! AMA tonight, DM me. #Match2024")]
    assert len(found) >= 3 and found == sorted(found, key=order.__getitem__)


# -- the trigger-word prefilter never hides a match --------------------------------------------

def _directly(text: str) -> list[str]:
    lowered = text.lower()
    return [cue.name for cue in CUES if cue.pattern.search(lowered)]


def _hidden(texts: list[str]) -> list[tuple[str, list[str], list[str]]]:
    return [(text[:120], got, want) for text in texts
            if (got := [c.name for c in cues_in(text)]) != (want := _directly(text))]


# Forms where the pattern's first word is split, glued or spelled unusually.
TRICKY = [
    "#DermJC", "#Match2025", "#AAD25", "SPF50+", "e-mail me", "co-author", "coauthor needed",
    "sign-up", "signup", "Q&A", "q & a", "BC/BE", "doi.org/10.1/x", "PGY-2", "pre-meds", "URiM",
    "under-represented", "first-gen", "live-tweet", "two-finger rule", "We're full!",
    "that's a wrap", "Closed.", "spots are all taken", "DMs open", "M3s", "ms4s", "dx?",
    "what's the dx", "20% off", "#ad", "reapplying sunscreen", "thanks to all who emailed",
    "İnternational medical graduates", "ﬁll out the form", "STRASSE ß apply", "",
]


def test_prefilter_never_hides_a_match_in_the_sample_corpus() -> None:
    assert _hidden([example.post.text for example in load_corpus()]) == []


def test_prefilter_never_hides_a_match_in_the_real_posts() -> None:
    texts = [example.post.text for example in load_real()]
    assert len(texts) > 1000 and _hidden(texts) == []


def test_prefilter_never_hides_a_match_in_the_fresh_posts() -> None:
    raw = [str(orjson.loads(line).get("text") or "")
           for line in FRESH.read_bytes().splitlines() if line.strip()]
    imported = [example.post.text for example in load_jsonl(FRESH)]
    assert len(raw) == len(imported) > 100
    assert _hidden(raw + imported) == []


def test_prefilter_never_hides_a_match_in_tricky_spellings() -> None:
    assert _hidden(TRICKY + [t.upper() for t in TRICKY]) == []


# (text, the labels taxonomy.md's conventions give it by themselves)
CONVENTION_CASES = [
    ("Happy to help premeds with questions about applying to derm, DMs open",
     ["specialty_information"]),
    ("Glad to answer students' questions about the match this week", ["specialty_information"]),
    ("I'm happy to help with the move, just tell me when", []),
    ("Check out this spreadsheet of research years, with PIs and stipends", ["peer_mentorship"]),
    ("In November I made a spreadsheet out of pure anxiety. Thank you all!", []),
    ("Mentors for LMSA students: please sign up on the form by Friday", ["urim_outreach"]),
    ("Mentoring URiM students isn't charity, it's workforce planning", []),
    ("Looking for a motivated MS2 to help with a case report on morphea",
     ["research_collaboration"]),
    ("Looking for a new dentist in Boston, any recommendations?", []),
]


@pytest.mark.parametrize(("text", "labels"), CONVENTION_CASES)
def test_conventions(text: str, labels: list[str]) -> None:
    assert [c.label for c in convention_labels(text)] == labels


def test_conventions_almost_never_contradict_the_labelled_posts() -> None:
    examples = [*load_corpus(), *load_jsonl(FRESH)]
    fired = [(c.label, e) for e in examples for c in convention_labels(e.post.text)]
    wrong = [e.post.text[:80] for label, e in fired if label not in e.labels]
    assert len(fired) >= 20 and len(wrong) <= len(fired) // 10, wrong
