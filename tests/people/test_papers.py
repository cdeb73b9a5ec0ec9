"""Which paper a journal-club announcement names: on the sample corpus's announcements and on
a few real posts (corpus/real/posts, none from a held-out source)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mentorfeed.config import Settings
from mentorfeed.people.papers import Paper, paper_of, paper_of_posts
from mentorfeed.service import journal_clubs, people

REAL = Path(__file__).resolve().parents[2] / "corpus" / "real" / "posts"


def _real(post_id: str) -> str:
    for path in sorted(REAL.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["id"] == post_id:
                return str(record["text"])
    raise LookupError(post_id)


# Announcements as the sample corpus words them (corpus/posts/g1-*.yaml and others).
@pytest.mark.parametrize(("text", "name", "doi"), [
    ("Hello #DermTwitter 👋🏾 Our very first #DermJC is Tues 5/7 at 9 PM ET: a paper on "
     "pseudofolliculitis barbae and shaving practices. Residents, students, curious premeds: "
     "follow the hashtag and jump in with A1, A2... Paper: "
     "https://doi.org/10.5555/pfb.shave.2019.021",
     "a paper on pseudofolliculitis barbae and shaving practices", "10.5555/pfb.shave.2019.021"),
    ("Next #DermJC: Tues 11/10, 9 PM ET. We're reading a case series on frontal fibrosing "
     "alopecia in women of color (open access). Bring your questions, your A1s, and your "
     "students. https://doi.org/10.5555/ffa.woc.2020.117",
     "a case series on frontal fibrosing alopecia in women of color", "10.5555/ffa.woc.2020.117"),
    ("DermSky Journal Club 🗓️ Thurs Apr 17, 8pm ET: teledermatology e-consults and time to "
     "specialist input in a safety-net system. Five questions, one hour.",
     "teledermatology e-consults and time to specialist input in a safety-net system", None),
    ('Next #DermJC: Thursday July 16, 8pm ET 🌍 Paper: "Skin NTDs in primary care: a scoping '
     'review of diagnostic capacity and access" (open access).',
     "Skin NTDs in primary care: a scoping review of diagnostic capacity and access", None),
])
def test_an_announcement_names_its_paper(text: str, name: str, doi: str | None) -> None:
    found = paper_of(text)
    assert found.name == name
    assert found.doi == doi
    assert found.url == (f"https://doi.org/{doi}" if doi else None)


def test_real_posts_name_the_paper_they_discuss() -> None:
    pet_neck = paper_of(_real("t2-0211"))  # an ENT journal club's announcement
    assert pet_neck.name == "the PET-NECK study"
    quoted = paper_of(_real("t2-0249"))
    assert quoted.title == ("Routine Echocardiography in Hemodynamically Stable Patients with "
                            "Acute Pulmonary Embolism")
    assert quoted.authors is None  # "@USER et al." names nobody
    linked = paper_of(_real("bm-0158"))
    assert linked.title is not None and linked.title.startswith("Shifting your research")
    assert linked.url is not None and linked.url.startswith("https://www.cell.com/")
    cited = paper_of(_real("t2-0248"))
    assert cited.authors == "Freund et al."
    assert cited.doi is None  # a link cut short with "…" gives no DOI


def test_authors_journal_and_year_are_read_when_given() -> None:
    found = paper_of("#DermJC tonight 9pm ET: Smith et al., JAMA Dermatol 2021, a randomized "
                     "trial of spironolactone for acne in women. doi:10.1001/jamadermatol.2021.1")
    assert (found.authors, found.journal, found.year) == ("Smith et al.", "JAMA Dermatology",
                                                          2021)
    assert found.about == "a randomized trial of spironolactone for acne in women"
    assert found.doi == "10.1001/jamadermatol.2021.1"


def test_a_post_that_names_no_paper_gives_an_empty_one() -> None:
    assert not paper_of("TONIGHT 9 PM ET ⏰ Five questions, one hour-ish, zero gatekeeping.")
    assert not paper_of("Welcome to #DermJC! Introduce yourself: name, role, and where from.")


def test_a_later_post_adds_what_the_first_left_out() -> None:
    found = paper_of_posts(["Next #DermJC Thursday 9/16, 9 PM ET. We're discussing a "
                            "case-control study of hair-care practices and CCCA.",
                            "TONIGHT! Paper: https://doi.org/10.5555/ccca.2021.064"])
    assert found.about == "a case-control study of hair-care practices and CCCA"
    assert found.doi == "10.5555/ccca.2021.064"
    assert Paper(about="x").merged(Paper(about="y")).about == "x"


def test_every_sample_session_names_its_paper(demo_settings: Settings) -> None:
    found = people.people(demo_settings)
    posts = {post.key: post for post in found.activity.posts}
    assert found.sessions
    for session in found.sessions:
        paper = journal_clubs.session_paper(session, posts)
        assert paper.name and paper.url, session.id
