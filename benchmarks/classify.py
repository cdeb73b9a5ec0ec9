"""Classify benchmark: `mentorfeed classify --input posts.jsonl` end to end, on one core.

    python benchmarks/classify.py                 # 100k posts, 3 runs
    python benchmarks/classify.py --posts 20000 --runs 5

The input cycles the sample corpus's labelled posts (imported through the real importers, as
`load_corpus` sees them) in the file interface's shape, {"id", "text", "platform", "created_at",
"author": {"handle", "name", "bio"}}, with unique ids; it is made once and kept in
benchmarks/out/. Each run is the `mentorfeed` command itself in a child process pinned to one CPU
core, timed from start to exit (start-up and model loading included), and reports posts per
second and the child's peak memory (RSS).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def corpus_rows() -> list[dict[str, Any]]:
    """The sample corpus's labelled posts as file-interface objects, in the labels file's order."""
    from mentorfeed.classify.corpus import load_corpus

    return [{"text": e.post.text, "platform": e.post.platform,
             "created_at": e.post.created_at.isoformat() if e.post.created_at else None,
             "author": {"bio": e.post.bio}} for e in load_corpus()]


def ensure_input(count: int) -> Path:
    path = OUT / f"classify-{count}.jsonl"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        rows = corpus_rows()
        partial = path.with_suffix(".partial")
        with partial.open("wb") as out:
            for i in range(count):
                row = rows[i % len(rows)]
                out.write(orjson.dumps({"id": f"bench-{i:07d}", **row}) + b"\n")
        partial.replace(path)
    return path


def command() -> list[str]:
    """The installed `mentorfeed` script beside this Python, else the CLI module."""
    script = Path(sys.executable).with_name("mentorfeed")
    if script.exists():
        return [str(script)]
    found = shutil.which("mentorfeed")
    return [found] if found else [sys.executable, "-c", "from mentorfeed.cli import main; main()"]


def run_once(path: Path, target: Path) -> tuple[float, float, str]:
    """One pinned run: seconds, peak RSS in MiB and what the command printed."""
    core = sorted(os.sched_getaffinity(0))[0] if hasattr(os, "sched_getaffinity") else None

    def pin() -> None:
        if core is not None:
            os.sched_setaffinity(0, {core})

    started = time.perf_counter()
    child = subprocess.Popen([*command(), "classify", "--input", str(path), "--output",
                              str(target)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             preexec_fn=pin)
    assert child.stdout is not None
    stdout = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"mentorfeed classify failed ({child.returncode}): {stdout.decode()}")
    return seconds, usage.ru_maxrss / 1024, " ".join(stdout.decode().split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path = ensure_input(args.posts)
    size_mb = path.stat().st_size / 1e6
    rates, peaks, said = [], [], ""
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(dir=OUT) as folder:
            seconds, peak_mib, said = run_once(path, Path(folder) / "labels.jsonl")
        rates.append(args.posts / seconds)
        peaks.append(peak_mib)
        print(f"  run {run + 1}: {rates[-1]:,.0f} posts/s, {seconds:.1f}s, "
              f"peak {peak_mib:.0f} MiB", flush=True)
    print(f"{args.posts:,} posts ({size_mb:,.0f} MB): median {statistics.median(rates):,.0f} "
          f"posts/s on one core, median peak memory {statistics.median(peaks):.0f} MiB",
          flush=True)
    if said:
        print(f"  ({said})")


if __name__ == "__main__":
    main()
