"""Posts, authors, hashtags and full-text search.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "authors",
        sa.Column("pk", Key, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("author_id", sa.Text, nullable=False),
        sa.Column("handle", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("bio", sa.Text),
        sa.Column("followers", sa.Integer),
        sa.Column("url", sa.Text),
        sa.Column("matched", sa.Boolean, nullable=False),
        sa.Column("raw", Json),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.UniqueConstraint("platform", "author_id", name="uq_authors_platform_id"),
    )
    op.create_index("ix_authors_handle", "authors", ["platform", "handle"])
    op.create_table(
        "posts",
        sa.Column("pk", Key, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("author_id", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.Column("hashtags", Json, nullable=False),
        sa.Column("mentions", Json, nullable=False),
        sa.Column("urls", Json, nullable=False),
        sa.Column("reply_to", sa.Text),
        sa.Column("reply_to_author", sa.Text),
        sa.Column("quote_of", sa.Text),
        sa.Column("repost_of", sa.Text),
        sa.Column("conversation_id", sa.Text),
        sa.Column("local_ref", sa.Text),
        sa.Column("metrics", Json),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("raw", Json, nullable=False),
        sa.Column("imported_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.UniqueConstraint("platform", "post_id", name="uq_posts_platform_id"),
    )
    op.create_index("ix_posts_created_at", "posts", ["created_at"])
    op.create_index("ix_posts_author", "posts", ["platform", "author_id"])
    op.create_index("ix_posts_conversation", "posts", ["platform", "conversation_id"])
    op.create_index("ix_posts_reply_to", "posts", ["platform", "reply_to"])
    op.create_index("ix_posts_local_ref", "posts", ["local_ref"])
    op.create_table(
        "post_hashtags",
        sa.Column("post_pk", Key, sa.ForeignKey("posts.pk", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("tag", sa.Text, primary_key=True),
        sa.Column("display", sa.Text, nullable=False),
    )
    op.create_index("ix_post_hashtags_tag", "post_hashtags", ["tag"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE posts ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS "
                   "(to_tsvector('english', text)) STORED")
        op.execute("CREATE INDEX ix_posts_text_tsv ON posts USING GIN (text_tsv)")
    else:
        op.execute("CREATE VIRTUAL TABLE posts_fts USING fts5(text, content='posts', "
                   "content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2')")
        # New rows are indexed by Store.upsert in one INSERT ... SELECT per batch, which is
        # several times faster than a row trigger; updates and deletes keep it in step here.
        op.execute("CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
                   "INSERT INTO posts_fts(posts_fts, rowid, text) "
                   "VALUES ('delete', old.pk, old.text); END")
        op.execute("CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts "
                   "WHEN old.text IS NOT new.text BEGIN "
                   "INSERT INTO posts_fts(posts_fts, rowid, text) "
                   "VALUES ('delete', old.pk, old.text); "
                   "INSERT INTO posts_fts(rowid, text) VALUES (new.pk, new.text); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS posts_fts")
    op.drop_table("post_hashtags")
    op.drop_table("posts")
    op.drop_table("authors")
