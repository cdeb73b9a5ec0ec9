"""twarc2 account and list lookups give authors only; a v2 page's partial errors are reported
while its data import; a retweet whose original is missing keeps its words."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mentorfeed.cli import app
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

DATA = Path(__file__).resolve().parent / "data"
runner = CliRunner()


def test_a_user_lookup_stores_the_accounts_and_no_posts(store: Store) -> None:
    report = import_files(store, [DATA / "twarc2_users.jsonl"])
    assert report.ok and report.posts == 0 and report.new == 0
    # No empty posts dated at account creation, and the pinned tweets are not context posts.
    assert store.count_posts(include_context=True) == 0
    assert store.stats().context_posts == 0
    lab = store.get_author("x", "1700000000000000001")
    assert lab is not None and lab.handle == "example_derm_lab"
    assert lab.bio == ("#DermTwitter mentoring for residents. Sign up: "
                       "https://example.org/mentoring?cohort=2025&region=eu")
    resident = store.get_author("x", "1700000000000000002")
    assert resident is not None and resident.bio == (
        "Dermatology resident. Notes: https://example.net/notes and https://example.net/cv")
    assert store.get_author("x", "1700000000000000003") is not None  # the second page


def test_a_list_lookup_stores_the_owner_and_no_posts(store: Store) -> None:
    report = import_files(store, [DATA / "twarc2_lists.jsonl"])
    assert report.ok and report.posts == 0
    assert store.count_posts(include_context=True) == 0
    owner = store.get_author("x", "1700000000000000001")
    assert owner is not None and owner.handle == "example_derm_lab"
    # The lists' own ids are not accounts.
    assert store.get_author("x", "1600000000000000011") is None


def test_partial_errors_in_a_page_are_reported_and_its_data_import(store: Store) -> None:
    path = DATA / "twarc2_partial_errors.jsonl"
    report = import_files(store, [path])
    assert report.new == 2 and report.skipped == 0
    [problem] = report.problems
    assert str(problem).startswith(f"{path}:1: ")
    # Two errors cost posts; the third, a mention of a deleted account, costs nothing.
    assert "2 errors" in str(problem) and "Not Found Error" in str(problem)


def test_a_retweet_whose_original_is_missing_keeps_its_words(store: Store) -> None:
    import_files(store, [DATA / "twarc2_partial_errors.jsonl"])
    [repost] = store.search("elective")
    assert repost.id == "1899000000000000001"
    assert repost.repost_of == "1898000000000000009"
    assert repost.text.startswith("RT @USER: Looking for a #DermMentorship mentor")
    assert "DM me & I will" in repost.text
    assert repost.hashtags == ["DermMentorship"]
    assert store.stats().reposts == 1


def test_search_says_repost_only_for_reposts(tmp_path: Path) -> None:
    empty = {"id": "1899000000000000005", "text": "", "author_id": "1700000000000000002",
             "created_at": "2025-03-06T10:00:00.000Z", "edit_history_tweet_ids":
             ["1899000000000000005"]}
    repost = {"id": "1899000000000000006", "text": "RT @USER: hello", "author_id":
              "1700000000000000002", "created_at": "2025-03-06T11:00:00.000Z",
              "referenced_tweets": [{"type": "retweeted", "id": "1899000000000000007"}]}
    original = {"id": "1899000000000000007", "text": "hello", "author_id": "1700000000000000001",
                "created_at": "2025-03-06T09:00:00.000Z"}
    users = [{"id": "1700000000000000001", "username": "example_derm_lab"},
             {"id": "1700000000000000002", "username": "example_resident"}]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"data": [empty, repost],
                                "includes": {"tweets": [original], "users": users}}))
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["--db", str(db), "import", str(page)]).exit_code == 0
    shown = runner.invoke(app, ["--db", str(db), "search", "--author", "example_resident"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.count("(repost)") == 1
    assert shown.output.count("(no text)") == 1
