"""Ingest stages: list a source's article URLs, then fetch, extract and store each article.

Each stage reads what the previous one stored and writes its result in one transaction, so it
can be re-run at any time (after a crash, by a retry, by a second worker) without losing or
duplicating anything:

- :func:`list_source` fetches a feed/sitemap (conditional GET) and, in one transaction, records
  the source's health and validators and queues the URLs it has not seen (``fetch_queue``).
- :func:`queue_refreshes` queues recently first-seen articles again, to catch updates.
- :func:`ingest_item` fetches and extracts one queued URL and, in one transaction, stores the
  article (deduplicated by every URL it was reached by, its canonical URL and content hash), a new
  revision if its content changed, and removes the queue item.

Everything a listing or a page says is untrusted and bounded before it is stored
(:mod:`babelwire.store.limits`), the same way on SQLite and PostgreSQL: a link longer than a URL
column is skipped and recorded as an error of its source (never fatal to the poll or to other
sources), titles and authors are cut at a word boundary, over-long language codes and validators
are dropped. Links a listing leaves out (not http(s), too long, entity references) and child
sitemaps that fail or loop are recorded too: a source never yields "0 URLs" without a reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from babelwire.config import Settings
from babelwire.document import Document
from babelwire.errors import BabelwireError, FeedError, HTTPStatusError
from babelwire.extract import extract_document
from babelwire.fetch import Fetcher, FetchResult
from babelwire.sources import Entry, parse_listing
from babelwire.store import Store
from babelwire.store.limits import (
    MAX_AUTHOR,
    MAX_ETAG,
    MAX_LANGUAGE,
    MAX_LAST_MODIFIED,
    MAX_TITLE,
    MAX_URL,
    cut_text,
    cut_url_for_display,
    fitting,
)
from babelwire.store.models import (
    Article,
    ArticleURL,
    ErrorRecord,
    QueueItem,
    Revision,
    Source,
    listing_time,
    utcnow,
)
from babelwire.urls import normalise_url

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 5
"""Most child sitemaps fetched per listing (an index's newest, then theirs if they are indexes too)."""


@dataclass
class ListingOutcome:
    source_id: int
    ok: bool
    not_modified: bool = False
    queued: int = 0
    error: str | None = None


ArticleStatus = Literal["new", "updated", "unchanged", "not_modified", "failed", "gone"]


@dataclass
class IngestOutcome:
    item_id: int
    url: str
    status: ArticleStatus
    article_id: int | None = None
    revision_id: int | None = None
    error: str | None = None
    new_revision: bool = field(default=False)


def record_error(
    session: Session, stage: str, reason: str, *, source_id: int | None = None,
    article_id: int | None = None, url: str | None = None,
) -> None:
    # An error about an over-long URL must still be storable: the URL is cut to fit its column,
    # and NUL characters (PostgreSQL refuses them in text) are dropped.
    url = cut_url_for_display(url.replace("\x00", "")) if url else url
    reason = reason.replace("\x00", "")
    session.add(ErrorRecord(stage=stage, reason=reason, source_id=source_id, article_id=article_id, url=url))
    log.warning("%s error: %s", stage, reason, extra={"source_id": source_id, "article_id": article_id, "url": url})


@dataclass
class _Listed:
    """What fetching a source's listing gave: entries, and problems to record on the source."""

    entries: list[Entry]
    result: FetchResult
    problems: list[tuple[str, str | None]] = field(default_factory=list)  # (reason, url)


def _fetch_listing(fetcher: Fetcher, source: Source, settings: Settings) -> _Listed:
    result = fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    if result.not_modified:
        return _Listed([], result)
    max_bytes = settings.fetch.max_decompressed_bytes
    listing = parse_listing(result.content, result.final_url, max_bytes=max_bytes)
    listed = _Listed(list(listing.entries), result,
                     [(skipped.describe(), skipped.example) for skipped in listing.skipped])
    seen = {normalise_url(source.url), normalise_url(result.final_url)}
    # Sitemap indexes list child sitemaps oldest first on most news sites: take the last ones.
    pending = _unseen(listing.sitemaps, seen)[-MAX_CHILD_SITEMAPS:]
    looped = len(listing.sitemaps) - len(_unseen(listing.sitemaps, seen))
    fetched = 0
    failures: list[BabelwireError] = []
    while pending and fetched < MAX_CHILD_SITEMAPS:
        child_url = pending.pop(0)
        seen.add(normalise_url(child_url))
        fetched += 1
        try:
            child_result = fetcher.fetch(child_url)
            seen.add(normalise_url(child_result.final_url))
            child = parse_listing(child_result.content, child_result.final_url, max_bytes=max_bytes)
        except BabelwireError as exc:
            # One broken child sitemap does not cost the entries of the others.
            failures.append(exc)
            listed.problems.append((f"child sitemap skipped: {exc.reason}", exc.url or child_url))
            continue
        listed.entries.extend(child.entries)
        listed.problems.extend((skipped.describe(), skipped.example) for skipped in child.skipped)
        if child.sitemaps:  # an index inside an index: its children join the queue, loops excluded
            fresh = _unseen(child.sitemaps, seen | {normalise_url(u) for u in pending})
            looped += len(child.sitemaps) - len(fresh)
            pending.extend(fresh[-MAX_CHILD_SITEMAPS:])
    if not listed.entries:
        if failures and len(failures) == fetched:
            first = failures[0]
            raise FeedError(f"no URLs: every child sitemap failed ({first.reason})", url=first.url or source.url)
        if looped:
            raise FeedError("sitemap index lists only itself or sitemaps already read: no URLs", url=source.url)
        if listing.sitemaps and not listed.problems:
            raise FeedError(f"no URLs in the {fetched} child sitemaps read (indexes of indexes are followed "
                            f"for {MAX_CHILD_SITEMAPS} sitemaps at most)", url=source.url)
    return listed


def _unseen(urls: list[str], seen: set[str]) -> list[str]:
    return [url for url in urls if normalise_url(url) not in seen]


def _fit_entries(entries: list[Entry], problems: list[tuple[str, str | None]]) -> list[Entry]:
    """Entries whose (normalised) URL fits a URL column; the others recorded in ``problems``."""
    kept, too_long = [], []
    for entry in entries:
        if len(entry.url) > MAX_URL:
            too_long.append(entry.url)
            continue
        entry.title = cut_text(entry.title, MAX_TITLE)
        entry.language = fitting(entry.language, MAX_LANGUAGE)
        kept.append(entry)
    if too_long:
        count = len(too_long)
        reason = (f"1 entry skipped: its link is longer than {MAX_URL} characters" if count == 1 else
                  f"{count} entries skipped: links longer than {MAX_URL} characters")
        problems.append((reason, too_long[0]))
    return kept


def list_source(store: Store, fetcher: Fetcher, source_id: int, settings: Settings) -> ListingOutcome:
    """Fetch one source's listing and queue its unseen article URLs (one transaction)."""
    with store.session() as session:
        source = session.get(Source, source_id)
        if source is None:
            return ListingOutcome(source_id, ok=False, error="source was removed")
        session.expunge(source)
    now = utcnow()
    next_poll = now + timedelta(seconds=source.interval)
    result: FetchResult | None = None
    problems: list[tuple[str, str | None]] = []
    if source.kind == "page":
        entries = [Entry(url=source.url)]
    else:
        try:
            listed = _fetch_listing(fetcher, source, settings)
        except BabelwireError as exc:
            _record_listing_failure(store, source, exc.reason, exc.url or source.url, now, next_poll)
            return ListingOutcome(source_id, ok=False, error=exc.reason)
        entries, result, problems = listed.entries, listed.result, listed.problems
    entries = _fit_entries(_dedupe(entries), problems)[: settings.poll.max_entries]
    try:
        with store.transaction() as session:
            row = session.get(Source, source_id)
            if row is None:
                return ListingOutcome(source_id, ok=False, error="source was removed")
            row.last_polled_at = now
            row.last_success_at = now
            row.next_poll_at = next_poll
            row.consecutive_failures = 0
            if result is not None and not result.not_modified:
                # Validators are only echoed back: one too long for its column is dropped, not cut.
                row.etag = fitting(result.etag, MAX_ETAG)
                row.last_modified = fitting(result.last_modified, MAX_LAST_MODIFIED)
            for reason, url in problems:
                record_error(session, "listing", reason, source_id=source_id, url=url)
            queued = _queue_entries(session, row, entries, refresh_pages=source.kind == "page")
    except DataError as exc:
        # A value the database refuses despite the checks above: this source fails, the poll goes on.
        reason = f"listing could not be stored: {str(exc.orig or exc).splitlines()[0]}"
        log.exception("source %d: %s", source_id, reason)
        _record_listing_failure(store, source, reason, source.url, now, next_poll)
        return ListingOutcome(source_id, ok=False, error=reason)
    return ListingOutcome(source_id, ok=True, not_modified=bool(result and result.not_modified), queued=queued)


def _record_listing_failure(store: Store, source: Source, reason: str, url: str | None, now: datetime,
                            next_poll: datetime) -> None:
    with store.transaction() as session:
        row = session.get(Source, source.id)
        if row is not None:
            row.last_polled_at = now
            row.next_poll_at = next_poll
            row.last_error = reason
            row.last_error_at = now
            row.consecutive_failures += 1
            record_error(session, "listing", reason, source_id=source.id, url=url)


def _dedupe(entries: list[Entry]) -> list[Entry]:
    seen: set[str] = set()
    unique = []
    for entry in entries:
        url = normalise_url(entry.url)
        if url not in seen:
            seen.add(url)
            entry.url = url
            unique.append(entry)
    return unique


def _enqueue(session: Session, rows: list[dict]) -> int:
    """Insert queue items, skipping URLs already queued — also those another worker queued since
    we looked (PostgreSQL has no global write lock); how many were inserted."""
    # The callers skip and record over-long URLs; this is the last guard before the database.
    rows = [row for row in rows if len(row["url"]) <= MAX_URL]
    if not rows:
        return 0
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    # RETURNING counts what was inserted: an executemany's rowcount is -1 on psycopg.
    statement = insert(QueueItem).on_conflict_do_nothing(index_elements=["url"]).returning(QueueItem.id)
    return len(session.connection().execute(statement, rows).all())


def _queue_entries(session: Session, source: Source, entries: list[Entry], *, refresh_pages: bool) -> int:
    urls = [e.url for e in entries]
    if not urls:
        return 0
    known = dict(session.execute(select(ArticleURL.url, ArticleURL.article_id).where(ArticleURL.url.in_(urls))).all())
    queued = set(session.scalars(select(QueueItem.url).where(QueueItem.url.in_(urls))))
    return _enqueue(session, [
        {"url": entry.url, "source_id": source.id, "article_id": known.get(entry.url),
         "entry_title": entry.title, "entry_published": entry.published}
        for entry in entries if entry.url not in queued and (entry.url not in known or refresh_pages)
    ])


def queue_refreshes(store: Store, source_ids: list[int], settings: Settings) -> int:
    """Queue again the articles of these sources first seen within the refresh window."""
    since = utcnow() - settings.poll.refresh_window
    with store.transaction() as session:
        rows = session.execute(
            select(Article.id, Article.url, Article.source_id)
            .where(Article.source_id.in_(source_ids), Article.first_seen_at >= since)
        ).all()
        queued = set(session.scalars(select(QueueItem.url).where(QueueItem.url.in_([r.url for r in rows]))))
        return _enqueue(session, [{"url": url, "source_id": source_id, "article_id": article_id}
                                  for article_id, url, source_id in rows if url not in queued])


def pending_items(store: Store, *, source_id: int | None = None) -> list[int]:
    """Ids of queued URLs not given up on (of one source, if given), oldest first."""
    query = select(QueueItem.id).where(QueueItem.gave_up_at.is_(None)).order_by(QueueItem.id)
    if source_id is not None:
        query = query.where(QueueItem.source_id == source_id)
    with store.session() as session:
        return list(session.scalars(query))


@dataclass
class _ItemSnapshot:
    id: int
    url: str
    source_id: int
    article_id: int | None
    attempts: int
    language: str | None
    etag: str | None
    last_modified: str | None


def _snapshot(store: Store, item_id: int) -> _ItemSnapshot | None:
    with store.session() as session:
        item = session.get(QueueItem, item_id)
        if item is None or item.gave_up_at is not None:
            return None
        article_id = item.article_id or session.scalar(
            select(ArticleURL.article_id).where(ArticleURL.url == item.url))
        article = session.get(Article, article_id) if article_id else None
        source = session.get(Source, item.source_id)
        return _ItemSnapshot(
            id=item.id, url=item.url, source_id=item.source_id,
            article_id=article.id if article else None, attempts=item.attempts,
            language=source.language if source else None,
            etag=article.etag if article else None,
            last_modified=article.last_modified if article else None,
        )


def ingest_item(store: Store, fetcher: Fetcher, item_id: int, settings: Settings) -> IngestOutcome:
    """Fetch, extract and store one queued URL. Safe to run twice: the second run is a no-op."""
    snap = _snapshot(store, item_id)
    if snap is None:
        return IngestOutcome(item_id, "", "gone")
    try:
        result = fetcher.fetch(snap.url, etag=snap.etag, last_modified=snap.last_modified)
        if result.not_modified:
            return _store_not_modified(store, snap)
        document = extract_document(result.text, result.final_url, language=snap.language)
    except BabelwireError as exc:
        return _store_failure(store, snap, exc, settings)
    _fit_document(document)
    final = normalise_url(result.final_url)
    canonical = _choose_canonical(document, result.final_url)
    if len(canonical) > MAX_URL:  # a page's own claim, or a redirect, too long to store: not kept
        canonical = final if len(final) <= MAX_URL else snap.url
    urls = {url for url in (snap.url, final, canonical) if len(url) <= MAX_URL}
    for attempt in range(3):
        try:
            return _store_document(store, snap, document, canonical, urls, fitting(result.etag, MAX_ETAG),
                                   fitting(result.last_modified, MAX_LAST_MODIFIED))
        except IntegrityError:
            # Another worker stored the same article between our read and our write: retry,
            # and the lookup below finds its row.
            if attempt == 2:
                raise
        except DataError as exc:
            # A value the database refuses despite the checks: this article fails, the poll goes on.
            log.exception("article %s could not be stored", snap.url)
            reason = f"article could not be stored: {str(exc.orig or exc).splitlines()[0]}"
            return _store_failure(store, snap, BabelwireError(reason, url=snap.url), settings)
    raise AssertionError("unreachable")


def _fit_document(document: Document) -> None:
    """Bound what a page says about itself before it is stored (see :mod:`babelwire.store.limits`)."""
    document.title = cut_text(document.title, MAX_TITLE)
    document.author = cut_text(document.author, MAX_AUTHOR)
    document.language = fitting(document.language, MAX_LANGUAGE)


def _choose_canonical(document: Document, final_url: str) -> str:
    """The page's canonical URL, unless it points off-site or to a site's home page (common
    mistakes that would merge unrelated articles)."""
    final = normalise_url(final_url)
    if not document.url:
        return final
    canonical = normalise_url(document.url)
    same_site = urlsplit(canonical).netloc.removeprefix("www.") == urlsplit(final).netloc.removeprefix("www.")
    if not same_site or urlsplit(canonical).path in ("", "/") or not canonical.startswith("http"):
        return final
    return canonical


def _store_not_modified(store: Store, snap: _ItemSnapshot) -> IngestOutcome:
    with store.transaction() as session:
        if snap.article_id and (article := session.get(Article, snap.article_id)):
            article.last_checked_at = utcnow()
            article.consecutive_failures = 0
        _delete_item(session, snap.id)
    return IngestOutcome(snap.id, snap.url, "not_modified", article_id=snap.article_id)


def _delete_item(session: Session, item_id: int) -> None:
    # A plain DELETE, not session.delete(): when a redelivered task already removed the row
    # (PostgreSQL, two workers on one item), the ORM would raise StaleDataError on 0 rows.
    session.execute(delete(QueueItem).where(QueueItem.id == item_id))


def _store_failure(store: Store, snap: _ItemSnapshot, exc: BabelwireError, settings: Settings) -> IngestOutcome:
    permanent = isinstance(exc, HTTPStatusError) and 400 <= exc.status < 500 and exc.status != 429
    with store.transaction() as session:
        now = utcnow()
        if snap.article_id and (article := session.get(Article, snap.article_id)):
            article.last_error = exc.reason
            article.last_error_at = now
            article.consecutive_failures += 1
        record_error(session, "article", exc.reason, source_id=snap.source_id,
                     article_id=snap.article_id, url=snap.url)
        # FOR UPDATE (PostgreSQL): wait for a concurrent worker on the same item, then see
        # whether it removed the row, instead of updating a deleted row (StaleDataError).
        item = session.get(QueueItem, snap.id, with_for_update=True)
        if item is not None:
            if snap.article_id:
                _delete_item(session, snap.id)  # a refresh: queued again on the next poll while recent
            else:
                item.attempts += 1
                item.last_error = exc.reason
                if permanent or item.attempts >= settings.poll.max_attempts:
                    item.gave_up_at = now
    return IngestOutcome(snap.id, snap.url, "failed", article_id=snap.article_id, error=exc.reason)


def _store_document(
    store: Store, snap: _ItemSnapshot, document: Document, canonical: str, urls: set[str],
    etag: str | None, last_modified: str | None,
) -> IngestOutcome:
    content_hash = document.content_hash()
    now = utcnow()
    with store.transaction() as session:
        article = _find_article(session, snap, canonical, urls, content_hash)
        created = article is None
        if article is None:
            article = Article(url=canonical, source_id=snap.source_id, first_seen_at=now,
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
        _delete_item(session, snap.id)
        status: ArticleStatus = "new" if created else ("updated" if revision_id else "unchanged")
        return IngestOutcome(snap.id, snap.url, status, article_id=article.id, revision_id=revision_id,
                             new_revision=revision_id is not None)


def _find_article(
    session: Session, snap: _ItemSnapshot, canonical: str, urls: set[str], content_hash: str
) -> Article | None:
    if snap.article_id:
        return session.get(Article, snap.article_id)
    article_id = session.scalar(select(ArticleURL.article_id).where(ArticleURL.url.in_(urls)).limit(1))
    if article_id is None:
        article_id = session.scalar(select(Article.id).where(Article.url == canonical))
    if article_id is None:
        # The same text under another URL (syndication, AMP, tracking parameters).
        article_id = session.scalar(select(Article.id).where(Article.content_hash == content_hash).limit(1))
    return session.get(Article, article_id) if article_id else None


def count_articles(session: Session, source_id: int) -> int:
    return session.scalar(select(func.count(Article.id)).where(Article.source_id == source_id)) or 0


def due_sources(store: Store, now: datetime | None = None, *, all_sources: bool = False) -> list[int]:
    """Ids of sources whose next poll time has come (or every source)."""
    now = now or utcnow()
    with store.session() as session:
        query = select(Source.id).order_by(Source.id)
        if not all_sources:
            query = query.where((Source.next_poll_at.is_(None)) | (Source.next_poll_at <= now))
        return list(session.scalars(query))
