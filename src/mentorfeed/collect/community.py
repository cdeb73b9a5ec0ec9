"""The community config (TOML): hashtags and queries per platform, hosts, polling intervals.

Each live platform's table (`[x]`, `[bluesky]`, ...) is kept as it is and read by that platform's
collector with its own settings class, so a new platform needs nothing here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from mentorfeed.errors import ConfigError

T = TypeVar("T")
SHARED = ("name", "journal_clubs", "people")  # every other table is a live platform's


@dataclass(frozen=True, slots=True)
class Community:
    name: str
    live: Mapping[str, Any]  # each live platform's table, read by its collector
    journal_club_hosts: list[str]
    journal_club_hashtags: list[str]
    opt_out: list[str] = field(default_factory=list)  # handles never to suggest as mentors

    def table(self, platform: str, settings: Callable[..., T]) -> T:
        """A live platform's table as its collector's settings; none means the defaults."""
        table = self.live.get(platform, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{platform}] in the community config must be a table.")
        try:
            return settings(**table)
        except TypeError as exc:
            raise ConfigError(f"[{platform}] in the community config has a setting mentorfeed "
                              f"does not know ({exc}).") from None


def default_text() -> str:
    return (resources.files("mentorfeed") / "data" / "community.toml").read_text("utf-8")


def load(path: Path | None = None) -> Community:
    """The community config at `path`, or the shipped dermatology default."""
    where = str(path) if path else "the default community config"
    try:
        text = path.read_text(encoding="utf-8") if path else default_text()
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"Cannot read {where} ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML ({exc}).") from None
    try:
        return Community(
            name=str(data.get("name", "unnamed community")),
            live={name: value for name, value in data.items() if name not in SHARED},
            journal_club_hosts=list(_section(data, "journal_clubs").get("hosts", [])),
            journal_club_hashtags=list(_section(data, "journal_clubs").get("hashtags", [])),
            opt_out=[str(h).lstrip("@") for h in _section(data, "people").get("opt_out", [])],
        )
    except TypeError as exc:
        raise ConfigError(f"{where} has a setting mentorfeed does not know ({exc}).") from None


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError(f"[{name}] in the community config must be a table.")
    return section


def write_starter(path: Path) -> None:
    """Write the default config to `path` for the user to edit (never overwrites)."""
    if path.exists():
        raise ConfigError(f"{path} already exists; edit it, or name another file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(default_text(), encoding="utf-8")
