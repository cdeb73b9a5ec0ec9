"""Full-text search behind one interface: FTS5 on SQLite, tsvector on PostgreSQL.

Both take the same query language, that of web search boxes: words (all must match),
"quoted phrases", `OR` between terms, `-term` to exclude, and `word*` for a prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, column, func, literal_column, table, text

from mentorfeed.errors import QueryError
from mentorfeed.store.schema import posts

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_fts = table("posts_fts", column("rowid"), column("rank"))


@dataclass(frozen=True, slots=True)
class Term:
    words: str
    phrase: bool = False
    prefix: bool = False


@dataclass(slots=True)
class Query:
    """All groups must match (the terms of a group are alternatives); no excluded term may."""

    groups: list[list[Term]]
    excluded: list[Term]


def parse(query: str) -> Query:
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
    return Query(groups, excluded)


def to_fts5(query: str) -> str:
    """A safe FTS5 MATCH expression: every term is quoted, so no input is a syntax error."""
    parsed = parse(query)

    def render(term: Term) -> str:
        return f'"{term.words}"' + ("*" if term.prefix else "")

    expression = " AND ".join(
        "(" + " OR ".join(render(t) for t in group) + ")" if len(group) > 1 else render(group[0])
        for group in parsed.groups)
    for term in parsed.excluded:
        expression = f"({expression}) NOT {render(term)}"
    return expression


def to_tsquery(query: str) -> ColumnElement[Any]:
    """The same query as a PostgreSQL tsquery expression (english stemming, as the index)."""
    parsed = parse(query)
    english: ColumnElement[str] = literal_column("'english'")

    def render(term: Term) -> ColumnElement[Any]:
        if term.prefix:
            return func.to_tsquery(english, term.words.replace(" ", "") + ":*")
        if term.phrase:
            return func.phraseto_tsquery(english, term.words)
        return func.plainto_tsquery(english, term.words)

    groups = [reduce(func.tsquery_or, [render(t) for t in group]) for group in parsed.groups]
    expression = reduce(func.tsquery_and, groups)
    for term in parsed.excluded:
        expression = func.tsquery_and(expression, func.tsquery_not(render(term)))
    return expression


def apply(statement: Any, dialect: str, query: str) -> Any:
    """Restrict a select over `posts` to matches of `query`, best matches first."""
    if dialect == "postgresql":
        tsquery = to_tsquery(query)
        tsv: ColumnElement[Any] = literal_column("posts.text_tsv")
        return statement.where(tsv.op("@@")(tsquery)).order_by(
            func.ts_rank(tsv, tsquery).desc(), posts.c.created_at.desc())
    return (statement.join(_fts, _fts.c.rowid == posts.c.pk)
            .where(text("posts_fts MATCH :fts_query").bindparams(fts_query=to_fts5(query)))
            .order_by(_fts.c.rank, posts.c.created_at.desc()))
