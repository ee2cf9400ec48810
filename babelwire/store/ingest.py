"""What the ingest stages write: a source's listing (its health, validators and the URLs it
queued) and a fetched article (deduplicated by every URL it was reached by, its canonical URL and
its content hash; a new revision when its content changed).

:func:`record_listing` and :func:`store_article` own their transaction: a value the database
refuses despite the limits (:mod:`babelwire.store.limits`) comes back as a result's ``refused``
reason, not as an exception, so one bad source or article never ends a poll. The article
bookkeeping helpers taking a ``session`` write in the caller's transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from babelwire.document import Document
from babelwire.store.database import Store
from babelwire.store.errors import record_error
from babelwire.store.models import Article, ArticleURL, Revision, Source, listing_time, utcnow
from babelwire.store.queue import ListedURL, QueuedItem, delete_item, queue_listed

log = logging.getLogger(__name__)
STORE_ATTEMPTS = 3
"""Tries at storing an article when another worker stores the same one at the same time."""


# A source's listing


@dataclass(frozen=True)
class SourceSnapshot:
    """A source as its listing stage needs it (read before the fetch, outside any transaction)."""

    id: int
    url: str
    kind: str
    interval: float
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class ListingRecorded:
    """What :func:`record_listing` did: ``queued`` URLs, or nothing because the source was
    ``removed`` meanwhile or the database ``refused`` a value (the first line of its reason)."""

    queued: int = 0
    removed: bool = False
    refused: str | None = None


def source_snapshot(store: Store, source_id: int) -> SourceSnapshot | None:
    """The source to list; None when it was removed."""
    with store.session() as session:
        source = session.get(Source, source_id)
        if source is None:
            return None
        return SourceSnapshot(id=source.id, url=source.url, kind=source.kind, interval=source.interval,
                              etag=source.etag, last_modified=source.last_modified)


def record_listing(
    store: Store, source_id: int, entries: Sequence[ListedURL], *, polled_at: datetime, next_poll: datetime,
    validators: tuple[str | None, str | None] | None = None, problems: Sequence[tuple[str, str | None]] = (),
    requeue_known: bool = False,
) -> ListingRecorded:
    """In one transaction: a successful poll of the source (its health, and its ``validators``
    ``(etag, last_modified)`` for the next conditional GET unless None), the ``problems``
    ``(reason, url)`` of its listing as errors, and its unseen ``entries`` queued (known ones too
    with ``requeue_known``, see :func:`babelwire.store.queue.queue_listed`)."""
    try:
        with store.transaction() as session:
            source = session.get(Source, source_id)
            if source is None:
                return ListingRecorded(removed=True)
            source.last_polled_at = polled_at
            source.last_success_at = polled_at
            source.next_poll_at = next_poll
            source.consecutive_failures = 0
            if validators is not None:
                source.etag, source.last_modified = validators
            for reason, url in problems:
                record_error(session, "listing", reason, source_id=source_id, url=url)
            queued = queue_listed(session, source_id, entries, requeue_known=requeue_known)
    except DataError as exc:
        reason = _first_line(exc)
        log.exception("source %d: listing could not be stored: %s", source_id, reason)
        return ListingRecorded(refused=reason)
    return ListingRecorded(queued=queued)


def record_listing_failure(
    store: Store, source_id: int, reason: str, url: str | None, *, polled_at: datetime, next_poll: datetime,
) -> None:
    """A failed poll of the source: its health (one more consecutive failure) and an error; nothing
    when the source was removed."""
    with store.transaction() as session:
        source = session.get(Source, source_id)
        if source is not None:
            source.last_polled_at = polled_at
            source.next_poll_at = next_poll
            source.last_error = reason
            source.last_error_at = polled_at
            source.consecutive_failures += 1
            record_error(session, "listing", reason, source_id=source_id, url=url)


# An article


@dataclass(frozen=True)
class StoredArticle:
    """What :func:`store_article` did: the article (``created`` or found) and its new revision
    (None when its content had not changed), or nothing because the database ``refused`` a value."""

    article_id: int | None = None
    revision_id: int | None = None
    created: bool = False
    refused: str | None = None


def mark_article_checked(session: Session, article_id: int, now: datetime | None = None) -> None:
    """The article's page was fetched and had not changed (HTTP 304); nothing if it is gone."""
    if article := session.get(Article, article_id):
        article.last_checked_at = now or utcnow()
        article.consecutive_failures = 0


def mark_article_failed(session: Session, article_id: int, reason: str, now: datetime | None = None) -> None:
    """Fetching the article's page again failed (one more consecutive failure); nothing if it is gone."""
    if article := session.get(Article, article_id):
        article.last_error = reason
        article.last_error_at = now or utcnow()
        article.consecutive_failures += 1


def store_article(
    store: Store, item: QueuedItem, document: Document, *, canonical: str, urls: set[str],
    etag: str | None, last_modified: str | None,
) -> StoredArticle:
    """In one transaction: the article of queue item ``item`` (found by its id, any of ``urls``, its
    ``canonical`` URL or its content hash, else created at ``canonical``) with every URL in ``urls``,
    a new revision holding ``document`` if its content changed, its validators for the next
    conditional GET, and the queue item removed.

    When another worker stores the same article at the same time, the loser tries again (and finds
    the winner's row); a value the database refuses comes back as ``refused``."""
    for attempt in range(STORE_ATTEMPTS):
        try:
            return _store_article_once(store, item, document, canonical, urls, etag, last_modified)
        except IntegrityError:
            # Another worker stored the same article between our read and our write: retry,
            # and the lookup finds its row.
            if attempt == STORE_ATTEMPTS - 1:
                raise
        except DataError as exc:
            log.exception("article %s could not be stored", item.url)
            return StoredArticle(refused=_first_line(exc))
    raise AssertionError("unreachable")


def _store_article_once(
    store: Store, item: QueuedItem, document: Document, canonical: str, urls: set[str],
    etag: str | None, last_modified: str | None,
) -> StoredArticle:
    content_hash = document.content_hash()
    now = utcnow()
    with store.transaction() as session:
        article = _find_article(session, item, canonical, urls, content_hash)
        created = article is None
        if article is None:
            article = Article(url=canonical, source_id=item.source_id, first_seen_at=now,
                              consecutive_failures=0)
            session.add(article)
            session.flush()
        known = set(session.scalars(select(ArticleURL.url).where(ArticleURL.url.in_(urls))))
        for url in urls - known:
            session.add(ArticleURL(url=url, article_id=article.id))
        latest = session.scalars(
            select(Revision).where(Revision.article_id == article.id).order_by(Revision.number.desc()).limit(1)
        ).first()
        revision_id = None
        if latest is None or latest.content_hash != content_hash:
            number = (latest.number if latest else 0) + 1
            revision = Revision(article_id=article.id, number=number, fetched_at=now,
                                content_hash=content_hash, document=document.to_stored())
            session.add(revision)
            session.flush()
            revision_id = revision.id
            article.title = document.title
            article.language = document.language
            article.published = document.published
            article.listed_at = listing_time(document.published, article.first_seen_at)
            article.modified = document.modified
            article.content_hash = content_hash
            article.last_changed_at = now
        article.etag, article.last_modified = etag, last_modified
        article.last_checked_at = now
        article.consecutive_failures = 0
        delete_item(session, item.id)
        return StoredArticle(article_id=article.id, revision_id=revision_id, created=created)


def _find_article(
    session: Session, item: QueuedItem, canonical: str, urls: set[str], content_hash: str
) -> Article | None:
    if item.article_id:
        return session.get(Article, item.article_id)
    article_id = session.scalar(select(ArticleURL.article_id).where(ArticleURL.url.in_(urls)).limit(1))
    if article_id is None:
        article_id = session.scalar(select(Article.id).where(Article.url == canonical))
    if article_id is None:
        # The same text under another URL (syndication, AMP, tracking parameters).
        article_id = session.scalar(select(Article.id).where(Article.content_hash == content_hash).limit(1))
    return session.get(Article, article_id) if article_id else None


def count_articles(session: Session, source_id: int) -> int:
    """How many articles the source has."""
    return session.scalar(select(func.count(Article.id)).where(Article.source_id == source_id)) or 0


def _first_line(exc: DataError) -> str:
    """The database's own reason for refusing a value, first line only."""
    return str(exc.orig or exc).splitlines()[0]
