"""The registry of live platforms: each found by its name, each forgetting in its own pages."""

from __future__ import annotations

from typing import Any

import pytest

from mentorfeed.collect import registry
from mentorfeed.collect.community import load
from mentorfeed.errors import ConfigError


def test_every_platform_is_found_by_its_name() -> None:
    assert [p.name for p in registry.every()] == list(registry.NAMES)
    assert all(p.auth_hint() and p.settings for p in registry.every())
    with pytest.raises(ConfigError, match="Unknown platform 'myspace'; use one of: x, "):
        registry.get("myspace")


def test_the_shipped_community_config_gives_each_platform_queries_to_watch() -> None:
    community = load()
    for platform in registry.every():
        minutes, queries = platform.watched(community)
        assert minutes > 0 and queries, platform.name
        assert all(q.label.startswith(platform.name + " ") for q in queries)


GONE_POST, GONE_AUTHOR = "gone-post", "gone-author"


@pytest.mark.parametrize(("platform", "page", "kept"), [
    ("x", {"data": [{"id": GONE_POST, "author_id": "1"}, {"id": "2", "author_id": GONE_AUTHOR},
                    {"id": "3", "author_id": "1",
                     "referenced_tweets": [{"type": "retweeted", "id": GONE_POST}]},
                    {"id": "4", "author_id": "1"}],
           "includes": {"users": [{"id": GONE_AUTHOR}, {"id": "1"}]}},
     {"data": [{"id": "4", "author_id": "1"}],
      "includes": {"tweets": [], "users": [{"id": "1"}]}}),
    ("bluesky", {"posts": [{"uri": GONE_POST, "author": {"did": "a"}},
                           {"uri": "b", "author": {"did": GONE_AUTHOR}},
                           {"uri": "c", "author": {"did": "a"}}],
                 "profiles": [{"did": GONE_AUTHOR}, {"did": "a"}]},
     {"posts": [{"uri": "c", "author": {"did": "a"}}], "profiles": [{"did": "a"}]}),
    ("mastodon", {"statuses": [{"uri": GONE_POST, "account": {"uri": "a"}},
                               {"uri": "b", "account": {"url": GONE_AUTHOR}},
                               {"uri": "c", "account": {"uri": "a"}}]},
     {"statuses": [{"uri": "c", "account": {"uri": "a"}}]}),
])
def test_forgetting_takes_a_post_and_an_author_out_of_each_platforms_pages(
        platform: str, page: dict[str, Any], kept: dict[str, Any]) -> None:
    assert registry.get(platform).forget_in(page, {GONE_POST}, {GONE_AUTHOR}) == kept
