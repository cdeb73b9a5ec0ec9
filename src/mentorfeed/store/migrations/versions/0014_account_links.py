"""One person, many accounts: `account_links` keeps the links between accounts (found in what
they publish, added by hand, or undone by hand: an undone link stays undone when the links are
found again), and `author_profiles.person_*` names the main account of the person an account
belongs to (NULL for a main account or one on its own), so the directory lists a person once.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "account_links",
        sa.Column("a_platform", sa.String(16), primary_key=True),
        sa.Column("a_id", sa.Text, primary_key=True),
        sa.Column("b_platform", sa.String(16), primary_key=True),
        sa.Column("b_id", sa.Text, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),  # found, manual, unlinked
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
    )
    op.add_column("author_profiles", sa.Column("person_platform", sa.String(16)))
    op.add_column("author_profiles", sa.Column("person_id", sa.Text))


def downgrade() -> None:
    op.drop_column("author_profiles", "person_id")
    op.drop_column("author_profiles", "person_platform")
    op.drop_table("account_links")
