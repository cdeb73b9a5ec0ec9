"""The X/Twitter personal archive: a ZIP, its unpacked folder, or a bare `tweets.js`.

The files are JavaScript (`window.YTD.tweets.part0 = [...]`); they are never evaluated, only cut
down to the JSON array. The owner comes from `account.js` and `profile.js`; the e-mail address in
`account.js` is private and is dropped. A long post, cut short in `tweets.js`, gets its whole text
from `note-tweet.js` (see `_x_notes`). A retweet ("RT @user: ...", `retweeted: true`, or with a
`retweeted_status`) is stored as a repost, not as the owner's words: of its original when the
archive names it, else marked `UNKNOWN_ORIGINAL`, keeping the text it quotes.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mentorfeed.config import Settings
from mentorfeed.errors import SourceError
from mentorfeed.models import UNKNOWN_ORIGINAL, Author, Post
from mentorfeed.sources._common import RecordError, clean_optional, require_str
from mentorfeed.sources._edits import as_version, edit_chain
from mentorfeed.sources._reading import Issue, OnBytes, Record, iter_json_array
from mentorfeed.sources._x_notes import NOTE_FILE, Note, Notes, lengthen, read_notes
from mentorfeed.sources.base import Format, Parsed, Sample, parse_records
from mentorfeed.sources.x_v1 import build_post, parse_status

_TWEET_FILE = re.compile(r"(^|/)(tweets?|tweets-part\d+)\.js$")
_STATUS_URL = re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/(\d+)")
_RETWEET = re.compile(r"RT @(\w+)")
_ORIGINAL_URL = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+|i/web)/status(?:es)?/(\d+)")


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
        for sibling in ("account.js", "profile.js", "note-tweet.js"):
            if (path.parent / sibling).is_file():
                files[sibling] = (path.parent / sibling).read_bytes
        yield from _read_files(files, on_bytes)


def _zip_reader(archive: zipfile.ZipFile, name: str) -> Callable[[], bytes]:
    return lambda: read_member(archive, name)


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int | None = None) -> bytes:
    """One member of a ZIP, read whole only if it is no larger than `max_bytes` (the setting
    by default), counted as it is unpacked rather than trusted from its header; a member that
    is too big, encrypted or damaged is one SourceError naming it."""
    limit = Settings.load().max_input_mb * 1024 * 1024 if max_bytes is None else max_bytes
    too_big = SourceError(f"{name} is larger than {limit / (1024 * 1024):g} MB unpacked, the "
                          "most read (MENTORFEED_MAX_INPUT_MB); it was skipped")
    try:
        if archive.getinfo(name).file_size > limit:
            raise too_big
        parts, total = [], 0
        with archive.open(name) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise too_big
                parts.append(chunk)
    except RuntimeError as exc:  # zipfile's word for a password-protected member
        if "encrypted" not in str(exc):
            raise
        raise SourceError(f"{name} is encrypted (the ZIP has a password); it was skipped; "
                          "unpack it and import the folder") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise SourceError(f"{name} is damaged in the ZIP ({exc}); it was skipped") from None
    return b"".join(parts)


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
    found: list[Note] = []
    for name in sorted(n for n in files if NOTE_FILE.search(n)):
        data = files[name]()
        on_bytes(len(data))
        for note in read_notes(data, name):
            if isinstance(note, Issue):
                yield note
            else:
                found.append(note)
    notes = Notes(found)
    for name in tweet_files:
        try:
            data = files[name]()
        except SourceError as exc:  # one damaged or oversized file of the archive
            yield Issue(None, str(exc))
            continue
        on_bytes(len(data))
        for item in parse_records(iter_json_array(data),
                                  lambda v: _parse_entry(v, owner, notes)):
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


def _parse_entry(entry: Any, owner: Author | None,
                 notes: Notes) -> tuple[list[Post], list[Author]]:
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
    note = notes.find(post)
    if note is not None:
        lengthen(post, note)
    original, authors = _repost(post, tweet)
    if post.repost_of is not None:
        return [post, *original], authors
    for url in post.urls:
        match = _STATUS_URL.match(url)
        if match and match.group(1) != post.id:
            post.quote_of = match.group(1)
            break
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


def _repost(post: Post, tweet: dict[str, Any]) -> tuple[list[Post], list[Author]]:
    """Mark a retweet as a repost; the original (and its author) when the archive holds it."""
    original = tweet.get("retweeted_status")
    if isinstance(original, dict) and original.get("id_str"):
        posts, authors = parse_status(original)
        posts[0].origin = "reposted"
        for author in authors:
            author.matched = False
        post.repost_of = posts[0].id
        post.text, post.hashtags, post.mentions, post.urls = "", [], [], []
        return posts, authors
    retweet = _RETWEET.match(post.text)
    if retweet or tweet.get("retweeted") is True:
        # the text ("RT @user: ...") is kept: it is all there is of the original
        post.repost_of = _original_id(post, retweet.group(1) if retweet else None) or \
            UNKNOWN_ORIGINAL
    return [], []


def _original_id(post: Post, handle: str | None) -> str | None:
    """The retweeted post's id, when its text was cut and ends with a link to the whole post."""
    for url in post.urls:
        match = _ORIGINAL_URL.match(url)
        if match is None or match.group(2) == post.id:
            continue
        if match.group(1) == "i/web" or (
                handle and match.group(1).lower() == handle.lower()
                and post.text.rstrip().endswith(url) and "…" in post.text):
            return match.group(2)
    return None


FORMAT = Format(
    name="x-archive",
    description="X/Twitter personal archive: the ZIP, its folder, or data/tweets.js",
    sniff=sniff,
    read=read,
)
