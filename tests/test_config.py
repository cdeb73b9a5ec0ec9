"""Settings: every MENTORFEED_* variable is declared once, read only there, listed in the README,
and secrets are never shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentorfeed.config import Settings, settings_table
from mentorfeed.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "mentorfeed"
START, END = "<!-- settings table: start -->\n", "<!-- settings table: end -->"


def test_the_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split(START, 1)[1].split(END, 1)[0]
    assert listed == settings_table(), "run scripts/settings_table.py and paste its table"


def test_every_variable_the_code_names_is_declared() -> None:
    declared = set(re.findall(r"`(MENTORFEED_[A-Z_]+)`", settings_table()))
    named = {name for path in SRC.rglob("*.py")
             for name in re.findall(r"MENTORFEED_[A-Z_]+", path.read_text(encoding="utf-8"))}
    assert named <= declared


def test_only_config_reads_the_environment() -> None:
    reads = re.compile(r"os\.getenv|os\.environ\.get|environ\[[^\]]+\](?!\s*=[^=])")
    found = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
             if path.name != "config.py" and reads.search(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, {"answer_cache": True, "x_bearer_token": None, "x_api_url": "https://api.x.com"}),
    ({"MENTORFEED_ANSWER_CACHE": "0"}, {"answer_cache": False}),
    ({"MENTORFEED_ANSWER_CACHE": "off"}, {"answer_cache": False}),
    ({"MENTORFEED_ANSWER_CACHE": "1"}, {"answer_cache": True}),
    ({"MENTORFEED_DATA_DIR": "/srv/mf"}, {
        "data_dir": Path("/srv/mf"), "raw_dir": Path("/srv/mf/raw"),
        "database_url": "sqlite:////srv/mf/mentorfeed.db"}),
    ({"MENTORFEED_DATA_DIR": "/srv/mf", "MENTORFEED_RAW_DIR": "/archive"},
     {"raw_dir": Path("/archive")}),
    ({"MENTORFEED_DATABASE_URL": "postgresql://me@db/mf"},
     {"database_url": "postgresql://me@db/mf"}),
    ({"MENTORFEED_X_BEARER_TOKEN": "t0ken", "MENTORFEED_BLUESKY_URL": "http://127.0.0.1:9"},
     {"x_bearer_token": "t0ken", "bluesky_url": "http://127.0.0.1:9"}),
    ({"MENTORFEED_REAL_CORPUS": "/corpus"}, {"real_corpus": Path("/corpus")}),
])
def test_settings_from_the_environment(environ: dict[str, str],
                                       expected: dict[str, object]) -> None:
    settings = Settings.load(environ=environ)
    assert {name: getattr(settings, name) for name in expected} == expected


def test_a_flag_beats_the_environment(tmp_path: Path) -> None:
    settings = Settings.load(str(tmp_path / "flag.db"),
                             environ={"MENTORFEED_DATABASE_URL": "postgresql://me@db/mf"})
    assert settings.database_url == f"sqlite:///{tmp_path / 'flag.db'}"


def test_a_bad_database_url_is_one_sentence_without_its_password() -> None:
    with pytest.raises(ConfigError, match="Unsupported database URL") as raised:
        Settings.load(environ={"MENTORFEED_DATABASE_URL": "mysql://me:hunter2@db/mf"})
    assert "hunter2" not in str(raised.value)


def test_secrets_are_never_shown() -> None:
    settings = Settings.load(environ={"MENTORFEED_X_BEARER_TOKEN": "s3cret-x",
                                      "MENTORFEED_BLUESKY_APP_PASSWORD": "s3cret-sky",
                                      "MENTORFEED_MASTODON_TOKEN": "s3cret-masto"})
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)
    assert "s3cret" not in settings_table()
