"""Who may take a call: `classifications.eligibility` holds the stages, required background,
language, place or the one person a reply offers to (classify/eligibility.py); NULL means
anyone, as for every post classified before it existed.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.add_column("classifications", sa.Column("eligibility", Json))


def downgrade() -> None:
    op.drop_column("classifications", "eligibility")
