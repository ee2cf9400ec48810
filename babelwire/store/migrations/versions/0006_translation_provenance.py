"""translations.provenance: the model's licence and attribution, kept with each translation

Revision ID: 0006
Revises: 0005

A translation is shown with the model that made it, the model's licence and a link to it
(OPUS-MT: CC-BY 4.0, NLLB-200: CC-BY-NC 4.0). Reading them from the model folder at display time
would fail on a reader machine without the models, and change when a model is replaced, so
they are stored with the translation. Earlier translations have none (NULL).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("translations", sa.Column("provenance", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Not batch mode: rebuilding the table on SQLite would break the search triggers that name it
    # (SQLite has dropped columns in place since 3.35).
    op.execute("ALTER TABLE translations DROP COLUMN provenance")
