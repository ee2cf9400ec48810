"""documents: the derived "text" key is no longer stored in revisions and translations

Revision ID: 0008
Revises: 0007

Every stored document carried ``text``, its blocks joined by blank lines: a second copy of the
body in each revision and translation. Readers compute it from the blocks
(``store.readmodels.StoredDocument.text``); the search index already reads the blocks. The key
is removed in place, everything else kept. Plain UPDATEs, no table rebuild: the search triggers
name these tables (see 0006). Downgrade computes the key again from the blocks.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("revisions", "translations")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:
            op.execute(f"UPDATE {table} SET document = json_remove(document, '$.text') "
                       "WHERE json_valid(document) AND json_type(document, '$.text') IS NOT NULL")
        else:
            op.execute(f"UPDATE {table} SET document = (document::jsonb - 'text')::json "
                       "WHERE json_typeof(document) = 'object' AND (document::jsonb) -> 'text' IS NOT NULL")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:
            op.execute(
                f"UPDATE {table} SET document = json_set(document, '$.text', coalesce("
                "(SELECT group_concat(json_extract(b.value, '$.text'), char(10) || char(10)) "
                "FROM json_each(document, '$.blocks') AS b), '')) "
                "WHERE json_valid(document) AND json_type(document) = 'object'")
        else:
            op.execute(
                f"UPDATE {table} SET document = (document::jsonb || jsonb_build_object('text', coalesce("
                "(SELECT string_agg(b.value ->> 'text', E'\\n\\n' ORDER BY b.ordinality) "
                "FROM json_array_elements(document -> 'blocks') WITH ORDINALITY AS b(value, ordinality)), '')))::json "
                "WHERE json_typeof(document) = 'object'")
