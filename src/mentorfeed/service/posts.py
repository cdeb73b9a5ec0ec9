"""Posts in the store: the sample files, opening a store, import, stats and search."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from mentorfeed.config import Settings
from mentorfeed.models import Post
from mentorfeed.sources import FORMATS
from mentorfeed.sources.ingest import ImportProgress, ImportReport
from mentorfeed.sources.ingest import import_files as _import_files
from mentorfeed.store import Stats, Store

# What the shells use besides the functions: the result types, and the formats import reads.
__all__ = ["IMPORT_FORMATS", "MOST_ROWS", "ImportProgress", "ImportReport", "Stats", "Store",
           "import_files", "open_store", "post_summary", "sample_files", "search", "stats"]
IMPORT_FORMATS: tuple[str, ...] = tuple(FORMATS)
# More rows than any store holds, and fewer than the databases' LIMIT takes (a 64-bit integer):
# a larger --limit means "all of them", not an overflow.
MOST_ROWS = 2**62


def sample_files() -> list[Path]:
    """The bundled sample community's payload files, in import order."""
    root = Path(str(resources.files("mentorfeed") / "data" / "corpus"))
    return sorted(p for p in root.rglob("*.json") if p.parent != root)


def open_store(settings: Settings) -> Store:
    """The store that `settings` names, migrated to this version; use it in a `with` block."""
    return Store(settings.database_url)


def import_files(settings: Settings, paths: Sequence[Path], *, format_name: str | None = None,
                 progress: ImportProgress | None = None) -> ImportReport:
    """Import post files of any supported format (or `format_name`) into the store,
    idempotently; broken records are reported by file and line, the rest is kept."""
    with open_store(settings) as store:
        return _import_files(store, paths, format_name=format_name,
                             batch_size=settings.batch_size, progress=progress)


def stats(settings: Settings, *, top: int = 10) -> Stats:
    """Counts by platform, the most used hashtags and the most active authors."""
    with open_store(settings) as store:
        return store.stats(top=top)


def search(settings: Settings, query: str | None, *, platform: str | None = None,
           hashtag: str | None = None, author: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           limit: int = 20) -> list[Post]:
    """Full-text search of the stored posts (words, "phrases", OR, -excluded, prefix*),
    newest first, with optional filters."""
    with open_store(settings) as store:
        return store.search(query, platform=platform, hashtag=hashtag, author=author,
                            since=since, until=until, limit=min(limit, MOST_ROWS))


def post_summary(post: Post) -> dict[str, Any]:
    """A post as plain JSON-ready data, without its raw payload."""
    return {
        "platform": post.platform, "id": post.id, "url": post.url,
        "author": post.author.handle if post.author else None,
        "created_at": post.created_at.isoformat(), "text": post.text, "lang": post.lang,
        "hashtags": post.hashtags, "urls": post.urls, "reply_to": post.reply_to,
        "quote_of": post.quote_of, "repost_of": post.repost_of, "metrics": post.metrics,
    }

