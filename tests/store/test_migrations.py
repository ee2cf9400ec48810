"""The Alembic migrations and the SQLAlchemy models describe the same schema, both ways."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from babelwire.store import Store
from babelwire.store.database import MIGRATIONS
from babelwire.store.models import Base

# Created by raw SQL in migration 0003 (FTS5 on SQLite, a tsvector table on PostgreSQL), not models.
SEARCH_TABLES = {"search_index", "search_documents"}


def _include(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and (name in SEARCH_TABLES or (name or "").startswith("search_index_")))


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def test_migrated_schema_matches_the_models(store: Store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _include, "compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(store: Store):
    with store.engine.begin() as connection:
        command.downgrade(_config(connection), "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    with store.engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    assert {"articles", "stories", "rendered_pages"} <= set(inspect(store.engine).get_table_names())


def test_0008_drops_the_stored_text_and_downgrade_computes_it_again(store: Store):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from babelwire.document import Block, Document
    from babelwire.store.models import Article, Revision, Source, Translation

    document = Document(title="Titre", blocks=[Block("paragraph", "Un."), Block("heading", "Deux")], language="fr")
    now = datetime(2024, 1, 1, tzinfo=UTC)
    with store.transaction() as session:
        source = Source(url="https://example.org/feed.xml", kind="feed", name="S", interval=60.0,
                        consecutive_failures=0, translate=True)
        session.add(source)
        session.flush()
        article = Article(url="https://example.org/a", source_id=source.id, title="Titre", language="fr",
                          first_seen_at=now, consecutive_failures=0)
        session.add(article)
        session.flush()
        revision = Revision(article_id=article.id, number=1, content_hash=document.content_hash(),
                            document=document.to_dict(), fetched_at=now)  # an old row: with "text"
        session.add(revision)
        session.flush()
        session.add(Translation(revision_id=revision.id, target="en", engine="e", engine_id="e", model=None,
                                document=document.to_stored(), flags={}, sentences=2, from_memory=0))

    def stored() -> list[dict]:
        with store.session() as session:
            return [*session.scalars(select(Revision.document)), *session.scalars(select(Translation.document))]

    with store.engine.begin() as connection:
        command.downgrade(_config(connection), "0007")
    assert [d["text"] for d in stored()] == ["Un.\n\nDeux", "Un.\n\nDeux"]
    with store.engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    assert stored() == [document.to_stored(), document.to_stored()]
    assert Document.from_dict(stored()[0]) == document
