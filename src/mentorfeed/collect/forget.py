"""Forgetting: a deleted or withdrawn post, or an author who asks, is removed from the store
and from the raw archive, so nothing of it lingers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mentorfeed.collect import registry
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
    pages = archive.rewrite(
        lambda platform, page: _without_forgotten(platform, page, post_ids, author_ids))
    return ForgetReport(deleted, len(author_keys), pages)


def _without_forgotten(platform: str, page: Any, post_ids: set[str], author_ids: set[str]) -> Any:
    """A raw page without the forgotten posts and authors, in its platform's own shape."""
    if not isinstance(page, dict) or platform not in registry.NAMES:
        return page
    return registry.get(platform).forget_in(page, post_ids, author_ids)
