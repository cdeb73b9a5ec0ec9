"""The web app: server-rendered pages, a JSON API and feeds over the library API.

`create_app` is loaded when first asked for, so that importing `mentorfeed.web.serve` (as the
CLI does for `serve` and `demo`) does not load FastAPI and every route on each command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mentorfeed.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from mentorfeed.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
