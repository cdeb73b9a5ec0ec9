"""The first /journal-clubs request after `mentorfeed serve` starts answers from what the app
built as it started, not by reading every post while the trainee waits."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from mentorfeed.config import Settings
from mentorfeed.web import app as web_app


def test_a_served_app_builds_the_people_pages_view_as_it_starts(
        demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_DATABASE_URL", demo_settings.database_url)
    monkeypatch.setattr(web_app, "WARM_AFTER_SECONDS", 0.0)
    served = web_app.app_from_environment()  # what each `mentorfeed serve` worker runs
    with TestClient(served, base_url="http://127.0.0.1:8000") as client:
        deadline = time.monotonic() + 60
        while getattr(served.state, "people_view", None) is None:  # no request made yet
            assert time.monotonic() < deadline, "the view was not built at start"
            time.sleep(0.05)
        built = served.state.people_view
        page = client.get("/journal-clubs")
        assert page.status_code == 200 and "Journal clubs" in page.text
        assert served.state.people_view is built  # answered from it, not built again


def test_an_app_made_for_a_test_or_a_script_builds_nothing_it_was_not_asked_for(
        demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_app, "WARM_AFTER_SECONDS", 0.0)
    app = web_app.create_app(demo_settings)
    with TestClient(app, base_url="http://127.0.0.1:8000"):
        time.sleep(0.3)
        assert getattr(app.state, "people_build", None) is None
