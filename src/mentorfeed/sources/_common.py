"""Helpers shared by the source normalisers: text cleaning, dates, numbers, entity fallbacks."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta, timezone
from html.entities import html5 as _ENTITIES
from typing import Any

# C0 and C1 control characters except tab and newline; NUL breaks PostgreSQL text columns.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\r]")
_HASHTAG = re.compile(r"(?<![\w#&/])#(\w*[^\W\d_]\w*)")
_URL = re.compile(r"https?://[^\s<>\"']+")
# A named character reference with no semicolon, as html.unescape reads it (`&reg` in `&region`).
_BARE_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]*)(?![A-Za-z0-9;])")


class RecordError(ValueError):
    """One record cannot be used; the message says why, the importer adds file and line."""


def clean_text(text: str | None) -> str:
    """Text safe to store and show: no control characters, no lone surrogates, CRLF as LF."""
    if not text:
        return ""
    if not _UNSAFE.search(text):
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


def unescape(text: str) -> str:
    """X escapes &, < and > in post text; everything else is plain.

    A bare `&word` is left as it is (see `protect_bare_ampersands`), so a link such as
    `?x=1&region=us` keeps its query string whichever order text is unescaped and expanded in.
    """
    return html.unescape(protect_bare_ampersands(text)) if "&" in text else text


def protect_bare_ampersands(markup: str) -> str:
    """Escape the `&` of `&region`-like runs so that an HTML unescape leaves them alone.

    html.unescape decodes legacy entities without their semicolon even inside a longer word, so
    `&region=us` becomes `®ion=us` and `&copy2025` becomes `©2025`. HTML5 keeps such a run literal
    in attribute values (the next character is a letter, digit or `=`), and in the text of a post
    it is nearly always a query string, never a registered sign; the same goes for `&reg=1`.
    A reference that is the whole run (`&reg` before a space) or ends with `;` is still decoded.
    """
    if "&" not in markup:
        return markup
    return _BARE_REF.sub(_protect, markup)


def _protect(match: re.Match[str]) -> str:
    name = match.group(1)
    followed_by_equals = match.string.startswith("=", match.end())
    if name in _ENTITIES and not followed_by_equals:
        return match.group(0)  # a complete legacy reference such as `&amp` or `&reg`
    if any(name[:k] in _ENTITIES for k in range(len(name), 1, -1)):
        return "&amp;" + name
    return match.group(0)


def clean_optional(text: str | None) -> str | None:
    return clean_text(text) or None


def parse_iso(value: Any) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        raise RecordError(f"missing or invalid timestamp {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"invalid timestamp {value!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def parse_twitter_date(value: Any) -> datetime:
    """X v1.1 and archive dates: 'Tue Mar 04 15:00:00 +0000 2025'."""
    try:
        _, mon, day, clock, offset, year = value.split()
        hour, minute, second = clock.split(":")
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
        parsed = datetime(int(year), _MONTHS[mon], int(day), int(hour), int(minute),
                          int(second), tzinfo=tz)
    except (AttributeError, ValueError, KeyError, IndexError):
        raise RecordError(f"invalid timestamp {value!r}") from None
    return parsed.astimezone(UTC)


def parse_any_date(value: Any) -> datetime:
    """ISO 8601, the X v1.1 form, or Unix seconds/milliseconds (CSV exports use all three)."""
    text = str(value).strip()
    if text.isdigit():
        number = int(text)
        return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, UTC)
    if text[:3].isalpha():
        return parse_twitter_date(text)
    return parse_iso(text.replace(" ", "T", 1) if len(text) > 10 and text[10] == " " else text)


def as_int(value: Any) -> int | None:
    """Counts arrive as ints, as strings (X archive) or not at all."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def language(value: Any) -> str | None:
    if not isinstance(value, str) or not value or value in ("und", "zxx", "qme", "qst"):
        return None
    return value


def hashtags_in(text: str) -> list[str]:
    """Hashtags found in plain text, for payloads that carry no entities."""
    return _dedupe(_HASHTAG.findall(text))


def urls_in(text: str) -> list[str]:
    return _dedupe(u.rstrip(".,;:!?)") for u in _URL.findall(text))


def _dedupe(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def unique(items: list[str]) -> list[str]:
    """Keep the first occurrence of each item, in order."""
    return _dedupe(items) if len(items) > 1 else items


def require_str(obj: Any, key: str) -> str:
    if not isinstance(obj, dict):
        raise RecordError(f"expected an object, found {type(obj).__name__}")
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise RecordError(f"missing {key!r}")
    return value
