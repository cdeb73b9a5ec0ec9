"""The web app answers only to its own names: a page on another site that points its own name
at 127.0.0.1 (DNS rebinding) can neither read the trainee's data nor change it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from mentorfeed.config import Settings
from mentorfeed.web import create_app
from mentorfeed.web.security import CSRF_COOKIE

BASE = "http://127.0.0.1:8000"
EVIL = "evil.example:8000"


def test_a_page_asked_for_by_another_name_is_refused(client: TestClient) -> None:
    page = client.get("/opportunities", headers={"Host": EVIL})
    assert page.status_code == 400
    assert "answers only to its own names" in page.text
    assert "<h1>Opportunities</h1>" not in page.text
    assert CSRF_COOKIE not in page.headers.get("set-cookie", "")  # no token for that name
    api = client.get("/api/v1/opportunities", headers={"Host": EVIL})
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "bad_request"
    assert "items" not in api.json()
    assert client.get("/api/v1/me/profile", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "127.0.0.1", "localhost:5000",
                                  "LOCALHOST", "[::1]:8000"])
def test_the_loopback_names_on_any_port_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/opportunities", headers={"Host": host}).status_code == 200


def test_a_post_from_another_site_is_refused_whatever_its_host(client: TestClient,
                                                               csrf_token: str) -> None:
    form = {"csrf_token": csrf_token, "stage": "MS1"}
    for host in (EVIL, "127.0.0.1:8000"):  # rebound, or sent to us directly
        refused = client.post("/me/profile", data=form,
                              headers={"Host": host, "Origin": "http://evil.example:8000"})
        assert refused.status_code == 403, host
    assert client.post("/me/profile", data=form,
                       headers={"Origin": "null"}).status_code == 403


@pytest.fixture
def named_client(demo_settings: Settings) -> Iterator[TestClient]:
    settings = replace(demo_settings, allowed_hosts=("Mentorfeed.example.org", "10.0.0.5:8443"))
    with TestClient(create_app(settings), base_url="https://mentorfeed.example.org"
                    ) as opened:
        yield opened


def test_a_configured_name_is_answered_and_its_pages_may_post(named_client: TestClient
                                                              ) -> None:
    assert named_client.get("/opportunities").status_code == 200
    token = named_client.cookies[CSRF_COOKIE]
    saved = named_client.post("/me/profile/forget", data={"csrf_token": token},
                              headers={"Origin": "https://mentorfeed.example.org"},
                              follow_redirects=False)
    assert saved.status_code < 400
    assert named_client.get("/", headers={"Host": "10.0.0.5:8443"}).status_code == 200
    assert named_client.get("/", headers={"Host": "10.0.0.5:8000"}).status_code == 400
    assert named_client.get("/", headers={"Host": EVIL}).status_code == 400


def _get(url: str, host: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_serve_answers_to_allowed_host_names_in_every_worker(demo_settings: Settings) -> None:
    from test_serving import free_port

    port = free_port()
    command = [sys.executable, "-m", "mentorfeed", "serve", "--db", demo_settings.database_url,
               "--port", str(port), "--workers", "2", "--allowed-host", "derm.example"]
    environment = {**os.environ, "COLUMNS": "200"}
    environment.pop("MENTORFEED_ALLOWED_HOSTS", None)
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                          env=environment) as server:
        try:
            url = f"http://127.0.0.1:{port}/api/v1/opportunities"
            deadline = time.monotonic() + 30
            while True:
                try:
                    first = _get(url, f"derm.example:{port}")
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline
                    time.sleep(0.2)
            answers = {_get(url, f"derm.example:{port}") for _ in range(6)} | {first}
            assert answers == {200}
            assert {_get(url, f"evil.example:{port}") for _ in range(6)} == {400}
        finally:
            server.terminate()
