"""Load and validate the hand-written corpus records (corpus/people/*.yaml, corpus/posts/*.yaml).

Problems are reported as `file: key: reason`. Errors make a corpus invalid; warnings are printed
but accepted (for example a Mastodon post between 500 and 1000 characters).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PLATFORMS = ("x", "bluesky", "mastodon")
LABELS = (
    "urim_outreach",
    "research_collaboration",
    "specialty_information",
    "peer_mentorship",
    "program_application",
    "journal_club",
)
AUDIENCE = ("premed", "medical_student", "resident", "urim", "img")
CONTACT = ("dm", "email", "form", "link", "reply")
TOPICS = (
    "skin of color", "hair", "pediatric dermatology", "dermatopathology", "mohs",
    "dermatologic surgery", "cosmetic", "psoriasis", "atopic dermatitis", "acne",
    "hidradenitis suppurativa", "vitiligo", "melanoma", "skin cancer", "medical dermatology",
    "inpatient dermatology", "autoimmune", "contact dermatitis", "global health",
    "teledermatology", "medical education", "health equity", "dermoscopy",
    "artificial intelligence", "wound care", "genodermatoses",
)  # fmt: skip
HARD_NEGATIVES = (
    "thanks_mentor", "mentorship_opinion", "new_research", "sunscreen_application", "case_quiz",
    "paper_promotion", "match_day", "attending_job_ad", "brand_ad", "conference_chatter",
    "closed_call", "jc_answer",
)  # fmt: skip
OTHER_KINDS = (
    "clinical_pearl", "patient_education", "advocacy", "meme", "poll", "other_specialty",
    "venting", "chatter",
)  # fmt: skip
KINDS = ("opportunity", *HARD_NEGATIVES, *OTHER_KINDS)
ROLES = (
    "dermatologist", "resident", "medical_student", "premed", "researcher", "organization",
    "industry", "public", "unknown",
)  # fmt: skip
BACKGROUNDS = (
    "first_generation", "urim", "black", "latino", "indigenous", "asian", "lgbtq", "woman",
    "img", "disability",
)  # fmt: skip
JC_ROLES = ("announcement", "question", "answer", "reply", "wrapup")
EXTRACT_KEYS = ("deadline", "audience", "contact", "topics")

# Earliest and latest post dates per platform (inclusive), in UTC.
WINDOWS = {
    "x": (dt.datetime(2019, 1, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC)),
    "bluesky": (dt.datetime(2023, 5, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC)),
    "mastodon": (dt.datetime(2022, 11, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC)),
}
X_LIMIT, X_LONG_LIMIT, BSKY_LIMIT, MASTO_LIMIT, MASTO_LONG_LIMIT = 280, 1000, 300, 500, 1000

AUTHOR_FIELDS = {
    "key", "platform", "instance", "handle", "name", "bio", "role", "followers", "background",
    "same_person_as",
}  # fmt: skip
POST_FIELDS = {
    "key", "author", "date", "lang", "text", "labels", "extract", "kind", "reply_to", "quote_of",
    "repost_of", "crosspost_of", "session", "jc",
}  # fmt: skip
RELATIONS = ("reply_to", "quote_of", "repost_of", "crosspost_of")

X_HANDLE = re.compile(r"^[A-Za-z0-9_]{4,15}$")
DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
MASTO_USER = re.compile(r"^[A-Za-z0-9_]{1,30}$")
LANGUAGE_BG = re.compile(r"^language:[a-z]{2}$")


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    reason: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.file}: {self.key}: {tag}{self.reason}"


@dataclass
class Author:
    key: str
    platform: str
    handle: str
    name: str
    bio: str
    role: str
    followers: int
    file: str
    instance: str = ""
    background: list[str] = field(default_factory=list)
    same_person_as: str = ""


@dataclass
class Post:
    key: str
    author: str
    date: dt.datetime
    lang: str
    text: str
    labels: list[str]
    extract: dict[str, Any]
    kind: str
    file: str
    reply_to: str = ""
    quote_of: str = ""
    repost_of: str = ""
    crosspost_of: str = ""
    session: str = ""
    jc: dict[str, Any] = field(default_factory=dict)


@dataclass
class Corpus:
    directory: Path
    authors: dict[str, Author] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def platform_of(self, post: Post) -> str:
        return self.authors[post.author].platform


def _display_path(path: Path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def parse_date(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValueError(f"date {value!r} has no time zone")
        return parsed.astimezone(dt.UTC)
    raise ValueError(f"date {value!r} is not an ISO 8601 timestamp")


def _read_yaml(path: Path, problems: list[Problem]) -> list[dict[str, Any]]:
    name = _display_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "-", f"cannot parse: {str(exc).splitlines()[0]}"))
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(name, "-", "top level must be a list of records"))
        return []
    good = []
    for i, rec in enumerate(data):
        if isinstance(rec, dict) and isinstance(rec.get("key"), str):
            good.append(rec)
        else:
            problems.append(Problem(name, f"#{i}", "record is not a mapping with a string key"))
    return good


def str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _author(rec: dict[str, Any], name: str) -> Author:
    return Author(
        key=rec["key"],
        platform=str(rec.get("platform", "")),
        handle=str(rec.get("handle", "")),
        name=str(rec.get("name", "")),
        bio=str(rec.get("bio") or ""),
        role=str(rec.get("role", "unknown")),
        followers=int(rec.get("followers") or 0),
        file=name,
        instance=str(rec.get("instance") or "").lower(),
        background=str_list(rec.get("background")),
        same_person_as=str(rec.get("same_person_as") or ""),
    )


def _post(rec: dict[str, Any], name: str) -> Post:
    extract = rec.get("extract") or {}
    if not isinstance(extract, dict):
        raise ValueError("extract must be a mapping")
    extract = {k: v for k, v in extract.items() if v not in (None, [], "")}
    if isinstance(extract.get("deadline"), dt.date):
        extract["deadline"] = extract["deadline"].isoformat()
    jc = rec.get("jc") or {}
    if not isinstance(jc, dict):
        raise ValueError("jc must be a mapping like {role: question, q: 1}")
    return Post(
        key=rec["key"],
        author=str(rec.get("author", "")),
        date=parse_date(rec.get("date")),
        lang=str(rec.get("lang") or ""),
        text=str(rec.get("text") or ""),
        labels=str_list(rec.get("labels")),
        extract=extract,
        kind=str(rec.get("kind") or ""),
        file=name,
        **{k: str(rec.get(k) or "") for k in (*RELATIONS, "session")},
        jc=jc,
    )


def load(corpus_dir: str | Path) -> Corpus:
    """Read every people/*.yaml and posts/*.yaml under `corpus_dir`; collect load problems."""
    root = Path(corpus_dir)
    corpus = Corpus(root)
    for kind, fields, build, store in (
        ("people", AUTHOR_FIELDS, _author, corpus.authors),
        ("posts", POST_FIELDS, _post, corpus.posts),
    ):
        for path in sorted((root / kind).glob("*.yaml")):
            name = _display_path(path)
            for rec in _read_yaml(path, corpus.problems):
                key = rec["key"]
                for extra in sorted(set(rec) - fields):
                    corpus.problems.append(Problem(name, key, f"unknown field {extra!r}"))
                if key in corpus.authors or key in corpus.posts:
                    other = (corpus.authors.get(key) or corpus.posts[key]).file
                    corpus.problems.append(Problem(name, key, f"duplicate key (also in {other})"))
                    continue
                try:
                    store[key] = build(rec, name)  # type: ignore[operator]
                except (ValueError, TypeError) as exc:
                    corpus.problems.append(Problem(name, key, f"cannot read record: {exc}"))
    return corpus


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def validate(corpus: Corpus) -> list[Problem]:
    """Every problem of the corpus (load problems first), errors and warnings."""
    from validate import validate_authors, validate_posts, validate_sessions

    problems = list(corpus.problems)
    problems += validate_authors(corpus)
    problems += validate_posts(corpus)
    problems += validate_sessions(corpus)
    return problems
