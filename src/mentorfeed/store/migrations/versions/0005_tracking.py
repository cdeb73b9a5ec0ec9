"""Tracking: the trainee's saved opportunities and the trainee profile kept in the store.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "saved_opportunities",
        sa.Column("opportunity_id", sa.Text, primary_key=True),  # "platform:post_id"
        # Forgetting the post forgets that it was saved, too.
        sa.Column("post_pk", Key, sa.ForeignKey("posts.pk", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_saved_opportunities_post", "saved_opportunities", ["post_pk"])
    op.create_index("ix_saved_opportunities_status", "saved_opportunities",
                    ["status", "updated_at"])
    op.create_table(
        "trainee_profile",  # one row (id 1): this store's trainee
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("profile", Json, nullable=False),  # the TOML profile's shape, see tracking.py
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trainee_profile")
    op.drop_index("ix_saved_opportunities_status", "saved_opportunities")
    op.drop_index("ix_saved_opportunities_post", "saved_opportunities")
    op.drop_table("saved_opportunities")
