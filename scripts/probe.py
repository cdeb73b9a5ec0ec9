"""The probe of issue 14: every fault and attack, tried as a user would, held or failed.

    .venv/bin/python scripts/probe.py               # every case on SQLite (about three minutes)
    .venv/bin/python scripts/probe.py --postgres    # every case on a fresh PostgreSQL database
    .venv/bin/python scripts/probe.py --only zip    # the cases whose name holds "zip"
    .venv/bin/python scripts/probe.py --list        # the cases, without running them

It works from the outside only: the `mentorfeed` command run as a subprocess on a store of its
own (a temporary data folder, or a database `probe_<random>` on 127.0.0.1:5432 that is dropped
afterwards), the web app served by `mentorfeed serve` and asked with httpx, and hostile fake
X, Bluesky and Mastodon servers on 127.0.0.1 that the collectors are pointed at through their
settings. Each case judges what a user would see: the exit code, no Python traceback, a
sentence naming the file or source, what was stored, no secret in any output, no 500.

One row per case: its name, the item of issue 14 it checks (F: faithful imports, H: hardening),
held or failed, and one line of evidence; then the totals tried / held / failed. The exit code is
0 only when every case held. Nothing here is imported by the package or the tests.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import contextlib
import csv
import dataclasses
import io
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

PG_ADMIN = os.environ.get("MENTORFEED_PROBE_POSTGRES",
                          "postgresql://postgres@127.0.0.1:5432/postgres")
NOWHERE = "http://127.0.0.1:9"  # a closed port: no case may reach a real service by mistake
TRACEBACK = "Traceback (most recent call last)"
SQL_WORDS = re.compile(r"\[SQL:|\[parameters:|INSERT INTO|SELECT .* FROM|psycopg\.|sqlalchemy\.",
                       re.IGNORECASE)
CORPUS = Path(__file__).resolve().parent.parent / "src" / "mentorfeed" / "data" / "corpus"


# -- running the command -----------------------------------------------------------------------

@dataclass
class Run:
    """One `mentorfeed` command as it ended."""

    args: tuple[str, ...]
    root: str  # the case's folder, left out of what is shown
    rc: int | None  # None: it was still running at its time limit and was stopped
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + "\n" + self.err

    def said(self) -> str:
        """The last message it printed to stderr, else to stdout: what a user reads last (an
        error Rich wrapped over several lines is read whole, from its "Error:")."""
        for stream in (self.err, self.out):
            lines = [line.strip().replace(self.root, "") for line in stream.splitlines()]
            lines = [line for line in lines if line and not line.startswith("X: page")
                     and not any(bar in line for bar in ("━", "╸", " posts · "))]
            if lines:
                starts = [i for i, line in enumerate(lines) if line.startswith("Error:")]
                return " ".join(lines[starts[-1]:]) if starts else lines[-1]
        return "(nothing printed)"


def short(text: str, size: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"


class Env:
    """One case's own store, data folder and command line; every secret it sets is watched for
    in every output."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root = root
        self.data = root / "data"
        self.data.mkdir(parents=True)
        self.database_url = database_url
        self.secrets: list[str] = []
        self.runs: list[Run] = []

    def path(self, name: str) -> Path:
        return self.root / name

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.root / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORFEED_")}
        env.update({
            "MENTORFEED_DATA_DIR": str(self.data), "MENTORFEED_DATABASE_URL": self.database_url,
            "MENTORFEED_X_API_URL": NOWHERE, "MENTORFEED_BLUESKY_URL": NOWHERE,
            "MENTORFEED_JETSTREAM_URL": NOWHERE.replace("http", "ws"),
            "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "PYTHONIOENCODING": "utf-8"})
        env.update(extra or {})
        self.secrets += [v for k, v in (extra or {}).items() if v not in self.secrets
                         and any(w in k for w in ("TOKEN", "PASSWORD", "SECRET")) and v]
        return env

    def mf(self, *args: str, env: dict[str, str] | None = None, timeout: float = 90) -> Run:
        """`mentorfeed ARGS`, stopped (with its children) after `timeout` seconds."""
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "mentorfeed", *args], cwd=self.root,
            env=self.environment(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = process.communicate(timeout=timeout)
            rc: int | None = process.returncode
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            rc = None
        run = Run(args, str(self.root) + "/", rc, out.decode("utf-8", "replace"),
                  err.decode("utf-8", "replace"), time.perf_counter() - started)
        self.runs.append(run)
        return run

    def stats(self) -> dict[str, Any]:
        run = self.mf("stats", "--json")
        if run.rc != 0:
            raise ProbeError(f"`mentorfeed stats --json` failed: {short(run.said())}")
        found: dict[str, Any] = orjson.loads(run.out)
        return found

    def posts(self) -> int:
        return int(self.stats()["posts"])

    def found(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        run = self.mf("search", query, "--json", "--limit", str(limit))
        if run.rc != 0:
            raise ProbeError(f"`mentorfeed search` failed: {short(run.said())}")
        return [orjson.loads(line) for line in run.out.splitlines() if line.strip()]

    def harm(self) -> list[str]:
        """What no run may show: a traceback, a secret, SQL."""
        found = []
        for run in self.runs:
            if TRACEBACK in run.text:
                found.append(f"traceback from `mentorfeed {' '.join(run.args)[:40]}`")
            for secret in self.secrets:  # its first 20 characters are a leak already
                if secret[:20] in run.text:
                    found.append(f"the secret {secret[:4]}… printed by `mentorfeed "
                                 f"{run.args[0]}`")
            if SQL_WORDS.search(run.text):
                found.append(f"SQL printed by `mentorfeed {run.args[0]}`")
        return sorted(set(found))


class ProbeError(Exception):
    """The probe itself could not go on (a case counts as failed with this as evidence)."""


# -- outcomes and the list of cases -------------------------------------------------------------

@dataclass
class Outcome:
    held: bool
    evidence: str


@dataclass
class Case:
    name: str
    item: str
    run: Callable[[Env], Outcome]
    postgres_only: bool = False


CASES: list[Case] = []


def case(name: str, item: str, *, postgres_only: bool = False
         ) -> Callable[[Callable[[Env], Outcome]], Callable[[Env], Outcome]]:
    def register(function: Callable[[Env], Outcome]) -> Callable[[Env], Outcome]:
        CASES.append(Case(name, item, function, postgres_only))
        return function
    return register


def judge(env: Env, checks: list[tuple[bool, str]], evidence: str) -> Outcome:
    """Held when every check holds and no run showed harm; the evidence names what broke."""
    broken = [why for ok, why in checks if not ok] + env.harm()
    if broken:
        return Outcome(False, short("; ".join(broken) + f" | {evidence}", 240))
    return Outcome(True, short(evidence, 240))


def ended(run: Run) -> str:
    if run.rc is None:
        return f"still running after {run.seconds:.0f} s (stopped)"
    return f"exit {run.rc} in {run.seconds:.1f} s"


# -- payloads -----------------------------------------------------------------------------------

AUTHOR = {"id": "4100000001", "username": "probe_resident", "name": "Probe Resident",
          "description": "Dermatology resident; mentorship and research.",
          "created_at": "2020-01-01T00:00:00.000Z",
          "public_metrics": {"followers_count": 120, "following_count": 80,
                             "tweet_count": 500, "listed_count": 2}}
BASE_ID = 1_890_000_000_000_000_000


def tweet(i: int, text: str | None = None, **fields: Any) -> dict[str, Any]:
    when = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(minutes=i)
    found = {"id": str(BASE_ID + i), "text": text or f"Derm research mentorship call {i} probe"
             f"tweet{i} #DermTwitter", "author_id": AUTHOR["id"],
             "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "conversation_id": str(BASE_ID + i), "lang": "en",
             "edit_history_tweet_ids": [str(BASE_ID + i)],
             "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1,
                                "quote_count": 0}}
    return found | fields


def v2_page(tweets: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"result_count": len(tweets)}
    if tweets:
        meta |= {"newest_id": tweets[-1]["id"], "oldest_id": tweets[0]["id"]}
    if next_token:
        meta["next_token"] = next_token
    return {"data": list(reversed(tweets)), "includes": {"users": [AUTHOR]}, "meta": meta}


def jsonl(*pages: dict[str, Any]) -> bytes:
    return b"\n".join(orjson.dumps(page) for page in pages) + b"\n"


CSV_COLUMNS = ["platform", "id", "text", "created_at", "url", "author_id", "author_handle",
               "author_name", "author_bio", "author_followers", "lang", "hashtags", "urls",
               "reply_to"]


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def csv_row(i: int, text: str | None = None, **fields: str) -> dict[str, str]:
    when = datetime(2025, 4, 1, tzinfo=UTC) + timedelta(minutes=i)
    return {"platform": "x", "id": str(BASE_ID + 500_000 + i),
            "text": text or f"Derm mentorship row {i} probecsv{i}",
            "created_at": when.isoformat().replace("+00:00", "Z"),
            "url": f"https://x.com/probe_csv/status/{BASE_ID + 500_000 + i}",
            "author_id": "4100000002", "author_handle": "probe_csv", "author_name": "Probe CSV",
            "author_bio": "", "author_followers": "10", "lang": "en", "hashtags": "",
            "urls": "", "reply_to": ""} | fields


def corpus_json(kind: str, name: str) -> Any:
    return orjson.loads((CORPUS / kind / name).read_bytes())


def mastodon_statuses(count: int, shift: int = 0) -> list[dict[str, Any]]:
    statuses: list[dict[str, Any]] = corpus_json("mastodon", "tag-001.json")[:count]
    if shift:
        statuses = [s | {"id": str(int(s["id"]) + shift)} for s in statuses]
    return statuses


# -- ZIP files made byte by byte (encrypted, bad CRC, a bomb) -------------------------------------

@dataclass
class Member:
    name: str
    data: bytes  # as stored in the archive
    crc: int
    size: int  # uncompressed
    method: int = 0  # 0 stored, 8 deflated
    flags: int = 0  # bit 0: encrypted


def zip_bytes(members: list[Member]) -> bytes:
    out, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, m.flags, m.method, 0, 0x5A21,
                           m.crc, len(m.data), m.size, len(name), 0) + name + m.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m.flags, m.method, 0,
                               0x5A21, m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0, 0,
                               offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(out), 0)
    return bytes(out + central + end)


def stored(name: str, data: bytes) -> Member:
    return Member(name, data, zlib.crc32(data), len(data))


def zipcrypto(name: str, data: bytes, password: bytes) -> Member:
    """A member encrypted with the traditional PKWARE cipher, as `zip -e` writes it."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc(value: int, byte: int) -> int:
        return zlib.crc32(bytes([byte]), value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def update(byte: int) -> None:
        keys[0] = crc(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc(keys[2], keys[1] >> 24)

    for byte in password:
        update(byte)
    checksum = zlib.crc32(data)
    plain = secrets.token_bytes(11) + bytes([checksum >> 24]) + data
    out = bytearray()
    for byte in plain:
        temp = (keys[2] | 2) & 0xFFFF
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return Member(name, bytes(out), checksum, len(data), flags=1)


def bomb(name: str, head: bytes, padding: int, tail: bytes) -> Member:
    """A deflated member of `head`, `padding` spaces and `tail`: small on disk, big inflated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks, checksum = [packer.compress(head)], zlib.crc32(head)
    block = b" " * (1 << 20)
    left = padding
    while left > 0:
        piece = block[:min(left, len(block))]
        chunks.append(packer.compress(piece))
        checksum = zlib.crc32(piece, checksum)
        left -= len(piece)
    chunks += [packer.compress(tail), packer.flush()]
    checksum = zlib.crc32(tail, checksum)
    return Member(name, b"".join(chunks), checksum, len(head) + padding + len(tail), method=8)


def archive_files(count: int) -> tuple[bytes, bytes]:
    """An X archive's account.js and tweets.js with `count` tweets, as the export writes them."""
    account = b'window.YTD.account.part0 = [{"account": {"accountId": "4100000003", ' \
        b'"username": "probe_archive", "accountDisplayName": "Probe Archive", ' \
        b'"createdAt": "2019-01-01T00:00:00.000Z"}}]'
    tweets = [{"tweet": {"id": str(BASE_ID + 900_000 + i), "id_str": str(BASE_ID + 900_000 + i),
                         "full_text": f"Archive post {i} about derm mentorship probearchive{i}",
                         "created_at": "Fri Mar 07 09:30:00 +0000 2025", "lang": "en",
                         "favorite_count": "1", "retweet_count": "0",
                         "entities": {"hashtags": [], "urls": [], "user_mentions": []}}}
              for i in range(count)]
    return account, b"window.YTD.tweets.part0 = " + orjson.dumps(tweets)


# -- settings the fixes may have added ------------------------------------------------------------

def setting(*groups: tuple[str, ...]) -> str | None:
    """The environment variable of a setting whose name holds every word of one group, if the
    installed mentorfeed declares one (the README's settings table lists the same)."""
    from mentorfeed.config import Settings, variable

    names: list[str] = [variable(spec) for spec in dataclasses.fields(Settings)]
    for words in groups:
        for name in names:
            if all(word in name for word in words):
                return name
    return None


def size_value(variable: str, megabytes: float) -> str:
    """`megabytes` in the unit the variable's name says (MB, KB, else bytes)."""
    if variable.endswith(("_MB", "_MIB")):
        return str(megabytes)
    if variable.endswith(("_KB", "_KIB")):
        return str(int(megabytes * 1024))
    return str(int(megabytes * 1024 * 1024))


def input_limit() -> str | None:
    return setting(("MAX", "MEMBER"), ("MAX", "INPUT"), ("MAX", "ARCHIVE"), ("MAX", "FILE"),
                   ("INPUT", "LIMIT"), ("MAX", "SIZE"), ("SIZE", "LIMIT"))


def body_limit() -> str | None:
    return setting(("MAX", "BODY"), ("MAX", "RESPONSE"), ("BODY", "LIMIT"), ("MAX", "INPUT"),
                   ("MAX", "SIZE"), ("SIZE", "LIMIT"))


def timeout_setting() -> str | None:
    return setting(("TOTAL", "TIMEOUT"), ("TIMEOUT",))


# -- bad files ------------------------------------------------------------------------------------

def imported(env: Env, files: list[Path], expected: int, evidence: str = "",
             *, named: str | None = None, words: tuple[str, ...] = (),
             any_word: bool = False) -> Outcome:
    """Import `files`; held when `expected` posts are stored, no harm shows, and (when `named`)
    a message names that file, with each of `words` (or one, with `any_word`) in it."""
    run = env.mf("import", *map(str, files))
    posts = env.posts()
    checks = [(posts == expected, f"{posts} of {expected} posts stored"),
              (run.rc is not None, ended(run))]
    if named:
        lines = [line for line in run.err.splitlines() if named in line]
        checks.append((bool(lines), f"no message names {named}"))
        bare = [line.replace(run.root, "").replace(named, "").lower()  # not the file's name
                for line in lines]
        said = [any(word in line for line in bare) for word in words]
        if words and (any(said) if any_word else all(said)):
            pass
        elif words:
            checks.append((False, f"no message about {named} says "
                                  f"{' or '.join(words) if any_word else ' and '.join(words)}"))
    return judge(env, checks, f"{posts}/{expected} stored, {ended(run)}: "
                 f"{evidence or short(run.said(), 110)}")


@case("bom-jsonl", "H10 encodings")
def bom_jsonl(env: Env) -> Outcome:
    pages = [v2_page([tweet(2 * i), tweet(2 * i + 1)]) for i in range(3)]
    return imported(env, [env.write("bom.jsonl", b"\xef\xbb\xbf" + jsonl(*pages))], 6)


@case("bom-csv", "H10 encodings")
def bom_csv(env: Env) -> Outcome:
    text = csv_text([csv_row(i) for i in range(5)])
    return imported(env, [env.write("bom.csv", b"\xef\xbb\xbf" + text.encode())], 5)


@case("utf16-json", "H10 encodings")
def utf16_json(env: Env) -> Outcome:
    page = orjson.dumps(v2_page([tweet(i) for i in range(5)])).decode()
    return imported(env, [env.write("utf16.json", page.encode("utf-16"))], 5)


@case("utf16-jsonl", "H10 encodings")
def utf16_jsonl(env: Env) -> Outcome:
    lines = jsonl(v2_page([tweet(0), tweet(1)]), v2_page([tweet(2), tweet(3)])).decode()
    return imported(env, [env.write("utf16.jsonl", lines.encode("utf-16"))], 4)


@case("utf16-csv", "H10 encodings")
def utf16_csv(env: Env) -> Outcome:
    text = csv_text([csv_row(i) for i in range(5)])
    return imported(env, [env.write("utf16.csv", text.encode("utf-16"))], 5)


@case("truncated-json", "H10 encodings")
def truncated_json(env: Env) -> Outcome:
    page = orjson.dumps(v2_page([tweet(i) for i in range(5)]))
    good = env.write("good.jsonl", jsonl(v2_page([tweet(10), tweet(11)])))
    cut = env.write("cut.json", page[:len(page) * 3 // 5])
    return imported(env, [cut, good], 2, named="cut.json", words=("truncated",))


@case("empty-file", "F9 empty file")
def empty_file(env: Env) -> Outcome:
    good = env.write("good.jsonl", jsonl(v2_page([tweet(0)])))
    return imported(env, [env.write("empty.jsonl", b""), good], 1, named="empty.jsonl",
                    words=("empty",))


@case("csv-field-128k", "H12 CSV fields > 128 KiB")
def csv_field(env: Env) -> Outcome:
    rows = [csv_row(i) for i in range(5)]
    rows[1]["text"] = "probebigfield " + "dermatology " * 17_000  # about 200 KiB
    run = env.mf("import", str(env.write("wide.csv", csv_text(rows))))
    posts = env.posts()
    others = all(env.found(f"probecsv{i}") for i in (2, 3, 4))
    reported = posts == 5 or "wide.csv" in run.err
    return judge(env, [(others, "the rows after the wide field were lost"),
                       (posts >= 4, f"only {posts} of 5 rows stored"),
                       (reported, "the skipped wide row was not reported")],
                 f"{posts}/5 stored, {ended(run)}: {short(run.said(), 110)}")


@case("nested-json", "H1 deeply nested JSON")
def nested_json(env: Env) -> Outcome:
    deep = b"[" * 100_000 + b"]" * 100_000
    data = orjson.dumps(v2_page([tweet(0), tweet(1)])) + b"\n" + deep + b"\n" + \
        orjson.dumps(v2_page([tweet(2), tweet(3)])) + b"\n"
    return imported(env, [env.write("deep.jsonl", data)], 4, named="deep.jsonl:2",
                    words=("deep", "nest", "depth"), any_word=True)


@case("nested-json-file", "H7 nested JSON among good files")
def nested_json_file(env: Env) -> Outcome:
    deep = env.write("deep.json", b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    good = env.write("good.jsonl", jsonl(v2_page([tweet(0), tweet(1)])))
    return imported(env, [deep, good], 2, named="deep.json", words=("deep", "nest", "depth"),
                    any_word=True)


def zip_case(env: Env, archive: bytes, word: tuple[str, ...], extra: dict[str, str] | None = None
             ) -> Outcome:
    bad = env.write("archive.zip", archive)
    good = env.write("good.jsonl", jsonl(v2_page([tweet(0), tweet(1)])))
    run = env.mf("import", str(bad), str(good), env=extra)
    posts = env.posts()
    lines = [line.replace(run.root, "").replace("archive.zip", "").lower()
             for line in run.err.splitlines() if "archive.zip" in line]
    return judge(env, [(posts == 2, f"{posts} of the other file's 2 posts stored"),
                       (run.rc is not None, ended(run)),
                       (bool(lines), "no message names archive.zip"),
                       (any(any(w in line for w in word) for line in lines),
                        f"no message says {' or '.join(word)}")],
                 f"{posts}/2 of the good file stored, {ended(run)}: {short(run.said(), 110)}")


@case("zip-encrypted", "H7 encrypted ZIP")
def zip_encrypted(env: Env) -> Outcome:
    account, tweets = archive_files(3)
    archive = zip_bytes([stored("data/account.js", account),
                         zipcrypto("data/tweets.js", tweets, b"probe-password")])
    return zip_case(env, archive, ("encrypt", "password"))


@case("zip-bad-crc", "H7 bad CRC")
def zip_bad_crc(env: Env) -> Outcome:
    account, tweets = archive_files(3)
    member = stored("data/tweets.js", tweets)
    member.crc ^= 0xDEADBEEF
    return zip_case(env, zip_bytes([stored("data/account.js", account), member]),
                    ("crc", "checksum", "damaged", "corrupt"))


@case("zip-too-big", "H1/H7 ZIP member over the limit")
def zip_too_big(env: Env) -> Outcome:
    limit = input_limit()
    if limit is None:
        return Outcome(False, "no size limit to set: no setting like MENTORFEED_MAX_INPUT_MB in "
                       "`mentorfeed` (README settings), so a ZIP bomb is read whole")
    account, tweets = archive_files(3)
    member = bomb("data/tweets.js", tweets[:-1], 3 << 20, b"]")
    return zip_case(env, zip_bytes([stored("data/account.js", account), member]),
                    ("limit", "too big", "too large", "larger", "mb"),
                    {limit: size_value(limit, 1)})


@case("huge-post", "H1 one post of 300 KB")
def huge_post(env: Env) -> Outcome:
    big = "probehuge " + "mentorship " * 28_000  # about 300 KB
    page = v2_page([tweet(0), tweet(1, big), tweet(2)])
    run = env.mf("import", str(env.write("huge.json", orjson.dumps(page))))
    posts = env.posts()
    found = env.found("probehuge", 1)
    size = len(found[0]["text"]) if found else 0
    return judge(env, [(posts == 3, f"{posts} of 3 stored"),
                       (bool(found), "the long post was not stored"),
                       (0 < size <= 150_000, f"its text kept whole ({size:,} characters)"),
                       ("huge.json" in run.err, "no warning names huge.json")],
                 f"{posts}/3 stored, long post kept at {size:,} characters, {ended(run)}: "
                 f"{short(run.said(), 90)}")


@case("bad-created-at", "H3 one bad record of 100")
def bad_created_at(env: Env) -> Outcome:
    tweets = [tweet(i) for i in range(100)]
    tweets[49]["created_at"] = "yesterday at noon"
    return imported(env, [env.write("page.json", orjson.dumps(v2_page(tweets)))], 99,
                    named="page.json")


@case("one-bad-file", "H7 one bad file of three")
def one_bad_file(env: Env) -> Outcome:
    first = env.write("first.jsonl", jsonl(v2_page([tweet(0), tweet(1)])))
    bad = env.write("bad.json", b'{"data": [{"id": "1", "text": }}')
    last = env.write("last.csv", csv_text([csv_row(i) for i in range(3)]))
    return imported(env, [first, bad, last], 5, named="bad.json")


@case("link-query-strings", "F8 &region kept")
def link_query(env: Env) -> Outcome:
    link = "https://example.org/apply?id=7&region=us&lang=en"
    # X sends text HTML-escaped (&amp;) with t.co links, and their targets in the url entities
    text = "Derm mentors &amp; mentees: apply probelinkx https://t.co/AbCdEf1234"
    start = text.index("https://t.co")
    entity = {"start": start, "end": start + 23, "url": "https://t.co/AbCdEf1234",
              "expanded_url": link, "display_url": "example.org/apply?id=7…"}
    t = tweet(0, text, entities={"urls": [entity]})
    row = csv_row(0, f"Derm mentorship probelinkcsv {link}", urls=link)
    twarc = io.StringIO()
    writer = csv.writer(twarc, lineterminator="\n")
    writer.writerow(["id", "conversation_id", "created_at", "text", "author_id",
                     "author.username", "author.name", "entities.urls", "lang"])
    writer.writerow([str(BASE_ID + 7), str(BASE_ID + 7), "2025-03-02T10:00:00.000Z",
                     text.replace("probelinkx", "probelinktwarc"), AUTHOR["id"],
                     AUTHOR["username"], AUTHOR["name"], orjson.dumps([entity]).decode(), "en"])
    status = mastodon_statuses(1)[0] | {
        "id": "990000000000000001", "uri": "https://mastodon.example/statuses/990000000000000001",
        "url": "https://mastodon.example/@probe/990000000000000001",
        "content": f'<p>Derm mentorship probelinkmasto <a href="{link.replace("&", "&amp;")}">'
                   f'{link.replace("&", "&amp;")}</a></p>', "tags": [], "reblog": None}
    files = [env.write("links.json", orjson.dumps(v2_page([t]))),
             env.write("links.csv", csv_text([row])),
             env.write("links-twarc.csv", twarc.getvalue()),
             env.write("links-mastodon.json", orjson.dumps([status]))]
    run = env.mf("import", *map(str, files))
    checks, seen = [], []
    for word in ("probelinkx", "probelinkcsv", "probelinktwarc", "probelinkmasto"):
        found = env.found(word, 1)
        text = orjson.dumps(found).decode() if found else ""
        seen.append(f"{word[9:] or 'x'}: {'kept' if '&region=us' in text else 'lost'}")
        checks += [(bool(found), f"{word} not stored"),
                   ("&region=us" in text and "®ion" not in text,
                    f"{word}: &region became {'®ion' if '®ion' in text else 'something else'}")]
    return judge(env, checks, f"{', '.join(seen)}; {ended(run)}")


@case("reimport-idempotent", "F re-import")
def reimport(env: Env) -> Outcome:
    files = [env.write("page.json", orjson.dumps(v2_page([tweet(i) for i in range(20)]))),
             env.write("rows.csv", csv_text([csv_row(i) for i in range(10)])),
             env.write("statuses.json", orjson.dumps(mastodon_statuses(10)))]
    first = env.mf("import", *map(str, files))
    once = env.stats()
    second = env.mf("import", *map(str, files))
    twice = env.stats()
    keys = ("posts", "authors", "reposts", "context_posts")
    same = all(once.get(k) == twice.get(k) for k in keys)
    return judge(env, [(same, f"counts moved: {[once.get(k) for k in keys]} -> "
                              f"{[twice.get(k) for k in keys]}"),
                       (bool(re.search(r"\b0 new", second.out)),
                        "the second import found new posts"),
                       (first.rc == 0, f"first import: {ended(first)}")],
                 f"{once['posts']} posts, twice: {short(second.out, 100)}")


# -- hostile servers ------------------------------------------------------------------------------

@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    dribble: bool = False  # send the headers, then one byte a second
    no_length: bool = False  # no Content-Length: the body ends when the connection closes

    def payload(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else orjson.dumps(self.body)


class Fake:
    """An HTTP server on 127.0.0.1 that answers every request with `handler(seen)`."""

    def __init__(self, handler: Callable[[Seen], Reply]) -> None:
        self.seen: list[Seen] = []
        self.stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.answer("GET")

            def do_POST(self) -> None:
                self.answer("POST")

            def answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(method, parts.path, parse_qs(parts.query),
                            {k.lower(): v for k, v in self.headers.items()},
                            self.rfile.read(length) if length else b"")
                fake.seen.append(seen)
                reply = handler(seen)
                data = reply.payload()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                if reply.dribble:
                    self.send_header("Content-Length", "100000")
                elif reply.no_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    if reply.dribble:
                        self.wfile.write(b"{")
                        while not fake.stop.wait(1.0):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                    else:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *_: Any) -> None:
                return None

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def serving(handler: Callable[[Seen], Reply]) -> Iterator[Fake]:
    fake = Fake(handler)
    try:
        yield fake
    finally:
        fake.close()


X_TOKEN = "probe-x-token-" + secrets.token_hex(8)
BSKY_PASSWORD = "prob-" + secrets.token_hex(2) + "-" + secrets.token_hex(2) + "-sekr"
MASTODON_TOKEN = "probe-mastodon-token-" + secrets.token_hex(8)


def collect_x(env: Env, handler: Callable[[Seen], Reply], *args: str, timeout: float = 40,
              extra: dict[str, str] | None = None) -> tuple[Run, Fake]:
    with serving(handler) as fake:
        run = env.mf("collect", "x", "--query", "#DermTwitter", *args, timeout=timeout,
                     env={"MENTORFEED_X_API_URL": fake.url,
                          "MENTORFEED_X_BEARER_TOKEN": X_TOKEN} | (extra or {}))
    return run, fake


def echo(seen: Seen) -> str:
    """What a careless server says back: the request's own credentials."""
    return (f"Invalid request. Authorization: {seen.headers.get('authorization')} "
            f"body: {seen.body.decode('utf-8', 'replace')}")


def refused_quietly(env: Env, run: Run, fake: Fake) -> Outcome:
    return judge(env, [(run.rc not in (0, None), ended(run)),
                       (len(fake.seen) > 0, "the fake server was never asked")],
                 f"{ended(run)}: {short(run.said(), 130)}")


for _status in (400, 404):
    def _x_echo(env: Env, status: int = _status) -> Outcome:
        run, fake = collect_x(env, lambda seen: Reply(status, {
            "title": "Invalid Request", "detail": echo(seen), "errors": [
                {"message": echo(seen)}]}))
        return refused_quietly(env, run, fake)

    case(f"x-echo-token-{_status}", "H5 secrets never printed")(_x_echo)


@case("x-echo-token-watch-log", "H5 secrets never printed")
def x_echo_watch(env: Env) -> Outcome:
    community = env.write("community.toml", '[x]\nqueries = ["#DermTwitter"]\n'
                          'interval_minutes = 1\n')
    log = env.path("watch.jsonl")
    with serving(lambda seen: Reply(400, {"detail": echo(seen)})) as fake:
        run = env.mf("watch", "--community", str(community), "--cycles", "1", "--log", str(log),
                     timeout=60, env={"MENTORFEED_X_API_URL": fake.url,
                                      "MENTORFEED_X_BEARER_TOKEN": X_TOKEN})
    logged = log.read_text("utf-8") if log.exists() else ""
    return judge(env, [(X_TOKEN not in logged, "the token is in the watch --log file"),
                       (bool(logged), "nothing was logged"),
                       (run.rc is not None, ended(run))],
                 f"{ended(run)}; log: {short(logged, 110)}")


def fake_jwt(scope: str) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(data)).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"scope": scope, "sub": "did:plc:probeprobeprobe", "iat": now, "exp": now + 7200}
    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(claims)}.c2lnbmF0dXJl"


def bluesky_handler(search: Callable[[Seen], Reply],
                    login: Callable[[Seen], Reply] | None = None) -> Callable[[Seen], Reply]:
    access = fake_jwt("com.atproto.appPass")

    def answer(seen: Seen) -> Reply:
        method = seen.path.rsplit("/", 1)[-1]
        if method == "com.atproto.server.createSession":
            if login:
                return login(seen)
            return Reply(200, {"did": "did:plc:probeprobeprobe", "handle": "probe.bsky.social",
                               "accessJwt": access, "refreshJwt": fake_jwt("com.atproto.refresh"),
                               "active": True})
        if method == "app.bsky.feed.searchPosts":
            return search(seen)
        if method == "app.bsky.actor.getProfiles":
            return Reply(200, {"profiles": []})
        return Reply(501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})
    return answer


def collect_bluesky(env: Env, handler: Callable[[Seen], Reply], timeout: float = 40
                    ) -> tuple[Run, Fake]:
    with serving(handler) as fake:
        run = env.mf("collect", "bluesky", "--query", "dermatology", timeout=timeout,
                     env={"MENTORFEED_BLUESKY_URL": fake.url,
                          "MENTORFEED_BLUESKY_HANDLE": "probe.bsky.social",
                          "MENTORFEED_BLUESKY_APP_PASSWORD": BSKY_PASSWORD})
    return run, fake


@case("bluesky-echo-password-400", "H5 secrets never printed")
def bluesky_echo_login(env: Env) -> Outcome:
    run, fake = collect_bluesky(env, bluesky_handler(
        lambda seen: Reply(200, {"posts": []}),
        login=lambda seen: Reply(400, {"error": "InvalidRequest", "message": echo(seen)})))
    return refused_quietly(env, run, fake)


@case("bluesky-echo-token-404", "H5 secrets never printed")
def bluesky_echo_search(env: Env) -> Outcome:
    def search(seen: Seen) -> Reply:
        env.secrets.append(seen.headers.get("authorization", "").removeprefix("Bearer ")
                           or "no-token-sent")
        return Reply(404, {"error": "NotFound", "message": f"(app password {BSKY_PASSWORD}) "
                                                          f"{echo(seen)}"})
    run, fake = collect_bluesky(env, bluesky_handler(search))
    return refused_quietly(env, run, fake)


def mastodon_handler(timeline: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    def answer(seen: Seen) -> Reply:
        if seen.path.rstrip("/") in ("/api/v2/instance", "/api/v1/instance"):
            feeds = {"local": "public", "remote": "public"}
            return Reply(200, {"domain": "127.0.0.1", "uri": "127.0.0.1", "version": "4.4.0",
                               "configuration": {"timelines_access": {
                                   "live_feeds": feeds, "hashtag_feeds": feeds,
                                   "trending_link_feeds": feeds}}})
        if seen.path.startswith("/api/v1/timelines/tag/"):
            return timeline(seen)
        return Reply(404, {"error": "Record not found"})
    return answer


def collect_mastodon(env: Env, handler: Callable[[Seen], Reply], timeout: float = 40
                     ) -> tuple[Run, Fake]:
    with serving(handler) as fake:
        run = env.mf("collect", "mastodon", "--instance", fake.url, "--tag", "DermTwitter",
                     timeout=timeout, env={"MENTORFEED_MASTODON_TOKEN": MASTODON_TOKEN})
    return run, fake


for _status in (400, 404):
    def _mastodon_echo(env: Env, status: int = _status) -> Outcome:
        run, fake = collect_mastodon(env, mastodon_handler(
            lambda seen: Reply(status, {"error": echo(seen)})))
        return refused_quietly(env, run, fake)

    case(f"mastodon-echo-token-{_status}", "H5 secrets never printed")(_mastodon_echo)


@case("x-dribble", "H4 collectors always end")
def x_dribble(env: Env) -> Outcome:
    timeout = timeout_setting()
    extra = {timeout: "3"} if timeout else {}
    run, fake = collect_x(env, lambda seen: Reply(dribble=True), timeout=75, extra=extra)
    return judge(env, [(run.rc is not None, f"{ended(run)} against a server sending a byte a "
                        "second"), (run.rc != 0, "it ended as if it succeeded")],
                 f"{ended(run)} ({len(fake.seen)} requests"
                 f"{f', {timeout}=3' if timeout else ', no timeout setting'}): "
                 f"{short(run.said(), 100)}")


def bounded(env: Env, run: Run, fake: Fake, words: tuple[str, ...]) -> Outcome:
    said = run.said().lower()
    return judge(env, [(run.rc is not None, ended(run)),
                       (any(w in said for w in words),
                        "its last words do not say the cursor came back")],
                 f"{ended(run)} after {len(fake.seen)} requests: {short(run.said(), 110)}")


REPEATED = ("repeat", "same", "again", "loop", "before", "already", "twice", "stuck",
            "next_token", "cursor")


@case("x-repeated-next-token", "H4 collectors always end")
def x_repeated(env: Env) -> Outcome:
    page = v2_page([tweet(i) for i in range(5)], next_token="same-token-every-time")
    run, fake = collect_x(env, lambda seen: Reply(200, page), timeout=30)
    return bounded(env, run, fake, REPEATED)


@case("bluesky-repeated-cursor", "H4 collectors always end")
def bluesky_repeated(env: Env) -> Outcome:
    posts = corpus_json("bluesky", "search-001.json")["posts"][:5]
    run, fake = collect_bluesky(env, bluesky_handler(
        lambda seen: Reply(200, {"posts": posts, "cursor": "same-cursor"})), timeout=30)
    return bounded(env, run, fake, REPEATED)


@case("mastodon-repeated-page", "H4 collectors always end")
def mastodon_repeated(env: Env) -> Outcome:
    statuses = mastodon_statuses(3)

    def timeline(seen: Seen) -> Reply:
        here = f"http://127.0.0.1{seen.path}?limit=40"
        return Reply(200, statuses, {"Link": f'<{here}&max_id=1>; rel="next"'})
    run, fake = collect_mastodon(env, mastodon_handler(timeline), timeout=30)
    return bounded(env, run, fake, REPEATED)


@case("x-rate-limit-a-year", "H4 collectors always end")
def x_rate_limit(env: Env) -> Outcome:
    reset = str(int(time.time()) + 31_535_978)
    run, _ = collect_x(env, lambda seen: Reply(429, {"title": "Too Many Requests"}, {
        "x-rate-limit-limit": "450", "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": reset}), timeout=20)
    return judge(env, [(run.rc is not None and run.seconds < 15, ended(run)),
                       ("rate" in run.said().lower() or "limit" in run.said().lower(),
                        "its last words do not mention the rate limit")],
                 f"{ended(run)}: {short(run.said(), 120)}")


@case("x-redirect-301", "H4 collectors always end")
def x_redirect(env: Env) -> Outcome:
    run, _ = collect_x(env, lambda seen: Reply(301, {"data": [], "meta": {"result_count": 0}},
                                                  {"Location": "http://127.0.0.1:9/moved"}))
    return judge(env, [(run.rc not in (0, None), f"{ended(run)}: a 301 taken as the last page"),
                       (bool(re.search(r"\b301\b|redirect", run.said().lower())),
                        "its last words do not name the redirect")],
                 f"{ended(run)}: {short(run.said(), 120)}")


@case("x-500-then-ok", "H4 politeness")
def x_retry(env: Env) -> Outcome:
    page = v2_page([tweet(i) for i in range(10)])
    calls = iter(range(1000))

    def handler(seen: Seen) -> Reply:
        return Reply(500, {"title": "Internal Error"}) if next(calls) < 2 else Reply(200, page)
    run, fake = collect_x(env, handler)
    posts = env.posts()
    return judge(env, [(run.rc == 0, ended(run)), (posts == 10, f"{posts} of 10 stored")],
                 f"{posts}/10 stored after {len(fake.seen)} requests, {ended(run)}")


@case("x-page-one-bad-tweet", "H3 one bad record of 100")
def x_bad_tweet(env: Env) -> Outcome:
    tweets = [tweet(i) for i in range(100)]
    tweets[49]["created_at"] = "2025-02-30T25:61:00.000Z"
    run, fake = collect_x(env, lambda seen: Reply(200, v2_page(tweets)))
    posts = env.posts()
    return judge(env, [(posts == 99, f"{posts} of 99 stored"),
                       (run.rc is not None, ended(run)),
                       (len(fake.seen) <= 3, f"the page was fetched {len(fake.seen)} times")],
                 f"{posts}/99 stored, {ended(run)}: {short(run.said(), 110)}")


@case("x-body-over-limit", "H1 response body over the limit")
def x_big_body(env: Env) -> Outcome:
    limit = body_limit()
    if limit is None:
        return Outcome(False, "no size limit to set: no setting like MENTORFEED_MAX_BODY_MB in "
                       "`mentorfeed` (README settings), so any body is read whole")
    tweets = [tweet(i, "derm " * 600) for i in range(100)]
    body = orjson.dumps(v2_page(tweets))
    body = body[:-1] + b', "padding": "' + b"x" * (3 << 20) + b'"}'
    run, _ = collect_x(env, lambda seen: Reply(200, body, no_length=True),
                          extra={limit: size_value(limit, 1)})
    said = run.said().lower()
    return judge(env, [(run.rc not in (0, None), ended(run)),
                       (any(w in said for w in ("limit", "too big", "too large", "larger")),
                        "its last words do not name the limit")],
                 f"{ended(run)} with {limit}=1 MB: {short(run.said(), 110)}")


# -- the web app ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Web:
    """`mentorfeed serve` over a store with classified posts, shared by the web cases."""

    def __init__(self, env: Env, postgres: bool) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if postgres:
            files = sorted(str(p) for kind in ("x", "bluesky", "mastodon")
                           for p in (CORPUS / kind).glob("*.json"))
            for args in (("import", *files), ("classify",)):
                run = env.mf(*args, timeout=240)
                if run.rc != 0:
                    raise ProbeError(f"building the web store failed: {short(run.said())}")
            db = env.database_url
        else:
            run = env.mf("demo", "--no-serve", timeout=240)
            if run.rc != 0:
                raise ProbeError(f"`mentorfeed demo --no-serve` failed: {short(run.said())}")
            db = str(env.data / "demo.db")
        self.db = db
        self.log = (env.root / "serve.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mentorfeed", "serve", "--db", db, "--port", str(self.port)],
            cwd=env.root, env=env.environment({"PYTHONUNBUFFERED": "1"}), stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                started = time.perf_counter()
                first = httpx.get(f"{self.url}/journal-clubs", timeout=30)
                self.journal_clubs = (first.status_code, time.perf_counter() - started)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise ProbeError("`mentorfeed serve` did not start") from None
                time.sleep(0.2)

    def client(self, **headers: str) -> httpx.Client:
        token = secrets.token_urlsafe(32)
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=False,
                            cookies={"mentorfeed_csrf": token},
                            headers={"X-CSRF-Token": token} | headers)

    def output(self) -> str:
        return (self.env.root / "serve.log").read_text("utf-8", "replace")

    def settled(self) -> str:
        """The server's output once it has printed nothing new for half a second (what a
        case's requests made it print belongs to that case, not to the next)."""
        last, quiet = self.output(), time.monotonic()
        deadline = quiet + 5
        while time.monotonic() - quiet < 0.5 and time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.output()
            if now != last:
                last, quiet = now, time.monotonic()
        return last

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


class WebFixture:
    """Starts the shared server on first use (once, whichever case asks first); the web cases
    take turns, so that what the server prints during a case is that case's."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.turn = threading.Lock()
        self.web: Web | None = None
        self.error: Exception | None = None
        self.make: Callable[[], Web] | None = None

    def get(self) -> Web:
        with self.lock:
            if self.web is None and self.error is None:
                assert self.make is not None
                try:
                    self.web = self.make()
                except Exception as exc:  # every web case reports it
                    self.error = exc
            if self.error is not None:
                raise ProbeError(f"no web app to probe: {self.error}")
            assert self.web is not None
            return self.web

    def case(self, function: Callable[[Env, Web], Outcome]) -> Callable[[Env], Outcome]:
        """A web case: run in its turn; held only if the server printed no traceback."""
        def run(env: Env) -> Outcome:
            web = self.get()
            with self.turn:
                before = len(web.settled())
                outcome = function(env, web)
                printed = web.settled()[before:]
            if TRACEBACK in printed:
                lines = [line.strip() for line in printed.splitlines() if line.strip()]
                error = ([line for line in lines if re.match(r"[\w.]+(Error|Exception)\b", line)]
                         or lines)[-1]
                return Outcome(False, short(f"the server printed a traceback ({error}) | "
                                            f"{outcome.evidence}", 240))
            return outcome
        return run


WEB = WebFixture()


@case("web-host-rebinding", "H2 Host checked")
@WEB.case
def web_host(env: Env, web: Web) -> Outcome:
    port = web.port
    with web.client(Host=f"evil.example:{port}") as client:
        page = client.get("/")
        api = client.get("/api/v1/opportunities")
    refused = page.status_code in (400, 403, 421) and api.status_code in (400, 403, 421)
    return judge(env, [(refused, f"Host: evil.example answered {page.status_code} "
                       f"(page) and {api.status_code} (API)")],
                 f"Host: evil.example -> {page.status_code} page, {api.status_code} API")


def profile_form(stage: str = "resident") -> dict[str, str]:
    return {"stage": stage, "time_zone": "UTC"}


@case("web-origin-cross-site", "H2 Origin checked")
@WEB.case
def web_origin(env: Env, web: Web) -> Outcome:
    with web.client(Origin="http://evil.example") as client:
        sent = client.post("/me/profile", data=profile_form("MS2"))
    return judge(env, [(sent.status_code in (400, 403), f"a POST from "
                        f"http://evil.example answered {sent.status_code}")],
                 f"POST /me/profile with Origin http://evil.example -> {sent.status_code}")


@case("web-origin-rebinding", "H2 Origin against the allowed list")
@WEB.case
def web_origin_rebinding(env: Env, web: Web) -> Outcome:
    evil = f"evil.example:{web.port}"
    with web.client(Origin=f"http://{evil}", Host=evil) as client:
        sent = client.post("/me/profile", data=profile_form("MS1"))
    return judge(env, [(sent.status_code in (400, 403, 421),
                        f"a rebound page's POST (Host and Origin evil.example) answered "
                        f"{sent.status_code}")],
                 f"POST with Host+Origin evil.example -> {sent.status_code}")


@case("web-dates-at-the-edges", "H9 dates at the edges")
@WEB.case
def web_dates(env: Env, web: Web) -> Outcome:
    paths = ["/api/v1/opportunities?until=9999-12-31", "/api/v1/opportunities?since=9999-12-31",
             "/api/v1/opportunities?until=0001-01-01", "/opportunities?until=9999-12-31",
             "/opportunities?since=0001-01-01&until=9999-12-31&filtered=1",
             "/opportunities?until=99999-01-01", "/feeds/opportunities.atom?until=9999-12-31",
             "/api/v1/events?until=9999-12-31", "/api/v1/sessions?until=9999-12-31",
             "/api/v1/insights?since=0001-01-01&until=9999-12-31"]
    answers = {}
    with web.client() as client:
        for path in paths:
            answers[path] = client.get(path).status_code
    bad = [f"{p} -> {s}" for p, s in answers.items() if s >= 500]
    return judge(env, [(not bad, ", ".join(bad))],
                 "answers: " + " ".join(sorted({str(s) for s in answers.values()})))


@case("cli-dates-at-the-edges", "H9 dates at the edges")
@WEB.case
def cli_dates(env: Env, web: Web) -> Outcome:
    tries = [("opportunities", "--due-within", "3000000"),
             ("opportunities", "--due-within", "-3000000"),
             ("opportunities", "--until", "9999-12-31"), ("search", "--until", "9999-12-31"),
             ("search", "--since", "0001-01-01")]
    runs = [env.mf("--db", web.db, *args) for args in tries]
    bad = [f"`{' '.join(r.args[2:])}` {ended(r)}" for r in runs if r.rc not in (0, 1, 2)]
    return judge(env, [(not bad, ", ".join(bad))],
                 "exits: " + ", ".join(f"{' '.join(r.args[2:4])}={r.rc}" for r in runs))


def long_query() -> str:
    words = re.findall(r"[a-z]{4,}", " ".join(
        t["text"].lower() for t in corpus_json("x", "search-001.json")["data"]))
    chosen = list(dict.fromkeys(words)) or ["derm"]
    return " ".join(chosen[i % len(chosen)] for i in range(2000))


@case("web-2000-word-search", "H13 slow paths")
@WEB.case
def web_long_search(env: Env, web: Web) -> Outcome:
    query = long_query()
    checks, shown = [], []
    with web.client() as client:
        for path in ("/opportunities", "/api/v1/opportunities", "/feeds/opportunities.atom"):
            started = time.perf_counter()
            answer = client.get(path, params={"q": query, "filtered": "1"})
            seconds = time.perf_counter() - started
            ok = answer.status_code in (400, 413, 414, 422) or (
                answer.status_code == 200 and seconds < 1)
            checks.append((ok, f"{path} {answer.status_code} in {seconds:.2f} s"))
            shown.append(f"{path} {answer.status_code} {seconds:.2f}s")
    return judge(env, checks, "; ".join(shown))


@case("cli-2000-word-search", "H13 slow paths")
@WEB.case
def cli_long_search(env: Env, web: Web) -> Outcome:
    base = env.mf("--db", web.db, "search", "derm", "--json")
    run = env.mf("--db", web.db, "search", long_query(), "--json", timeout=60)
    if run.seconds - base.seconds >= 1:  # once more, lest a busy machine be blamed on us
        base = min(base, env.mf("--db", web.db, "search", "derm", "--json"),
                   key=lambda r: r.seconds)
        run = min(run, env.mf("--db", web.db, "search", long_query(), "--json", timeout=60),
                  key=lambda r: r.seconds)
    extra = run.seconds - base.seconds
    ok = run.rc is not None and (extra < 1 or (run.rc != 0 and run.seconds < base.seconds + 1))
    return judge(env, [(ok, f"{ended(run)}, {extra:.1f} s more than a one-word search")],
                 f"{ended(run)} ({extra:+.2f} s over one word): {short(run.said(), 90)}")


def hammer(web: Web, path: str, forms: list[dict[str, str]]) -> list[str]:
    """POST every form at once from its own thread; the statuses (or errors) seen."""
    barrier = threading.Barrier(len(forms))

    def post(form: dict[str, str]) -> str:
        with web.client() as client:
            barrier.wait()
            try:
                return str(client.post(path, data=form).status_code)
            except httpx.HTTPError as exc:
                return type(exc).__name__
    with concurrent.futures.ThreadPoolExecutor(len(forms)) as pool:
        return list(pool.map(post, forms))


def first_opportunity(web: Web) -> str:
    with web.client() as client:
        found = client.get("/api/v1/opportunities", params={"per_page": 1}).json()
    items = found.get("items") or found.get("opportunities") or []
    if not items:
        raise ProbeError("the web store has no opportunity to save")
    return str(items[0]["id"])


@case("web-concurrent-saves", "H8 concurrent submits")
@WEB.case
def web_saves(env: Env, web: Web) -> Outcome:
    item = first_opportunity(web)
    saves = hammer(web, "/saved", [{"opportunity_id": item}] * 20)
    updates = hammer(web, "/saved/update", [{"opportunity_id": item, "status": s, "note": "n"}
                                            for s in ["contacted", "ongoing"] * 10])
    bad = [s for s in saves + updates if not s.isdigit() or int(s) >= 500]
    return judge(env, [(not bad, f"{len(bad)} of 40 answered {sorted(set(bad))}")],
                 f"20 saves + 20 updates of one item: {sorted(set(saves + updates))}")


@case("web-concurrent-profiles", "H8 concurrent submits")
@WEB.case
def web_profiles(env: Env, web: Web) -> Outcome:
    stages = ["MS1", "MS2", "MS3", "MS4", "resident"] * 4
    answers = hammer(web, "/me/profile", [profile_form(s) for s in stages])
    bad = [s for s in answers if not s.isdigit() or int(s) >= 500]
    return judge(env, [(not bad, f"{len(bad)} of 20 answered {sorted(set(bad))}")],
                 f"20 profile saves at once: {sorted(set(answers))}")


@case("web-security-headers", "H2 headers")
@WEB.case
def web_headers(env: Env, web: Web) -> Outcome:
    wanted = ("content-security-policy", "x-content-type-options", "referrer-policy",
              "x-frame-options")
    missing = []
    with web.client() as client:
        for path in ("/", "/api/v1/opportunities", "/no-such-page"):
            answer = client.get(path)
            missing += [f"{path} lacks {h}" for h in wanted if h not in answer.headers]
    return judge(env, [(not missing, ", ".join(missing))],
                 f"{', '.join(wanted)} on pages, API and 404")


@case("web-first-journal-clubs", "H13 slow paths")
@WEB.case
def web_journal_clubs(env: Env, web: Web) -> Outcome:
    status, seconds = web.journal_clubs
    return judge(env, [(status == 200 and seconds < 2,
                        f"first /journal-clubs {status} in {seconds:.1f} s")],
                 f"first /journal-clubs after the start: {status} in {seconds:.2f} s")


@case("graph-csv-formulas", "H11 spreadsheet safety")
def graph_csv(env: Env) -> Outcome:
    hostile = ["=HYPERLINK(\"http://evil.example\")", "+SUM(A1)", "-2+3", "@cmd", "\tTAB"]
    rows = []
    for i, name in enumerate(hostile):
        rows.append(csv_row(2 * i, author_handle=name, author_name=name, author_id=f"=9{i}"))
        rows.append(csv_row(2 * i + 1, author_handle=f"plain{i}", author_id=f"77{i}",
                            reply_to=str(BASE_ID + 500_000 + 2 * i)))
        rows.append(csv_row(100 + i, author_handle=name, author_id=f"=9{i}",
                            reply_to=str(BASE_ID + 500_000 + 2 * i + 1)))
    env.mf("import", str(env.write("people.csv", csv_text(rows))))
    out = env.path("edges.csv")
    run = env.mf("graph", "--csv", str(out))
    cells = [c for row in csv.reader(io.StringIO(out.read_text("utf-8")))
             for c in row] if out.exists() else []
    risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    return judge(env, [(bool(cells), f"no CSV written ({ended(run)})"),
                       (not risky, f"cells start a formula: {risky[:3]}")],
                 f"{len(cells)} cells written, {len(risky)} risky; {short(run.said(), 80)}")


# -- PostgreSQL only ------------------------------------------------------------------------------

@case("pg-1.5-MB-post", "H6 PostgreSQL takes what SQLite takes", postgres_only=True)
def pg_huge_post(env: Env) -> Outcome:
    big = "probepghuge " + " ".join(f"w{i}" for i in range(300_000))  # about 1.5 MB of words
    page = v2_page([tweet(0), tweet(1, big), tweet(2)])
    after = env.write("after.jsonl", jsonl(v2_page([tweet(10), tweet(11)])))
    run = env.mf("import", str(env.write("huge.json", orjson.dumps(page))), str(after))
    posts = env.posts()
    return judge(env, [(posts == 5, f"{posts} of 5 stored"),
                       (bool(env.found("probepghuge", 1)), "the long post is not found"),
                       (bool(env.found("probetweet10", 1)), "the next file was not imported"),
                       (run.rc is not None, ended(run))],
                 f"{posts}/5 stored, {ended(run)}: {short(run.said(), 110)}")


# -- running it all -------------------------------------------------------------------------------

class Databases:
    """A fresh database per case: a SQLite file, or `probe_<random>` on PostgreSQL."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.made: list[str] = []
        self.lock = threading.Lock()

    def new(self, folder: Path) -> str:
        if not self.postgres:
            return f"sqlite:///{folder / 'data' / 'probe.db'}"
        import psycopg

        name = f"probe_{secrets.token_hex(6)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        with self.lock:
            self.made.append(name)
        return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"

    def drop(self) -> None:
        if not self.made:
            return
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            for name in self.made:
                with contextlib.suppress(psycopg.Error):
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_case(chosen: Case, root: Path, databases: Databases) -> tuple[Outcome, float]:
    started = time.perf_counter()
    # no case's name in the path: its words must not pass for the words of a message
    folder = Path(tempfile.mkdtemp(prefix="case-", dir=root))
    try:
        env = Env(folder, databases.new(folder))
        outcome = chosen.run(env)
    except ProbeError as exc:
        outcome = Outcome(False, short(f"could not be tried: {exc}", 240))
    except Exception as exc:  # a bug in the probe shows as a failed row, not a crash
        outcome = Outcome(False, short(f"the probe broke: {type(exc).__name__}: {exc}", 240))
    return outcome, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true",
                        help=f"store everything in fresh PostgreSQL databases ({PG_ADMIN})")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run the cases whose name holds NAME (repeatable)")
    parser.add_argument("--jobs", type=int, default=4, help="cases run at once (default 4)")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--markdown", action="store_true",
                        help="print the table as Markdown (for the issue's closing note)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    options = parser.parse_args(argv)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    chosen = [c for c in CASES if (options.postgres or not c.postgres_only)
              and (not options.only or any(n in c.name for n in options.only))]
    if options.list or not chosen:
        if not chosen:
            console.print(f"No case name holds {' or '.join(options.only or [])}; the cases:")
        for c in CASES:
            console.print(f"{c.name:32} {c.item}{'  (--postgres)' if c.postgres_only else ''}")
        return 0 if options.list else 2
    root = Path(tempfile.mkdtemp(prefix="mentorfeed-probe-"))
    databases = Databases(options.postgres)

    def make_web() -> Web:
        folder = Path(tempfile.mkdtemp(prefix="web-", dir=root))
        return Web(Env(folder, databases.new(folder)), options.postgres)
    WEB.make = make_web
    results: dict[str, tuple[Outcome, float]] = {}
    started = time.perf_counter()
    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, options.jobs)) as pool:
            # the web cases first: the shared server is built while the others run
            slow = ("web-", "cli-", "x-dribble", "x-repeated", "bluesky-repeated",
                    "mastodon-repeated", "x-rate")
            order = sorted(chosen, key=lambda c: not c.name.startswith(slow))
            futures = {pool.submit(run_case, c, root, databases): c for c in order}
            for future in concurrent.futures.as_completed(futures):
                done = futures[future]
                results[done.name] = future.result()
                mark = "held" if results[done.name][0].held else "FAILED"
                console.print(f"[dim]{done.name}: {mark} ({results[done.name][1]:.0f} s)[/]")
    finally:
        if WEB.web is not None:
            WEB.web.close()
        databases.drop()
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)
    held = sum(results[c.name][0].held for c in chosen)
    failed = len(chosen) - held
    store = "PostgreSQL" if options.postgres else "SQLite"
    if options.markdown:
        print("| case | item | result | evidence |\n| --- | --- | --- | --- |")
        for c in chosen:
            outcome = results[c.name][0]
            evidence = outcome.evidence.replace("|", "\\|")
            print(f"| {c.name} | {c.item} | {'held' if outcome.held else '**failed**'} | "
                  f"{evidence} |")
        print(f"\nOn {store}: tried {len(chosen)}, held {held}, failed {failed} "
              f"({time.perf_counter() - started:.0f} s).")
    else:
        table = Table(title=f"mentorfeed probe (issue 14) on {store}", show_lines=False)
        for name in ("Case", "Item", "Result", "Evidence"):
            table.add_column(name, overflow="fold")
        for c in chosen:
            outcome = results[c.name][0]
            table.add_row(c.name, c.item, "[green]held[/]" if outcome.held else "[red]failed[/]",
                          escape(outcome.evidence))
        console.print(table)
        console.print(f"Tried {len(chosen)}, [green]held {held}[/], "
                      f"[{'red' if failed else 'green'}]failed {failed}[/] "
                      f"in {time.perf_counter() - started:.0f} s.")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
