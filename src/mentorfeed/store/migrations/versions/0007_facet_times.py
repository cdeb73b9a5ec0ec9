"""Facet times: each facet row keeps its post's time, so that a listing with a label, audience
or topic walks that facet's posts newest first from one index (and skips a deep page's earlier
rows there) instead of walking every post.

A post's time is when it was written; it never changes once the post is stored.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("post_facets") as batch:
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE post_facets SET created_at = "
               "(SELECT posts.created_at FROM posts WHERE posts.pk = post_facets.post_pk)")
    op.drop_index("ix_post_facets_value", "post_facets")
    op.create_index("ix_post_facets_time", "post_facets",
                    ["facet", "value", "created_at", "post_pk"])


def downgrade() -> None:
    op.drop_index("ix_post_facets_time", "post_facets")
    op.create_index("ix_post_facets_value", "post_facets", ["facet", "value", "post_pk"])
    with op.batch_alter_table("post_facets") as batch:
        batch.drop_column("created_at")
