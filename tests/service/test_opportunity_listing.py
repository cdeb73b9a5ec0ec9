"""The opportunity listing behind the Opportunities page and the API: filters, sort orders,
paging, search and states, checked against the store's own notion of an opportunity."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.errors import QueryError
from mentorfeed.match.profile import TraineeProfile
from mentorfeed.models import Author, Classification, Post
from mentorfeed.people.profiles import AuthorProfile, Signals
from mentorfeed.service import opportunities
from mentorfeed.service.opportunities import OpportunityCard, OpportunityQuery
from mentorfeed.store import Store, listing

# A day inside the sample corpus's time span, so that some deadlines are still ahead.
TODAY = datetime(2025, 11, 1, 12, tzinfo=UTC)


def everything(settings: Settings, **filters: object) -> list[OpportunityCard]:
    """All pages of a listing, walked the way a reader pages through it."""
    cards: list[OpportunityCard] = []
    query = OpportunityQuery(per_page=50, **filters)  # type: ignore[arg-type]
    while True:
        page = opportunities.list_opportunities(settings, query, today=TODAY)
        cards += page.items
        if not page.has_next:
            return cards
        query.page += 1


def store_ids(settings: Settings, **filters: object) -> list[str]:
    """The same opportunities from `store.opportunities`, which the CLI uses (sorted by id:
    it leaves the order of posts made in the same second open)."""
    found = opportunities.opportunities(
        settings, today=TODAY.date(), limit=100_000, **filters
    )
    return sorted(f"{o.post.platform}:{o.post.id}" for o in found)


def test_the_listing_is_the_stores_opportunities_newest_first(demo_settings: Settings) -> None:
    cards = everything(demo_settings)
    assert sorted(c.id for c in cards) == store_ids(demo_settings)
    times = [c.created_at for c in cards]
    assert times == sorted(times, reverse=True)
    assert len({c.id for c in cards}) == len(cards) > 100


@pytest.mark.parametrize(("facet", "value", "field"), [
    ("label", "research_collaboration", "labels"), ("label", "journal_club", "labels"),
    ("audience", "medical_student", "audience"), ("topic", "skin of color", "topics"),
])
def test_every_item_carries_the_filtered_value(demo_settings: Settings, facet: str, value: str,
                                               field: str) -> None:
    cards = everything(demo_settings, **{facet: value})
    assert cards, f"the sample has {facet} {value}"
    assert all(value in getattr(c, field) for c in cards)
    assert sorted(c.id for c in cards) == store_ids(demo_settings, **{facet: value})


def test_the_forms_split_the_listing(demo_settings: Settings) -> None:
    """Each form lists only its calls, the same as `store.opportunities` (the CLI's), several
    of each in the sample; together they are every call, with the other filters too."""
    every = everything(demo_settings)
    found = {form: everything(demo_settings, form=form)
             for form in ("call", "event", "resource")}
    for form, cards in found.items():
        assert len(cards) >= 20, f"the sample has several {form}s"
        assert all(c.form == form for c in cards)
        assert sorted(c.id for c in cards) == store_ids(demo_settings, form=form)
    assert sorted(c.id for cards in found.values() for c in cards) == sorted(c.id for c in every)
    events = everything(demo_settings, form="event", label="journal_club", sort="deadline")
    assert events and all(c.form == "event" and "journal_club" in c.labels for c in events)
    assert sorted(c.id for c in events) == store_ids(demo_settings, form="event",
                                                     label="journal_club")


def test_platform_and_dates(demo_settings: Settings) -> None:
    cards = everything(demo_settings, platform="bluesky", since=date(2025, 1, 1),
                       until=date(2025, 6, 30))
    assert cards
    assert all(c.platform == "bluesky" for c in cards)
    assert all(date(2025, 1, 1) <= c.created_at.date() <= date(2025, 6, 30) for c in cards)


def test_open_only_leaves_out_closed_and_expired_calls(demo_settings: Settings) -> None:
    every = everything(demo_settings)
    assert {c.state for c in every} == {"open", "closed", "expired"}
    opened = everything(demo_settings, open_only=True)
    assert opened and all(c.state == "open" for c in opened)
    assert sorted(c.id for c in opened) == store_ids(demo_settings, state="open")
    for card in every:  # the state follows from open_until and the author's word
        if card.state == "expired":
            assert card.open_until is not None and card.open_until < TODAY.date()
        if card.state == "open":
            assert card.open_until is not None and card.open_until >= TODAY.date()
            assert card.deadline is None or card.deadline >= TODAY.date()


def _due(card: OpportunityCard) -> datetime | None:
    """When acting on a card is due: its deadline, or an event's start when it states none."""
    if card.deadline is not None:
        return datetime.combine(card.deadline, datetime.min.time(), UTC)
    return card.event_at


def test_sort_by_deadline_puts_the_soonest_ahead_first(demo_settings: Settings) -> None:
    cards = everything(demo_settings, sort="deadline")
    today = TODAY.date()
    ahead = [c for c in cards if (due := _due(c)) is not None and due.date() >= today]
    undated = [c for c in cards if c.deadline is None and c not in ahead]
    passed = [c for c in cards if c.deadline and c.deadline < today]
    assert ahead and undated and passed
    assert any(c.deadline is None for c in ahead), "an event ahead sorts by its start"
    assert cards == ahead + undated + passed
    assert [_due(c) for c in ahead] == sorted(_due(c) for c in ahead)  # type: ignore[type-var]
    assert [c.deadline for c in passed] == sorted((c.deadline for c in passed), reverse=True)
    assert {c.id for c in cards} == {c.id for c in everything(demo_settings)}
    opened = everything(demo_settings, sort="deadline", open_only=True)
    assert [c.id for c in opened] == [c.id for c in ahead + undated if c.state == "open"]


@pytest.mark.parametrize("sort", ["newest", "deadline"])
def test_pages_tile_the_listing(demo_settings: Settings, sort: str) -> None:
    """Small pages, walked one by one, give the same items as one big page."""
    big = opportunities.list_opportunities(demo_settings,
                                           OpportunityQuery(sort=sort, per_page=100), today=TODAY)
    small: list[OpportunityCard] = []
    for number in range(1, 15):
        page = opportunities.list_opportunities(
            demo_settings, OpportunityQuery(sort=sort, page=number, per_page=7), today=TODAY)
        assert page.page == number and page.per_page == 7 and page.has_next
        small += page.items
    assert [c.id for c in small] == [c.id for c in big.items[:98]]
    beyond = opportunities.list_opportunities(demo_settings,
                                              OpportunityQuery(sort=sort, page=10_000),
                                              today=TODAY)
    assert beyond.items == [] and not beyond.has_next


def test_per_page_is_capped(demo_settings: Settings) -> None:
    page = opportunities.list_opportunities(demo_settings, OpportunityQuery(per_page=10_000))
    assert page.per_page == opportunities.MAX_PER_PAGE == len(page.items)


def test_search_uses_the_search_language(demo_settings: Settings) -> None:
    found = everything(demo_settings, q="research")
    assert found and all("research" in c.text.lower() for c in found)
    phrase = everything(demo_settings, q='"journal club"')
    assert phrase and all("journal club" in " ".join(c.text.lower().split()) for c in phrase)
    excluded = everything(demo_settings, q="research -premed")
    assert excluded and all("premed" not in c.text.lower() for c in excluded)
    assert len(excluded) < len(found)
    both = everything(demo_settings, q="research", label="journal_club")
    assert all("journal_club" in c.labels for c in both)
    with pytest.raises(QueryError):
        opportunities.list_opportunities(demo_settings, OpportunityQuery(q="-premed"))


@pytest.mark.parametrize("filters", [
    {"q": "research"}, {"q": '"journal club"'}, {"q": "mentor*"}, {"q": "derm OR program"},
    {"label": "research_collaboration"}, {"audience": "medical_student", "open_only": True},
    {"q": "research", "audience": "medical_student", "sort": "deadline"},
    {"label": "program_application", "sort": "deadline"},
    {"topic": "skin of color", "label": "research_collaboration"},
])
def test_plans_for_a_large_store_give_the_same_pages(demo_settings: Settings,
                                                     filters: dict[str, object],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """On a large store, common words and labels are looked for among the newest posts first
    (a search: the last week's, then the last month's...); the pages must be the ones the
    small store's plan gives."""
    monkeypatch.setenv("MENTORFEED_ANSWER_CACHE", "0")  # run the queries, every time
    whole = everything(demo_settings, **filters)
    monkeypatch.setattr(listing, "FEW_MATCHES", 1)  # what a million posts would do
    monkeypatch.setattr(listing, "WINDOWS_DAYS", (3, 30, 90))
    monkeypatch.setattr(listing, "_few_seen", {})
    walked: list[OpportunityCard] = []
    for number in range(1, 200):
        page = opportunities.list_opportunities(demo_settings, OpportunityQuery(
            page=number, per_page=4, **filters), today=TODAY)  # type: ignore[arg-type]
        walked += page.items
        if not page.has_next:
            break
    assert [c.id for c in walked] == [c.id for c in whole]
    assert len(whole) > 4


def test_unknown_sort_is_refused(demo_settings: Settings) -> None:
    with pytest.raises(ValueError, match="sort"):
        opportunities.list_opportunities(demo_settings, OpportunityQuery(sort="oldest"))


def test_fit_ranks_with_the_trainees_goals(demo_settings: Settings) -> None:
    trainee = TraineeProfile(stage="MS2", goals=["research"], interests=["skin of color"])
    page = opportunities.list_opportunities(demo_settings,
                                            OpportunityQuery(sort="fit", per_page=30),
                                            trainee=trainee, today=TODAY)
    scored = [c for c in page.items if c.fit is not None]
    assert len(scored) >= 10
    assert [c.fit for c in scored] == sorted((c.fit for c in scored), reverse=True)
    assert scored[0].fit_reasons and "research_collaboration" in scored[0].labels
    assert all(c.state == "open" for c in scored)
    assert page.total is not None and page.total >= len(page.items)
    plain = opportunities.list_opportunities(demo_settings, OpportunityQuery(sort="fit"),
                                             today=TODAY)
    newest = opportunities.list_opportunities(demo_settings, OpportunityQuery(), today=TODAY)
    assert [c.id for c in plain.items] == [c.id for c in newest.items]
    assert all(c.fit is None for c in plain.items)


def test_detail_has_the_thread_and_similar_calls(demo_settings: Settings) -> None:
    grouped = next(c for c in everything(demo_settings) if c.posts_in_group > 1)
    detail = opportunities.get_opportunity(demo_settings, grouped.id, today=TODAY)
    assert detail is not None and detail.card.id == grouped.id
    assert len(detail.thread) == grouped.posts_in_group
    assert detail.thread[0].id == grouped.id
    assert grouped.id not in {c.id for c in detail.similar}
    assert all(grouped.labels[0] in c.labels and c.state == "open" for c in detail.similar)
    follow_up = detail.thread[-1].id  # any post of the call leads to the call
    again = opportunities.get_opportunity(demo_settings, follow_up, today=TODAY)
    assert again is not None and again.card.id == grouped.id
    assert opportunities.get_opportunity(demo_settings, "x:0") is None
    assert opportunities.get_opportunity(demo_settings, "no-colon") is None


@pytest.fixture
def own_store(demo_settings: Settings, tmp_path: Path,
              engine_of: Callable[[Store], Engine]) -> Iterator[Settings]:
    """A copy of the sample store, for tests that change it."""
    source = Path(demo_settings.database_url.removeprefix("sqlite:///"))
    with Store(demo_settings.database_url) as store, engine_of(store).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(source, tmp_path / "copy.db")
    settings = Settings(database_url=sqlite_url(tmp_path / "copy.db"))
    yield settings
    opportunities.close_stores()


def test_role_comes_from_the_profile_and_is_unknown_without_one(own_store: Settings) -> None:
    first = everything(own_store)[0]
    assert first.author is not None
    with Store(own_store.database_url) as store:
        store.save_profiles([AuthorProfile(
            key=(first.platform, first.author.author_id), handle="fictional", name=None,
            role="dermatologist", role_confidence=0.9, role_cues=[], interests={},
            signals=Signals(), background=[], institution=None, opted_out=False)])
        assert [p.role for p in store.load_profiles().values()] == ["dermatologist"]
    cards = everything(own_store)
    roles = {(c.author.author_id if c.author else None): c.author.role if c.author else None
             for c in cards}
    assert roles[first.author.author_id] == "dermatologist"
    assert {r for a, r in roles.items() if a != first.author.author_id} == {"unknown"}


def test_a_change_to_the_store_shows_at_once(own_store: Settings) -> None:
    """Answers are kept while the store is unchanged, and only so long."""
    query = OpportunityQuery(q="fictional", open_only=True)
    assert opportunities.list_opportunities(own_store, query).items == []
    author = Author(platform="x", id="990201", handle="fictional_new")
    post = Post(platform="x", id="990000000000000201", url=None, author_id="990201",
                text="A fictional research call, apply now", created_at=datetime.now(UTC),
                author=author)
    with Store(own_store.database_url) as store:
        store.upsert([post], [author], source="test")
        store.save_classifications([(post.key, Classification(
            ["research_collaboration"], {}, {}, [], "test", "test"))])
    found = opportunities.list_opportunities(own_store, query).items
    assert [c.id for c in found] == ["x:990000000000000201"]


def test_a_store_rebuilt_at_the_same_path_is_read_afresh(
    own_store: Settings, tmp_path: Path, engine_of: Callable[[Store], Engine]
) -> None:
    path = Path(own_store.database_url.removeprefix("sqlite:///"))
    before = opportunities.list_opportunities(own_store, OpportunityQuery(per_page=3)).items
    assert before
    with Store(sqlite_url(tmp_path / "empty.db")) as store, \
            engine_of(store).connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)  # as `service.demo.build_demo` clears the way
    shutil.copy(tmp_path / "empty.db", path)
    assert opportunities.list_opportunities(own_store, OpportunityQuery(per_page=3)).items == []


@pytest.mark.postgres
def test_the_listing_on_postgresql(postgres_url: str, demo_settings: Settings) -> None:
    settings = Settings(database_url=postgres_url)
    service.posts.import_files(settings, service.posts.sample_files())
    service.classifying.classify_store(settings)
    try:
        for filters in ({}, {"label": "journal_club"}, {"open_only": True, "topic": "hair"},
                        {"sort": "deadline"}):
            on_pg = [c.id for c in everything(settings, **filters)]
            on_sqlite = [c.id for c in everything(demo_settings, **filters)]
            assert on_pg == on_sqlite, filters
        found = everything(settings, q="research")  # english stemming: researchers too
        assert found and all("research" in c.text.lower() for c in found)
        assert len(everything(settings, q="research -premed")) < len(found)
        card = everything(settings, label="journal_club")[0]
        detail = opportunities.get_opportunity(settings, card.id, today=TODAY)
        assert detail is not None and detail.thread[0].id == card.id
    finally:
        opportunities.close_stores()


def test_a_store_from_before_facet_times_lists_the_same_after_upgrading(
        demo_settings: Settings, own_store: Settings,
        engine_of: Callable[[Store], Engine]) -> None:
    """Migration 0007 gives each facet row its post's time, which the listing walks."""
    from alembic import command

    from mentorfeed.store import migrate

    filters = {"label": "journal_club", "topic": "skin of color"}
    before = [[c.id for c in everything(demo_settings, **{k: v})] for k, v in filters.items()]
    config = migrate.alembic_config()
    with Store(own_store.database_url) as store, engine_of(store).begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
        assert "created_at" not in {c[1] for c in conn.exec_driver_sql(
            "PRAGMA table_info(post_facets)")}
    opportunities.close_stores()
    with Store(own_store.database_url) as store, engine_of(store).connect() as conn:  # upgrades
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM post_facets JOIN posts ON posts.pk = post_facets.post_pk "
            "WHERE post_facets.created_at IS NOT posts.created_at").scalar() == 0
    after = [[c.id for c in everything(own_store, **{k: v})] for k, v in filters.items()]
    assert after == before and all(after)


def test_the_stores_opportunities_read_their_posts_in_batches(
        demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A million-post store has more calls than SQLite takes parameters in one query."""
    def calls() -> list[tuple[object, list[object], object]]:
        return [(o.post.key, [p.key for p in o.posts], o.deadline)
                for o in opportunities.opportunities(demo_settings, today=TODAY.date(),
                                                     limit=100_000)]

    whole = calls()
    monkeypatch.setattr(listing, "BATCH", 7)
    assert calls() == whole
    assert any(len(posts) > 1 for _, posts, _ in whole)


# The count, and the deadline and topic filters (issue 15, Must have 9).

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
