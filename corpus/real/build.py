"""Builds the labelled real-post set from what the collectors and annotators wrote.

    python corpus/real/build.py batch NAME  # posts not yet annotated -> annotation/NAME.jsonl
    python corpus/real/build.py agree       # Cohen's kappa per label; what to adjudicate
    python corpus/real/build.py labels      # labels.jsonl: agreed or adjudicated labels,
                                            # split (held-out: heldout_sources.txt once fixed)

Inputs (see README.md): `posts/*.jsonl` (one post per line, as collected), `annotation/a.jsonl`
and `annotation/b.jsonl` (each annotator's {"id", "labels", "form"}),
`annotation/adjudicated.jsonl` (the decision where they disagree). Posts whose text repeats
another's (the same thread quoted on two pages) are kept once, the first file's copy.

The split is by whole source, fixed before any model saw the real posts: sources are taken in
the order of the SHA-256 of their address, and one is held out while the held-out set has less
than a quarter of the posts, or less than a quarter of some label's posts that this source has.
So every label is tested on sources never trained on. The held-out sources were then written to
heldout_sources.txt; sources added later always train.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LABELS = ("urim_outreach", "research_collaboration", "specialty_information", "peer_mentorship",
          "program_application", "journal_club")
FORMS = ("call", "event", "resource")
HELD_OUT_SHARE = 0.25


def read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def source_group(address: str) -> str:
    """One group per page or dataset file, however the collectors wrote its address."""
    address = re.sub(r"^(https?://)?(www\.|en\.)?", "", address.strip()).rstrip("/")
    return address.removesuffix(".html")


def posts() -> list[dict[str, Any]]:
    """Every collected post once, in file order."""
    seen: set[str] = set()
    kept = []
    for path in sorted((HERE / "posts").glob("*.jsonl")):
        for row in read(path):
            key = _norm(row["text"])
            if not key or re.fullmatch(r"(https?\S+\s*)+", row["text"].strip()) or key in seen:
                continue
            seen.add(key)
            kept.append(row)
    return kept


def batch(name: str) -> None:
    sent = {r["id"] for path in (HERE / "annotation").glob("batch*.jsonl") for r in read(path)}
    fresh = [p for p in posts() if p["id"] not in sent]
    fresh.sort(key=lambda p: hashlib.sha256(p["id"].encode()).hexdigest())
    write(HERE / "annotation" / f"{name}.jsonl",
          [{"id": p["id"], "platform": p["platform"], "text": p["text"]} for p in fresh])
    print(f"{len(fresh)} posts to annotate in annotation/{name}.jsonl")


def _answers(name: str) -> dict[str, dict[str, Any]]:
    rows = {r["id"]: r for r in read(HERE / "annotation" / f"{name}.jsonl")}
    for row in rows.values():
        row["labels"] = sorted(set(row.get("labels") or ()) & set(LABELS))
        row["form"] = row.get("form") if row["labels"] and row.get("form") in FORMS else None
    return rows


def kappa(a: list[bool], b: list[bool]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def agree() -> dict[str, Any]:
    a, b = _answers("a"), _answers("b")
    ids = [p["id"] for p in posts() if p["id"] in a and p["id"] in b]
    figures: dict[str, Any] = {"posts": len(ids)}
    figures["opportunity"] = round(kappa([bool(a[i]["labels"]) for i in ids],
                                         [bool(b[i]["labels"]) for i in ids]), 3)
    for name in LABELS:
        figures[name] = round(kappa([name in a[i]["labels"] for i in ids],
                                    [name in b[i]["labels"] for i in ids]), 3)
    both = [i for i in ids if a[i]["labels"] and b[i]["labels"]]
    figures["form_agreement"] = round(sum(a[i]["form"] == b[i]["form"] for i in both)
                                      / max(1, len(both)), 3)
    figures["exact_agreement"] = round(sum(a[i]["labels"] == b[i]["labels"] for i in ids)
                                       / max(1, len(ids)), 3)
    text = {p["id"]: p["text"] for p in posts()}
    differ = [{"id": i, "text": text[i], "a": {"labels": a[i]["labels"], "form": a[i]["form"]},
               "b": {"labels": b[i]["labels"], "form": b[i]["form"]}}
              for i in ids if (a[i]["labels"], a[i]["form"]) != (b[i]["labels"], b[i]["form"])]
    write(HERE / "annotation" / "disagreements.jsonl", differ)
    figures["disagreements"] = len(differ)
    print(json.dumps(figures, indent=1))
    return figures


def split_of(posts: list[dict[str, Any]], gold: dict[str, list[str]]) -> dict[str, str]:
    """"heldout" or "train" for each source group (see the module's docstring)."""
    groups: dict[str, list[str]] = {}
    for post in posts:
        groups.setdefault(source_group(post["source"]), []).append(post["id"])
    want = {name: HELD_OUT_SHARE * sum(name in labels for labels in gold.values())
            for name in LABELS}
    have = dict.fromkeys(LABELS, 0)
    held_posts, split = 0, {}
    for group in sorted(groups, key=lambda g: hashlib.sha256(g.encode()).hexdigest()):
        carries = Counter(name for i in groups[group] for name in gold[i])
        needed = any(have[name] < want[name] for name in carries)
        take = needed or held_posts < HELD_OUT_SHARE * len(posts)
        split[group] = "heldout" if take else "train"
        if take:
            held_posts += len(groups[group])
            for name, count in carries.items():
                have[name] += count
    return split


def labels() -> None:
    a, b = _answers("a"), _answers("b")
    decided = {r["id"]: r for r in read(HERE / "annotation" / "adjudicated.jsonl")}
    rows = [p for p in posts() if p["id"] in a and p["id"] in b]
    out, missing = [], []
    for post in rows:
        i = post["id"]
        if (a[i]["labels"], a[i]["form"]) == (b[i]["labels"], b[i]["form"]):
            gold = a[i]
        elif i in decided:
            gold = decided[i]
        else:
            missing.append(i)
            continue
        out.append({"id": i, "labels": sorted(gold["labels"]),
                    "form": gold.get("form") if gold["labels"] else None,
                    "group": source_group(post["source"])})
    frozen = HERE / "heldout_sources.txt"
    if frozen.exists():  # the split was fixed once; sources added since always train
        held = {line for line in frozen.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#")}
        split = {r["group"]: "heldout" if r["group"] in held else "train" for r in out}
    else:
        labelled = {r["id"] for r in out}
        split = split_of([p for p in rows if p["id"] in labelled],
                         {r["id"]: r["labels"] for r in out})
    for row in out:
        row["split"] = split[row["group"]]
    write(HERE / "labels.jsonl", out)
    count = Counter(s["split"] for s in out)
    per_label = Counter(name for s in out for name in s["labels"])
    print(f"{len(out)} labelled ({dict(count)}), {sum(bool(s['labels']) for s in out)} "
          f"opportunities; per label {dict(per_label)}; {len(missing)} still to adjudicate")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "batch" and len(sys.argv) == 3:
        batch(sys.argv[2])
    elif command == "agree":
        agree()
    elif command == "labels":
        labels()
    else:
        sys.exit(__doc__)
