"""The web app command: serve the pages and the API over a store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from mentorfeed.cli.app import app, console, errors, settings_of
from mentorfeed.cli.hosts import AllowedHostOption, with_allowed
from mentorfeed.config import Settings
from mentorfeed.web.serve import DEFAULT_HOST, DEFAULT_PORT, MAX_DEFAULT_WORKERS, serve_app


def say(message: str) -> None:
    console.print(Text(message))  # as text: an IPv6 address in [brackets] is not markup


def warn(message: str) -> None:
    errors.print(Text(message, style="yellow"))


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(
        help="Address to listen on. The default serves only this computer; another address "
        "lets others on the network reach the app (no login!).")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database to serve (overrides the global --db): a SQLAlchemy URL or a "
        "path.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Server processes (default: one per CPU core, at most "
        f"{MAX_DEFAULT_WORKERS}). More answer more people at once.")] = None,
    allowed_host: AllowedHostOption = None,
) -> None:
    """Serve the web app: browse, filter, save and track opportunities in your browser."""
    settings = Settings.load(db) if db else settings_of(ctx)
    serve_app(with_allowed(settings, allowed_host), host, port, workers, say=say, warn=warn)
