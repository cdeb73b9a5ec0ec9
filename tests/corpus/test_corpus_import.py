"""The shipped sample corpus goes through the real importers intact, and is up to date."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from mentorfeed.config import Settings, sqlite_url
from mentorfeed.service.demo import build_demo
from mentorfeed.service.posts import sample_files
from mentorfeed.store import Store

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "mentorfeed" / "data" / "corpus"
sys.path.insert(0, str(ROOT / "corpus"))

import records  # noqa: E402
import render  # noqa: E402

TAXONOMY = {"urim_outreach", "research_collaboration", "specialty_information",
            "peer_mentorship", "program_application", "journal_club"}


def _lines(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SHIPPED / name).read_text().splitlines()]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path, report, _ = build_demo(tmp_path_factory.mktemp("demo") / "demo.db")
    assert report.ok, [str(p) for p in report.problems]
    return Store(Settings(database_url=sqlite_url(path)).database_url)


def test_shipped_corpus_matches_the_written_records(tmp_path: Path) -> None:
    corpus = records.load(ROOT / "corpus")
    usable, _ = render.renderable(corpus, records.validate(corpus))
    render.render(usable, tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert fresh == sorted(p.relative_to(SHIPPED) for p in SHIPPED.rglob("*") if p.is_file())
    stale = [str(p) for p in fresh if (tmp_path / p).read_bytes() != (SHIPPED / p).read_bytes()]
    assert not stale, f"run `python corpus/render.py` to refresh {stale}"


def test_demo_imports_every_labelled_post(demo_store: Store) -> None:
    labels = _lines("labels.jsonl")
    assert len(labels) >= 2000 and len(sample_files()) > 10
    stats = demo_store.stats()
    assert stats.posts == len(labels) and stats.authors >= 200
    shares = {p: n / stats.posts for p, n in stats.by_platform.items()}
    assert 0.5 < shares["x"] < 0.6 and 0.25 < shares["bluesky"] < 0.35
    for row in labels:
        post = demo_store.get_post(row["platform"], row["id"])
        assert post is not None and post.matched, row["key"]
        assert post.author_id == row["author"], row["key"]
        assert set(row["labels"]) <= TAXONOMY
        for field in ("reply_to", "quote_of", "repost_of"):
            assert getattr(post, field) == row.get(field), (row["key"], field)


def test_labels_cover_the_taxonomy(demo_store: Store) -> None:
    labels = _lines("labels.jsonl")
    counts = {name: sum(name in row["labels"] for row in labels) for name in TAXONOMY}
    assert min(counts.values()) >= 80, counts
    opportunities = [row for row in labels if row["labels"]]
    assert 0.25 < len(opportunities) / len(labels) < 0.35
    assert sum(len(row["labels"]) > 1 for row in opportunities) >= 0.1 * len(opportunities)
    assert {row["split"] for row in labels} == {"train", "dev", "test"}


def test_every_author_has_a_role_and_stated_background_only(demo_store: Store) -> None:
    roles = _lines("roles.jsonl")
    assert len(roles) >= 200
    for row in roles:
        author = demo_store.get_author(row["platform"], row["id"])
        assert author is not None and author.handle, row["key"]
        assert row["role"] in {"dermatologist", "resident", "medical_student", "premed",
                               "researcher", "organization", "industry", "public", "unknown"}
        if row.get("background"):
            assert author.bio, f"{row['key']} has a background but no bio stating it"


def test_sessions_are_complete_transcripts(demo_store: Store) -> None:
    sessions = json.loads((SHIPPED / "sessions.json").read_text())
    assert len(sessions) >= 4
    for session in sessions:
        assert 4 <= len(session["questions"]) <= 6
        assert len(session["participants"]) >= 10
        platform = session["platform"]
        for item in session["questions"] + session["answers"]:
            assert demo_store.get_post(platform, item["id"]) is not None
        roles = {p["role"] for p in session["participants"]}
        assert "dermatologist" in roles and roles & {"medical_student", "premed", "resident"}
