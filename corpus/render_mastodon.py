"""Render Mastodon posts as `GET /api/v1/timelines/tag/:tag` pages from one queried server."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from ids import QUERIED_SERVER, Ids, between, iso_ms, token, unit
from records import Author, Post
from textutil import find_entities

PAGE_SIZE = 40
Json = dict[str, Any]
_PROVIDERS = {"docs.google.com": "Google Docs", "forms.gle": "Google Docs", "doi.org": "DOI"}
_QUOTE_APPROVAL = {"automatic": ["public"], "manual": [], "current_user": "denied"}


def escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _plain(text: str) -> str:
    return re.sub(r"\n", "<br />", re.sub(r"\n\s*\n", "</p><p>", escape(text)))


def link_html(url: str, local: bool) -> str:
    m = re.match(r"https?://(www\.)?", url)
    prefix = m.group(0) if m else ""
    rest = url[len(prefix) :]
    shown, hidden = rest[:30], rest[30:]
    attrs = (
        'target="_blank" rel="nofollow noopener" translate="no"'
        if local
        else 'rel="nofollow noopener noreferrer" target="_blank"'
    )
    return (
        f'<a href="{escape(url)}" {attrs}><span class="invisible">{escape(prefix)}</span>'
        f'<span class="{"ellipsis" if hidden else ""}">{escape(shown)}</span>'
        f'<span class="invisible">{escape(hidden)}</span></a>'
    )


class MastodonRenderer:
    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.corpus = ids.corpus
        self.by_acct = {
            (a.handle.lower(), a.instance): a
            for a in self.corpus.authors.values()
            if a.platform == "mastodon"
        }

    def _acct(self, user: str, instance: str) -> str:
        return user if instance == QUERIED_SERVER else f"{user}@{instance}"

    def _mention(self, user: str, instance: str) -> Json:
        a = self.by_acct.get((user.lower(), instance))
        if a:
            user = a.handle
        return {
            "id": self.ids.masto_account(a)
            if a
            else self.ids.masto_unknown_account(user, instance),
            "username": user,
            "url": f"https://{instance}/@{user}",
            "acct": self._acct(user, instance),
        }

    def text(self, p: Post) -> str:
        """The written text, starting with the replied-to account as the web client fills it in."""
        text = p.text.strip("\n")
        if not p.reply_to:
            return text
        a = self.corpus.authors[p.author]
        parent = self.corpus.authors[self.corpus.posts[p.reply_to].author]
        if parent.key == a.key:
            return text
        for span in find_entities(text, "mastodon"):
            if (
                span.kind == "mention"
                and span.value.lower() == parent.handle.lower()
                and ((span.domain or a.instance) == parent.instance)
            ):
                return text
        acct = (
            parent.handle
            if parent.instance == a.instance
            else f"{parent.handle}@{parent.instance}"
        )
        return f"@{acct} {text}"

    def content(self, text: str, a: Author) -> tuple[str, list[Json], list[Json], list[str]]:
        """HTML of a text by `a`, with its mentions, tags and links, as its server renders it."""
        local = a.instance == QUERIED_SERVER
        html: list[str] = []
        mentions: list[Json] = []
        tags: list[Json] = []
        links: list[str] = []
        pos = 0
        for span in find_entities(text, "mastodon"):
            html.append(_plain(text[pos : span.start]))
            pos = span.end
            if span.kind == "url":
                html.append(link_html(span.value, local))
                links.append(span.value)
            elif span.kind == "hashtag":
                rel = (
                    'rel="tag"' if local else 'rel="nofollow noopener noreferrer" target="_blank"'
                )
                html.append(
                    f'<a href="https://{a.instance}/tags/{quote(span.value)}" '
                    f'class="mention hashtag" {rel}>#<span>{escape(span.value)}</span></a>'
                )
                name = span.value.lower()
                if all(t["name"] != name for t in tags):
                    tags.append(
                        {"name": name, "url": f"https://{QUERIED_SERVER}/tags/{quote(name)}"}
                    )
            else:
                m = self._mention(span.value, span.domain or a.instance)
                html.append(
                    f'<span class="h-card" translate="no"><a href="{m["url"]}" '
                    f'class="u-url mention">@<span>{escape(m["username"])}</span></a></span>'
                )
                if all(x["id"] != m["id"] for x in mentions):
                    mentions.append(m)
        html.append(_plain(text[pos:]))
        return "<p>" + "".join(html) + "</p>", mentions, tags, links

    def account(self, a: Author) -> Json:
        ids = self.ids
        created = ids.account_created[a.key].strftime("%Y-%m-%dT00:00:00.000Z")
        last = ids.last_post.get(a.key, ids.account_created[a.key])
        avatar_path = "/".join(ids.masto_account(a)[i : i + 3] for i in (0, 3, 6))
        cache = "" if a.instance == QUERIED_SERVER else "cache/"
        avatar = (
            f"https://{QUERIED_SERVER}/system/{cache}accounts/avatars/{avatar_path}/original/"
            f"{token(16, 'mav', a.key)}.png"
        )
        header = f"https://{QUERIED_SERVER}/headers/original/missing.png"
        return {
            "id": ids.masto_account(a),
            "username": a.handle,
            "acct": self._acct(a.handle, a.instance),
            "display_name": a.name,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "indexable": True,
            "group": False,
            "created_at": created,
            "note": self.content(a.bio.strip(), a)[0] if a.bio.strip() else "",
            "url": f"https://{a.instance}/@{a.handle}",
            "uri": ids.actor_uri(a),
            "avatar": avatar,
            "avatar_static": avatar,
            "header": header,
            "header_static": header,
            "followers_count": a.followers,
            "following_count": between(20, 600, "mfollowing", a.key),
            "statuses_count": ids.post_count[a.key] + between(30, 3000, "mstatuses", a.key),
            "last_status_at": last.strftime("%Y-%m-%d"),
            "hide_collections": False,
            "emojis": [],
            "roles": [],
            "fields": [],
        }

    def _card(self, p: Post, links: list[str]) -> Json | None:
        if not links or unit("card", p.key) >= 0.4:
            return None
        url = links[0]
        host = urlsplit(url).netloc
        return {
            "url": url,
            "title": host,
            "description": "",
            "type": "link",
            "authors": [],
            "author_name": "",
            "author_url": "",
            "provider_name": _PROVIDERS.get(host, ""),
            "provider_url": "",
            "html": "",
            "width": 0,
            "height": 0,
            "image": None,
            "image_description": "",
            "embed_url": "",
            "blurhash": None,
        }

    def status(self, p: Post, nested: bool = False) -> Json:
        ids = self.ids
        a = self.corpus.authors[p.author]
        content, mentions, tags, links = self.content(self.text(p), a)
        m = ids.metrics(p)
        parent = self.corpus.posts.get(p.reply_to) if p.reply_to else None
        st: Json = {
            "id": ids.status_id(p),
            "created_at": iso_ms(ids.masto_created(p)),
            "in_reply_to_id": ids.status_id(parent) if parent else None,
            "in_reply_to_account_id": (
                ids.masto_account(self.corpus.authors[parent.author]) if parent else None
            ),
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "public",
            "language": p.lang,
            "uri": ids.status_uri(p),
            "url": ids.status_url(p),
            "replies_count": m["replies"],
            "reblogs_count": m["reposts"],
            "favourites_count": m["likes"],
            "quotes_count": m["quotes"],
            "edited_at": None,
            "content": content,
            "reblog": None,
        }
        if a.instance == QUERIED_SERVER:
            st["application"] = {"name": "Web", "website": None}
        st["account"] = self.account(a)
        st["media_attachments"] = []
        st["mentions"] = mentions
        st["tags"] = tags
        st["emojis"] = []
        quote_obj: Json | None = None
        if p.quote_of:
            q = self.corpus.posts[p.quote_of]
            quote_obj = (
                {"state": "accepted", "quoted_status_id": ids.status_id(q)}
                if nested
                else {"state": "accepted", "quoted_status": self.status(q, nested=True)}
            )
        st["quote"] = quote_obj
        st["card"] = self._card(p, links)
        st["poll"] = None
        st["quote_approval"] = dict(_QUOTE_APPROVAL)
        return st

    def pages(self) -> list[list[Json]]:
        posts = [p for p in self.corpus.posts.values() if self.corpus.platform_of(p) == "mastodon"]
        posts.sort(key=lambda p: int(self.ids.status_id(p)), reverse=True)
        return [
            [self.status(p) for p in posts[i : i + PAGE_SIZE]]
            for i in range(0, len(posts), PAGE_SIZE)
        ]
