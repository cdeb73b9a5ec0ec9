"""The versions of edited posts: the posts row holds the newest, `post_versions` every version
seen, so the older ones are the post's history whatever order the records come in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from mentorfeed.models import EDIT_WEIGHT, Post, PostVersion, normalize_tag
from mentorfeed.store.rows import utc
from mentorfeed.store.schema import classifications, post_hashtags, post_versions, posts

Key = tuple[str, str]


class Kept:
    """What a batch brings to the history of edited posts."""

    def __init__(self) -> None:
        self.versions: dict[Key, list[PostVersion]] = {}
        self.renewed: set[Key] = set()  # stored posts a newer version is about to replace

    def __bool__(self) -> bool:
        return bool(self.versions)


def versions_to_keep(conn: Connection, batch: Sequence[Post]) -> Kept:
    """Before a batch is written: the versions its records carry, and, where a record and the
    stored row are different versions of one post, both of them (the row is about to change
    or the record to be dropped)."""
    kept = Kept()
    keep: dict[Key, dict[str, PostVersion]] = {}
    for post in batch:
        for version in post.versions:
            keep.setdefault(post.key, {}).setdefault(version.id, version)
    by_key = {p.key: p for p in batch}
    stored_positions = _stored_positions(conn, batch)
    differ = [key for key, position in stored_positions.items()
              if position != by_key[key].edit_position]
    for key in differ:
        post = by_key[key]
        if post.edit_position > stored_positions[key]:
            kept.renewed.add(key)
        own = post.own_version()
        keep.setdefault(key, {}).setdefault(own.id, own)
        stored = conn.execute(select(posts.c.version_id, posts.c.text_rank, posts.c.text,
                                     posts.c.created_at)
                              .where(posts.c.platform == key[0], posts.c.post_id == key[1])
                              ).one()
        created = utc(stored.created_at)
        assert created is not None
        version = PostVersion(stored.version_id or key[1], stored.text_rank // EDIT_WEIGHT,
                              stored.text, created)
        keep[key].setdefault(version.id, version)
    kept.versions = {key: list(found.values()) for key, found in keep.items()}
    return kept


def _stored_positions(conn: Connection, batch: Sequence[Post]) -> dict[Key, int]:
    by_platform: dict[str, list[str]] = {}
    for post in batch:
        by_platform.setdefault(post.platform, []).append(post.id)
    found: dict[Key, int] = {}
    for platform, ids in by_platform.items():
        query = select(posts.c.post_id, posts.c.text_rank).where(
            posts.c.platform == platform, posts.c.post_id.in_(bindparam("ids", expanding=True)))
        found.update(((platform, i), rank // EDIT_WEIGHT)
                     for i, rank in conn.execute(query, {"ids": ids}))
    return found


def save_versions(conn: Connection, insert: Callable[[Any], Any], pks: dict[Key, int],
                  kept: Kept) -> None:
    """After the batch is written: store the versions; a post a newer version replaced has its
    hashtags indexed anew and its labels dropped, so that the next `classify` reads the text
    it holds now (a person's corrections stay)."""
    rows = [{"post_pk": pks[key], "version_id": v.id, "position": v.position, "text": v.text,
             "created_at": v.created_at} for key, found in kept.versions.items() for v in found]
    if rows:
        conn.execute(insert(post_versions).on_conflict_do_nothing(), rows)
    renewed = sorted(pks[key] for key in kept.renewed if key in pks)
    if not renewed:
        return
    conn.execute(delete(classifications).where(classifications.c.post_pk.in_(renewed)))
    conn.execute(delete(post_hashtags).where(post_hashtags.c.post_pk.in_(renewed)))
    tags = []
    for pk, hashtags in conn.execute(select(posts.c.pk, posts.c.hashtags)
                                     .where(posts.c.pk.in_(renewed))):
        seen: set[str] = set()
        for tag in hashtags or ():
            norm = normalize_tag(tag)
            if norm and norm not in seen:
                seen.add(norm)
                tags.append({"post_pk": pk, "tag": norm, "display": tag})
    if tags:
        conn.execute(insert(post_hashtags).on_conflict_do_nothing(), tags)


def history(conn: Connection, platform: str, post_id: str) -> list[PostVersion]:
    """Every version stored of a post, the original first."""
    query = (select(post_versions.c.version_id, post_versions.c.position,
                    post_versions.c.text, post_versions.c.created_at)
             .join(posts, posts.c.pk == post_versions.c.post_pk)
             .where(posts.c.platform == platform, posts.c.post_id == post_id)
             .order_by(post_versions.c.position, post_versions.c.version_id))
    found = []
    for row in conn.execute(query):
        created = utc(row.created_at)
        assert created is not None
        found.append(PostVersion(row.version_id, row.position, row.text, created))
    return found
