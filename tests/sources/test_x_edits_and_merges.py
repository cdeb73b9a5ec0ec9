"""Edited X posts are one post holding the newest version, the older ones kept as history, in
any import order; of two records of one post the better text wins, not the longer."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import permutations
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from mentorfeed.models import Classification
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

DATA = Path(__file__).resolve().parent / "data"
ORIGINAL, FIRST_EDIT, NEWEST = ("1901000000000000001", "1901000000000000002",
                                "1901000000000000003")
VERSIONS = [DATA / f"twarc2_edit_v{i}.jsonl" for i in range(3)]


def _assert_one_post_holding_the_newest(store: Store) -> None:
    [post] = store.search(None, platform="x", include_context=True)
    assert post.id == ORIGINAL  # the post is known by the first id of its edit chain
    assert post.text.startswith("Three research-year spots") and "15 May" in post.text
    assert post.url == f"https://x.com/example_derm_lab/status/{NEWEST}"
    assert post.hashtags == ["DermTwitter", "Research"]
    assert post.created_at.minute == 0  # when it was first posted
    history = store.post_versions("x", ORIGINAL)
    assert [(v.id, v.position) for v in history] == [(ORIGINAL, 0), (FIRST_EDIT, 1),
                                                     (NEWEST, 2)]
    assert history[0].text.endswith("#Reserach") and "Two" in history[1].text
    assert history[2].text == post.text
    # Search and hashtags follow the newest version.
    assert [p.id for p in store.search("Three")] == [ORIGINAL]
    assert store.search("Reserach") == []
    assert store.search(None, hashtag="Reserach") == []
    assert len(store.search(None, hashtag="Research")) == 1


@pytest.mark.parametrize("order", list(permutations(range(3))))
def test_versions_imported_in_any_order_across_runs_give_one_post(
        store: Store, order: tuple[int, ...]) -> None:
    for i in order:
        report = import_files(store, [VERSIONS[i]])
        assert report.ok
    _assert_one_post_holding_the_newest(store)
    assert store.count_posts() == 1 and store.stats().posts == 1


@pytest.mark.parametrize("reverse", [False, True])
def test_versions_in_one_import_give_one_post(store: Store, reverse: bool) -> None:
    files = [DATA / "twarc2_edits_newest_first.jsonl"]
    report = import_files(store, files)
    assert report.ok and report.new == 1
    _assert_one_post_holding_the_newest(store)
    again = import_files(store, list(reversed(VERSIONS)) if reverse else VERSIONS)
    assert again.new == 0
    _assert_one_post_holding_the_newest(store)


@pytest.mark.parametrize("reverse", [False, True])
def test_an_archive_edit_is_one_post_with_its_history(store: Store, tmp_path: Path,
                                                      reverse: bool) -> None:
    text = (DATA / "archive_edited_tweets.js").read_text()
    if reverse:  # the original listed first
        head, body = text.split("= ", 1)
        text = head + "= " + json.dumps(list(reversed(json.loads(body))))
    path = tmp_path / "tweets.js"
    path.write_text(text)
    report = import_files(store, [path])
    assert report.skipped == 0
    [post] = store.search(None, platform="x", include_context=True)
    assert post.id == "1902000000000000001"
    assert post.text.startswith("Journal club tonight at 7 pm")
    assert post.url is not None and post.url.endswith("/status/1902000000000000002")
    history = store.post_versions("x", post.id)
    assert [v.text[:28] for v in history] == ["Journal club tonight at 8 pm",
                                             "Journal club tonight at 7 pm"]


FULL = ("Looking for a research mentor in pediatric dermatology? Our program pairs students & "
        "residents with faculty. Apply: https://example.org/apply #DermMentorship")


@pytest.mark.parametrize("names", list(permutations(
    ["x_v1_truncated.jsonl", "twarc2_full.jsonl", "posts_escaped.csv"])))
def test_the_full_plain_api_text_wins_whatever_the_order(store: Store,
                                                         names: tuple[str, ...]) -> None:
    for name in names:
        assert import_files(store, [DATA / name]).skipped == 0
    post = store.get_post("x", "1903000000000000001")
    assert post is not None
    assert post.text == FULL  # not the cut v1.1 text, nor the escaped CSV row
    assert post.raw.get("edit_history_tweet_ids") == ["1903000000000000001"]  # the v2 record
    assert post.url == "https://x.com/example_derm_lab/status/1903000000000000001"
    assert store.post_versions("x", post.id) == []  # three records, one version


def test_the_better_text_wins_inside_one_file(store: Store, tmp_path: Path) -> None:
    cut = json.loads((DATA / "x_v1_truncated.jsonl").read_text())
    full = dict(cut, truncated=False, text=FULL.replace("&", "&amp;").replace(
        "https://example.org/apply", "https://t.co/AbC123xyZ0"), entities={"urls": [
            {"url": "https://t.co/AbC123xyZ0", "expanded_url": "https://example.org/apply"}]})
    both = tmp_path / "both.jsonl"
    for first, second in ((cut, full), (full, cut)):
        both.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")
        import_files(store, [both])
        post = store.get_post("x", "1903000000000000001")
        assert post is not None and post.text == FULL


def test_a_newer_version_is_classified_again(store: Store) -> None:
    import_files(store, [VERSIONS[0]])
    store.save_classifications([(("x", ORIGINAL), Classification(
        ["research_position"], {}, {"deadline": "2026-04-30"}, [], "", "m1"))])
    assert store.count_to_classify() == 0
    import_files(store, [VERSIONS[0]])  # the same version again changes nothing
    assert store.count_to_classify() == 0
    import_files(store, [VERSIONS[2]])  # the edit moved the deadline: its labels are stale
    assert store.count_posts(include_context=True) == 1
    assert store.count_to_classify() == 1


def test_forgetting_any_version_forgets_the_post_and_its_history(
        store: Store, engine_of: Callable[[Store], Engine]) -> None:
    import_files(store, VERSIONS)
    found = store.find_posts(f"https://x.com/example_derm_lab/status/{FIRST_EDIT}")
    assert found == [("x", ORIGINAL)]
    assert store.forget(found) == 1
    assert store.count_posts(include_context=True) == 0
    with engine_of(store).connect() as conn:  # no text of a forgotten post is left behind
        assert conn.execute(text("SELECT count(*) FROM post_versions")).scalar() == 0
