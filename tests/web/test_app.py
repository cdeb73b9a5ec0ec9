"""The application factory: an app over the store its settings name, or over a store it is
handed, which stays its caller's to close."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.store import Store
from mentorfeed.web import create_app

BASE = "http://127.0.0.1:8000"


def test_the_app_serves_a_store_it_is_handed_and_leaves_it_open(demo_settings: Settings,
                                                               tmp_path: Path) -> None:
    nowhere = tmp_path / "never-made.db"
    with Store(demo_settings.database_url) as store:
        app = create_app(Settings(database_url=sqlite_url(nowhere)), store=store)
        with TestClient(app, base_url=BASE) as web:
            items = web.get("/api/v1/opportunities").json()["items"]
            assert items and all(item["labels"] for item in items)
            assert service.opportunities.store_for(app.state.settings) is store
        assert store.stats().posts > 0  # still open after the app stopped: the caller's
    assert not nowhere.exists()
