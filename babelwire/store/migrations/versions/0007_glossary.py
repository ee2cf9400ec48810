"""glossary: required translations of terms and names, global or per source

Revision ID: 0007
Revises: 0006

``babelwire glossary add Grouchko Grushko --from fr --to en`` makes every fr→en translation write
"Grushko"; with ``--source`` the entry holds for that source only and overrides a global entry
for the same term. Unique per (source_lang, target_lang, term, source_id); because NULLs are
distinct in unique constraints, a partial unique index keeps global terms unique too.
"""

import sqlalchemy as sa
from alembic import op

import babelwire.store.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "glossary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_lang", sa.String(length=16), nullable=False),
        sa.Column("target_lang", sa.String(length=16), nullable=False),
        sa.Column("term", sa.String(length=300), nullable=False),
        sa.Column("translation", sa.String(length=300), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", babelwire.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_lang", "target_lang", "term", "source_id"),
    )
    op.create_index("ix_glossary_source_id", "glossary", ["source_id"], unique=False)
    op.create_index(
        "uq_glossary_global_term", "glossary", ["source_lang", "target_lang", "term"], unique=True,
        sqlite_where=sa.text("source_id IS NULL"), postgresql_where=sa.text("source_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_glossary_global_term", "glossary")
    op.drop_index("ix_glossary_source_id", "glossary")
    op.drop_table("glossary")
