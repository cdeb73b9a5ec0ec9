"""twarc-csv's CSV is read as twarc-csv writes it, so a row stores what the v2 JSON of the same
tweet stores: newlines, unescaped `&`, expanded links, hashtags without `#`, mentions and the
post's address.

`tests/data/twarc_csv/` holds a v2 search page (two tweets of twarc-csv's own test data, made
anonymous, and one written here) and the two CSVs twarc-csv 0.7.2 wrote from it (see its README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorfeed.models import Post
from mentorfeed.sources import detect
from mentorfeed.sources.base import Parsed
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "twarc_csv"
OURS = "1600000000000000301"  # newline, &amp; and &gt;, a t.co link with &region, a mention
GUARDIAN = "1574183967972098051"  # &amp;, four hashtags, one link
WITH_PHOTO = "1574186239741333504"  # two links, one of them a photo, and a mention


def _posts(path: Path) -> dict[str, Post]:
    fmt = detect(path)
    return {post.id: post for item in fmt.read(path, lambda n: None)
            if isinstance(item, Parsed) for post in item.posts}


@pytest.mark.parametrize("csv_name", ["tweets.csv", "tweets_entities.csv"])
def test_a_twarc_csv_row_stores_what_the_v2_json_stores(csv_name: str) -> None:
    from_csv, from_json = _posts(DATA / csv_name), _posts(DATA / "search_page.jsonl")
    for tweet_id in (OURS, GUARDIAN):
        row, tweet = from_csv[tweet_id], from_json[tweet_id]
        assert row.text == tweet.text
        assert row.hashtags == tweet.hashtags and row.urls == tweet.urls
        assert [m.handle for m in row.mentions] == [m.handle for m in tweet.mentions]
        assert row.url == tweet.url
    ours = from_csv[OURS]
    assert ours.text == (
        "Summer research spots in derm & dermpath for M2s > apply by Mar 31\n"
        "Form: https://forms.example.org/derm-summer?cohort=2023&region=us\n"
        "Questions to @USER #MedTwitter #DermTwitter")
    assert ours.hashtags == ["MedTwitter", "DermTwitter"]
    assert ours.url == "https://x.com/dr_ayla_derm/status/1600000000000000301"
    assert ours.metrics == {"likes": 12, "reposts": 3, "replies": 1, "quotes": 0}
    assert "&amp;" not in from_csv[GUARDIAN].text and "t.co/" not in from_csv[GUARDIAN].text


def test_a_photo_link_and_a_shortened_link_are_expanded_from_the_processed_urls() -> None:
    post = _posts(DATA / "tweets.csv")[WITH_PHOTO]
    assert "\\n" not in post.text and "\n\nhttps://politi.co/3xSGdJG\n\n@USER " in post.text
    assert post.text.endswith("https://pic.twitter.com/1yVUjMYbFr")
    assert post.urls == ["https://politi.co/3xSGdJG", "https://pic.twitter.com/1yVUjMYbFr"]
    assert [m.handle for m in post.mentions] == ["USER"]


def test_an_author_count_written_as_a_float_is_kept() -> None:
    """pandas writes an integer column with an empty cell in it as floats (`1840.0`)."""
    fmt = detect(DATA / "tweets.csv")
    authors = {a.id: a for item in fmt.read(DATA / "tweets.csv", lambda n: None)
               if isinstance(item, Parsed) for a in item.authors}
    assert authors["1600000000000000042"].followers == 1840


def test_the_row_and_the_json_of_one_tweet_are_one_post(sqlite_store: Store) -> None:
    assert import_files(sqlite_store, [DATA / "tweets.csv"]).new == 3
    stored = sqlite_store.get_post("x", OURS)
    assert stored is not None and "\n" in stored.text and "t.co/" not in stored.text
    assert stored.text.startswith("Summer research spots in derm & dermpath")
    assert stored.hashtags == ["MedTwitter", "DermTwitter"]
    report = import_files(sqlite_store, [DATA / "search_page.jsonl"])
    assert report.ok and report.new == 0
    again = sqlite_store.get_post("x", OURS)
    assert again is not None and again.text == stored.text


def test_a_json_encoded_text_cell_is_decoded(tmp_path: Path) -> None:
    """twarc-csv's --json-encode-text writes the text as a JSON string."""
    source = (DATA / "tweets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, row = source[0], next(line for line in source if line.startswith(OURS))
    encoded = row.replace(
        "Summer research spots in derm &amp; dermpath for M2s &gt; apply by Mar 31\\nForm: "
        "https://t.co/Xq3Fm8LpQa\\nQuestions to @USER #MedTwitter #DermTwitter",
        '"""Summer research spots in derm &amp; dermpath for M2s &gt; apply by Mar 31\\nForm: '
        'https://t.co/Xq3Fm8LpQa\\nQuestions to @USER #MedTwitter #DermTwitter \\u2728"""')
    assert encoded != row
    path = tmp_path / "encoded.csv"
    path.write_text(header + encoded, encoding="utf-8")
    assert _posts(path)[OURS].text.endswith(
        "derm-summer?cohort=2023&region=us\nQuestions to @USER #MedTwitter #DermTwitter ✨")
