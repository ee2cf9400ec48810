"""The watched sources: adding, finding, changing and removing them, and when they are due.

The pipeline decides what a source is (probing its URL, parsing durations and OPML); these
functions only store and read it, each in one transaction. Names are fitted to their column here,
so a feed's megabyte title cannot fail an insert on PostgreSQL (see ``store.limits``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from babelwire.errors import SourceExistsError
from babelwire.store.database import Store
from babelwire.store.limits import MAX_SOURCE_NAME, cut_text
from babelwire.store.models import Article, Base, Revision, Source, Story, Translation, utcnow
from babelwire.urls import normalise_url

MAX_ENGINE: int = Source.__table__.c.engine.type.length
"""Longest engine name a source can be given: 64."""


def display_name(name: str | None, url: str) -> str:
    """A source's display name: the one given (a feed's title by default), on one line and cut to
    fit its column, else the URL's host."""
    cleaned = " ".join((name or "").split()).replace("\x00", "")
    return cut_text(cleaned or urlsplit(url).netloc, MAX_SOURCE_NAME) or url[:MAX_SOURCE_NAME]


def find_source(session: Session, ref: str) -> Source | None:
    """A source by id or URL (normalised as ``source add`` stores it), in ``session``."""
    if ref.isdigit():
        return session.get(Source, int(ref))
    return session.scalar(select(Source).where(Source.url == normalise_url(ref)))


def count_source_articles(session: Session, source_id: int) -> int:
    """How many articles a source has."""
    return session.scalar(select(func.count(Article.id)).where(Article.source_id == source_id)) or 0


def create_source(
    store: Store, *, url: str, kind: str, name: str | None, language: str | None, interval: float,
    translate_to: list[str] | None, engine: str | None, translate: bool,
) -> Source:
    """Store a new source, due for polling at once; its name is fitted by ``display_name``.

    ``url`` must already be normalised; raises :class:`SourceExistsError` (and stores nothing)
    when a source has that URL."""
    with store.transaction() as session:
        existing = session.scalar(select(Source).where(Source.url == url))
        if existing is not None:
            raise SourceExistsError(f"already watched as source {existing.id} ({existing.name})", url=url)
        source = Source(url=url, kind=kind, name=display_name(name, url), language=language,
                        interval=interval, created_at=utcnow(), next_poll_at=utcnow(), consecutive_failures=0,
                        translate_to=translate_to, engine=engine, translate=translate)
        session.add(source)
    return source


def update_source(store: Store, ref: str, columns: Mapping[str, object], *,
                  interval: float | None = None) -> Source | None:
    """Set the given columns of the source with id or URL ``ref`` (a ``name`` is fitted by
    ``display_name``); a new poll ``interval`` also makes it due at once. None when there is no
    such source."""
    with store.transaction() as session:
        source = find_source(session, ref)
        if source is None:
            return None
        if interval is not None:
            source.interval = interval
            source.next_poll_at = utcnow()
        for key, value in columns.items():
            if key == "name":
                source.name = display_name(str(value), source.url)
            else:
                setattr(source, key, value)
    return source


def delete_source(store: Store, ref: str) -> tuple[Source, int] | None:
    """Delete the source with id or URL ``ref`` and its articles; returns (source, how many articles
    it had), or None when there is no such source."""
    with store.transaction() as session:
        source = find_source(session, ref)
        if source is None:
            return None
        count = count_source_articles(session, source.id)
        session.delete(source)
    return source, count


def list_sources(store: Store) -> list[Source]:
    """Every source, in the order they were added."""
    with store.session() as session:
        return list(session.scalars(select(Source).order_by(Source.id)))


def next_poll_times(store: Store) -> list[datetime | None]:
    """Each source's next poll time (None: due at once), one per source."""
    with store.session() as session:
        return list(session.scalars(select(Source.next_poll_at)))


# The whole store at once (``babelwire demo``).

@dataclass(frozen=True)
class StoreCounts:
    """How much the store holds."""

    sources: int
    articles: int
    revisions: int
    translations: int
    stories: int  # stories with at least one article


def count_rows(store: Store) -> StoreCounts:
    """How many sources, articles, revisions, translations and (non-empty) stories are stored."""
    with store.session() as session:
        return StoreCounts(
            sources=session.scalar(select(func.count(Source.id))) or 0,
            articles=session.scalar(select(func.count(Article.id))) or 0,
            revisions=session.scalar(select(func.count(Revision.id))) or 0,
            translations=session.scalar(select(func.count(Translation.id))) or 0,
            stories=session.scalar(select(func.count(Story.id)).where(Story.article_count > 0)) or 0,
        )


def article_ids_by_url(store: Store) -> dict[str, int]:
    """Every article's id, by its URL."""
    with store.session() as session:
        return {url: article_id for url, article_id in session.execute(select(Article.url, Article.id))}


def delete_all_rows(store: Store) -> None:
    """Delete every row of every table, in one transaction (the schema stays as migrated)."""
    with store.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
