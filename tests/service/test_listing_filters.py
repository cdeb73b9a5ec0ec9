"""The listing's count and its deadline and topic filters (issue 15, Must have 9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from mentorfeed.config import Settings
from mentorfeed.errors import QueryError
from mentorfeed.service import opportunities
from mentorfeed.service.opportunities import OpportunityCard, OpportunityQuery
from mentorfeed.store import Store, listing

TODAY = datetime(2025, 11, 1, 12, tzinfo=UTC)  # some of the sample's deadlines are ahead


def everything(settings: Settings, **filters: object) -> list[OpportunityCard]:
    cards: list[OpportunityCard] = []
    query = OpportunityQuery(per_page=100, **filters)  # type: ignore[arg-type]
    while True:
        page = opportunities.list_opportunities(settings, query, today=TODAY)
        cards += page.items
        if not page.has_next:
            return cards
        query.page += 1


@pytest.mark.parametrize("filters", [{}, {"open_only": True}, {"label": "journal_club"},
                                     {"q": "research"}, {"topic": "hair"}])
def test_the_total_is_the_number_of_calls_listed(demo_settings: Settings,
                                                 filters: dict[str, object]) -> None:
    page = opportunities.list_opportunities(demo_settings, OpportunityQuery(**filters),
                                            today=TODAY)  # type: ignore[arg-type]
    assert page.total == len(everything(demo_settings, **filters)) and page.total > 0


def test_a_page_past_the_end_is_empty_and_still_counts(demo_settings: Settings) -> None:
    for number in (999, 10**20):
        page = opportunities.list_opportunities(demo_settings, OpportunityQuery(page=number),
                                                today=TODAY)
        assert page.items == [] and not page.has_next and page.total


def test_due_within_keeps_deadlines_from_today_to_that_day(demo_settings: Settings) -> None:
    due = everything(demo_settings, due_within=60)
    assert due, "the sample has calls due within 60 days of TODAY"
    last = TODAY.date() + timedelta(days=60)
    assert all(c.deadline is not None and TODAY.date() <= _day(c.deadline) <= last
               for c in due)
    dated = [c for c in everything(demo_settings) if c.deadline is not None
             and TODAY.date() <= _day(c.deadline) <= last]
    assert {c.id for c in due} == {c.id for c in dated}


def test_has_deadline_keeps_only_calls_that_state_one(demo_settings: Settings) -> None:
    every = everything(demo_settings)
    dated = everything(demo_settings, has_deadline=True)
    assert dated and len(dated) < len(every)
    assert {c.id for c in dated} == {c.id for c in every if c.deadline is not None}


def test_topics_combine_with_and_or_or(demo_settings: Settings) -> None:
    hair = {c.id for c in everything(demo_settings, topic="hair")}
    color = {c.id for c in everything(demo_settings, topic="skin of color")}
    both = everything(demo_settings, topic="hair", topics=("skin of color",))
    either = everything(demo_settings, topic="hair", topics=("skin of color",),
                        topic_match="any")
    assert hair & color and hair - color and color - hair  # the sample tells them apart
    assert {c.id for c in both} == hair & color
    assert {c.id for c in either} == hair | color
    assert all({"hair", "skin of color"} <= set(c.topics) for c in both)


def test_dates_that_exclude_each_other_are_a_query_error(demo_settings: Settings) -> None:
    query = OpportunityQuery(since=date(2025, 3, 1), until=date(2025, 1, 1))
    with pytest.raises(QueryError, match="after the to date"):
        opportunities.list_opportunities(demo_settings, query, today=TODAY)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_counting_stops_at_its_cap_and_its_time(demo_settings: Settings,
                                                engine_of: Callable[[Store], Engine]) -> None:
    with Store(demo_settings.database_url) as store:
        engine = engine_of(store)
        filters = listing.Filters(today=TODAY.date())
        every = listing.count(engine, filters, most=10**6, seconds=10)
        assert every is not None and every > 5
        assert listing.count(engine, filters, most=5, seconds=10) == 5
        assert listing.count(engine, filters, most=10**6, seconds=0) is None  # over time
        assert listing.count(engine, filters, most=10**6, seconds=10) == every  # usable again
