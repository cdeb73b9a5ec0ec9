"""The X archive: ZIP, unpacked folder, or a bare tweets.js; the owner's e-mail never stored."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def _archive_folder(formats: Path, root: Path) -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    (data / "tweets.js").write_bytes((formats / "x_archive_tweets.js").read_bytes())
    (data / "account.js").write_bytes((DATA / "archive_account.js").read_bytes())
    (data / "profile.js").write_bytes((DATA / "archive_profile.js").read_bytes())
    return root


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in folder.rglob("*"):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


@pytest.mark.parametrize("shape", ["folder", "zip", "tweets.js"])
def test_archive_shapes_import_with_their_owner(formats: Path, tmp_path: Path,
                                                sqlite_store: Store, shape: str) -> None:
    folder = _archive_folder(formats, tmp_path / "archive")
    target = {"folder": folder, "zip": _zip(folder, tmp_path / "archive.zip"),
              "tweets.js": folder / "data" / "tweets.js"}[shape]
    report = import_files(sqlite_store, [target])
    assert report.ok and report.new == 5
    owner = sqlite_store.get_author("x", "1384920563018727425")
    assert owner is not None and owner.handle == "dr_ayla_derm"
    assert owner.bio == "Dermatologist. Mentoring students who want to try derm research."
    assert "email" not in (owner.raw or {}) and "private.person" not in str(owner.raw)
    posts = sqlite_store.search(None, author="dr_ayla_derm", limit=10)
    assert len(posts) == 5
    quote = next(p for p in posts if p.quote_of)
    assert quote.quote_of == "1896938682580596362"
    reply = next(p for p in posts if p.reply_to)
    assert reply.reply_to == "1896956990718113427"
    assert all(p.url and p.url.startswith("https://x.com/dr_ayla_derm/status/") for p in posts)


def test_archive_counts_are_numbers_and_text_is_unescaped(formats: Path, tmp_path: Path,
                                                          sqlite_store: Store) -> None:
    import_files(sqlite_store, [_archive_folder(formats, tmp_path / "a")])
    posts = sqlite_store.search(None, limit=10)
    assert all(isinstance(v, int) for p in posts for v in p.metrics.values())
    assert not any("&amp;" in p.text or "&gt;" in p.text for p in posts)


def test_a_zip_without_tweets_is_one_clear_error(tmp_path: Path, sqlite_store: Store) -> None:
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("data/account.js", "window.YTD.account.part0 = []")
    report = import_files(sqlite_store, [empty])
    assert [str(p) for p in report.problems] == [f"{empty}: no tweets.js (or tweet.js) in this "
                                                 "archive"]
    not_zip = tmp_path / "broken.zip"
    not_zip.write_bytes(b"PK\x03\x04 truncated")
    assert "not a readable ZIP" in import_files(sqlite_store, [not_zip]).problems[0].reason
