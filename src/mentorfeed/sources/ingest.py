"""Importing files into the store: detect the format, parse record by record, upsert in batches.

Each batch is one transaction, so an interrupted import leaves the store consistent and running
it again completes it; upserts are idempotent, so nothing is duplicated. A file that cannot be
read (a broken or encrypted ZIP, JSON nested too deep, more than memory holds) is reported and
the other files are imported; a post longer than the stated size is cut, with a warning, here,
where imports and collectors both write.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from mentorfeed.config import Settings
from mentorfeed.errors import SourceError
from mentorfeed.models import Author, Post, better_text
from mentorfeed.sources import detect, get_format
from mentorfeed.sources._reading import Issue
from mentorfeed.store import Store, UpsertResult


class ImportProgress(Protocol):
    def file_started(self, path: Path, size: int) -> None: ...
    def advanced(self, nbytes: int, nposts: int) -> None: ...


@dataclass(slots=True)
class Problem:
    """Something wrong at a place in a file; `skipped` says whether a record was lost to it."""

    path: Path
    line: int | None
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class ImportReport:
    files: int = 0
    posts: int = 0
    new: int = 0
    updated: int = 0
    resolved: int = 0
    reposts: int = 0  # of the posts read, those that repost another (not their author's words)
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(p.skipped for p in self.problems)

    @property
    def ok(self) -> bool:
        return self.skipped == 0


class _Batch:
    """Posts and authors waiting to be written, merged on identity as the store merges them:
    the better text wins (`models.better_text`), every version of an edited post is kept."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.posts: dict[tuple[str, str], Post] = {}
        self.authors: dict[tuple[str, str], Author] = {}

    def add(self, posts: Iterable[Post], authors: Iterable[Author]) -> None:
        for post in posts:
            key = post.key
            seen = self.posts.get(key)
            if seen is None:
                self.posts[key] = post
                continue
            winner, loser = (post, seen) if better_text(post, self.source, seen,
                                                         self.source) else (seen, post)
            self.posts[key] = _merged(winner, loser)
        for author in authors:
            key = (author.platform, author.id)
            known = self.authors.get(key)
            if known is None:
                self.authors[key] = author
                continue
            known.matched |= author.matched
            known.handle = author.handle or known.handle  # the later record is the newer
            known.name = author.name or known.name
            known.bio = author.bio or known.bio
            known.followers = author.followers if author.followers is not None \
                else known.followers

    def __len__(self) -> int:
        return len(self.posts)


def cut_long_posts(posts: Iterable[Post], max_bytes: int | None = None) -> list[str]:
    """Posts whose text is longer than `max_bytes` (UTF-8; the setting by default) are cut to
    it; one warning for each, naming the post."""
    if max_bytes is None:
        max_bytes = Settings.load().max_post_kb * 1024
    warnings = []
    for post in posts:
        if len(post.text) * 4 <= max_bytes:  # no UTF-8 character takes more than 4 bytes
            continue
        encoded = post.text.encode("utf-8")
        if len(encoded) > max_bytes:
            post.text = encoded[:max_bytes].decode("utf-8", errors="ignore")
            warnings.append(f"post {post.id} has {len(encoded) / 1024:,.0f} KB of text; "
                            f"only the first {max_bytes // 1024:,} KB is kept "
                            "(MENTORFEED_MAX_POST_KB)")
    return warnings


def _merged(winner: Post, loser: Post) -> Post:
    """`winner` with what `loser` adds: a match stays a match, the first time stays, and the
    versions of an edited post all come along."""
    if "match" in (winner.origin, loser.origin):
        winner.origin = "match"
    winner.created_at = min(winner.created_at, loser.created_at)
    if winner.versions or loser.versions or winner.edit_position != loser.edit_position:
        found = {v.id: v for v in (*winner.versions, winner.own_version())}
        for version in (*loser.versions, loser.own_version()):
            found.setdefault(version.id, version)
        winner.versions = sorted(found.values(), key=lambda v: (v.position, v.id))
    return winner


def write_parsed(store: Store, posts: Iterable[Post], authors: Iterable[Author],
                 source: str, warnings: list[str] | None = None) -> UpsertResult:
    """Store what one page or record gave, duplicates merged (collectors use this); a post cut
    for length is said in `warnings`."""
    posts = list(posts)
    cut = cut_long_posts(posts)
    if warnings is not None:
        warnings += cut
    batch = _Batch(source)
    batch.add(posts, authors)
    return store.upsert(list(batch.posts.values()), list(batch.authors.values()), source)


def import_files(store: Store, paths: Sequence[Path], *, format_name: str | None = None,
                 batch_size: int = 2000, progress: ImportProgress | None = None) -> ImportReport:
    """Import every file; problems in one file never stop the others."""
    report = ImportReport()
    written_authors: dict[tuple[str, str], int] = {}
    for path in paths:
        try:
            _import_file(store, path, format_name, batch_size, progress, report,
                         written_authors)
        except SourceError as exc:
            report.problems.append(Problem(path, None, str(exc).rstrip(".")))
        except OSError as exc:
            report.problems.append(Problem(path, None, f"cannot read it ({exc.strerror})"))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            report.problems.append(Problem(path, None, f"a broken ZIP file ({exc}); it was "
                                           "skipped"))
        except RecursionError:
            report.problems.append(Problem(path, None, "its data is nested too deeply to "
                                           "read; it was skipped"))
        except MemoryError:
            report.problems.append(Problem(path, None, "it needs more memory than there is "
                                           "to read; it was skipped"))
        else:
            report.files += 1
    report.resolved = store.resolve_references()
    return report


def _import_file(store: Store, path: Path, format_name: str | None, batch_size: int,
                 progress: ImportProgress | None, report: ImportReport,
                 written_authors: dict[tuple[str, str], int]) -> None:
    fmt = get_format(format_name) if format_name else detect(path)
    if progress:
        progress.file_started(path, _size(path))
    pending_bytes = 0

    def on_bytes(n: int) -> None:
        nonlocal pending_bytes
        pending_bytes += n

    batch = _Batch(fmt.name)
    max_post = Settings.load().max_post_kb * 1024

    def flush() -> None:
        nonlocal pending_bytes, batch
        result = store.upsert(list(batch.posts.values()),
                              _changed_authors(batch.authors, written_authors), source=fmt.name)
        report.new += result.new
        report.updated += result.updated
        if progress:
            progress.advanced(pending_bytes, len(batch))
        pending_bytes = 0
        batch = _Batch(fmt.name)

    for item in fmt.read(path, on_bytes):
        if isinstance(item, Issue):
            report.problems.append(Problem(path, item.line, item.reason, item.skipped))
            continue
        report.posts += len(item.posts)
        for warning in cut_long_posts(item.posts, max_post):
            report.problems.append(Problem(path, item.line, warning, skipped=False))
        report.reposts += sum(p.repost_of is not None and p.matched for p in item.posts)
        batch.add(item.posts, item.authors)
        if len(batch) >= batch_size:
            flush()
    flush()


def _changed_authors(batch: dict[tuple[str, str], Author],
                     written: dict[tuple[str, str], int]) -> list[Author]:
    """Authors not already written with the same details during this import: the same
    accounts come back on every page of a collection."""
    if len(written) > 200_000:  # keep memory flat on huge imports
        written.clear()
    changed = []
    for key, author in batch.items():
        signature = hash((author.handle, author.name, author.bio, author.followers,
                          author.url, author.matched))
        if written.get(key) != signature:
            written[key] = signature
            changed.append(author)
    return changed


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size
