"""Long posts in an X archive: `note-tweet.js`, matched to the truncated tweets in `tweets.js`.

A post longer than 280 characters is in `tweets.js` cut short, and whole in `note-tweet.js`
(`window.YTD.note_tweet.part0 = [{"noteTweet": {"noteTweetId", "createdAt", "core": {"text",
"urls", "hashtags", "mentions", ...}}}]`). The note has its own id and names no tweet, so a note
belongs to the tweet created at the same moment whose text is the start of the note's.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mentorfeed.models import Mention, Post
from mentorfeed.sources._common import RecordError, clean_text, parse_iso, unescape
from mentorfeed.sources._reading import Issue, Record, iter_json_array

NOTE_FILE = re.compile(r"(^|/)note-tweets?(-part\d+)?\.js$")
# A note is saved a moment before or after its tweet; a minute covers it, and the text must match.
_SAME_TIME = timedelta(seconds=60)
_LINK = re.compile(r"https?://\S*")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Note:
    created_at: datetime
    gist: str
    value: dict[str, Any]


class Notes:
    """The notes of one archive, found by the tweet they lengthen."""

    def __init__(self, notes: list[Note]) -> None:
        self._notes = sorted(notes, key=lambda n: n.created_at)
        self._times = [n.created_at for n in self._notes]

    def __len__(self) -> int:
        return len(self._notes)

    def find(self, post: Post) -> Note | None:
        """The note of the same moment whose text starts with the tweet's (closest first)."""
        if not self._notes:
            return None
        gist = _gist(post.text)
        start = bisect_left(self._times, post.created_at - _SAME_TIME)
        candidates = []
        for note in self._notes[start:]:
            if note.created_at > post.created_at + _SAME_TIME:
                break
            if gist and len(note.gist) > len(gist) and note.gist.startswith(gist):
                candidates.append(note)
        return min(candidates, key=lambda n: abs(n.created_at - post.created_at), default=None)


def read_notes(data: bytes, name: str) -> Iterator[Note | Issue]:
    """Each note of one `note-tweet.js`; a bad one is reported and the tweet stays as it is."""
    if b"[" not in data:
        yield Issue(None, f"{name}: no JSON array in it; long posts stay cut short",
                    skipped=False)
        return
    for record in iter_json_array(data):
        if isinstance(record, Issue):
            yield Issue(record.line, f"{name}: {record.reason}", skipped=False)
            continue
        try:
            yield _note(record)
        except RecordError as exc:
            yield Issue(record.line, f"{name}: {exc}; that long post stays cut short",
                        skipped=False)


def _note(record: Record) -> Note:
    entry = record.value
    note = entry.get("noteTweet", entry) if isinstance(entry, dict) else None
    if not isinstance(note, dict):
        raise RecordError("expected an object with a 'noteTweet' key")
    core = note.get("core")
    if not isinstance(core, dict) or not isinstance(core.get("text"), str):
        raise RecordError("a note without core.text")
    return Note(parse_iso(note.get("createdAt")), _gist(unescape(core["text"])), note)


def lengthen(post: Post, note: Note) -> None:
    """Give the tweet the note's whole text, links, hashtags and mentions."""
    core = note.value["core"]
    text = unescape(core["text"])
    urls = []
    for link in core.get("urls") or ():
        if not isinstance(link, dict):
            continue
        short, full = link.get("shortUrl"), link.get("expandedUrl") or link.get("url")
        if isinstance(full, str) and full:
            urls.append(full)
            if isinstance(short, str) and short and short != full:
                text = text.replace(short, full)
    post.text = clean_text(text)
    post.urls = urls or post.urls
    post.hashtags = [str(h["text"]) for h in core.get("hashtags") or ()
                     if isinstance(h, dict) and h.get("text")] or post.hashtags
    post.mentions = [Mention(str(m["screenName"]), str(m["id"]) if m.get("id") else None)
                     for m in core.get("mentions") or ()
                     if isinstance(m, dict) and m.get("screenName")] or post.mentions
    post.raw = {**post.raw, "note_tweet": note.value}


def _gist(text: str) -> str:
    """What a cut-short tweet and its note share: the words, without links, "…" or spacing."""
    text = _LINK.sub(" ", text).rstrip().removesuffix("…").removesuffix("...")
    return _SPACE.sub(" ", text).strip()
