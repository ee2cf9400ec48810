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

The stages decide; the store writes (:mod:`babelwire.store.queue` for the fetch queue,
:mod:`babelwire.store.ingest` for sources' listings and articles, :mod:`babelwire.store.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal
from urllib.parse import urlsplit

from babelwire.config import Settings
from babelwire.document import Document
from babelwire.errors import BabelwireError, FeedError, HTTPStatusError
from babelwire.extract import extract_document
from babelwire.fetch import Fetcher, FetchResult
from babelwire.sources import Entry, parse_listing
from babelwire.store import Store, queue
from babelwire.store.errors import record_error as record_error  # re-exported: the stages import it from here
from babelwire.store.ingest import (
    SourceSnapshot,
    mark_article_checked,
    mark_article_failed,
    record_listing,
    record_listing_failure,
    source_snapshot,
    store_article,
)
from babelwire.store.ingest import count_articles as count_articles  # re-exported
from babelwire.store.limits import (
    MAX_AUTHOR,
    MAX_ETAG,
    MAX_LANGUAGE,
    MAX_LAST_MODIFIED,
    MAX_TITLE,
    MAX_URL,
    cut_text,
    fitting,
)
from babelwire.store.models import utcnow
from babelwire.store.queue import QueuedItem
from babelwire.store.queue import due_sources as due_sources  # re-exported: the runners import it from here
from babelwire.store.queue import pending_items as pending_items  # re-exported
from babelwire.urls import normalise_url

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


@dataclass
class _Listed:
    """What fetching a source's listing gave: entries, and problems to record on the source."""

    entries: list[Entry]
    result: FetchResult
    problems: list[tuple[str, str | None]] = field(default_factory=list)  # (reason, url)


def _fetch_listing(fetcher: Fetcher, source: SourceSnapshot, settings: Settings) -> _Listed:
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
    source = source_snapshot(store, source_id)
    if source is None:
        return ListingOutcome(source_id, ok=False, error="source was removed")
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
            record_listing_failure(store, source_id, exc.reason, exc.url or source.url, polled_at=now,
                                   next_poll=next_poll)
            return ListingOutcome(source_id, ok=False, error=exc.reason)
        entries, result, problems = listed.entries, listed.result, listed.problems
    entries = _fit_entries(_dedupe(entries), problems)[: settings.poll.max_entries]
    validators = None
    if result is not None and not result.not_modified:
        # Validators are only echoed back: one too long for its column is dropped, not cut.
        validators = (fitting(result.etag, MAX_ETAG), fitting(result.last_modified, MAX_LAST_MODIFIED))
    recorded = record_listing(store, source_id, entries, polled_at=now, next_poll=next_poll, validators=validators,
                              problems=problems, requeue_known=source.kind == "page")
    if recorded.removed:
        return ListingOutcome(source_id, ok=False, error="source was removed")
    if recorded.refused is not None:
        # A value the database refuses despite the checks above: this source fails, the poll goes on.
        reason = f"listing could not be stored: {recorded.refused}"
        record_listing_failure(store, source_id, reason, source.url, polled_at=now, next_poll=next_poll)
        return ListingOutcome(source_id, ok=False, error=reason)
    return ListingOutcome(source_id, ok=True, not_modified=bool(result and result.not_modified),
                          queued=recorded.queued)


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


def queue_refreshes(store: Store, source_ids: list[int], settings: Settings) -> int:
    """Queue again the articles of these sources first seen within the refresh window."""
    since = utcnow() - settings.poll.refresh_window
    with store.transaction() as session:
        return queue.queue_recent_articles(session, source_ids, since)


def ingest_item(store: Store, fetcher: Fetcher, item_id: int, settings: Settings) -> IngestOutcome:
    """Fetch, extract and store one queued URL. Safe to run twice: the second run is a no-op."""
    item = queue.queued_item(store, item_id)
    if item is None:
        return IngestOutcome(item_id, "", "gone")
    try:
        result = fetcher.fetch(item.url, etag=item.etag, last_modified=item.last_modified)
        if result.not_modified:
            return _store_not_modified(store, item)
        document = extract_document(result.text, result.final_url, language=item.language)
    except BabelwireError as exc:
        return _store_failure(store, item, exc, settings)
    _fit_document(document)
    final = normalise_url(result.final_url)
    canonical = _choose_canonical(document, result.final_url)
    if len(canonical) > MAX_URL:  # a page's own claim, or a redirect, too long to store: not kept
        canonical = final if len(final) <= MAX_URL else item.url
    urls = {url for url in (item.url, final, canonical) if len(url) <= MAX_URL}
    stored = store_article(store, item, document, canonical=canonical, urls=urls,
                           etag=fitting(result.etag, MAX_ETAG),
                           last_modified=fitting(result.last_modified, MAX_LAST_MODIFIED))
    if stored.refused is not None:
        # A value the database refuses despite the checks: this article fails, the poll goes on.
        reason = f"article could not be stored: {stored.refused}"
        return _store_failure(store, item, BabelwireError(reason, url=item.url), settings)
    status: ArticleStatus = "new" if stored.created else ("updated" if stored.revision_id else "unchanged")
    return IngestOutcome(item.id, item.url, status, article_id=stored.article_id, revision_id=stored.revision_id,
                         new_revision=stored.revision_id is not None)


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


def _store_not_modified(store: Store, item: QueuedItem) -> IngestOutcome:
    with store.transaction() as session:
        if item.article_id:
            mark_article_checked(session, item.article_id)
        queue.delete_item(session, item.id)
    return IngestOutcome(item.id, item.url, "not_modified", article_id=item.article_id)


def _store_failure(store: Store, item: QueuedItem, exc: BabelwireError, settings: Settings) -> IngestOutcome:
    permanent = isinstance(exc, HTTPStatusError) and 400 <= exc.status < 500 and exc.status != 429
    with store.transaction() as session:
        now = utcnow()
        if item.article_id:
            mark_article_failed(session, item.article_id, exc.reason, now)
        record_error(session, "article", exc.reason, source_id=item.source_id,
                     article_id=item.article_id, url=item.url)
        queue.record_failed_attempt(session, item.id, exc.reason, refresh=bool(item.article_id),
                                    permanent=permanent, max_attempts=settings.poll.max_attempts, now=now)
    return IngestOutcome(item.id, item.url, "failed", article_id=item.article_id, error=exc.reason)
