"""What the classifier sees of a post: its words, and the context around them.

Context tokens say what the author's bio suggests (a dermatologist, a student, an organisation,
a brand), which hashtags and kinds of links the post carries, whether it replies to or quotes
another post, and which rule cues fired. They are kept apart from the words, so a bio word can
never pass for a word of the post.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mentorfeed.classify.rules import Cue, cues_in
from mentorfeed.models import Post, normalize_tag
from mentorfeed.sources._common import clean_text, hashtags_in, parse_iso, urls_in

_URL = re.compile(r"https?://\S+")
_CHAT_TAG = re.compile(r"(?:jc|journalclub|chat)$")
_MENTION = re.compile(r"(?<!\w)@[\w.@-]+")
_BIO_ROLES = (
    ("bio_dermatologist", re.compile(r"\b(dermatologist|faad|attending|derm (md|do)|mohs "
                                     r"surgeon|dermatopathologist|board[- ]certified)\b", re.I)),
    ("bio_resident", re.compile(r"\b(pgy-?\d|resident|residency|fellow\b|chief resident)", re.I)),
    ("bio_student", re.compile(r"\b(ms[1-4]|m[1-4]\b|med(ical)? student|medical school|"
                               r"do student|md candidate|md/phd student)", re.I)),
    ("bio_premed", re.compile(r"\b(pre-?med|undergrad|gap year|aspiring (doctor|physician|md))",
                              re.I)),
    ("bio_researcher", re.compile(r"\b(phd|scientist|researcher|postdoc|lab)\b", re.I)),
    ("bio_org", re.compile(r"\b(society|association|interest group|journal club|network|"
                           r"program|foundation|official account|chapter|committee|we (are|"
                           r"connect|host))\b", re.I)),
    ("bio_brand", re.compile(r"(skincare|®|™|\bshop\b|\bbrand\b|\bclinic\b.{0,20}\bbook\b|"
                             r"\bproducts?\b|\bderm(atology)? (spa|aesthetics)\b)", re.I)),
)
_LINK_KINDS = (
    ("link_form", re.compile(r"(forms\.gle|docs\.google\.com/forms|typeform|jotform|"
                             r"forms\.office|airtable\.com/shr|surveymonkey)", re.I)),
    ("link_sheet", re.compile(r"(docs\.google\.com/spreadsheets|airtable\.com/app|notion\.)",
                              re.I)),
    ("link_paper", re.compile(r"(doi\.org|pubmed|ncbi\.nlm|jaad|jamanetwork|/article)", re.I)),
    ("link_social", re.compile(r"(x\.com|twitter\.com|bsky\.app|/@\w)", re.I)),
)


@dataclass(slots=True)
class PostInput:
    """A post as the classifier takes it, from the store or from a file."""

    id: str
    text: str
    platform: str | None = None
    created_at: datetime | None = None
    hashtags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    bio: str | None = None
    is_reply: bool = False
    is_quote: bool = False
    is_repost: bool = False

    @classmethod
    def from_post(cls, post: Post) -> PostInput:
        """A repost's words are its original's (a v2 retweet whose original is missing keeps
        them for search): the classifier reads and learns them there, never here."""
        repost = post.repost_of is not None
        return cls(id=post.id, text="" if repost else post.text, platform=post.platform,
                   created_at=post.created_at, hashtags=[] if repost else list(post.hashtags),
                   urls=[] if repost else list(post.urls),
                   bio=post.author.bio if post.author else None,
                   is_reply=post.reply_to is not None, is_quote=post.quote_of is not None,
                   is_repost=post.repost_of is not None)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PostInput:
        """The file interface: {"id", "text"} with optional platform, created_at, author."""
        if not isinstance(obj, Mapping) or not isinstance(obj.get("id"), str | int) or \
                isinstance(obj.get("id"), bool) or obj.get("id") == "":
            raise ValueError("each line needs an object with an \"id\" (a string or number)")
        if not isinstance(obj.get("text", ""), str | None):
            raise ValueError("\"text\" must be a string")
        text = clean_text(obj.get("text") or "")
        author: Mapping[str, Any] = obj["author"] if isinstance(obj.get("author"), Mapping) \
            else {}
        created = obj.get("created_at")
        return cls(id=str(obj["id"]), text=text, platform=obj.get("platform"),
                   created_at=parse_iso(created) if created else None,
                   hashtags=hashtags_in(text), urls=urls_in(text),
                   bio=clean_text(str(author.get("bio") or "")) or None,
                   is_reply=bool(obj.get("reply_to")), is_quote=bool(obj.get("quote_of")))


@dataclass(slots=True)
class Features:
    words: str            # the post's own words, links and handles replaced by tokens
    context: str          # space-separated context tokens
    cues: list[Cue]


def featurize(post: PostInput) -> Features:
    text = post.text
    cues = cues_in(text)
    words = _MENTION.sub(" user ", _URL.sub(" link ", text)).lower()
    context = [f"cue_{c.name.replace(':', '_')}" for c in cues]
    tags = [normalize_tag(t) for t in post.hashtags]
    context += [f"tag_{t}" for t in tags]
    if any(_CHAT_TAG.search(t) for t in tags):  # #DermJC, #NephJC, #MedEdChat: a live chat's tag
        context.append("tag_kind_chat")
    context.extend(_bio_tokens(post.bio) if post.bio else ("bio_none",))
    for url in _urls(post.urls, text):
        context.append(next((k for k, p in _LINK_KINDS if p.search(url)), "link_other"))
    if post.is_reply:
        context.append("ctx_reply")
    if post.is_quote:
        context.append("ctx_quote")
    if not text.strip():
        context.append("ctx_empty")
    return Features(words=words, context=" ".join(context), cues=cues)


@functools.lru_cache(maxsize=65536)
def _bio_tokens(bio: str) -> tuple[str, ...]:
    """What a bio says about its author's role; authors post many times, so it is cached."""
    return tuple(name for name, pattern in _BIO_ROLES if pattern.search(bio))


def _urls(urls: Sequence[str], text: str) -> list[str]:
    return list(urls) if urls else urls_in(text)
