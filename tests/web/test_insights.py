"""Insights: every figure equals a count made another way (Python over the listed
opportunities and profiles), and the page shows them as tables with CSS bars."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.models import Opportunity
from mentorfeed.service import mentors
from mentorfeed.store.queries.insights import EXAMPLE_CANDIDATES
from mentorfeed.web import create_app


@pytest.fixture(scope="module")
def settings(demo_copy: Callable[[str], Settings]) -> Settings:
    """A private copy of the demo store (build_demo stored its author profiles)."""
    return demo_copy("insights")


@pytest.fixture(scope="module")
def calls(settings: Settings) -> list[Opportunity]:
    return service.opportunities.opportunities(settings, limit=1_000_000)


@pytest.fixture(scope="module")
def figures(settings: Settings) -> service.insights.Insights:
    return service.insights.insights(settings, period="quarter", top=10, examples=2)


def test_label_counts_equal_the_listed_opportunities(figures: service.insights.Insights,
                                                     calls: list[Opportunity]) -> None:
    by_label = Counter(label for c in calls for label in set(c.classification.labels))
    assert figures.opportunities == len(calls) > 100
    assert {row.label: row.opportunities for row in figures.table} == \
        {label: by_label[label] for label in figures.labels}
    for row in figures.table:
        assert row.share == pytest.approx(by_label[row.label] / len(calls))


def test_the_timeline_counts_each_quarter(figures: service.insights.Insights,
                                          calls: list[Opportunity]) -> None:
    def quarter(c: Opportunity) -> str:
        when = c.post.created_at
        return f"{when.year}-Q{(when.month - 1) // 3 + 1}"

    totals = Counter(quarter(c) for c in calls)
    labelled = Counter((quarter(c), label) for c in calls
                       for label in set(c.classification.labels))
    shown = {p.period: p for p in figures.timeline}
    assert {k: v.total for k, v in shown.items() if v.total} == dict(totals)
    assert all(shown[q].by_label[label] == n for (q, label), n in labelled.items())
    periods = [p.period for p in figures.timeline]
    assert periods == sorted(periods) and len(periods) == len(set(periods))
    assert periods[0] == min(totals) and periods[-1] == max(totals)  # quiet quarters are zeros


@pytest.mark.parametrize("period", ["month", "year"])
def test_other_periods_add_up_to_the_same_total(settings: Settings, period: str,
                                                calls: list[Opportunity]) -> None:
    found = service.insights.insights(settings, period=period, examples=0)  # type: ignore[arg-type]
    assert sum(p.total for p in found.timeline) == len(calls)
    name = {"month": r"\d{4}-\d{2}", "year": r"\d{4}"}[period]
    assert all(re.fullmatch(name, p.period) for p in found.timeline)


def test_top_topics_are_the_most_frequent_extracted_topics(figures: service.insights.Insights,
                                                           calls: list[Opportunity]) -> None:
    topics = Counter(t for c in calls for t in set(c.classification.extract.get("topics") or ()))
    expected = sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert [(t.topic, t.opportunities) for t in figures.topics] == expected


def test_most_engaged_mentors_come_from_the_profiles(figures: service.insights.Insights,
                                                     settings: Settings) -> None:
    with service.posts.open_store(settings) as store:
        rows = list(store.load_profiles().values())
    engaged = sorted(((r.signals.trainee_replies + r.signals.jc_answers, r.handle)
                      for r in rows if r.role in ("dermatologist", "resident")
                      and not r.opted_out), key=lambda item: (-item[0], item[1]))
    expected = [handle for score, handle in engaged if score > 0][:10]
    assert [m.handle for m in figures.mentors] == expected
    assert all(m.engagement == m.trainee_replies + m.jc_answers for m in figures.mentors)


def test_examples_carry_their_label_and_the_surest_come_first(
        figures: service.insights.Insights, calls: list[Opportunity]) -> None:
    by_key = {c.post.key: c for c in calls}
    # Examples are picked among the latest EXAMPLE_CANDIDATES calls: here that is all of them.
    assert all(row.opportunities < EXAMPLE_CANDIDATES for row in figures.table)
    for row in figures.table:
        assert row.examples, row.label
        for example in row.examples:
            call = by_key[(example.platform, example.post_id)]
            assert row.label in call.classification.labels
            assert example.score == pytest.approx(call.classification.scores[row.label])
        best = max(c.classification.scores.get(row.label, 0.0) for c in calls
                   if row.label in c.classification.labels)
        assert row.examples[0].score == pytest.approx(best)


def test_a_platform_filter_counts_only_that_platform(settings: Settings,
                                                     calls: list[Opportunity]) -> None:
    found = service.insights.insights(settings, platform="bluesky", examples=1)
    assert found.opportunities == sum(c.post.platform == "bluesky" for c in calls)
    assert all(e.platform == "bluesky" for row in found.table for e in row.examples)


def test_an_unknown_period_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="period"):
        service.insights.insights(settings, period="week")  # type: ignore[arg-type]


def test_the_page_shows_the_figures_as_tables_and_bars(settings: Settings,
                                                       figures: service.insights.Insights) -> None:
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as web:
        page = web.get("/insights")
        monthly = web.get("/insights", params={"period": "month", "platform": "x"})
        odd = web.get("/insights", params={"period": "<script>", "platform": "nowhere"})
    assert page.status_code == monthly.status_code == odd.status_code == 200
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    for row in figures.table:
        assert f"{row.title} {row.label} {row.opportunities} (" in text
    assert "Under-represented in medicine outreach" in text  # the letter's own words
    assert "Top topics" in text and "Most engaged mentors" in text
    assert f"@{figures.mentors[0].handle}" in text
    widths = re.findall(r'class="bar w-(\d+)"', page.text)
    assert widths and all(0 <= int(w) <= 20 for w in widths) and "20" in widths
    assert " style=" not in page.text
    assert "<caption>Opportunities per quarter" in page.text
    assert "Opportunities by month" in monthly.text and "<option value=\"x\" selected>" \
        in monthly.text
    assert "<script>" not in odd.text.split("<main", 1)[1]


def test_empty_store_says_how_to_fill_it(tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_url(tmp_path / "empty.db"))
    found = service.insights.insights(settings)
    assert found.opportunities == 0 and found.timeline == [] and found.mentors == []
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as web:
        text = web.get("/insights").text
        page_text = web.get("/mentors").text
    assert "No opportunities yet" in text and "mentorfeed demo" in text
    assert "No mentor profiles yet" in page_text and "mentorfeed people" in page_text


@pytest.mark.postgres
def test_postgresql_gives_the_same_figures_and_directory(
        postgres_url: str, settings: Settings, figures: service.insights.Insights) -> None:
    """The same sample store on PostgreSQL: same insights, same mentor directory page."""
    pg = Settings(database_url=postgres_url)
    service.posts.import_files(pg, service.posts.sample_files())
    service.classifying.classify_store(pg)
    service.people.refresh_people(pg)  # profiles and linked persons, as on SQLite
    with service.posts.open_store(pg) as store:
        found = service.insights.compute(store, period="quarter", top=10, examples=2)
        page = mentors.directory(store, mentors.DirectoryQuery(topic="hair"))
        by_other = mentors.directory(store, mentors.DirectoryQuery(q="draluciaderm.bsky"))
    with service.posts.open_store(settings) as store:
        expected = mentors.directory(store, mentors.DirectoryQuery(topic="hair"))
    assert found.opportunities == figures.opportunities
    assert [(p.period, p.total, p.by_label) for p in found.timeline] == \
        [(p.period, p.total, p.by_label) for p in figures.timeline]
    assert [(t.topic, t.opportunities) for t in found.topics] == \
        [(t.topic, t.opportunities) for t in figures.topics]
    assert [m.handle for m in found.mentors] == [m.handle for m in figures.mentors]
    assert [[a.handle for a in m.accounts] for m in found.mentors] == \
        [[a.handle for a in m.accounts] for m in figures.mentors]
    assert [(m.handle, [a.handle for a in m.accounts]) for m in by_other.items] == [
        ("DraLuciaDerm", ["draluciaderm.bsky.social"])]
    assert [[e.post_id for e in row.examples] for row in found.table] == \
        [[e.post_id for e in row.examples] for row in figures.table]
    assert page.total == expected.total and \
        [(m.handle, [a.handle for a in m.accounts]) for m in page.items] == \
        [(m.handle, [a.handle for a in m.accounts]) for m in expected.items]
