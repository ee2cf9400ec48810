"""The store on real databases: migrations, transactions, constraints."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from babelwire.errors import ConfigError
from babelwire.store import Store
from babelwire.store.database import MIGRATIONS
from babelwire.store.models import Article, Revision, Source


def _source(session, url="https://example.org/feed.xml") -> Source:
    source = Source(url=url, kind="feed", name="example", interval=900, consecutive_failures=0)
    session.add(source)
    session.flush()
    return source


def test_migrations_create_every_table(store: Store):
    tables = set(inspect(store.engine).get_table_names())
    assert {"sources", "articles", "article_urls", "revisions", "fetch_queue", "errors", "translations",
            "translation_memory", "alembic_version"} <= tables


def test_migrating_again_is_a_no_op(store: Store):
    with store.transaction() as session:
        _source(session)
    before = inspect(store.engine).get_table_names()
    # A real second Alembic run (not the once-per-process shortcut) on a database at head.
    Store(store.url).migrate(again=True)
    with store.session() as session:
        (version,) = session.scalars(text("SELECT version_num FROM alembic_version")).all()
        assert len(session.scalars(select(Source)).all()) == 1  # the data is still there
    assert version == ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert inspect(store.engine).get_table_names() == before


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def test_transaction_rolls_back_on_error(store: Store):
    with pytest.raises(RuntimeError), store.transaction() as session:
        _source(session)
        raise RuntimeError("boom")
    with store.session() as session:
        assert session.scalars(select(Source)).all() == []


def test_unique_constraints_prevent_duplicates(store: Store):
    with store.transaction() as session:
        source = _source(session)
        article = Article(url="https://example.org/a", source_id=source.id, consecutive_failures=0)
        session.add(article)
        session.flush()
        session.add(Revision(article_id=article.id, number=1, content_hash="x", document={}))
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(Article(url="https://example.org/a", source_id=source.id, consecutive_failures=0))
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(Revision(article_id=article.id, number=1, content_hash="y", document={}))


def test_deleting_a_source_deletes_its_articles(store: Store):
    with store.transaction() as session:
        source = _source(session)
        session.add(Article(url="https://example.org/a", source_id=source.id, consecutive_failures=0))
    with store.transaction() as session:
        session.delete(session.get(Source, source.id))
    with store.session() as session:
        assert session.scalars(select(Article)).all() == []


def test_datetimes_come_back_timezone_aware(store: Store):
    from datetime import datetime

    with store.transaction() as session:
        source = _source(session)
        source.last_success_at = datetime(2022, 1, 12, 18, 30)
    with store.session() as session:
        value = session.get(Source, source.id).last_success_at
    assert value.tzinfo is not None and value.hour == 18


def test_sqlite_uses_wal(tmp_path: Path):
    db = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with db.session() as session:
        assert session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert session.scalar(text("PRAGMA foreign_keys")) == 1


def test_invalid_url_is_a_config_error():
    with pytest.raises(ConfigError):
        Store("not a url")
