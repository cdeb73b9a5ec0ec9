"""Ingest benchmark: twarc2 JSONL into a fresh SQLite store, end to end, on one core.

    python benchmarks/ingest.py                 # 100k and 1M tweets, 3 runs each
    python benchmarks/ingest.py --sizes 100000 --runs 5

Input files come from generate_twarc2.py (made once, kept in benchmarks/out/). Each run imports
into a new database in a child process pinned to one CPU core, through the same library call as
`mentorfeed import`, and reports posts per second and the child's peak memory (RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def child(path: str, database: str) -> None:
    """Run one import and print its figures as JSON (runs in the pinned child process)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from mentorfeed.sources.ingest import import_files
    from mentorfeed.store import Store

    store = Store(f"sqlite:///{database}")
    started = time.perf_counter()
    report = import_files(store, [Path(path)])
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"posts": report.posts, "new": report.new, "seconds": seconds,
                      "peak_mib": peak_kib / 1024, "ok": report.ok}))


def ensure_input(tweets: int) -> Path:
    path = OUT / f"twarc2-{tweets}.jsonl"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate_twarc2.py"), str(tweets),
                        str(path)], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    for tweets in args.sizes:
        path = ensure_input(tweets)
        size_mb = path.stat().st_size / 1e6
        results = []
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(dir=OUT) as folder:
                output = subprocess.run(
                    [sys.executable, __file__, "--child", str(path), f"{folder}/bench.db"],
                    check=True, capture_output=True, text=True).stdout
                result = json.loads(output.strip().splitlines()[-1])
                results.append(result)
                rate = result["posts"] / result["seconds"]
                print(f"  {tweets:>9,} tweets run {run + 1}: {rate:,.0f} posts/s, "
                      f"{result['seconds']:.1f}s, peak {result['peak_mib']:.0f} MiB", flush=True)
        rates = [r["posts"] / r["seconds"] for r in results]
        peaks = [r["peak_mib"] for r in results]
        print(f"{tweets:,} tweets ({size_mb:,.0f} MB, {results[0]['posts']:,} posts with context):"
              f" median {statistics.median(rates):,.0f} posts/s "
              f"({statistics.median(rates) * size_mb / results[0]['posts']:.1f} MB/s), "
              f"median peak memory {statistics.median(peaks):.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
