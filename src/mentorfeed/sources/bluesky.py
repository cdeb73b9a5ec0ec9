"""Bluesky: `app.bsky.feed.searchPosts` responses, postView JSONL, feeds and `getProfiles`.

Facet offsets count UTF-8 bytes; a facet that is out of range or splits a character is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from mentorfeed.models import Author, Mention, Origin, Post
from mentorfeed.sources._common import (
    RecordError,
    as_int,
    clean_optional,
    clean_text,
    hashtags_in,
    language,
    parse_iso,
    require_str,
    unique,
    urls_in,
)
from mentorfeed.sources._reading import Issue, OnBytes, iter_json_file
from mentorfeed.sources.base import Format, Parsed, Sample, each, parse_pages

_METRICS = {"replyCount": "replies", "repostCount": "reposts", "likeCount": "likes",
            "quoteCount": "quotes", "bookmarkCount": "bookmarks"}


def sniff(sample: Sample) -> bool:
    first = sample.first
    if first is None:
        return False
    if "posts" in first or "profiles" in first or "feed" in first:
        return True
    if isinstance(first.get("post"), dict):
        first = first["post"]
    return "uri" in first and "record" in first


def read(path: Path, on_bytes: OnBytes) -> Iterator[Parsed | Issue]:
    with path.open("rb") as stream:
        yield from parse_pages(iter_json_file(stream, on_bytes), parse_item)


def parse_item(item: Any, problems: list[str]) -> tuple[list[Post], list[Author]]:
    """A search response, a feed response, a getProfiles response, or one postView; a view or
    profile that cannot be read is left out and said in `problems`."""
    if not isinstance(item, dict):
        raise RecordError("expected a JSON object")
    if "profiles" in item:
        return [], each(item["profiles"] or (), parse_profile, problems, "profile")
    if "posts" in item or "feed" in item:
        views = item.get("posts") or [f.get("post") for f in item.get("feed") or ()]
    else:
        return parse_views([item.get("post", item)], problems, strict=True)
    return parse_views(views, problems)


def parse_views(views: Iterable[Any], problems: list[str], *, strict: bool = False
                ) -> tuple[list[Post], list[Author]]:
    """Posts and authors of postViews; a view that cannot be read is left out and said in
    `problems` (`strict`: it fails the whole, for a record that is one view)."""
    authors: dict[str, Author] = {}
    if strict:
        posts = parse_post_view(next(iter(views)), "match", authors)
    else:
        posts = [p for found in each(views, lambda v: parse_post_view(v, "match", authors),
                                     problems, "post") for p in found]
    return posts, list(authors.values())


def parse_profile(profile: dict[str, Any]) -> Author:
    handle = require_str(profile, "handle")
    return Author(
        platform="bluesky",
        id=require_str(profile, "did"),
        handle=handle,
        name=clean_optional(profile.get("displayName")),
        bio=clean_optional(profile.get("description")),
        followers=as_int(profile.get("followersCount")),
        url=f"https://bsky.app/profile/{handle}",
        raw=profile,
    )


def parse_post_view(view: Any, origin: Origin, authors: dict[str, Author]) -> list[Post]:
    """A postView (or an embedded viewRecord) and the post it quotes, if hydrated."""
    if not isinstance(view, dict):
        raise RecordError("expected a postView object")
    uri = require_str(view, "uri")
    record = view.get("record", view.get("value"))
    if not isinstance(record, dict):
        raise RecordError(f"{uri}: missing 'record'")
    author = parse_profile(view.get("author") or {})
    author.matched = origin == "match"
    if author.id in authors:
        authors[author.id].matched |= author.matched
    else:
        authors[author.id] = author
    raw_text = record.get("text") or ""
    raw_text, hashtags, mentions, urls = _facets(raw_text, record.get("facets"))
    hashtags = unique(hashtags + [t for t in record.get("tags") or () if isinstance(t, str)])
    embed = record.get("embed") or {}
    quote_of = _quoted_uri(embed)
    external = embed.get("external") or (embed.get("media") or {}).get("external")
    if isinstance(external, dict) and external.get("uri"):
        urls = unique([*urls, external["uri"]])
    reply = record.get("reply") or {}
    parent = (reply.get("parent") or {}).get("uri")
    root = (reply.get("root") or {}).get("uri")
    try:
        created = parse_iso(record.get("createdAt"))
    except RecordError:
        created = parse_iso(view.get("indexedAt"))
    langs = record.get("langs") or [None]
    post = Post(
        platform="bluesky",
        id=uri,
        url=f"https://bsky.app/profile/{author.handle}/post/{uri.rsplit('/', 1)[-1]}",
        author_id=author.id,
        text=clean_text(raw_text),
        created_at=created,
        lang=language(langs[0]),
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        reply_to=parent,
        reply_to_author=_did_of(parent),
        quote_of=quote_of,
        conversation_id=root or uri,
        metrics={_METRICS[k]: v for k, v in view.items() if k in _METRICS and isinstance(v, int)},
        origin=origin,
        raw=view,
    )
    posts = [post]
    quoted = (view.get("embed") or {}).get("record")
    if isinstance(quoted, dict) and isinstance(quoted.get("record"), dict):
        quoted = quoted["record"]  # recordWithMedia#view nests the record view once more
    if isinstance(quoted, dict) and "value" in quoted and "author" in quoted:
        posts.extend(parse_post_view(quoted, "quoted", authors))
    return posts


def _facets(text: str, facets: Any) -> tuple[str, list[str], list[Mention], list[str]]:
    """Tags, mentions and links from the facets; shortened link text is replaced by the link."""
    if not isinstance(facets, list):
        return text, hashtags_in(text), [], urls_in(text)
    data = text.encode("utf-8")
    hashtags: list[str] = []
    mentions: list[Mention] = []
    urls: list[str] = []
    replacements: list[tuple[int, int, bytes]] = []
    for facet in facets:
        try:
            index = facet["index"]
            start, end = int(index["byteStart"]), int(index["byteEnd"])
            if not 0 <= start < end <= len(data):
                continue
            fragment = data[start:end].decode("utf-8")
            features = facet["features"]
        except (KeyError, TypeError, ValueError, UnicodeDecodeError):
            continue  # facets written by other clients can be wrong
        for feature in features:
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1]
            if kind == "tag" and feature.get("tag"):
                hashtags.append(feature["tag"])
            elif kind == "mention":
                mentions.append(Mention(fragment.lstrip("@") or None, feature.get("did")))
            elif kind == "link" and feature.get("uri"):
                urls.append(feature["uri"])
                if fragment != feature["uri"]:
                    replacements.append((start, end, str(feature["uri"]).encode("utf-8")))
    for start, end, link in sorted(replacements, reverse=True):
        if all(end <= s or start >= e for s, e, _ in replacements if (s, e) != (start, end)):
            data = data[:start] + link + data[end:]
    if replacements:
        text = data.decode("utf-8")
    return text, unique(hashtags), mentions, unique(urls)


def _quoted_uri(embed: dict[str, Any]) -> str | None:
    kind = str(embed.get("$type", ""))
    inner = embed.get("record") or {}
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        inner = inner.get("record") or {}
    elif not kind.startswith("app.bsky.embed.record"):
        return None
    uri = inner.get("uri")
    return uri if isinstance(uri, str) else None


def _did_of(uri: str | None) -> str | None:
    if not uri or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0]


FORMAT = Format(
    name="bluesky",
    description="Bluesky searchPosts or getProfiles responses, feeds, or postView JSONL",
    sniff=sniff,
    read=read,
)
