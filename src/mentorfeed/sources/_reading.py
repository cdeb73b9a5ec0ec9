"""Reading JSON, JSONL and JavaScript-wrapped files record by record, with line numbers.

Bad records never stop a file: each becomes an `Issue` with its line, and reading goes on.
Files arrive as the tools that wrote them left them: a UTF-8 byte-order mark (Windows tools,
Excel) is skipped and UTF-16 with a mark (PowerShell's `>`) is read as text, so neither costs the
first record; a file cut in the middle (a full disk, a download stopped) is called truncated.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

OnBytes = Callable[[int], None]
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
TRUNCATED = "the file is truncated"
TOO_DEEP = "nested more than 1,024 levels deep, too deep to read"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(slots=True)
class Record:
    line: int
    value: Any


@dataclass(slots=True)
class Issue:
    """A problem at a line of a file. A skipped record counts as an error; others are warnings."""

    line: int | None
    reason: str
    skipped: bool = True
    truncated: bool = False  # the file stops in the middle of a value: nothing else is wrong


def _ignore(_: int) -> None:
    return None


def decode(data: bytes) -> tuple[str, bool]:
    """Bytes as text: honours UTF-8/UTF-16 byte-order marks; says whether bytes were replaced."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace"), False
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def first_char(head: bytes) -> str:
    text, _ = decode(head)
    stripped = text.lstrip()
    return stripped[:1]


class _Utf8FromUtf16:
    """A UTF-16 stream read as UTF-8 bytes, piece by piece, so the JSON and JSONL readers (which
    split lines on b"\\n" and hand bytes to orjson) see one encoding and memory stays flat.
    Progress counts the file's own bytes, so a bar still ends at the file's size."""

    def __init__(self, head: bytes, stream: Readable, on_bytes: OnBytes) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        self._stream = stream
        self._on_bytes = on_bytes
        self._pending = b""
        self._done = False
        self._feed(head)

    def _feed(self, raw: bytes) -> None:
        self._on_bytes(len(raw))
        self._done = not raw
        self._pending += self._decoder.decode(raw, final=self._done).encode("utf-8")

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:
            parts = [self._pending]
            while not self._done:
                self._pending = b""
                self._feed(self._stream.read(1 << 20))
                parts.append(self._pending)
            self._pending = b""
            return b"".join(parts)
        while not self._done and len(self._pending) < size:
            self._feed(self._stream.read(max(size, 1 << 16)))
        out, self._pending = self._pending[:size], self._pending[size:]
        return out


def iter_json_file(stream: Readable, on_bytes: OnBytes = _ignore) -> Iterator[Record | Issue]:
    """Every JSON value in a file: the elements of a top-level array, the lines of a JSONL file,
    or the one document of a JSON file."""
    head = stream.read(65536)
    if head.startswith(_UTF16_BOMS):
        stream = _Utf8FromUtf16(head, stream, on_bytes)
        on_bytes = _ignore
        head = stream.read(65536)
    elif head.startswith(codecs.BOM_UTF8):
        # orjson refuses a BOM, and in JSONL it would cost the first line
        on_bytes(len(codecs.BOM_UTF8))
        head = head[len(codecs.BOM_UTF8):]
    char = first_char(head)
    if char not in ("[", "{"):
        yield Issue(1, "not JSON: expected '{' or '[' at the start of the file")
        return
    if _looks_like_jsonl(head):
        yield from iter_jsonl(head, stream, on_bytes)
        return
    data = head + stream.read()
    on_bytes(len(data))
    if char == "[":
        yield from iter_json_array(data)
    else:
        yield from _one_document(data)


def _looks_like_jsonl(head: bytes) -> bool:
    """JSONL when the first line is a whole value, or any of the next few lines is an object."""
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()]
    if not lines:
        return head.lstrip().startswith(b"{")  # a single line with no newline
    if _parses(lines[0]):
        return True
    return any(line.lstrip().startswith(b"{") and _parses(line) for line in lines[1:6])


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def iter_jsonl(head: bytes, stream: Readable, on_bytes: OnBytes) -> Iterator[Record | Issue]:
    """One JSON value per line; a line that does not parse is reported and skipped."""
    pending = head
    lineno = 0
    while True:
        chunk = stream.read(1 << 20)
        pending += chunk
        if chunk:
            *lines, pending = pending.split(b"\n")
        else:
            lines, pending = pending.split(b"\n"), b""
        for index, raw in enumerate(lines, 1):
            lineno += 1
            on_bytes(len(raw) + 1)
            if not raw.strip():
                continue
            yield from _jsonl_line(lineno, raw, last=not chunk and index == len(lines))
        if not chunk:
            return


def _jsonl_line(lineno: int, raw: bytes, last: bool = False) -> Iterator[Record | Issue]:
    try:
        yield Record(lineno, orjson.loads(raw))
        return
    except orjson.JSONDecodeError as exc:
        message = str(exc)
    text, replaced = decode(raw)
    if replaced or text.startswith("\ufeff"):
        try:
            value = orjson.loads(text.lstrip("\ufeff"))
        except orjson.JSONDecodeError as exc:
            message = str(exc)
        else:
            if replaced:
                yield Issue(lineno, "invalid UTF-8 replaced with U+FFFD", skipped=False)
            yield Record(lineno, value)
            return
    if last and ends_inside_value(text):
        yield Issue(lineno, f"not valid JSON ({TRUNCATED}: its last line stops in the middle "
                    "of a record)", truncated=True)
        return
    yield Issue(lineno, f"not valid JSON ({_short(message)})")


def _one_document(data: bytes) -> Iterator[Record | Issue]:
    text, replaced = decode(data)
    if replaced:
        yield Issue(None, "invalid UTF-8 replaced with U+FFFD", skipped=False)
    try:
        yield Record(1, orjson.loads(text))
    except orjson.JSONDecodeError as exc:
        if ends_inside_value(text):
            yield Issue(text.count("\n") + 1, f"{TRUNCATED}: its JSON stops in the middle, "
                        "so nothing in it could be read", truncated=True)
        else:
            yield Issue(exc.lineno, f"not valid JSON ({_short(exc.msg)})")


def iter_json_array(data: bytes, first_line: int = 1) -> Iterator[Record | Issue]:
    """Elements of a JSON array one by one, so a truncated or broken file keeps its good part."""
    text, replaced = decode(data)
    if replaced:
        yield Issue(None, "invalid UTF-8 replaced with U+FFFD", skipped=False)
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    line = first_line + text.count("\n", 0, pos)
    end = len(text)
    while True:
        start = _skip(text, pos)
        if start >= end:
            yield Issue(line, f"{TRUNCATED}: the JSON array is not closed", truncated=True)
            return
        if text[start] == "]":
            return
        line += text.count("\n", pos, start)
        try:
            value, after = decoder.raw_decode(text, start)
        except RecursionError:  # that record alone: the next begins where its brackets close
            after = _value_end(text, start)
            if after < 0:
                yield Issue(line, f"a record {TOO_DEEP}; the rest of the file was skipped")
                return
            yield Issue(line, f"a record {TOO_DEEP}; it was skipped")
            line += text.count("\n", start, after)
            pos = _skip(text, after)
            if pos < end and text[pos] == ",":
                pos += 1
            continue
        except json.JSONDecodeError as exc:
            if ends_inside_value(text[start:]):
                yield Issue(line, f"{TRUNCATED}: it stops in the middle of this record; the "
                            "records before it were read", truncated=True)
            else:
                yield Issue(exc.lineno + first_line - 1,
                            f"not valid JSON ({exc.msg}); the rest of the file was skipped")
            return
        yield Record(line, value)
        line += text.count("\n", start, after)
        pos = _skip(text, after)
        if pos < end and text[pos] == ",":
            pos += 1
        elif pos < end and text[pos] != "]":
            yield Issue(line, "expected ',' between array elements; the rest was skipped")
            return


def ends_inside_value(text: str) -> bool:
    """Whether JSON text stops inside a string, object or array: what cutting a file leaves,
    told apart from a file that is complete but wrong (which no re-download would fix)."""
    body = _STRING.sub('""', text)
    if body.count('"') % 2:
        return True  # an unterminated string
    return body.count("{") + body.count("[") > body.count("}") + body.count("]")


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _value_end(text: str, start: int) -> int:
    """Where the array or object starting at `start` ends (-1: it does not), strings heeded:
    for skipping one value too deep to decode."""
    depth, in_string, escaped = 0, False, False
    for pos in range(start, len(text)):
        char = text[pos]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return pos + 1
    return -1


def _short(message: str) -> str:
    if "recursion" in message.lower() or "depth limit" in message:
        return TOO_DEEP
    return message.split(":", 1)[0] if len(message) > 80 else message
