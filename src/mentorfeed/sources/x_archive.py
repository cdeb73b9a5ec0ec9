"""The X/Twitter personal archive: a ZIP, its unpacked folder, or a bare `tweets.js`.

The files are JavaScript (`window.YTD.tweets.part0 = [...]`); they are never evaluated, only cut
down to the JSON array. The owner comes from `account.js` and `profile.js`; the e-mail address in
`account.js` is private and is dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mentorfeed.errors import SourceError
from mentorfeed.models import Author, Post
from mentorfeed.sources._common import RecordError, clean_optional, require_str
from mentorfeed.sources._edits import as_version, edit_chain
from mentorfeed.sources._reading import Issue, OnBytes, Record, iter_json_array
from mentorfeed.sources.base import Format, Parsed, Sample, parse_records
from mentorfeed.sources.x_v1 import build_post

_TWEET_FILE = re.compile(r"(^|/)(tweets?|tweets-part\d+)\.js$")
_STATUS_URL = re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/(\d+)")


def sniff(sample: Sample) -> bool:
    if sample.path.is_dir():
        return any(_TWEET_FILE.search(p.name) for p in _candidates(sample.path))
    if sample.path.suffix.lower() == ".zip":
        return True
    return sample.head.lstrip().startswith(b"window.YTD.")


def _candidates(folder: Path) -> list[Path]:
    data = folder / "data" if (folder / "data").is_dir() else folder
    return sorted(data.glob("*.js"))


def read(path: Path, on_bytes: OnBytes) -> Iterator[Parsed | Issue]:
    if path.is_dir():
        files = {p.name: p.read_bytes for p in _candidates(path)}
        yield from _read_files(files, on_bytes)
    elif path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise SourceError("not a readable ZIP file.") from None
        with archive:
            members = {Path(n).name: _zip_reader(archive, n) for n in archive.namelist()
                       if n.endswith(".js") and "/." not in n}
            yield from _read_files(members, on_bytes)
    else:  # a bare tweets.js, whatever its name, with account.js and profile.js if beside it
        files = {"tweets.js": path.read_bytes}
        for sibling in ("account.js", "profile.js"):
            if (path.parent / sibling).is_file():
                files[sibling] = (path.parent / sibling).read_bytes
        yield from _read_files(files, on_bytes)


def _zip_reader(archive: zipfile.ZipFile, name: str) -> Callable[[], bytes]:
    return lambda: archive.read(name)


def _read_files(files: dict[str, Callable[[], bytes]], on_bytes: OnBytes) -> Iterator[
        Parsed | Issue]:
    tweet_files = sorted(n for n in files if _TWEET_FILE.search(n))
    if not tweet_files:
        raise SourceError("no tweets.js (or tweet.js) in this archive.")
    owner = _owner(files)
    authors = [owner] if owner else []
    if owner is None:
        yield Issue(None, "no account.js beside the tweets: posts are stored without an author",
                    skipped=False)
    for name in tweet_files:
        data = files[name]()
        on_bytes(len(data))
        for item in parse_records(iter_json_array(data), lambda v: _parse_entry(v, owner)):
            if isinstance(item, Parsed) and authors:
                item.authors, authors = authors, []
            yield item


def _first_object(files: dict[str, Callable[[], bytes]], name: str, key: str) -> dict[str, Any]:
    if name not in files:
        return {}
    for record in iter_json_array(files[name]()):
        if isinstance(record, Record) and isinstance(record.value, dict):
            value = record.value.get(key)
            return value if isinstance(value, dict) else {}
    return {}


def _owner(files: dict[str, Callable[[], bytes]]) -> Author | None:
    account = _first_object(files, "account.js", "account")
    if not account.get("accountId") or not account.get("username"):
        return None
    profile = _first_object(files, "profile.js", "profile")
    description = profile.get("description") or {}
    handle = account["username"]
    return Author(
        platform="x",
        id=str(account["accountId"]),
        handle=handle,
        name=clean_optional(account.get("accountDisplayName")),
        bio=clean_optional(description.get("bio")),
        url=f"https://x.com/{handle}",
        matched=True,
        raw={k: v for k, v in account.items() if k != "email"} | {"profile": profile},
    )


def _parse_entry(entry: Any, owner: Author | None) -> tuple[list[Post], list[Author]]:
    if not isinstance(entry, dict):
        raise RecordError("expected an object with a 'tweet' key")
    tweet = entry.get("tweet", entry)
    if not isinstance(tweet, dict):
        raise RecordError("'tweet' is not an object")
    entities = tweet.get("entities") or {}
    post = build_post(
        require_str(tweet, "id_str"), tweet.get("full_text") or tweet.get("text") or "",
        entities, tweet, "match",
        author_id=owner.id if owner else None,
        handle=owner.handle if owner else None,
        created_at=tweet.get("created_at"),
    )
    for url in post.urls:
        match = _STATUS_URL.match(url)
        if match and match.group(1) != post.id:
            post.quote_of = match.group(1)
            break
    # A retweet in the archive is only "RT @user: ..." with no target id: its text is kept.
    return [as_version(post, _edit_chain(tweet, post.id))], []


def _edit_chain(tweet: dict[str, Any], own_id: str) -> list[str]:
    """The edit chain an archive tweet names: `edit_info.initial` on the original,
    `edit_info.edit` (with `editControlInitial`) on each edit."""
    info = tweet.get("edit_info")
    if not isinstance(info, dict):
        return []
    initial, edit = info.get("initial"), info.get("edit")
    if isinstance(edit, dict):
        control = edit.get("editControlInitial")
        ids = control.get("editTweetIds") if isinstance(control, dict) else None
        return edit_chain(ids, own_id, edit.get("initialTweetId"))
    if isinstance(initial, dict):
        return edit_chain(initial.get("editTweetIds"), own_id)
    return []


FORMAT = Format(
    name="x-archive",
    description="X/Twitter personal archive: the ZIP, its folder, or data/tweets.js",
    sniff=sniff,
    read=read,
)
