"""The command line: every command has help, errors are one sentence, output is usable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mentorfeed.cli import app
from mentorfeed.config import Settings

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mentorfeed", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


@pytest.mark.parametrize("command", ["import", "stats", "search", "demo", "serve"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) > 3


def test_import_stats_and_search(tmp_path: Path, formats: Path) -> None:
    db = tmp_path / "cli.db"
    result = run("--db", str(db), "import", *[str(p) for p in sorted(formats.glob("*.js*"))])
    assert result.returncode == 0, result.stderr
    assert "new" in result.stdout and "0 skipped" in result.stdout
    stats = json.loads(run("--db", str(db), "stats", "--json").stdout)
    assert stats["posts"] > 20 and set(stats["by_platform"]) == {"x", "bluesky", "mastodon"}
    assert stats["authors"] > 5 and stats["posts"] == sum(stats["by_platform"].values())
    found = run("--db", str(db), "search", "clinic list", "--json").stdout.splitlines()
    assert found and all("clinic list" in json.loads(line)["text"].lower() for line in found)
    human = run("--db", str(db), "search", "mentor", "--platform", "bluesky", "--limit", "2")
    assert human.returncode == 0 and "bsky.app/profile/" in human.stdout


def test_bad_input_exits_non_zero_with_file_and_line(tmp_path: Path, formats: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes((formats / "twarc2_page.jsonl").read_bytes()[:-200])
    result = run("--db", str(tmp_path / "x.db"), "import", str(broken))
    assert result.returncode == 1
    assert f"{broken}:2: not valid JSON" in result.stderr.replace("\n", "")
    assert "1 skipped" in result.stdout and "Traceback" not in result.stderr


def test_errors_are_one_sentence_unless_debug(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("--db", f"sqlite:///{blocker}/sub/x.db", "stats")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: Cannot open the database")
    debug = run("--debug", "--db", f"sqlite:///{blocker}/sub/x.db", "stats")
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    bad_date = run("--db", str(tmp_path / "ok.db"), "search", "x", "--since", "March")
    assert bad_date.returncode == 1 and "--since takes a date" in bad_date.stderr


def test_database_url_comes_from_the_environment(tmp_path: Path, formats: Path) -> None:
    db = tmp_path / "env.db"
    env = {"MENTORFEED_DATABASE_URL": f"sqlite:///{db}"}
    assert run("import", str(formats / "x_v1_1_tweet.json"), env=env).returncode == 0
    assert db.exists()
    assert json.loads(run("stats", "--json", env=env).stdout)["posts"] == 5


def test_demo_without_serving_builds_the_store_and_says_how_to_serve(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo.db").is_file()
    assert f"mentorfeed --db {tmp_path / 'demo.db'} serve" in result.output.replace("\n", "")
    assert "The web app is at" not in result.output


@pytest.mark.parametrize("option", ["--due-within", "--limit"])
def test_numbers_past_the_calendar_mean_everything(demo_settings: Settings,
                                                   option: str) -> None:
    """`--due-within 3000000` reaches past the year 9999 and a 20-digit `--limit` past what the
    database takes: both ask for everything there is, not for an OverflowError."""
    db = demo_settings.database_url
    base = ["--due-within", "36500"] if option == "--due-within" else ["--limit", "100000"]
    listed = run("--db", db, "opportunities", "--json", *base)
    assert listed.returncode == 0, listed.stderr
    for huge in ("3000000", "99999999999999999999"):
        result = run("--db", db, "opportunities", "--json", option, huge)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert result.stdout == listed.stdout


def test_a_search_limit_past_what_the_database_takes_means_everything(
        demo_settings: Settings) -> None:
    db = demo_settings.database_url
    everything = run("--db", db, "search", "mentor", "--limit", "100000")
    huge = run("--db", db, "search", "mentor", "--limit", "99999999999999999999")
    assert huge.returncode == 0 and huge.stderr == "", huge.stderr
    assert huge.stdout == everything.stdout and "mentor" in huge.stdout.lower()


def test_a_deadline_window_reaching_back_past_year_one_finds_nothing(
        demo_settings: Settings) -> None:
    result = run("--db", demo_settings.database_url, "opportunities", "--due-within", "-3000000")
    assert result.returncode == 0 and "Error" not in result.stderr
    assert "No opportunities match" in result.stdout


@pytest.mark.parametrize(("command", "option"), [
    ("opportunities", "--until"), ("opportunities", "--since"), ("search", "--until"),
])
def test_the_widest_dates_leave_everything_in(demo_settings: Settings, command: str,
                                              option: str) -> None:
    day = "9999-12-31" if option == "--until" else "0001-01-01"
    args = [command, "--json", "--limit", "1000"] + (["mentor"] if command == "search" else [])
    everything = run("--db", demo_settings.database_url, *args)
    widest = run("--db", demo_settings.database_url, *args, option, day)
    assert widest.returncode == 0 and widest.stderr == "", widest.stderr
    assert widest.stdout == everything.stdout and everything.stdout
