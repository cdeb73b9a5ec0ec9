"""The --allowed-host option of the commands that serve the web app (serve, demo)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from mentorfeed.config import Settings

AllowedHostOption = Annotated[list[str] | None, typer.Option(
    "--allowed-host", help="Another name the app answers to besides 127.0.0.1 and localhost, "
    "e.g. the name of this computer on your network (repeatable; adds to "
    "MENTORFEED_ALLOWED_HOSTS). Requests for any other name are refused.")]


def with_allowed(settings: Settings, names: list[str] | None) -> Settings:
    """The settings with the names given by --allowed-host added."""
    return replace(settings, allowed_hosts=(*settings.allowed_hosts, *(names or ())))
