"""Classifying a store: every post once, new posts only on the next run, and opportunities
listed one per call with filters; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from mentorfeed import service
from mentorfeed.classify.classifier import Classifier
from mentorfeed.config import Settings
from mentorfeed.models import Opportunity
from mentorfeed.service import opportunities
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store
from mentorfeed.store.schema import classifications
from mentorfeed.taxonomy import LABELS

TODAY = date(2024, 6, 1)  # the sample corpus runs from 2019 to 2026: some calls have expired
ALL = 100_000


def settings_for(store: Store) -> Settings:
    return Settings(database_url=store.url)


def classified_at(engine: Engine) -> dict[int, datetime]:
    query = select(classifications.c.post_pk, classifications.c.classified_at)
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def example_files(formats: Path) -> list[Path]:
    return sorted(formats.glob("*.js*"))


@pytest.fixture
def corpus(store: Store) -> Settings:
    """The sample community, imported and classified."""
    report = import_files(store, service.posts.sample_files())
    assert report.ok and report.posts > 2000
    service.classifying.classify_store(settings_for(store))
    return settings_for(store)


def test_every_post_is_classified_once(store: Store, formats: Path) -> None:
    import_files(store, example_files(formats))
    waiting = store.count_to_classify()
    assert waiting == store.count_posts(include_context=True) > 10
    first = service.classifying.classify_store(settings_for(store))
    assert first.posts == waiting and store.count_to_classify() == 0
    assert 0 < first.opportunity_posts < first.posts and first.opportunities > 0
    assert first.model_version == Classifier.load().version
    second = service.classifying.classify_store(settings_for(store))
    assert second.posts == 0 and second.opportunity_posts == 0
    assert second.opportunities == first.opportunities


def test_all_classifies_every_post_again(store: Store, formats: Path,
                                         engine_of: Callable[[Store], Engine]) -> None:
    import_files(store, example_files(formats))
    first = service.classifying.classify_store(settings_for(store))
    before = classified_at(engine_of(store))
    again = service.classifying.classify_store(settings_for(store), everything=True)
    after = classified_at(engine_of(store))
    assert again.posts == first.posts == len(after)
    assert again.opportunity_posts == first.opportunity_posts
    assert all(after[pk] > before[pk] for pk in before)


def test_new_posts_are_classified_on_the_next_run(
        store: Store, formats: Path, engine_of: Callable[[Store], Engine]) -> None:
    files = example_files(formats)
    import_files(store, files[:3])
    service.classifying.classify_store(settings_for(store))
    before = classified_at(engine_of(store))
    import_files(store, files[3:])
    new = store.count_to_classify()
    assert new > 0
    report = service.classifying.classify_store(settings_for(store))
    after = classified_at(engine_of(store))
    assert report.posts == new and len(after) == len(before) + new
    assert all(after[pk] == before[pk] for pk in before)  # the old ones were left alone


def test_stored_classifications_carry_the_model_version(
        store: Store, formats: Path, engine_of: Callable[[Store], Engine]) -> None:
    import_files(store, example_files(formats))
    service.classifying.classify_store(settings_for(store))
    query = select(classifications.c.model_version, func.count()).group_by(
        classifications.c.model_version)
    with engine_of(store).connect() as conn:
        versions = dict(conn.execute(query).all())
    assert versions == {Classifier.load().version: store.count_posts(include_context=True)}
    found = opportunities.opportunities(settings_for(store))
    assert found and {o.classification.model_version for o in found} == set(versions)


def test_an_empty_store_has_nothing_to_classify(store: Store) -> None:
    report = service.classifying.classify_store(settings_for(store))
    assert (report.posts, report.opportunity_posts, report.opportunities) == (0, 0, 0)
    assert opportunities.opportunities(settings_for(store)) == []


# -- opportunities ---------------------------------------------------------------------------

def _keys(found: list[Opportunity]) -> set[tuple[str, str]]:
    return {o.post.key for o in found}


def test_one_item_per_opportunity_with_all_its_posts(corpus: Settings) -> None:
    found = opportunities.opportunities(corpus, limit=ALL)
    assert len(found) == service.classifying.classify_store(corpus).opportunities > 100
    every_post = [p.key for o in found for p in o.posts]
    assert len(every_post) == len(set(every_post)), "a post is in two opportunities"
    for o in found:
        assert o.classification.labels and set(o.classification.labels) <= set(LABELS)
        assert o.post.key == o.posts[0].key  # the call itself comes first, then the others
        assert [p.created_at for p in o.posts[1:]] == sorted(p.created_at for p in o.posts[1:])
    reposted = [o for o in found if any(p.repost_of == o.post.id for p in o.posts)]
    assert reposted, "no opportunity lists its reposts"
    assert [o.post.created_at for o in found] == sorted((o.post.created_at for o in found),
                                                        reverse=True)
    assert _keys(opportunities.opportunities(corpus, limit=5)) == _keys(
        found[:5]
    )  # the newest


def test_filter_by_label_audience_and_topic(corpus: Settings) -> None:
    everything = opportunities.opportunities(corpus, limit=ALL)
    for label in LABELS:
        found = opportunities.opportunities(corpus, label=label, limit=ALL)
        assert found, label
        assert _keys(found) == {o.post.key for o in everything
                                if label in o.classification.labels}
    for facet, key, value in (("audience", "audience", "img"), ("audience", "audience", "urim"),
                              ("topic", "topics", "skin of color"), ("topic", "topics", "hair")):
        found = opportunities.opportunities(corpus, limit=ALL, **{facet: value})
        assert found, value
        assert _keys(found) == {o.post.key for o in everything
                                if value in o.classification.extract.get(key, ())}
    assert opportunities.opportunities(corpus, label="no_such_label") == []


def test_filter_by_platform(corpus: Settings) -> None:
    everything = opportunities.opportunities(corpus, limit=ALL)
    by_platform = {name: opportunities.opportunities(corpus, platform=name, limit=ALL)
                   for name in ("x", "bluesky", "mastodon")}
    for name, found in by_platform.items():
        assert found and {o.post.platform for o in found} == {name}
    assert sum(len(found) for found in by_platform.values()) == len(everything)


def test_filter_by_state(corpus: Settings) -> None:
    everything = opportunities.opportunities(corpus, limit=ALL, today=TODAY)
    by_state = {state: opportunities.opportunities(corpus, state=state, today=TODAY, limit=ALL)
                for state in ("open", "closed", "expired")}
    for state, found in by_state.items():
        assert found and {o.state for o in found} == {state}
        assert _keys(found) == {o.post.key for o in everything if o.state == state}
    assert all(o.open_until and o.open_until < TODAY for o in by_state["expired"])
    assert all(o.open_until and o.open_until >= TODAY for o in by_state["open"])
    assert all(o.deadline is None or o.deadline >= TODAY for o in by_state["open"])
    long_ago = opportunities.opportunities(corpus, limit=ALL, today=date(2019, 1, 1))
    assert {o.state for o in long_ago} == {"open", "closed"}  # nothing expired yet
    soon = opportunities.opportunities(corpus, due_within=60, today=TODAY, limit=ALL)
    assert soon and all(o.deadline and 0 <= (o.deadline - TODAY).days <= 60 for o in soon)


def test_a_call_is_closed_only_from_when_its_author_said_so(corpus: Settings) -> None:
    closed = opportunities.opportunities(corpus, state="closed", limit=ALL)
    assert closed
    for opportunity in closed[:5]:
        key, last = opportunity.post.key, opportunity.posts[-1].created_at
        assert last > opportunity.post.created_at  # the "filled" post came later
        posted = opportunity.post.created_at + timedelta(seconds=1)
        then = {o.post.key: o.state for o in opportunities.opportunities(
            corpus, posted_by=posted, today=posted.date(), limit=ALL)}
        assert then[key] == "open"
        assert {o.post.key: o.state for o in opportunities.opportunities(
            corpus, posted_by=last + timedelta(seconds=1), limit=ALL)}[key] == "closed"
