"""Stable platform ids, account dates and pseudo-random numbers for rendered records.

Everything here is a pure function of the records, so rendering is deterministic.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from records import Author, Corpus, Post

X_EPOCH_MS = 1288834974657
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
QUERIED_SERVER = "med-mastodon.example"
_ACCOUNT_FLOOR = {
    "x": dt.datetime(2011, 1, 1, tzinfo=dt.UTC),
    "bluesky": dt.datetime(2023, 4, 15, tzinfo=dt.UTC),
    "mastodon": dt.datetime(2017, 4, 1, tzinfo=dt.UTC),
}


def h64(*parts: object) -> int:
    """A stable 64-bit hash of the parts."""
    data = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


def unit(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1)."""
    return h64(*parts) / 2**64


def between(lo: int, hi: int, *parts: object) -> int:
    return lo + h64(*parts) % (hi - lo + 1)


def ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def iso_ms(when: dt.datetime) -> str:
    return (
        when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    )


def from_ms(value: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(value / 1000, dt.UTC)


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").lower().rstrip("=")


def tid(micros: int, clock: int) -> str:
    n = (micros << 10) | (clock & 0x3FF)
    out = []
    for _ in range(13):
        out.append(TID_ALPHABET[n & 31])
        n >>= 5
    return "".join(reversed(out))


def cid(*parts: object, codec: int = 0x71) -> str:
    """A well-formed CIDv1 (dag-cbor `bafyrei…` or raw `bafkrei…`) over a hash of the parts."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return "b" + b32(bytes([0x01, codec, 0x12, 0x20]) + digest)


def token(
    length: int, *parts: object, alphabet: str = "0123456789abcdefghijklmnopqrstuvwxyz"
) -> str:
    n = int.from_bytes(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest(), "big")
    out = []
    for _ in range(length):
        n, d = divmod(n, len(alphabet))
        out.append(alphabet[d])
    return "".join(out)


@dataclass
class Ids:
    """Every platform id of the corpus, computed once."""

    corpus: Corpus
    account_created: dict[str, dt.datetime] = field(default_factory=dict)
    post_count: Counter[str] = field(default_factory=Counter)
    last_post: dict[str, dt.datetime] = field(default_factory=dict)
    replies: Counter[str] = field(default_factory=Counter)
    quotes: Counter[str] = field(default_factory=Counter)
    reposts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        first: dict[str, dt.datetime] = {}
        for p in self.corpus.posts.values():
            for target, counter in (
                (p.reply_to, self.replies),
                (p.quote_of, self.quotes),
                (p.repost_of, self.reposts),
            ):
                if target:
                    counter[target] += 1
            self.post_count[p.author] += 1
            first[p.author] = min(first.get(p.author, p.date), p.date)
            self.last_post[p.author] = max(self.last_post.get(p.author, p.date), p.date)
        for a in self.corpus.authors.values():
            ref = first.get(a.key, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
            floor = _ACCOUNT_FLOOR[a.platform]
            span = max(1, int((ref - floor).total_seconds()) - 86400 * 20)
            back = 86400 * 20 + h64("created", a.key) % span
            self.account_created[a.key] = (ref - dt.timedelta(seconds=back)).replace(microsecond=0)

    def root(self, p: Post) -> Post:
        """The first post of the reply chain that `p` belongs to."""
        seen = {p.key}
        while p.reply_to in self.corpus.posts and p.reply_to not in seen:
            p = self.corpus.posts[p.reply_to]
            seen.add(p.key)
        return p

    def metrics(self, p: Post) -> dict[str, int]:
        """Plausible engagement for the author's audience, never below the corpus' own counts."""
        followers = max(self.corpus.authors[p.author].followers, 5)
        boost = 1.6 if p.kind == "opportunity" else 1.0
        likes = int(followers * 0.025 * boost * unit("likes", p.key) ** 2) + between(
            0, 3, "l", p.key
        )
        reposts = int(likes * 0.25 * unit("reposts", p.key)) + self.reposts[p.key]
        return {
            "likes": likes,
            "reposts": reposts,
            "replies": self.replies[p.key] + int(likes * 0.08 * unit("replies", p.key)),
            "quotes": self.quotes[p.key] + int(reposts * 0.2 * unit("quotes", p.key)),
            "bookmarks": int(likes * 0.2 * unit("bookmarks", p.key)),
            "impressions": int(followers * (0.15 + unit("views", p.key))) + likes * 18,
        }

    def created_ms(self, a: Author) -> int:
        return ms(self.account_created[a.key]) + h64("created-ms", a.key) % 1000

    # X
    def x_user(self, a: Author) -> str:
        return str(((self.created_ms(a) - X_EPOCH_MS) << 22) | (h64("xu", a.key) & 0x3FFFFF))

    def x_unknown_user(self, username: str) -> str:
        when = (
            ms(dt.datetime(2015, 1, 1, tzinfo=dt.UTC)) + h64("xu?", username.lower()) % 3 * 10**11
        )
        return str(((when - X_EPOCH_MS) << 22) | (h64("xu?", username.lower()) & 0x3FFFFF))

    def x_ms(self, p: Post) -> int:
        return ms(p.date) + h64("xms", p.key) % 1000

    def x_tweet(self, p: Post) -> str:
        return str(((self.x_ms(p) - X_EPOCH_MS) << 22) | (h64("xt", p.key) & 0x3FFFFF))

    # Bluesky
    def did(self, a: Author) -> str:
        return "did:plc:" + b32(hashlib.sha256(f"did:{a.key}".encode()).digest())[:24]

    def did_unknown(self, handle: str) -> str:
        return "did:plc:" + b32(hashlib.sha256(f"did?:{handle.lower()}".encode()).digest())[:24]

    def bsky_created(self, p: Post) -> dt.datetime:
        return p.date + dt.timedelta(milliseconds=h64("bms", p.key) % 1000)

    def rkey(self, p: Post) -> str:
        micros = int(self.bsky_created(p).timestamp() * 1_000_000) + h64("bus", p.key) % 1000
        return tid(micros, h64("clock", p.key))

    def at_uri(self, p: Post) -> str:
        return f"at://{self.did(self.corpus.authors[p.author])}/app.bsky.feed.post/{self.rkey(p)}"

    def post_cid(self, p: Post) -> str:
        return cid("post", p.key, p.text, p.date.isoformat())

    # Mastodon
    def masto_ms(self, p: Post) -> int:
        return ms(p.date)

    def masto_created(self, p: Post) -> dt.datetime:
        return from_ms(self.masto_ms(p))

    def status_id(self, p: Post, origin: bool = False) -> str:
        """The status id on the queried server, or (origin=True) on the author's own server."""
        a = self.corpus.authors[p.author]
        local = a.instance == QUERIED_SERVER
        salt = "mso" if origin or local else "msq"
        return str(self.masto_ms(p) << 16 | (h64(salt, p.key) & 0xFFFF))

    def status_uri(self, p: Post) -> str:
        a = self.corpus.authors[p.author]
        return f"https://{a.instance}/users/{a.handle}/statuses/{self.status_id(p, origin=True)}"

    def status_url(self, p: Post) -> str:
        a = self.corpus.authors[p.author]
        return f"https://{a.instance}/@{a.handle}/{self.status_id(p, origin=True)}"

    def masto_account(self, a: Author) -> str:
        return str(self.created_ms(a) << 16 | (h64("ma", a.key) & 0xFFFF))

    def masto_unknown_account(self, user: str, instance: str) -> str:
        when = ms(dt.datetime(2022, 11, 1, tzinfo=dt.UTC)) + h64("ma?", user, instance) % 10**10
        return str(when << 16 | (h64("ma?b", user, instance) & 0xFFFF))

    def actor_uri(self, a: Author) -> str:
        return f"https://{a.instance}/users/{a.handle}"

    # Any platform
    def post_id(self, p: Post) -> str:
        """What an importer stores as the platform id."""
        platform = self.corpus.authors[p.author].platform
        if platform == "x":
            return self.x_tweet(p)
        if platform == "bluesky":
            return self.at_uri(p)
        return self.status_uri(p)

    def author_id(self, a: Author) -> str:
        if a.platform == "x":
            return self.x_user(a)
        if a.platform == "bluesky":
            return self.did(a)
        return self.actor_uri(a)

    def handle(self, a: Author) -> str:
        return f"{a.handle}@{a.instance}" if a.platform == "mastodon" else a.handle
