"""The application factory: settings, security, errors, static files, and every router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.service.posts import Store
from mentorfeed.web import api_v1, curation_pages, errors, feeds, pages, people_pages
from mentorfeed.web.security import SecurityMiddleware

STATIC = Path(__file__).with_name("static")
# Threads that run the blocking part of requests (queries, rendering), per process. Starlette's
# 40 let every waiting request take a thread, and forty threads taking turns at one
# interpreter lock make each request slower; SQLite needs only a few at once to keep the cores
# busy. A request beyond these waits its turn before it starts, not halfway through.
THREADS = 8


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The web app over the store named by `settings` (kept on `app.state.settings`), or over
    `store`, already open, which the caller keeps and closes. The stores the app opens itself
    are closed when it stops."""
    if store is not None:
        settings = replace(settings, database_url=store.url)
        service.opportunities.use_store(store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        service.opportunities.close_stores(keep=store)

    app = FastAPI(title="mentorfeed", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(SecurityMiddleware, allowed_hosts=settings.allowed_hosts)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # One line per router; each page module owns its routes.
    app.include_router(pages.router)
    app.include_router(api_v1.router)
    app.include_router(feeds.router)
    app.include_router(people_pages.router)
    app.include_router(curation_pages.router)
    return app


def app_from_environment() -> FastAPI:
    """The app over the store that MENTORFEED_DATABASE_URL names: what each uvicorn worker
    process imports (`mentorfeed serve` sets the variable before starting them)."""
    return create_app(Settings.load())
