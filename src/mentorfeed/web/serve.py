"""Serving the web app: checks before it starts (the port, the address), and uvicorn in one
process or, on Linux, several worker processes that each listen on the port themselves."""

from __future__ import annotations

import errno
import ipaddress
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mentorfeed import service
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


def is_wildcard(host: str) -> bool:
    """Whether `host` listens on every address (0.0.0.0, ::), not one name."""
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def with_own_name(settings: Settings, host: str) -> Settings:
    """The settings with the address served on among the names the app answers to (serving
    on 192.168.1.5 answers to http://192.168.1.5:8000/), unless it is a loopback or wildcard
    address, which need no entry or cannot be one."""
    if is_loopback(host) or is_wildcard(host) or host in settings.allowed_hosts:
        return settings
    return replace(settings, allowed_hosts=(*settings.allowed_hosts, host))


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
              workers: int | None = None, *, say: Callable[[str], None] = print,
              warn: Callable[[str], None] = print) -> None:
    """Run the web app until Ctrl+C, in `workers` processes (default: one per core, at most
    MAX_DEFAULT_WORKERS); `say` and `warn` show the address and the warnings."""
    import uvicorn

    count = default_workers() if workers is None else workers
    if count < 1:
        raise ConfigError(f"--workers must be at least 1, not {count}.")
    if not is_loopback(host):
        warn(f"Warning: serving on {host}, not {DEFAULT_HOST}. Anyone who can reach this "
             "address can read the store and change your profile and saved opportunities: "
             "mentorfeed has no login. Use this only on a network you trust.")
    settings = with_own_name(settings, host)
    if is_wildcard(host) and not settings.allowed_hosts:
        warn("The app answers only to 127.0.0.1 and localhost: give the name or address "
             "others will open it by with --allowed-host.")
    check_free(host, port)
    # Migrate once here, not in the first request of each worker (they would race).
    service.posts.open_store(settings).close()
    # Each worker is a fresh process that imports the app and reads the store's URL here.
    os.environ["MENTORFEED_DATABASE_URL"] = settings.database_url
    os.environ["MENTORFEED_ALLOWED_HOSTS"] = ",".join(settings.allowed_hosts)
    say(f"The web app is at {address(host, port)} (Ctrl+C stops it; "
        f"{count} worker process{'es' if count > 1 else ''}).")
    if count > 1 and REUSE_PORT:
        run_workers(host, port, count)
        return
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=count,
                **SERVER_OPTIONS)


SERVER_OPTIONS: dict[str, Any] = {"log_level": "warning", "server_header": False,
                                  "proxy_headers": False}
# uvicorn's own workers share one listening socket, and whichever is quickest accepts a burst
# of connections: twenty browsers (or benchmark clients) that keep their connections open
# ended up fourteen on one worker and six on the other, which then idled. With SO_REUSEPORT
# (Linux) each worker listens on a socket of its own, from the moment it is ready, and the
# kernel spreads new connections over them.
REUSE_PORT = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")
READY_SECONDS = 120.0


def run_workers(host: str, port: int, count: int) -> None:
    """Run `count` worker processes until Ctrl+C, SIGTERM, or one of them stops."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(count)
    workers = [context.Process(target=_worker, args=(host, port, ready),
                               name=f"mentorfeed-web-{n}") for n in range(count)]

    def stop(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for worker in workers:
            worker.start()
        multiprocessing.connection.wait([w.sentinel for w in workers])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for worker in workers:
            worker.join(timeout=30)
    failed = [w.exitcode for w in workers if w.exitcode not in (0, -signal.SIGTERM, None)]
    if failed:
        raise ConfigError(f"A web worker stopped (exit code {failed[0]}); see the messages "
                          "above.")


def _worker(host: str, port: int, ready: Any) -> None:
    """One worker process: its own listening socket on the shared port, and uvicorn on it."""
    import uvicorn

    config = uvicorn.Config(APP_FACTORY, factory=True, host=host, port=port, **SERVER_OPTIONS)
    config.load()  # import and build the app first: that is most of a worker's start-up
    # Then listen when every worker can: the first one up would otherwise get every
    # connection opened meanwhile, and keep them.
    ready.wait(timeout=READY_SECONDS)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    uvicorn.Server(config).run(sockets=[sock])
