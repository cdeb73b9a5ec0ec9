"""The application factory: settings, security, errors, static files, and every router."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.service.posts import Store
from mentorfeed.web import api_v1, curation_pages, errors, feeds, pages, people_pages, rendering
from mentorfeed.web.security import SecurityMiddleware

STATIC = Path(__file__).with_name("static")
# Threads that run the blocking part of requests (queries, rendering), per process. Starlette's
# 40 let every waiting request take a thread, and forty threads taking turns at one
# interpreter lock make each request slower; SQLite needs only a few at once to keep the cores
# busy. A request beyond these waits its turn before it starts, not halfway through.
THREADS = 8
WARM_AFTER_SECONDS = 1.0


def create_app(settings: Settings, store: Store | None = None, *,
               warm: bool = False) -> FastAPI:
    """The web app over the store named by `settings` (kept on `app.state.settings`), or over
    `store`, already open, which the caller keeps and closes. The stores the app opens itself
    are closed when it stops. With `warm`, what the people pages show is built in the
    background as the app starts (`mentorfeed serve` does this), not on their first visit."""
    if store is not None:
        settings = replace(settings, database_url=store.url)
        service.opportunities.use_store(store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        if warm:
            threading.Thread(target=_warm, args=(_app.state,), name="warm-up",
                             daemon=True).start()
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


def _warm(state: Any) -> None:
    """What the first visits would otherwise wait for, done in the background after a pause
    that leaves the first page a browser asks for to be made alone: every template compiled,
    and the people pages' view built from the store."""
    time.sleep(WARM_AFTER_SECONDS)
    rendering.compile_templates()
    service.people_view.warm(state)


def app_from_environment() -> FastAPI:
    """The app over the store that MENTORFEED_DATABASE_URL names: what each uvicorn worker
    process imports (`mentorfeed serve` sets the variable before starting them)."""
    return create_app(Settings.load(), warm=True)
