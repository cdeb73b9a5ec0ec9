"""What every source module provides, and what reading a file yields."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
PageFn = Callable[[Any, list[str]], tuple[list[Post], list[Author]]]
T = TypeVar("T")

# What reading a record of an unexpected shape raises; anything else is a bug, not bad input.
SHAPE_ERRORS = (RecordError, KeyError, TypeError, ValueError, AttributeError, IndexError,
                RecursionError)


def reason(exc: BaseException) -> str:
    """Why a record could not be read, in one phrase."""
    if isinstance(exc, RecordError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to read"
    return f"unexpected record shape ({type(exc).__name__}: {exc})"


def each(items: Iterable[Any], parse: Callable[[Any], T], problems: list[str],
         what: str = "item") -> list[T]:
    """`parse` applied to the items of a page one by one: an item that cannot be read is left
    out and said in `problems` (its place, its id if it has one, and why), so that one bad tweet
    in a page of 100 costs that tweet alone."""
    results = []
    for number, item in enumerate(items, 1):
        try:
            results.append(parse(item))
        except SHAPE_ERRORS as exc:
            ident = item.get("id") or item.get("uri") or item.get("did") \
                if isinstance(item, dict) else None
            named = f" {ident}" if isinstance(ident, str | int) else ""
            problems.append(f"{what} {number}{named} skipped: {reason(exc)}")
    return results


def parse_records(records: Iterator[Record | Issue], parse: ParseFn) -> Iterator[Parsed | Issue]:
    """Apply a pure parse function to each record; a record that fails becomes an Issue."""
    return parse_pages(records, lambda value, _problems: parse(value))


def parse_pages(records: Iterator[Record | Issue], parse: PageFn) -> Iterator[Parsed | Issue]:
    """Apply a parse function to each record (a page of many posts): a record that fails
    becomes an Issue; what a page's good items give is kept, and each item that could not be
    read (said in `problems`) is an Issue at the page's line."""
    for record in records:
        if isinstance(record, Issue):
            yield record
            continue
        values = record.value if isinstance(record.value, list) else [record.value]
        for value in values:
            problems: list[str] = []
            try:
                posts, authors = parse(value, problems)
            except SHAPE_ERRORS as exc:
                yield Issue(record.line, reason(exc))
                continue
            yield Parsed(record.line, posts, authors)
            for problem in problems:
                yield Issue(record.line, problem)
