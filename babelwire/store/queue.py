"""The fetch queue (``fetch_queue``): the durable hand-off between listing a source and fetching
its articles, so a killed poll resumes where it stopped.

A listing queues the URLs it has not seen (:func:`queue_listed`), a poll queues recent articles
again to catch updates (:func:`queue_recent_articles`); the article stage reads one item
(:func:`queued_item`) and, when done, removes it (:func:`delete_item`) or counts a failed attempt
(:func:`record_failed_attempt`). Items given up on stay, so their URL is not tried again.

Functions taking a ``session`` write in the caller's transaction; those taking a ``Store`` only read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from babelwire.store.database import Store
from babelwire.store.limits import MAX_URL
from babelwire.store.models import Article, ArticleURL, QueueItem, Source, utcnow


class ListedURL(Protocol):
    """What a listing says about one article URL (``sources.Entry`` is one)."""

    url: str
    title: str | None
    published: datetime | None


@dataclass(frozen=True)
class QueuedItem:
    """One queued URL as the article stage needs it, with what the store knows about its article
    (validators for a conditional GET) and its source (declared language)."""

    id: int
    url: str
    source_id: int
    article_id: int | None
    attempts: int
    language: str | None
    etag: str | None
    last_modified: str | None


def enqueue(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert queue items (``fetch_queue`` column values), skipping URLs already queued — also those
    another worker queued since we looked (PostgreSQL has no global write lock); how many were inserted."""
    # The callers skip and record over-long URLs; this is the last guard before the database.
    rows = [row for row in rows if len(row["url"]) <= MAX_URL]
    if not rows:
        return 0
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    # RETURNING counts what was inserted: an executemany's rowcount is -1 on psycopg.
    statement = insert(QueueItem).on_conflict_do_nothing(index_elements=["url"]).returning(QueueItem.id)
    return len(session.connection().execute(statement, rows).all())


def queue_listed(session: Session, source_id: int, entries: Sequence[ListedURL], *, requeue_known: bool) -> int:
    """Queue the URLs a listing of this source announced that are not queued yet and not known as
    an article's URL (known ones too with ``requeue_known``: a page source is fetched again every
    poll), with the listing's title and date; how many were queued."""
    urls = [entry.url for entry in entries]
    if not urls:
        return 0
    known = dict(session.execute(select(ArticleURL.url, ArticleURL.article_id).where(ArticleURL.url.in_(urls))).all())
    queued = _queued_urls(session, urls)
    return enqueue(session, [
        {"url": entry.url, "source_id": source_id, "article_id": known.get(entry.url),
         "entry_title": entry.title, "entry_published": entry.published}
        for entry in entries if entry.url not in queued and (entry.url not in known or requeue_known)
    ])


def queue_recent_articles(session: Session, source_ids: Sequence[int], since: datetime) -> int:
    """Queue again the articles of these sources first seen since ``since`` (to catch updates),
    unless they are queued already; how many were queued."""
    rows = session.execute(
        select(Article.id, Article.url, Article.source_id)
        .where(Article.source_id.in_(source_ids), Article.first_seen_at >= since)
    ).all()
    queued = _queued_urls(session, [row.url for row in rows])
    return enqueue(session, [{"url": url, "source_id": source_id, "article_id": article_id}
                             for article_id, url, source_id in rows if url not in queued])


def _queued_urls(session: Session, urls: Iterable[str]) -> set[str]:
    return set(session.scalars(select(QueueItem.url).where(QueueItem.url.in_(list(urls)))))


def pending_items(store: Store, *, source_id: int | None = None) -> list[int]:
    """Ids of queued URLs not given up on (of one source, if given), oldest first."""
    query = select(QueueItem.id).where(QueueItem.gave_up_at.is_(None)).order_by(QueueItem.id)
    if source_id is not None:
        query = query.where(QueueItem.source_id == source_id)
    with store.session() as session:
        return list(session.scalars(query))


def pending_among(store: Store, item_ids: Sequence[int]) -> set[int]:
    """Those of ``item_ids`` still queued and not given up on (work the article stage still has to do)."""
    with store.session() as session:
        return set(session.scalars(
            select(QueueItem.id).where(QueueItem.id.in_(item_ids), QueueItem.gave_up_at.is_(None))))


def queued_item(store: Store, item_id: int) -> QueuedItem | None:
    """The queued URL ``item_id`` with its article's validators and its source's language; None
    when it is gone (done by another worker) or given up on."""
    with store.session() as session:
        item = session.get(QueueItem, item_id)
        if item is None or item.gave_up_at is not None:
            return None
        article_id = item.article_id or session.scalar(
            select(ArticleURL.article_id).where(ArticleURL.url == item.url))
        article = session.get(Article, article_id) if article_id else None
        source = session.get(Source, item.source_id)
        return QueuedItem(
            id=item.id, url=item.url, source_id=item.source_id,
            article_id=article.id if article else None, attempts=item.attempts,
            language=source.language if source else None,
            etag=article.etag if article else None,
            last_modified=article.last_modified if article else None,
        )


def delete_item(session: Session, item_id: int) -> None:
    """Remove a queue item (its URL was stored, or a refresh failed); nothing if it is gone already."""
    # A plain DELETE, not session.delete(): when a redelivered task already removed the row
    # (PostgreSQL, two workers on one item), the ORM would raise StaleDataError on 0 rows.
    session.execute(delete(QueueItem).where(QueueItem.id == item_id))


def record_failed_attempt(
    session: Session, item_id: int, reason: str, *, refresh: bool, permanent: bool, max_attempts: int,
    now: datetime | None = None,
) -> None:
    """Book a failed fetch of a queued URL. A ``refresh`` (an article already stored) is removed: it
    is queued again on the next poll while it is recent. A first fetch counts one more attempt and
    is given up on when the failure is ``permanent`` or after ``max_attempts``. Nothing when
    another worker removed the item meanwhile."""
    # FOR UPDATE (PostgreSQL): wait for a concurrent worker on the same item, then see
    # whether it removed the row, instead of updating a deleted row (StaleDataError).
    item = session.get(QueueItem, item_id, with_for_update=True)
    if item is None:
        return
    if refresh:
        delete_item(session, item_id)
        return
    item.attempts += 1
    item.last_error = reason
    if permanent or item.attempts >= max_attempts:
        item.gave_up_at = now or utcnow()


def due_sources(store: Store, now: datetime | None = None, *, all_sources: bool = False) -> list[int]:
    """Ids of sources whose next poll time has come (or every source)."""
    now = now or utcnow()
    with store.session() as session:
        query = select(Source.id).order_by(Source.id)
        if not all_sources:
            query = query.where((Source.next_poll_at.is_(None)) | (Source.next_poll_at <= now))
        return list(session.scalars(query))


def existing_sources(store: Store, source_ids: Sequence[int]) -> set[int]:
    """Those of ``source_ids`` still subscribed (a removed source has no listing left to do)."""
    with store.session() as session:
        return set(session.scalars(select(Source.id).where(Source.id.in_(source_ids))))
