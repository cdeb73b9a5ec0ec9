"""Source formats, found by name through one registry; `detect` picks one for a file."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from mentorfeed.errors import SourceError, UnknownFormatError
from mentorfeed.sources import bluesky, csv_table, mastodon, x_archive, x_v1, x_v2
from mentorfeed.sources._reading import Issue, Record, first_char, iter_json_file
from mentorfeed.sources.base import Format, Parsed, Sample

FORMATS: dict[str, Format] = {f.name: f for f in (
    x_v2.FORMAT, x_v1.FORMAT, x_archive.FORMAT, bluesky.FORMAT, mastodon.FORMAT, csv_table.FORMAT
)}

__all__ = ["FORMATS", "Format", "Parsed", "detect", "get_format"]


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise UnknownFormatError(f"Unknown format {name!r}; use one of: {known}.") from None


# What an empty file may still hold: white space, a byte-order mark, UTF-16's zero bytes.
_BLANK = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"


def detect(path: Path) -> Format:
    """The format of a file, from its name and its first JSON object."""
    if not path.exists():
        raise SourceError("it does not exist.")
    head = b""
    firsts: list[dict[str, object] | None] = [None]
    problem: Issue | None = None
    if path.is_file():
        try:
            with path.open("rb") as stream:
                head = stream.read(4096)
                if first_char(head) in ("{", "["):  # after a UTF-8 or UTF-16 byte-order mark
                    stream.seek(0)
                    found, problem = _first_objects(stream)
                    firsts = found or [None]
        except OSError as exc:
            raise SourceError(f"cannot read it ({exc.strerror}).") from None
    if path.is_file() and len(head) < 4096 and not head.lstrip(_BLANK):
        raise SourceError("the file is empty: there is nothing in it to import.")
    for first in firsts:
        sample = Sample(path, head, first)
        for fmt in FORMATS.values():
            if fmt.sniff(sample):
                return fmt
    if problem is not None:  # a cut or unreadable file, not an unknown one: say why
        raise SourceError(f"{problem.reason} (line {problem.line}).")
    raise UnknownFormatError(
        f"not a format mentorfeed knows; name one with --format ({', '.join(FORMATS)}).")


def _first_objects(stream: BinaryIO, count: int = 5
                   ) -> tuple[list[dict[str, object] | None], Issue | None]:
    """The first few JSON objects, so that one odd record does not hide the format, and the
    first issue reading met (a truncated file, a record nested too deeply), if any."""
    found: list[dict[str, object] | None] = []
    problem: Issue | None = None
    for record in iter_json_file(stream):
        if isinstance(record, Issue):
            problem = problem or record
        elif isinstance(record, Record):
            value = record.value
            while isinstance(value, list) and value:
                value = value[0]
            found.append(value if isinstance(value, dict) else None)
            if len(found) == count:
                break
    return found, problem
