"""Corrections: labels a person set on a post, which win over the model's and teach the next
model; and each classification's margin (how close the model was to deciding otherwise), so
that the posts it is least sure about are found from an index.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("classifications") as batch:
        batch.add_column(sa.Column("margin", sa.Float))
    op.create_index("ix_classifications_margin", "classifications", ["margin"])
    op.create_table(
        "label_corrections",
        # Forgetting the post forgets its correction too.
        sa.Column("post_pk", Key, sa.ForeignKey("posts.pk", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("labels", Json, nullable=False),  # [] means "not an opportunity"
        sa.Column("form", sa.String(16)),
        sa.Column("corrected_by", sa.Text, nullable=False),
        sa.Column("model_version", sa.String(64)),  # the model whose answer this corrects
        sa.Column("model_labels", Json),  # what that model said
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_label_corrections_time", "label_corrections", ["corrected_at"])


def downgrade() -> None:
    op.drop_index("ix_label_corrections_time", "label_corrections")
    op.drop_table("label_corrections")
    op.drop_index("ix_classifications_margin", "classifications")
    with op.batch_alter_table("classifications") as batch:
        batch.drop_column("margin")
