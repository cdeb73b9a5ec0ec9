"""Shared fixtures: a fresh store on each backend, the shared example payloads, a CLI runner."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.store import Store

ROOT = Path(__file__).resolve().parents[1]
# The shared example payloads sit beside the project (../shared); a clone elsewhere on the same
# machine finds them through MENTORFEED_SHARED or the workplace's usual place.
FORMATS = next((p / "formats" for p in (
    Path(os.environ.get("MENTORFEED_SHARED", ROOT.parent / "shared")), Path("/work/shared"))
    if (p / "formats").is_dir()), ROOT.parent / "shared" / "formats")
DATA = Path(__file__).resolve().parent / "data"
PG_ADMIN = os.environ.get("MENTORFEED_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def formats() -> Path:
    if not FORMATS.is_dir():
        pytest.skip(f"the shared example payloads are not at {FORMATS}")
    return FORMATS


@pytest.fixture(scope="session")
def engine_of() -> Callable[[Store], Engine]:
    """The store's private engine, for the few tests that must reach what no `Store` method
    offers (an older schema, a checkpoint before copying the file, a row written by hand).
    Everything else goes through the store's methods, as the code does."""
    def engine(store: Store) -> Engine:
        return store._engine
    return engine


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        yield store


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI but {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason}); set it up on 127.0.0.1:5432 to run these")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    try:
        import psycopg
    except ImportError:
        _postgres_unavailable("psycopg is not installed (pip install 'mentorfeed[postgres]')")
    try:
        with psycopg.connect(PG_ADMIN.replace("postgresql://", "postgresql://", 1),
                             connect_timeout=3):
            pass
    except psycopg.OperationalError as exc:
        _postgres_unavailable(str(exc).strip().splitlines()[0])
    return PG_ADMIN


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A database of its own, created for one test and dropped after it."""
    import psycopg

    name = f"mentorfeed_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same store contract, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with Store(url) as opened:
        yield opened


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The sample store, built once: tests may add saved items but never remove posts."""
    path, _, _ = service.demo.build_demo(tmp_path_factory.mktemp("web-demo") / "demo.db")
    yield Settings(database_url=sqlite_url(path))
    service.opportunities.close_stores()  # the pages keep one open store per database


@pytest.fixture(scope="session")
def demo_copy(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory
              ) -> Callable[[str], Settings]:
    """A fresh copy of the sample store, for a test module that changes it (a saved profile,
    imported posts)."""
    def copy(name: str) -> Settings:
        path = tmp_path_factory.mktemp(name) / "copy.db"
        source = sqlite3.connect(demo_settings.database_url.removeprefix("sqlite:///"))
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return Settings(database_url=sqlite_url(path))
    return copy
