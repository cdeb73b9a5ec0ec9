"""CSV (or TSV) tables: our own columns, or twarc-csv's dotted columns.

Columns (case-insensitive; the names after `|` are accepted too):

| column | meaning |
| --- | --- |
| `platform` | `x`, `bluesky` or `mastodon`; default `x` |
| `id` | the post's id on its platform (required) |
| `text` | the post's text (required) |
| `created_at` | ISO 8601, `Tue Mar 04 15:00:00 +0000 2025`, or Unix seconds (required) |
| `url` | the post's address |
| `author_id` \\| `author.id` | the author's id |
| `author_handle` \\| `author.username` \\| `username` | the author's handle |
| `author_name` \\| `author.name` | display name |
| `author_bio` \\| `author.description` | bio |
| `author_followers` \\| `author.public_metrics.followers_count` | follower count |
| `lang` | language code |
| `hashtags` \\| `entities.hashtags` | space- or comma-separated, or a JSON list |
| `urls` \\| `entities.urls` | space-separated, or a JSON list of strings or url entities |
| `mentions` \\| `entities.mentions` | handles, space-separated or a JSON list (`@` optional) |
| `reply_to` \\| `referenced_tweets.replied_to.id` | the id of the post replied to |
| `quote_of` \\| `referenced_tweets.quoted.id` | the id of the post quoted |
| `repost_of` \\| `referenced_tweets.retweeted.id` | the id of the post reposted |
| `conversation_id` | thread id |
| `likes`, `reposts`, `replies`, `quotes` \\| `public_metrics.like_count`, ... | counts |

A file with twarc-csv's dotted columns is read as twarc-csv writes it: its `\\n` (a literal
backslash and `n`, which it writes for each newline) becomes a newline, X's `&amp;`, `&lt;` and
`&gt;` are unescaped, each t.co link in the text is replaced by its address from `entities.urls`
(the expanded URLs in text order, or the URL objects with `--no-process-entities`), `#` is taken
off `entities.hashtags`, `entities.mentions` become mentions, and the post's address is built from
`author.username`. A text cell JSON-encoded by `--json-encode-text` is decoded.

A UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped and UTF-16 with a mark is read. A field
may hold up to `MAX_FIELD_CHARS` characters (Python's csv stops at 128 KiB, which a long thread
pasted into one cell passes); a row with a larger field is skipped alone and reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import orjson

from mentorfeed.models import Author, Mention, Post
from mentorfeed.sources._common import (
    RecordError,
    as_int,
    clean_optional,
    clean_text,
    hashtags_in,
    language,
    parse_any_date,
    unescape,
    urls_in,
)
from mentorfeed.sources._reading import Issue, OnBytes, decode
from mentorfeed.sources.base import Format, Parsed, Sample
from mentorfeed.taxonomy import PLATFORMS, Platform

ALIASES: dict[str, tuple[str, ...]] = {
    "author_id": ("author.id",),
    "author_handle": ("author.username", "username", "author_username"),
    "author_name": ("author.name",),
    "author_bio": ("author.description",),
    "author_followers": ("author.public_metrics.followers_count",),
    "hashtags": ("entities.hashtags",),
    "mentions": ("entities.mentions",),
    "urls": ("entities.urls",),
    "reply_to": ("referenced_tweets.replied_to.id", "in_reply_to_id"),
    "quote_of": ("referenced_tweets.quoted.id",),
    "repost_of": ("referenced_tweets.retweeted.id",),
    "likes": ("public_metrics.like_count",),
    "reposts": ("public_metrics.retweet_count",),
    "replies": ("public_metrics.reply_count",),
    "quotes": ("public_metrics.quote_count",),
}
MAX_FIELD_CHARS = 10_000_000
"""Far beyond any real post, so a long one is read whole (and cut, if at all, where every source's
posts are), yet a row holding a stray multi-megabyte blob is refused rather than stored."""
_PROFILE_URLS = {"x": "https://x.com/{}", "bluesky": "https://bsky.app/profile/{}",
                 "mastodon": ""}
_TWARC_PREFIXES = ("__twarc.", "author.", "entities.", "public_metrics.", "referenced_tweets.")
_TCO = re.compile(r"https?://t\.co/\w+")


def sniff(sample: Sample) -> bool:
    return sample.path.suffix.lower() in (".csv", ".tsv")


def read(path: Path, on_bytes: OnBytes) -> Iterator[Parsed | Issue]:
    data = path.read_bytes()
    on_bytes(len(data))
    text, replaced = decode(data)
    if replaced:
        yield Issue(None, "invalid UTF-8 replaced with U+FFFD", skipped=False)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    # no field can be longer than the file, so the csv module never stops mid-file on a long
    # one (after that error it would resume inside the field); the real limit is checked below
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = _columns(reader.fieldnames or [])
    twarc = any(name.startswith(_TWARC_PREFIXES) for name in reader.fieldnames or [])
    missing = [c for c in ("id", "text", "created_at") if c not in columns]
    if missing:
        yield Issue(1, f"missing column(s) {', '.join(missing)}; see `mentorfeed import --help`")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Issue(reader.line_num, f"unreadable CSV row ({exc}); the rest was skipped")
            return
        longest = max((len(v) for v in row.values() if isinstance(v, str)), default=0)
        if longest > MAX_FIELD_CHARS:
            yield Issue(reader.line_num, f"a field of {longest:,} characters is over the "
                        f"{MAX_FIELD_CHARS:,} limit; this row was skipped")
            continue
        values = {ours: row.get(theirs) or "" for ours, theirs in columns.items()}
        try:
            posts, authors = parse_row(_from_twarc(values) if twarc else values, row)
        except RecordError as exc:
            yield Issue(reader.line_num, str(exc))
        else:
            yield Parsed(reader.line_num, posts, authors)


def _columns(fieldnames: Sequence[str]) -> dict[str, str]:
    """Our column name -> the file's column name."""
    by_lower = {name.strip().lower(): name for name in fieldnames if name}
    columns: dict[str, str] = {}
    for ours in ("platform", "id", "text", "created_at", "url", "lang", "conversation_id",
                 *ALIASES):
        for candidate in (ours, *ALIASES.get(ours, ())):
            if candidate in by_lower:
                columns[ours] = by_lower[candidate]
                break
    return columns


def parse_row(values: dict[str, str], row: dict[str, Any]) -> tuple[list[Post], list[Author]]:
    name = (values.get("platform") or "x").strip().lower()
    if name not in PLATFORMS:
        raise RecordError(f"unknown platform {name!r} (use x, bluesky or mastodon)")
    platform: Platform = name
    post_id = values["id"].strip()
    if not post_id:
        raise RecordError("empty id")
    if not values.get("created_at", "").strip():
        raise RecordError("empty created_at")
    links = _links(values.get("urls"))
    text = clean_text(_expand(values["text"], links))
    author_id = values.get("author_id", "").strip() or None
    handle = values.get("author_handle", "").strip().lstrip("@") or None
    authors = []
    if author_id or handle:
        author_id = author_id or handle
        authors.append(Author(
            platform=platform, id=cast(str, author_id), handle=handle or "",
            name=clean_optional(values.get("author_name")),
            bio=clean_optional(values.get("author_bio")),
            followers=_count(values.get("author_followers")),
            url=_PROFILE_URLS[platform].format(handle) if handle else None,
            matched=True,
        ))
    hashtags = [t.lstrip("#") for t in _list(values.get("hashtags"), "tag")] or hashtags_in(text)
    repost_of = values.get("repost_of", "").strip() or None
    url = values.get("url", "").strip() or None
    if url is None and platform == "x":
        url = f"https://x.com/{handle or 'i/web'}/status/{post_id}"
    post = Post(
        platform=platform,
        id=post_id,
        url=url,
        author_id=author_id,
        text="" if repost_of else text,
        created_at=parse_any_date(values["created_at"]),
        lang=language(values.get("lang", "").strip()),
        hashtags=[] if repost_of else [t for t in hashtags if t],
        mentions=[] if repost_of else _mentions(values.get("mentions")),
        urls=[full for _, full in links] or urls_in(text),
        reply_to=values.get("reply_to", "").strip() or None,
        quote_of=values.get("quote_of", "").strip() or None,
        repost_of=repost_of,
        conversation_id=values.get("conversation_id", "").strip() or None,
        metrics={k: n for k in ("likes", "reposts", "replies", "quotes")
                 if (n := _count(values.get(k))) is not None},
        raw={k: v for k, v in row.items() if k is not None},
    )
    return [post], authors


def _from_twarc(values: dict[str, str]) -> dict[str, str]:
    """A twarc-csv row's cells as X sent them: newlines back, X's HTML escapes undone."""
    values = dict(values)
    text = values.get("text", "")
    decoded: Any = None
    if len(text) >= 2 and text[0] == text[-1] == '"':  # written with --json-encode-text
        try:
            decoded = orjson.loads(text)
        except orjson.JSONDecodeError:
            decoded = None  # a text that only starts and ends with a quotation mark
    text = decoded if isinstance(decoded, str) else text.replace("\\n", "\n")
    values["text"] = unescape(text)
    for key in ("author_name", "author_bio"):
        if values.get(key):
            values[key] = values[key].replace("\\n", "\n")
    return values


def _links(value: str | None) -> list[tuple[str | None, str]]:
    """(t.co link or None, full address) for each entry of a `urls` cell.

    twarc-csv writes the expanded addresses alone (a photo as its `pic.twitter.com/...` display
    address); with `--no-process-entities` it writes X's URL objects, which name their t.co link.
    """
    value = (value or "").strip()
    if not value.startswith("["):
        return [(None, url) for url in _list(value, "url")]
    links: list[tuple[str | None, str]] = []
    for item in _json_list(value):
        if isinstance(item, dict):
            short = item.get("url")
            full = item.get("unwound_url") or item.get("expanded_url") or short
            if isinstance(full, str) and full:
                links.append((short if isinstance(short, str) else None, full))
        elif isinstance(item, str) and item:
            links.append((None, item if "://" in item else f"https://{item}"))
    return links


def _expand(text: str, links: list[tuple[str | None, str]]) -> str:
    """Put each link's full address in place of its t.co link.

    Entries that do not name their t.co link are X's entities in text order, so they are paired
    with the t.co links in the text by position, and only when there are as many of each.
    """
    if "t.co/" not in text or not links:
        return text
    full_of = {short: full for short, full in links if short}
    if not full_of:
        found = _TCO.findall(text)
        if len(found) != len(links):
            return text
        full_of = {short: full for short, (_, full) in zip(found, links, strict=True)}
    pattern = re.compile("|".join(rf"{re.escape(short)}(?!\w)" for short in full_of))
    return pattern.sub(lambda match: full_of[match.group(0)], text)


def _mentions(value: str | None) -> list[Mention]:
    value = (value or "").strip()
    if not value.startswith("["):
        return [Mention(h.lstrip("@")) for h in value.replace(",", " ").split() if h.strip("@")]
    mentions = []
    for item in _json_list(value):
        if isinstance(item, dict) and item.get("username"):
            mentions.append(Mention(str(item["username"]).lstrip("@"),
                                    str(item["id"]) if item.get("id") else None))
        elif isinstance(item, str) and item.strip("@"):
            mentions.append(Mention(item.lstrip("@")))
    return mentions


def _count(value: str | None) -> int | None:
    """A count, also as pandas writes an integer column with gaps in it (`1840.0`)."""
    number = as_int(value)
    if number is None and value and value.strip().endswith(".0"):
        number = as_int(value.strip()[:-2])
    return number


def _json_list(value: str) -> list[Any]:
    try:
        items = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise RecordError(f"cannot read the list {value[:40]!r}") from None
    if not isinstance(items, list):
        raise RecordError(f"cannot read the list {value[:40]!r}")
    return items


def _list(value: str | None, key: str) -> list[str]:
    """A JSON list (of strings or of entity objects) or a space/comma-separated list."""
    value = (value or "").strip()
    if not value:
        return []
    if value.startswith("["):
        return [str(i.get(key) or i.get("url") or "") if isinstance(i, dict) else str(i)
                for i in _json_list(value) if i]
    return [part.lstrip("#") for part in value.replace(",", " ").split() if part.strip("#")]


FORMAT = Format(
    name="csv",
    description="CSV/TSV tables with the documented columns (or twarc-csv output)",
    sniff=sniff,
    read=read,
)
