"""Text helpers shared by the corpus tools: entity spans, lengths, link shortening."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

URL_RE = re.compile("https?://[^\\s<>\"'\u201c\u201d\u2018\u2019]+")
_URL_TRAIL = ".,;:!?)]}…"
HASHTAG_RE = re.compile("(?<![\\w&#/@])[#\uff03](\\w+)")
X_MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
BSKY_MENTION_RE = re.compile(rf"(?<![\w@])@({_LABEL}(?:\.{_LABEL})+)")
MASTO_MENTION_RE = re.compile(rf"(?<![\w@/])@(\w+)(?:@({_LABEL}(?:\.{_LABEL})+))?")

# twitter-text v3: these code point ranges weigh 1, everything else 2; links weigh 23.
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
X_URL_LENGTH = 23


@dataclass(frozen=True)
class Span:
    """One entity in a text: `kind` is url, hashtag or mention; `value` has no sigil."""

    kind: str
    start: int
    end: int
    value: str
    domain: str = ""  # mastodon mentions: the instance written after the second @


def find_urls(text: str) -> list[Span]:
    spans = []
    for m in URL_RE.finditer(text):
        url = m.group(0)
        while url and url[-1] in _URL_TRAIL:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) > len("https://"):
            spans.append(Span("url", m.start(), m.start() + len(url), url))
    return spans


def _outside(spans: list[Span], start: int, end: int) -> bool:
    return all(end <= s.start or start >= s.end for s in spans)


def find_entities(text: str, platform: str) -> list[Span]:
    """Links, hashtags and mentions as the platform's clients would detect them, in order."""
    spans = find_urls(text)
    found = list(spans)
    for m in HASHTAG_RE.finditer(text):
        tag = m.group(1)
        if any(not c.isdigit() and c != "_" for c in tag) and _outside(spans, m.start(), m.end()):
            found.append(Span("hashtag", m.start(), m.end(), tag))
    if platform == "x":
        for m in X_MENTION_RE.finditer(text):
            if _outside(spans, m.start(), m.end()):
                found.append(Span("mention", m.start(), m.end(), m.group(1)))
    elif platform == "bluesky":
        for m in BSKY_MENTION_RE.finditer(text):
            if _outside(spans, m.start(), m.end()):
                found.append(Span("mention", m.start(), m.end(), m.group(1).lower()))
    else:
        for m in MASTO_MENTION_RE.finditer(text):
            if _outside(spans, m.start(), m.end()):
                found.append(
                    Span("mention", m.start(), m.end(), m.group(1), (m.group(2) or "").lower())
                )
    found.sort(key=lambda s: s.start)
    return found


def _is_extender(ch: str) -> bool:
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me")
        or 0xFE00 <= cp <= 0xFE0F
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xE0020 <= cp <= 0xE007F
        or cp == 0x20E3
    )


def graphemes(text: str) -> list[str]:
    """Approximate extended grapheme clusters (enough for emoji, flags and accents)."""
    out: list[str] = []
    join_next = False
    for ch in text:
        cp = ord(ch)
        if out and (join_next or _is_extender(ch) or cp == 0x200D):
            out[-1] += ch
            join_next = cp == 0x200D
            continue
        if out and 0x1F1E6 <= cp <= 0x1F1FF:
            last = out[-1]
            if len(last) == 1 and 0x1F1E6 <= ord(last) <= 0x1F1FF:
                out[-1] += ch
                continue
        out.append(ch)
        join_next = False
    return out


def grapheme_len(text: str) -> int:
    return len(graphemes(text))


def x_weighted_length(text: str) -> int:
    """Length as X counts it: links are 23, CJK and emoji 2, most other characters 1."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    last = 0
    for span in find_urls(text):
        total += _x_weight(text[last : span.start]) + X_URL_LENGTH
        last = span.end
    return total + _x_weight(text[last:])


def _x_weight(text: str) -> int:
    total = 0
    for g in graphemes(text):
        cp = ord(g[0])
        light = any(lo <= cp <= hi for lo, hi in _X_LIGHT)
        total += 1 if light and len(g) == 1 else (1 if light and g[0].isalpha() else 2)
    return total


def mastodon_length(text: str) -> int:
    """Mastodon's count: every link is 23 characters, a mention counts without its domain."""
    total = 0
    last = 0
    for span in find_entities(text, "mastodon"):
        if span.kind == "url":
            total += grapheme_len(text[last : span.start]) + X_URL_LENGTH
        elif span.kind == "mention" and span.domain:
            total += grapheme_len(text[last : span.start]) + 1 + len(span.value)
        else:
            continue
        last = span.end
    return total + grapheme_len(text[last:])


def bsky_short_url(url: str) -> str:
    """The Bluesky app's visible form of a link (host plus up to 13 path characters)."""
    parts = urlsplit(url)
    path = "" if parts.path == "/" else parts.path
    if parts.query:
        path += "?" + parts.query
    if parts.fragment:
        path += "#" + parts.fragment
    if len(path) > 15:
        return parts.netloc + path[:13] + "..."
    return parts.netloc + path


def bsky_visible_text(text: str) -> tuple[str, list[tuple[Span, int, int]]]:
    """Shorten every link; return the new text and each entity with its new code point span."""
    out: list[str] = []
    placed: list[tuple[Span, int, int]] = []
    pos = 0
    length = 0
    for span in find_entities(text, "bluesky"):
        out.append(text[pos : span.start])
        length += span.start - pos
        shown = bsky_short_url(span.value) if span.kind == "url" else text[span.start : span.end]
        out.append(shown)
        placed.append((span, length, length + len(shown)))
        length += len(shown)
        pos = span.end
    out.append(text[pos:])
    return "".join(out), placed


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))
