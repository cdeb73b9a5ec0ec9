"""What the trainee keeps in the store: saved opportunities (with a status and a note) and
their profile. One trainee per store: mentorfeed runs locally, for one person."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError, MentorfeedError
from mentorfeed.match.profile import BACKGROUND, TraineeProfile, parse
from mentorfeed.service import cache
from mentorfeed.service.opportunities import store_for
from mentorfeed.store import revision
from mentorfeed.store.schema import (
    authors,
    classifications,
    posts,
    saved_opportunities,
    trainee_profile,
)

# The statuses, in the order a pursuit goes through them, with the words shown to people.
STATUSES = {"saved": "Saved", "contacted": "Contacted or applied", "ongoing": "Ongoing",
            "closed": "Closed"}
MAX_NOTE = 4000


class NotFoundError(MentorfeedError):
    """The opportunity is not in the store (or not saved)."""


@dataclass(frozen=True, slots=True)
class SavedItem:
    opportunity_id: str  # "platform:post_id"
    platform: str
    post_id: str
    status: str
    note: str
    saved_at: datetime
    updated_at: datetime
    # What the list shows of the post (the saved row keeps none of it: forgetting a post
    # must forget it here too).
    text: str = ""
    url: str | None = None
    created_at: datetime | None = None
    author_handle: str | None = None
    labels: tuple[str, ...] = ()
    deadline: date | None = None


def _split(opportunity_id: str) -> tuple[str, str]:
    platform, _, post_id = opportunity_id.partition(":")
    if not platform or not post_id:
        raise NotFoundError(f"{opportunity_id!r} is not an opportunity id (platform:post_id).")
    return platform, post_id


def _check(status: str | None, note: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise ConfigError(f"Unknown status {status!r}; use {', '.join(STATUSES)}.")
    if note is not None and len(note) > MAX_NOTE:
        raise ConfigError(f"The note is too long ({len(note):,} characters; at most "
                          f"{MAX_NOTE:,}).")


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def _item(row: Any) -> SavedItem:
    platform, post_id = _split(row.opportunity_id)
    return SavedItem(row.opportunity_id, platform, post_id, row.status, row.note,
                     _utc(row.saved_at), _utc(row.updated_at))


def _engine(settings: Settings) -> Engine:
    return store_for(settings).engine  # one open store per database, shared with browsing


def save(settings: Settings, opportunity_id: str, *, status: str = "saved",
         note: str | None = None) -> SavedItem:
    """Save an opportunity (or update it if already saved)."""
    _check(status, note)
    platform, post_id = _split(opportunity_id)
    now = datetime.now(UTC)
    with _engine(settings).begin() as conn:
        pk = conn.execute(select(posts.c.pk).where(posts.c.platform == platform,
                                                   posts.c.post_id == post_id)).scalar()
        if pk is None:
            raise NotFoundError(f"There is no post {opportunity_id} in the store.")
        table = saved_opportunities
        row = conn.execute(select(table).where(table.c.opportunity_id == opportunity_id)).first()
        if row is None:
            conn.execute(table.insert().values(
                opportunity_id=opportunity_id, post_pk=pk, status=status, note=note or "",
                saved_at=now, updated_at=now))
        else:
            changes: dict[str, Any] = {"status": status, "updated_at": now}
            if note is not None:
                changes["note"] = note
            conn.execute(table.update().where(table.c.opportunity_id == opportunity_id)
                         .values(**changes))
        saved = conn.execute(select(table).where(table.c.opportunity_id == opportunity_id)).one()
        revision.bump(conn, revision.TRAINEE)
    return _item(saved)


def update(settings: Settings, opportunity_id: str, *, status: str | None = None,
           note: str | None = None) -> SavedItem:
    """Change a saved opportunity's status and/or note."""
    _check(status, note)
    changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
    if status is not None:
        changes["status"] = status
    if note is not None:
        changes["note"] = note
    table = saved_opportunities
    with _engine(settings).begin() as conn:
        done = conn.execute(table.update().where(table.c.opportunity_id == opportunity_id)
                            .values(**changes)).rowcount
        if not done:
            raise NotFoundError(f"{opportunity_id} is not among your saved opportunities.")
        row = conn.execute(select(table).where(table.c.opportunity_id == opportunity_id)).one()
        revision.bump(conn, revision.TRAINEE)
    return _item(row)


def remove(settings: Settings, opportunity_id: str) -> bool:
    """Stop tracking an opportunity; False if it was not saved."""
    table = saved_opportunities
    with _engine(settings).begin() as conn:
        removed = bool(conn.execute(table.delete().where(
            table.c.opportunity_id == opportunity_id)).rowcount)
        revision.bump(conn, revision.TRAINEE)
    return removed


def saved(settings: Settings, *, status: str | None = None, limit: int = 50,
          offset: int = 0) -> tuple[list[SavedItem], int]:
    """Saved opportunities, most recently changed first, with what to show of each post, and
    how many there are in all."""
    _check(status, None)
    table = saved_opportunities
    where = [table.c.status == status] if status else []
    query = (select(table, posts.c.text, posts.c.url, posts.c.created_at,
                    authors.c.handle.label("author_handle"), classifications.c.labels,
                    classifications.c.deadline)
             .join(posts, posts.c.pk == table.c.post_pk)
             .outerjoin(authors, (authors.c.platform == posts.c.platform)
                        & (authors.c.author_id == posts.c.author_id))
             .outerjoin(classifications, classifications.c.post_pk == posts.c.pk)
             .where(*where)
             .order_by(table.c.updated_at.desc(), table.c.opportunity_id)
             .limit(limit).offset(offset))
    with _engine(settings).connect() as conn:
        rows = conn.execute(query).all()
        total = conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
    items = [replace(_item(r), text=r.text, url=r.url, created_at=_utc(r.created_at),
                     author_handle=r.author_handle, labels=tuple(r.labels or ()),
                     deadline=r.deadline) for r in rows]
    return items, int(total)


# Every saved status, kept until the trainee saves or changes one (service/cache.py): one
# trainee saves a few dozen calls, and every list page asks about twenty cards, so a query per
# page cost more than keeping them.
MAX_KEPT_STATUSES = 10_000  # more than this are looked up card by card, as on PostgreSQL


def _all_statuses(engine: Engine) -> dict[str, str] | None:
    table = saved_opportunities
    query = select(table.c.opportunity_id, table.c.status).limit(MAX_KEPT_STATUSES + 1)
    with engine.connect() as conn:
        found = {row.opportunity_id: row.status for row in conn.execute(query)}
    return found if len(found) <= MAX_KEPT_STATUSES else None


def statuses_of(settings: Settings, opportunity_ids: list[str]) -> dict[str, str]:
    """The status of each of these opportunities that is saved (to mark cards as saved)."""
    if not opportunity_ids:
        return {}
    every = cache.remembered(store_for(settings), ("saved statuses",),
                             lambda: _all_statuses(_engine(settings)),
                             trainee=True) if cache.enabled() else None
    if every is not None:
        return {key: every[key] for key in opportunity_ids if key in every}
    table = saved_opportunities
    query = select(table.c.opportunity_id, table.c.status).where(
        table.c.opportunity_id.in_(opportunity_ids))
    with _engine(settings).connect() as conn:
        return {row.opportunity_id: row.status for row in conn.execute(query)}


# -- the trainee profile ----------------------------------------------------------------------

def profile_data(profile: TraineeProfile) -> dict[str, Any]:
    """A profile in the TOML file's shape (what `match.profile.parse` reads back)."""
    background: dict[str, Any] = {name: True for name in profile.background
                                  if name in BACKGROUND}
    if profile.languages:
        background["languages"] = list(profile.languages)
    return {"stage": profile.stage, "interests": list(profile.interests),
            "goals": list(profile.goals), "handles": dict(profile.handles),
            "background": background, "time_zone": profile.time_zone,
            "include_organizations": profile.include_organizations}


def get_profile(settings: Settings) -> TraineeProfile | None:
    """The stored trainee profile; None until the trainee saves one."""
    query = select(trainee_profile.c.profile).where(trainee_profile.c.id == 1)
    with _engine(settings).connect() as conn:
        data = conn.execute(query).scalar()
    return parse(data, "the stored profile") if data is not None else None


def save_profile(settings: Settings, profile: TraineeProfile) -> TraineeProfile:
    """Keep the trainee profile (replacing any earlier one); returns it as stored."""
    data = profile_data(profile)
    stored = parse(data, "the profile")  # the same checks as a profile file gets
    now = datetime.now(UTC)
    with _engine(settings).begin() as conn:
        conn.execute(trainee_profile.delete().where(trainee_profile.c.id == 1))
        conn.execute(trainee_profile.insert().values(id=1, profile=data, updated_at=now))
        revision.bump(conn, revision.TRAINEE)
    return stored


def forget_profile(settings: Settings) -> None:
    with _engine(settings).begin() as conn:
        conn.execute(trainee_profile.delete())
        revision.bump(conn, revision.TRAINEE)
