"""Web load benchmark: the Opportunities page and /api/v1/opportunities over a 1M-post SQLite
store, 20 concurrent clients, against uvicorn on 127.0.0.1.

    python benchmarks/web.py                       # build (once) and measure, 3 runs
    python benchmarks/web.py --no-cache            # every request runs its queries
    python benchmarks/web.py --posts 100000 --runs 1 --seconds 10

The store is built once and kept in benchmarks/out/ (reused while its recipe is unchanged).
It is made from the sample corpus rather than by running the classifier over a million posts
(which takes several minutes): each post copies the text of a sample post, plus a few random
words so the full-text index sees a million different documents, with a new (fictional)
author, id and date; its classification is the sample post's own, with the deadline moved by
as many days as the post was. Every opportunity post stands alone as a call (one in seven is
closed), and six authors in ten have a profile. Posts span the two years before the day the
store is built, so some deadlines are still ahead, as in a live store. About a third of the
posts are opportunities (as in the sample), so the listing has some 320,000 calls.

Each run starts `mentorfeed serve` (uvicorn with `--workers` processes; default: serve's own,
one per core) in a child process, warms up, then drives 20 clients (each a keep-alive HTTP/1.1
connection sending its next request as soon as the last one answered: no think time) for the
HTML page and the JSON API. The clients are plain asyncio streams: httpx (`--httpx`) spends
about 3 ms of CPU per request, on the same 2 cores as the server, and that shows up as the
server's latency. Half the requests repeat a fixed set of filters (labels, audiences, a topic,
searches, deadlines, pages, dates); the other half draw a filter that is seldom asked twice (a
search word, a page deep in a label, a month of dates), so the listing's answer cache
(mentorfeed/service/cache.py) cannot answer everything. It prints p50/p95/p99 latency and
requests per second per endpoint, how busy the machine was (load average: other work on this
shared 2-core machine slows the server down) and the CPU the server and the load generator used.
The figures are the medians of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RECIPE = "web-store-v1"
AUTHORS = 50_000
BATCH = 20_000
VOCABULARY = ("derm", "mentor", "research", "students", "residents", "application", "skin",
              "color", "psoriasis", "eczema", "melanoma", "mohs", "journal", "club", "case",
              "report", "scholarship", "clerkship", "rotation", "match", "interview", "tips",
              "advice", "thread", "webinar", "questions", "apply", "deadline", "form", "hair",
              "acne", "vitiligo", "lupus", "biopsy", "pathology", "summer", "virtual", "spots")
ROLES = (("dermatologist", 30), ("resident", 15), ("medical_student", 25), ("premed", 5),
         ("researcher", 8), ("organization", 7), ("industry", 3), ("public", 7))
LABELS = ("urim_outreach", "research_collaboration", "specialty_information", "peer_mentorship",
          "program_application", "journal_club")
TOPICS = ("skin of color", "pediatric dermatology", "hair", "melanoma", "psoriasis",
          "atopic dermatitis", "dermatopathology", "global health", "teledermatology", "mohs")


# -- the store -----------------------------------------------------------------------------------

def templates() -> list[dict[str, Any]]:
    """The sample corpus's posts with their classifications."""
    from sqlalchemy import select

    from mentorfeed import service
    from mentorfeed.store import Store
    from mentorfeed.store.schema import classifications, posts

    with tempfile.TemporaryDirectory() as folder:
        path, _, _ = service.demo.build_demo(Path(folder) / "demo.db")
        # The benchmark reads and writes synthetic rows no Store method offers: it uses the
        # store's private engine, as the tests' `engine_of` fixture does.
        with Store(f"sqlite:///{path}") as store, store._engine.connect() as conn:
            rows = conn.execute(
                select(posts.c.platform, posts.c.text, posts.c.hashtags, posts.c.urls,
                       posts.c.created_at, classifications)
                .join(classifications, classifications.c.post_pk == posts.c.pk)
                .where(posts.c.repost_of.is_(None)))
            return [dict(r._mapping) for r in rows]


def build_store(path: Path, count: int, seed: int = 11) -> None:
    from sqlalchemy import text

    from mentorfeed.models import Author, Classification, Post
    from mentorfeed.store import Store

    rng = random.Random(seed)
    samples = templates()
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(days=730)
    step = (end - start) / count
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(AUTHORS)))
    started = time.perf_counter()
    with Store(url) as store:
        for first in range(0, count, BATCH):
            batch_posts: list[Post] = []
            batch_authors: dict[tuple[str, str], Author] = {}
            labelled = []
            for i in range(first, min(count, first + BATCH)):
                sample = rng.choice(samples)
                platform = sample["platform"]
                when = start + step * i + timedelta(seconds=rng.randint(0, 59))
                n = rng.choices(range(AUTHORS), cum_weights=weights)[0]
                author = _author(platform, n)
                batch_authors[(platform, author.id)] = author
                post_id, post_url = _ids(platform, author, i)
                extra = " ".join(rng.choices(VOCABULARY, k=3))
                batch_posts.append(Post(
                    platform=platform, id=post_id, url=post_url, author_id=author.id,
                    text=f"{sample['text']} {extra}", created_at=when,
                    hashtags=list(sample["hashtags"]), urls=list(sample["urls"]),
                    author=author))
                labelled.append(((platform, post_id), _moved(sample, when, Classification)))
            store.upsert(batch_posts, list(batch_authors.values()), source="benchmark")
            store.save_classifications(labelled)
            done = min(count, first + BATCH)
            print(f"\r  {done:,} posts ({done / (time.perf_counter() - started):,.0f}/s)",
                  end="", flush=True)
        print()
        with store._engine.begin() as conn:  # synthetic rows, as in `templates`
            conn.execute(text("UPDATE classifications SET opportunity_pk = post_pk, "
                              "closed = (post_pk % 7 = 0) WHERE is_opportunity"))
            _profiles(conn, rng)
            conn.execute(text("ANALYZE"))
    (path.with_suffix(".recipe")).write_text(f"{RECIPE} {count}\n")


def _author(platform: str, n: int) -> Any:
    from mentorfeed.models import Author

    handle = {"x": f"bench_{n}", "bluesky": f"bench{n}.bsky.example",
              "mastodon": f"bench{n}@masto.example"}[platform]
    url = {"x": f"https://x.com/bench_{n}",
           "bluesky": f"https://bsky.app/profile/bench{n}.bsky.example",
           "mastodon": f"https://masto.example/@bench{n}"}[platform]
    author_id = {"x": str(10**15 + n), "bluesky": f"did:plc:bench{n:08d}",
                 "mastodon": f"https://masto.example/users/bench{n}"}[platform]
    return Author(platform=platform, id=author_id, handle=handle, name=f"Bench Person {n}",
                  bio="Fictional account for benchmarks.", followers=(n * 7919) % 20_000,
                  url=url, matched=True)


def _ids(platform: str, author: Any, i: int) -> tuple[str, str]:
    if platform == "x":
        post_id = str(10**18 + i)
        return post_id, f"https://x.com/{author.handle}/status/{post_id}"
    if platform == "bluesky":
        return (f"at://{author.id}/app.bsky.feed.post/b{i:012d}",
                f"https://bsky.app/profile/{author.handle}/post/b{i:012d}")
    return f"{author.id}/statuses/{i}", f"https://masto.example/@{author.handle}/{i}"


def _moved(sample: dict[str, Any], when: datetime, classification: Any) -> Any:
    extract = dict(sample["extract"])
    if extract.get("deadline"):
        posted = sample["created_at"]
        shift = when - (posted.replace(tzinfo=UTC) if posted.tzinfo is None else posted)
        moved = date.fromisoformat(extract["deadline"]) + timedelta(days=shift.days)
        extract["deadline"] = moved.isoformat()
    return classification(sample["labels"], sample["scores"], extract, sample["links"],
                          sample["why"], sample["model_version"], sample["closes_call"])


def _profiles(conn: Any, rng: random.Random) -> None:
    from sqlalchemy import insert, text

    from mentorfeed.store.schema import author_profiles

    rows = conn.execute(text("SELECT platform, author_id, handle, name FROM authors")).all()
    roles, weights = zip(*ROLES, strict=True)
    values = []
    for platform, author_id, handle, name in rows:
        if rng.random() >= 0.6:
            continue
        values.append({
            "platform": platform, "author_id": author_id, "handle": handle, "name": name,
            "role": rng.choices(roles, weights)[0], "role_confidence": 0.8, "role_cues": [],
            "interests": {t: round(rng.random() * 5, 2) for t in rng.sample(TOPICS, 2)},
            "signals": {"trainee_replies": rng.randint(0, 20)}, "background": [],
            "institution": None, "opted_out": False, "last_active": datetime.now(UTC)})
    if values:
        conn.execute(insert(author_profiles), values)


def ensure_store(count: int) -> Path:
    from mentorfeed.store import Store

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"web-{count}.db"
    recipe = path.with_suffix(".recipe")
    if path.exists() and recipe.exists() and recipe.read_text().strip() == f"{RECIPE} {count}":
        print(f"reusing {path}")
    else:
        print(f"building {path} ({count:,} posts; a few minutes for 1M)")
        started = time.perf_counter()
        build_store(path, count)
        print(f"built in {time.perf_counter() - started:.0f} s")
    Store(f"sqlite:///{path}").close()  # migrate now, not in the first request of a worker
    return path


# -- the server ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(path: Path, port: int, workers: int | None, cache: bool = True
                 ) -> subprocess.Popen[bytes]:
    """`mentorfeed serve` itself, in a child process (its default workers unless named)."""
    env = {**os.environ, "MENTORFEED_ANSWER_CACHE": "1" if cache else "0"}
    command = [sys.executable, "-m", "mentorfeed", "serve", "--db", str(path),
               "--port", str(port)]
    server = subprocess.Popen(
        command + (["--workers", str(workers)] if workers else []), env=env,
        stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within 60 s")


# -- the load ------------------------------------------------------------------------------------

FILTERS = [
    "", "label=research_collaboration", "label=journal_club", "label=urim_outreach",
    "label=program_application&open_only=true", "audience=medical_student",
    "audience=resident&open_only=true", "topic=skin%20of%20color", "platform=bluesky",
    "q=research", "q=%22journal%20club%22", "q=mentor*", "q=scholarship%20-premed",
    "q=derm%20OR%20dermatology&label=peer_mentorship", "sort=deadline&open_only=true",
    "sort=deadline", "open_only=true", "page=2", "page=5&label=specialty_information",
    "since={month_ago}", "since={year_ago}&until={month_ago}&label=peer_mentorship",
    "label=research_collaboration&topic=hair&open_only=true", "sort=fit",
    "label=program_application&sort=deadline&open_only=true",
]
ENDPOINTS = ("page /opportunities", "api /api/v1/opportunities")


def rare_url(rng: random.Random) -> tuple[str, str]:
    """A filter drawn at random, practically never asked before: a search word (with a label,
    sometimes), a page deep in a label's listing (by time or by deadline), or a stretch of
    dates."""
    kind = rng.randrange(3)
    if kind == 0:
        api = f"q={rng.choice(VOCABULARY)}"
        if rng.random() < 0.5:
            api += f"&label={rng.choice(LABELS)}"
    elif kind == 1:
        api = f"label={rng.choice(LABELS)}&page={rng.randint(1, 25)}"
        if rng.random() < 0.25:
            api += "&sort=deadline"
    else:
        start = date.today() - timedelta(days=rng.randint(30, 700))
        api = f"since={start.isoformat()}&until={(start + timedelta(days=30)).isoformat()}"
    if kind != 2:  # a start date before any post: the same answer, but never a cached one
        api += f"&since={(date(2000, 1, 1) + timedelta(days=rng.randint(0, 6500))).isoformat()}"
    if rng.random() < 0.5:
        return "api /api/v1/opportunities", f"/api/v1/opportunities?{api}"
    return "page /opportunities", f"/opportunities?filtered=1&{api}"


@dataclass(slots=True)
class Sample:
    endpoint: str
    seconds: float
    status: int
    kind: str  # "repeated" (a fixed filter) or "rare" (drawn at random), and "search" or not


def urls() -> list[tuple[str, str]]:
    """Each filter for the page and for the API. The page's form names the open-deadlines box
    `open=1` (sent with `filtered=1`; without it the page shows open calls only)."""
    today = date.today()
    values = {"month_ago": (today - timedelta(days=30)).isoformat(),
              "year_ago": (today - timedelta(days=365)).isoformat()}
    found = []
    for query in FILTERS:
        api = query.format(**values)
        page = "&".join(["filtered=1", *(p.replace("open_only=true", "open=1")
                                         for p in api.split("&") if p)])
        found += [("page /opportunities", f"/opportunities?{page}"),
                  ("api /api/v1/opportunities",
                   f"/api/v1/opportunities?{api}" if api else "/api/v1/opportunities")]
    return found


class RawClient:
    """One keep-alive HTTP/1.1 connection, read with asyncio streams. httpx spends about 3 ms
    of CPU per request in Python; on the 2 cores the server also runs on, that time, and the
    client's event loop queueing behind it, would be counted as the server's latency."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          "Accept: */*\r\n\r\n".encode())
        status = int((await self.reader.readline()).split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if not chunked:
            await self.reader.readexactly(length)
            return status
        while (size := int((await self.reader.readline()).strip(), 16)) > 0:
            await self.reader.readexactly(size + 2)
        await self.reader.readline()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def drive(base: str, clients: int, seconds: float, warmup: float,
                use_httpx: bool = False) -> list[Sample]:
    import httpx

    mix = urls()
    order = itertools.cycle(random.Random(5).sample(mix, len(mix)))
    rng = random.Random(9)
    samples: list[Sample] = []
    stop_warmup = time.monotonic() + warmup
    stop = stop_warmup + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    host, port = base.removeprefix("http://").split(":")
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one_client() -> None:
            raw = RawClient(host, int(port))
            while (now := time.monotonic()) < stop:
                # Half the requests repeat the fixed filters above; the other half are filters
                # seldom asked twice (a word, a page, a date), as many people browsing would.
                repeated = rng.random() < 0.5
                name, url = next(order) if repeated else rare_url(rng)
                kind = ("repeated" if repeated else "rare") + (" search" if "q=" in url else "")
                began = time.perf_counter()
                status = (await client.get(url)).status_code if use_httpx else \
                    await raw.get(url)
                spent = time.perf_counter() - began
                if now >= stop_warmup:
                    samples.append(Sample(name, spent, status, kind))
            await raw.close()

        await asyncio.gather(*(one_client() for _ in range(clients)))
    return samples


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summarise(samples: list[Sample], seconds: float) -> dict[str, dict[str, float]]:
    result = {}
    groups = [*ENDPOINTS, "all", "repeated", "repeated search", "rare", "rare search"]
    for name in groups:
        chosen = [s for s in samples if name in ("all", s.endpoint, s.kind)]
        times = [s.seconds * 1000 for s in chosen] or [0.0]
        result[name] = {"requests": len(chosen), "errors": sum(s.status != 200 for s in chosen),
                        "p50": percentile(times, 0.50), "p95": percentile(times, 0.95),
                        "p99": percentile(times, 0.99), "rps": len(chosen) / seconds}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (default: what `mentorfeed serve` picks)")
    parser.add_argument("--httpx", action="store_true",
                        help="send requests with httpx (its CPU use inflates the latencies)")
    parser.add_argument("--no-cache", action="store_true",
                        help="turn off the listing's answer cache: every request runs its queries")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    path = ensure_store(args.posts)
    runs = []
    for run in range(args.runs):
        port = free_port()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        server = start_server(path, port, args.workers, cache=not args.no_cache)
        load_before = os.getloadavg()[0]
        client_cpu = time.process_time()
        try:
            samples = asyncio.run(drive(f"http://127.0.0.1:{port}", args.clients,
                                        args.seconds, args.warmup, args.httpx))
        finally:
            client_cpu = time.process_time() - client_cpu
            load_after = os.getloadavg()[0]
            server.terminate()
            server.wait(timeout=30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_cpu = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
        figures = summarise(samples, args.seconds)
        runs.append(figures)
        # Other work on the machine slows the server down: say how busy the machine was.
        print(f"run {run + 1}: load average {load_before:.1f} -> {load_after:.1f} on "
              f"{os.cpu_count()} cores; CPU used: load generator {client_cpu:.1f} s, server "
              f"{server_cpu:.1f} s (start-up included) in {args.seconds + args.warmup:.0f} s",
              flush=True)
        for name, f in figures.items():
            print(f"run {run + 1} {name:<28} {f['requests']:>6} req  {f['rps']:6.1f} req/s  "
                  f"p50 {f['p50']:6.1f} ms  p95 {f['p95']:6.1f} ms  p99 {f['p99']:6.1f} ms"
                  f"  errors {f['errors']}", flush=True)
    cache = "off" if args.no_cache else "on"
    print(f"\nmedians of {args.runs} runs, {args.posts:,} posts, {args.clients} clients, "
          f"{args.workers or 'default'} worker(s), answer cache {cache}, "
          f"{'httpx' if args.httpx else 'raw HTTP/1.1'} clients:")
    medians = {}
    for name in runs[0]:
        medians[name] = {key: statistics.median(r[name][key] for r in runs)
                         for key in runs[0][name]}
        f = medians[name]
        print(f"  {name:<28} {f['rps']:6.1f} req/s  p50 {f['p50']:6.1f} ms  "
              f"p95 {f['p95']:6.1f} ms  p99 {f['p99']:6.1f} ms  errors {f['errors']:.0f}")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "medians": medians}, indent=2))


if __name__ == "__main__":
    main()
