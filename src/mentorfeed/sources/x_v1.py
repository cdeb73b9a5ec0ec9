"""X API v1.1 tweet objects: JSONL, a JSON array, or search responses (older datasets)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mentorfeed.models import Author, Mention, Origin, Post
from mentorfeed.sources._common import (
    as_int,
    clean_optional,
    clean_text,
    language,
    parse_twitter_date,
    require_str,
    unescape,
)
from mentorfeed.sources._edits import as_version, edit_chain
from mentorfeed.sources._reading import Issue, OnBytes, Record, iter_json_file
from mentorfeed.sources.base import Format, Parsed, Sample, parse_records


def sniff(sample: Sample) -> bool:
    first = sample.first
    if first is not None and _search_page(first):
        statuses = first["statuses"]
        return not statuses or _is_status(statuses[0]) or "search_metadata" in first
    return _is_status(first)


def _is_status(value: Any) -> bool:
    return isinstance(value, dict) and "id_str" in value and (
        "user" in value or "full_text" in value or "text" in value)


def _search_page(value: Any) -> bool:
    """A v1.1 search response, `{"statuses": [...], "search_metadata": {...}}`.

    Mentorfeed's Mastodon archive pages also hold `statuses`; those carry `__mentorfeed` and
    statuses without `id_str`, so an empty page with no `search_metadata` is left to them.
    """
    return isinstance(value, dict) and isinstance(value.get("statuses"), list) and (
        "search_metadata" in value or "__mentorfeed" not in value)


def read(path: Path, on_bytes: OnBytes) -> Iterator[Parsed | Issue]:
    """Tweets one by one, whether bare or wrapped in search responses (one per file or line),
    so that one bad tweet in a page of 100 loses that tweet alone."""
    with path.open("rb") as stream:
        records = (Record(r.line, r.value["statuses"])
                   if isinstance(r, Record) and _search_page(r.value) else r
                   for r in iter_json_file(stream, on_bytes))
        yield from parse_records(records, parse_status)


def parse_status(status: Any) -> tuple[list[Post], list[Author]]:
    """One v1.1 tweet, with its retweeted and quoted originals as context posts."""
    if not isinstance(status, dict):
        raise ValueError("expected a JSON object")
    authors: dict[str, Author] = {}
    posts = [_tweet(status, "match", authors)]
    for key, origin in (("retweeted_status", "reposted"), ("quoted_status", "quoted")):
        nested = status.get(key)
        if isinstance(nested, dict):
            posts.append(_tweet(nested, origin, authors))  # type: ignore[arg-type]
    return posts, list(authors.values())


def _tweet(status: dict[str, Any], origin: Origin, authors: dict[str, Author]) -> Post:
    tweet_id = require_str(status, "id_str")
    user = status.get("user")
    author = parse_user(user) if isinstance(user, dict) and user.get("id_str") else None
    if author:
        author.matched = origin == "match"
        authors.setdefault(author.id, author)
    extended = status.get("extended_tweet")
    if isinstance(extended, dict) and extended.get("full_text"):
        text, entities = extended["full_text"], extended.get("entities") or {}
    else:
        text = status.get("full_text") or status.get("text") or ""
        entities = status.get("entities") or {}
    retweeted = status.get("retweeted_status")
    repost_of = retweeted.get("id_str") if isinstance(retweeted, dict) else None
    post = build_post(
        tweet_id, text, entities, status, origin,
        author_id=author.id if author else None,
        handle=author.handle if author else None,
        created_at=status.get("created_at"),
    )
    post.repost_of = repost_of
    post.quote_of = status.get("quoted_status_id_str")
    if repost_of:
        post.text, post.hashtags, post.mentions, post.urls = "", [], [], []
    history = status.get("edit_history")
    if isinstance(history, dict):
        post = as_version(post, edit_chain(history.get("edit_tweet_ids"), tweet_id,
                                           history.get("initial_tweet_id")))
    return post


def build_post(tweet_id: str, text: str, entities: dict[str, Any], status: dict[str, Any],
               origin: Origin, *, author_id: str | None, handle: str | None,
               created_at: Any) -> Post:
    """The fields v1.1 tweets and archive tweets share."""
    # Unescape before the links go in: an expanded link is plain text, and `&region=` in its
    # query string must not be read as the entity `&reg`.
    text = unescape(text)
    urls: list[str] = []
    for entity in entities.get("urls") or ():
        short = entity.get("url")
        unwound = entity.get("unwound")
        full = (unwound.get("url") if isinstance(unwound, dict) else None) or \
            entity.get("expanded_url") or short
        if full:
            urls.append(full)
            if short and short != full:
                text = text.replace(short, full)
    return Post(
        platform="x",
        id=tweet_id,
        url=f"https://x.com/{handle or 'i/web'}/status/{tweet_id}",
        author_id=author_id,
        text=clean_text(text),
        created_at=parse_twitter_date(created_at),
        lang=language(status.get("lang")),
        hashtags=[h["text"] for h in entities.get("hashtags") or () if h.get("text")],
        mentions=[Mention(m.get("screen_name"), m.get("id_str"))
                  for m in entities.get("user_mentions") or ()],
        urls=urls,
        reply_to=status.get("in_reply_to_status_id_str"),
        reply_to_author=status.get("in_reply_to_user_id_str"),
        metrics={k: v for k, v in (
            ("reposts", as_int(status.get("retweet_count"))),
            ("likes", as_int(status.get("favorite_count"))),
            ("replies", as_int(status.get("reply_count"))),
            ("quotes", as_int(status.get("quote_count"))),
        ) if v is not None},
        origin=origin,
        raw=status,
    )


def parse_user(user: dict[str, Any]) -> Author:
    handle = require_str(user, "screen_name")
    return Author(
        platform="x",
        id=require_str(user, "id_str"),
        handle=handle,
        name=clean_optional(user.get("name")),
        bio=clean_optional(user.get("description")),
        followers=as_int(user.get("followers_count")),
        url=f"https://x.com/{handle}",
        raw=user,
    )


FORMAT = Format(
    name="x-v1",
    description="X API v1.1 tweets: JSONL, a JSON array or search responses (older datasets)",
    sniff=sniff,
    read=read,
)
