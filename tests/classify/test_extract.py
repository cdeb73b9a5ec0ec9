"""Field extraction, as a specification: post text (and date) in, fields out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mentorfeed.classify.extract import (
    Extract,
    Link,
    extract,
    find_audience,
    find_contact,
    find_deadline,
    find_links,
    link_kind,
)
from mentorfeed.classify.topics import TOPICS, topics_in


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


# (text, posted on, deadline); dates without a year take the next such date on or after the post.
DEADLINES = [
    ("Apply by 3/15: https://forms.gle/x", "2024-03-01", "2024-03-15"),
    ("Applications due Friday!", "2024-03-04", "2024-03-08"),  # a Monday
    ("Applications due Friday!", "2024-03-08", "2024-03-15"),  # posted on a Friday: the next one
    ("Send your CV by EOD Friday.", "2024-03-04", "2024-03-08"),
    ("Deadline Jan 5th for the spring cohort.", "2024-11-02", "2025-01-05"),
    ("Apply by March 31: https://lab.example/summer", "2025-03-03", "2025-03-31"),
    ("Form closes 4/30/2025.", "2025-01-10", "2025-04-30"),
    ("Rolling review until the 15th.", "2024-03-20", "2024-04-15"),
    ("Inscripciones hasta el 31 de marzo en el formulario.", "2025-03-03", "2025-03-31"),
    ("Fecha límite: 30 de abril de 2025.", "2025-03-10", "2025-04-30"),
    ("Applications open until 15 January 2025.", "2024-11-14", "2025-01-15"),
    ("Deadline 15/03, apply on the society site.", "2025-02-01", "2025-03-15"),  # day > 12
    ("Extended to May 12! Same form.", "2023-04-27", "2023-05-12"),
    ("Apply by May 1 ... update: deadline extended to May 12.", "2023-04-20", "2023-05-12"),
    ("Deadline extended from May 1 to May 12.", "2023-04-20", "2023-05-12"),
    ("Deadline is Feb 10. Send it by Feb 3 if you want feedback.", "2023-01-24", "2023-02-10"),
    ("Apply by Mar 1; decisions by April 15.", "2024-01-08", "2024-03-01"),
    ("Letters of intent due January 23, 2026.", "2025-12-02", "2026-01-23"),
    ("It closes July 15.", "2025-06-02", "2025-07-15"),
    ("DM your draft by 9/20.", "2022-09-09", "2022-09-20"),
    ("Apply by 5/12 with a CV.", "2023-04-24", "2023-05-12"),  # English: month first
    ("11 days left for the scholarship!", "2025-03-20", "2025-03-31"),
    ("One week left to sign up!", "2024-01-24", "2024-01-31"),
    ("Applications due by the end of the month.", "2024-02-10", "2024-02-29"),
    ("Sign-ups close tomorrow at noon!", "2024-02-10", "2024-02-11"),
    ("Last day to apply: today.", "2024-02-10", "2024-02-10"),
    # year ends and leap days
    ("Due Jan 5.", "2024-12-20", "2025-01-05"),
    ("Due Jan 5.", "2025-01-05", "2025-01-05"),  # the post's own date still counts
    ("Apply by Dec 31.", "2024-12-31", "2024-12-31"),
    ("Apply by Feb 29.", "2024-01-25", "2024-02-29"),
    ("Apply by Feb 29.", "2025-01-10", "2028-02-29"),
    ("Apply by 2/29/2023.", "2023-01-10", None),  # no such day
    ("Applications due Monday.", "2024-12-30", "2025-01-06"),  # a Monday: next week's
    # not deadlines
    ("Journal club tonight 9pm ET! #DermJC", "2024-03-01", None),
    ("Our session on 3/15 covers aways.", "2024-03-01", None),
    ("Webinar Sat Nov 5, 1 PM ET. Register: https://x.example/w", "2022-10-14", None),
    ("Apply in two weeks, we'll post the form.", "2024-03-01", None),
    ("I'll answer every one by Friday.", "2024-01-22", None),
    ("Applications are closed. Everyone hears back by Feb 10.", "2023-02-03", None),
    ("Anki said 1,100 reviews due today.", "2024-06-02", None),
    ("Students due Feb 28, residents due Mar 15.", "2025-01-06", None),  # two deadlines
    ("Apply by 5/4. Interviews 15/03 and 3/20.", "2024-01-10", None),  # dates written both ways
    ("Applications open in January; watch this account.", "2020-11-03", None),
    ("~5 hrs/wk through December, authorship on the abstract.", "2020-08-19", None),
    ("", "2024-01-01", None),
]


@pytest.mark.parametrize(("text", "posted", "expected"), DEADLINES)
def test_deadline(text: str, posted: str, expected: str | None) -> None:
    found = find_deadline(text, _at(posted))
    assert found == (date.fromisoformat(expected) if expected else None)


@pytest.mark.parametrize(("text", "expected"), [
    ("Apply by March 31", None),  # no post date, no year: cannot be resolved
    ("Applications due Friday", None),
    ("Apply by March 31, 2025", "2025-03-31"),
    ("Closes 2025-04-30.", "2025-04-30"),
])
def test_deadline_without_post_date_needs_a_year(text: str, expected: str | None) -> None:
    assert find_deadline(text, None) == (date.fromisoformat(expected) if expected else None)


AUDIENCES = [
    ("MS1-MS3 welcome, DM me.", ["medical_student"]),
    ("Looking for an M3 for a chart review.", ["medical_student"]),
    ("Any med students want a case report?", ["medical_student"]),
    ("if any students are curious about derm research, my inbox is open", ["medical_student"]),
    ("Derm applicants: ERAS opens soon.", ["medical_student"]),
    ("Premeds and pre-med undergrads welcome!", ["premed"]),
    ("We pay 5 undergrads or med students this summer.", ["premed", "medical_student"]),
    ("Derm residents (PGY-2/3): co-author wanted.", ["resident"]),
    ("Fellow PGY-4s job hunting: add your offer.", ["resident"]),
    ("Students, residents, attendings: everyone's welcome.", ["medical_student", "resident"]),
    ("Trainees curious about AI careers, bring questions.", ["medical_student", "resident"]),
    ("Two residents or senior med students for chart review.", ["medical_student", "resident"]),
    # residents as speakers or mentors are not the audience
    ("Webinar for med students with three residents and two attendings.", ["medical_student"]),
    ("Our residents are running mock interviews for applicants.", ["medical_student"]),
    ("Med students get paired with a derm attending or resident.", ["medical_student"]),
    ("I'm a PGY-2 and I'll read personal statements for MS4s.", ["medical_student"]),
    # under-represented in medicine
    ("URiM students applying derm this cycle: DM me.", ["medical_student", "urim"]),
    ("URM med students without a home program.", ["medical_student", "urim"]),
    ("for undergrads from groups under-represented in medicine", ["premed", "urim"]),
    ("SNMA and LMSA members: mentor sign-up is open.", ["urim"]),
    ("#BlackInDerm mentor list is live.", ["urim"]),
    ("Black, Latinx and Indigenous students interested in derm", ["medical_student", "urim"]),
    ("Estudiantes latinos interesados en dermatología", ["medical_student", "urim"]),
    # first-generation alone is not urim (see the module notes); LGBTQ+ neither
    ("First-gen med students: my DMs are open.", ["medical_student"]),
    ("LGBTQ+ med students thinking about derm", ["medical_student"]),
    # international medical graduates
    ("IMGs thinking about US dermatology: live Q&A Sunday.", ["img"]),
    ("IMG derm applicants: here is the sheet.", ["img"]),
    ("Open to international medical graduates.", ["img"]),
    ("foreign medical graduates welcome", ["img"]),
    ("For doctors who graduated outside the US or Canada", ["img"]),
    ("Great paper on acne in adult women.", []),
]


@pytest.mark.parametrize(("text", "expected"), AUDIENCES)
def test_audience(text: str, expected: list[str]) -> None:
    assert find_audience(text) == expected


def test_audience_from_hashtags() -> None:
    assert find_audience("Mentor sign-up is open", ["BlackInDerm"]) == ["urim"]
    assert find_audience("Observership list updated", ["#IMG"]) == ["img"]


CONTACTS = [
    ("Interested? DM me.", ["dm"]),
    ("DMs open for students.", ["dm"]),
    ("Slide into my DMs with questions!", ["dm"]),
    ("Message me your year and school.", ["dm"]),
    ("my inbox is a friendly place", ["dm"]),
    ("Email me: rb.hair@midwestderm.example", ["email"]),
    ("Email me (address in bio).", ["email"]),
    ("Still email rather than DM please, my DMs are a swamp.", ["email"]),
    ("Sign up: https://forms.gle/AbC123", ["form"]),
    ("Fill out the form in the thread.", ["form"]),
    ("Link in bio!", ["link"]),
    ("Apply here: https://derm-society.example/scholarship", ["link"]),
    ("Apply via VSLO by Oct 15.", ["link"]),
    ("Reply below with your school.", ["reply"]),
    ("Drop your questions below 👇", ["reply"]),
    ("Comment with your region.", ["reply"]),
    ("Tonight 9pm ET #DermJC: answer with A1, A2...", ["reply"]),
    ("Reply or DM, first come first served.", ["dm", "reply"]),
    ("Link in the replies 👇", ["link"]),  # the link is in a reply; nobody is asked to reply
    ("Reply 'PS' and I'll DM you.", ["dm", "reply"]),
    ("I reply slowly but I reply. DMs open.", ["dm"]),
    ("how to email a PI, lmk and I'll send the link", ["reply"]),
    ("Paper: https://doi.org/10.5555/x.2024", []),  # a paper is not a way to respond
    ("No sign-up form, just message me here.", ["dm"]),
]


@pytest.mark.parametrize(("text", "expected"), CONTACTS)
def test_contact(text: str, expected: list[str]) -> None:
    assert find_contact(text, find_links(text)) == expected


LINKS = [
    ("https://forms.gle/AbC123xYz", "form"),
    ("https://docs.google.com/forms/d/e/1FAIpQL/viewform", "form"),
    ("https://acme.typeform.com/to/abc", "form"),
    ("https://form.jotform.com/231234", "form"),
    ("https://airtable.com/appX/pagY/form", "form"),
    ("https://forms.office.com/r/abc", "form"),
    ("https://docs.google.com/spreadsheets/d/1xYz/edit", "spreadsheet"),
    ("https://airtable.com/shrAbc123", "spreadsheet"),
    ("https://derm-group.notion.site/Programs-abc", "spreadsheet"),
    ("https://doi.org/10.1016/j.jaad.2024.01.002", "paper"),
    ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "paper"),
    ("https://onlinelibrary.wiley.com/doi/10.1111/bjd.1", "paper"),
    ("https://derm.example/article/123", "paper"),
    ("https://derm-society.example/scholarship", "program"),
    ("https://www.stateu.edu/dermatology", "program"),
    ("https://dp-fellowship.example/apply", "program"),
    ("https://childrens.example/visiting-clerkship", "program"),
    ("https://calendly.example/drkofi-oh", "other"),
    ("https://bit.ly/3pdQnA7", "other"),
]


@pytest.mark.parametrize(("url", "kind"), LINKS)
def test_link_kind(url: str, kind: str) -> None:
    assert link_kind(url) == kind


def test_links_prefer_expanded_urls_over_shortened_ones() -> None:
    text = "Apply here https://t.co/abc123 and see https://forms.gle/x."
    assert find_links(text, ["https://derm.example/apply"]) == [
        Link("https://derm.example/apply", "program"), Link("https://forms.gle/x", "form")]
    assert find_links('<a href="https://forms.gle/x">form</a>') == [
        Link("https://forms.gle/x", "form")]


TOPIC_CASES = [
    ("Chart review on CCCA in our SOC clinic", [], ["skin of color", "hair"]),
    ("melasma in darker skin types, Fitzpatrick IV-VI", [], ["skin of color"]),
    ("", ["SkinOfColor"], ["skin of color"]),
    ("HS flare diaries registry", [], ["hidradenitis suppurativa"]),
    ("a hidradenitis biobank", [], ["hidradenitis suppurativa"]),
    ("Mohs outcomes on the nasal ala", [], ["mohs", "dermatologic surgery"]),
    ("MMS case series", [], ["mohs", "dermatologic surgery"]),
    ("peds derm AMA", [], ["pediatric dermatology"]),
    ("a pediatric derm elective", [], ["pediatric dermatology"]),
    ("", ["#PedsDerm"], ["pediatric dermatology"]),
    ("dermpath case report", [], ["dermatopathology"]),
    ("AI-assisted dermoscopy for melanoma", [],
     ["melanoma", "dermoscopy", "artificial intelligence"]),
    ("teledermatology for leprosy", [], ["global health", "teledermatology"]),
    ("a case quiz about a rash", [], []),
]


@pytest.mark.parametrize(("text", "hashtags", "expected"), TOPIC_CASES)
def test_topics(text: str, hashtags: list[str], expected: list[str]) -> None:
    found = topics_in(text, hashtags)
    assert found == [name for name in TOPICS if name in expected]


def test_topics_vocabulary_is_the_authoring_one() -> None:
    assert len(TOPICS) == 26 and "skin of color" in TOPICS and "genodermatoses" in TOPICS


def test_extract_whole_post() -> None:
    text = ("Looking for 1-2 MS2/MS3s to help with a chart review on frontal fibrosing alopecia "
            "in patients with skin of color. Email me by 3/20 (address in bio)! #DermTwitter")
    found = extract(text, posted_at=_at("2024-03-05"), hashtags=["DermTwitter"])
    assert found.to_json() == {"deadline": "2024-03-20", "audience": ["medical_student"],
                               "contact": ["email"], "topics": ["skin of color", "hair"]}
    assert found.links == []


def test_link_in_bio_takes_the_bio_links() -> None:
    found = extract("Sign-up link in bio!", bio="Derm | mentoring https://forms.gle/bio1")
    assert found.links == [Link("https://forms.gle/bio1", "form")]
    assert found.contact == ["form", "link"]


def test_to_json_omits_empty_fields() -> None:
    assert Extract().to_json() == {}
    assert Extract(deadline=date(2025, 1, 5)).to_json() == {"deadline": "2025-01-05"}
    assert Extract(audience=["img"], links=[Link("https://x.example", "other")]).to_json() == {
        "audience": ["img"]}


HOSTILE = [
    "",
    " \n\t ",
    "<p>Apply by <b>3/15</b>: <a href=\"https://forms.gle/x\">form</a></p>",
    "MS3s\x00 DM\x07 me \x1b[31mnow\x1b[0m by 3/15",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp;&#x27; https://[::1 http://[bad",
    "Apply by " * 20_000,
    ("students " * 5_000) + "https://" + "a" * 50_000,
    "\ud800 lone surrogate, by 99/99/9999, due 31/31, Feb 30, the 45th",
    "🧴" * 30_000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(text: str) -> None:
    found = extract(text, posted_at=_at("2024-03-01"), urls=["https://[bad", ""],
                    hashtags=["", "#", "BlackInDerm"], bio="<b>x</b>")
    assert isinstance(found.to_json(), dict)


def test_html_is_read_as_text() -> None:
    found = extract(HOSTILE[2], posted_at=_at("2024-03-01"))
    assert found.deadline == date(2024, 3, 15) and found.contact == ["form"]
