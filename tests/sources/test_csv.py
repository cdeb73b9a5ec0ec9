"""CSV with the documented columns; bad rows are reported by line."""

from __future__ import annotations

from pathlib import Path

from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def test_csv_columns_map_onto_posts_and_authors(sqlite_store: Store) -> None:
    report = import_files(sqlite_store, [DATA / "posts_mapping.csv"])
    assert report.new == 3
    assert sorted((p.line, p.reason) for p in report.problems) == [
        (5, "empty id"), (6, "invalid timestamp 'not a date'")]
    first = sqlite_store.get_post("x", "1700000000000000001")
    assert first is not None and first.hashtags == ["DermTwitter"]
    assert first.urls == ["https://docs.google.com/spreadsheets/d/1AbCdEf/edit"]
    assert first.metrics == {"likes": 12}
    assert first.author and first.author.bio == "PGY-2 derm, she/her"
    sky = sqlite_store.search("VSLO", platform="bluesky")
    assert [p.hashtags for p in sky] == [["DermSky", "MedSky"]]  # found in the text
    assert sky[0].created_at.isoformat() == "2023-09-13T15:30:00+00:00"
    reply = sqlite_store.get_post("x", "1700000000000000002")
    assert reply is not None and reply.reply_to == "1700000000000000001"
    assert reply.created_at.isoformat() == "2023-09-13T15:00:00+00:00"


def test_csv_without_required_columns_says_which(tmp_path: Path, sqlite_store: Store) -> None:
    path = tmp_path / "thin.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    report = import_files(sqlite_store, [path])
    assert "missing column(s) text, created_at" in report.problems[0].reason


def test_twarc_csv_columns_are_understood(tmp_path: Path, sqlite_store: Store) -> None:
    path = tmp_path / "twarc.csv"
    path.write_text(
        "id,conversation_id,referenced_tweets.replied_to.id,author_id,created_at,text,"
        "author.username,author.name,public_metrics.like_count,entities.hashtags\n"
        "1800000000000000009,1800000000000000001,1800000000000000001,42,"
        "2024-06-01T12:00:00.000Z,Count me in for the study group #MedStudentTwitter,"
        "study_buddy,Sam,7,\"[{\"\"start\"\": 32, \"\"end\"\": 50, "
        "\"\"tag\"\": \"\"MedStudentTwitter\"\"}]\"\n", encoding="utf-8")
    assert import_files(sqlite_store, [path]).ok
    post = sqlite_store.get_post("x", "1800000000000000009")
    assert post is not None and post.reply_to == "1800000000000000001"
    assert post.hashtags == ["MedStudentTwitter"] and post.metrics == {"likes": 7}
    assert post.author and post.author.handle == "study_buddy"
