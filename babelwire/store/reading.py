"""Queries for readers (web pages, JSON API, feeds): few, index-backed, one page at a time.

``store.articles`` holds the shapes the CLI prints; this module adds what a reader needs on top:
translated titles in one query per page, the documents of a page of articles, a change stamp for
HTTP caching, and a read-only view of the store that never takes SQLite's write lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from babelwire.store.database import Store
from babelwire.store.models import Article, ErrorRecord, Revision, Source, Story, Translation


class ReadStore(Store):
    """The same database for reading only. On SQLite its transactions are deferred (WAL readers
    never wait for each other or for a writer), where ``Store`` begins every transaction
    IMMEDIATE, which would serialise concurrent page views behind one lock."""

    def __init__(self, store: Store, *, pool_size: int = 8) -> None:  # no super(): no migration, own engine
        self.url = store.url
        self.is_sqlite = store.is_sqlite
        self.writer = store
        if not store.is_sqlite:
            self.engine = store.engine
        else:
            self.engine = create_engine(store.url, connect_args={"check_same_thread": False, "timeout": 60},
                                        pool_size=pool_size, max_overflow=4 * pool_size)

            @event.listens_for(self.engine, "connect")
            def _on_connect(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.isolation_level = None
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA query_only=ON")
                cursor.execute("PRAGMA busy_timeout=60000")
                cursor.close()

            @event.listens_for(self.engine, "begin")
            def _on_begin(connection: Any) -> None:
                # One snapshot per page (several queries), without the write lock.
                connection.exec_driver_sql("BEGIN")

        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Nothing to do: the writing store migrated the schema."""

    def close(self) -> None:
        if self.engine is not self.writer.engine:
            self.engine.dispose()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def newest_revision_id() -> Any:
    """Correlated subquery: the id of the current article's newest revision."""
    return (
        select(Revision.id).where(Revision.article_id == Article.id).order_by(Revision.number.desc()).limit(1)
        .correlate(Article).scalar_subquery()
    )


def latest_articles(
    store: Store, *, target: str, source_id: int | None = None, language: str | None = None,
    story_id: int | None = None, ids: list[int] | None = None, limit: int = 30, offset: int = 0,
    by: Literal["published", "seen"] = "published",
) -> list[dict[str, Any]]:
    """Articles newest first with outlet, language, times, revision count and the title translated
    into ``target`` (None when there is no translation yet). ``by="published"`` orders them by
    publication time (``Article.listed_at``) as readers expect; ``by="seen"`` by when babelwire
    first saw them, so a feed shows an old article found today at the top, where feed readers
    look for what is new."""
    newest = newest_revision_id()
    revision_count = (
        select(func.count(Revision.id)).where(Revision.article_id == Article.id).correlate(Article)
        .scalar_subquery()
    )
    t = aliased(Translation)
    query = (
        select(Article.id, Article.url, Article.title, Article.language, Article.source_id, Source.name,
               Source.language.label("source_language"), Article.first_seen_at, Article.published,
               Article.modified, Article.last_changed_at, Article.story_id, revision_count.label("revisions"),
               newest.label("revision_id"), t.document["title"].as_string().label("translated_title"),
               t.engine, t.model)
        .join(Source, Source.id == Article.source_id)
        .outerjoin(t, (t.revision_id == newest) & (t.target == target))
        .order_by((Article.listed_at if by == "published" else Article.first_seen_at).desc(), Article.id.desc())
        .limit(limit).offset(offset)
    )
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    if language is not None:
        query = query.where(Article.language == language)
    if story_id is not None:
        query = query.where(Article.story_id == story_id)
    if ids is not None:
        query = query.where(Article.id.in_(ids))
    with store.session() as session:
        return [
            {
                "id": row.id,
                "url": row.url,
                "title": row.title,
                "translated_title": row.translated_title,
                "target": target,
                "language": row.language or row.source_language,
                "source": row.name,
                "source_id": row.source_id,
                "story_id": row.story_id,
                "revisions": row.revisions,
                "revision_id": row.revision_id,
                "engine": row.engine,
                "model": row.model,
                "first_seen_at": _iso(row.first_seen_at),
                "published": _iso(row.published),
                "modified": _iso(row.modified),
                "updated": _iso(row.last_changed_at or row.first_seen_at),
            }
            for row in session.execute(query)
        ]


def revision_documents(
    store: Store, revision_ids: list[int], *, target: str
) -> dict[int, tuple[dict[str, Any], dict[str, Any] | None]]:
    """For each revision id: (original document, translation into ``target`` as a dict or None)."""
    if not revision_ids:
        return {}
    with store.session() as session:
        originals = dict(session.execute(
            select(Revision.id, Revision.document).where(Revision.id.in_(revision_ids))).all())
        translations = {
            t.revision_id: t for t in session.scalars(
                select(Translation).where(Translation.revision_id.in_(revision_ids), Translation.target == target))
        }
    result: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}
    for revision_id, document in originals.items():
        t = translations.get(revision_id)
        result[revision_id] = (document, None if t is None else {
            "target": t.target, "engine": t.engine, "model": t.model, "document": t.document, "flags": t.flags,
            "provenance": t.provenance or {},
            "created_at": _iso(t.created_at),
        })
    return result


def story_row(store: Store, story_id: int) -> dict[str, Any] | None:
    """A story's own fields (title, span, article count), or None."""
    with store.session() as session:
        story = session.get(Story, story_id)
        if story is None:
            return None
        return {"id": story.id, "title": story.title, "start_at": _iso(story.start_at), "end_at": _iso(story.end_at),
                "updated_at": _iso(story.updated_at), "article_count": story.article_count}


def source_names(store: Store) -> list[tuple[int, str]]:
    """(id, name) of every source, for filters."""
    with store.session() as session:
        return [(row.id, row.name) for row in session.execute(select(Source.id, Source.name).order_by(Source.name))]


def article_languages(store: Store) -> list[str]:
    """The languages articles are written in, for filters."""
    with store.session() as session:
        return sorted(lang for lang in session.scalars(select(Article.language).distinct()) if lang)


def change_stamp(session: Session) -> tuple[tuple[Any, ...], datetime | None]:
    """A value that changes whenever anything a reader sees changes, and the time of the latest
    change: index-backed maxima and counts, one round trip."""

    def scalar(query: Any) -> Any:
        return query.scalar_subquery()

    row = session.execute(select(
        scalar(select(func.max(Revision.id))),
        scalar(select(func.max(Translation.id))),
        scalar(select(func.max(Article.id))),
        scalar(select(func.count(Article.id))),
        scalar(select(func.max(Story.updated_at))),
        scalar(select(func.count(Story.id))),
        scalar(select(func.count(Source.id))),
        scalar(select(func.max(Source.id))),
        scalar(select(func.max(Source.last_polled_at))),
        scalar(select(func.max(Source.last_error_at))),
        scalar(select(func.sum(Source.consecutive_failures))),
        scalar(select(func.max(ErrorRecord.id))),
        scalar(select(Revision.fetched_at).order_by(Revision.id.desc()).limit(1)),
        scalar(select(Translation.created_at).order_by(Translation.id.desc()).limit(1)),
    )).one()
    times = [value for value in (row[4], row[8], row[12], row[13]) if isinstance(value, datetime)]
    return tuple(row), max(times) if times else None
