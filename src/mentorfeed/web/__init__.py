"""The web app: server-rendered pages, a JSON API and feeds over the library API."""

from mentorfeed.web.app import create_app

__all__ = ["create_app"]
