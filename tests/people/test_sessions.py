"""Journal-club sessions: questions in order, answers attached to the right question (marked,
threaded, late and out of order), replies between participants, who a trainee talked with, and
the announced sessions still to come."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.people.events import answer_number, event_time, question_number
from mentorfeed.people.sessions import (
    evaluate_sessions,
    find_sessions,
    follow_ups,
    upcoming_events,
)
from mentorfeed.service.demo import build_demo
from mentorfeed.store import Store

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "mentorfeed" / "data" / "corpus"
GOLD = SHIPPED / "sessions.json"
CLUB_TAGS = ("DermJC", "DermSky")
T0 = datetime(2024, 5, 15, 0, 5, tzinfo=UTC)  # Q1 of the hand-built sessions


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Activity]:
    path, _, _ = build_demo(tmp_path_factory.mktemp("sessions") / "demo.db")
    with Store(f"sqlite:///{path}") as store:
        yield store.activity()


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


def _roles() -> dict[Key, str]:
    rows = (json.loads(line) for line in (SHIPPED / "roles.jsonl").read_text().splitlines())
    return {(r["platform"], r["id"]): r["role"] for r in rows}


def _handle(activity: Activity, handle: str) -> Key:
    return next(k for k, a in activity.authors.items() if a.handle == handle)


# -- the sample corpus --------------------------------------------------------------------------

def test_corpus_sessions_are_found_with_host_questions_and_answers(
        corpus: Activity, gold: list[dict[str, Any]]) -> None:
    sessions = find_sessions(corpus, hashtags=CLUB_TAGS)
    figures = evaluate_sessions(sessions, GOLD, corpus)
    assert figures["sessions_matched"] == figures["sessions_gold"] == 6
    assert figures["hosts_right"] == 6
    assert figures["questions_in_order"] == 1.0
    assert figures["answers_attached"] >= 0.95
    assert figures["answers_precision"] >= 0.95
    assert figures["replies_found"] >= 0.9
    assert {s.platform for s in sessions} == {"x", "bluesky", "mastodon"}
    assert "x:DermJC:2023-09-15T01:00" in {s.id for s in sessions}


def test_late_and_threaded_corpus_answers_go_to_their_question(
        corpus: Activity, gold: list[dict[str, Any]]) -> None:
    sessions = find_sessions(corpus, hashtags=CLUB_TAGS)
    by_key = corpus.by_key()
    late = threaded = 0
    for g in gold:
        platform = g["platform"]
        asked = {(platform, q["id"]): q["q"] for q in g["questions"]}
        when = {q: by_key[k].created_at for k, q in asked.items()}
        session = next(s for s in sessions if {q.post for q in s.questions} == set(asked))
        for answer in g["answers"]:
            key, number = (platform, answer["id"]), answer["q"]
            post = by_key[key]
            if any(q > number + 1 and t < post.created_at for q, t in when.items()):
                late += 1  # an "A1" posted after Q3
                assert session.answer_of(key) == number, post.text
            if post.reply_to in asked:
                threaded += 1
                assert session.answer_of(key) == asked[post.reply_to], post.text
    assert late >= 5 and threaded >= 40


def test_default_settings_and_configured_hosts_alone_find_the_club_sessions(
        corpus: Activity) -> None:
    by_tag = find_sessions(corpus)  # #DermJC only: the Bluesky club uses #DermSky
    assert len(by_tag) == 5 and all(s.hashtag == "DermJC" for s in by_tag)
    hosts = ["x:SOCDermJC", "DermJC_hub", "@GlobalDermJC", "DermJClub",
             "dermjc@med-mastodon.example", "bluesky:dermskyjc.bsky.social"]
    by_host = find_sessions(corpus, hosts=hosts, hashtags=())
    assert len(by_host) == 6
    for session in by_host:
        assert sum(len(q.answers) for q in session.questions) >= 20, session.id


def test_follow_ups_list_the_dermatologists_a_student_talked_with(corpus: Activity) -> None:
    sessions = find_sessions(corpus, hashtags=CLUB_TAGS)
    student = _handle(corpus, "kemi_derm")
    roles = _roles()
    found = follow_ups(sessions, corpus, [student], roles=roles)
    people = [corpus.authors[f.person].handle for f in found]
    assert people[0] == "CurlsAndScalp" and "marcusT_derm" in people
    assert [roles[f.person] for f in found] == sorted(
        (roles[f.person] for f in found), key=lambda r: r != "dermatologist")
    by_key = corpus.by_key()
    first = found[0]
    assert first.session == "x:DermJC:2021-09-17T01:00" and len(first.exchanges) >= 2
    for theirs, mine in first.exchanges:
        assert by_key[theirs].author == first.person and by_key[mine].author == student
        assert by_key[theirs].reply_to == mine or by_key[mine].reply_to == theirs
    assert any("maybe age?" in by_key[mine].text for _, mine in first.exchanges)


def test_upcoming_events_find_an_announced_future_session_not_past_ones(
        corpus: Activity) -> None:
    now = datetime(2025, 10, 10, tzinfo=UTC)
    events = upcoming_events(corpus, now=now, hashtags=CLUB_TAGS)
    assert events and all(e.starts > now for e in events)
    october = next(e for e in events if e.host == _handle(corpus, "DermJClub"))
    assert october.starts == datetime(2025, 10, 15, 0, 0, tzinfo=UTC)  # Tues Oct 14, 8pm EDT
    assert october.hashtag == "DermJC" and "Oct 14" in october.title
    assert not any(e.starts.year < 2025 for e in events)


# -- hand-built sessions ------------------------------------------------------------------------

def _post(pid: str, author: str, minutes: float, text: str, *, reply_to: str | None = None,
          tags: tuple[str, ...] = ("DermJC",), platform: str = "x",
          day: int = 0) -> PostRow:
    return PostRow(key=(platform, pid), url=None, author=(platform, author),
                   created_at=T0 + timedelta(days=day, minutes=minutes), text=text,
                   hashtags=list(tags), mentions=[],
                   reply_to=(platform, reply_to) if reply_to else None, reply_to_author=None,
                   quote_of=None, repost_of=None, conversation=None)


def _activity(*posts: PostRow) -> Activity:
    authors = {p.author: AuthorRow(p.author, p.author[1], None, None, None, None)
               for p in posts if p.author}
    return Activity(list(posts), authors)


def _questions(day: int = 0, *, platform: str = "x", tags: tuple[str, ...] = ("DermJC",)
               ) -> list[PostRow]:
    return [_post(f"q{n}d{day}", "host", 15 * (n - 1), f"Q{n}: question {n}? #DermJC",
                  tags=tags, platform=platform, day=day) for n in (1, 2, 3)]


def test_an_a1_posted_after_q3_still_answers_q1() -> None:
    posts = [*_questions(), _post("a", "ana", 33, "late A1 bc I got distracted #DermJC"),
             _post("b", "ben", 34, "@host A3: the third answer #DermJC", reply_to="q3d0")]
    (session,) = find_sessions(_activity(*posts))
    assert session.answer_of(("x", "a")) == 1 and session.answer_of(("x", "b")) == 3
    assert [q.number for q in session.questions] == [1, 2, 3]
    assert session.host == ("x", "host") and session.participants == {("x", "ana"): 1,
                                                                       ("x", "ben"): 1}


def test_an_unmarked_reply_to_a_question_answers_it_until_the_host_moves_on() -> None:
    posts = [*_questions(), _post("a", "ana", 17, "tone matters so much", reply_to="q2d0",
                                  tags=()),
             _post("c", "cal", 40, "still chewing on Q2 honestly", reply_to="q2d0", tags=())]
    (session,) = find_sessions(_activity(*posts))
    assert session.answer_of(("x", "a")) == 2
    assert session.answer_of(("x", "c")) is None
    assert (("x", "c"), ("x", "q2d0")) in session.replies


def test_a_reply_between_participants_is_a_reply_not_an_answer() -> None:
    posts = [*_questions(), _post("a", "ana", 2, "A1: relaxers, surprisingly #DermJC"),
             _post("d", "derm", 4, "@ana great catch, what did they adjust for?",
                   reply_to="a", tags=()),
             _post("e", "ana", 5, "maybe age?", reply_to="d", tags=())]
    (session,) = find_sessions(_activity(*posts))
    assert session.questions[0].answers == [("x", "a")]
    assert session.replies == [(("x", "d"), ("x", "a")), (("x", "e"), ("x", "d"))]
    (follow,) = follow_ups([session], _activity(*posts), [("x", "ana")])
    assert follow.person == ("x", "derm")
    assert follow.exchanges == [(("x", "d"), ("x", "a")), (("x", "d"), ("x", "e"))]


def test_two_sessions_on_one_hashtag_on_different_days_are_kept_apart() -> None:
    posts = [*_questions(0), _post("a", "ana", 5, "A1: first night #DermJC"),
             *_questions(7), _post("b", "ben", 5, "A1: second night #DermJC", day=7)]
    first, second = find_sessions(_activity(*posts))
    assert first.questions[0].answers == [("x", "a")]
    assert second.questions[0].answers == [("x", "b")]
    assert first.id != second.id and second.start - first.start == timedelta(days=7)


def test_a_bluesky_session_answers_in_threads_without_hashtags() -> None:
    tags = ("DermSky",)
    questions = _questions(platform="bluesky", tags=tags)
    posts = [*questions,
             _post("a", "ana.bsky.social", 2, "A1: seen them on rotation", reply_to="q1d0",
                   tags=(), platform="bluesky"),
             _post("b", "ben.bsky.social", 20, "the tail is what hurts patients",
                   reply_to="q2d0", tags=(), platform="bluesky")]
    (session,) = find_sessions(_activity(*posts), hashtags=("DermJC", "DermSky"))
    assert session.platform == "bluesky" and session.hashtag == "DermSky"
    assert session.answer_of(("bluesky", "a")) == 1 and session.answer_of(("bluesky", "b")) == 2


def test_a_lone_case_quiz_is_no_session() -> None:
    posts = [_post("q", "quizzer", 0, "Q1: what's the diagnosis? #DermJC"),
             _post("a", "ana", 3, "A1: sarcoidosis", reply_to="q", tags=())]
    assert find_sessions(_activity(*posts)) == []


@pytest.mark.parametrize(("text", "number"), [
    ("Q1: which practices were linked?", 1), ("Q 2 - counseling time", 2),
    ("Question 3: genetics?", 3), ("T4: limitations", 4), ("@host Q5, our last one", 5),
    ("Welcome! Q1 drops in 5 minutes", None), ("Quick question for derms", None),
])
def test_question_markers(text: str, number: int | None) -> None:
    assert question_number(text) == number


@pytest.mark.parametrize(("text", "number"), [
    ("A1: traction styles", 1), ("A1) relaxers", 1), ("a1 - heat", 1), ("A2 late: tone", 2),
    ("@SOCDermJC A3: genetics", 3), ("late A1 bc I got distracted", 1),
    ("Late to the party but A1: prevention", 1), ("T2: stylists", 2),
    ("my HbA1c is fine", None), ("A7: there is no Q7", None), ("Great session", None),
])
def test_answer_markers(text: str, number: int | None) -> None:
    assert answer_number(text, range(1, 6)) == number


@pytest.mark.parametrize(("text", "posted", "starts"), [
    ("Our first #DermJC is Tues 5/7 at 9 PM ET", "2024-05-01T12:00", "2024-05-08T01:00"),
    ("tonight 9pm ET, bring questions", "2024-03-05T15:00", "2024-03-06T02:00"),
    ("#DermJC returns Thursday, March 14, 8pm ET!", "2024-03-01T12:00", "2024-03-15T00:00"),
    ("Next one: Jan 3, 7pm PT", "2023-12-20T12:00", "2024-01-04T03:00"),
    ("join at 8pm ET", "2024-03-01T12:00", None),
    ("Q1 drops at 8:05", "2024-03-01T12:00", None),
    # The day after the weekday names which Thursday; a range starts at its first hour; a
    # 24-hour clock is a time (one date reader, classify.lifecycle, reads them all).
    ("Next #DermJC: Thursday 27 August 2026, 8pm ET", "2025-10-20T15:00", "2026-08-28T00:00"),
    ("#DermJC tomorrow 9-10pm ET", "2024-03-05T15:00", "2024-03-07T02:00"),
    ("#DermJC on 14 March at 20:00 GMT", "2024-03-01T12:00", "2024-03-14T20:00"),
])
def test_announced_start_times(text: str, posted: str, starts: str | None) -> None:
    found = event_time(text, datetime.fromisoformat(posted).replace(tzinfo=UTC))
    assert found == (datetime.fromisoformat(starts).replace(tzinfo=UTC) if starts else None)


def test_upcoming_events_skip_sessions_already_held() -> None:
    posts = [_post("old", "host", -60 * 24 * 30, "Next #DermJC: Tues 4/16 at 9 PM ET"),
             _post("new", "host", 0, "Next #DermJC: Tues 5/21 at 9 PM ET")]
    (event,) = upcoming_events(_activity(*posts), now=T0)
    assert event.post == ("x", "new") and event.host == ("x", "host")
    assert event.starts == datetime(2024, 5, 22, 1, 0, tzinfo=UTC)
