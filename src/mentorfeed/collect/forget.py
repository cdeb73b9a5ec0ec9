"""Forgetting: a deleted or withdrawn post, or an author who asks, is removed from the store
and from the raw archive, so nothing of it lingers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mentorfeed.collect.archive import RawArchive
from mentorfeed.errors import MentorfeedError
from mentorfeed.store import Store


@dataclass(slots=True)
class ForgetReport:
    posts: int
    authors: int
    pages: int


def forget(store: Store, archive: RawArchive, *, posts: Sequence[str] = (),
           authors: Sequence[str] = ()) -> ForgetReport:
    """Remove posts (by URL or id) and authors (by handle or id) with all their posts."""
    post_keys = [key for reference in posts for key in store.find_posts(reference)]
    author_keys = [key for handle in authors for key in store.find_author(handle)]
    if not post_keys and not author_keys:
        raise MentorfeedError("Nothing in the store matches that; check the post's URL or id, "
                              "or the author's handle.")
    deleted = store.forget(post_keys, author_keys)
    post_ids = {post_id for _, post_id in post_keys}
    author_ids = {author_id for _, author_id in author_keys}
    pages = archive.rewrite(lambda platform, page: scrub(page, post_ids, author_ids))
    return ForgetReport(deleted, len(author_keys), pages)


def scrub(page: Any, post_ids: set[str], author_ids: set[str]) -> Any:
    """A raw page without the forgotten posts and authors, whatever the platform's shape."""
    if not isinstance(page, dict):
        return page
    page = dict(page)
    if isinstance(page.get("data"), list):  # X API v2
        page["data"] = [t for t in page["data"] if _keep_tweet(t, post_ids, author_ids)]
        includes = dict(page.get("includes") or {})
        if includes:
            includes["tweets"] = [t for t in includes.get("tweets") or ()
                                  if _keep_tweet(t, post_ids, author_ids)]
            includes["users"] = [u for u in includes.get("users") or ()
                                 if u.get("id") not in author_ids]
            page["includes"] = includes
    for key, is_kept in (("posts", _keep_view), ("statuses", _keep_status)):
        if isinstance(page.get(key), list):  # Bluesky search, Mastodon pages
            page[key] = [p for p in page[key] if is_kept(p, post_ids, author_ids)]
    if isinstance(page.get("profiles"), list):
        page["profiles"] = [p for p in page["profiles"] if p.get("did") not in author_ids]
    return page


def _keep_tweet(tweet: Any, post_ids: set[str], author_ids: set[str]) -> bool:
    refs = {str(r.get("id")) for r in tweet.get("referenced_tweets") or ()
            if r.get("type") == "retweeted"}
    return (tweet.get("id") not in post_ids and tweet.get("author_id") not in author_ids
            and not refs & post_ids)


def _keep_view(view: Any, post_ids: set[str], author_ids: set[str]) -> bool:
    return view.get("uri") not in post_ids and (view.get("author") or {}).get("did") \
        not in author_ids


def _keep_status(status: Any, post_ids: set[str], author_ids: set[str]) -> bool:
    account = status.get("account") or {}
    return status.get("uri") not in post_ids and not {account.get("uri"), account.get("url")} \
        & author_ids
