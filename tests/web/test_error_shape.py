"""Every kind of failure on /api/v1 answers with the one error shape, and OpenAPI says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from mentorfeed.config import Settings, sqlite_url
from mentorfeed.web import create_app

BASE = "http://127.0.0.1:8000"


def assert_error(response: Response, status: int, code: str) -> str:
    """The response is `{"error": {"code", "status", "message"}}` and nothing else; returns the
    message, which is a sentence and never a traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "status", "message"}
    assert body["error"]["code"] == code and body["error"]["status"] == status
    message = body["error"]["message"]
    assert isinstance(message, str) and message.strip()
    assert "Traceback" not in response.text and 'File "' not in response.text
    return message


def test_an_unknown_route(client: TestClient) -> None:
    assert_error(client.get("/api/v1/nowhere"), 404, "not_found")


def test_an_unknown_opportunity(client: TestClient) -> None:
    assert "x:0" in assert_error(client.get("/api/v1/opportunities/x:0"), 404, "not_found")


def test_a_method_the_route_does_not_take(client: TestClient, csrf_token: str) -> None:
    response = client.put("/api/v1/opportunities", headers={"X-CSRF-Token": csrf_token})
    assert_error(response, 405, "method_not_allowed")


def test_a_post_without_its_token(client: TestClient) -> None:
    assert_error(client.post("/api/v1/posts/x/1/label", json={"labels": []}), 403, "forbidden")


@pytest.mark.parametrize("params", [{"label": "not_a_label"}, {"page": "0"},
                                    {"since": "yesterday"}])
def test_a_bad_parameter(client: TestClient, params: dict[str, str]) -> None:
    message = assert_error(client.get("/api/v1/opportunities", params=params), 422,
                           "invalid_request")
    assert next(iter(params)) in message


def test_a_search_with_nothing_to_look_for(client: TestClient) -> None:
    response = client.get("/api/v1/opportunities", params={"q": "-premed"})
    assert "word" in assert_error(response, 400, "bad_query")


def test_an_invalid_body(client: TestClient, csrf_token: str) -> None:
    response = client.post("/api/v1/posts/x/1/label", json={"labels": "research"},
                           headers={"X-CSRF-Token": csrf_token})
    assert "labels" in assert_error(response, 422, "invalid_request")


def test_an_unknown_label_in_a_correction(client: TestClient, csrf_token: str) -> None:
    post = client.get("/api/v1/opportunities", params={"per_page": 1}).json()["items"][0]["id"]
    platform, post_id = post.split(":", 1)
    response = client.post(f"/api/v1/posts/{platform}/{post_id}/label",
                           json={"labels": ["nope"]}, headers={"X-CSRF-Token": csrf_token})
    assert "Unknown label 'nope'" in assert_error(response, 400, "bad_correction")


def test_a_correction_of_an_unknown_post(client: TestClient, csrf_token: str) -> None:
    response = client.post("/api/v1/posts/x/404404404/label", json={"labels": []},
                           headers={"X-CSRF-Token": csrf_token})
    assert_error(response, 404, "not_found")


def test_a_match_without_a_profile(empty_client: TestClient) -> None:
    assert "profile" in assert_error(empty_client.get("/api/v1/match"), 404, "no_profile")


@pytest.fixture
def damaged_store(tmp_path: Path) -> Iterator[TestClient]:
    """An app over a file that is not a database."""
    path = tmp_path / "damaged.db"
    path.write_bytes(b"this is not a SQLite database, only some text " * 100)
    app = create_app(Settings(database_url=sqlite_url(path)))
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as opened:
        yield opened


def test_a_store_fault(damaged_store: TestClient) -> None:
    message = assert_error(damaged_store.get("/api/v1/opportunities"), 500, "store_fault")
    assert "damaged.db" not in message  # a fault's sentence names no file


def test_a_model_fault(client: TestClient, csrf_token: str, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged trained model: the correction cannot be made, and nothing is saved."""
    model = tmp_path / "model" / "model.json"
    model.parent.mkdir()
    model.write_text("{not json")
    monkeypatch.setenv("MENTORFEED_DATA_DIR", str(tmp_path))
    post = client.get("/api/v1/opportunities", params={"per_page": 1}).json()["items"][0]
    platform, post_id = post["id"].split(":", 1)
    response = client.post(f"/api/v1/posts/{platform}/{post_id}/label",
                           json={"labels": []}, headers={"X-CSRF-Token": csrf_token})
    message = assert_error(response, 500, "model_fault")
    assert str(tmp_path) not in message
    monkeypatch.delenv("MENTORFEED_DATA_DIR")
    again = client.get(f"/api/v1/opportunities/{post['id']}").json()["opportunity"]
    assert again["labels"] == post["labels"]


def test_a_crash(demo_settings: Settings) -> None:
    crashing = create_app(demo_settings)

    @crashing.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret detail /home/someone/.env")

    with TestClient(crashing, base_url=BASE, raise_server_exceptions=False) as opened:
        response = opened.get("/api/v1/boom")
    assert "secret" not in assert_error(response, 500, "internal_error")


def test_the_pages_keep_their_friendly_errors(client: TestClient) -> None:
    page = client.get("/nowhere")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address" in page.text


def test_openapi_documents_the_shape(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "status", "message"}
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, methods in schema["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == error_ref, (
                        method, path, status)
            assert {"422", "500"} <= set(operation["responses"]), (method, path)


# -- dates and page numbers at the edges of what they can hold (issue 14, #9) ------------------

@pytest.mark.parametrize("params", [
    {"until": "9999-12-31"}, {"since": "0001-01-01"},
    {"since": "0001-01-01", "until": "9999-12-31"},
])
def test_the_widest_dates_leave_every_call_in(client: TestClient,
                                              params: dict[str, str]) -> None:
    everything = client.get("/api/v1/opportunities", params={"open_only": "false"}).json()
    widest = client.get("/api/v1/opportunities", params={**params, "open_only": "false"})
    assert widest.status_code == 200, widest.text
    assert [i["id"] for i in widest.json()["items"]] == [i["id"] for i in everything["items"]]
    assert widest.json()["total"] == everything["total"]


def test_the_last_day_as_both_ends_finds_nothing(client: TestClient) -> None:
    found = client.get("/api/v1/opportunities",
                       params={"since": "9999-12-31", "until": "9999-12-31"})
    assert found.status_code == 200 and found.json()["items"] == []


@pytest.mark.parametrize("path", ["/api/v1/mentors", "/api/v1/sessions"])
def test_a_huge_page_number_is_a_bad_parameter(client: TestClient, path: str) -> None:
    message = assert_error(client.get(path, params={"page": "99999999999999999999"}), 422,
                           "invalid_request")
    assert "page" in message


def test_a_year_past_9999_is_a_bad_parameter(client: TestClient) -> None:
    message = assert_error(client.get("/api/v1/opportunities", params={"until": "10000-01-01"}),
                           422, "invalid_request")
    assert "until" in message
