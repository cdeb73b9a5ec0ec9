"""Fixtures for the web app: one demo store per session, and a browser-like client over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.web import create_app
from mentorfeed.web.security import CSRF_COOKIE

BASE = "http://127.0.0.1:8000"
HOSTILE = Path(__file__).resolve().parents[1] / "data" / "web" / "hostile_x_v2.json"


@pytest.fixture(scope="session")
def hostile_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A store of hostile posts and profiles (markup, javascript: links, control characters),
    imported and classified like any other."""
    path = tmp_path_factory.mktemp("web-hostile") / "hostile.db"
    settings = Settings(database_url=sqlite_url(path))
    service.posts.import_files(settings, [HOSTILE])
    service.classifying.classify_store(settings)
    return settings


@pytest.fixture
def hostile_client(hostile_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(hostile_settings), base_url=BASE) as opened:
        yield opened


@pytest.fixture(scope="session")
def demo_app(demo_settings: Settings) -> object:
    return create_app(demo_settings)


@pytest.fixture
def client(demo_app: object) -> Iterator[TestClient]:
    """A fresh client (its own cookies) over the shared demo app."""
    with TestClient(demo_app, base_url=BASE) as opened:  # type: ignore[arg-type]
        yield opened


@pytest.fixture
def csrf_token(client: TestClient) -> str:
    """The CSRF token `client` holds after loading a page, as a browser would."""
    client.get("/opportunities")
    return str(client.cookies[CSRF_COOKIE])


@pytest.fixture
def empty_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client over a store of its own with nothing in it (for tests that change the trainee's
    profile, which the shared demo store must not carry from test to test)."""
    with TestClient(create_app(Settings(database_url=sqlite_url(tmp_path / "empty.db"))),
                    base_url=BASE) as opened:
        yield opened
