"""An X archive's long posts come whole from `note-tweet.js`, and its retweets are stored as
reposts (of the original when the archive names it), not as the owner's words.

The archive in `tests/data/x_archive_long_posts_and_retweets` is assembled from the documented
format (see its README): two long posts cut short in `tweets.js` with their notes, a note whose
post was deleted, a short post a few seconds after a note, three kinds of retweet, and a post
that only mentions "RT @".
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mentorfeed.cli import app
from mentorfeed.models import UNKNOWN_ORIGINAL, Post
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

ARCHIVE = Path(__file__).resolve().parents[1] / "data" / "x_archive_long_posts_and_retweets"
LONG = "1898411021443297280"
LONG_WITH_ELLIPSIS = "1899120458873225516"
SHORT_AFTER_NOTE = "1898411139718582417"
RT_TEXT_ONLY = "1898760332207218883"
RT_CUT_WITH_LINK = "1898790018829123712"
RT_WITH_ORIGINAL = "1051123456789012480"
MENTIONS_RT = "1899201755006287904"


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


@pytest.fixture(params=["folder", "zip"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "folder":
        return ARCHIVE
    return _zip(ARCHIVE, tmp_path / "twitter-2025-03-11.zip")


def _post(store: Store, post_id: str) -> Post:
    post = store.get_post("x", post_id)
    assert post is not None, post_id
    return post


def test_a_long_post_gets_its_whole_text_from_note_tweet_js(archive: Path,
                                                            sqlite_store: Store) -> None:
    report = import_files(sqlite_store, [archive])
    assert report.ok, report.problems
    post = _post(sqlite_store, LONG)
    assert post.text.startswith("Thread-free version of my advice for M2s who want a derm "
                                "research year & a strong application:\n\n1. Pick one mentor")
    assert "3. Keep a shared doc of every draft and every deadline.\n4. Present" in post.text
    assert post.text.endswith("Questions welcome, and @derm_mentor_net keeps a list of "
                              "programs. #DermMentorship #MedTwitter")
    assert "https://docs.google.com/forms/d/e/1FAIpQLSdSummerCohort2025/viewform" in post.text
    assert post.urls == ["https://docs.google.com/forms/d/e/1FAIpQLSdSummerCohort2025/viewform"]
    assert post.hashtags == ["DermMentorship", "MedTwitter"]
    assert [m.handle for m in post.mentions] == ["derm_mentor_net"]
    assert post.metrics == {"likes": 61, "reposts": 14}  # the tweet's own, kept
    ellipsis = _post(sqlite_store, LONG_WITH_ELLIPSIS)
    assert "…" not in ellipsis.text and ellipsis.text.endswith("Bring snacks if you can. #DermJC")
    assert "emollients > placebo" in ellipsis.text and ellipsis.hashtags == ["DermJC"]
    # a short post made seconds after a note keeps its own text; a note without its post adds
    # nothing
    assert _post(sqlite_store, SHORT_AFTER_NOTE).text == (
        "Thread-free version: yes, on purpose this time.")
    assert sqlite_store.search("deleted afterwards") == []
    assert sqlite_store.search("finishable project", author="dr_ayla_derm")[0].id == LONG


def test_retweets_are_reposts_not_the_owners_words(archive: Path, sqlite_store: Store) -> None:
    report = import_files(sqlite_store, [archive])
    assert report.ok and report.reposts == 3
    text_only = _post(sqlite_store, RT_TEXT_ONLY)
    assert text_only.repost_of == UNKNOWN_ORIGINAL
    assert text_only.text.startswith("RT @derm_residents_net: Applications for the spring")
    assert text_only.hashtags == ["DermTwitter"]  # found by search, shown as what it is
    cut = _post(sqlite_store, RT_CUT_WITH_LINK)
    assert cut.repost_of == "1898789101455114240" and cut.quote_of is None
    with_original = _post(sqlite_store, RT_WITH_ORIGINAL)
    assert with_original.repost_of == "1051120000000000000" and with_original.text == ""
    original = _post(sqlite_store, "1051120000000000000")
    assert original.origin == "reposted" and original.author is not None
    assert original.author.handle == "derm_residents_net"
    assert original.text == "Our mentorship match opens today: students, tell us what you want "\
        "to learn."
    assert _post(sqlite_store, MENTIONS_RT).repost_of is None
    stats = sqlite_store.stats()
    assert stats.reposts == 3 and stats.posts == 7 and stats.context_posts == 1


def test_a_record_that_names_the_original_fills_it_in(tmp_path: Path,
                                                      sqlite_store: Store) -> None:
    import_files(sqlite_store, [ARCHIVE])
    page = tmp_path / "retweet.json"
    page.write_text(
        '[{"id_str": "1898760332207218883", "created_at": "Sun Mar 09 13:13:08 +0000 2025", '
        '"full_text": "RT @derm_residents_net: Applications for the spring shadowing week close'
        ' on Friday. Share widely! #DermTwitter", "user": {"id_str": "1384920563018727425", '
        '"screen_name": "dr_ayla_derm"}, "retweeted_status": {"id_str": "1898700000000000001",'
        ' "created_at": "Sun Mar 09 09:00:00 +0000 2025", "full_text": "Applications for the '
        'spring shadowing week close on Friday. Share widely! #DermTwitter", "user": {"id_str":'
        ' "1200000000000000101", "screen_name": "derm_residents_net"}}}]', encoding="utf-8")
    assert import_files(sqlite_store, [page]).ok
    assert _post(sqlite_store, RT_TEXT_ONLY).repost_of == "1898700000000000001"


def test_the_import_summary_counts_the_reposts(tmp_path: Path) -> None:
    folder = shutil.copytree(ARCHIVE, tmp_path / "archive")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "s.db"), "import",
                                      str(folder)])
    assert result.exit_code == 0, result.output
    assert "3 of them are reposts" in result.output
