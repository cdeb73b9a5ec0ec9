"""What the trainee keeps in the store: saved opportunities (with a status and a note) and
their profile. One trainee per store: mentorfeed runs locally, for one person."""

from __future__ import annotations

from typing import Any

from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError, MentorfeedError
from mentorfeed.match.profile import BACKGROUND, TraineeProfile, parse
from mentorfeed.models import SavedItem
from mentorfeed.service import cache
from mentorfeed.service.opportunities import store_for
from mentorfeed.store import Store

__all__ = ["MAX_NOTE", "STATUSES", "NotFoundError", "SavedItem", "forget_profile",
           "get_profile", "profile_data", "remove", "save", "save_profile", "saved",
           "statuses_of", "update"]

# The statuses, in the order a pursuit goes through them, with the words shown to people.
STATUSES = {"saved": "Saved", "contacted": "Contacted or applied", "ongoing": "Ongoing",
            "closed": "Closed"}
MAX_NOTE = 4000


class NotFoundError(MentorfeedError):
    """The opportunity is not in the store (or not saved)."""


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


def _store(settings: Settings) -> Store:
    return store_for(settings)  # one open store per database, shared with browsing


def save(settings: Settings, opportunity_id: str, *, status: str = "saved",
         note: str | None = None) -> SavedItem:
    """Save an opportunity (or update it if already saved)."""
    _check(status, note)
    platform, post_id = _split(opportunity_id)
    item = _store(settings).save_item(platform, post_id, status=status, note=note)
    if item is None:
        raise NotFoundError(f"There is no post {opportunity_id} in the store.")
    return item


def update(settings: Settings, opportunity_id: str, *, status: str | None = None,
           note: str | None = None) -> SavedItem:
    """Change a saved opportunity's status and/or note."""
    _check(status, note)
    item = _store(settings).update_saved(opportunity_id, status=status, note=note)
    if item is None:
        raise NotFoundError(f"{opportunity_id} is not among your saved opportunities.")
    return item


def remove(settings: Settings, opportunity_id: str) -> bool:
    """Stop tracking an opportunity; False if it was not saved."""
    return _store(settings).remove_saved(opportunity_id)


def saved(settings: Settings, *, status: str | None = None, limit: int = 50,
          offset: int = 0) -> tuple[list[SavedItem], int]:
    """Saved opportunities, most recently changed first, with what to show of each post, and
    how many there are in all."""
    _check(status, None)
    return _store(settings).saved_items(status=status, limit=limit, offset=offset)


# Every saved status, kept until the trainee saves or changes one (service/cache.py): one
# trainee saves a few dozen calls, and every list page asks about twenty cards, so a query per
# page cost more than keeping them.
MAX_KEPT_STATUSES = 10_000  # more than this are looked up card by card, as on PostgreSQL


def _all_statuses(store: Store) -> dict[str, str] | None:
    found = store.saved_statuses(None, limit=MAX_KEPT_STATUSES + 1)
    return found if len(found) <= MAX_KEPT_STATUSES else None


def statuses_of(settings: Settings, opportunity_ids: list[str]) -> dict[str, str]:
    """The status of each of these opportunities that is saved (to mark cards as saved)."""
    if not opportunity_ids:
        return {}
    every = cache.remembered(store_for(settings), ("saved statuses",),
                             lambda: _all_statuses(_store(settings)),
                             trainee=True) if cache.enabled() else None
    if every is not None:
        return {key: every[key] for key in opportunity_ids if key in every}
    return _store(settings).saved_statuses(opportunity_ids)


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
    data = _store(settings).trainee_profile()
    return parse(data, "the stored profile") if data is not None else None


def save_profile(settings: Settings, profile: TraineeProfile) -> TraineeProfile:
    """Keep the trainee profile (replacing any earlier one); returns it as stored."""
    data = profile_data(profile)
    stored = parse(data, "the profile")  # the same checks as a profile file gets
    _store(settings).save_trainee_profile(data)
    return stored


def forget_profile(settings: Settings) -> None:
    _store(settings).forget_trainee_profile()
