"""Bulk loading of synthetic stores for the benches and the evaluations, and the counts they report.

Two ways in: ``add_articles`` stores articles as the pipeline would leave them (a source, the
article, its first revision and, optionally, a translation), one transaction for all of them;
``insert_rows`` executes many plain rows per table at once (Core ``executemany``), for stores of
tens of thousands of rows where the ORM's per-object work would dominate. Rows are plain dicts
keyed by column name; nothing here knows about benches or datasets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select

from babelwire.store.database import Store
from babelwire.store.models import Article, Base, ErrorRecord, Revision, Source, Story, Translation


@dataclass(frozen=True, slots=True)
class NewSource:
    """A source to create (once, however many articles name it)."""

    url: str
    name: str
    language: str | None = None
    kind: str = "page"
    interval: float = 3600


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article to store with its first revision (``document``, a stored document) and, when
    ``translation`` is given, that revision's translation into ``target`` made by ``engine``.
    ``published`` is also its first sighting (now when None)."""

    url: str
    source: NewSource
    document: dict[str, Any]
    content_hash: str
    title: str | None = None
    language: str | None = None
    published: datetime | None = None
    translation: dict[str, Any] | None = None
    target: str = "en"
    engine: str = "synthetic"


def add_articles(store: Store, articles: Iterable[NewArticle]) -> list[int]:
    """Store the articles in one transaction, each source once (created on first use); their ids, in order."""
    ids: list[int] = []
    with store.transaction() as session:
        sources: dict[NewSource, int] = {}
        for new in articles:
            source_id = sources.get(new.source)
            if source_id is None:
                source = Source(url=new.source.url, kind=new.source.kind, name=new.source.name,
                                interval=new.source.interval, language=new.source.language, consecutive_failures=0)
                session.add(source)
                session.flush()
                source_id = sources[new.source] = source.id
            seen = {"published": new.published, "first_seen_at": new.published} if new.published else {}
            article = Article(url=new.url, source_id=source_id, title=new.title, language=new.language,
                              consecutive_failures=0, **seen)
            session.add(article)
            session.flush()
            revision = Revision(article_id=article.id, number=1, content_hash=new.content_hash, document=new.document)
            session.add(revision)
            if new.translation is not None:
                session.flush()
                session.add(Translation(revision_id=revision.id, target=new.target, engine=new.engine,
                                        engine_id=new.engine, document=new.translation, flags={}))
            ids.append(article.id)
    return ids


def insert_rows(store: Store, batches: Iterable[tuple[str, Sequence[Mapping[str, Any]]]]) -> None:
    """Insert every batch of rows (table name, rows keyed by column) in one transaction, in order,
    each batch in one ``executemany``. ``batches`` may be a generator: rows are made as they go in."""
    with store.engine.begin() as conn:
        for table, rows in batches:
            if rows:
                conn.execute(insert(Base.metadata.tables[table]), list(rows))


def set_story_counts(store: Store, counts: Mapping[int, int]) -> list[int]:
    """Set the article count of the stories in ``counts`` (story id → count), delete every story
    left at 0, in one transaction; the ids of the stories that remain."""
    table = Story.__table__
    with store.engine.begin() as conn:
        rows = [{"sid": story_id, "n": n} for story_id, n in counts.items() if n]
        if rows:
            conn.execute(table.update().where(table.c.id == bindparam("sid")).values(article_count=bindparam("n")),
                         rows)
        conn.execute(table.delete().where(table.c.article_count == 0))
        return [row[0] for row in conn.execute(select(table.c.id))]


def analyze(store: Store) -> None:
    """Refresh the query planner's statistics after a bulk load (SQLite's ANALYZE; nothing elsewhere)."""
    if store.is_sqlite:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")


def count_rows(store: Store, *tables: str) -> dict[str, int]:
    """How many rows each table has (table name → count), read in one session."""
    with store.session() as session:
        return {name: session.scalar(select(func.count()).select_from(Base.metadata.tables[name])) or 0
                for name in tables}


def frequent_errors(store: Store, limit: int = 5) -> list[tuple[str, str, int]]:
    """The most frequent recorded errors: (stage, reason, count), most frequent first."""
    count = func.count(ErrorRecord.id)
    with store.session() as session:
        return [(stage, reason, n) for stage, reason, n in session.execute(
            select(ErrorRecord.stage, ErrorRecord.reason, count).group_by(ErrorRecord.stage, ErrorRecord.reason)
            .order_by(count.desc()).limit(limit))]
