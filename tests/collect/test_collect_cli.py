"""`mentorfeed collect` and `forget` through the registry, against the fake X API."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mentorfeed.cli import app
from mentorfeed.errors import AuthError

from .conftest import FakeX

runner = CliRunner()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MENTORFEED_RAW_DIR", str(tmp_path / "raw"))
    return tmp_path


def test_collect_x_reports_pages_and_posts_then_resumes(fake_x: FakeX, data: Path) -> None:
    newest, *older = fake_x.tweets
    fake_x.tweets = older
    db = str(data / "cli.db")
    first = runner.invoke(app, ["--db", db, "collect", "x", "--query", "#DermTwitter"])
    pages = -(-len(older) // 100)
    assert first.exit_code == 0, first.output
    assert f"X: {pages} pages, {len(older)} posts ({len(older)} new)." in first.output
    fake_x.tweets = [newest, *older]
    second = runner.invoke(app, ["--db", db, "collect", "x", "--query", "#DermTwitter"])
    assert "X: 1 pages, 1 posts (1 new)." in second.output
    assert list((data / "raw" / "x").glob("*.jsonl"))


def test_a_refused_token_is_one_sentence_naming_the_query(
        fake_x: FakeX, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_X_BEARER_TOKEN", "expired-secret-token")
    result = runner.invoke(app, ["--db", str(data / "cli.db"), "collect", "x",
                                 "--query", "#DermTwitter"])
    assert isinstance(result.exception, AuthError)  # the CLI's main makes it one line
    message = str(result.exception)
    assert message.startswith("X '#DermTwitter', page 1: X refused the credential (401)")
    assert "expired-secret-token" not in message
