"""Draw the stratified inter-annotator agreement sample.

Picks a reproducible random sample (seed 2026) of 300 post keys from the written records in
corpus/posts/*.yaml: 100 posts whose gold `labels` are non-empty (opportunities) and 200 whose
gold `labels` are empty. Plain retweets (`repost_of`, empty text) are left out: there is nothing
to read. Writes corpus/agreement/sample.jsonl with, per line, only what an annotator may see:
key, platform, date, text, author_bio, author_role, reply_to_text. Gold labels and extracts are
never written.

Usage: python corpus/agreement/sample.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
SEED = 2026
N_OPPORTUNITY = 100
N_OTHER = 200


def load(pattern: str) -> list[dict]:
    records: list[dict] = []
    for path in sorted((CORPUS).glob(pattern)):
        records.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return records


def main() -> None:
    people = {p["key"]: p for p in load("people/*.yaml")}
    posts = load("posts/*.yaml")
    by_key = {p["key"]: p for p in posts}

    eligible = [p for p in posts if not p.get("repost_of") and (p.get("text") or "").strip()]
    opp = sorted(p["key"] for p in eligible if p.get("labels"))
    other = sorted(p["key"] for p in eligible if not p.get("labels"))

    rng = random.Random(SEED)
    chosen = rng.sample(opp, N_OPPORTUNITY) + rng.sample(other, N_OTHER)
    rng.shuffle(chosen)  # so the annotator cannot tell the strata apart by position

    out = HERE / "sample.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for key in chosen:
            post = by_key[key]
            author = people.get(post["author"], {})
            parent = by_key.get(post.get("reply_to") or "")
            row = {
                "key": key,
                "platform": author.get("platform"),
                "date": post["date"],
                "text": post["text"],
                "author_bio": author.get("bio", ""),
                "author_role": author.get("role", "unknown"),
                "reply_to_text": parent["text"] if parent else None,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"wrote {out.relative_to(CORPUS.parent)}: {len(chosen)} posts "
        f"(from {len(opp)} opportunities, {len(other)} non-opportunities)"
    )


if __name__ == "__main__":
    main()
