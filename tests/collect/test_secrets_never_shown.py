"""Secrets never printed: fake X, Bluesky and Mastodon servers that echo the credential back in
the body of a 400 or a 404; neither `mentorfeed collect`'s output nor `watch --log` holds it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import FakeBluesky, FakeMastodon, FakeX
from .fakes import Answer, Request

X_TOKEN = "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F"  # noqa: E501
MASTODON_TOKEN = "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"


def _mentorfeed(*args: str, data: Path) -> str:
    env = dict(os.environ, MENTORFEED_RAW_DIR=str(data / "raw"), MENTORFEED_DATA_DIR=str(data))
    done = subprocess.run([sys.executable, "-m", "mentorfeed", "--db", str(data / "s.db"),
                           *args], capture_output=True, text=True, env=env, timeout=120)
    return done.stdout + done.stderr


def _echo(status: int, secrets: Callable[[Request], str], ok: Callable[[Request], Answer]
          ) -> Callable[[Request], Answer]:
    """A handler that answers `status` with the request's credentials in its body."""
    def answer(request: Request) -> Answer:
        if request.method == "GET" and ("/timelines/" in request.path
                                        or "search" in request.path):
            return Answer(status, {"error": "InvalidRequest", "title": "Invalid Request",
                                   "message": f"cannot use {secrets(request)}",
                                   "detail": f"cannot use {secrets(request)}"})
        return ok(request)
    return answer


def _bearer(request: Request) -> str:
    return request.headers.get("authorization", "")


@pytest.mark.parametrize("status", [400, 404])
def test_no_collector_prints_a_token_a_server_echoes(
        status: int, fake_x: FakeX, fake_bluesky: FakeBluesky, fake_mastodon: FakeMastodon,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_X_BEARER_TOKEN", X_TOKEN)
    fake_x.token = X_TOKEN
    monkeypatch.setenv("MENTORFEED_MASTODON_TOKEN", MASTODON_TOKEN)
    fake_mastodon.token = MASTODON_TOKEN
    password = fake_bluesky.password
    fake_x.server.handler = _echo(status, _bearer, fake_x.answer)
    fake_mastodon.server.handler = _echo(status, _bearer, fake_mastodon.answer)
    fake_bluesky.server.handler = _echo(
        status, lambda r: f"{_bearer(r)} with app password {password}", fake_bluesky.answer)

    outputs = {
        "x": _mentorfeed("collect", "x", "--query", "#DermTwitter", data=tmp_path),
        "bluesky": _mentorfeed("collect", "bluesky", "--tag", "dermsky", data=tmp_path),
        "mastodon": _mentorfeed("collect", "mastodon", "--instance", fake_mastodon.url,
                                "--tag", "DermTwitter", data=tmp_path),
    }
    community = tmp_path / "community.toml"
    community.write_text(f"""name = "echo"
[x]
queries = ["#DermTwitter"]
[bluesky]
tags = ["dermsky"]
[mastodon]
instances = ["{fake_mastodon.url}"]
tags = ["DermTwitter"]
""")
    outputs["watch"] = _mentorfeed("watch", "--community", str(community), "--cycles", "1",
                                   "--log", str(tmp_path / "watch.jsonl"), data=tmp_path)
    outputs["watch --log"] = (tmp_path / "watch.jsonl").read_text()

    sessions = {_bearer(r).removeprefix("Bearer ") for r in fake_bluesky.server.requests
                if _bearer(r)}
    assert sessions  # the fake did log in: its session token was there to echo
    for name, output in outputs.items():
        assert "cannot use" in output, (name, output)  # the server's words are shown ...
        flat = output.replace("\n", "")  # as the terminal wrapped it, joined again
        for secret in (X_TOKEN, MASTODON_TOKEN, password, *sessions):
            assert secret[:16] not in flat, (name, output)  # ... with no secret, not a part
        assert "***" in output, (name, output)
