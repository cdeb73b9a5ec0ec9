"""What every source module provides, and what reading a file yields."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentorfeed.models import Author, Post
from mentorfeed.sources._common import RecordError
from mentorfeed.sources._reading import Issue, OnBytes, Record


@dataclass(slots=True)
class Parsed:
    """What one record of a file turned into."""

    line: int
    posts: list[Post] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)


@dataclass(slots=True)
class Sample:
    """What format detection looks at: the path, the first bytes, the first JSON object."""

    path: Path
    head: bytes
    first: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Format:
    """An importer: recognises a file and turns it into posts and authors."""

    name: str
    description: str
    sniff: Callable[[Sample], bool]
    read: Callable[[Path, OnBytes], Iterator[Parsed | Issue]]


ParseFn = Callable[[Any], tuple[list[Post], list[Author]]]


def parse_records(records: Iterator[Record | Issue], parse: ParseFn) -> Iterator[Parsed | Issue]:
    """Apply a pure parse function to each record; a record that fails becomes an Issue."""
    for record in records:
        if isinstance(record, Issue):
            yield record
            continue
        values = record.value if isinstance(record.value, list) else [record.value]
        for value in values:
            try:
                posts, authors = parse(value)
            except RecordError as exc:
                yield Issue(record.line, str(exc))
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                yield Issue(record.line, f"unexpected record shape ({type(exc).__name__}: {exc})")
            else:
                yield Parsed(record.line, posts, authors)
