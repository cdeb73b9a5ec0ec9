"""Field extraction against the labelled corpus: train and dev opportunities only.

    python benchmarks/extract_dev.py            # per-field figures
    python benchmarks/extract_dev.py --errors   # plus every post where a field differs

Deadline is exact match over all opportunities (an absent deadline must stay absent); audience,
contact and topics are micro-F1 over the label sets. The test split is never read.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from mentorfeed.classify.extract import extract

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "src" / "mentorfeed" / "data" / "corpus" / "labels.jsonl"
SPLITS = ("train", "dev")


def _records(folder: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "corpus" / folder).glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out[record["key"]] = record
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="print the posts that differ")
    args = parser.parse_args()
    posts, people = _records("posts"), _records("people")
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["split"] in SPLITS and r["labels"]]
    exact = 0
    counts = {name: [0, 0, 0] for name in ("audience", "contact", "topics")}  # tp, fp, fn
    for row in rows:
        post = posts[row["key"]]
        posted = datetime.fromisoformat(row["created_at"].replace("Z", "+00:00"))
        bio = people.get(post["author"], {}).get("bio")
        found = extract(post["text"], posted_at=posted, bio=bio).to_json()
        gold = row["extract"]
        exact += found.get("deadline") == gold.get("deadline")
        wrong = []
        if found.get("deadline") != gold.get("deadline"):
            wrong.append(f"deadline {found.get('deadline')} != {gold.get('deadline')}")
        for name, tally in counts.items():
            got, want = set(found.get(name, ())), set(gold.get(name, ()))
            tally[0] += len(got & want)
            tally[1] += len(got - want)
            tally[2] += len(want - got)
            if got != want:
                wrong.append(f"{name} +{sorted(got - want)} -{sorted(want - got)}")
        if args.errors and wrong:
            print(f"== {row['key']} {row['created_at'][:10]} {'; '.join(wrong)}")
            print("   " + post["text"].replace("\n", "\n   "))
    print(f"opportunities ({' + '.join(SPLITS)}): {len(rows)}")
    print(f"deadline exact match: {exact / len(rows):.3f}")
    for name, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{name} micro-F1: {f1:.3f} (P {precision:.3f}, R {recall:.3f})")


if __name__ == "__main__":
    main()
