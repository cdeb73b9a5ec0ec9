"""Edited posts and the best text: `posts.text_rank` says how good the stored text is (a newer
version of an edited post, a full text over a cut one, plain over escaped, an API record over a
CSV row), `posts.version_id` which version is stored, and `post_versions` keeps every version
seen, the older ones as the post's history.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    # The rank of a plain, full text from an API or archive record; a CSV row's ranks lower.
    op.add_column("posts", sa.Column("text_rank", sa.Integer, nullable=False,
                                     server_default="7"))
    op.add_column("posts", sa.Column("version_id", sa.Text))
    op.execute("UPDATE posts SET text_rank = 6 WHERE source = 'csv'")
    op.create_table(
        "post_versions",
        sa.Column("post_pk", Key, sa.ForeignKey("posts.pk", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("version_id", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("post_versions")
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+): copying `posts` anew would cascade
    # to every table that points at it (labels, facets, hashtags).
    op.drop_column("posts", "version_id")
    op.drop_column("posts", "text_rank")
