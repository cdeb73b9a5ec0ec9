"""Issue 15's "done means" for the lifecycle, on the demo store at its "today" (the moment
after its newest post, as the pages read it): open means a trainee could still act on it, and
a journal-club session is one card."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from mentorfeed import service
from mentorfeed.classify.lifecycle import (
    SERIES_DAYS,
    days_in,
    lifetime,
    period_end,
    recurring,
    series_end,
)
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.models import Opportunity, Post
from mentorfeed.service.people import moment_after
from mentorfeed.store import Store
from mentorfeed.store.listing import Filters

ALL = 100_000


def _today(settings: Settings) -> date:
    with Store(settings.database_url) as store:
        return moment_after(store.newest_post_time()).date()


def _still_actionable(post: Post, call: Opportunity, today: date) -> bool:
    """No day the post names (ahead of it when written) has passed, and it is within its
    lifetime or a day or period it names is still ahead."""
    posted = post.created_at.date()
    kinds, form = call.classification.labels, call.classification.extract.get("form")
    if recurring(post.text):  # a repeating schedule: its first day does not end it
        end = series_end(post.text, posted)
        return end >= today if end is not None else \
            posted + max(lifetime(kinds, form), timedelta(days=SERIES_DAYS)) >= today
    named = [d for d in days_in(post.text, post.created_at) if d >= posted]
    if any(d < today for d in named):
        return False
    end = period_end(post.text, posted)
    return bool(named) or (end is not None and end >= today) or \
        posted + lifetime(kinds, form) >= today


def test_no_open_call_has_passed_a_day_it_names_or_outlived_its_lifetime(
        demo_settings: Settings) -> None:
    today = _today(demo_settings)
    everything = service.opportunities.opportunities(demo_settings, limit=ALL)
    open_calls = [o for o in everything if o.state == "open"]
    assert open_calls, "the demo shows no open call at all"
    for call in open_calls:
        assert call.open_until is not None and call.open_until >= today
        if call.deadline is not None:
            assert call.deadline >= today
            continue
        # A call posted again keeps it alive: some post of it must still be actionable.
        assert any(_still_actionable(post, call, today) for post in call.posts or [call.post]
                   ), (call.post.key, call.post.text[:120])
    # The old calls are not open: nothing without a deadline older than a year of lifetime.
    assert all((today - o.post.created_at.date()).days <= 365 or o.deadline
               for o in open_calls)
    # What the listing says is what the lifecycle says: expired ones are past open_until.
    assert all(o.open_until is not None and o.open_until < today
               for o in everything if o.state == "expired")


def test_every_journal_club_session_is_one_card(demo_settings: Settings) -> None:
    sessions = service.people.people(demo_settings).sessions
    assert sessions
    for session in sessions:
        keys = [*session.announcements, *(q.post for q in session.questions)]
        cards = set()
        for platform, post_id in keys:
            detail = service.opportunities.get_opportunity(demo_settings,
                                                           f"{platform}:{post_id}")
            if detail is not None and "journal_club" in detail.card.labels:
                cards.add(detail.card.id)
        assert len(cards) == 1, (session.id, sorted(cards))


def test_a_sessions_card_says_when_it_happens(demo_settings: Settings) -> None:
    found = service.opportunities.opportunities(demo_settings, label="journal_club", limit=ALL)
    announced = [o for o in found if o.open_until_basis == "event"]
    assert announced
    today = _today(demo_settings)
    for call in announced:  # open until the day it happens, then expired
        assert call.open_until is not None
        assert call.state == ("open" if call.open_until >= today else "expired") or \
            call.state == "closed"


def test_a_store_from_before_0012_lists_by_deadline_until_regrouped(
        demo_settings: Settings, tmp_path: Path, engine_of: Callable[[Store], Engine]) -> None:
    source = Path(demo_settings.database_url.removeprefix("sqlite:///"))
    with Store(demo_settings.database_url) as store, engine_of(store).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(source, tmp_path / "old.db")
    with Store(sqlite_url(tmp_path / "old.db")) as store:
        today = moment_after(store.newest_post_time()).date()
        with engine_of(store).begin() as conn:  # what 0012 leaves in an upgraded store
            conn.exec_driver_sql("UPDATE classifications SET open_until = NULL, "
                                 "open_until_basis = NULL, event_at = NULL")
        old = store.opportunities(Filters(today=today), limit=ALL)
        assert all(o.open_until == o.deadline for o in old)  # the deadline, as before
        open_before = sum(o.state == "open" for o in old)
        assert open_before > 100
        service.classifying.regroup(store)  # what `mentorfeed classify` runs every time
        new = store.opportunities(Filters(today=today), limit=ALL)
        assert all(o.open_until is not None and o.open_until_basis for o in new)
        # Old calls with no deadline stop counting as open once their lifetime is over.
        assert sum(o.state == "open" for o in new) * 3 < open_before


def test_insights_count_a_session_once(demo_settings: Settings) -> None:
    table = service.insights.insights(demo_settings).table
    counted = next(row.opportunities for row in table if row.label == "journal_club")
    cards = service.opportunities.opportunities(demo_settings, label="journal_club", limit=ALL)
    assert counted == len(cards)
    sessions = service.people.people(demo_settings).sessions
    session_posts = {key for s in sessions
                     for key in (*s.announcements, *(q.post for q in s.questions))}
    with_session_posts = [c for c in cards if {p.key for p in c.posts} & session_posts]
    assert len(with_session_posts) == len(sessions) < len(session_posts)
