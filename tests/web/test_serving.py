"""Serving many people at once: pages kept between requests stay right for each visitor, and
`mentorfeed serve --workers` runs the app in several processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

from fastapi.testclient import TestClient

from mentorfeed.config import Settings
from mentorfeed.web.rendering import TOKEN_STAND_IN
from mentorfeed.web.security import CSRF_COOKIE

BASE = "http://127.0.0.1:8000"

PAGE = "/opportunities?filtered=1&label=peer_mentorship"


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def saved_marks(html: str) -> list[str]:
    """The status each "Saved" mark shows ("Saved" itself, or "Saved · Ongoing")."""
    found = re.findall(r'class="saved-mark">Saved(?: · ([A-Za-z ]+?))?\s*·', html)
    return [status or "Saved" for status in found]


def test_a_kept_page_carries_each_visitors_own_token(demo_app: object) -> None:
    seen = []
    for _ in range(2):
        with TestClient(demo_app, base_url=BASE) as visitor:  # type: ignore[arg-type]
            first, again = visitor.get(PAGE).text, visitor.get(PAGE).text
            own = visitor.cookies[CSRF_COOKIE]
            assert tokens(first) == tokens(again) == {own}
            assert TOKEN_STAND_IN not in again
            seen.append(own)
    assert seen[0] != seen[1]


def test_a_page_shows_a_save_at_once_though_it_was_kept(client: TestClient,
                                                         csrf_token: str) -> None:
    before = client.get(PAGE).text
    opportunity_id = re.findall(r'name="opportunity_id" value="([^"]+)"', before)[0]
    marks = len(saved_marks(before))
    client.post("/saved", data={"csrf_token": csrf_token, "opportunity_id": opportunity_id})
    try:
        assert len(saved_marks(client.get(PAGE).text)) == marks + 1
        client.post("/saved/update", data={"csrf_token": csrf_token, "status": "ongoing",
                                           "opportunity_id": opportunity_id})
        assert "Ongoing" in saved_marks(client.get(PAGE).text)
    finally:
        client.post("/saved/remove", data={"csrf_token": csrf_token,
                                           "opportunity_id": opportunity_id})
    assert len(saved_marks(client.get(PAGE).text)) == marks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_from_several_worker_processes(demo_settings: Settings) -> None:
    port = free_port()
    command = [sys.executable, "-m", "mentorfeed", "serve", "--db", demo_settings.database_url,
               "--port", str(port), "--workers", "2"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "COLUMNS": "200"}) as server:
        try:
            assert server.stdout is not None
            assert "2 worker processes" in server.stdout.readline()
            page = fetch(server, f"http://127.0.0.1:{port}/opportunities")
            assert "<h1>Opportunities</h1>" in page
            assert '"items"' in fetch(server, f"http://127.0.0.1:{port}/api/v1/opportunities")
        finally:
            server.terminate()


def fetch(server: subprocess.Popen[str], url: str) -> str:
    """The body of a 200 answer, waiting (up to 30 s) for the server to start."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                assert answer.status == 200
                return str(answer.read().decode())
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
