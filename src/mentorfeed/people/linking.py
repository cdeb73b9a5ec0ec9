"""One person, many accounts: links between accounts on different platforms, found only in what
the accounts publish, each with the reason a reader can check.

A link is found when
- a bio, a profile field or a post of one account points at the other (a profile address such
  as bsky.app/profile/…, or "also on Bluesky: @…", "same person as @…", "find me at …");
- both accounts link the same personal website (one that no more than one account per platform
  links); or
- both show the same display name (titles and pronouns aside, at least two words) and bios that
  say the same things. A name alone is never enough.

`people()` joins linked accounts into persons (a connected set); `merge()` makes one profile of a
person's profiles for ranking, with the most active account first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from mentorfeed.classify.topics import topics_in
from mentorfeed.people.activity import AuthorRow, Key, PostRow
from mentorfeed.people.crossposts import copies_of
from mentorfeed.people.profiles import CALLS_HALF_LIFE_DAYS, AuthorProfile, Signals


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


PLATFORM_NAMES = {"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon"}
SHARED_WORDS = 3       # bio words in common needed beside the same name...
SHARED_WORDS_HINTED = 2  # ...or fewer when a bio says the person is also elsewhere

# An address starts where a word starts (or at "http"/"www."), never inside a run of letters,
# digits, dots and hyphens: trying every position inside each word made reading 50k bios
# take seconds. The possessive `++` gives nothing back that a "." could use.
_URL = re.compile(r"(?:(?<![a-z0-9.-])|(?=https?://|www\.))(?:https?://)?(?:www\.)?"
                  r"((?:[a-z0-9-]++\.)+[a-z]{2,})(/[^\s<>\"')\]|,]*)?", re.IGNORECASE)
_MAY_HOLD_URL = re.compile(r"[a-z0-9-]\.[a-z]{2}", re.IGNORECASE)  # what every address holds


def _addresses(text: str) -> Iterator[re.Match[str]]:
    """The web addresses in `text` (most bios hold none: one quick look says so)."""
    return _URL.finditer(text) if _MAY_HOLD_URL.search(text) else iter(())
_SOCIAL_HOSTS = {"x.com", "twitter.com", "bsky.app", "t.co", "mobile.twitter.com"}
_HANDLE = re.compile(r"@?([a-z0-9_][a-z0-9_.-]*(?:@[a-z0-9-]+(?:\.[a-z0-9-]+)+)?)", re.I)
# Words that announce one's own account elsewhere, then the handle within a few words.
_POINTER = re.compile(
    r"\b(?:also (?:on|at)|same (?:person|me) as|find me (?:on|at|over at)|follow me (?:on|at)|"
    r"(?:i'?m|i am) (?:also )?(?:on|at)|formerly|moved (?:here )?from|my other account(?: is)?)"
    r"\b[^@\n]{0,40}?(@[a-z0-9_][a-z0-9_.-]*(?:@[a-z0-9-]+(?:\.[a-z0-9-]+)+)?|"
    r"[a-z0-9_-]+(?:\.[a-z0-9-]+)+)",
    re.IGNORECASE)
# Words one of which every _POINTER phrase holds.
_POINTER_CUES = ("also ", "same ", "find me", "follow me", "i'm", "im ", "i am ", "formerly",
                 "moved", "other account")
# A bio that says the person posts elsewhere too, without naming the account.
_ELSEWHERE = re.compile(
    r"\b(?:also (?:on|at|still on)|still on|same person as|moved (?:here )?from|new here from|"
    r"cross-?post(?:ing|s)? (?:from|to)|mostly (?:over )?here now|other (?:site|place)|"
    r"bird[- ]site)\b", re.IGNORECASE)
_TITLES = _wordset("dr dra doctor prof professor md do phd mph mba faad frcpc mbbs msc ms "
                    "she her hers they them he him ella")
# Words that say what an account is rather than who: "Derm Journal Club" names a kind of
# account that many share, so a name made only of these never links two accounts.
_GENERIC_NAME = _wordset("""derm derms dermatology dermatologist dermatologists skin hair journal
club clubs jc dermjc society association academy network group chat residents resident students
student trainees medical med school program the of and for in on at news official""")
_STOP = _wordset("""a an and are as at be but by for from here i in is it its me my of on or our
over so that the their there this to too us we what when who with you your also still now mostly
same person site bird other place account more less often new here am not just very all one views
mine typos""")


@dataclass(slots=True)
class Account:
    """What an account publishes about itself."""

    key: Key
    handle: str
    name: str | None
    bio: str | None
    urls: list[str] = field(default_factory=list)  # profile fields and links beside the bio
    statements: list[str] = field(default_factory=list)  # its posts that point elsewhere


@dataclass(slots=True, frozen=True)
class Link:
    """Two accounts of one person, and why we think so."""

    a: Key
    b: Key
    reason: str
    kind: str = "found"  # "found" from what they publish, or "manual"

    def pair(self) -> tuple[Key, Key]:
        return ordered(self.a, self.b)


def ordered(a: Key, b: Key) -> tuple[Key, Key]:
    return (a, b) if a <= b else (b, a)


def account_of(row: AuthorRow, raw: Mapping[str, Any] | None = None,
               posts: Iterable[str] = ()) -> Account:
    """An account from its stored author row, its raw profile (for profile fields and links the
    bio does not show), and the texts of its posts (only those pointing elsewhere are kept)."""
    return Account(row.key, row.handle, row.name, row.bio, profile_urls(raw or {}),
                   [text for text in posts if pointer_text(text)])


def pointer_text(text: str) -> bool:
    """Whether a post may name its author's account elsewhere (cheap test before the regex)."""
    low = text.lower()
    return any(cue in low for cue in ("also on", "also at", "same person", "find me",
                                      "follow me", "other account", "formerly", "moved"))\
        and _POINTER.search(text) is not None


def profile_urls(raw: Mapping[str, Any]) -> list[str]:
    """Links an account shows beside its bio: Mastodon profile fields, X's profile link."""
    found: list[str] = []
    for item in raw.get("fields") or ():
        if isinstance(item, dict):
            for part in (item.get("value"), item.get("name")):
                if isinstance(part, str):
                    found += [m.group(0) for m in _URL.finditer(re.sub(r"<[^>]+>", " ", part))]
    entities = raw.get("entities")
    if isinstance(entities, dict):
        for where in ("url", "description"):
            block = entities.get(where)
            for item in (block.get("urls") or ()) if isinstance(block, dict) else ():
                if isinstance(item, dict) and isinstance(item.get("expanded_url"), str):
                    found.append(item["expanded_url"])
    return found


def find_links(accounts: Iterable[Account]) -> list[Link]:
    """Every link the accounts' published data shows, one per pair (the strongest reason)."""
    listed = list(accounts)
    by_handle = _handle_index(listed)
    links: dict[tuple[Key, Key], Link] = {}

    def add(a: Key, b: Key, reason: str) -> None:
        if a[0] != b[0] and ordered(a, b) not in links:
            links[ordered(a, b)] = Link(*ordered(a, b), reason)

    for account in listed:
        for target, reason in _pointed_at(account, by_handle):
            add(account.key, target, reason)
    for (a, b), reason in _same_website(listed):
        add(a, b, reason)
    by_name: dict[tuple[str, ...], list[Account]] = defaultdict(list)
    for account in listed:
        name = name_words(account.name)
        if len(name) >= 2 and not _GENERIC_NAME.issuperset(name):
            by_name[name].append(account)
    for same in by_name.values():
        if len(same) < 2 or len(same) > 6:
            continue  # a common name shared by many accounts says nothing
        for i, one in enumerate(same):
            for other in same[i + 1:]:
                if one.key[0] != other.key[0] and ordered(one.key, other.key) not in links:
                    said = _same_name_and_bio(one, other)
                    if said:
                        add(one.key, other.key, said)
    return sorted(links.values(), key=lambda link: link.pair())


def _handle_index(accounts: list[Account]) -> dict[str, list[Key]]:
    """Each account under the forms others write its handle in."""
    index: dict[str, list[Key]] = defaultdict(list)
    for account in accounts:
        handle = account.handle.lstrip("@").lower()
        forms = {handle}
        if account.key[0] == "mastodon" and "@" in handle:
            forms.add(handle.split("@", 1)[0])  # "@name" as people write it on X
        if account.key[0] == "bluesky":
            forms.add(account.key[1].lower())  # did:plc:…
        for form in forms:
            index[form].append(account.key)
    return index


def _where(account: Account) -> str:
    return f"@{account.handle}'s {PLATFORM_NAMES.get(account.key[0], account.key[0])}"


def _pointed_at(account: Account, by_handle: dict[str, list[Key]]
                ) -> Iterable[tuple[Key, str]]:
    """Accounts on other platforms that this account's bio, fields or posts point at."""
    bio = account.bio or ""
    texts = [("bio", bio), *(("profile", url) for url in account.urls),
             *(("post", text) for text in account.statements)]
    for place, text in texts:
        for handle, shown in _handles_in(text):
            targets = [k for k in by_handle.get(handle.lower(), ()) if k[0] != account.key[0]]
            if len(targets) != 1:
                continue  # unknown, or a bare name several platforms share: not sure whom
            what = {"bio": "bio", "profile": "profile fields", "post": "post"}[place]
            verb = "link" if "/" in shown else "say"
            verb += "" if place == "profile" else "s"
            yield targets[0], f"{_where(account)} {what} {verb} “{_clip(shown)}”"


def _handles_in(text: str) -> Iterable[tuple[str, str]]:
    """(handle, the words that name it) for each profile address or pointer phrase."""
    for match in _addresses(text):
        host, path = match.group(1).lower(), (match.group(2) or "").rstrip("/.")
        parts = [p for p in path.split("/") if p]
        if host == "bsky.app" and len(parts) >= 2 and parts[0] == "profile":
            yield parts[1], match.group(0)
        elif host in ("x.com", "twitter.com") and len(parts) == 1:
            yield parts[0], match.group(0)
        elif len(parts) == 1 and parts[0].startswith("@") and host not in _SOCIAL_HOSTS:
            yield f"{parts[0][1:]}@{host}", match.group(0)  # a Mastodon profile address
    low = text.lower()
    if any(cue in low for cue in _POINTER_CUES):  # most texts hold none of its words
        for match in _POINTER.finditer(text):
            yield match.group(1).lstrip("@").rstrip("."), match.group(0)


def _clip(text: str, most: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


def _site(url: str) -> str | None:
    """A website's address without scheme, www. and trailing slash; None for social sites."""
    match = _URL.fullmatch(url.strip().rstrip("/.")) or _URL.search(url)
    if match is None:
        return None
    host = match.group(1).lower()
    if host in _SOCIAL_HOSTS or host.endswith(".bsky.social") or "." not in host:
        return None
    path = (match.group(2) or "").rstrip("/").lower()
    if path.startswith("/@"):
        return None  # a Mastodon profile: _pointed_at reads those
    return host + path


def _same_website(accounts: list[Account]) -> Iterable[tuple[tuple[Key, Key], str]]:
    sites: dict[str, list[Account]] = defaultdict(list)
    for account in accounts:
        seen = {_site(m.group(0)) for m in _addresses(account.bio or "")}
        seen |= {_site(url) for url in account.urls}
        for site in seen - {None}:
            assert site is not None
            sites[site].append(account)
    for site, holders in sites.items():
        platforms = Counter(a.key[0] for a in holders)
        if len(holders) < 2 or max(platforms.values()) > 1:
            continue  # an institution's page several people link is not a personal website
        for i, one in enumerate(holders):
            for other in holders[i + 1:]:
                yield ordered(one.key, other.key), f"both profiles link {site}"


def name_words(name: str | None) -> tuple[str, ...]:
    """A display name's words without titles, pronouns, emoji or accents: "Dra. Lucía V.
    (she/ella)" is ("lucia", "v")."""
    if not name:
        return ()
    text = re.sub(r"\([^)]*\)", " ", _plain(name))
    words = [w for w in re.split(r"[^a-z0-9'-]+", text) if w]
    return tuple(w for w in words if w.strip("'-") and w not in _TITLES)


def _plain(text: str) -> str:
    if text.isascii():  # nothing to take off: most names and bios
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def bio_words(bio: str | None) -> dict[str, str]:
    """The bio's content words by their first six letters ("dermatologist" and "dermatology"
    agree), each with the word as written, and the topics it names (as "topic:…")."""
    text = _plain(bio or "")
    words: dict[str, str] = {}
    for word in re.findall(r"[a-z][a-z0-9+]+", text):
        if word not in _STOP and (len(word) >= 4 or word in ("hs", "apd", "img", "pgy")):
            words.setdefault(word[:6], word)
    for generic in ("derm", "dermat"):
        words.pop(generic, None)
    return words | {f"topic:{t}": t for t in topics_in(bio or "")}


def _same_name_and_bio(one: Account, other: Account) -> str | None:
    mine = bio_words(one.bio)
    shared = mine.keys() & bio_words(other.bio).keys()
    hinted = any(_ELSEWHERE.search(a.bio or "") for a in (one, other))
    if len(shared) < (SHARED_WORDS_HINTED if hinted else SHARED_WORDS):
        return None
    said = sorted(mine[w] for w in shared if w.startswith("topic:"))
    said += sorted(mine[w] for w in shared if not w.startswith("topic:")
                   and not any(mine[w] in topic for topic in said))
    name = " ".join(name_words(one.name))
    also = "; a bio says they post elsewhere too" if hinted else ""
    return (f"same name ({name}) on {PLATFORM_NAMES.get(one.key[0], one.key[0])} and "
            f"{PLATFORM_NAMES.get(other.key[0], other.key[0])}, and both bios mention "
            f"{', '.join(said[:4])}{also}")


# -- persons ------------------------------------------------------------------------------------

def people(links: Iterable[Link]) -> list[list[Key]]:
    """The persons the links make: each a connected set of two or more accounts, sorted."""
    parent: dict[Key, Key] = {}

    def root(key: Key) -> Key:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for link in links:
        a, b = root(link.a), root(link.b)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[Key, list[Key]] = defaultdict(list)
    for key in list(parent):
        groups[root(key)].append(key)
    return sorted(sorted(group) for group in groups.values() if len(group) > 1)


def activity_of(profile: AuthorProfile) -> tuple[float, ...]:
    """How active an account is, to choose a person's main account: what it did for trainees
    and posted, then when it last posted."""
    s = profile.signals
    busy = s.calls + s.trainee_replies + s.jc_answers + s.offers + sum(profile.interests.values())
    return (busy, s.last_active.timestamp() if s.last_active else 0.0)


def primary_of(group: Iterable[Key], profiles: Mapping[Key, AuthorProfile]) -> Key:
    known = [k for k in group if k in profiles]
    return max(known, key=lambda k: (activity_of(profiles[k]), k)) if known else min(group)


def merge(profiles: Mapping[Key, AuthorProfile], persons: Iterable[list[Key]],
          posts: Mapping[Key, PostRow] | None = None, now: datetime | None = None
          ) -> tuple[dict[Key, AuthorProfile], dict[Key, Key]]:
    """The profiles with each person's accounts made one profile under the most active account
    (signals and interests added up, background joined), and which main account each merged
    account now belongs to. With the `posts`, a call the person cross-posted from two accounts
    counts once (people/crossposts.py; `now` anchors how recent it is, as in the profiles)."""
    merged = dict(profiles)
    into: dict[Key, Key] = {}
    for group in persons:
        known = [k for k in group if k in profiles]
        if len(known) < 2:
            continue
        main = primary_of(known, profiles)
        others = [profiles[k] for k in known if k != main]
        duplicates = copies_of([c for k in known for c in profiles[k].signals.opportunity_posts],
                               posts) if posts else []
        merged[main] = merge_profiles(profiles[main], others, duplicates, now)
        for other in others:
            del merged[other.key]
            into[other.key] = main
    return merged, into


def merge_profiles(main: AuthorProfile, others: list[AuthorProfile],
                   duplicates: Sequence[PostRow] = (), now: datetime | None = None
                   ) -> AuthorProfile:
    """One profile for one person: the main account's identity, everyone's activity, each
    call once (`duplicates`: the copies of a call another account posted first)."""
    everyone = [main, *others]
    interests: Counter[str] = Counter()
    for profile in everyone:
        interests.update(profile.interests)
    role = main if main.role != "unknown" else max(everyone, key=lambda p: p.role_confidence)
    return replace(
        main, role=role.role, role_confidence=role.role_confidence, role_cues=role.role_cues,
        interests={t: round(w, 4) for t, w in interests.most_common()},
        signals=_without(_merged_signals([p.signals for p in everyone]), duplicates, now),
        background=sorted({b for p in everyone for b in p.background}),
        institution=main.institution or next((p.institution for p in others if p.institution),
                                             None),
        opted_out=any(p.opted_out for p in everyone))


def _merged_signals(all_signals: list[Signals]) -> Signals:
    def added(name: str) -> dict[str, Any]:
        total: Counter[str] = Counter()
        for s in all_signals:
            total.update(getattr(s, name))
        return dict(total)

    latest = max(all_signals, key=lambda s: s.last_active.timestamp() if s.last_active else 0)
    return Signals(
        calls=sum(s.calls for s in all_signals), opportunities=added("opportunities"),
        opportunity_posts=_interleave([s.opportunity_posts for s in all_signals]),
        recent_opportunities={k: round(v, 4) for k, v in added("recent_opportunities").items()},
        recent_audiences={k: round(v, 4) for k, v in added("recent_audiences").items()},
        trainee_replies=sum(s.trainee_replies for s in all_signals),
        trainee_reply_posts=_interleave([s.trainee_reply_posts for s in all_signals]),
        jc_answers=sum(s.jc_answers for s in all_signals),
        offers=sum(s.offers for s in all_signals),
        answered_questions=sum(s.answered_questions for s in all_signals),
        says_full=latest.says_full, last_active=latest.last_active)


def _without(signals: Signals, duplicates: Sequence[PostRow], now: datetime | None
             ) -> Signals:
    """The signals less the calls in `duplicates` (their count, labels and recent weight)."""
    if not duplicates:
        return signals
    gone = {post.key for post in duplicates}
    labels = Counter(signals.opportunities)
    recent: dict[str, float] = dict(signals.recent_opportunities)
    audiences: dict[str, float] = dict(signals.recent_audiences)
    for post in duplicates:
        # as the profile weighed it (people/profiles.py): half at CALLS_HALF_LIFE_DAYS
        age = (now - post.created_at).total_seconds() / 86400 if now is not None else 0.0
        weight = 0.5 ** (max(0.0, age) / CALLS_HALF_LIFE_DAYS) if now is not None else 0.0
        labels.subtract(post.labels)
        for label in post.labels:
            recent[label] = recent.get(label, 0.0) - weight
        for audience in post.extract.get("audience") or ():
            audiences[audience] = audiences.get(audience, 0.0) - weight
    return replace(
        signals, calls=max(0, signals.calls - len(gone)),
        opportunities={k: v for k, v in labels.items() if v > 0},
        opportunity_posts=[k for k in signals.opportunity_posts if k not in gone],
        recent_opportunities={k: round(v, 4) for k, v in recent.items() if v > 1e-4},
        recent_audiences={k: round(v, 4) for k, v in audiences.items() if v > 1e-4})


def _interleave(lists: list[list[Key]]) -> list[Key]:
    """Newest-first lists joined so that each account's newest come first."""
    out: list[Key] = []
    for i in range(max((len(x) for x in lists), default=0)):
        out += [x[i] for x in lists if i < len(x)]
    return out
