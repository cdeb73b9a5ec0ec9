"""Revisions: counters bumped in the same transaction as each write, so that whoever keeps an
answer learns with one read by key whether the store changed since (datasette compares
`PRAGMA schema_version` the same way). `collected` follows what the listings show (posts,
authors, labels, groups, corrections, people); `trainee` follows the trainee's own saved
items and profile, so that saving an item leaves the listings kept.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_revisions",
        sa.Column("name", sa.String(16), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(table, [{"name": "collected", "value": 0}, {"name": "trainee", "value": 0}])


def downgrade() -> None:
    op.drop_table("store_revisions")
