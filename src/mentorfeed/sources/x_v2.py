"""X API v2 search responses (one JSON page, or JSONL of pages as twarc2 writes them).

Also reads flattened twarc2 lines (one tweet per line with its `author` inlined), the 2026
`post` spellings of the field names, and twarc2's account and list lookups (`users.jsonl`,
`lists.jsonl`), which give authors and no posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mentorfeed.models import Author, Mention, Origin, Post
from mentorfeed.sources._common import (
    RecordError,
    as_int,
    clean_optional,
    clean_text,
    language,
    parse_iso,
    require_str,
    unescape,
)
from mentorfeed.sources._edits import as_version, edit_chain
from mentorfeed.sources._reading import Issue, OnBytes, Record, iter_json_file
from mentorfeed.sources.base import Format, Parsed, Sample, each, parse_pages

_METRICS = {
    "retweet_count": "reposts", "repost_count": "reposts", "reply_count": "replies",
    "like_count": "likes", "quote_count": "quotes", "bookmark_count": "bookmarks",
    "impression_count": "impressions",
}
_ORIGINS: dict[str, Origin] = {"replied_to": "replied_to", "quoted": "quoted",
                                "retweeted": "reposted", "reposted": "reposted"}
# Errors about fields the page still holds in full: a mention of a deleted account.
_HARMLESS = frozenset({"entities.mentions.username", "entities.mentions"})


def sniff(sample: Sample) -> bool:
    first = sample.first
    if first is None:
        return False
    if "__twarc" in first or isinstance(first.get("data"), list | dict):
        return True
    return "text" in first and ("author_id" in first or "edit_history_tweet_ids" in first)


def read(path: Path, on_bytes: OnBytes) -> Iterator[Parsed | Issue]:
    with path.open("rb") as stream:
        yield from parse_pages(_with_page_errors(iter_json_file(stream, on_bytes)), parse_page)


def _with_page_errors(records: Iterator[Record | Issue]) -> Iterator[Record | Issue]:
    """Each record, after a warning for the `errors` the API put in its page (tweets it could
    not return: deleted, protected, suspended); the page's data are still read."""
    for record in records:
        if isinstance(record, Record):
            warning = page_errors(record.value)
            if warning:
                yield Issue(record.line, warning, skipped=False)
        yield record


def page_errors(page: Any) -> str | None:
    """One sentence for the partial errors of a v2 page, or None when it has none.

    An account named in a mention that no longer exists costs nothing (the mention keeps its
    handle), so those errors, found on most pages of a large collection, are not reported."""
    found = page.get("errors") if isinstance(page, dict) else None
    if not isinstance(found, list):
        return None
    errors = [e for e in found if not (isinstance(e, dict) and e.get("parameter") in _HARMLESS)]
    if not errors:
        return None
    first = errors[0] if isinstance(errors[0], dict) else {}
    what = str(first.get("title") or first.get("type") or "an error")
    detail = first.get("detail") or first.get("message")
    example = f"{what} ({detail})" if detail else what
    if len(errors) == 1:
        return f"the X API reported an error in this page: {example}"
    return f"the X API reported {len(errors)} errors in this page, the first: {example}"


def parse_page(page: Any, problems: list[str] | None = None) -> tuple[list[Post], list[Author]]:
    """One response page (or one flattened tweet) into posts and authors. A tweet or user that
    cannot be read is left out and said in `problems`; without that list, it fails the page."""
    if not isinstance(page, dict):
        raise ValueError("expected a JSON object")
    if "data" not in page and "text" in page:
        return _parse_flat(page)
    found: list[str] = [] if problems is None else problems
    data = page.get("data") or []
    if isinstance(data, dict):  # a single-tweet lookup response
        data = [data]
    includes = page.get("includes") or {}
    users = {user.id: user for user in each(
        (u for u in includes.get("users") or () if isinstance(u, dict) and u.get("id")),
        parse_user, found, "user")}
    if data and all(_is_account(item) or _is_list(item) for item in data):
        return [], _lookup_authors(data, users)
    context = includes.get("tweets") or includes.get("posts") or ()
    included = {str(t.get("id")) for t in context if isinstance(t, dict)}
    posts = each(data, lambda t: parse_tweet(t, users, "match", originals=included), found,
                 "tweet")
    origins: dict[str, Origin] = {}
    for tweet in data:
        for ref in _references(tweet) if isinstance(tweet, dict) else ():
            origins.setdefault(str(ref.get("id")), _ORIGINS.get(ref.get("type", ""), "context"))
    posts.extend(each(context, lambda t: parse_tweet(t, users, origins.get(str(t.get("id")),
                                                                            "context")),
                      found, "included tweet"))
    if problems is None and found:
        raise RecordError(found[0])
    for post in posts:
        if post.matched and post.author_id in users:
            users[post.author_id].matched = True
    return posts, list(users.values())


def _parse_flat(tweet: dict[str, Any]) -> tuple[list[Post], list[Author]]:
    users: dict[str, Author] = {}
    author = tweet.get("author")
    if isinstance(author, dict) and author.get("id"):
        users[author["id"]] = parse_user(author)
        users[author["id"]].matched = True
    included = {str(r.get("id")) for r in _references(tweet) if "text" in r}
    posts = [parse_tweet(tweet, users, "match", originals=included)]
    for ref in _references(tweet):
        if "text" in ref:
            ref_author = ref.get("author")
            if isinstance(ref_author, dict) and ref_author.get("id"):
                users.setdefault(ref_author["id"], parse_user(ref_author))
            posts.append(parse_tweet(ref, users, _ORIGINS.get(ref.get("type", ""), "context")))
    return posts, list(users.values())


def _is_account(item: Any) -> bool:
    """A user object, as account lookups, followers and list members give them."""
    return isinstance(item, dict) and "username" in item and "text" not in item


def _is_list(item: Any) -> bool:
    """A list object, as list lookups give them (`owner_id`, `member_count`...)."""
    return isinstance(item, dict) and "text" not in item and "username" not in item and (
        "owner_id" in item or "member_count" in item or "follower_count" in item)


def _lookup_authors(data: list[Any], owners: dict[str, Author]) -> list[Author]:
    """The accounts of an account lookup (their pinned tweets are left out: they are not what
    the lookup was for), or the owners of the lists of a list lookup."""
    found = {a.id: a for a in owners.values()}
    for item in data:
        if _is_account(item):
            author = parse_user(item)
            found[author.id] = author
    return list(found.values())


def _references(tweet: dict[str, Any]) -> list[dict[str, Any]]:
    refs = tweet.get("referenced_tweets") or tweet.get("referenced_posts") or []
    return [r for r in refs if isinstance(r, dict)]


def parse_user(user: dict[str, Any]) -> Author:
    handle = require_str(user, "username")
    metrics = user.get("public_metrics") or {}
    return Author(
        platform="x",
        id=require_str(user, "id"),
        handle=handle,
        name=clean_optional(user.get("name")),
        bio=clean_optional(_expanded_bio(user)),
        followers=as_int(metrics.get("followers_count")),
        url=f"https://x.com/{handle}",
        raw=user,
    )


def _expanded_bio(user: dict[str, Any]) -> str | None:
    """The bio with its t.co links replaced by the links they stand for."""
    bio = user.get("description")
    if not isinstance(bio, str) or not bio:
        return None
    entities = user.get("entities")
    found = entities.get("description") if isinstance(entities, dict) else None
    links = found.get("urls") if isinstance(found, dict) else None
    for entity in links if isinstance(links, list) else ():
        if not isinstance(entity, dict):
            continue
        short, full = entity.get("url"), entity.get("expanded_url")
        if isinstance(short, str) and short and isinstance(full, str) and full:
            bio = bio.replace(short, full)
    return bio


def parse_tweet(tweet: dict[str, Any], users: dict[str, Author], origin: Origin, *,
                originals: set[str] | frozenset[str] = frozenset()) -> Post:
    """One tweet. A repost whose original is in `originals` (the page carries it) has no text
    of its own; one whose original is missing keeps its "RT @user: ..." text, all there is of
    the words it shares."""
    tweet_id = require_str(tweet, "id")
    note = tweet.get("note_tweet") or tweet.get("note_post")
    if isinstance(note, dict) and note.get("text"):
        text, entities = note["text"], note.get("entities") or {}
    else:
        text, entities = tweet.get("text") or "", tweet.get("entities") or {}
    reply_to = quote_of = repost_of = None
    for ref in _references(tweet):
        kind, ref_id = ref.get("type"), ref.get("id")
        if ref_id is None:
            continue
        if kind == "replied_to":
            reply_to = str(ref_id)
        elif kind == "quoted":
            quote_of = str(ref_id)
        elif kind in ("retweeted", "reposted"):
            repost_of = str(ref_id)
    author_id = tweet.get("author_id")
    author = users.get(author_id) if author_id else None
    # Unescape before the links go in: an expanded link is plain text, and `&region=` in its
    # query string must not be read as the entity `&reg`.
    text = unescape(text)
    urls: list[str] = []
    for entity in entities.get("urls") or ():
        short = entity.get("url")
        full = entity.get("unwound_url") or entity.get("expanded_url") or short
        if full:
            urls.append(full)
            if short and short != full:
                text = text.replace(short, full)
    if repost_of and repost_of in originals:
        text, urls, hashtags, mentions = "", [], [], []
    else:
        text = clean_text(text)
        hashtags = [h["tag"] for h in entities.get("hashtags") or () if h.get("tag")]
        mentions = [Mention(m.get("username"), m.get("id"))
                    for m in entities.get("mentions") or ()]
    handle = author.handle if author else None
    post = Post(
        platform="x",
        id=tweet_id,
        url=f"https://x.com/{handle or 'i/web'}/status/{tweet_id}",
        author_id=str(author_id) if author_id else None,
        text=text,
        created_at=parse_iso(tweet.get("created_at")),
        lang=language(tweet.get("lang")),
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        reply_to=reply_to,
        reply_to_author=tweet.get("in_reply_to_user_id"),
        quote_of=quote_of,
        repost_of=repost_of,
        conversation_id=tweet.get("conversation_id"),
        metrics=metrics(tweet.get("public_metrics")),
        origin=origin,
        raw=tweet,
    )
    ids = tweet.get("edit_history_tweet_ids") or tweet.get("edit_history_post_ids")
    return as_version(post, edit_chain(ids, tweet_id))


def metrics(public: Any) -> dict[str, int]:
    if not isinstance(public, dict):
        return {}
    return {_METRICS[k]: v for k, v in public.items() if type(v) is int and k in _METRICS}


FORMAT = Format(
    name="x-v2",
    description="X API v2 search responses: a JSON page, or JSONL pages as twarc2 writes them",
    sniff=sniff,
    read=read,
)
