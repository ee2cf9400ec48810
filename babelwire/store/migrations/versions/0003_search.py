"""full-text search index, reader indexes and the features an article was grouped by

Revision ID: 0003
Revises: 0002

SQLite: an FTS5 table ``search_index`` whose rowid is ``article_id * 64 + slot`` (slot 0: the
original of the newest revision, 1..63: its translations), kept current by triggers.
PostgreSQL: a table ``search_documents`` with a generated tsvector and a GIN index, kept current
by trigger functions. Triggers (not pipeline calls) so every writer (local runner, Celery
workers, tests inserting rows) keeps the index correct without knowing about it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# --- SQLite -------------------------------------------------------------------------------------
_SQLITE_BODY = (
    "(SELECT group_concat(json_extract(b.value, '$.text'), char(10)) FROM json_each({doc}, '$.blocks') AS b)"
)


def _sqlite_reindex(article: str) -> list[str]:
    """Statements that rebuild the index rows of one article (``article`` is an SQL expression)."""
    newest = f"(SELECT id FROM revisions WHERE article_id = {article} ORDER BY number DESC LIMIT 1)"
    return [
        f"DELETE FROM search_index WHERE rowid BETWEEN ({article}) * 64 AND ({article}) * 64 + 63",
        "INSERT INTO search_index(rowid, title, body, lang) "
        f"SELECT r.article_id * 64, json_extract(r.document, '$.title'), {_SQLITE_BODY.format(doc='r.document')}, "
        f"json_extract(r.document, '$.language') FROM revisions r WHERE r.id = {newest}",
        "INSERT INTO search_index(rowid, title, body, lang) "
        "SELECT r.article_id * 64 + row_number() OVER (ORDER BY t.id), json_extract(t.document, '$.title'), "
        f"{_SQLITE_BODY.format(doc='t.document')}, t.target "
        f"FROM translations t JOIN revisions r ON r.id = t.revision_id WHERE t.revision_id = {newest} "
        "ORDER BY t.id LIMIT 63",
    ]


def _sqlite_trigger(name: str, event: str, table: str, article: str) -> str:
    body = ";\n  ".join(_sqlite_reindex(article))
    return f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN\n  {body};\nEND"


def _upgrade_sqlite() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body, lang UNINDEXED, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    bind.exec_driver_sql(_sqlite_trigger("search_revisions_ai", "INSERT", "revisions", "NEW.article_id"))
    bind.exec_driver_sql(_sqlite_trigger("search_revisions_ad", "DELETE", "revisions", "OLD.article_id"))
    for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        article = f"(SELECT article_id FROM revisions WHERE id = {row}.revision_id)"
        bind.exec_driver_sql(_sqlite_trigger(f"search_translations_{event[0].lower()}", event, "translations",
                                             article))
    bind.exec_driver_sql(
        "CREATE TRIGGER search_articles_ad AFTER DELETE ON articles FOR EACH ROW BEGIN\n"
        "  DELETE FROM search_index WHERE rowid BETWEEN OLD.id * 64 AND OLD.id * 64 + 63;\nEND"
    )
    # Backfill what earlier versions stored.
    newest = "r.number = (SELECT max(number) FROM revisions r2 WHERE r2.article_id = r.article_id)"
    bind.exec_driver_sql(
        "INSERT INTO search_index(rowid, title, body, lang) "
        f"SELECT r.article_id * 64, json_extract(r.document, '$.title'), {_SQLITE_BODY.format(doc='r.document')}, "
        f"json_extract(r.document, '$.language') FROM revisions r WHERE {newest}"
    )
    bind.exec_driver_sql(
        "INSERT INTO search_index(rowid, title, body, lang) "
        "SELECT r.article_id * 64 + row_number() OVER (PARTITION BY t.revision_id ORDER BY t.id), "
        f"json_extract(t.document, '$.title'), {_SQLITE_BODY.format(doc='t.document')}, t.target "
        f"FROM translations t JOIN revisions r ON r.id = t.revision_id WHERE {newest}"
    )


def _downgrade_sqlite() -> None:
    bind = op.get_bind()
    for name in ("search_revisions_ai", "search_revisions_ad", "search_translations_i", "search_translations_d",
                 "search_articles_ad"):
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    bind.exec_driver_sql("DROP TABLE IF EXISTS search_index")


# --- PostgreSQL ---------------------------------------------------------------------------------
_PG_BODY = "(SELECT string_agg(b->>'text', E'\\n') FROM json_array_elements({doc}->'blocks') AS b)"

_PG_STATEMENTS = [
    """CREATE TABLE search_documents (
        article_id integer NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        slot varchar(16) NOT NULL,
        lang varchar(16),
        title text,
        body text,
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', coalesce(title, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(body, '')), 'B')) STORED,
        PRIMARY KEY (article_id, slot))""",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING GIN (tsv)",
    f"""CREATE FUNCTION babelwire_reindex_article(a integer) RETURNS void AS $$
    DECLARE rev_id integer; rev_doc json;
    BEGIN
        DELETE FROM search_documents WHERE article_id = a;
        SELECT id, document INTO rev_id, rev_doc FROM revisions WHERE article_id = a ORDER BY number DESC LIMIT 1;
        IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM articles WHERE id = a) THEN RETURN; END IF;
        INSERT INTO search_documents(article_id, slot, lang, title, body)
            VALUES (a, '', rev_doc->>'language', rev_doc->>'title', {_PG_BODY.format(doc='rev_doc')});
        INSERT INTO search_documents(article_id, slot, lang, title, body)
            SELECT a, t.target, t.target, t.document->>'title', {_PG_BODY.format(doc='t.document')}
            FROM translations t WHERE t.revision_id = rev_id;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION babelwire_search_revision() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN PERFORM babelwire_reindex_article(OLD.article_id);
        ELSE PERFORM babelwire_reindex_article(NEW.article_id); END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION babelwire_search_translation() RETURNS trigger AS $$
    DECLARE rev integer;
    BEGIN
        IF TG_OP = 'DELETE' THEN rev := OLD.revision_id; ELSE rev := NEW.revision_id; END IF;
        PERFORM babelwire_reindex_article(article_id) FROM revisions WHERE id = rev;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER search_revisions AFTER INSERT OR DELETE ON revisions "
    "FOR EACH ROW EXECUTE FUNCTION babelwire_search_revision()",
    "CREATE TRIGGER search_translations AFTER INSERT OR DELETE ON translations "
    "FOR EACH ROW EXECUTE FUNCTION babelwire_search_translation()",
    "SELECT babelwire_reindex_article(id) FROM articles",
]


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    for statement in _PG_STATEMENTS:
        bind.exec_driver_sql(statement)


def _downgrade_postgresql() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS search_translations ON translations")
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS search_revisions ON revisions")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS babelwire_search_translation()")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS babelwire_search_revision()")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS babelwire_reindex_article(integer)")
    bind.exec_driver_sql("DROP TABLE IF EXISTS search_documents")


def upgrade() -> None:
    # What an article was grouped into its story by (babelwire.stories.grouping).
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_features", sa.JSON(), nullable=True))
    # Reader lists filter by source or language and sort by first-seen time.
    op.create_index("ix_articles_source_first_seen", "articles", ["source_id", "first_seen_at"])
    op.create_index("ix_articles_language_first_seen", "articles", ["language", "first_seen_at"])
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _downgrade_sqlite()
    else:
        _downgrade_postgresql()
    op.drop_index("ix_articles_language_first_seen", "articles")
    op.drop_index("ix_articles_source_first_seen", "articles")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("story_features")
