"""The rules of corpus/AUTHORING.md, checked record by record (used by records.validate)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable

import records as r
from textutil import (
    bsky_visible_text,
    find_entities,
    grapheme_len,
    mastodon_length,
    x_weighted_length,
)

Bad = Callable[..., None]

_KEY_RE = {"author": re.compile(r"^g\d+-a\d{2,}$"), "post": re.compile(r"^g\d+-p\d{3,}$")}


def _group(key: str) -> str:
    return key.split("-", 1)[0]


def _file_group(file: str) -> str:
    return re.split(r"[-.]", file.replace("\\", "/").rsplit("/", 1)[-1], maxsplit=1)[0]


def validate_authors(corpus: r.Corpus) -> list[r.Problem]:
    out: list[r.Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for a in corpus.authors.values():

        def bad(reason: str, severity: str = "error", a: r.Author = a) -> None:
            out.append(r.Problem(a.file, a.key, reason, severity))

        if not _KEY_RE["author"].match(a.key):
            bad("author key should look like gN-a01", "warning")
        elif _group(a.key) != _file_group(a.file):
            bad(f"key group {_group(a.key)} differs from the file's group", "warning")
        if a.platform not in r.PLATFORMS:
            bad(f"platform {a.platform!r} is not one of {', '.join(r.PLATFORMS)}")
            continue
        if a.role not in r.ROLES:
            bad(f"role {a.role!r} is not in the taxonomy")
        if not a.name.strip():
            bad("name is empty", "warning")
        if a.followers < 0:
            bad("followers is negative")
        for b in a.background:
            if b not in r.BACKGROUNDS and not r.LANGUAGE_BG.match(b):
                bad(f"background {b!r} is not allowed")
        if a.platform == "x" and not r.X_HANDLE.match(a.handle):
            bad(f"X handle {a.handle!r} must be 4-15 characters [A-Za-z0-9_]")
        if a.platform == "bluesky" and not r.DOMAIN.match(a.handle):
            bad(f"Bluesky handle {a.handle!r} must be a lower-case domain name")
        if a.platform == "mastodon":
            if not r.MASTO_USER.match(a.handle):
                bad(f"Mastodon username {a.handle!r} must be [A-Za-z0-9_] without @ or domain")
            if not r.DOMAIN.match(a.instance):
                bad(f"Mastodon instance {a.instance!r} is missing or not a domain")
        elif a.instance:
            bad("instance is only for Mastodon accounts", "warning")
        ident = (a.platform, f"{a.handle.lower()}@{a.instance}")
        if ident in seen:
            bad(f"handle {a.handle!r} already used on {a.platform} by {seen[ident]}")
        seen[ident] = a.key
        if a.same_person_as:
            other = corpus.authors.get(a.same_person_as)
            if other is None:
                bad(f"same_person_as {a.same_person_as!r} is not an author")
            elif other.platform == a.platform:
                bad("same_person_as points to an account on the same platform")
    return out


def _check_extract(p: r.Post, bad: Bad) -> None:
    for k in sorted(set(p.extract) - set(r.EXTRACT_KEYS)):
        bad(f"unknown extract field {k!r}")
    for name, vocab in (("audience", r.AUDIENCE), ("contact", r.CONTACT), ("topics", r.TOPICS)):
        for v in r.str_list(p.extract.get(name)):
            if v not in vocab:
                bad(f"{name} value {v!r} is not in the vocabulary")
    deadline = p.extract.get("deadline")
    if deadline is not None:
        try:
            day = dt.date.fromisoformat(str(deadline))
        except ValueError:
            bad(f"deadline {deadline!r} is not YYYY-MM-DD")
        else:
            if day < p.date.date():
                bad(f"deadline {day} is before the post's date", "warning")


def _check_text(p: r.Post, platform: str, bad: Bad) -> None:
    if platform == "x":
        n = x_weighted_length(p.text)
        if n > r.X_LONG_LIMIT:
            bad(f"X text is {n} characters (long posts at most {r.X_LONG_LIMIT})")
    elif platform == "bluesky":
        n = grapheme_len(bsky_visible_text(p.text)[0])
        if n > r.BSKY_LIMIT:
            bad(f"Bluesky text is {n} graphemes (limit {r.BSKY_LIMIT})")
        if len(p.text.encode("utf-8")) > 3000:
            bad("Bluesky text is over 3000 bytes")
    else:
        n = mastodon_length(p.text)
        if n > r.MASTO_LONG_LIMIT:
            bad(f"Mastodon text is {n} characters (limit {r.MASTO_LONG_LIMIT})")
        elif n > r.MASTO_LIMIT:
            bad(f"Mastodon text is {n} characters (default limit {r.MASTO_LIMIT})", "warning")
    if not p.text.strip() and not p.repost_of:
        bad("text is empty")


def _check_mentions(corpus: r.Corpus, p: r.Post, platform: str, bad: Bad) -> None:
    author = corpus.authors[p.author]
    known = {(a.platform, a.handle.lower(), a.instance) for a in corpus.authors.values()}
    for span in find_entities(p.text, platform):
        if span.kind != "mention":
            continue
        if platform == "mastodon":
            inst = span.domain or author.instance
            ok = (platform, span.value.lower(), inst) in known
        else:
            ok = any(k[0] == platform and k[1] == span.value.lower() for k in known)
        if not ok:
            bad(f"mentions @{span.value} who is not a {platform} author of the corpus", "warning")


def _check_relations(corpus: r.Corpus, p: r.Post, platform: str, bad: Bad) -> None:
    for rel in r.RELATIONS:
        target_key = getattr(p, rel)
        if not target_key:
            continue
        target = corpus.posts.get(target_key)
        if target is None:
            bad(f"{rel} {target_key!r} is not a post")
            continue
        if target.author not in corpus.authors:
            continue
        tp = corpus.platform_of(target)
        if rel == "crosspost_of":
            if tp == platform:
                bad(f"crosspost_of {target_key} is on the same platform ({tp})")
            a, b = corpus.authors[p.author], corpus.authors[target.author]
            if a.key != b.key and b.key != a.same_person_as and a.key != b.same_person_as:
                bad(f"crosspost_of {target_key} is by {b.key}, not linked by same_person_as")
            if sorted(p.labels) != sorted(target.labels):
                bad(f"cross-post labels differ from {target_key}'s", "warning")
            continue
        if tp != platform:
            bad(f"{rel} {target_key} is on {tp}, this post on {platform}")
        if p.date <= target.date:
            bad(f"{rel} {target_key} is dated {target.date:%Y-%m-%dT%H:%M:%SZ}, not before")
        if rel == "repost_of" and target.repost_of:
            bad(f"repost_of {target_key} is itself a repost")
    if p.repost_of:
        if platform != "x":
            bad("repost_of is only for X posts")
        if p.text.strip():
            bad("a repost (repost_of) must have empty text")
        if p.labels:
            bad("a repost carries no labels (the original does)")
    _check_cycle(corpus, p, bad)


def _check_cycle(corpus: r.Corpus, p: r.Post, bad: Bad) -> None:
    seen = {p.key}
    cur = p
    while cur.reply_to and cur.reply_to in corpus.posts:
        cur = corpus.posts[cur.reply_to]
        if cur.key in seen:
            bad("reply_to chain loops")
            return
        seen.add(cur.key)


def validate_posts(corpus: r.Corpus) -> list[r.Problem]:
    out: list[r.Problem] = []
    for p in corpus.posts.values():

        def bad(reason: str, severity: str = "error", p: r.Post = p) -> None:
            out.append(r.Problem(p.file, p.key, reason, severity))

        if not _KEY_RE["post"].match(p.key):
            bad("post key should look like gN-p001", "warning")
        elif _group(p.key) != _file_group(p.file):
            bad(f"key group {_group(p.key)} differs from the file's group", "warning")
        if p.author not in corpus.authors:
            bad(f"unknown author {p.author!r}")
            continue
        platform = corpus.platform_of(p)
        if platform not in r.PLATFORMS:
            continue
        lo, hi = r.WINDOWS[platform]
        if not lo <= p.date < hi:
            bad(f"date {p.date:%Y-%m-%d} is outside the {platform} window {lo:%Y-%m}..{hi:%Y}")
        if not re.fullmatch(r"[a-z]{2,3}", p.lang):
            bad(f"lang {p.lang!r} is not an ISO 639-1 code")
        if p.kind not in r.KINDS:
            bad(f"kind {p.kind!r} is not a known kind")
        for label in p.labels:
            if label not in r.LABELS:
                bad(f"label {label!r} is not in the taxonomy")
        if len(set(p.labels)) != len(p.labels):
            bad("a label is repeated")
        if p.kind == "opportunity" and not p.labels:
            bad("an opportunity needs at least one label")
        if p.kind != "opportunity" and p.labels:
            bad(f"kind {p.kind} must have no labels")
        if p.extract and p.kind != "opportunity":
            bad("extract is only for opportunities")
        _check_extract(p, bad)
        _check_text(p, platform, bad)
        _check_relations(corpus, p, platform, bad)
        _check_mentions(corpus, p, platform, bad)
        if p.jc and not p.session:
            bad("jc without session")
    return out


def validate_sessions(corpus: r.Corpus) -> list[r.Problem]:
    out: list[r.Problem] = []
    by_session: dict[str, list[r.Post]] = defaultdict(list)
    for p in corpus.posts.values():
        if p.session:
            by_session[p.session].append(p)
    for key, posts in sorted(by_session.items()):
        platforms = {corpus.platform_of(p) for p in posts if p.author in corpus.authors}
        first = min(posts, key=lambda p: p.key)
        if len(platforms) > 1:
            out.append(r.Problem(first.file, key, f"session spans {sorted(platforms)}"))
        roles = [p.jc.get("role") for p in posts]
        if "question" not in roles:
            out.append(r.Problem(first.file, key, "session has no question", "warning"))
        for p in posts:

            def bad(reason: str, severity: str = "error", p: r.Post = p) -> None:
                out.append(r.Problem(p.file, p.key, reason, severity))

            role = p.jc.get("role")
            if role not in r.JC_ROLES:
                bad(f"jc role {role!r} is not one of {', '.join(r.JC_ROLES)}")
                continue
            q = p.jc.get("q")
            if role in ("question", "answer") and not isinstance(q, int):
                bad(f"jc {role} needs an integer q")
            if role in ("announcement", "question") and "journal_club" not in p.labels:
                bad(f"jc {role} should be a journal_club opportunity", "warning")
            if role == "answer" and p.kind != "jc_answer":
                bad("jc answer should have kind jc_answer", "warning")
        questions = [p.jc.get("q") for p in posts if p.jc.get("role") == "question"]
        dup = {q for q in questions if questions.count(q) > 1}
        if dup:
            out.append(r.Problem(first.file, key, f"question numbers repeated: {sorted(dup)}"))
        answered = {p.jc.get("q") for p in posts if p.jc.get("role") == "answer"}
        missing = answered - set(questions)
        if missing:
            out.append(
                r.Problem(first.file, key, f"answers to unknown questions {sorted(missing)}")
            )
    return out
