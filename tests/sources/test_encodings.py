"""Files as other tools save them: with a byte-order mark, in UTF-16, cut short, or with a CSV
cell longer than Python's csv allows. Each loses nothing it need not, and says what is wrong."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from mentorfeed.sources import csv_table
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

Encode = Callable[[bytes], bytes]
FIRST_ID = "1897236897596391003"  # the first tweet of the twarc2 page, in Spanish with emoji


def _utf16_le(data: bytes) -> bytes:
    return codecs.BOM_UTF16_LE + data.decode("utf-8").encode("utf-16-le")


def _utf16_be(data: bytes) -> bytes:
    return codecs.BOM_UTF16_BE + data.decode("utf-8").encode("utf-16-be")


def _utf8_bom(data: bytes) -> bytes:
    return codecs.BOM_UTF8 + data


def _csv_of_page(page_line: bytes) -> bytes:
    """The twarc2 page's tweets as a CSV with twarc-csv's column names."""
    page = orjson.loads(page_line)
    users = {u["id"]: u for u in page["includes"]["users"]}
    rows = [["id", "created_at", "author_id", "author.username", "lang", "text"]]
    rows += [[t["id"], t["created_at"], t["author_id"], users[t["author_id"]]["username"],
              t["lang"], t["text"]] for t in page["data"]]
    return _write_csv(rows)


def _write_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # as Excel and csv.writer save it
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("encode", [_utf8_bom, _utf16_le, _utf16_be])
@pytest.mark.parametrize(("name", "posts"), [
    ("twarc2_page.jsonl", 5),          # JSONL: a BOM used to cost the first page
    ("x_v1_1_tweet.json", 5),          # a JSON array
    ("bluesky_search_posts.json", 5),  # one JSON document
    ("mastodon_tag_timeline.json", 4),
])
def test_marked_and_utf16_json_files_import_whole(formats: Path, tmp_path: Path,
                                                  sqlite_store: Store, name: str, posts: int,
                                                  encode: Encode) -> None:
    path = tmp_path / name
    path.write_bytes(encode((formats / name).read_bytes()))
    report = import_files(sqlite_store, [path])  # the format found without --format
    assert [str(p) for p in report.problems] == []
    assert report.files == 1 and report.new == posts


@pytest.mark.parametrize("encode", [_utf8_bom, _utf16_le, _utf16_be])
def test_text_survives_the_encoding(formats: Path, tmp_path: Path, sqlite_store: Store,
                                    encode: Encode) -> None:
    path = tmp_path / "page.jsonl"
    path.write_bytes(encode((formats / "twarc2_page.jsonl").read_bytes()))
    assert import_files(sqlite_store, [path]).ok
    post = sqlite_store.get_post("x", FIRST_ID)
    assert post is not None
    assert post.text.startswith("¡Mentoría en dermatología") and "🇲🇽🩺" in post.text


@pytest.mark.parametrize("encode", [_utf8_bom, _utf16_le, _utf16_be])
def test_marked_and_utf16_csv_files_import_whole(formats: Path, tmp_path: Path,
                                                 sqlite_store: Store, encode: Encode) -> None:
    page = (formats / "twarc2_page.jsonl").read_bytes().splitlines()[0]
    path = tmp_path / "tweets.csv"
    path.write_bytes(encode(_csv_of_page(page)))
    report = import_files(sqlite_store, [path])
    assert [str(p) for p in report.problems] == [] and report.new == 3
    post = sqlite_store.get_post("x", FIRST_ID)  # the first column's name read as `id`
    assert post is not None and "🇲🇽🩺" in post.text


@pytest.mark.parametrize(("name", "fraction"), [
    ("bluesky_search_posts.json", 0.5),  # one document: nothing to keep, but say why
    ("x_api_v2_search.json", 0.5),
    ("x_v1_1_tweet.json", 0.6),          # an array: the records before the cut are kept
    ("mastodon_tag_timeline.json", 0.6),
])
def test_a_truncated_json_file_is_called_truncated_and_the_others_import(
        formats: Path, tmp_path: Path, sqlite_store: Store, name: str, fraction: float) -> None:
    data = (formats / name).read_bytes()
    cut = tmp_path / f"cut-{name}"
    cut.write_bytes(data[: int(len(data) * fraction)])
    good = tmp_path / "page.jsonl"
    good.write_bytes((formats / "twarc2_page.jsonl").read_bytes())
    report = import_files(sqlite_store, [cut, good])
    (problem,) = report.problems
    assert problem.path == cut and problem.reason.startswith("the file is truncated")
    assert str(problem).startswith(f"{cut}")
    assert sqlite_store.get_post("x", FIRST_ID) is not None  # the other file imported


def test_a_jsonl_file_cut_inside_its_last_line_says_so(formats: Path, tmp_path: Path,
                                                       sqlite_store: Store) -> None:
    data = (formats / "twarc2_page.jsonl").read_bytes()
    last = data.rstrip(b"\n").rfind(b"\n") + 1
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: last + (len(data) - last) // 2])
    report = import_files(sqlite_store, [cut])
    (problem,) = report.problems
    assert problem.line == data.count(b"\n", 0, last) + 1
    assert "truncated" in problem.reason
    assert report.new >= 3  # the pages before the cut


def _rows_with(formats: Path, huge_text: str) -> list[list[str]]:
    """Three real tweets with a long one (a thread pasted into one cell) between them."""
    page = orjson.loads((formats / "twarc2_page.jsonl").read_bytes().splitlines()[0])
    rows = [["id", "created_at", "author_id", "text"]]
    rows += [[t["id"], t["created_at"], t["author_id"], t["text"]] for t in page["data"]]
    rows.insert(2, ["1897000000000000001", "2025-03-05T09:00:00.000Z", "42", huge_text])
    return rows


THREAD = ("1/ How I found a dermatology mentor as a first-generation student,\n"
          "and what I would tell you now about away rotations. ")


def test_a_csv_field_over_128_kib_is_read_whole(formats: Path, tmp_path: Path,
                                                sqlite_store: Store,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_MAX_POST_KB", "1024")  # the post is not cut for length
    huge = THREAD * 3000  # about 400 KB, over csv's 131,072-character default
    path = tmp_path / "thread.csv"
    path.write_bytes(_write_csv(_rows_with(formats, huge)))
    report = import_files(sqlite_store, [path])
    assert [str(p) for p in report.problems] == [] and report.new == 4
    post = sqlite_store.get_post("x", "1897000000000000001")
    assert post is not None and len(post.text) > 131_072
    assert sqlite_store.get_post("x", FIRST_ID) is not None


def test_a_csv_field_over_the_limit_skips_its_row_alone(formats: Path, tmp_path: Path,
                                                        sqlite_store: Store,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_table, "MAX_FIELD_CHARS", 200_000)
    huge = THREAD * 3000  # a quoted field over many lines: the rows after it stay rows
    rows = _rows_with(formats, huge)
    path = tmp_path / "thread.csv"
    path.write_bytes(_write_csv(rows))
    report = import_files(sqlite_store, [path])
    (problem,) = report.problems
    assert problem.path == path and problem.skipped
    assert problem.line == 3 + huge.count("\n")  # where the row ends, as for other bad rows
    assert "200,000" in problem.reason
    assert report.new == 3  # every other row, before and after it
    assert sqlite_store.get_post("x", "1897000000000000001") is None
    kept = [row[0] for row in rows[1:] if row[3] != huge]
    assert all(sqlite_store.get_post("x", post_id) is not None for post_id in kept)
