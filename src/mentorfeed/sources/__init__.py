"""Source formats, found by name through one registry; `detect` picks one for a file."""

from __future__ import annotations

from pathlib import Path

from mentorfeed.errors import SourceError, UnknownFormatError
from mentorfeed.sources import bluesky, csv_table, mastodon, x_archive, x_v1, x_v2
from mentorfeed.sources._reading import Record, iter_json_file
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


def detect(path: Path) -> Format:
    """The format of a file, from its name and its first JSON object."""
    if not path.exists():
        raise SourceError(f"{path} does not exist.")
    head = b""
    first = None
    if path.is_file():
        try:
            with path.open("rb") as stream:
                head = stream.read(4096)
                if head.lstrip()[:1] in (b"{", b"[") or head.startswith(b"\xef\xbb\xbf"):
                    stream.seek(0)
                    first = _first_object(stream)
        except OSError as exc:
            raise SourceError(f"Cannot read {path}: {exc.strerror}.") from None
    sample = Sample(path, head, first)
    for fmt in FORMATS.values():
        if fmt.sniff(sample):
            return fmt
    raise UnknownFormatError(
        f"{path} is not a format mentorfeed knows; name one with --format "
        f"({', '.join(FORMATS)}).")


def _first_object(stream: object) -> dict[str, object] | None:
    for record in iter_json_file(stream):  # type: ignore[arg-type]
        if isinstance(record, Record):
            value = record.value
            while isinstance(value, list) and value:
                value = value[0]
            return value if isinstance(value, dict) else None
    return None
