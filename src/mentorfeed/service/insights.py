"""Figures for the Insights page and API: opportunities by label over time, top topics, the most
engaged mentors, and representative examples per label (like Table I of the DermTwitter letter).

The store counts (store/queries/insights.py: a handful of SQL aggregates, never a Python loop
over the store); this module turns its months into periods and its counts into the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from mentorfeed.config import Settings
from mentorfeed.models import EngagedMentor, Example, TopicCount
from mentorfeed.service.mentors import linked_accounts_of
from mentorfeed.store import Store
from mentorfeed.taxonomy import LABEL_TITLES, LABELS, MENTOR_ROLES

Period = Literal["month", "quarter", "year"]
PERIODS: tuple[str, ...] = ("month", "quarter", "year")


@dataclass(slots=True)
class PeriodCounts:
    """Opportunities that started in one period, per label (a call may carry several)."""

    period: str  # "2023-Q1", "2023-05" or "2023"
    start: datetime
    total: int
    by_label: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class LabelSummary:
    """One row of the Table I-like table: a label, how many opportunities carry it, examples."""

    label: str
    title: str
    opportunities: int
    share: float  # of all opportunities, 0..1
    examples: list[Example] = field(default_factory=list)


@dataclass(slots=True)
class Insights:
    period: str
    opportunities: int
    labels: list[str]
    timeline: list[PeriodCounts]
    topics: list[TopicCount]
    mentors: list[EngagedMentor]
    table: list[LabelSummary]
    generated_at: datetime


def insights(settings: Settings, *, period: Period = "quarter", platform: str | None = None,
             top: int = 10, examples: int = 1) -> Insights:
    """All the Insights figures for the store of `settings`."""
    with Store(settings.database_url) as store:
        return compute(store, period=period, platform=platform, top=top,
                       examples=examples)


def compute(store: Store, *, period: Period = "quarter", platform: str | None = None,
            top: int = 10, examples: int = 1) -> Insights:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    timeline = _timeline(store, period, platform)
    total = sum(p.total for p in timeline)
    shown = store.insight_examples(LABELS, platform, examples) if examples else {}
    table = []
    for label in LABELS:
        count = sum(p.by_label.get(label, 0) for p in timeline)
        table.append(LabelSummary(
            label, LABEL_TITLES.get(label, label), count, count / total if total else 0.0,
            shown.get(label, [])))
    mentors = store.engaged_mentors(MENTOR_ROLES, top)  # a person once, with all handles
    others = linked_accounts_of(store, [(m.platform, m.author_id) for m in mentors])
    for mentor in mentors:
        mentor.accounts = others.get((mentor.platform, mentor.author_id), [])
    return Insights(period=period, opportunities=total, labels=list(LABELS),
                    timeline=timeline, topics=store.insight_topics(platform, top),
                    mentors=mentors, table=table,
                    generated_at=datetime.now(UTC))


def _timeline(store: Store, period: str, platform: str | None) -> list[PeriodCounts]:
    """The opportunities per period and per label, from the store's counts per month and
    list of labels."""
    buckets: dict[tuple[int, int], PeriodCounts] = {}
    for row in store.labels_by_month(platform):
        key = _period_key(row.year, row.month, period)
        found = buckets.get(key)
        if found is None:
            found = buckets[key] = PeriodCounts(_period_name(key, period),
                                                datetime(key[0], key[1], 1, tzinfo=UTC), 0,
                                                dict.fromkeys(LABELS, 0))
        found.total += row.count
        for label in set(row.labels):
            found.by_label[label] = found.by_label.get(label, 0) + row.count
    return _fill_gaps(buckets, period)


def _period_key(year: int, month: int, period: str) -> tuple[int, int]:
    if period == "year":
        return (year, 1)
    if period == "quarter":
        return (year, (month - 1) // 3 * 3 + 1)
    return (year, month)


def _period_name(key: tuple[int, int], period: str) -> str:
    year, month = key
    if period == "year":
        return str(year)
    if period == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


def _fill_gaps(buckets: dict[tuple[int, int], PeriodCounts], period: str) -> list[PeriodCounts]:
    """Every period between the first and the last, so quiet ones show as zero, not as gaps."""
    if not buckets:
        return []
    step = {"month": 1, "quarter": 3, "year": 12}[period]
    first, last = min(buckets), max(buckets)
    year, month = first
    filled = []
    while (year, month) <= last:
        filled.append(buckets.get((year, month)) or PeriodCounts(
            _period_name((year, month), period), datetime(year, month, 1, tzinfo=UTC), 0,
            dict.fromkeys(LABELS, 0)))
        month += step
        if month > 12:
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return filled
