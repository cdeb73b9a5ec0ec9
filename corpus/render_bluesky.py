"""Render Bluesky posts as `app.bsky.feed.searchPosts` and `app.bsky.actor.getProfiles` pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ids import Ids, between, cid, iso_ms, unit
from records import Author, Post
from textutil import bsky_visible_text, byte_offset

PAGE_SIZE = 100
PROFILES_PER_PAGE = 25
Json = dict[str, Any]


class BlueskyRenderer:
    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.corpus = ids.corpus
        self.by_handle = {
            a.handle.lower(): a for a in self.corpus.authors.values() if a.platform == "bluesky"
        }

    def _did_of(self, handle: str) -> str:
        a = self.by_handle.get(handle.lower())
        return self.ids.did(a) if a else self.ids.did_unknown(handle)

    def avatar(self, a: Author) -> str:
        did = self.ids.did(a)
        return (
            f"https://cdn.bsky.app/img/avatar/plain/{did}/{cid('avatar', a.key, codec=0x55)}@jpeg"
        )

    def profile_basic(self, a: Author) -> Json:
        return {
            "did": self.ids.did(a),
            "handle": a.handle,
            "displayName": a.name,
            "avatar": self.avatar(a),
            "associated": {"chat": {"allowIncoming": "following"}},
            "labels": [],
            "createdAt": iso_ms(self.ids.account_created[a.key]),
        }

    def record(self, p: Post) -> Json:
        text, placed = bsky_visible_text(p.text)
        facets = []
        for span, start, end in placed:
            if span.kind == "url":
                feature = {"$type": "app.bsky.richtext.facet#link", "uri": span.value}
            elif span.kind == "hashtag":
                feature = {"$type": "app.bsky.richtext.facet#tag", "tag": span.value}
            else:
                feature = {
                    "$type": "app.bsky.richtext.facet#mention",
                    "did": self._did_of(span.value),
                }
            facets.append(
                {
                    "features": [feature],
                    "index": {
                        "byteEnd": byte_offset(text, end),
                        "byteStart": byte_offset(text, start),
                    },
                }
            )
        rec: Json = {
            "$type": "app.bsky.feed.post",
            "createdAt": iso_ms(self.ids.bsky_created(p)),
            "langs": [p.lang],
            "text": text,
        }
        if facets:
            rec["facets"] = facets
        if p.reply_to:
            parent = self.corpus.posts[p.reply_to]
            root = self.ids.root(p)
            rec["reply"] = {"parent": self._ref(parent), "root": self._ref(root)}
        if p.quote_of:
            rec["embed"] = {
                "$type": "app.bsky.embed.record",
                "record": self._ref(self.corpus.posts[p.quote_of]),
            }
        return rec

    def _ref(self, p: Post) -> Json:
        return {"cid": self.ids.post_cid(p), "uri": self.ids.at_uri(p)}

    def _indexed(self, p: Post) -> str:
        delay = dt.timedelta(milliseconds=between(150, 4000, "indexed", p.key))
        return iso_ms(self.ids.bsky_created(p) + delay)

    def post_view(self, p: Post) -> Json:
        m = self.ids.metrics(p)
        view: Json = {
            "uri": self.ids.at_uri(p),
            "cid": self.ids.post_cid(p),
            "author": self.profile_basic(self.corpus.authors[p.author]),
            "record": self.record(p),
            "bookmarkCount": m["bookmarks"],
            "replyCount": m["replies"],
            "repostCount": m["reposts"],
            "likeCount": m["likes"],
            "quoteCount": m["quotes"],
            "indexedAt": self._indexed(p),
            "viewer": {"threadMuted": False, "embeddingDisabled": False},
            "labels": [],
        }
        if p.quote_of:
            q = self.corpus.posts[p.quote_of]
            qm = self.ids.metrics(q)
            view["embed"] = {
                "$type": "app.bsky.embed.record#view",
                "record": {
                    "$type": "app.bsky.embed.record#viewRecord",
                    "uri": self.ids.at_uri(q),
                    "cid": self.ids.post_cid(q),
                    "author": self.profile_basic(self.corpus.authors[q.author]),
                    "value": self.record(q),
                    "labels": [],
                    "indexedAt": self._indexed(q),
                    "likeCount": qm["likes"],
                    "replyCount": qm["replies"],
                    "repostCount": qm["reposts"],
                    "quoteCount": qm["quotes"],
                    "embeds": [],
                },
            }
        return view

    def profile(self, a: Author) -> Json:
        last = self.ids.last_post.get(a.key, self.ids.account_created[a.key])
        return {
            "did": self.ids.did(a),
            "handle": a.handle,
            "displayName": a.name,
            "avatar": self.avatar(a),
            "associated": {
                "lists": 0,
                "feedgens": 0,
                "starterPacks": 0,
                "labeler": False,
                "chat": {"allowIncoming": "following"},
            },
            "labels": [],
            "createdAt": iso_ms(self.ids.account_created[a.key]),
            "description": a.bio,
            "indexedAt": iso_ms(last + dt.timedelta(minutes=between(1, 600, "pidx", a.key))),
            "followersCount": a.followers,
            "followsCount": between(30, 700, "follows", a.key)
            + int(a.followers * 0.1 * unit("f", a.key)),
            "postsCount": self.ids.post_count[a.key] + between(20, 2500, "posts", a.key),
            "viewer": {"muted": False, "blockedBy": False},
        }

    def search_pages(self) -> list[Json]:
        posts = [p for p in self.corpus.posts.values() if self.corpus.platform_of(p) == "bluesky"]
        posts.sort(key=lambda p: (self.ids.bsky_created(p), self.ids.rkey(p)), reverse=True)
        pages: list[Json] = []
        for start in range(0, len(posts), PAGE_SIZE):
            chunk = posts[start : start + PAGE_SIZE]
            page: Json = {}
            if start + PAGE_SIZE < len(posts):
                page["cursor"] = str(start + PAGE_SIZE)
            if start == 0:
                page["hitsTotal"] = len(posts)
            page["posts"] = [self.post_view(p) for p in chunk]
            pages.append(page)
        return pages

    def profile_pages(self) -> list[Json]:
        authors = sorted(
            (a for a in self.corpus.authors.values() if a.platform == "bluesky"),
            key=lambda a: a.key,
        )
        return [
            {"profiles": [self.profile(a) for a in authors[i : i + PROFILES_PER_PAGE]]}
            for i in range(0, len(authors), PROFILES_PER_PAGE)
        ]
