"""articles.listed_at: the reader's lists by publication time

Revision ID: 0005
Revises: 0004

Lists were ordered by when babelwire first saw an article, so the articles of one poll (a new
source's backlog) came out in arbitrary order. ``listed_at`` is the publication time, or the
first sighting when the page gives none or a time after it.
"""

import sqlalchemy as sa
from alembic import op

import babelwire.store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed_at", babelwire.store.models.UTCDateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE articles SET listed_at = CASE WHEN published IS NOT NULL AND published < first_seen_at "
        "THEN published ELSE first_seen_at END"
    )
    op.create_index("ix_articles_listed_at", "articles", ["listed_at"])
    op.create_index("ix_articles_source_listed_at", "articles", ["source_id", "listed_at"])
    op.create_index("ix_articles_language_listed_at", "articles", ["language", "listed_at"])


def downgrade() -> None:
    op.drop_index("ix_articles_language_listed_at", "articles")
    op.drop_index("ix_articles_source_listed_at", "articles")
    op.drop_index("ix_articles_listed_at", "articles")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("listed_at")
