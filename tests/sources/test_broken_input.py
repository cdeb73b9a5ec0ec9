"""Broken files of every format: the good records still import, the bad ones are named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def _truncate(source: Path, target: Path, fraction: float) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


@pytest.mark.parametrize(("name", "fmt", "min_posts"), [
    ("twarc2_page.jsonl", "x-v2", 3),       # JSONL: the first page survives
    ("x_v1_1_tweet.json", "x-v1", 2),       # a JSON array: the complete tweets survive
    ("mastodon_tag_timeline.json", "mastodon", 1),
    ("x_archive_tweets.js", "x-archive", 1),
    ("bluesky_search_posts.json", "bluesky", 0),  # one JSON document: nothing to salvage
    ("x_api_v2_search.json", "x-v2", 0),
])
def test_truncated_files_keep_their_good_part(formats: Path, tmp_path: Path,
                                              sqlite_store: Store, name: str, fmt: str,
                                              min_posts: int) -> None:
    broken = _truncate(formats / name, tmp_path / name, 0.7)
    report = import_files(sqlite_store, [broken], format_name=fmt)
    assert report.skipped >= 1
    assert report.new >= min_posts
    problem = next(p for p in report.problems if p.skipped)
    assert problem.path == broken and problem.line is not None and problem.line >= 1
    assert str(problem).startswith(f"{broken}:{problem.line}: ")


def test_bad_lines_are_reported_and_the_rest_imports(formats: Path, tmp_path: Path,
                                                     sqlite_store: Store) -> None:
    lines = (formats / "twarc2_page.jsonl").read_bytes().splitlines()
    broken = tmp_path / "mixed.jsonl"
    broken.write_bytes(b"\n".join([b'{"data": [{"id": "1"}]}', b"not json at all",
                                  lines[0], b"\xff\xfe garbage \xc3", lines[1]]) + b"\n")
    report = import_files(sqlite_store, [broken])
    reasons = {p.line: p.reason for p in report.problems}
    assert report.new == 5  # the two good pages hold five posts (and copies as context)
    assert set(reasons) == {1, 2, 4}
    assert "created_at" in reasons[1] or "timestamp" in reasons[1]
    assert "not valid JSON" in reasons[2] and "not valid JSON" in reasons[4]


def test_invalid_utf8_inside_a_record_is_replaced_not_lost(formats: Path, tmp_path: Path,
                                                          sqlite_store: Store) -> None:
    line = (formats / "twarc2_page.jsonl").read_bytes().splitlines()[1]
    damaged = line.replace(b"program", b"progr\xffm", 1)
    assert damaged != line
    path = tmp_path / "latin.jsonl"
    path.write_bytes(damaged + b"\n")
    report = import_files(sqlite_store, [path])
    assert report.skipped == 0 and report.new >= 1
    assert any("U+FFFD" in p.reason and not p.skipped for p in report.problems)
    assert any("progr\ufffdm" in p.text for p in sqlite_store.search(None, limit=50))


def test_hostile_text_is_stored_as_plain_text(sqlite_store: Store) -> None:
    report = import_files(sqlite_store, [DATA / "mastodon_hostile.json"])
    assert report.new == 1 and report.skipped == 1
    assert report.problems[0].line is not None and report.problems[0].line > 20
    (post,) = sqlite_store.search(None)
    assert "<script" not in post.text and "alert('x')" not in post.text
    assert "\x00" not in post.text and "\x07" not in post.text
    assert "<b>not bold</b>" in post.text  # escaped text comes back as the characters it shows
    assert post.urls == []  # javascript: links are not links
    assert post.hashtags == ["DermSky"]
    assert post.author and post.author.name == "<b>Mallory</b>"
    assert post.author.bio == "I test things"


def test_a_huge_post_round_trips(sqlite_store: Store, formats: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_MAX_POST_KB", "200")  # within the limit: kept whole
    text = ("mentor " * 15000).strip() + " \u0000end"
    line = (formats / "twarc2_page.jsonl").read_text(encoding="utf-8").splitlines()[0]
    import orjson

    page = orjson.loads(line)
    page["data"][0]["text"] = text
    page["data"] = page["data"][:1]
    path = tmp_path / "huge.jsonl"
    path.write_bytes(orjson.dumps(page) + b"\n")
    assert import_files(sqlite_store, [path]).ok
    stored = sqlite_store.get_post("x", page["data"][0]["id"])
    assert stored is not None and len(stored.text) > 100_000 and stored.text.endswith(" end")
    assert sqlite_store.search("mentor end", limit=1)


@pytest.mark.parametrize(("content", "reason"), [
    (b"hello, I am a text file", "not a format"),
    (b'{"something": "else"}', "not a format"),
    (b"", "the file is empty"),
    (b"\n  \r\n\t\n", "the file is empty"),
    (b"\xef\xbb\xbf\n", "the file is empty"),  # a byte-order mark and a line break
    (b"\xff\xfe\n\x00", "the file is empty"),  # the same in UTF-16
])
def test_unknown_files_get_one_clear_error(tmp_path: Path, sqlite_store: Store, content: bytes,
                                           reason: str) -> None:
    path = tmp_path / "mystery.txt"
    path.write_bytes(content)
    report = import_files(sqlite_store, [path, tmp_path / "missing.json"])
    assert [p.line for p in report.problems] == [None, None]
    assert reason in report.problems[0].reason
    assert "does not exist" in report.problems[1].reason
    assert report.files == 0 and not report.ok
