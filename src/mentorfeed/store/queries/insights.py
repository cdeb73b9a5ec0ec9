"""The Insights figures in SQL: a handful of aggregates (GROUP BY over `post_facets`,
`classifications` and `author_profiles`), never a Python loop over the store, so 1M posts stay
fast on SQLite and PostgreSQL alike. An opportunity is counted once, on its first post, as
`Store.opportunities` counts it: an opportunity post that is the first of its group and was
collected as a match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, and_, exists, extract, func, select
from sqlalchemy.sql.elements import ColumnElement

from mentorfeed.models import EngagedMentor, Example, LabelsInMonth, TopicCount
from mentorfeed.store.queries.people import signals_of
from mentorfeed.store.rows import utc
from mentorfeed.store.schema import author_profiles, authors, classifications, post_facets, posts

EXAMPLE_CANDIDATES = 500  # examples are picked among this many latest posts per label


def _first_posts(platform: str | None) -> list[ColumnElement[bool]]:
    """The conditions for "this classified post is an opportunity, counted once"."""
    group = func.coalesce(classifications.c.opportunity_pk, classifications.c.post_pk)
    conditions = [classifications.c.is_opportunity, group == classifications.c.post_pk,
                  posts.c.origin == "match"]
    if platform:
        conditions.append(posts.c.platform == platform)
    return conditions


def labels_by_month(engine: Engine, platform: str | None) -> list[LabelsInMonth]:
    """One scan of the opportunities, grouped by month and by their list of labels (a few
    dozen distinct lists), which gives both the calls per period and the calls per label."""
    with engine.connect() as conn:
        query = (select(*_month(conn.dialect.name), classifications.c.labels,
                        func.count().label("n"))
                 .select_from(posts)
                 .join(classifications, classifications.c.post_pk == posts.c.pk)
                 .where(*_first_posts(platform)))
        query = query.group_by(*query.selected_columns[:-2], classifications.c.labels)
        found = []
        for row in conn.execute(query):
            *when, labels, n = row
            y, m = (int(when[0][:4]), int(when[0][5:7])) if len(when) == 1 else map(int, when)
            found.append(LabelsInMonth(y, m, list(labels) if isinstance(labels, list) else [],
                                       int(n)))
    return found


def _month(dialect: str) -> tuple[Any, ...]:
    """The month a post was made: SQLite stores UTC times as text, so its first seven
    characters ("2024-05") are the month, a third faster than STRFTIME on 1M rows."""
    if dialect == "sqlite":
        return (func.substr(posts.c.created_at, 1, 7).label("ym"),)
    return (extract("year", posts.c.created_at).label("y"),
            extract("month", posts.c.created_at).label("m"))


def top_topics(engine: Engine, platform: str | None, top: int) -> list[TopicCount]:
    """The topics extracted from most opportunities, most first."""
    count = func.count()
    query = (select(post_facets.c.value, count.label("n")).select_from(posts)
             .join(classifications, classifications.c.post_pk == posts.c.pk)
             .join(post_facets, and_(post_facets.c.post_pk == posts.c.pk,
                                     post_facets.c.facet == "topic"))
             .where(*_first_posts(platform))
             .group_by(post_facets.c.value)
             .order_by(count.desc(), post_facets.c.value).limit(top))
    with engine.connect() as conn:
        return [TopicCount(value, int(n)) for value, n in conn.execute(query)]


def _opted_out() -> ColumnElement[bool]:
    return exists().where(author_profiles.c.platform == posts.c.platform,
                          author_profiles.c.author_id == posts.c.author_id,
                          author_profiles.c.opted_out.is_(True))


def examples(engine: Engine, labels: Sequence[str], platform: str | None, limit: int
             ) -> dict[str, list[Example]]:
    """For each label, among the latest EXAMPLE_CANDIDATES posts with it, the opportunities the
    classifier is surest carry it, from people who did not opt out, newest first among equals.
    Reading only the latest (by the facet index) keeps this fast however many calls there
    are."""
    with engine.connect() as conn:
        return {label: _examples(conn, label, platform, limit) for label in labels}


def _examples(conn: Connection, label: str, platform: str | None, limit: int
              ) -> list[Example]:
    score = classifications.c.scores[label].as_float()
    recent = select(post_facets.c.post_pk).where(post_facets.c.facet == "label",
                                                 post_facets.c.value == label)
    if platform:
        recent = recent.join(posts, posts.c.pk == post_facets.c.post_pk).where(
            posts.c.platform == platform)
    recent = recent.order_by(post_facets.c.post_pk.desc()).limit(EXAMPLE_CANDIDATES)
    query = (select(posts.c.platform, posts.c.post_id, posts.c.url, posts.c.text,
                    posts.c.created_at, authors.c.handle, score.label("score"))
             .select_from(posts)
             .join(classifications, classifications.c.post_pk == posts.c.pk)
             .join(post_facets, and_(post_facets.c.post_pk == posts.c.pk,
                                     post_facets.c.facet == "label",
                                     post_facets.c.value == label))
             .outerjoin(authors, and_(authors.c.platform == posts.c.platform,
                                      authors.c.author_id == posts.c.author_id))
             .where(*_first_posts(platform), ~_opted_out(),
                    posts.c.pk.in_(recent.scalar_subquery()))
             .order_by(score.desc(), posts.c.created_at.desc()).limit(limit))
    found = []
    for r in conn.execute(query):
        created = utc(r.created_at)
        assert created is not None
        found.append(Example(r.platform, r.post_id, r.url, r.text, created, r.handle,
                             float(r.score or 0.0)))
    return found


def _signal(name: str) -> ColumnElement[int]:
    return func.coalesce(author_profiles.c.signals[name].as_integer(), 0)


def engaged_mentors(engine: Engine, roles: Sequence[str], top: int) -> list[EngagedMentor]:
    """People with one of `roles` who engage with trainees most: replies to trainees plus
    journal-club answers (author_profiles' signals), never anyone who opted out."""
    engagement = (_signal("trainee_replies") + _signal("jc_answers")).label("engagement")
    query = (select(author_profiles, engagement)
             .where(author_profiles.c.role.in_(list(roles)),
                    author_profiles.c.opted_out.is_(False), engagement > 0,
                    author_profiles.c.person_id.is_(None))  # a person once, all accounts
             .order_by(engagement.desc(), author_profiles.c.handle).limit(top))
    found = []
    with engine.connect() as conn:
        for r in conn.execute(query):
            signals = signals_of(r.signals, None)
            found.append(EngagedMentor(
                r.platform, r.author_id, r.handle, r.name, r.role, signals.trainee_replies,
                signals.jc_answers, signals.offers, signals.calls,
                utc(r.last_active)))
    return found
