"""match, people, sessions and graph on the classified sample corpus, through the CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from mentorfeed.service.demo import build_demo


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mentorfeed", *args], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _, _ = build_demo(tmp_path_factory.mktemp("people") / "demo.db")
    return path


@pytest.mark.parametrize("command", ["match", "people", "sessions", "graph"])
def test_every_people_command_has_help(command: str) -> None:
    assert run(command, "--help").returncode == 0


def test_match_ranks_mentors_and_opportunities_with_reasons(demo: Path, tmp_path: Path) -> None:
    profile = tmp_path / "me.toml"
    profile.write_text('stage = "MS2"\ninterests = ["skin of color", "hair"]\n'
                       'goals = ["research", "urim_programs"]\n'
                       '[background]\nurim = true\n', encoding="utf-8")  # URiM-only calls too
    result = run("--db", str(demo), "match", "--profile", str(profile), "--today", "2025-02-01",
                 "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert 5 <= len(found["mentors"]) <= 10 and found["opportunities"]
    for mentor in found["mentors"]:
        assert mentor["role"] in ("dermatologist", "resident") and mentor["reasons"]
        assert {"platform", "handle", "score"} <= set(mentor)
    scores = [m["score"] for m in found["mentors"]]
    assert scores == sorted(scores, reverse=True)
    # Calls serving the goals come first (fewer fit since calls for other stages or
    # backgrounds are left out; the rest of the ten serve none).
    serving = [bool(set(c["labels"]) & {"research_collaboration", "urim_outreach"})
               for c in found["opportunities"]]
    assert sum(serving) >= 5 and serving == sorted(serving, reverse=True)
    for call in found["opportunities"]:
        assert call["url"] and call["reasons"]
        assert call["deadline"] is None or call["deadline"] >= "2025-02-01"
    supported = [p for m in found["mentors"] for r in m["reasons"] for p in r["posts"]]
    assert supported and all(p.startswith("http") for p in supported)  # real posts, linked


def test_sessions_rebuild_the_journal_clubs(demo: Path) -> None:
    result = run("--db", str(demo), "sessions")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("participants") >= 6 and "Q1:" in result.stdout


def test_graph_exports_gexf_and_csv(demo: Path, tmp_path: Path) -> None:
    result = run("--db", str(demo), "graph", "--gexf", str(tmp_path / "g.gexf"),
                 "--csv", str(tmp_path / "e.csv"))
    assert result.returncode == 0, result.stderr
    graph = nx.read_gexf(tmp_path / "g.gexf")
    assert graph.number_of_nodes() >= 200
    with (tmp_path / "e.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {"reply", "mention"} <= {r["kind"] for r in rows}


def test_people_lists_profiles(demo: Path) -> None:
    result = run("--db", str(demo), "people", "--role", "dermatologist", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(r["role"] == "dermatologist" for r in rows)


def test_sessions_to_come_are_listed_as_of_a_date(demo: Path) -> None:
    before = run("--db", str(demo), "sessions", "--upcoming", "--today", "2025-10-10")
    assert before.returncode == 0, before.stderr
    assert "2025-10-15 00:00 UTC #DermJC" in before.stdout  # Tues Oct 14, 8pm ET
    after = run("--db", str(demo), "sessions", "--upcoming", "--today", "2026-10-10")
    assert "No announced sessions to come." in after.stdout
