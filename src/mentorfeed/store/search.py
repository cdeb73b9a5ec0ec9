"""Full-text search behind one interface: FTS5 on SQLite, tsvector on PostgreSQL.

Both take the same query language, that of web search boxes: words (all must match),
"quoted phrases", `OR` between terms, `-term` to exclude, and `word*` for a prefix.

Scripts written without spaces between words (Chinese, Japanese, Thai; Korean, whose
particles join the word) are one token per run for both indexes, so a word inside a sentence
would never match: a term in those scripts is looked for as a substring of the text instead
(`LIKE`), ANDed and ORed with the indexed terms as usual.

A search takes at most MAX_QUERY_CHARACTERS characters and MAX_QUERY_TERMS words or phrases
(a pasted page of text is refused with one sentence naming the limit, not run for seconds).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
)

from mentorfeed.errors import QueryError
from mentorfeed.store.schema import posts

MAX_QUERY_CHARACTERS = 500
MAX_QUERY_TERMS = 32
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_fts = table("posts_fts", column("rowid"), column("rank"))
# Hangul Jamo, CJK radicals to Katakana, Bopomofo to CJK Unified Ideographs, Hangul, CJK
# compatibility, half-width Katakana, the supplementary ideographs; Thai, Lao, Myanmar, Khmer.
_UNSPACED = re.compile(
    "[\u1100-\u11ff\u2e80-\u30ff\u3100-\u9fff\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")


@dataclass(frozen=True, slots=True)
class Term:
    words: str
    phrase: bool = False
    prefix: bool = False

    @property
    def unspaced(self) -> bool:
        """Whether the term is in a script the indexes cannot split into words."""
        return _UNSPACED.search(self.words) is not None

    def like(self) -> ColumnElement[bool]:
        """The posts whose text holds the term (its words in order, anything between)."""
        pattern = "%".join(re.sub(r"([\\%_])", r"\\\1", w) for w in self.words.split())
        return posts.c.text.ilike(f"%{pattern}%", escape="\\")


@dataclass(slots=True)
class Query:
    """All groups must match (the terms of a group are alternatives); no excluded term may."""

    groups: list[list[Term]]
    excluded: list[Term]


def parse(query: str) -> Query:
    if len(query) > MAX_QUERY_CHARACTERS:
        raise QueryError(f"A search takes at most {MAX_QUERY_CHARACTERS} characters and "
                         f"{MAX_QUERY_TERMS} words; this one has {len(query):,} characters.")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_or = False
    for token in _TOKEN.findall(query):
        if token == "OR":
            join_or = bool(groups)
            continue
        negated = token.startswith("-") and len(token) > 1
        token = token[1:] if negated else token
        phrase = token.startswith('"')
        prefix = token.endswith("*") and not phrase
        words = " ".join(re.findall(r"\w+", token))
        if not words:
            continue
        term = Term(words, phrase=phrase and " " in words, prefix=prefix and " " not in words)
        if negated:
            excluded.append(term)
        elif join_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_or = False
    if not groups:
        raise QueryError("A search needs at least one word to look for (not only -excluded ones).")
    terms = sum(len(group) for group in groups) + len(excluded)
    if terms > MAX_QUERY_TERMS:
        raise QueryError(f"A search takes at most {MAX_QUERY_TERMS} words or phrases; this one "
                         f"has {terms:,}.")
    return Query(groups, excluded)


def _unspaced(parsed: Query) -> bool:
    return any(t.unspaced for group in parsed.groups for t in group) or \
        any(t.unspaced for t in parsed.excluded)


def _condition(parsed: Query, indexed: Callable[[Term], ColumnElement[bool]]
               ) -> ColumnElement[bool]:
    """The query as a condition on `posts`: each term through the index (`indexed`), or as a
    substring if the index cannot find it."""
    def one(term: Term) -> ColumnElement[bool]:
        return term.like() if term.unspaced else indexed(term)

    return and_(*(or_(*(one(t) for t in group)) for group in parsed.groups),
                *(not_(one(t)) for t in parsed.excluded))


def _fts5_term(term: Term) -> str:
    return f'"{term.words}"' + ("*" if term.prefix else "")


def sqlite_matches(query: str, pks: tuple[int, int] | None = None) -> Select[Any]:
    """The keys of the posts matching `query` on SQLite (of those between `pks`, if given):
    straight from FTS5, or from the posts when a term is one FTS5 cannot find."""
    parsed = parse(query)
    if not _unspaced(parsed):
        matching = select(_fts.c.rowid).where(
            text("posts_fts MATCH :fts_query").bindparams(fts_query=to_fts5(query)))
        return matching.where(_fts.c.rowid.between(*pks)) if pks else matching

    def indexed(term: Term) -> ColumnElement[bool]:
        return posts.c.pk.in_(select(_fts.c.rowid).where(
            literal_column("posts_fts").op("MATCH")(_fts5_term(term))))

    # correlate(None): a subquery of its own, though the query it goes in selects posts too
    found = select(posts.c.pk).where(_condition(parsed, indexed)).correlate(None)
    return found.where(posts.c.pk.between(*pks)) if pks else found


def postgres_matches(query: str) -> ColumnElement[bool]:
    """The condition on `posts` of matching `query` on PostgreSQL."""
    parsed = parse(query)
    tsv: ColumnElement[Any] = literal_column("posts.text_tsv")
    if not _unspaced(parsed):
        matches: ColumnElement[bool] = tsv.op("@@")(to_tsquery(query))
        return matches
    return _condition(parsed, lambda term: tsv.op("@@")(_tsquery_term(term)))


def to_fts5(query: str) -> str:
    """A safe FTS5 MATCH expression: every term is quoted, so no input is a syntax error."""
    parsed = parse(query)

    render = _fts5_term
    expression = " AND ".join(
        "(" + " OR ".join(render(t) for t in group) + ")" if len(group) > 1 else render(group[0])
        for group in parsed.groups)
    for term in parsed.excluded:
        expression = f"({expression}) NOT {render(term)}"
    return expression


def to_tsquery(query: str) -> ColumnElement[Any]:
    """The same query as a PostgreSQL tsquery expression (english stemming, as the index)."""
    parsed = parse(query)
    render = _tsquery_term
    groups = [reduce(func.tsquery_or, [render(t) for t in group]) for group in parsed.groups]
    expression = reduce(func.tsquery_and, groups)
    for term in parsed.excluded:
        expression = func.tsquery_and(expression, func.tsquery_not(render(term)))
    return expression


def _tsquery_term(term: Term) -> ColumnElement[Any]:
    english: ColumnElement[str] = literal_column("'english'")
    if term.prefix:
        return func.to_tsquery(english, term.words.replace(" ", "") + ":*")
    if term.phrase:
        return func.phraseto_tsquery(english, term.words)
    return func.plainto_tsquery(english, term.words)


def apply(statement: Any, dialect: str, query: str) -> Any:
    """Restrict a select over `posts` to matches of `query`, best matches first (newest first
    for a query with a term that is looked for as a substring)."""
    if _unspaced(parse(query)):
        where = postgres_matches(query) if dialect == "postgresql" else \
            posts.c.pk.in_(sqlite_matches(query))
        return statement.where(where).order_by(posts.c.created_at.desc())
    if dialect == "postgresql":
        tsquery = to_tsquery(query)
        tsv: ColumnElement[Any] = literal_column("posts.text_tsv")
        return statement.where(tsv.op("@@")(tsquery)).order_by(
            func.ts_rank(tsv, tsquery).desc(), posts.c.created_at.desc())
    return (statement.join(_fts, _fts.c.rowid == posts.c.pk)
            .where(text("posts_fts MATCH :fts_query").bindparams(fts_query=to_fts5(query)))
            .order_by(_fts.c.rank, posts.c.created_at.desc()))
