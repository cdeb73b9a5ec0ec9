"""A word inside a Chinese, Japanese or Korean sentence is found by search, on SQLite and
PostgreSQL alike, in `mentorfeed search` and in the listings (the search box, /api/v1)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mentorfeed.models import Author, Classification, Post
from mentorfeed.store import Store
from mentorfeed.store.listing import Filters

JAPANESE = "皮膚科の研究に参加する医学生を募集しています。"  # "...recruiting medical students..."
CHINESE = "我们正在招募皮肤科研究的学生参与病例报告。"  # "...recruiting students for research..."
KOREAN = "피부과 연구를 함께할 의대생을 모집합니다."
ENGLISH = "Looking for a student for a dermatology case report"


def _post(post_id: str, text: str, day: int) -> Post:
    return Post(platform="x", id=post_id, url=f"https://x.com/a/status/{post_id}",
                author_id="1", text=text, created_at=datetime(2024, 3, day, tzinfo=UTC),
                hashtags=[], raw={"id": post_id})


@pytest.fixture
def filled(store: Store) -> Store:
    texts = [JAPANESE, CHINESE, KOREAN, ENGLISH]
    store.upsert([_post(str(n), t, n + 1) for n, t in enumerate(texts)],
                 [Author(platform="x", id="1", handle="DermDoc")], "test")
    store.save_classifications([(("x", str(n)), Classification(
        ["research_collaboration"], {}, {}, [], "test", "test")) for n in range(len(texts))])
    return store


def _found(store: Store, query: str) -> set[str]:
    return {post.id for post in store.search(query)}


def _listed(store: Store, query: str) -> set[str]:
    rows = store.listing_page(Filters(today=date(2024, 4, 1), q=query), limit=20)
    return {row["post_id"] for row in rows}


CASES = [
    ("研究", {"0", "1"}),  # research: inside both sentences
    ("医学生", {"0"}),  # medical student, Japanese
    ("招募", {"1"}),  # recruit, Chinese
    ("学生", {"0", "1"}),  # student: inside 医学生 and 学生
    ("연구", {"2"}),  # research, Korean, with a particle attached
    ('"病例 报告"', {"1"}),
    ("研究 -招募", {"0"}),
    ("招募 OR dermatology", {"1", "3"}),
    ("dermatology", {"3"}),  # the index, as before
    ("研究 dermatology", set()),
    ("研究_", set()),  # `_` is no LIKE wildcard here
    ("研%", {"0", "1"}),  # nor `%`, which is no word character: "研" alone
]


def test_a_word_inside_a_sentence_is_found(filled: Store) -> None:
    for query, expected in CASES:
        assert _found(filled, query) == expected, query
        assert _listed(filled, query) == expected, query
