"""Render the written corpus records into real platform payloads and label files.

    python corpus/render.py [--corpus corpus] [--out src/mentorfeed/data/corpus] [--strict]

The output directory is deleted and written again; the same records give byte-identical files.
Records with validation errors are left out (with a message), or the run fails with --strict.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson
import records
from ids import QUERIED_SERVER, Ids, iso_ms
from records import Corpus, Post
from render_bluesky import BlueskyRenderer
from render_mastodon import MastodonRenderer
from render_x import XRenderer
from textutil import find_entities

RENDER_VERSION = "1"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "corpus"
DEFAULT_OUT = ROOT / "src" / "mentorfeed" / "data" / "corpus"
Json = dict[str, Any]


def split_of(platform: str, post_id: str) -> str:
    """train / dev / test by a stable hash of the platform id (70 / 15 / 15)."""
    bucket = int(hashlib.sha256(f"{platform}:{post_id}".encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def renderable(corpus: Corpus, problems: list[records.Problem]) -> tuple[Corpus, list[str]]:
    """The corpus without records that have errors, or that depend on a left-out record."""
    bad = {p.key for p in records.errors(problems)}
    authors = {k: a for k, a in corpus.authors.items() if k not in bad}
    posts = {k: p for k, p in corpus.posts.items() if k not in bad and p.author in authors}
    changed = True
    while changed:
        changed = False
        for key, p in list(posts.items()):
            if any(t and t not in posts for t in (p.reply_to, p.quote_of, p.repost_of)):
                del posts[key]
                changed = True
    for key, p in posts.items():
        if p.crosspost_of and p.crosspost_of not in posts:
            posts[key] = dataclasses.replace(p, crosspost_of="")
    dropped = sorted(set(corpus.posts) - set(posts)) + sorted(set(corpus.authors) - set(authors))
    return Corpus(corpus.directory, authors, posts, []), dropped


def label_rows(ids: Ids) -> list[Json]:
    corpus = ids.corpus
    rows = []
    for key in sorted(corpus.posts):
        p = corpus.posts[key]
        platform = corpus.platform_of(p)
        pid = ids.post_id(p)
        row: Json = {
            "key": key,
            "platform": platform,
            "id": pid,
            "labels": p.labels,
            "extract": p.extract,
            "kind": p.kind,
            "split": split_of(platform, pid),
            "author": ids.author_id(corpus.authors[p.author]),
            "lang": p.lang,
            "created_at": iso_ms(p.date),
        }
        for rel in records.RELATIONS:
            target = getattr(p, rel)
            if target:
                row[rel] = ids.post_id(corpus.posts[target])
        if p.session:
            row["session"] = p.session
            row["jc"] = p.jc
        rows.append(row)
    return rows


def role_rows(ids: Ids) -> list[Json]:
    rows = []
    for key in sorted(ids.corpus.authors):
        a = ids.corpus.authors[key]
        row: Json = {
            "key": key,
            "platform": a.platform,
            "id": ids.author_id(a),
            "handle": ids.handle(a),
        }
        row["role"] = a.role
        if a.background:
            row["background"] = a.background
        other = ids.corpus.authors.get(a.same_person_as)
        if other:
            row["same_person_as"] = ids.author_id(other)
        rows.append(row)
    return rows


def _hashtag(posts: list[Post], platform: str) -> str:
    seen: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for p in posts:
        for span in find_entities(p.text, platform):
            if span.kind == "hashtag":
                seen[span.value.casefold()] += 1
                spelled.setdefault(span.value.casefold(), span.value)
    if not seen:
        return ""
    best = sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return spelled[best]


def session_rows(ids: Ids) -> list[Json]:
    corpus = ids.corpus
    grouped: dict[str, list[Post]] = defaultdict(list)
    for p in corpus.posts.values():
        if p.session:
            grouped[p.session].append(p)
    out = []
    for key in sorted(grouped):
        posts = sorted(grouped[key], key=lambda p: (p.date, p.key))
        by_role: dict[str, list[Post]] = defaultdict(list)
        for p in posts:
            by_role[str(p.jc.get("role"))].append(p)
        host_post = (by_role["announcement"] or by_role["question"] or posts)[0]
        host = corpus.authors[host_post.author]
        platform = host.platform
        live = [p for p in posts if p.jc.get("role") != "announcement"] or posts
        participants: dict[str, str] = {}
        for p in posts:
            a = corpus.authors[p.author]
            if a.key != host.key:
                participants.setdefault(ids.author_id(a), a.role)
        out.append(
            {
                "key": key,
                "platform": platform,
                "hashtag": _hashtag(posts, platform),
                "host": {"id": ids.author_id(host), "handle": ids.handle(host)},
                "start": iso_ms(live[0].date),
                "end": iso_ms(posts[-1].date),
                "announcements": [ids.post_id(p) for p in by_role["announcement"]],
                "questions": [
                    {"q": p.jc.get("q"), "id": ids.post_id(p), "text": p.text}
                    for p in sorted(by_role["question"], key=lambda p: (p.jc.get("q", 0), p.date))
                ],
                "answers": [
                    {
                        "id": ids.post_id(p),
                        "q": p.jc.get("q"),
                        "author": ids.author_id(corpus.authors[p.author]),
                    }
                    for p in by_role["answer"]
                ],
                "replies": [ids.post_id(p) for p in by_role["reply"]],
                "wrapups": [ids.post_id(p) for p in by_role["wrapup"]],
                "participants": [{"id": i, "role": r} for i, r in participants.items()],
            }
        )
    return out


def manifest(corpus: Corpus, sessions: list[Json], files: list[str]) -> Json:
    posts = Counter(corpus.platform_of(p) for p in corpus.posts.values())
    authors = Counter(a.platform for a in corpus.authors.values())
    labels = Counter(label for p in corpus.posts.values() for label in p.labels)
    kinds = Counter(p.kind for p in corpus.posts.values())
    return {
        "render_version": RENDER_VERSION,
        "queried_mastodon_server": QUERIED_SERVER,
        "counts": {
            "posts": {**{k: posts[k] for k in records.PLATFORMS}, "total": len(corpus.posts)},
            "authors": {
                **{k: authors[k] for k in records.PLATFORMS},
                "total": len(corpus.authors),
            },
            "labels": {k: labels[k] for k in records.LABELS},
            "kinds": dict(sorted(kinds.items())),
            "sessions": len(sessions),
        },
        "files": files,
    }


def _dump(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def _jsonl(rows: list[Json]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


def render(corpus: Corpus, out: Path) -> list[str]:
    """Write every output file under `out` (deleted first); return their relative paths."""
    ids = Ids(corpus)
    files: dict[str, bytes] = {}
    for n, page in enumerate(XRenderer(ids).pages(), 1):
        files[f"x/search-{n:03d}.json"] = _dump(page)
    bsky = BlueskyRenderer(ids)
    for n, page in enumerate(bsky.search_pages(), 1):
        files[f"bluesky/search-{n:03d}.json"] = _dump(page)
    for n, page in enumerate(bsky.profile_pages(), 1):
        files[f"bluesky/profiles-{n:03d}.json"] = _dump(page)
    for n, statuses in enumerate(MastodonRenderer(ids).pages(), 1):
        files[f"mastodon/tag-{n:03d}.json"] = _dump(statuses)
    sessions = session_rows(ids)
    files["labels.jsonl"] = _jsonl(label_rows(ids))
    files["roles.jsonl"] = _jsonl(role_rows(ids))
    files["sessions.json"] = _dump(sessions)
    names = sorted([*files, "manifest.json"])
    files["manifest.json"] = _dump(manifest(corpus, sessions, names))
    if out.exists():
        shutil.rmtree(out)
    for name in names:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="records directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--strict", action="store_true", help="fail on any validation error")
    args = parser.parse_args(argv)
    corpus = records.load(args.corpus)
    problems = records.validate(corpus)
    errs = records.errors(problems)
    if errs and args.strict:
        for p in errs:
            print(p, file=sys.stderr)
        print(f"{len(errs)} validation errors; nothing rendered", file=sys.stderr)
        return 1
    usable, dropped = renderable(corpus, problems)
    if dropped:
        print(
            f"left out {len(dropped)} records with errors (run corpus/check.py): "
            + " ".join(dropped[:20])
            + (" ..." if len(dropped) > 20 else ""),
            file=sys.stderr,
        )
    names = render(usable, args.out)
    print(
        f"rendered {len(usable.posts)} posts by {len(usable.authors)} authors "
        f"into {len(names)} files under {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
