"""Validate the corpus records and print what they hold, plus any copied word runs.

    python corpus/check.py [--corpus corpus] [--run 8]

Exits non-zero when a record has a validation error or two posts share a run of `--run`
consecutive words (after removing hashtags, @handles, links and numbers).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import records
from records import Corpus

DEFAULT_CORPUS = Path(__file__).resolve().parent
RUN_LENGTH = 8
_WORD = re.compile("[^\\W\\d_]+(?:['\u2019][^\\W\\d_]+)*")


def normalise(text: str) -> list[str]:
    """Lower-cased words without hashtags, @handles, links and numbers."""
    words: list[str] = []
    for token in text.split():
        if (
            token[0] in "#\uff03@"
            or "://" in token
            or "www." in token
            or any(c.isdigit() for c in token)
        ):
            continue
        words.extend(_WORD.findall(token.lower()))
    return words


@dataclass(frozen=True)
class SharedRun:
    first: str
    second: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f'{self.first} {self.second}: "{" ".join(self.words)}"'


def related_groups(corpus: Corpus) -> dict[str, str]:
    """Each post's group: posts linked by crosspost_of or repost_of share one."""
    parent = {k: k for k in corpus.posts}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for p in corpus.posts.values():
        for target in (p.crosspost_of, p.repost_of):
            if target in parent:
                parent[find(p.key)] = find(target)
    return {k: find(k) for k in parent}


def shared_runs(
    texts: Mapping[str, str], n: int = RUN_LENGTH, group: Mapping[str, str] | None = None
) -> list[SharedRun]:
    """The longest run of >= n consecutive shared words for every pair of texts that has one."""
    words = {k: normalise(t) for k, t in texts.items()}
    index: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for key in sorted(words):
        w = words[key]
        for i in range(len(w) - n + 1):
            index[tuple(w[i : i + n])].append((key, i))
    hits: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    for places in index.values():
        for x, (ka, ia) in enumerate(places):
            for kb, ib in places[x + 1 :]:
                if ka == kb or (group and group.get(ka, ka) == group.get(kb, kb)):
                    continue
                pair, pos = ((ka, kb), (ia, ib)) if ka < kb else ((kb, ka), (ib, ia))
                hits[pair].add(pos)
    out = []
    for (ka, kb), starts in sorted(hits.items()):
        best: tuple[int, int] = (0, 0)
        for ia, ib in starts:
            if (ia - 1, ib - 1) in starts:
                continue  # not the start of a run
            length = 1
            while (ia + length, ib + length) in starts:
                length += 1
            best = max(best, (length, -ia))
        length, ia = best[0], -best[1]
        out.append(SharedRun(ka, kb, tuple(words[ka][ia : ia + length + n - 1])))
    return out


def vocabulary(texts: Iterable[str]) -> set[str]:
    return {w for t in texts for w in normalise(t)}


def _pct(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.1f}%)" if total else f"{n}"


def report(corpus: Corpus) -> list[str]:
    """The summary lines: platforms, labels, kinds, sessions, vocabulary."""
    posts = list(corpus.posts.values())
    plat = Counter(corpus.platform_of(p) for p in posts if p.author in corpus.authors)
    auth = Counter(a.platform for a in corpus.authors.values())
    lines = [f"posts: {len(posts)}   authors: {len(corpus.authors)}"]
    for k in records.PLATFORMS:
        share = _pct(plat[k], len(posts))
        lines.append(f"  {k:9} posts {share:>14}   authors {_pct(auth[k], len(corpus.authors))}")
    opps = [p for p in posts if p.kind == "opportunity"]
    lines.append(f"opportunities: {_pct(len(opps), len(posts))}")
    multi = sum(1 for p in opps if len(p.labels) > 1)
    lines.append(f"multi-label opportunities: {_pct(multi, len(opps))}")
    labels = Counter(label for p in posts for label in p.labels)
    lines.append("posts per label:")
    lines += [f"  {k:24} {labels[k]}" for k in records.LABELS]
    kinds = Counter(p.kind for p in posts)
    lines.append(f"hard negatives: {sum(kinds[k] for k in records.HARD_NEGATIVES)}")
    lines += [f"  {k:24} {kinds[k]}" for k in records.HARD_NEGATIVES]
    lines.append(f"other traffic: {sum(kinds[k] for k in records.OTHER_KINDS)}")
    lines += [f"  {k:24} {kinds[k]}" for k in records.OTHER_KINDS]
    sessions: dict[str, list[records.Post]] = defaultdict(list)
    for p in posts:
        if p.session:
            sessions[p.session].append(p)
    lines.append(f"sessions: {len(sessions)}")
    for key, group in sorted(sessions.items()):
        questions = sum(1 for p in group if p.jc.get("role") == "question")
        answers = sum(1 for p in group if p.jc.get("role") == "answer")
        people = {p.author for p in group}
        platform = corpus.platform_of(group[0]) if group[0].author in corpus.authors else "?"
        lines.append(
            f"  {key:12} {platform:9} posts {len(group):3}  questions {questions}  "
            f"answers {answers}  participants {len(people)}"
        )
    lines.append(f"vocabulary: {len(vocabulary(p.text for p in posts))} words")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="records directory")
    parser.add_argument("--run", type=int, default=RUN_LENGTH, help="shared-run length in words")
    args = parser.parse_args(argv)
    corpus = records.load(args.corpus)
    problems = records.validate(corpus)
    for problem in problems:
        print(problem)
    errs = records.errors(problems)
    print(f"validation: {len(errs)} errors, {len(problems) - len(errs)} warnings\n")
    print("\n".join(report(corpus)))
    runs = shared_runs(
        {k: p.text for k, p in corpus.posts.items()}, args.run, related_groups(corpus)
    )
    print(f"\nposts sharing a run of {args.run}+ words: {len(runs)} pairs")
    for run in runs:
        print(f"  {run}")
    return 1 if errs or runs else 0


if __name__ == "__main__":
    sys.exit(main())
