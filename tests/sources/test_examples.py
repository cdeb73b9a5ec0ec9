"""Every format imports its example from ../shared/formats with the fields the model promises."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mentorfeed.models import Post
from mentorfeed.sources import detect
from mentorfeed.sources._reading import Issue
from mentorfeed.sources.base import Parsed


def read_all(path: Path) -> tuple[list[Post], list[Issue]]:
    posts: list[Post] = []
    issues: list[Issue] = []
    for item in detect(path).read(path, lambda n: None):
        if isinstance(item, Parsed):
            posts.extend(item.posts)
        else:
            issues.append(item)
    return posts, issues


def by_id(posts: list[Post]) -> dict[str, Post]:
    return {p.id: p for p in posts if p.matched} | {
        p.id: p for p in posts if not p.matched and p.id not in {q.id for q in posts if q.matched}}


@pytest.mark.parametrize(("name", "fmt", "matched"), [
    ("x_api_v2_search.json", "x-v2", 5),
    ("twarc2_page.jsonl", "x-v2", 5),
    ("x_archive_tweets.js", "x-archive", 5),
    ("x_v1_1_tweet.json", "x-v1", 5),
    ("bluesky_search_posts.json", "bluesky", 5),
    ("mastodon_tag_timeline.json", "mastodon", 4),
])
def test_each_example_is_detected_and_read(formats: Path, name: str, fmt: str,
                                           matched: int) -> None:
    path = formats / name
    assert detect(path).name == fmt
    posts, issues = read_all(path)
    assert not [i for i in issues if i.skipped]
    assert sum(p.matched for p in posts) == matched
    for post in posts:
        assert post.created_at.utcoffset() == timedelta(0)
        assert not any("t.co/" in u for u in post.urls)
        assert "https://t.co/" not in post.text


def test_x_v2_long_post_uses_note_tweet_and_expanded_links(formats: Path) -> None:
    posts = by_id(read_all(formats / "x_api_v2_search.json")[0])
    long_post = posts["1897236897596391003"]
    assert long_post.text.endswith("#MedTwitter #DermatologíaEnEspañol")
    assert "https://forms.gle/Dm7kQx2Ez9sYbW3p8" in long_post.text
    assert long_post.urls == ["https://forms.gle/Dm7kQx2Ez9sYbW3p8"]
    assert long_post.hashtags == ["DermMentorship", "MedTwitter", "DermatologíaEnEspañol"]
    assert [m.handle for m in long_post.mentions] == ["dr_ayla_derm", "old_dermclub"]
    assert long_post.url == "https://x.com/dra_lucia_derm/status/1897236897596391003"
    assert long_post.lang == "es"


def test_x_v2_repost_references_the_original_and_includes_are_context(formats: Path) -> None:
    posts = read_all(formats / "x_api_v2_search.json")[0]
    repost = next(p for p in posts if p.repost_of)
    assert repost.text == "" and repost.hashtags == []
    original = next(p for p in posts if p.id == repost.repost_of and not p.matched)
    assert original.origin in ("reposted", "replied_to", "quoted")
    assert original.text.startswith("Applications are open for the 2025")
    reply = next(p for p in posts if p.reply_to == original.id)
    assert reply.conversation_id == original.id


def test_x_v1_reads_extended_text_retweets_and_quotes(formats: Path) -> None:
    posts = read_all(formats / "x_v1_1_tweet.json")[0]
    matched = by_id(posts)
    truncated = matched["1445365653307061484"]
    assert "…" not in truncated.text and truncated.text.startswith("¡Abrimos inscripciones")
    retweet = matched["1445298250840797612"]
    assert retweet.repost_of == "1445041014175808449" and retweet.text == ""
    quote = matched["1445087784861195176"]
    assert quote.quote_of == "1445041014175808449"


def test_bluesky_facets_count_utf8_bytes(formats: Path) -> None:
    posts = by_id(read_all(formats / "bluesky_search_posts.json")[0])
    spanish = next(p for p in posts.values() if p.lang == "es")
    assert [m.handle for m in spanish.mentions] == ["aylaokafor.bsky.social"]
    assert spanish.mentions[0].id and spanish.mentions[0].id.startswith("did:plc:")
    assert "DermMentoría" in spanish.hashtags
    shortened = next(p for p in posts.values() if "spreadsheets" in " ".join(p.urls))
    # The visible link text was shortened; the stored text carries the whole address.
    assert shortened.urls[0] in shortened.text
    assert shortened.url and shortened.url.startswith("https://bsky.app/profile/")


def test_bluesky_replies_and_quotes_point_at_uris(formats: Path) -> None:
    posts = read_all(formats / "bluesky_search_posts.json")[0]
    reply = next(p for p in posts if p.reply_to)
    assert reply.reply_to and reply.reply_to.startswith("at://")
    assert reply.conversation_id == reply.reply_to or reply.conversation_id.startswith("at://")
    quote = next(p for p in posts if p.quote_of)
    assert any(p.id == quote.quote_of and p.origin == "quoted" for p in posts)


def test_mastodon_html_becomes_text_and_uri_is_identity(formats: Path) -> None:
    posts = by_id(read_all(formats / "mastodon_tag_timeline.json")[0])
    spanish = next(p for p in posts.values() if p.lang == "es")
    assert spanish.id.startswith("https://") and "/statuses/" in spanish.id
    assert "<" not in spanish.text and "forms.gle/Dm7kQx2Ez9sYbW3p8" in spanish.text
    assert "https://forms.gle/Dm7kQx2Ez9sYbW3p8" in spanish.urls
    assert "DermatologíaEnEspañol" in spanish.hashtags  # original spelling, not lowercased
    reply = next(p for p in posts.values() if p.reply_to)
    assert reply.reply_to and reply.reply_to.startswith("local:")
