"""How long each call stays open: the day it stops being something a trainee can act on
(`open_until`), how that was known (`open_until_basis`: a stated deadline, an event's day, or
estimated from a lifetime), and when its event starts (`event_at`). Grouping fills them (every
member of a call carries its call's values); a store upgraded from 0011 has them empty, and
listing falls back to the deadline until `mentorfeed classify` regroups it.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classifications") as batch:
        batch.add_column(sa.Column("open_until", sa.Date))
        batch.add_column(sa.Column("open_until_basis", sa.String(16)))
        batch.add_column(sa.Column("event_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("classifications") as batch:
        batch.drop_column("event_at")
        batch.drop_column("open_until_basis")
        batch.drop_column("open_until")
