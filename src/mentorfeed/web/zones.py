"""Times in the trainee's time zone: an event's start is worth reading as the trainee's own
evening, not as UTC. The saved profile's zone when there is one; otherwise UTC, which the
browser's script rewrites in the viewer's zone (`data-local`)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup

from mentorfeed import service
from mentorfeed.config import Settings


def profile_zone(settings: Settings) -> str | None:
    """The saved profile's time zone; None without a profile or with one saved in UTC."""
    profile = service.tracking.get_profile(settings)
    zone = profile.time_zone if profile is not None else ""
    return zone if zone and zone != "UTC" else None


def moment(value: datetime, zone: str | None = None) -> str:
    """"Thu 18 Jun 2026, 8:00 pm EDT": a weekday, a 12-hour clock and the zone's abbreviation,
    in `zone` (a name the profile form checked; UTC when None or unknown)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # the store keeps UTC; SQLite forgets the zone
    try:
        local = value.astimezone(ZoneInfo(zone) if zone else UTC)
    except (ZoneInfoNotFoundError, ValueError):
        local = value.astimezone(UTC)
    hour = local.hour % 12 or 12
    return (f"{local:%a} {local.day} {local:%b %Y}, {hour}:{local:%M} "
            f"{'am' if local.hour < 12 else 'pm'} {local.tzname()}")


def event_when(start: datetime | None, now: datetime | None, zone: str | None) -> Markup:
    """An event's start as a card shows it: "Happens <time>" before it, "It happened on
    <time>" after `now` has passed it; empty without a start."""
    if start is None:
        return Markup("")
    aware = start if start.tzinfo else start.replace(tzinfo=UTC)
    past = now is not None and aware <= (now if now.tzinfo else now.replace(tzinfo=UTC))
    local = "" if zone else ' data-local="datetime"'
    return Markup('{}<time datetime="{}" class="event-at"' + local + '>{}</time>').format(
        "It happened on " if past else "Happens ", aware.isoformat(), moment(aware, zone))
