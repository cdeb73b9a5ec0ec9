"""What the trainee keeps in the store: saved opportunities (with a status and a note) and
their profile. One trainee per store: mentorfeed runs locally, for one person."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from mentorfeed.models import SavedItem
from mentorfeed.store import conflicts, revision
from mentorfeed.store.schema import (
    authors,
    classifications,
    posts,
    saved_opportunities,
    trainee_profile,
)

_saved = saved_opportunities


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def _item(row: Any) -> SavedItem:
    platform, _, post_id = row.opportunity_id.partition(":")
    return SavedItem(row.opportunity_id, platform, post_id, row.status, row.note,
                     _utc(row.saved_at), _utc(row.updated_at))


def save(engine: Engine, platform: str, post_id: str, *, status: str, note: str | None
         ) -> SavedItem | None:
    """Save the post as an opportunity (or update it if already saved); None if there is no
    such post."""
    opportunity_id = f"{platform}:{post_id}"
    now = datetime.now(UTC)
    with engine.begin() as conn:
        pk = conn.execute(select(posts.c.pk).where(posts.c.platform == platform,
                                                   posts.c.post_id == post_id)).scalar()
        if pk is None:
            return None
        values: dict[str, Any] = {"opportunity_id": opportunity_id, "post_pk": pk,
                                  "status": status, "note": note or "", "saved_at": now,
                                  "updated_at": now}
        # One statement: two tabs saving the same item at once both succeed.
        conflicts.upsert(conn, _saved, values, ["opportunity_id"],
                         keep=["saved_at"] + (["note"] if note is None else []))
        saved = conn.execute(select(_saved).where(_saved.c.opportunity_id == opportunity_id)
                             ).one()
        revision.bump(conn, revision.TRAINEE)
    return _item(saved)


def update(engine: Engine, opportunity_id: str, *, status: str | None, note: str | None
           ) -> SavedItem | None:
    """Change a saved opportunity's status and/or note; None if it is not saved."""
    changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
    if status is not None:
        changes["status"] = status
    if note is not None:
        changes["note"] = note
    with engine.begin() as conn:
        done = conn.execute(_saved.update().where(_saved.c.opportunity_id == opportunity_id)
                            .values(**changes)).rowcount
        if not done:
            return None
        row = conn.execute(select(_saved).where(_saved.c.opportunity_id == opportunity_id)
                           ).one()
        revision.bump(conn, revision.TRAINEE)
    return _item(row)


def remove(engine: Engine, opportunity_id: str) -> bool:
    with engine.begin() as conn:
        removed = bool(conn.execute(_saved.delete().where(
            _saved.c.opportunity_id == opportunity_id)).rowcount)
        revision.bump(conn, revision.TRAINEE)
    return removed


def saved(engine: Engine, *, status: str | None, limit: int, offset: int
          ) -> tuple[list[SavedItem], int]:
    """Saved opportunities, most recently changed first, with what to show of each post, and
    how many there are in all."""
    where = [_saved.c.status == status] if status else []
    query = (select(_saved, posts.c.text, posts.c.url, posts.c.created_at,
                    authors.c.handle.label("author_handle"), classifications.c.labels,
                    classifications.c.deadline)
             .join(posts, posts.c.pk == _saved.c.post_pk)
             .outerjoin(authors, (authors.c.platform == posts.c.platform)
                        & (authors.c.author_id == posts.c.author_id))
             .outerjoin(classifications, classifications.c.post_pk == posts.c.pk)
             .where(*where)
             .order_by(_saved.c.updated_at.desc(), _saved.c.opportunity_id)
             .limit(limit).offset(offset))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        total = conn.execute(select(func.count()).select_from(_saved).where(*where)
                             ).scalar_one()
    items = [replace(_item(r), text=r.text, url=r.url, created_at=_utc(r.created_at),
                     author_handle=r.author_handle, labels=tuple(r.labels or ()),
                     deadline=r.deadline) for r in rows]
    return items, int(total)


def statuses(engine: Engine, opportunity_ids: list[str] | None, *, limit: int | None = None
             ) -> dict[str, str]:
    """The status of each saved opportunity among `opportunity_ids` (None: of all, at most
    `limit` of them)."""
    query = select(_saved.c.opportunity_id, _saved.c.status)
    if opportunity_ids is not None:
        query = query.where(_saved.c.opportunity_id.in_(opportunity_ids))
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        return {row.opportunity_id: row.status for row in conn.execute(query)}


def profile(engine: Engine) -> dict[str, Any] | None:
    """The stored trainee profile, in the TOML file's shape; None until one is saved."""
    query = select(trainee_profile.c.profile).where(trainee_profile.c.id == 1)
    with engine.connect() as conn:
        data: dict[str, Any] | None = conn.execute(query).scalar()
    return data


def save_profile(engine: Engine, data: dict[str, Any]) -> None:
    """Keep the trainee profile, replacing any earlier one."""
    with engine.begin() as conn:
        conflicts.upsert(conn, trainee_profile, {"id": 1, "profile": data,
                                                 "updated_at": datetime.now(UTC)}, ["id"])
        revision.bump(conn, revision.TRAINEE)


def forget_profile(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(trainee_profile.delete())
        revision.bump(conn, revision.TRAINEE)
