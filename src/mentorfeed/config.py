"""One typed settings object. Precedence: CLI flag, then MENTORFEED_* environment, then default.

Every setting is declared once, in `Settings`, with its environment variable and its help; no
other module reads the environment, so this class is the whole list (the README's table is
printed from it by `settings_table`). Secrets are kept out of `repr` and never shown.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_path

from mentorfeed.errors import ConfigError

PREFIX = "MENTORFEED_"
_OFF = ("0", "false", "no", "off")


def _about(help: str, *, secret: bool = False, default_text: str | None = None
           ) -> dict[str, object]:
    """A setting's metadata: its help, whether it is a secret (kept out of `repr` too), and
    for a computed default, what it is in words."""
    return {"help": help, "secret": secret, "default_text": default_text}


@functools.cache  # asked on every load; the platform's folder does not move while we run
def _default_data_dir() -> Path:
    return user_data_path("mentorfeed", appauthor=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the library needs to know about its environment."""

    data_dir: Path = field(default_factory=_default_data_dir, metadata=_about(
        "Folder of the default store, the raw pages and a trained model",
        default_text="the platform's data folder (~/.local/share/mentorfeed on Linux)"))
    database_url: str = field(default="", metadata=_about(
        "The store: a path or a SQLAlchemy URL (sqlite:///..., postgresql://...)",
        default_text="mentorfeed.db in the data folder"))
    raw_dir: Path = field(default=None, metadata=_about(  # type: ignore[assignment]
        "Where raw collected pages are archived", default_text="raw/ in the data folder"))
    answer_cache: bool = field(default=True, metadata=_about(
        "Keep answers to repeated queries until the store changes (0 turns it off)"))
    real_corpus: Path | None = field(default=None, metadata=_about(
        "The labelled real corpus for evaluation",
        default_text="corpus/real/ of this checkout, if there is one"))
    x_api_url: str = field(default="https://api.x.com", metadata=_about(
        "The X API to collect from"))
    x_bearer_token: str | None = field(default=None, repr=False, metadata=_about(
        "X API bearer token, needed to collect from X", secret=True))
    bluesky_url: str = field(default="https://bsky.social", metadata=_about(
        "The Bluesky server (PDS) to search"))
    bluesky_handle: str | None = field(default=None, metadata=_about(
        "Bluesky handle to log in with for search"))
    bluesky_app_password: str | None = field(default=None, repr=False, metadata=_about(
        "Bluesky app password for that handle", secret=True))
    jetstream_url: str = field(
        default="wss://jetstream2.us-east.bsky.network/subscribe",
        metadata=_about("The Jetstream firehose to follow"))
    mastodon_token: str | None = field(default=None, repr=False, metadata=_about(
        "Mastodon access token (public tag timelines need none on most servers)", secret=True))
    allowed_hosts: tuple[str, ...] = field(default=(), metadata=_about(
        "Names the web app answers to besides 127.0.0.1, localhost and [::1], comma-separated "
        "(e.g. mentorfeed.example.org, or 192.168.1.5:8000); any other Host gets a 400",
        default_text="none"))
    max_input_mb: int = field(default=512, metadata=_about(
        "The largest file in an archive, or answer from a server, that is read (MB, "
        "uncompressed); a bigger one is refused"))
    max_post_kb: int = field(default=100, metadata=_about(
        "The longest post text kept (KB); a longer one is cut, with a warning"))
    max_rate_limit_wait: int = field(default=3600, metadata=_about(
        "The longest rate-limit wait (seconds) a collector sits out; a longer one ends the run"))
    request_timeout: int = field(default=120, metadata=_about(
        "The longest one request to a server may take in all (seconds), however it trickles"))
    batch_size: int = field(default=2000, metadata={"env": False})

    def __post_init__(self) -> None:
        # Paths that follow the data folder unless set are filled in here (frozen: hence the
        # object.__setattr__), so that `replace` keeps them.
        if not self.database_url:
            object.__setattr__(self, "database_url",
                               sqlite_url(self.data_dir / "mentorfeed.db"))
        if self.raw_dir is None:
            object.__setattr__(self, "raw_dir", self.data_dir / "raw")

    @classmethod
    def load(cls, database_url: str | None = None,
             environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from a CLI value, else the environment, else the defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in _declared():
            text = env.get(variable(spec))
            if text:
                values[spec.name] = _parse(spec.type, text, variable(spec))
        url = database_url or values.pop("database_url", None)
        settings = cls(**values)
        if url is None:
            return settings
        if "://" not in url:  # a bare path means a SQLite file
            url = sqlite_url(Path(url).expanduser().resolve())
        if not url.startswith(("sqlite", "postgresql")):
            raise ConfigError(
                f"Unsupported database URL {redact(url)!r}: use sqlite:///path.db or "
                "postgresql://user@host/db.")
        return replace(settings, database_url=url)


@functools.cache
def _declared() -> tuple[Field[Any], ...]:
    """The settings read from the environment, in the order they are declared."""
    return tuple(spec for spec in fields(Settings) if spec.metadata.get("env", True))


def variable(spec: Field[Any]) -> str:
    """The environment variable of a setting: MENTORFEED_ and its name in capitals."""
    return PREFIX + spec.name.upper()


def _parse(kind: object, text: str, name: str) -> object:
    """A variable's text as its setting's type (annotations are strings here)."""
    if kind == "bool":
        return text.strip().lower() not in _OFF
    if str(kind).startswith("Path"):
        return Path(text).expanduser()
    if str(kind).startswith("tuple"):
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f"{name} takes a whole number, not {text!r}.") from None
    return text


def settings_table() -> str:
    """The README's table of settings (Markdown), from the declarations above; secrets show
    only that they are secret."""
    lines = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    for spec in _declared():
        meta = spec.metadata
        if meta["default_text"]:
            default = str(meta["default_text"])
        elif spec.default is None:
            default = "not set"
        else:
            default = f"`{spec.default}`".replace("`True`", "`1`")
        secret = " (secret: never logged or shown)" if meta["secret"] else ""
        lines.append(f"| `{variable(spec)}` | {default} | {meta['help']}{secret} |")
    return "\n".join(lines) + "\n"


_session_secrets: set[str] = set()


def remember_secret(value: str | None) -> None:
    """A secret learnt while running (a session token), to be scrubbed like the settings'."""
    if value and len(value) >= 6:
        _session_secrets.add(value)


def scrub_secrets(text: str, settings: Settings | None = None) -> str:
    """`text` with every configured secret (the settings marked secret) and every session
    token learnt while running replaced by `***`: what a server echoes back, an error or a log
    line, is safe to show."""
    secret_fields = [spec for spec in fields(Settings) if spec.metadata.get("secret")]
    if settings is not None:
        secrets = {getattr(settings, spec.name) for spec in secret_fields}
    else:  # straight from the environment: an error about another setting must show too
        secrets = {os.environ.get(variable(spec)) for spec in secret_fields}
    secrets |= _session_secrets
    for secret in sorted((s for s in secrets if isinstance(s, str) and len(s) >= 6),
                         key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def redact(url: str) -> str:
    """A URL safe to print: the password, if any, is replaced."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        if ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":***"
        return f"{scheme}://{credentials}@{host}"
    return url
