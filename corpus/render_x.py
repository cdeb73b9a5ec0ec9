"""Render X posts as X API v2 `GET /2/tweets/search/recent` response pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ids import Ids, between, iso_ms, token, unit
from records import Author, Post
from textutil import find_entities, x_weighted_length

PAGE_SIZE = 100
PREVIEW_LENGTH = 275
RT_LENGTH = 140
_SHORTENERS = ("forms.gle", "bit.ly", "tinyurl.com", "t.ly", "ow.ly", "buff.ly")
LEADING_MENTIONS = re.compile(r"(?:@\w{1,15}\s+)*")
_TCO = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

Json = dict[str, Any]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tco(url: str) -> str:
    return "https://t.co/" + token(10, "tco", url, alphabet=_TCO)


def display_url(url: str) -> str:
    shown = url.split("://", 1)[-1]
    shown = shown[4:] if shown.startswith("www.") else shown
    return shown if len(shown) <= 32 else shown[:31] + "…"


def _url_entity(url: str) -> Json:
    ent: Json = {"url": tco(url), "expanded_url": url, "display_url": display_url(url)}
    host = urlsplit(url).netloc.lower()
    if host in _SHORTENERS:
        path = urlsplit(url).path.strip("/") or "x"
        ent["status"] = 200
        ent["unwound_url"] = (
            "https://docs.google.com/forms/d/e/1FAIpQLS"
            + token(42, "unwound", url, alphabet=_TCO + "_-")
            + f"/viewform?usp={path[:2].lower()}"
            if host == "forms.gle"
            else f"https://{host.split('.')[0]}.example/{path}"
        )
    return ent


class XRenderer:
    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.corpus = ids.corpus
        self.by_username = {
            a.handle.lower(): a for a in self.corpus.authors.values() if a.platform == "x"
        }

    def mention_id(self, username: str) -> str:
        a = self.by_username.get(username.lower())
        return self.ids.x_user(a) if a else self.ids.x_unknown_user(username)

    def entities(self, text: str) -> tuple[str, Json]:
        """The text with t.co links and HTML escapes, and its entities in code points."""
        out: list[str] = []
        ents: dict[str, list[Json]] = {"hashtags": [], "mentions": [], "urls": []}
        pos = length = 0
        for span in find_entities(text, "x"):
            chunk = _escape(text[pos : span.start])
            out.append(chunk)
            length += len(chunk)
            if span.kind == "url":
                shown = tco(span.value)
                ent = {"start": length, "end": length + len(shown), **_url_entity(span.value)}
                ents["urls"].append(ent)
            else:
                shown = text[span.start : span.end]
                ent = {"start": length, "end": length + len(shown)}
                if span.kind == "hashtag":
                    ents["hashtags"].append({**ent, "tag": span.value})
                else:
                    ents["mentions"].append(
                        {**ent, "username": span.value, "id": self.mention_id(span.value)}
                    )
            out.append(shown)
            length += len(shown)
            pos = span.end
        out.append(_escape(text[pos:]))
        return "".join(out), {k: v for k, v in ents.items() if v}

    def full_text(self, p: Post) -> str:
        """The text as X stores it: the replied-to handle first, a quoted post's link last."""
        text = p.text
        if p.reply_to:
            parent = self.corpus.authors[self.corpus.posts[p.reply_to].author]
            lead = {m.lower() for m in LEADING_MENTIONS.match(text).group(0).split()}
            if parent.key != p.author and f"@{parent.handle.lower()}" not in lead:
                text = f"@{parent.handle} {text}"
        if p.quote_of:
            q = self.corpus.posts[p.quote_of]
            qa = self.corpus.authors[q.author]
            link = f"https://x.com/{qa.handle}/status/{self.ids.x_tweet(q)}"
            text = f"{text.rstrip()} {link}"
        return text

    def tweet(self, p: Post) -> Json:
        ids = self.ids
        a = self.corpus.authors[p.author]
        tid = ids.x_tweet(p)
        m = ids.metrics(p)
        obj: Json = {
            "id": tid,
            "text": "",
            "edit_history_tweet_ids": [tid],
            "author_id": ids.x_user(a),
            "created_at": iso_ms(p.date),
            "conversation_id": ids.x_tweet(ids.root(p)),
            "lang": p.lang,
            "possibly_sensitive": False,
            "reply_settings": "everyone",
            "public_metrics": {
                "retweet_count": m["reposts"],
                "reply_count": m["replies"],
                "like_count": m["likes"],
                "quote_count": m["quotes"],
                "bookmark_count": m["bookmarks"],
                "impression_count": m["impressions"],
            },
        }
        refs: list[Json] = []
        if p.repost_of:
            self._retweet(p, obj)
            refs.append({"type": "retweeted", "id": ids.x_tweet(self.corpus.posts[p.repost_of])})
        else:
            self._text(p, obj)
        if p.reply_to:
            refs.append({"type": "replied_to", "id": ids.x_tweet(self.corpus.posts[p.reply_to])})
        if p.quote_of:
            refs.append({"type": "quoted", "id": ids.x_tweet(self.corpus.posts[p.quote_of])})
        if refs:
            obj["referenced_tweets"] = refs
        if p.reply_to:
            parent = self.corpus.posts[p.reply_to]
            obj["in_reply_to_user_id"] = ids.x_user(self.corpus.authors[parent.author])
        return obj

    def _text(self, p: Post, obj: Json) -> None:
        text, ents = self.entities(self.full_text(p))
        if x_weighted_length(text[len(LEADING_MENTIONS.match(text).group(0)) :]) <= 280:
            obj["text"] = text
            if ents:
                obj["entities"] = ents
            return
        cut = PREVIEW_LENGTH
        for group in ents.values():
            for e in group:
                if e["start"] < cut < e["end"]:
                    cut = e["start"]
        obj["text"] = text[:cut].rstrip() + "…"
        preview = {k: [e for e in v if e["end"] <= cut] for k, v in ents.items()}
        preview = {k: v for k, v in preview.items() if v}
        if preview:
            obj["entities"] = preview
        obj["note_tweet"] = {"text": text, "entities": ents}

    def _retweet(self, p: Post, obj: Json) -> None:
        orig = self.corpus.posts[p.repost_of]
        oa = self.corpus.authors[orig.author]
        text, ents = self.entities(self.full_text(orig))
        prefix = f"RT @{oa.handle}: "
        full = prefix + text
        limit = len(full) if len(full) <= RT_LENGTH else RT_LENGTH - 1
        obj["text"] = full if limit == len(full) else full[:limit] + "…"
        shifted: dict[str, list[Json]] = {
            "mentions": [
                {"start": 3, "end": 4 + len(oa.handle), "username": oa.handle,
                 "id": self.ids.x_user(oa)}
            ]
        }  # fmt: skip
        for kind, group in ents.items():
            for e in group:
                e2 = {**e, "start": e["start"] + len(prefix), "end": e["end"] + len(prefix)}
                if e2["end"] <= limit:
                    shifted.setdefault(kind, []).append(e2)
        order = ("hashtags", "mentions", "urls")
        obj["entities"] = {k: shifted[k] for k in order if shifted.get(k)}
        m = self.ids.metrics(orig)
        obj["public_metrics"] = {
            "retweet_count": m["reposts"],
            "reply_count": 0,
            "like_count": 0,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 0,
        }
        obj["lang"] = orig.lang

    def user(self, a: Author) -> Json:
        ids = self.ids
        uid = ids.x_user(a)
        desc, ents = self.entities(a.bio)
        followers = a.followers
        obj: Json = {
            "id": uid,
            "username": a.handle,
            "name": a.name,
            "created_at": iso_ms(ids.account_created[a.key]),
            "description": desc,
            "location": "",
            "protected": False,
            "verified": followers >= 10000,
            "verified_type": "blue" if followers >= 10000 else "none",
            "profile_image_url": (
                f"https://pbs.twimg.com/profile_images/{uid}/{token(8, 'av', a.key)}_normal.jpg"
            ),
            "public_metrics": {
                "followers_count": followers,
                "following_count": between(40, 900, "following", a.key)
                + int(followers * 0.2 * unit("f2", a.key)),
                "tweet_count": ids.post_count[a.key] + between(150, 9000, "tc", a.key),
                "listed_count": int(followers * 0.012 * unit("listed", a.key)),
            },
            "url": "",
        }
        if ents:
            for m in ents.get("mentions", []):
                m.pop("id", None)
            obj["entities"] = {"description": ents}
        return obj

    def pages(self) -> list[Json]:
        posts = [p for p in self.corpus.posts.values() if self.corpus.platform_of(p) == "x"]
        posts.sort(key=lambda p: int(self.ids.x_tweet(p)), reverse=True)
        chunks = [posts[i : i + PAGE_SIZE] for i in range(0, len(posts), PAGE_SIZE)]
        return [self._page(chunk, n, n == len(chunks) - 1) for n, chunk in enumerate(chunks)]

    def _page(self, chunk: list[Post], n: int, last: bool) -> Json:
        data = [self.tweet(p) for p in chunk]
        in_page = {t["id"] for t in data}
        extra: dict[str, Post] = {}
        for p in chunk:
            for target in (p.reply_to, p.quote_of, p.repost_of):
                if target and self.ids.x_tweet(self.corpus.posts[target]) not in in_page:
                    extra[target] = self.corpus.posts[target]
        included = sorted(extra.values(), key=lambda q: int(self.ids.x_tweet(q)), reverse=True)
        tweets = [self.tweet(q) for q in included]
        users: dict[str, Json] = {}
        missing: dict[str, str] = {}
        for t in data + tweets:
            wanted = [t["author_id"], t.get("in_reply_to_user_id")]
            for group in (t.get("entities", {}), t.get("note_tweet", {}).get("entities", {})):
                for m in group.get("mentions", []):
                    if m["username"].lower() in self.by_username:
                        wanted.append(m["id"])
                    else:
                        missing.setdefault(m["username"].lower(), m["username"])
            for uid in wanted:
                if uid and uid not in users:
                    users[uid] = {}
        by_id = {self.ids.x_user(a): a for a in self.by_username.values()}
        page: Json = {"data": data, "includes": {"users": [self.user(by_id[u]) for u in users]}}
        if tweets:
            page["includes"]["tweets"] = tweets
        if missing:
            page["errors"] = [_missing_user(name) for _, name in sorted(missing.items())]
        page["meta"] = {
            "newest_id": data[0]["id"],
            "oldest_id": data[-1]["id"],
            "result_count": len(data),
        }
        if not last:
            page["meta"]["next_token"] = token(45, "x-next", n, data[-1]["id"])
        return page


def _missing_user(name: str) -> Json:
    return {
        "value": name,
        "detail": f"Could not find user with username: [{name}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": "entities.mentions.username",
        "resource_id": name,
        "type": "https://api.x.com/2/problems/resource-not-found",
    }
