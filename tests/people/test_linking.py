"""One person, one person: accounts linked across platforms from what they publish, each link
with its reason; the directory, matching and the mentor page count the person once; a wrong link
can be undone and stays undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.match.evaluate import load_scenarios
from mentorfeed.people.activity import AuthorRow, Key
from mentorfeed.people.linking import Account, account_of, find_links, name_words, people
from mentorfeed.service.mentors import DirectoryQuery
from mentorfeed.service.posts import open_store
from mentorfeed.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
ROLES_FILE = ROOT / "src/mentorfeed/data/corpus/roles.jsonl"
SCENARIOS = ROOT / "corpus/scenarios"
BASE = "http://127.0.0.1:8000"


def _account(platform: str, handle: str, name: str | None, bio: str, *,
             raw: dict[str, object] | None = None, posts: tuple[str, ...] = ()) -> Account:
    ident = f"did:plc:{handle}" if platform == "bluesky" else handle
    return account_of(AuthorRow((platform, ident), handle, name, bio, None, None), raw, posts)


@pytest.mark.parametrize(("name", "words"), [
    ("Dra. Lucía V. (she/ella)", ("lucia", "v")),
    ("Adaeze O., MD (she/her)", ("adaeze", "o")),
    ("Inés Varga-Ruiz, MD", ("ines", "varga-ruiz")),
    ("Wen L. (PhD)", ("wen", "l")),
    ("k", ("k",)),
    (None, ()),
])
def test_a_name_is_compared_without_titles_pronouns_or_accents(
        name: str | None, words: tuple[str, ...]) -> None:
    assert name_words(name) == words


SMITH_X = _account("x", "DrSmithSkin", "Pat Smith, MD", "Derm. Acne and rosacea.")


@pytest.mark.parametrize(("other", "reason"), [
    (_account("bluesky", "patsmith.bsky.social", "P.", "also on X: @DrSmithSkin"),
     "bio says “also on X: @DrSmithSkin”"),
    (_account("mastodon", "pat@derm.example", "P.", "Skin things.",
              raw={"fields": [{"name": "X", "value": '<a href="https://x.com/DrSmithSkin">'
                               "x.com/DrSmithSkin</a>"}]}),
     "@pat@derm.example's Mastodon profile fields link “x.com/DrSmithSkin”"),
    (_account("bluesky", "pat.bsky.social", "P.", "Skin.",
              posts=("Find me at @DrSmithSkin on the bird site too",)),
     "post says “Find me at @DrSmithSkin”"),
])
def test_an_account_that_points_at_another_is_linked_with_the_words_that_show_it(
        other: Account, reason: str) -> None:
    found = find_links([SMITH_X, other])
    assert [(link.pair(), link.kind) for link in found] == [
        (tuple(sorted([SMITH_X.key, other.key])), "found")]
    assert reason in found[0].reason


def test_the_same_personal_website_links_but_an_institution_several_people_link_does_not(
        ) -> None:
    one = _account("x", "a1", "A", "Derm. https://drsmith.example")
    two = _account("bluesky", "a2.bsky.social", "B", "Skin. drsmith.example/")
    found = find_links([one, two])
    assert [link.reason for link in found] == ["both profiles link drsmith.example"]
    # Two people on X at one university: its page says nothing about who is who.
    shared = [_account("x", "u1", "U1", "Derm at https://derm.university.example"),
              _account("x", "u2", "U2", "Derm at https://derm.university.example"),
              _account("bluesky", "u3.bsky.social", "U3", "https://derm.university.example")]
    assert find_links(shared) == []


def test_a_name_alone_is_never_enough_and_a_name_with_a_bio_that_says_the_same_is() -> None:
    x = _account("x", "jo_x", "Jo Whitfield MD", "Academic medical derm. Inpatient consults, "
                 "SJS/TEN, GVHD. Residency APD.")
    other_bio = _account("mastodon", "jo@m.example", "Jo Whitfield", "Cyclist. Sourdough.")
    same_bio = _account("mastodon", "jw@m.example", "Jo Whitfield",
                        "Medical + inpatient dermatology, residency APD.")
    assert find_links([x, other_bio]) == []
    found = find_links([x, same_bio])
    assert len(found) == 1
    assert found[0].reason.startswith("same name (jo whitfield) on X and Mastodon")
    assert "inpatient" in found[0].reason
    # Two accounts on one platform are two accounts, whatever they say.
    assert find_links([x, _account("x", "jo2", "Jo Whitfield", x.bio or "")]) == []


def test_a_name_that_names_a_kind_of_account_does_not_link() -> None:
    one = _account("x", "jc1", "Derm Journal Club (#DermJC)",
                   "Monthly journal club, second Tuesday 8pm ET. Papers picked by residents.")
    two = _account("mastodon", "jc@m.example", "Derm Journal Club",
                   "Monthly #DermJC, second Tuesday 8pm ET. Papers picked by residents.")
    assert find_links([one, two]) == []


def test_linked_accounts_make_one_person_however_they_are_chained() -> None:
    a, b, c, d = ("x", "1"), ("bluesky", "2"), ("mastodon", "3"), ("x", "4")
    links = find_links([])  # no accounts, no links
    assert people(links) == []
    from mentorfeed.people.linking import Link
    assert people([Link(a, b, "r"), Link(c, b, "r"), Link(d, d, "r")]) == [sorted([a, b, c])]


# -- on the sample corpus --------------------------------------------------------------------

@pytest.fixture(scope="module")
def own_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A sample store of this module's own: its tests undo and redo links."""
    path, _, _ = service.demo.build_demo(tmp_path_factory.mktemp("linking") / "demo.db")
    yield Settings(database_url=sqlite_url(path))
    service.opportunities.close_stores()


def test_on_the_sample_corpus_every_same_person_pair_is_linked_and_nothing_else(
        own_demo: Settings) -> None:
    report = service.accounts.evaluate(own_demo, ROLES_FILE)
    assert report["expected"] == 14
    assert report["wrong"] == []
    assert report["missed"] == []
    assert (report["precision"], report["recall"]) == (1.0, 1.0)


def _directory_handles(settings: Settings, q: str) -> list[str]:
    with open_store(settings) as store:
        page = service.mentors.directory(store, DirectoryQuery(q=q, per_page=100))
    return sorted(f"{m.platform}:{m.handle}" for m in page.items)


def test_the_directory_lists_a_person_once_and_unlinking_makes_two_that_stay_two(
        own_demo: Settings) -> None:
    assert _directory_handles(own_demo, "luc") == ["x:DraLuciaDerm"]
    with open_store(own_demo) as store:
        key = next(k for k, a in store.activity_authors().items() if a.handle == "DraLuciaDerm")
        person = service.mentors.person(store, *key)
    assert person is not None
    assert [a.handle for a in person.accounts] == ["draluciaderm.bsky.social"]

    done = service.accounts.unlink(own_demo, "x:DraLuciaDerm", "bluesky:draluciaderm.bsky.social")
    assert not done.still_one
    assert _directory_handles(own_demo, "luc") == ["bluesky:draluciaderm.bsky.social",
                                                   "x:DraLuciaDerm"]
    service.people.refresh_people(own_demo)  # the pipeline again: the link stays undone
    assert _directory_handles(own_demo, "luc") == ["bluesky:draluciaderm.bsky.social",
                                                   "x:DraLuciaDerm"]
    listed = service.accounts.account_links(own_demo, undone=True)
    assert [(one.kind, one.reason) for one in listed if "DraLuciaDerm" in one.b_handle] == [
        ("unlinked", "undone by hand")]

    service.accounts.link(own_demo, "x:DraLuciaDerm", "draluciaderm.bsky.social")
    assert _directory_handles(own_demo, "luc") == ["x:DraLuciaDerm"]


def test_naming_an_account_that_is_not_there_says_how_to_name_one(own_demo: Settings) -> None:
    from mentorfeed.errors import MentorfeedError

    with pytest.raises(MentorfeedError, match="platform:handle"):
        service.accounts.unlink(own_demo, "x:nobody_here", "x:DraLuciaDerm")


def test_no_match_list_shows_two_accounts_of_one_person(own_demo: Settings) -> None:
    with open_store(own_demo) as store:
        linked = people(store.account_links(("found", "manual")))
    person_of: dict[Key, int] = {k: i for i, group in enumerate(linked) for k in group}
    scenarios = load_scenarios(SCENARIOS)
    assert len(scenarios) >= 30
    showed_a_linked_person = 0
    for scenario in scenarios:
        found = service.people.match(own_demo, scenario.trainee, today=scenario.today,
                                     limit=10, calls=False)
        persons = [person_of.get(m.key, m.key) for m in found.mentors]
        assert len(persons) == len(set(persons)), scenario.name
        showed_a_linked_person += any(m.key in person_of for m in found.mentors)
        for m in found.mentors:
            if m.key in person_of:  # all the person's handles come with the match
                assert len(found.accounts[m.key]) == len(linked[person_of[m.key]])
    assert showed_a_linked_person >= 10


def test_the_mentor_page_shows_every_account_with_the_reason_for_its_link(
        own_demo: Settings) -> None:
    with open_store(own_demo) as store:
        authors = store.activity_authors()
    x = next(k for k, a in authors.items() if a.handle == "solberg_melano")
    mastodon = next(k for k, a in authors.items() if a.handle.startswith("psolberg@"))
    with TestClient(create_app(own_demo), base_url=BASE) as client:
        main = client.get(f"/mentors/{x[0]}/{x[1]}", follow_redirects=True)
        other = client.get(f"/mentors/{mastodon[0]}/{mastodon[1]}", follow_redirects=True)
    assert main.status_code == 200
    assert other.url == main.url  # one person, one page, whichever account one came from
    text = main.text
    assert "@solberg_melano" in text and "@psolberg@scholar.example" in text
    assert "Same person as @solberg_melano" in text
    assert "people unlink" in text
