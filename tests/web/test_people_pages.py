"""The people pages over the sample store plus a few fictional authors: the mentor directory and
"for me" ranking, a person's page, journal clubs and a session's transcript."""

from __future__ import annotations

import csv
import html
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.collect.community import load as load_community
from mentorfeed.config import Settings
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.people.profiles import AuthorProfile
from mentorfeed.service import people_view as people_cache
from mentorfeed.service.people_view import people_view
from mentorfeed.service.tracking import forget_profile, save_profile
from mentorfeed.web import create_app

HOSTILE_NAME = '<script>alert("name")</script>Dr. Quill Vexby'
HOSTILE_BIO = ('Board-certified dermatologist <img src=x onerror=alert(1)> at a university '
               'hospital. DMs open for students interested in skin of color.')
# Fictional authors: one who opted out with the hashtag, one whose name, bio and link are hostile.
EXTRA_AUTHORS = [
    {"author_id": "990001", "author_handle": "optout_derm_fict", "author_name": "Dr. Ona Tamsk",
     "author_bio": "Board-certified dermatologist, skin of color clinic. #NoMentorfeed",
     "url": "https://x.com/optout_derm_fict"},
    {"author_id": "990002", "author_handle": "hostile_derm_fict", "author_name": HOSTILE_NAME,
     "author_bio": HOSTILE_BIO, "url": "javascript:alert(1)"},
]
SESSION = "x:DermJC:2023-09-15T01:00"
CONFIG_OPT_OUT = "DrKarimSkin"  # a sample account, listed as opted out in the test's config
HOSTILE_REPLY = ('@scope_and_skin <script>alert("jc")</script> what about <b>bold</b> claims? '
                 '\u202eevil #DermJC')
# The sample store describes the day after its newest post (service.people.as_of): 2026-06-15.
ANNOUNCEMENT = ("#DermJC next Tuesday, June 16, 9pm ET: teledermatology follow-up visits. "
                "Students, residents, attendings: everyone welcome!")
EXTRA_POSTS = [
    "Dermatologist here: DMs open for med students interested in skin of color research. Happy "
    "to answer questions about applying to derm! #DermTwitter #SkinOfColor",
    "Looking for a medical student to help with a skin of color case series, email me. "
    "#DermTwitter #MedStudentTwitter",
    "Attending dermatologist: happy to answer questions about derm residency, DMs open. "
    "#DermTwitter",
]


def refresh_profiles(settings: Settings) -> None:
    """Fill author_profiles as `mentorfeed people` does, with a community config that lists
    one sample dermatologist under [people] opt_out."""
    service.people.refresh_people(
        settings, community=replace(load_community(), opt_out=[CONFIG_OPT_OUT])
    )


@pytest.fixture(scope="module")
def people_settings(demo_copy: Callable[[str], Settings],
                    tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = demo_copy("people-pages")
    folder = tmp_path_factory.mktemp("people-extra")
    session = next(s for s in service.people.people(settings).sessions if s.id == SESSION)
    answer = session.questions[0].answers[0]  # the first answer to Q1
    table = folder / "extra.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, ["platform", "id", "text", "created_at", "url",
                                      "author_id", "author_handle", "author_name",
                                      "author_bio", "author_followers", "reply_to",
                                      "conversation_id"])
        writer.writeheader()
        writer.writerow({"platform": "x", "id": "9930000", "text": HOSTILE_REPLY,
                         "created_at": "2023-09-15T01:13:00Z", "url": "javascript:alert(2)",
                         "reply_to": answer[1], "conversation_id": answer[1],
                         "author_followers": 120, **EXTRA_AUTHORS[1]})
        writer.writerow({"platform": "x", "id": "9940000", "text": ANNOUNCEMENT,
                         "created_at": "2026-06-14T12:00:00Z", "author_id": "990004",
                         "url": "https://x.com/fict_jc_club/status/9940000",
                         "author_handle": "fict_jc_club", "author_name": "Fictional Derm JC",
                         "author_bio": "A fictional dermatology journal club."})
        for n, author in enumerate(EXTRA_AUTHORS):
            for m, text in enumerate(EXTRA_POSTS):
                writer.writerow({"platform": "x", "id": f"99{n}{m}0000",
                                 "text": text, "created_at": f"2025-0{m + 3}-1{n}T15:00:00Z",
                                 "url": f"https://x.com/{author['author_handle']}/status/99{n}{m}",
                                 "author_followers": 120, **author})
    service.posts.import_files(settings, [table])
    service.classifying.classify_store(settings)
    refresh_profiles(settings)
    return settings


@pytest.fixture(scope="module")
def people_app(people_settings: Settings) -> object:
    return create_app(people_settings)


@pytest.fixture
def web(people_app: object) -> Iterator[TestClient]:
    with TestClient(people_app, base_url="http://127.0.0.1:8000") as opened:  # type: ignore[arg-type]
        yield opened


@pytest.fixture
def trainee(people_settings: Settings) -> Iterator[TraineeProfile]:
    """A stored trainee profile whose own handle took part in a sample journal club."""
    profile = save_profile(people_settings, TraineeProfile(
        stage="premed", interests=["skin of color", "melanoma"], goals=["research"],
        handles={"x": "premed_nadia_r"}))
    yield profile
    forget_profile(people_settings)


def _text(page: str) -> str:
    """The visible text of a page's main element, tags dropped, whitespace collapsed."""
    main = page.split('<main', 1)[1].split('</main>', 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _profile_rows(settings: Settings) -> list[AuthorProfile]:
    """The stored profiles, one per person (a linked person under their main account), as the
    directory lists them."""
    return list(service.people.profiles(settings).values())


# -- mentors ------------------------------------------------------------------------------------

def test_the_directory_lists_dermatologists_and_residents_with_their_signals(
        web: TestClient, people_settings: Settings) -> None:
    page = web.get("/mentors")
    assert page.status_code == 200
    text = _text(page.text)
    mentors = [r for r in _profile_rows(people_settings)
               if r.role in ("dermatologist", "resident") and not r.opted_out]
    assert f"{len(mentors)} people" in text
    for signal in ("Opportunities posted", "Replies to trainees", "Journal-club answers",
                   "DMs open", "Last active"):
        assert signal in text
    listed = [(platform, unquote(ident)) for platform, ident in
              re.findall(r'href="/mentors/(x|bluesky|mastodon)/([^"]+)"', page.text)]
    roles = {r.key: r.role for r in _profile_rows(people_settings)}
    assert len(listed) == 20  # one page
    assert {roles[key] for key in listed} <= {"dermatologist", "resident"}
    assert 'rel="next"' in page.text


def test_the_second_page_continues_where_the_first_ends(web: TestClient) -> None:
    first = re.findall(r'href="(/mentors/[^"]+)"', web.get("/mentors").text)
    second = re.findall(r'href="(/mentors/[^"]+)"', web.get("/mentors?page=2").text)
    assert second and not set(first) & set(second)


def test_organizations_are_listed_only_when_asked_for(web: TestClient,
                                                      people_settings: Settings) -> None:
    orgs = {r.handle for r in _profile_rows(people_settings)
            if r.role == "organization" and not r.opted_out}
    default = web.get("/mentors?page=1").text + web.get("/mentors?page=2").text
    assert orgs and not any(f">@{handle}<" in default for handle in orgs)
    only_orgs = web.get("/mentors?role=organization").text
    assert any(f">@{handle}<" in only_orgs for handle in orgs)


def test_filters_by_topic_and_search(web: TestClient, people_settings: Settings) -> None:
    found = web.get("/mentors", params={"q": "scope_and"})
    assert ">@scope_and_skin<" in found.text and "1 person" in _text(found.text)
    hair = web.get("/mentors", params={"topic": "hair"})
    assert hair.status_code == 200 and '<option value="hair" selected>' in hair.text
    rows = {r.handle: r for r in _profile_rows(people_settings)}
    writers = [h for h, r in rows.items() if r.role in ("dermatologist", "resident")
               and not r.opted_out and r.interests.get("hair", 0) > 0]
    listed = re.findall(r'<a href="/mentors/[^"]+">@([^<]+)</a>', hair.text)
    assert f"{len(writers)} people" in _text(hair.text)
    assert set(listed) <= set(writers) and listed[0] == max(
        writers, key=lambda h: rows[h].interests["hair"])
    none = web.get("/mentors", params={"q": "nobody-by-this-name%_"})
    assert "No one matches these filters" in _text(none.text)


def test_people_who_opted_out_are_never_listed(web: TestClient, people_settings: Settings,
                                               trainee: TraineeProfile) -> None:
    rows = {r.handle: r for r in _profile_rows(people_settings)}
    for handle in ("optout_derm_fict", CONFIG_OPT_OUT):  # #NoMentorfeed; the config's list
        assert rows[handle].opted_out is True
        assert rows[handle].role == "dermatologist"
    pages = [web.get(url).text for url in (
        "/mentors", "/mentors?page=2", "/mentors?q=optout", "/mentors?q=karim",
        "/mentors?topic=skin+of+color", "/mentors?topic=global+health", "/mentors?for=me",
        "/insights")]
    assert not any(f"@{handle}<" in page for page in pages
                   for handle in ("optout_derm_fict", CONFIG_OPT_OUT))
    for row in (rows["optout_derm_fict"], rows[CONFIG_OPT_OUT]):
        assert web.get(f"/mentors/x/{row.key[1]}").status_code == 404


def test_hostile_names_and_bios_are_escaped(web: TestClient) -> None:
    listing = web.get("/mentors", params={"q": "hostile_derm"}).text
    person = web.get("/mentors/x/990002").text
    for page in (listing, person):
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in listing
    assert "&lt;img src=x onerror=alert(1)&gt;" in person
    assert 'href="javascript:' not in person


def test_a_person_page_shows_profile_signals_and_recent_opportunities(web: TestClient) -> None:
    page = web.get("/mentors/x/502345932192999098")
    assert page.status_code == 200
    text = _text(page.text)
    assert "@scope_and_skin" in text and "dermatologist" in text
    assert "dermatologist on X " in text  # the platform by its own name, not "on x"
    assert "Recent opportunities" in text and "Replies to trainees" in text
    assert 'href="https://x.com/scope_and_skin/status/' in page.text
    assert 'rel="noopener nofollow ugc"' in page.text
    details = re.search(r'href="(/opportunities/[^"]+)">Details<', page.text)
    assert details and web.get(html.unescape(details.group(1))).status_code == 200


def test_for_me_without_a_profile_points_to_the_me_page(web: TestClient) -> None:
    page = web.get("/mentors?for=me")
    assert page.status_code == 200
    assert "Tell us about yourself first" in _text(page.text) and 'href="/me"' in page.text


def test_for_me_ranks_mentors_with_reasons_and_supporting_posts(
        web: TestClient, people_settings: Settings, trainee: TraineeProfile) -> None:
    page = web.get("/mentors?for=me")
    text = _text(page.text)
    found = service.people.match(people_settings, trainee, limit=20)
    hidden = {"optout_derm_fict", CONFIG_OPT_OUT}  # the stored profiles say they opted out
    expected = [m.handle for m in found.mentors if m.handle not in hidden]
    shown = re.findall(r'<a href="/mentors/[^"]+">@([^<]+)</a>', page.text)
    assert shown == expected
    assert "fit" in text and "out of 100" in text
    assert "you talked with them" in text.lower()
    assert re.search(r'<a href="https://[^"]+" rel="noopener nofollow ugc"[^>]*>post 1</a>',
                     page.text)
    # A call links to its page in the app first (the original is one click further, there).
    call = re.search(r'<a href="(/opportunities/[^"]+)">call 1</a>', page.text)
    assert call and web.get(html.unescape(call.group(1))).status_code == 200
    # Reasons keep their own capitals ("3 Mar 2025", "URiM"), only the first letter is raised.
    assert re.search(r"You talked with them[^.]*? \d{1,2} [A-Z][a-z]{2} \d{4}", text)


def test_the_api_and_the_library_match_no_one_who_opted_out(
        web: TestClient, people_settings: Settings, trainee: TraineeProfile) -> None:
    """The Mentors page, /api/v1/match and `service.people.match` agree: the stored profiles'
    opt-outs (here one by the community config at refresh time) hold everywhere."""
    hidden = {"optout_derm_fict", CONFIG_OPT_OUT}
    everyone = 50  # the most the API gives: more mentors than the opted-out ones outrank
    answer = web.get("/api/v1/match", params={"limit": everyone}).json()
    api = [m["handle"] for m in answer["mentors"]]
    library = [m.handle for m in
               service.people.match(people_settings, trainee, limit=everyone).mentors]
    assert api and library and not hidden & {*api, *library}
    page = re.findall(r'<a href="/mentors/[^"]+">@([^<]+)</a>', web.get("/mentors?for=me").text)
    assert page == library[:len(page)]


# -- journal clubs ------------------------------------------------------------------------------

def test_journal_clubs_lists_past_sessions_newest_first(web: TestClient,
                                                        people_settings: Settings) -> None:
    page = web.get("/journal-clubs")
    assert page.status_code == 200
    sessions = service.people.people(people_settings).sessions
    links = re.findall(r'href="/journal-clubs/([^"]+)"', page.text)
    newest_first = sorted(sessions, key=lambda s: s.start, reverse=True)
    assert [unquote(html.unescape(link)) for link in links] == \
        [s.id for s in newest_first]
    text = _text(page.text)
    assert "Upcoming sessions" in text
    assert "Add your own handles to your profile" in text


def test_past_sessions_come_a_page_at_a_time_and_upcoming_ones_point_to_the_calendar(
        web: TestClient, people_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from mentorfeed.web import people_pages

    whole = re.findall(r'href="/journal-clubs/([^"]+)"', web.get("/journal-clubs").text)
    upcoming = web.get("/journal-clubs").text.count('class="card event"')
    assert len(whole) >= 3 and upcoming >= 1
    monkeypatch.setattr(people_pages, "SESSIONS_PER_PAGE", 2)
    monkeypatch.setattr(people_pages, "UPCOMING_SHOWN", 0)
    walked: list[str] = []
    for number in range(1, 20):
        page = web.get(f"/journal-clubs?page={number}").text
        walked += re.findall(r'href="/journal-clubs/([^"]+)"', page)
        if 'rel="next"' not in page:
            break
    assert walked == whole
    assert re.search(rf"{upcoming} more sessions? (is|are) announced", _text(page))
    assert 'class="card event"' not in page
    past_the_end = web.get("/journal-clubs?page=99").text
    assert "past the end of the list" in past_the_end


def test_upcoming_sessions_show_when_they_start(web: TestClient) -> None:
    page = web.get("/journal-clubs").text
    section = page.split('id="upcoming"', 1)[1].split('id="follow-ups"', 1)[0]
    assert '<time datetime="2026-06-17T01:00:00+00:00"' in section  # 9pm EDT, in UTC
    assert "teledermatology follow-up visits" in section and "@fict_jc_club" in section
    assert 'href="https://x.com/fict_jc_club/status/9940000"' in section


def test_my_follow_ups_name_the_people_i_talked_with(web: TestClient,
                                                     trainee: TraineeProfile) -> None:
    text = _text(web.get("/journal-clubs").text)
    section = text.split("My follow-ups", 1)[1].split("Past sessions", 1)[0]
    assert "@scope_and_skin" in section  # answered her question in the 2023 #DermJC
    assert "exchange" in section


def test_a_session_reads_question_by_question(web: TestClient,
                                              people_settings: Settings) -> None:
    session = next(s for s in service.people.people(people_settings).sessions
                   if s.id == "x:DermJC:2023-09-15T01:00")
    page = web.get("/journal-clubs/x:DermJC:2023-09-15T01:00")
    assert page.status_code == 200
    text = _text(page.text)
    starts = [text.index(f"Question {q.number}") for q in session.questions]
    assert starts == sorted(starts) and len(starts) == 5
    # An answer appears under its own question, before the next one starts.
    answer = "Not one lonely probability"
    assert starts[0] < text.index(answer) < starts[1]
    # A reply between participants sits under the answer it replies to.
    reply = "what does \"calibrated\" mean here?"
    assert text.index(answer) < text.index(reply) < starts[1]
    assert "Participants" in text and "@premed_nadia_r premed" in text
    assert "host" in text


def test_a_hostile_reply_in_a_session_is_escaped_and_not_linked(web: TestClient) -> None:
    page = web.get(f"/journal-clubs/{SESSION}").text
    assert '&lt;script&gt;alert(&#34;jc&#34;)&lt;/script&gt;' in page
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "\u202e" not in page  # bidi overrides dropped
    assert 'href="javascript:' not in page
    text = _text(page)
    # It replies to the first answer to Q1, so it shows under Q1.
    assert text.index("Question 1") < text.index("what about <b>bold</b>") < text.index(
        "Question 2")


def test_every_person_link_on_the_journal_club_pages_opens_a_page(
        web: TestClient, trainee: TraineeProfile) -> None:
    links = set()
    for url in ("/journal-clubs", *(f"/journal-clubs/{s}" for s in re.findall(
            r'href="/journal-clubs/([^"]+)"', web.get("/journal-clubs").text))):
        links |= set(re.findall(r'href="(/mentors/[^"]+)"', web.get(html.unescape(url)).text))
    assert len(links) > 20
    assert all(web.get(html.unescape(link)).status_code == 200 for link in links)


def test_a_page_past_the_end_points_back_to_the_first(web: TestClient) -> None:
    text = _text(web.get("/mentors", params={"page": 999, "topic": "hair"}).text)
    assert "No more people" in text and "Go to the first page" in text


def test_an_unknown_session_is_a_404(web: TestClient) -> None:
    assert web.get("/journal-clubs/x:NoSuchClub:2020-01-01T00:00").status_code == 404


def test_people_pages_keep_the_strict_content_security_policy(web: TestClient) -> None:
    for url in ("/mentors", "/journal-clubs", "/insights"):
        page = web.get(url)
        assert "style-src 'self'" in page.headers["content-security-policy"]
        assert " style=" not in page.text and "<style" not in page.text


def test_the_people_cache_is_reused_until_the_store_changes(
        demo_copy: Callable[[str], Settings], tmp_path: Path) -> None:
    settings = demo_copy("cache")
    state = SimpleNamespace(settings=settings)
    first = people_view(state)
    assert people_view(state) is first  # nothing changed: no second pass over the posts
    table = tmp_path / "one.csv"
    table.write_text("platform,id,text,created_at,author_id,author_handle\n"
                     "x,9950000,Q1: what did you think of the methods? #DermJC,"
                     "2026-05-14T12:00:00Z,990005,fict_cache_host\n", encoding="utf-8")
    service.posts.import_files(settings, [table])
    assert people_view(state) is not first  # one more post
    second = people_view(state)
    service.classifying.classify_store(settings)
    third = people_view(state)
    assert third is not second and ("x", "9950000") in third.posts  # classified since


def test_while_a_long_rebuild_runs_the_pages_show_the_previous_view_and_say_so(
        demo_copy: Callable[[str], Settings], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a large store a rebuild takes minutes; it is held here until the pages were seen."""
    settings = demo_copy("slow")
    release = threading.Event()
    build = people_cache._new_view

    def held(*args: Any) -> people_cache.PeopleView:
        release.wait(timeout=60)
        return build(*args)

    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        assert "being read" not in client.get("/journal-clubs").text  # the first view waits
        state = client.app.state  # type: ignore[attr-defined]
        first = state.people_view
        table = tmp_path / "one.csv"
        table.write_text("platform,id,text,created_at,author_id,author_handle\n"
                         "x,9950001,Q1: what did you make of the cohort? #DermJC,"
                         "2026-05-14T12:00:00Z,990006,fict_slow_host\n", encoding="utf-8")
        service.posts.import_files(settings, [table])
        monkeypatch.setattr(people_cache, "_new_view", held)
        monkeypatch.setattr(people_cache, "WAIT_SECONDS", 0.2)
        page = client.get("/journal-clubs")
        assert page.status_code == 200 and "New posts are being read" in page.text
        assert state.people_view is first and people_cache.updating(state)
        release.set()
        state.people_build.done.result(timeout=60)
        page = client.get("/journal-clubs")
        assert "being read" not in page.text and not people_cache.updating(state)
        assert ("x", "9950001") in people_view(state).posts
