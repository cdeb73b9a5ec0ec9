"""The tables, as the running code sees them. Migrations in `migrations/` create them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()
Json = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
Timestamp = DateTime(timezone=True)
Key = BigInteger().with_variant(Integer(), "sqlite")  # SQLite needs INTEGER for the rowid alias

authors = Table(
    "authors", metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("author_id", Text, nullable=False),
    Column("handle", Text, nullable=False),
    Column("name", Text),
    Column("bio", Text),
    Column("followers", Integer),
    Column("url", Text),
    Column("matched", Boolean, nullable=False, default=False),
    Column("raw", Json),
    Column("updated_at", Timestamp, nullable=False),
    UniqueConstraint("platform", "author_id", name="uq_authors_platform_id"),
    Index("ix_authors_handle", "platform", "handle"),
)

posts = Table(
    "posts", metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("post_id", Text, nullable=False),
    Column("url", Text),
    Column("author_id", Text),
    Column("text", Text, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("lang", String(16)),
    Column("hashtags", Json, nullable=False),
    Column("mentions", Json, nullable=False),
    Column("urls", Json, nullable=False),
    Column("reply_to", Text),
    Column("reply_to_author", Text),
    Column("quote_of", Text),
    Column("repost_of", Text),
    Column("conversation_id", Text),
    Column("local_ref", Text),
    Column("metrics", Json),
    Column("origin", String(16), nullable=False),
    Column("source", String(32), nullable=False),
    Column("raw", Json, nullable=False),
    Column("imported_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    # How good the stored text is (models.text_rank): a record of the post with a better text
    # replaces it (0011). The newest version of an edited post ranks highest.
    Column("text_rank", Integer, nullable=False, server_default="7"),
    Column("version_id", Text),  # the id of the stored version of an edited post (0011)
    UniqueConstraint("platform", "post_id", name="uq_posts_platform_id"),
    Index("ix_posts_created_at", "created_at"),
    Index("ix_posts_author", "platform", "author_id"),
    Index("ix_posts_conversation", "platform", "conversation_id"),
    Index("ix_posts_reply_to", "platform", "reply_to"),
    Index("ix_posts_local_ref", "local_ref"),
)

post_versions = Table(  # every version seen of an edited post, the older ones its history (0011)
    "post_versions", metadata,
    Column("post_pk", Key, ForeignKey("posts.pk", ondelete="CASCADE"), primary_key=True),
    Column("version_id", Text, primary_key=True),
    Column("position", Integer, nullable=False),  # 0: the original
    Column("text", Text, nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

post_hashtags = Table(
    "post_hashtags", metadata,
    Column("post_pk", Key, ForeignKey("posts.pk", ondelete="CASCADE"), primary_key=True),
    Column("tag", Text, primary_key=True),  # normalised: NFC, case-folded, no '#'
    Column("display", Text, nullable=False),  # the spelling used in the post
    Index("ix_post_hashtags_tag", "tag"),
)

classifications = Table(
    "classifications", metadata,
    Column("post_pk", Key, ForeignKey("posts.pk", ondelete="CASCADE"), primary_key=True),
    Column("model_version", String(64), nullable=False),
    Column("is_opportunity", Boolean, nullable=False),
    Column("labels", Json, nullable=False),
    Column("scores", Json, nullable=False),
    Column("extract", Json, nullable=False),
    Column("links", Json, nullable=False),
    Column("why", Text, nullable=False),
    Column("deadline", Date),
    Column("closes_call", Boolean, nullable=False),  # the post says a call is filled or closed
    Column("opportunity_pk", Key),  # the first post of the opportunity this post belongs to
    Column("closed", Boolean, nullable=False),  # its author said the opportunity is closed
    Column("classified_at", Timestamp, nullable=False),
    Column("margin", Float),  # how near the model came to another answer (0008); None: not asked
    # The call's last day to act (0012): a stated deadline, an event's day or an estimate
    # (classify/lifecycle.py); grouping sets it on every member of the call.
    Column("open_until", Date),
    Column("open_until_basis", String(16)),  # stated | event | estimated
    Column("event_at", Timestamp),  # when the call's event starts, if its text says
    Column("eligibility", Json),  # who may take the call (0013); None: anyone
    Index("ix_classifications_opportunity", "is_opportunity", "deadline"),
    Index("ix_classifications_group", "opportunity_pk"),
    Index("ix_classifications_version", "model_version"),
    Index("ix_classifications_margin", "margin"),
)

label_corrections = Table(  # labels set by a person; they win over the model's (0008)
    "label_corrections", metadata,
    Column("post_pk", Key, ForeignKey("posts.pk", ondelete="CASCADE"), primary_key=True),
    Column("labels", Json, nullable=False),  # [] means "not an opportunity"
    Column("form", String(16)),
    Column("corrected_by", Text, nullable=False),
    Column("model_version", String(64)),  # the model whose answer this corrects
    Column("model_labels", Json),  # what that model said
    Column("corrected_at", Timestamp, nullable=False),
    Index("ix_label_corrections_time", "corrected_at"),
)

post_facets = Table(
    "post_facets", metadata,
    Column("post_pk", Key, ForeignKey("posts.pk", ondelete="CASCADE"), primary_key=True),
    Column("facet", String(16), primary_key=True),  # label, audience, contact, topic
    Column("value", String(64), primary_key=True),
    Column("created_at", Timestamp),  # the post's (migration 0007), for listings in time order
    Index("ix_post_facets_time", "facet", "value", "created_at", "post_pk"),
)

collection_state = Table(
    "collection_state", metadata,
    Column("source", String(32), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("value", Json, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)

post_traits = Table(  # what one post says about its author; see people/traits.py
    "post_traits", metadata,
    Column("post_pk", Key, ForeignKey("posts.pk", ondelete="CASCADE"), primary_key=True),
    Column("version", String(16), nullable=False),  # the traits code that read it
    Column("topics", Json, nullable=False),
    Column("evidence", Json, nullable=False),  # [[role, weight, cue], ...]
    Column("flags", Integer, nullable=False),
)

author_profiles = Table(  # built from post_traits by people/profiles.py
    "author_profiles", metadata,
    Column("platform", String(16), primary_key=True),
    Column("author_id", Text, primary_key=True),
    Column("handle", Text, nullable=False),
    Column("name", Text),
    Column("role", String(32), nullable=False),
    Column("role_confidence", Float, nullable=False),
    Column("role_cues", Json, nullable=False),
    Column("interests", Json, nullable=False),  # topic -> recency-weighted count
    Column("signals", Json, nullable=False),
    Column("background", Json, nullable=False),  # only as stated by the author
    Column("institution", Text),
    Column("opted_out", Boolean, nullable=False),
    Column("last_active", Timestamp),
    # The main account of the person this account belongs to (account_links); NULL for a
    # main account or an account on its own: the directory lists only those.
    Column("person_platform", String(16)),
    Column("person_id", Text),
    Index("ix_author_profiles_role", "role", "opted_out"),
)

account_links = Table(  # one person's accounts; see people/linking.py
    "account_links", metadata,
    Column("a_platform", String(16), primary_key=True),  # the pair in order: a < b
    Column("a_id", Text, primary_key=True),
    Column("b_platform", String(16), primary_key=True),
    Column("b_id", Text, primary_key=True),
    Column("kind", String(16), nullable=False),  # found, manual, unlinked (undone by hand)
    Column("reason", Text, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)

saved_opportunities = Table(  # the trainee's tracked opportunities; see tracking.py
    "saved_opportunities", metadata,
    Column("opportunity_id", Text, primary_key=True),  # "platform:post_id"
    Column("post_pk", Key, ForeignKey("posts.pk", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("saved_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Index("ix_saved_opportunities_post", "post_pk"),
    Index("ix_saved_opportunities_status", "status", "updated_at"),
)

trainee_profile = Table(  # one row (id 1): this store's trainee, as the TOML profile's shape
    "trainee_profile", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("profile", Json, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)

store_revisions = Table(  # write counters (0009); see store/revision.py
    "store_revisions", metadata,
    Column("name", String(16), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# Listing indexes (migration 0006): a call's latest deadline, and calls by deadline.
Index("ix_classifications_group_deadline", classifications.c.opportunity_pk,
      classifications.c.deadline)
Index("ix_classifications_deadline", classifications.c.deadline,
      classifications.c.opportunity_pk)
