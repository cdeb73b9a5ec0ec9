"""The form of an opportunity, as a specification: a post and its labels in, call, event or
resource out (the readings are in src/mentorfeed/classify/form.py)."""

from __future__ import annotations

import pytest

from mentorfeed.classify.corpus import load_real
from mentorfeed.classify.extract import extract
from mentorfeed.classify.form import find_form

CASES = [
    ("Join us tonight 9pm ET for #DermJC, Q1 at 9:05", ["journal_club"], "event"),
    ("Webinar Oct 3 at 7pm ET: what program directors look for", ["specialty_information"],
     "event"),
    ("Applications are open for our summer research program, apply by March 1",
     ["research_collaboration", "program_application"], "call"),
    ("Looking for a medical student to help with a chart review. DM me!",
     ["research_collaboration"], "call"),
    ("Info session next week, but apply by Friday on the portal", ["program_application"],
     "call"),
    ("1/ A thread on how to approach away rotations", ["specialty_information"], "resource"),
    ("Check out this spreadsheet of research years by program", ["peer_mentorship"], "resource"),
    ("Happy to help students with questions about applying to derm", ["specialty_information"],
     "call"),
    ("Our clerkship for URiM students has a stipend", ["urim_outreach", "program_application"],
     "call"),
    ("Lovely weather for a walk", [], None),
]


@pytest.mark.parametrize(("text", "labels", "form"), CASES)
def test_form(text: str, labels: list[str], form: str | None) -> None:
    assert find_form(text, labels) == form


def test_a_form_link_makes_a_call() -> None:
    assert find_form("Our interest list for the mentoring circle", ["peer_mentorship"],
                     ["form"]) == "call"


def test_the_form_agrees_with_the_annotators_of_the_real_posts() -> None:
    """Given the annotated labels, the form read from the text matches the annotators' on
    most real opportunities (95.6% when this test was written)."""
    gold = [e for e in load_real() if e.labels]
    found = [extract(e.post.text, labels=sorted(e.labels)).form for e in gold]
    agree = sum(f == e.extract["form"] for f, e in zip(found, gold, strict=True))
    assert len(gold) > 400 and agree / len(gold) >= 0.93
