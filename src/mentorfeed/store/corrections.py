"""Label corrections: what a person said a post is, which wins over the model's answer at once
and teaches the next model; and the review queue of the posts the model is least sure about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, exists, func, select

from mentorfeed.models import Classification, Post
from mentorfeed.store import conflicts, revision
from mentorfeed.store.rows import posts_with_authors, to_post, utc
from mentorfeed.store.schema import classifications, label_corrections, posts


@dataclass(slots=True)
class Correction:
    labels: list[str]  # [] means "not an opportunity"
    form: str | None
    corrected_by: str
    corrected_at: datetime
    model_version: str | None = None  # the model whose answer it corrects
    model_labels: list[str] | None = None  # what that model said


def save(engine: Engine, pk: int, correction: Correction) -> None:
    """Record a correction, replacing an earlier one of the same post."""
    with engine.begin() as conn:
        conflicts.upsert(conn, label_corrections, {  # two at once: the last one wins
            "post_pk": pk, "labels": correction.labels, "form": correction.form,
            "corrected_by": correction.corrected_by, "model_version": correction.model_version,
            "model_labels": correction.model_labels, "corrected_at": correction.corrected_at,
        }, ["post_pk"])
        revision.bump(conn)  # a card shows the corrected labels


def _correction(m: Any) -> Correction:
    corrected_at = utc(m["corrected_at"])
    assert corrected_at is not None
    return Correction(list(m["labels"]), m["form"], m["corrected_by"], corrected_at,
                      m["model_version"], m["model_labels"])


def of_posts(engine: Engine, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str],
                                                                       Correction]:
    """The corrections of those posts that have one."""
    found: dict[tuple[str, str], Correction] = {}
    for platform in {platform for platform, _ in keys}:
        ids = [i for p, i in keys if p == platform]
        query = (select(posts.c.post_id, label_corrections)
                 .join(label_corrections, label_corrections.c.post_pk == posts.c.pk)
                 .where(posts.c.platform == platform,
                        posts.c.post_id.in_(bindparam("ids", expanding=True))))
        with engine.connect() as conn:
            for row in conn.execute(query, {"ids": ids}):
                found[(platform, row._mapping["post_id"])] = _correction(row._mapping)
    return found


def corrected_posts(engine: Engine) -> list[tuple[Post, Correction]]:
    """Every corrected post with its correction, oldest correction first (for training)."""
    query = (posts_with_authors().add_columns(label_corrections)
             .join(label_corrections, label_corrections.c.post_pk == posts.c.pk)
             .order_by(label_corrections.c.corrected_at, posts.c.pk))
    with engine.connect() as conn:
        return [(to_post(row), _correction(row._mapping)) for row in conn.execute(query)]


def review_queue(engine: Engine, limit: int) -> list[tuple[Post, Classification]]:
    """Uncorrected posts the model came nearest to answering otherwise, the closest first."""
    query = (posts_with_authors().add_columns(classifications)
             .join(classifications, classifications.c.post_pk == posts.c.pk)
             .where(classifications.c.margin.is_not(None), posts.c.origin == "match",
                    posts.c.repost_of.is_(None),
                    ~exists().where(label_corrections.c.post_pk == posts.c.pk))
             .order_by(classifications.c.margin, posts.c.pk).limit(limit))
    with engine.connect() as conn:
        return [(to_post(row), Classification(
            m["labels"], m["scores"], m["extract"], m["links"], m["why"], m["model_version"],
            m["closes_call"], m["margin"])) for row in conn.execute(query)
            for m in (row._mapping,)]


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(label_corrections)).scalar_one())
