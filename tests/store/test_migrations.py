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
