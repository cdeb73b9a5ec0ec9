"""watch: every source on its interval, failures isolated, new posts classified."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from mentorfeed import service
from mentorfeed.collect.community import Community
from mentorfeed.collect.polite import Politeness
from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError
from mentorfeed.service import collecting

from .conftest import FakeX
from .fakes import Answer, Clock


def community(queries: list[str]) -> Community:
    return Community("test", {"x": {"queries": queries, "interval_minutes": 1}}, [], [])


def test_a_watch_run_rides_out_a_429_and_an_outage(fake_x: FakeX, tmp_path: Path,
                                                   clock: Clock) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}",
                        raw_dir=tmp_path / "raw", x_bearer_token=fake_x.token)
    newest, *older = fake_x.tweets
    fake_x.tweets = older
    log: list[dict[str, Any]] = []
    statuses: list[str] = []

    def make(source: str, hint: str) -> Politeness:
        return Politeness(source, auth_hint=hint, sleep=clock.sleep, now=clock.now,
                          jitter=lambda: 0.5)

    def on_cycle(cycle: Any) -> None:
        statuses.append(cycle.status())
        if cycle.number == 1:  # between cycles: a new post, a 429, then a long outage
            fake_x.tweets = [newest, *older]
            fake_x.server.faults.append(Answer(429, {"status": 429}, {
                "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(clock.now()) + 20)}))
            fake_x.server.faults.extend([Answer(503, b"down")] * 5)

    started = time.perf_counter()
    total = collecting.watch(
        settings,
        community(["#DermTwitter", "#DermJC"]),
        make_politeness=make,
        cycles=4,
        log=log.append,
        on_cycle=on_cycle,
        sleep=clock.sleep,
        now=clock.now,
    )
    elapsed = time.perf_counter() - started
    print("\n".join(statuses), f"\n4 cycles in {elapsed:.2f}s", sep="")
    assert total == len(older) + 1
    failed = [r for r in log if r["event"] == "failed"]
    assert failed and "kept failing" in failed[0]["error"]
    assert any("failed" in s for s in statuses) and statuses[-1].endswith("new")
    collected = [r for r in log if r["event"] == "collected"]
    assert {r["source"] for r in collected} == {"x '#DermTwitter'", "x '#DermJC'"}
    with service.posts.open_store(settings) as store:
        assert store.count_to_classify() == 0  # what arrived was classified
        assert store.get_post("x", newest["id"]) is not None


def test_nothing_to_watch_is_one_clear_error(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORFEED_X_BEARER_TOKEN", raising=False)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", raw_dir=tmp_path / "r")
    with pytest.raises(ConfigError, match="Nothing to watch"):
        collecting.watch(settings, community(["#DermTwitter"]),
                  make_politeness=lambda s, h: Politeness(s), cycles=1)


def test_watch_runs_every_platform_side_by_side(
        fake_x: FakeX, fake_bluesky: Any, fake_mastodon: Any, tmp_path: Path,
        clock: Clock) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'all.db'}",
                        raw_dir=tmp_path / "raw")
    config = Community("all", {
        "x": {"queries": ["#DermTwitter"], "interval_minutes": 1},
        "bluesky": {"tags": ["dermsky"], "interval_minutes": 1},
        "mastodon": {"instances": [fake_mastodon.url], "tags": ["DermTwitter"],
                     "interval_minutes": 1}}, [], [])
    log: list[dict[str, Any]] = []
    statuses: list[str] = []

    def on_cycle(cycle: Any) -> None:
        statuses.append(cycle.status())
        if cycle.number == 1:  # X goes down for a while: the others carry on
            fake_x.server.faults.append(Answer(429, {"status": 429}, {
                "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(clock.now()) + 20)}))
            fake_x.server.faults.extend([Answer(503, b"down")] * 5)

    collecting.watch(settings, config, cycles=3, log=log.append, on_cycle=on_cycle,
                     sleep=clock.sleep, now=clock.now,
                     make_politeness=lambda source, hint: Politeness(
                         source, auth_hint=hint, sleep=clock.sleep, now=clock.now))
    for record in log:
        if record["event"] in ("collected", "failed"):
            print(record["source"], record.get("pages"), record.get("new"),
                  record.get("seconds"), record.get("error", ""))
    print("\n".join(statuses))
    collected = {r["source"] for r in log if r["event"] == "collected" and r["new"]}
    assert collected == {"x '#DermTwitter'", "bluesky #dermsky",
                         f"mastodon {fake_mastodon.url} #DermTwitter"}
    assert "x '#DermTwitter' failed" in statuses[1]
    assert "bluesky #dermsky 0 new" in statuses[1]  # nothing new, and not stopped by X
    with service.posts.open_store(settings) as store:
        assert set(store.stats().by_platform) == {"x", "bluesky", "mastodon"}
        assert store.count_to_classify() == 0


def test_a_setting_the_platform_does_not_know_names_its_table(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", raw_dir=tmp_path / "r")
    typo = Community("typo", {"mastodon": {"instance": ["https://med-mastodon.com"]}}, [], [])
    with pytest.raises(ConfigError, match=r"^\[mastodon\] in the community config has a "
                                          "setting mentorfeed does not know"):
        collecting.watch(settings, typo, make_politeness=lambda s, h: Politeness(s), cycles=1)
