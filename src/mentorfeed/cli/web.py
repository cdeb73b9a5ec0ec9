"""The web app command: serve the pages and the API over a store."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from typing import Annotated

import typer
from rich.text import Text

from mentorfeed.cli.app import app, console, errors, settings_of
from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# One Python process uses one core at a time; a worker per core lets pages be made in
# parallel. More than four mostly adds memory (each keeps its own caches) for one trainee.
MAX_DEFAULT_WORKERS = 4
APP_FACTORY = "mentorfeed.web.app:app_from_environment"


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_free(host: str, port: int) -> None:
    """Say clearly that the port is taken, before the server starts and fails."""
    if not 0 < port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, not {port}.")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror:
            raise ConfigError(f"Cannot serve on {host!r}: no such address.") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(f"Port {port} is in use on {host}; stop what uses it or pick "
                                  f"another with --port {port + 1}.") from None
            raise ConfigError(f"Cannot serve on {host}:{port} ({exc.strerror}).") from None


def serve_app(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
              workers: int | None = None) -> None:
    """Run the web app until Ctrl+C, in `workers` processes (default: one per core, at most
    MAX_DEFAULT_WORKERS)."""
    import uvicorn

    from mentorfeed.store import Store

    count = default_workers() if workers is None else workers
    if count < 1:
        raise ConfigError(f"--workers must be at least 1, not {count}.")
    if not is_loopback(host):
        errors.print(Text(
            f"Warning: serving on {host}, not {DEFAULT_HOST}. Anyone who can reach this "
            "address can read the store and change your profile and saved opportunities: "
            "mentorfeed has no login. Use this only on a network you trust.", style="yellow"))
    check_free(host, port)
    # Migrate once here, not in the first request of each worker (they would race).
    Store(settings.database_url).close()
    # Each worker is a fresh process that imports the app and reads the store's URL here.
    os.environ["MENTORFEED_DATABASE_URL"] = settings.database_url
    console.print(f"The web app is at [bold]{address(host, port)}[/] (Ctrl+C stops it; "
                  f"{count} worker process{'es' if count > 1 else ''}).")
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=count,
                log_level="warning", server_header=False, proxy_headers=False)


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
) -> None:
    """Serve the web app: browse, filter, save and track opportunities in your browser."""
    settings = Settings.load(db) if db else settings_of(ctx)
    serve_app(settings, host, port, workers)
