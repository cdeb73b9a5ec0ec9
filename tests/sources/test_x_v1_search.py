"""X v1.1 search responses (`{"statuses": [...], "search_metadata": ...}`) import.

The responses are built from the shared v1.1 example, wrapped the way `GET search/tweets.json`
answers (python-twitter's and solrwayback's test files have this shape).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mentorfeed.sources import detect
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store


def _tweets(formats: Path) -> list[dict[str, Any]]:
    tweets: list[dict[str, Any]] = json.loads(
        (formats / "x_v1_1_tweet.json").read_text(encoding="utf-8"))
    return tweets


def _response(statuses: list[dict[str, Any]]) -> dict[str, Any]:
    ids = [int(s["id_str"]) for s in statuses]
    return {
        "statuses": statuses,
        "search_metadata": {
            "completed_in": 0.047,
            "max_id": max(ids), "max_id_str": str(max(ids)),
            "next_results": f"?max_id={min(ids) - 1}&q=%23DermMentorship&count=100"
                            "&include_entities=1&result_type=recent",
            "query": "%23DermMentorship",
            "refresh_url": f"?since_id={max(ids)}&q=%23DermMentorship&result_type=recent"
                           "&include_entities=1",
            "count": 100, "since_id": 0, "since_id_str": "0",
        },
    }


def _mentorfeed(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mentorfeed", *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)


@pytest.mark.parametrize("named", [False, True])
def test_a_search_response_imports_with_mentorfeed_import(formats: Path, tmp_path: Path,
                                                           named: bool) -> None:
    path = tmp_path / "search_tweets.json"
    path.write_text(json.dumps(_response(_tweets(formats)), indent=2), encoding="utf-8")
    db = tmp_path / "search.db"
    result = _mentorfeed("--db", str(db), "import", *(["--format", "x-v1"] if named else []),
                         str(path))
    assert result.returncode == 0, result.stderr
    assert "0 skipped" in result.stdout
    stats = json.loads(_mentorfeed("--db", str(db), "stats", "--json").stdout)
    assert stats["posts"] == 5 and stats["by_platform"] == {"x": 5}


def test_search_pages_one_per_line_keep_every_good_tweet(formats: Path, tmp_path: Path,
                                                         sqlite_store: Store) -> None:
    tweets = _tweets(formats)
    tweets[1]["created_at"] = "yesterday"
    path = tmp_path / "search_pages.jsonl"
    path.write_text("\n".join(json.dumps(_response(page)) for page in (tweets[:3], tweets[3:])),
                    encoding="utf-8")
    assert detect(path).name == "x-v1"
    report = import_files(sqlite_store, [path])
    assert report.new == 4 and report.skipped == 1
    assert [(p.line, "yesterday" in p.reason) for p in report.problems] == [(1, True)]
    post = sqlite_store.get_post("x", tweets[0]["id_str"])
    assert post is not None and post.text.startswith("Applications are open")
