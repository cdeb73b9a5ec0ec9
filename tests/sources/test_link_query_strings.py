"""Expanded links keep their query strings: `&region=us` never turns into `®ion=us`.

Each case takes a record from the shared example payloads, points one of its links at an
address whose query string starts a legacy HTML entity (`&reg`), and reads it back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mentorfeed.models import Post
from mentorfeed.sources import detect
from mentorfeed.sources._common import unescape
from mentorfeed.sources.base import Parsed

LINK = "https://example.org/apply?x=1&region=us&copy=2"


def _read(path: Path, fmt: str) -> list[Post]:
    found = detect(path)
    assert found.name == fmt
    return [post for item in found.read(path, lambda n: None) if isinstance(item, Parsed)
            for post in item.posts]


def _first_with_links(records: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in records if (r.get("entities") or {}).get("urls"))


def _x_v2(formats: Path, tmp_path: Path) -> tuple[Path, str]:
    page = json.loads((formats / "x_api_v2_search.json").read_text(encoding="utf-8"))
    tweet = _first_with_links(page["data"])
    tweet["entities"]["urls"][0]["expanded_url"] = LINK
    tweet["entities"]["urls"][0].pop("unwound_url", None)
    path = tmp_path / "search.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    return path, tweet["id"]


def _x_v1(formats: Path, tmp_path: Path) -> tuple[Path, str]:
    tweets = json.loads((formats / "x_v1_1_tweet.json").read_text(encoding="utf-8"))
    tweet = _first_with_links(tweets)
    tweet["entities"]["urls"][0]["expanded_url"] = LINK
    tweet["full_text"] += " Q&amp;A on Friday"  # an escaped `&` elsewhere is still unescaped
    path = tmp_path / "tweets.json"
    path.write_text(json.dumps(tweets), encoding="utf-8")
    return path, tweet["id_str"]


def _x_archive(formats: Path, tmp_path: Path) -> tuple[Path, str]:
    source = (formats / "x_archive_tweets.js").read_text(encoding="utf-8")
    prefix, _, body = source.partition("=")
    items = json.loads(body)
    tweet = _first_with_links([item["tweet"] for item in items])
    tweet["entities"]["urls"][0]["expanded_url"] = LINK
    path = tmp_path / "tweets.js"
    path.write_text(f"{prefix}= {json.dumps(items, indent=2)}", encoding="utf-8")
    return path, tweet["id_str"]


def _mastodon(formats: Path, tmp_path: Path) -> tuple[Path, str]:
    statuses = json.loads((formats / "mastodon_tag_timeline.json").read_text(encoding="utf-8"))
    status = next(s for s in statuses if 'href="https://forms.gle/' in s["content"])
    # Some servers write `&` in a link unescaped; HTML5 keeps `&region=` literal in an attribute.
    status["content"] = status["content"].replace(
        'href="https://forms.gle/Dm7kQx2Ez9sYbW3p8"', f'href="{LINK}"')
    status["card"] = None
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(statuses), encoding="utf-8")
    return path, status["uri"]


@pytest.mark.parametrize(("fmt", "build"), [
    ("x-v2", _x_v2),
    ("x-v1", _x_v1),
    ("x-archive", _x_archive),
    ("mastodon", _mastodon),
])
def test_an_expanded_link_keeps_its_query_string(
        formats: Path, tmp_path: Path, fmt: str,
        build: Callable[[Path, Path], tuple[Path, str]]) -> None:
    path, post_id = build(formats, tmp_path)
    post = next(p for p in _read(path, fmt) if p.id == post_id)
    assert LINK in post.text
    assert "®" not in post.text and "©" not in post.text
    assert LINK in post.urls
    if fmt == "x-v1":
        assert post.text.endswith("Q&A on Friday")


@pytest.mark.parametrize(("escaped", "plain"), [
    ("?x=1&region=us", "?x=1&region=us"),
    ("?a=1&reg=2", "?a=1&reg=2"),
    ("&copy2025", "&copy2025"),
    ("Q&amp;A &lt;3 &gt;", "Q&A <3 >"),
    ("&amp;region", "&region"),
    ("&reg; and &reg alone", "® and ® alone"),
    ("&#174; &#xAE;", "® ®"),
])
def test_unescape_decodes_entities_but_not_query_strings(escaped: str, plain: str) -> None:
    assert unescape(escaped) == plain
