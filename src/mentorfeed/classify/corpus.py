"""The labelled sample corpus as training and evaluation examples.

The shipped payloads go through the real importers into a temporary store, so the classifier
learns from posts exactly as they look once imported (links expanded, Mastodon HTML as text).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from mentorfeed.classify.features import PostInput
from mentorfeed.ingest import import_files
from mentorfeed.store import Store


@dataclass(slots=True)
class Example:
    post: PostInput
    labels: set[str]
    extract: dict[str, Any] = field(default_factory=dict)
    kind: str = ""
    split: str = "train"
    key: str = ""


def corpus_dir() -> Path:
    return Path(str(resources.files("mentorfeed") / "data" / "corpus"))


def load_corpus() -> list[Example]:
    """Every labelled post of the sample corpus, in the order of its labels file."""
    root = corpus_dir()
    rows = [orjson.loads(line) for line in (root / "labels.jsonl").read_bytes().splitlines()]
    with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{folder}/c.db") as store:
        import_files(store, sorted(p for p in root.rglob("*.json") if p.parent != root))
        posts = {(p.platform, p.id): p for p in store.search(None, limit=len(rows) + 10)}
    examples = []
    for row in rows:
        post = posts[(row["platform"], row["id"])]
        examples.append(Example(PostInput.from_post(post), set(row["labels"]),
                                row.get("extract") or {}, row.get("kind", ""), row["split"],
                                row["key"]))
    return examples


def load_jsonl(path: Path) -> list[Example]:
    """Labelled posts in the file interface's shape plus "labels" and "extract" (fresh sets)."""
    examples = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            row = orjson.loads(line)
            examples.append(Example(PostInput.from_json(row), set(row.get("labels") or ()),
                                    row.get("extract") or {}, row.get("kind", ""), "fresh",
                                    str(row["id"])))
    return examples
