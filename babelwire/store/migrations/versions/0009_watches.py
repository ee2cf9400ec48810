"""watches: named queries over every article, their matches, and the deliveries of those matches

Revision ID: 0009
Revises: 0008

``babelwire watch add grushko 'Grushko'`` stores a watch; the notify stage matches every new revision
against every watch once (``watch_scans``), records a match per watch and revision
(``watch_matches``, unique) and one delivery per match and channel (``watch_deliveries``, unique:
webhook, mail, digest), so a redelivered task or a second worker never alerts twice.
"""

import sqlalchemy as sa
from alembic import op

import babelwire.store.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = babelwire.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("source_ids", sa.JSON(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("feed_token", sa.String(length=64), nullable=True),
        sa.Column("webhook_url", sa.String(length=2048), nullable=True),
        sa.Column("webhook_secret", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_mode", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("last_digest_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "watch_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("matched_at", UTC(timezone=True), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("watch_id", "revision_id"),
    )
    op.create_index("ix_watch_matches_article_id", "watch_matches", ["article_id"], unique=False)
    op.create_index("ix_watch_matches_watch_matched_at", "watch_matches", ["watch_id", "matched_at"], unique=False)
    op.create_table(
        "watch_scans",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("scanned_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("revision_id"),
    )
    # Revisions stored before watches existed count as scanned: a first watch alerts on new
    # articles, not on the whole archive (`babelwire watch test` looks back).
    op.execute("INSERT INTO watch_scans (revision_id, scanned_at) SELECT id, fetched_at FROM revisions")
    op.create_table(
        "watch_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["match_id"], ["watch_matches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("match_id", "channel"),
    )
    op.create_index("ix_watch_deliveries_watch_id", "watch_deliveries", ["watch_id"], unique=False)
    op.create_index("ix_watch_deliveries_status_next", "watch_deliveries", ["status", "next_attempt_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_watch_deliveries_status_next", "watch_deliveries")
    op.drop_index("ix_watch_deliveries_watch_id", "watch_deliveries")
    op.drop_table("watch_deliveries")
    op.drop_table("watch_scans")
    op.drop_index("ix_watch_matches_watch_matched_at", "watch_matches")
    op.drop_index("ix_watch_matches_article_id", "watch_matches")
    op.drop_table("watch_matches")
    op.drop_table("watches")
