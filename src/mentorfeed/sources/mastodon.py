"""Mastodon statuses: hashtag-timeline responses (a JSON array, or JSONL of statuses or pages,
including the pages of mentorfeed's raw archive).

A status is identified by its global `uri`, because the numeric `id` is only unique on the server
that was queried. A reply names its parent by that server's `id`; when the parent is not in the
same import, the reference is kept as `local:<server>:<id>` and resolved once the parent arrives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mentorfeed.models import Author, Mention, Origin, Post, by_local_ref
from mentorfeed.sources._common import (
    RecordError,
    as_int,
    clean_optional,
    clean_text,
    language,
    parse_iso,
    require_str,
    unique,
)
from mentorfeed.sources._html import HtmlText, html_to_text
from mentorfeed.sources._reading import Issue, OnBytes, Record, iter_json_file
from mentorfeed.sources.base import Format, Parsed, Sample, parse_records

_BLANK_RUN = re.compile(r"\n{3,}")
_METRICS = {"replies_count": "replies", "reblogs_count": "reposts",
            "favourites_count": "likes", "quotes_count": "quotes"}


def sniff(sample: Sample) -> bool:
    first = sample.first
    if first is not None and _archived_page(first):
        return True
    return first is not None and "uri" in first and "account" in first and (
        "content" in first or "reblog" in first)


def _archived_page(value: Any) -> bool:
    """A page of mentorfeed's raw archive: `{"statuses": [...], "__mentorfeed": {"url": ...}}`."""
    return isinstance(value, dict) and isinstance(value.get("statuses"), list) and isinstance(
        value.get("__mentorfeed"), dict)


def read(path: Path, on_bytes: OnBytes) -> Iterator[Parsed | Issue]:
    """Statuses in file order. A file holds one server's responses, so the server learnt from
    one status (its tag links) names the local ids of those that carry no tags."""
    server: str | None = None
    waiting: list[Record | Issue] = []

    def parse(status: Any) -> tuple[list[Post], list[Author]]:
        return parse_status(status, server)

    with path.open("rb") as stream:
        for record in iter_json_file(stream, on_bytes):
            if isinstance(record, Record) and _archived_page(record.value):
                # each archived page says which server it came from: the host of its URL
                host = urlsplit(str(record.value["__mentorfeed"].get("url") or "")).hostname
                page = Record(record.line, record.value["statuses"])
                yield from parse_records(iter([page]), partial(parse_status, server=host))
                continue
            if server is None and isinstance(record, Record):
                server = _server_in(record.value)
            waiting.append(record)
            if server is not None or len(waiting) >= 1000:
                yield from parse_records(iter(waiting), parse)
                waiting = []
    yield from parse_records(iter(waiting), parse)


def _server_in(value: Any) -> str | None:
    for status in value if isinstance(value, list) else [value]:
        if isinstance(status, dict) and isinstance(status.get("account"), dict):
            server = _queried_server(status, parse_account(status["account"]))
            if server:
                return server
    return None


def parse_status(status: Any, server: str | None = None) -> tuple[list[Post], list[Author]]:
    """One status; `server` is the queried server when the status itself does not say."""
    if not isinstance(status, dict):
        raise RecordError("expected a status object")
    authors: dict[str, Author] = {}
    posts = _status(status, "match", authors, server)
    return posts, list(authors.values())


def local_ref(server: str, status_id: str) -> str:
    return f"{server}:{status_id}"


def _status(status: dict[str, Any], origin: Origin, authors: dict[str, Author],
            server_hint: str | None) -> list[Post]:
    uri = require_str(status, "uri")
    author = parse_account(status.get("account") or {})
    author.matched = origin == "match"
    if author.id in authors:
        authors[author.id].matched |= author.matched
    else:
        authors[author.id] = author
    server = _queried_server(status, author) or server_hint
    posts: list[Post] = []
    reblog = status.get("reblog")
    repost_of = None
    if isinstance(reblog, dict):
        posts.extend(_status(reblog, "reposted", authors, server))
        repost_of = posts[0].id
    quote_of = None
    quote = status.get("quote")
    body = html_to_text(status.get("content") or "")
    if isinstance(quote, dict) and isinstance(quote.get("quoted_status"), dict):
        quoted = _status(quote["quoted_status"], "quoted", authors, server)
        posts.extend(quoted)
        quote_of = quoted[0].id
        body = _without_quote_link(body, {quoted[0].id, quoted[0].url})
    text = body.text
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}".strip()
    hashtags = body.hashtags or [t["name"] for t in status.get("tags") or () if t.get("name")]
    card = status.get("card")
    urls = body.links + ([card["url"]] if isinstance(card, dict) and card.get("url") else [])
    parent = status.get("in_reply_to_id")
    post = Post(
        platform="mastodon",
        id=uri,
        url=status.get("url") or uri,
        author_id=author.id,
        text="" if repost_of else clean_text(text),
        created_at=parse_iso(status.get("created_at")),
        lang=language(status.get("language")),
        hashtags=[] if repost_of else unique(hashtags),
        mentions=[Mention(m.get("acct"), m.get("url")) for m in status.get("mentions") or ()],
        urls=[] if repost_of else unique(urls),
        reply_to=by_local_ref(local_ref(server, str(parent))) if parent and server else None,
        quote_of=quote_of,
        repost_of=repost_of,
        metrics={_METRICS[k]: v for k, v in status.items()
                 if k in _METRICS and isinstance(v, int)},
        origin=origin,
        raw=status,
        local_ref=local_ref(server, str(status["id"])) if server and status.get("id") else None,
    )
    return [post, *posts]


def _without_quote_link(body: HtmlText, addresses: set[str | None]) -> HtmlText:
    """The text without a "RE: <link to the quoted post>" line that is not marked as the quote's
    fallback (servers before Mastodon 4.4 and other software write it plainly)."""
    links = {a for a in addresses if a}
    lines = body.text.split("\n")
    kept = [line for line in lines
            if not (line.startswith("RE: ") and line[4:].strip() in links)]
    if len(kept) == len(lines):
        return body
    text = _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip()
    return HtmlText(text, body.hashtags,
                    [link for link in body.links if link not in links or link in text])


def _queried_server(status: dict[str, Any], author: Author) -> str | None:
    """The server whose local ids this status carries: tag links point to it."""
    for tag in status.get("tags") or ():
        host = urlsplit(str(tag.get("url") or "")).hostname
        if host:
            return host
    account = status.get("account") or {}
    if "@" not in str(account.get("acct", "@")):
        return urlsplit(author.url or "").hostname
    return None


def parse_account(account: dict[str, Any]) -> Author:
    url = account.get("url") or None
    host = urlsplit(url).hostname if url else None
    acct = require_str(account, "acct")
    handle = acct if "@" in acct or not host else f"{acct}@{host}"
    note = html_to_text(account.get("note") or "").text
    return Author(
        platform="mastodon",
        id=account.get("uri") or url or handle,
        handle=handle,
        name=clean_optional(account.get("display_name")),
        bio=clean_optional(note),
        followers=as_int(account.get("followers_count")),
        url=url,
        raw=account,
    )


FORMAT = Format(
    name="mastodon",
    description="Mastodon statuses: tag-timeline JSON arrays, or JSONL of statuses or pages",
    sniff=sniff,
    read=read,
)
