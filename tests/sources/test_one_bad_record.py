"""One bad record loses one record, one bad file loses one file, and nothing read is unbounded:
a tweet with a bad date in a page of 100, a record nested too deep, an encrypted or damaged or
oversized ZIP member, a post of megabytes."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest

from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "src" / "mentorfeed" / "data" / "corpus"
DATA = Path(__file__).resolve().parents[1] / "data"


def _page() -> dict[str, Any]:
    """A real-shaped X v2 search page of 100 tweets with its users and included tweets."""
    page: dict[str, Any] = orjson.loads((CORPUS / "x" / "search-001.json").read_bytes())
    assert len(page["data"]) == 100
    return page


def test_a_bad_date_in_one_tweet_of_a_page_of_100_loses_that_tweet_alone(
        tmp_path: Path, sqlite_store: Store) -> None:
    page = _page()
    bad = page["data"][41]
    bad["created_at"] = "yesterday-ish"
    path = tmp_path / "search.jsonl"
    path.write_bytes(b'{"meta": {}}\n' + orjson.dumps(page) + b"\n")

    report = import_files(sqlite_store, [path])

    stored = {p.id for p in sqlite_store.search(None, platform="x", limit=10_000)}
    assert len({t["id"] for t in page["data"]} & stored) == 99
    assert bad["id"] not in stored
    assert report.skipped == 1
    (problem,) = report.problems
    assert problem.line == 2 and problem.path == path
    assert f"tweet 42 {bad['id']} skipped" in str(problem)
    assert "yesterday-ish" in problem.reason


def test_a_record_nested_too_deep_is_reported_and_its_neighbours_import(
        tmp_path: Path, sqlite_store: Store) -> None:
    page = _page()
    first, second = dict(page, data=page["data"][:50]), dict(page, data=page["data"][50:])
    deep = '{"data": ' * 3000 + "[]" + "}" * 3000
    for name, text in (
            ("pages.json", f"[{orjson.dumps(first).decode()},\n{deep},\n"
                           f"{orjson.dumps(second).decode()}]"),
            ("pages.jsonl", f"{orjson.dumps(first).decode()}\n{deep}\n"
                            f"{orjson.dumps(second).decode()}\n")):
        (tmp_path / name).write_text(text)
        report = import_files(sqlite_store, [tmp_path / name], format_name="x-v2")
        assert report.files == 1 and report.skipped == 1, report.problems
        assert report.problems[0].line == 2
        assert "nested more than 1,024 levels deep" in report.problems[0].reason
        assert report.posts >= 100


def _tweets_js(tweets: list[dict[str, Any]], part: int = 0) -> bytes:
    entries = [{"tweet": t} for t in tweets]
    return f"window.YTD.tweets.part{part} = ".encode() + orjson.dumps(entries)


def _archive_tweets() -> list[dict[str, Any]]:
    text = (Path("/work/shared/formats") / "x_archive_tweets.js").read_text()
    return [e["tweet"] for e in orjson.loads(text[text.index("["):])]


def _write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _damage(path: Path, member: str, how: str) -> None:
    """Flip a byte of a member's stored data (a bad CRC), or mark it encrypted (flag bit 0x1
    in both its local and its central header)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    if how == "crc":
        name_len = int.from_bytes(data[local + 26:local + 28], "little")
        extra_len = int.from_bytes(data[local + 28:local + 30], "little")
        start = local + 30 + name_len + extra_len
        data[start + info.compress_size // 2] ^= 0x55
    else:
        data[local + 6] |= 0x1
        central = data.index(b"PK\x01\x02")
        while data[central + 46:central + 46 + len(member)] != member.encode():
            central = data.index(b"PK\x01\x02", central + 4)
        data[central + 8] |= 0x1
    path.write_bytes(bytes(data))


@pytest.fixture
def archive_parts() -> dict[str, bytes]:
    tweets = _archive_tweets()
    return {"data/account.js": (DATA / "archive_account.js").read_bytes(),
            "data/tweets.js": _tweets_js(tweets[:2]),
            "data/tweets-part1.js": _tweets_js(tweets[2:], 1)}


@pytest.mark.parametrize(("how", "said"), [("crc", "tweets-part1.js is damaged"),
                                           ("encrypted", "tweets-part1.js is encrypted")])
def test_a_damaged_or_encrypted_member_is_reported_and_the_others_import(
        tmp_path: Path, sqlite_store: Store, archive_parts: dict[str, bytes], how: str,
        said: str) -> None:
    path = _write_zip(tmp_path / "archive.zip", archive_parts)
    _damage(path, "data/tweets-part1.js", how)
    report = import_files(sqlite_store, [path])
    assert report.new == 2  # the two tweets of tweets.js
    assert [p.path for p in report.problems if p.skipped] == [path]
    assert said in report.problems[-1].reason


def test_a_member_bigger_than_the_limit_is_refused_unread(
        tmp_path: Path, sqlite_store: Store, archive_parts: dict[str, bytes],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFEED_MAX_INPUT_MB", "1")
    filler = [{"id_str": str(10**18 + n), "full_text": "x" * 900,
               "created_at": "Wed Mar 13 14:02:11 +0000 2024"} for n in range(2000)]
    archive_parts["data/tweets-part1.js"] = _tweets_js(filler, 1)  # ~2 MB, packs to little
    report = import_files(sqlite_store, [_write_zip(tmp_path / "big.zip", archive_parts)])
    assert report.new == 2
    assert "tweets-part1.js is larger than 1 MB unpacked" in report.problems[-1].reason


def test_one_bad_file_never_stops_the_others(tmp_path: Path, sqlite_store: Store,
                                            archive_parts: dict[str, bytes]) -> None:
    broken = _write_zip(tmp_path / "a.zip", archive_parts)
    _damage(broken, "data/account.js", "crc")
    good = tmp_path / "b.jsonl"
    good.write_bytes(orjson.dumps(_page()) + b"\n")
    deep = tmp_path / "c.json"
    deep.write_text('{"data": ' * 3000 + "[]" + "}" * 3000)
    report = import_files(sqlite_store, [broken, good, deep])
    assert report.new >= 100
    assert {p.path for p in report.problems} == {broken, deep}
    assert all(p.line is None or p.line == 1 for p in report.problems)
    (nested,) = [p for p in report.problems if p.path == deep]
    assert "nested more than 1,024 levels deep" in nested.reason  # not "an unknown format"


def test_a_post_of_megabytes_is_cut_with_a_warning(tmp_path: Path, sqlite_store: Store) -> None:
    page = _page()
    page["data"][0]["text"] = "Mentorship in dermatology. " * 40_000  # about 1 MB
    path = tmp_path / "long.json"
    path.write_bytes(orjson.dumps(page))
    report = import_files(sqlite_store, [path])
    assert report.ok and report.posts >= 100
    (warning,) = report.problems
    assert not warning.skipped
    assert f"post {page['data'][0]['id']} has 1,055 KB of text" in warning.reason
    stored = sqlite_store.get_post("x", page["data"][0]["id"])
    assert stored is not None
    assert len(stored.text.encode()) <= 100 * 1024
    assert stored.text.startswith("Mentorship in dermatology.")
