"""Classifications: labels, scores, extracted fields and reasons, with the model version.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "classifications",
        sa.Column("post_pk", Key, sa.ForeignKey("posts.pk", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("is_opportunity", sa.Boolean, nullable=False),
        sa.Column("labels", Json, nullable=False),
        sa.Column("scores", Json, nullable=False),
        sa.Column("extract", Json, nullable=False),
        sa.Column("links", Json, nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("deadline", sa.Date),
        sa.Column("closes_call", sa.Boolean, nullable=False),
        sa.Column("opportunity_pk", Key),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_classifications_opportunity", "classifications",
                    ["is_opportunity", "deadline"])
    op.create_index("ix_classifications_group", "classifications", ["opportunity_pk"])
    op.create_index("ix_classifications_version", "classifications", ["model_version"])
    op.create_table(
        "post_facets",
        sa.Column("post_pk", Key, sa.ForeignKey("posts.pk", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("facet", sa.String(16), primary_key=True),  # label, audience, contact, topic
        sa.Column("value", sa.String(64), primary_key=True),
    )
    op.create_index("ix_post_facets_value", "post_facets", ["facet", "value", "post_pk"])


def downgrade() -> None:
    op.drop_table("post_facets")
    op.drop_table("classifications")
