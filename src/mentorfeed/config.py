"""One typed settings object. Precedence: CLI flag, then MENTORFEED_* environment, then default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_path

from mentorfeed.errors import ConfigError


def data_dir() -> Path:
    """Where the default store lives (MENTORFEED_DATA_DIR overrides the platform's folder)."""
    override = os.environ.get("MENTORFEED_DATA_DIR")
    return Path(override) if override else user_data_path("mentorfeed", appauthor=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the library needs to know about its environment."""

    database_url: str = field(default_factory=lambda: sqlite_url(data_dir() / "mentorfeed.db"))
    batch_size: int = 2000
    raw_dir: Path = field(default_factory=lambda: Path(
        os.environ.get("MENTORFEED_RAW_DIR") or data_dir() / "raw"))

    @classmethod
    def load(cls, database_url: str | None = None) -> Settings:
        """Settings from a CLI value, else the environment, else the defaults."""
        url = database_url or os.environ.get("MENTORFEED_DATABASE_URL")
        if url is None:
            return cls()
        if "://" not in url:  # a bare path means a SQLite file
            url = sqlite_url(Path(url).expanduser().resolve())
        if not url.startswith(("sqlite", "postgresql")):
            raise ConfigError(
                f"Unsupported database URL {redact(url)!r}: use sqlite:///path.db or "
                "postgresql://user@host/db.")
        return cls(database_url=url)


def redact(url: str) -> str:
    """A URL safe to print: the password, if any, is replaced."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        if ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":***"
        return f"{scheme}://{credentials}@{host}"
    return url

