"""One call, posted from two accounts of one person, is one call: a mentor who cross-posts each
call to X and Bluesky has not posted twice as many calls as one who posts on one platform.

Two calls of one person's different accounts are copies of one call when they were posted
within `WITHIN_DAYS` of each other, share a kind (label), and either link the same page or say
much the same thing (at least `SAME_WORDS` of the shorter post's content words, and
`SHARED_WORDS` words, are in the other). Reworded copies ("Cross-posting from the other site:
I need 2 MS2/MS3s for a CCCA chart review") pass: the sample corpus's 22 copies share 47-100%
of their words. Calls of different people posted within three days of each other and sharing a
label share that much (or a link) in 2% of the pairs of real posts (corpus/real, held-out
sources left out), mostly posts of one chat or one templated job feed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import timedelta

from mentorfeed.people.activity import Key, PostRow

WITHIN_DAYS = 3
SAME_WORDS = 0.45  # of the shorter post's content words
SHARED_WORDS = 4

_URL = re.compile(r"(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s<>\"')\]…]*)?)",
                  re.IGNORECASE)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_SOCIAL = ("x.com", "twitter.com", "t.co", "bsky.app")
_STOP = _wordset("""a an and are as at be but by for from have here i if in is it its me my
of on or our so that the their this to we what when who will with you your just one more all
any can do get not out up was about been into also if dm dms""")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def links_in(text: str) -> set[str]:
    """The pages a post links (host and path, without scheme, www. or a trailing slash),
    leaving out links to social sites and to other posts."""
    found = set()
    for match in _URL.finditer(text):
        page = match.group(1).lower().rstrip("/.…")
        if "/" in page and not page.split("/", 1)[0].endswith(_SOCIAL):
            found.add(page)
    return found


def words_in(text: str) -> set[str]:
    """A post's content words (no links, handles, hashtag marks or small words), by their
    first six letters so that "dermatology" and "dermatologist" agree."""
    text = _URL.sub(" ", _plain(text))
    text = re.sub(r"@\S+", " ", text)
    return {w[:6] for w in re.findall(r"[a-z0-9][a-z0-9'+-]*", text)
            if w not in _STOP and (len(w) > 2 or w.isdigit())}


def same_call(one: PostRow, other: PostRow) -> bool:
    """Whether two calls (of one person's different accounts) are copies of one call."""
    if one.author == other.author or abs(one.created_at - other.created_at) > timedelta(
            days=WITHIN_DAYS):
        return False
    if not set(one.labels) & set(other.labels):
        return False
    if links_in(one.text) & links_in(other.text):
        return True
    mine, theirs = words_in(one.text), words_in(other.text)
    shorter = min(len(mine), len(theirs))
    shared = len(mine & theirs)
    return shorter > 0 and shared >= SHARED_WORDS and shared / shorter >= SAME_WORDS


def copies(calls: Iterable[PostRow]) -> list[PostRow]:
    """The calls that copy an earlier call (of another account) among one person's calls: the
    first post of each call stays, its copies are these."""
    kept: list[PostRow] = []
    dropped: list[PostRow] = []
    for call in sorted(calls, key=lambda p: (p.created_at, p.key)):
        if any(same_call(earlier, call) for earlier in kept):
            dropped.append(call)
        else:
            kept.append(call)
    return dropped


def copies_of(keys: Iterable[Key], posts: Mapping[Key, PostRow]) -> list[PostRow]:
    """`copies` among the calls of these keys (those `posts` holds)."""
    return copies(posts[key] for key in keys if key in posts)
