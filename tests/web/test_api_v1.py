"""The JSON API under /api/v1: every route, its errors, and hostile posts returned as data."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.models import Author, Classification, Post
from mentorfeed.store import Store
from mentorfeed.store.schema import author_profiles
from mentorfeed.web import create_app

HOSTILE_TEXT = ("<script>alert('x')</script> Research spots for students! "
                "<img src=x onerror=alert(1)> \u202eevil\u202c apply by form")
HOSTILE_NAME = "<b onmouseover=alert(1)>Dr Fictional</b>"


def error_of(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return dict(body["error"])


def test_opportunities_carry_the_fields_of_a_card(client: TestClient) -> None:
    response = client.get("/api/v1/opportunities", params={"per_page": 5})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["page"] == 1 and body["per_page"] == 5 and body["has_next"] is True
    assert len(body["items"]) == 5
    item = body["items"][0]
    assert {"id", "platform", "url", "text", "labels", "fields", "state", "author",
            "created_at", "posts_in_group"} <= set(item)
    assert set(item["fields"]) == {"deadline", "audience", "contact", "topics", "links", "form",
                                   "eligibility"}
    assert item["fields"]["form"] in ("call", "event", "resource")
    assert set(item["author"]) >= {"handle", "name", "role", "url"}
    assert item["state"] in ("open", "closed", "expired")
    assert item["id"] == f"{item['platform']}:{item['id'].split(':', 1)[1]}"


def test_opportunity_filters_and_paging(client: TestClient) -> None:
    first = client.get("/api/v1/opportunities", params={
        "label": "journal_club", "per_page": 10}).json()
    second = client.get("/api/v1/opportunities", params={
        "label": "journal_club", "per_page": 10, "page": 2}).json()
    items = first["items"] + second["items"]
    assert len(items) == 20 and len({i["id"] for i in items}) == 20
    assert all("journal_club" in i["labels"] for i in items)
    opened = client.get("/api/v1/opportunities", params={"open_only": "true"}).json()
    assert all(i["state"] == "open" for i in opened["items"])
    found = client.get("/api/v1/opportunities", params={"q": "research", "platform": "x"})
    assert found.status_code == 200 and found.json()["items"]
    assert all("research" in i["text"].lower() and i["platform"] == "x"
               for i in found.json()["items"])
    dated = client.get("/api/v1/opportunities", params={"sort": "deadline",
                                                        "since": "2025-01-01",
                                                        "until": "2025-12-31"}).json()
    assert all("2025-01-01" <= i["created_at"][:10] <= "2025-12-31" for i in dated["items"])


@pytest.mark.parametrize("form", ["call", "event", "resource"])
def test_opportunities_of_one_form(client: TestClient, form: str) -> None:
    body = client.get("/api/v1/opportunities", params={"form": form, "per_page": 100}).json()
    assert len(body["items"]) >= 20, f"the sample has several {form}s"
    assert all(i["fields"]["form"] == form for i in body["items"])
    dated = client.get("/api/v1/opportunities", params={
        "form": form, "sort": "deadline", "label": "journal_club"}).json()["items"]
    assert all(i["fields"]["form"] == form == "event" for i in dated) and (
        bool(dated) == (form == "event"))  # a journal club is always an event


@pytest.mark.parametrize("params", [
    {"label": "not_a_label"}, {"form": "meeting"}, {"sort": "oldest"}, {"page": "0"},
    {"per_page": "1000"},
    {"since": "yesterday"}, {"open_only": "maybe"}, {"platform": "myspace"},
])
def test_bad_parameters_get_a_json_422(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/api/v1/opportunities", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert error_of(response)["status"] == 422


def test_a_search_with_nothing_to_find_is_a_json_400(client: TestClient) -> None:
    response = client.get("/api/v1/opportunities", params={"q": "-premed"})
    assert response.status_code == 400
    assert "word" in str(error_of(response)["message"])


def test_one_opportunity_with_its_thread(client: TestClient) -> None:
    listed = client.get("/api/v1/opportunities", params={
        "platform": "bluesky", "per_page": 1}).json()["items"][0]
    assert "/" in listed["id"]  # an at:// URI: the id goes in the path as it is
    response = client.get(f"/api/v1/opportunities/{listed['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["opportunity"]["id"] == listed["id"]
    assert body["thread"][0]["id"] == listed["id"]
    assert listed["id"] not in {s["id"] for s in body["similar"]}
    missing = client.get("/api/v1/opportunities/x:0")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"


def test_sessions_question_by_question(client: TestClient) -> None:
    body = client.get("/api/v1/sessions", params={"per_page": 2}).json()
    assert len(body["items"]) == 2 and body["has_next"] is True
    session = body["items"][0]
    assert session["start"] >= body["items"][1]["start"]
    assert [q["number"] for q in session["questions"]][:2] == [1, 2]
    assert session["participants"] and all(p["posts"] > 0 for p in session["participants"])
    assert client.get("/api/v1/sessions", params={"per_page": 0}).status_code == 422


def test_events_after_a_moment(client: TestClient) -> None:
    response = client.get("/api/v1/events", params={"after": "2025-01-01T00:00:00Z"})
    assert response.status_code == 200
    events = response.json()
    assert events
    starts = [e["starts"] for e in events]
    assert starts == sorted(starts) and starts[0] > "2025-01-01"
    assert all(e["url"] is None or e["url"].startswith("https://") for e in events)
    assert client.get("/api/v1/events", params={"after": "soon"}).status_code == 422


def test_openapi_documents_every_route(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/v1/opportunities", "/api/v1/opportunities/{opportunity_id}",
                 "/api/v1/mentors", "/api/v1/match", "/api/v1/sessions", "/api/v1/events",
                 "/api/v1/insights"):
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/opportunities"]["get"]
                  ["parameters"]}
    assert parameters >= {"q", "label", "audience", "topic", "form", "platform", "since",
                          "until", "open_only", "sort", "page", "per_page"}
    form = next(p for p in schema["paths"]["/api/v1/opportunities"]["get"]["parameters"]
                if p["name"] == "form")
    assert {"enum": ["call", "event", "resource"], "type": "string"} in form["schema"]["anyOf"]
    fields = schema["components"]["schemas"]["Fields"]
    assert "form" in fields["properties"] and "form" in fields["required"]
    assert "Opportunity" in schema["components"]["schemas"]


# -- a store of its own: hostile posts, profiles, a trainee ------------------------------------

@pytest.fixture(scope="module")
def own(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory,
        engine_of: Callable[[Store], Engine]) -> Iterator[tuple[TestClient, Settings]]:
    """A copy of the sample store with a hostile call and two fictional profiles."""
    source = Path(demo_settings.database_url.removeprefix("sqlite:///"))
    with Store(demo_settings.database_url) as store, engine_of(store).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = tmp_path_factory.mktemp("api-own") / "own.db"
    shutil.copy(source, path)
    settings = Settings(database_url=sqlite_url(path))
    author = Author(platform="x", id="990001", handle="fictional_pi", name=HOSTILE_NAME,
                    bio="<script>bio()</script>", url="javascript:alert(1)")
    post = Post(platform="x", id="990000000000000001", url="javascript:alert(document.cookie)",
                author_id="990001", text=HOSTILE_TEXT,
                created_at=datetime.now(UTC) - timedelta(days=1), author=author)
    with Store(settings.database_url) as store:
        store.upsert([post], [author], source="test")
        store.save_classifications([(post.key, Classification(
            ["research_collaboration"], {"research_collaboration": 0.9},
            {"audience": ["medical_student"], "contact": ["form"], "topics": ["hair"]},
            [{"url": "javascript:alert(2)", "kind": "form"},
             {"url": "https://forms.example/apply", "kind": "form"}], "test", "test"))])
        with engine_of(store).begin() as conn:
            conn.execute(insert(author_profiles), [
                _profile("990001", "fictional_pi", "dermatologist", {"hair": 3.0}, False),
                _profile("990002", "fictional_hidden", "dermatologist", {"hair": 9.0}, True),
                _profile("990003", "fictional_res", "resident", {"acne": 1.0}, False)])
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client, settings
    service.opportunities.close_stores()


def _profile(author_id: str, handle: str, role: str, interests: dict[str, float],
             opted_out: bool) -> dict[str, object]:
    return {"platform": "x", "author_id": author_id, "handle": handle, "name": None,
            "role": role, "role_confidence": 0.9, "role_cues": [], "interests": interests,
            "signals": {"trainee_replies": 4, "trainee_reply_posts": [["x", "1"]]},
            "background": [], "institution": None, "opted_out": opted_out,
            "last_active": datetime(2025, 1, 1, tzinfo=UTC)}


def test_hostile_text_comes_back_as_data(own: tuple[TestClient, Settings]) -> None:
    client, _ = own
    response = client.get("/api/v1/opportunities", params={"q": "onerror"})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    item = response.json()["items"][0]
    assert item["text"] == HOSTILE_TEXT  # as written: a client escapes it where it shows it
    assert item["url"] is None  # a javascript: URL is never handed out
    assert item["author"]["name"] == HOSTILE_NAME and item["author"]["url"] is None
    assert item["author"]["role"] == "dermatologist"
    assert item["fields"]["links"] == [{"url": "https://forms.example/apply", "kind": "form"}]
    detail = client.get(f"/api/v1/opportunities/{item['id']}").json()
    assert detail["thread"][0]["url"] is None


def test_mentors_directory(own: tuple[TestClient, Settings]) -> None:
    client, _ = own
    everyone = client.get("/api/v1/mentors", params={"per_page": 5}).json()
    assert everyone["items"] and everyone["total"] >= len(everyone["items"])
    assert all(m["role"] in ("dermatologist", "resident") for m in everyone["items"])
    body = client.get("/api/v1/mentors", params={"q": "fictional"}).json()
    handles = [m["handle"] for m in body["items"]]
    assert sorted(handles) == ["fictional_pi", "fictional_res"]  # not the one who opted out
    assert body["total"] == 2 and body["has_next"] is False
    pi = body["items"][handles.index("fictional_pi")]
    assert pi["interests"] == ["hair"] and pi["signals"]["trainee_replies"] == 4
    assert pi["signals"]["trainee_reply_posts"] == ["x:1"]
    residents = client.get("/api/v1/mentors", params={"role": "resident", "q": "fictional"})
    assert [m["handle"] for m in residents.json()["items"]] == ["fictional_res"]
    on_hair = client.get("/api/v1/mentors", params={"topic": "hair", "q": "fictional"}).json()
    assert [m["handle"] for m in on_hair["items"]] == ["fictional_pi"]
    assert client.get("/api/v1/mentors", params={"role": "wizard"}).status_code == 422


def test_match_needs_a_profile_then_ranks(own: tuple[TestClient, Settings]) -> None:
    client, settings = own
    service.tracking.forget_profile(settings)
    missing = client.get("/api/v1/match")
    assert missing.status_code == 404
    error = error_of(missing)
    assert error["code"] == "no_profile" and "profile" in str(error["message"])
    service.tracking.save_profile(settings, TraineeProfile(stage="MS2", goals=["research"],
                                                   interests=["hair"]))
    found = client.get("/api/v1/match", params={"limit": 5,
                                                "today": "2025-11-01T12:00:00Z"}).json()
    assert found["mentors"] and all(m["reasons"] for m in found["mentors"])
    assert found["opportunities"] and len(found["opportunities"]) <= 5
    scores = [o["score"] for o in found["opportunities"]]
    assert scores == sorted(scores, reverse=True)
    assert all(o["reasons"] for o in found["opportunities"])
    fit = client.get("/api/v1/opportunities", params={"sort": "fit"}).json()
    # The calls still open today rank first, best fit first; the rest follow unscored.
    fitted = [i for i in fit["items"] if i["fit"] is not None]
    assert fit["items"][:len(fitted)] == fitted
    assert [i["fit"] for i in fitted] == sorted((i["fit"] for i in fitted), reverse=True)
    hostile = next(i for i in fitted if i["text"] == HOSTILE_TEXT)
    assert "a research collaboration opportunity, as you asked" in hostile["fit_reasons"]
    now = client.get("/api/v1/match", params={"limit": 5}).json()  # the page's fit, as of now
    assert now["mentors"] and [o["id"] for o in now["opportunities"]] == \
        [i["id"] for i in fitted[:5]]
    assert [o["score"] for o in now["opportunities"]] == \
        pytest.approx([i["fit"] for i in fitted[:5]])
    service.tracking.forget_profile(settings)


def test_insights_figures(client: TestClient) -> None:
    body = client.get("/api/v1/insights", params={"period": "year", "examples": 2}).json()
    assert body["period"] == "year" and body["opportunities"] > 0
    assert sum(p["total"] for p in body["timeline"]) == body["opportunities"]
    labels = {row["label"] for row in body["table"]}
    assert labels == set(body["labels"])
    assert all(len(row["examples"]) <= 2 for row in body["table"])
    assert all(e["url"] is None or e["url"].startswith(("https://", "http://"))
               for row in body["table"] for e in row["examples"])
    assert client.get("/api/v1/insights", params={"period": "decade"}).status_code == 422


def test_a_readable_reference_of_the_api(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "<script>" not in response.text  # the strict CSP holds: no inline script
    for route in ("GET /api/v1/opportunities", "GET /api/v1/mentors", "GET /api/v1/match",
                  "GET /api/v1/events", "GET /api/v1/insights"):
        assert route in response.text
    assert "research_collaboration" in response.text  # the choices a parameter takes
