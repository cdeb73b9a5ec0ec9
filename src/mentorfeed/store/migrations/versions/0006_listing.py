"""Listing: indexes that keep the opportunity listing fast on a million posts.

A call's deadline is the latest of its posts' deadlines; (opportunity_pk, deadline) answers that
from the index alone, and (deadline, opportunity_pk) finds the calls whose deadline is ahead
(or passed) without visiting every opportunity, for sorting by deadline.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_classifications_group_deadline", "classifications",
                    ["opportunity_pk", "deadline"])
    op.create_index("ix_classifications_deadline", "classifications",
                    ["deadline", "opportunity_pk"])


def downgrade() -> None:
    op.drop_index("ix_classifications_deadline", "classifications")
    op.drop_index("ix_classifications_group_deadline", "classifications")
