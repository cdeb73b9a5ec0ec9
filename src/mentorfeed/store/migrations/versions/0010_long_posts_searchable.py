"""Long posts searchable on PostgreSQL: a tsvector holds at most 1 MB, and a post whose words
make more ("string is too long for tsvector") could not be stored at all. The full-text column
now indexes a post's first 200,000 characters (well under the limit, whatever the script);
the post itself is kept whole. SQLite's FTS5 has no such limit and is unchanged.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXED_CHARACTERS = 200_000


def _text_tsv(expression: str) -> None:
    op.execute("ALTER TABLE posts DROP COLUMN text_tsv")  # its index goes with it
    op.execute("ALTER TABLE posts ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS "
               f"(to_tsvector('english', {expression})) STORED")
    op.execute("CREATE INDEX ix_posts_text_tsv ON posts USING GIN (text_tsv)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _text_tsv(f"left(text, {INDEXED_CHARACTERS})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _text_tsv("text")
