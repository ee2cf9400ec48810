"""pre-rendered reader pages

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import babelwire.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rendered_pages",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("rendered_at", babelwire.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("rendered_pages")
