"""The raw archive: every response page, as fetched, before anything is normalised.

One JSONL file per platform and day under the data folder's `raw/`. X pages keep twarc2's shape
(the page plus `__twarc`), so twarc's tools read them; other pages are objects with a
`__mentorfeed` key saying where and when they were fetched. `mentorfeed import` reads them all
back, so the store can always be rebuilt from the archive.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import orjson


class RawArchive:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def append(self, platform: str, page: Any, *, url: str) -> Path:
        """Append one response page and flush it to disk before it is normalised."""
        now = datetime.now(UTC)
        meta = {"url": url, "retrieved_at": now.isoformat(timespec="seconds")}
        if platform == "x" and isinstance(page, dict):
            tool = f"mentorfeed-{version('mentorfeed')}"
            record: Any = {**page, "__twarc": {**meta, "version": tool}}
        elif isinstance(page, dict):
            record = {**page, "__mentorfeed": meta}
        else:  # Mastodon pages are arrays of statuses
            record = {"statuses": page, "__mentorfeed": meta}
        path = self.folder / platform / f"{now:%Y-%m-%d}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as out:
            out.write(orjson.dumps(record) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        return path

    def files(self, platform: str | None = None) -> list[Path]:
        pattern = f"{platform}/*.jsonl" if platform else "*/*.jsonl"
        return sorted(self.folder.glob(pattern))

    def rewrite(self, keep: Callable[[str, Any], Any]) -> int:
        """Rewrite every page through `keep(platform, page)` (which returns the page with
        forgotten content removed, or None to drop it); returns how many pages changed."""
        changed = 0
        for path in self.files():
            platform = path.parent.name
            lines = []
            for line in _lines(path):
                try:
                    page = orjson.loads(line)
                except orjson.JSONDecodeError:  # a page cut short by a crash: leave it be
                    lines.append(line.rstrip(b"\n"))
                    continue
                kept = keep(platform, page)
                if kept != page:
                    changed += 1
                if kept is not None:
                    lines.append(orjson.dumps(kept))
            temporary = path.with_suffix(".rewrite")
            temporary.write_bytes(b"".join(line + b"\n" for line in lines))
            temporary.replace(path)
        return changed


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        for line in stream:
            if line.strip():
                yield line
