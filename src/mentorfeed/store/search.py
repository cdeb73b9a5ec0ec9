"""Full-text search behind one interface: FTS5 on SQLite, tsvector on PostgreSQL.

Both accept the same query language, that of web search boxes: words (all must match),
"quoted phrases", `OR` between words, `-word` to exclude, and `word*` for a prefix.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Select, column, func, literal_column, table, text

from mentorfeed.errors import QueryError
from mentorfeed.store.schema import posts

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_fts = table("posts_fts", column("rowid"), column("rank"))


def to_fts5(query: str) -> str:
    """Translate a web-search style query into a safe FTS5 MATCH expression."""
    positive: list[str] = []
    negative: list[str] = []
    join_or = False
    for token in _TOKEN.findall(query):
        if token == "OR":
            join_or = bool(positive)
            continue
        negated = token.startswith("-") and len(token) > 1
        token = token[1:] if negated else token
        prefix = token.endswith("*") and not token.startswith('"')
        words = token.strip('"').rstrip("*").lstrip("#@")
        if not re.search(r"\w", words):
            continue
        term = '"' + words.replace('"', '""') + '"' + ("*" if prefix else "")
        if negated:
            negative.append(term)
        elif join_or and positive:
            positive[-1] = f"({positive[-1]} OR {term})"
            join_or = False
        else:
            positive.append(term)
    if not positive:
        raise QueryError("A search needs at least one word to look for (not only -excluded ones).")
    expression = " AND ".join(positive)
    for term in negative:
        expression = f"({expression}) NOT {term}"
    return expression


def apply(statement: Select[tuple[object, ...]], dialect: str, query: str) -> Select[
        tuple[object, ...]]:
    """Restrict a select over `posts` to matches of `query`, best matches first."""
    if dialect == "postgresql":
        tsquery = func.websearch_to_tsquery(literal_column("'english'"), query)
        tsv: ColumnElement[object] = literal_column("posts.text_tsv")
        return statement.where(tsv.op("@@")(tsquery)).order_by(
            func.ts_rank(tsv, tsquery).desc(), posts.c.created_at.desc())
    return (statement.join(_fts, _fts.c.rowid == posts.c.pk)
            .where(text("posts_fts MATCH :fts_query").bindparams(fts_query=to_fts5(query)))
            .order_by(_fts.c.rank, posts.c.created_at.desc()))
