"""Labelled posts as training and evaluation examples: the written sample corpus, the real
posts of `corpus/real/`, and the store's corrections.

The sample corpus's payloads go through the real importers into a temporary store, so the
classifier learns from posts exactly as they look once imported (links expanded, Mastodon HTML as
text). Real posts are kept as published text with their source (corpus/real/README.md).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from mentorfeed.classify.features import PostInput
from mentorfeed.config import Settings
from mentorfeed.sources._common import hashtags_in, parse_iso, urls_in
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store


@dataclass(slots=True)
class Example:
    post: PostInput
    labels: set[str]
    extract: dict[str, Any] = field(default_factory=dict)
    kind: str = ""
    split: str = "train"
    key: str = ""
    group: str = ""  # posts of one source or thread: never on both sides of a split


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


def real_corpus_dir() -> Path | None:
    """`corpus/real/` of this checkout (or MENTORFEED_REAL_CORPUS); None when there is none,
    as in an installed copy without the repository."""
    named = Settings.load().real_corpus
    here = Path(__file__).resolve().parents[3] / "corpus" / "real"
    for folder in ([named] if named else [here, Path.cwd() / "corpus" / "real"]):
        if (folder / "labels.jsonl").is_file():
            return folder
    return None


def load_real(folder: Path | None = None) -> list[Example]:
    """The labelled real posts: text from `posts/*.jsonl`, labels, form, split and source group
    from `labels.jsonl` (the adjudicated labels). Empty without a real corpus."""
    folder = folder or real_corpus_dir()
    if folder is None:
        return []
    posts: dict[str, dict[str, Any]] = {}
    for path in sorted((folder / "posts").glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            if line.strip():
                row = orjson.loads(line)
                posts[row["id"]] = row
    examples = []
    for line in (folder / "labels.jsonl").read_bytes().splitlines():
        if not line.strip():
            continue
        gold = orjson.loads(line)
        post = posts[gold["id"]]
        text = post["text"]
        created = post.get("created_at")
        examples.append(Example(
            PostInput(id=post["id"], text=text, platform=post["platform"],
                      created_at=parse_iso(_full_date(created)) if created else None,
                      hashtags=hashtags_in(text), urls=urls_in(text)),
            set(gold["labels"]), {"form": gold["form"]} if gold.get("form") else {},
            post.get("specialty", ""), gold["split"], post["id"], gold["group"]))
    return examples


def _full_date(value: str) -> str:
    """"2020", "2020-05" or "2020-05-09" as a timestamp (the first day of what is known)."""
    if len(value) > 10:
        return value
    return "-".join([*value.split("-"), "01", "01"][:3]) + "T00:00:00Z"
