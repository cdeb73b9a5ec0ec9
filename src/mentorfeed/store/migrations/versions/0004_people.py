"""People: what each post says about its author (read once per post), and the author profiles
built from it.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "post_traits",
        sa.Column("post_pk", Key, sa.ForeignKey("posts.pk", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("version", sa.String(16), nullable=False),
        sa.Column("topics", Json, nullable=False),
        sa.Column("evidence", Json, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
    )
    op.create_table(
        "author_profiles",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("author_id", sa.Text, primary_key=True),
        sa.Column("handle", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("role_confidence", sa.Float, nullable=False),
        sa.Column("role_cues", Json, nullable=False),
        sa.Column("interests", Json, nullable=False),
        sa.Column("signals", Json, nullable=False),
        sa.Column("background", Json, nullable=False),
        sa.Column("institution", sa.Text),
        sa.Column("opted_out", sa.Boolean, nullable=False),
        sa.Column("last_active", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_author_profiles_role", "author_profiles", ["role", "opted_out"])


def downgrade() -> None:
    op.drop_table("author_profiles")
    op.drop_table("post_traits")
