"""Edited X posts: every edit has an id of its own, and each version names the whole chain.

A version becomes the post whose id is the first of the chain, with its own id and place in the
chain kept, so the store holds one post with the newest text whatever order the versions come
in, and the older ones as its history."""

from __future__ import annotations

from typing import Any

from mentorfeed.models import Post


def edit_chain(ids: Any, own_id: str, initial_id: Any = None) -> list[str]:
    """The ids of an edit chain, oldest first, as a record gives them; [] when it gives none
    (or only its own id: a post never edited)."""
    chain = [str(i) for i in ids if isinstance(i, str | int) and not isinstance(i, bool)] \
        if isinstance(ids, list) else []
    if own_id not in chain and isinstance(initial_id, str | int) and str(initial_id) != own_id:
        chain = [str(initial_id), own_id]  # an edit that names its original only
    return chain if len(chain) > 1 and own_id in chain else []


def as_version(post: Post, chain: list[str]) -> Post:
    """Make `post` the version of an edited post that `chain` (from `edit_chain`) says it is."""
    if not chain:
        return post
    post.version_id = post.id
    post.edit_position = chain.index(post.id)
    post.id = chain[0]
    post.versions = [post.own_version()]
    return post
