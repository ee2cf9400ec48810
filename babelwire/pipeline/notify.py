"""Notify stage: match new revisions against every watch, then deliver what is due.

:func:`scan_pending` reads the revisions not matched yet (waiting, for at most
:data:`TRANSLATION_WAIT`, for those whose translation is still to come, so that a watch written
in the reader's language finds them), matches each against every watch at once
(:class:`babelwire.alerts.matching.WatchIndex`) and records, in one transaction per revision, the
scan, the matches and their deliveries (:func:`babelwire.store.watches.record_scan`: once per watch
and revision, and not again for a revision that brings no new term). :func:`deliver_due` sends the
due webhook calls and immediate e-mails, and the digests that are due; a failure is recorded in
the errors (stage ``alert``) and retried with exponential backoff (``[alerts] retry_backoff``) up to
``[alerts] webhook_retries`` times. Both are idempotent: the local runner calls :func:`notify` at
the end of every poll; the Celery runner's ``babelwire.notify`` task on the ``notify`` queue.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from babelwire.alerts.mail import MailError, build_message, send_mail
from babelwire.alerts.matching import Article, CompiledWatch, WatchIndex, compile_watch
from babelwire.alerts.messages import html_text, plain_text, subject, webhook_payload
from babelwire.alerts.query import QueryError
from babelwire.alerts.webhook import WebhookClient, WebhookError, shown_url
from babelwire.config import Settings
from babelwire.pipeline.ingest import record_error
from babelwire.pipeline.translation import pending_revision_ids
from babelwire.store import Store
from babelwire.store.models import utcnow
from babelwire.store.watches import (
    FoundMatch,
    WatchQuery,
    claim_deliveries,
    claim_digests,
    count_pending_deliveries,
    count_pending_scans,
    finish_delivery,
    mark_scanned,
    matches_by_id,
    pending_scans,
    record_scans,
    release_digest,
    watch_queries,
)

log = logging.getLogger(__name__)
#: A revision whose translation has not come this long after it was fetched is matched without it.
TRANSLATION_WAIT = timedelta(hours=1)
BATCH = 200
MAX_BACKOFF = timedelta(hours=1)
#: How long a claimed delivery is held by its sender before another worker may try it.
CLAIM = timedelta(minutes=5)
_cache_lock = threading.Lock()
_cache: tuple[tuple[WatchQuery, ...], WatchIndex] | None = None


@dataclass
class NotifySummary:
    scanned: int = 0
    matched: int = 0
    sent: int = 0
    failed: int = 0
    seconds: float = 0.0  # the whole stage, matching and sending


def watch_index(store: Store) -> WatchIndex:
    """Every watch compiled, reused while the watches are unchanged."""
    global _cache
    queries = tuple(watch_queries(store))
    with _cache_lock:
        if _cache is not None and _cache[0] == queries:
            return _cache[1]
    compiled: list[CompiledWatch] = []
    for q in queries:
        try:
            compiled.append(compile_watch(q.id, q.query, q.source_ids, q.languages))
        except QueryError as exc:  # stored before a change of the language: skipped, said once per build
            log.warning("watch %d is skipped: %s", q.id, exc.reason)
    index = WatchIndex(compiled)
    with _cache_lock:
        _cache = (queries, index)
    return index


def scan_pending(store: Store, settings: Settings, *, limit: int = 10_000) -> NotifySummary:
    """Match every revision not matched yet against every watch; one transaction per revision."""
    summary = NotifySummary()
    index = watch_index(store)
    waiting: list[int] = []
    checked_waiting = False
    while summary.scanned < limit:
        if not checked_waiting:
            # Only asked when something is to scan: the translate stage's pending list.
            checked_waiting = True
            waiting = pending_revision_ids(store, settings, limit=None) if settings.translate.enabled else []
        batch = pending_scans(store, waiting=waiting, wait_until=utcnow() - TRANSLATION_WAIT, limit=BATCH)
        if not batch:
            break
        if not len(index):
            mark_scanned(store, [item.revision_id for item in batch])
            summary.scanned += len(batch)
            continue
        scanned = []
        for item in batch:
            article = Article.of(item)
            found = [FoundMatch(m.watch_id, m.to_stored()) for m in index.match(article)]
            scanned.append((item.revision_id, item.article_id, found))
        # One transaction per batch (one per revision if another worker got to some of them first).
        summary.matched += len(record_scans(store, scanned))
        summary.scanned += len(scanned)
        if len(batch) < BATCH:
            break
    if summary.matched:
        log.info(
            "notify: %d revisions matched against %d watches, %d new matches",
            summary.scanned,
            len(index),
            summary.matched,
        )
    return summary


def _retry_at(settings: Settings, attempts: int, now: datetime) -> datetime | None:
    """When to try a failed delivery again (None: it has had its retries)."""
    if attempts > settings.alerts.webhook_retries:
        return None
    wait = settings.alerts.retry_backoff * (2 ** (attempts - 1))
    return now + min(wait, MAX_BACKOFF)


def _failed(
    store: Store,
    settings: Settings,
    delivery_ids: list[int],
    attempts: int,
    reason: str,
    now: datetime,
    *,
    article_id: int | None = None,
    url: str | None = None,
) -> None:
    retry_at = _retry_at(settings, attempts, now)
    finish_delivery(store, delivery_ids, error=reason, retry_at=retry_at)
    then = f"retried at {retry_at:%H:%M:%S} UTC" if retry_at else "given up"
    with store.transaction() as session:
        record_error(
            session,
            "alert",
            f"{reason} (attempt {attempts} of {settings.alerts.webhook_retries + 1}, {then})",
            article_id=article_id,
            url=url,
        )


def deliver_due(store: Store, settings: Settings, *, now: datetime | None = None) -> NotifySummary:
    """Send every due webhook call and immediate e-mail, and the due digests."""
    now = now or utcnow()
    summary = NotifySummary()
    reader = settings.web.base_url or None
    jobs = claim_deliveries(store, ("webhook", "mail"), now=now, hold=CLAIM)
    if jobs:
        client = WebhookClient(settings) if any(j.channel == "webhook" for j in jobs) else None
        try:
            details = {
                m.id: m
                for m in matches_by_id(store, sorted({j.match_id for j in jobs}), target=settings.translate.to[0])
            }
            for job in jobs:
                match = details.get(job.match_id)
                if match is None:
                    continue
                try:
                    if job.channel == "webhook" and client is not None and job.webhook_url:
                        base = reader.rstrip("/") if reader else None
                        article_url = f"{base}/articles/{match.article_id}" if base else None
                        story_url = f"{base}/stories/{match.story_id}" if base and match.story_id else None
                        payload = webhook_payload(
                            match, delivery_id=job.id, article_url=article_url, story_url=story_url
                        )
                        client.post(job.webhook_url, job.webhook_secret or "", payload, job.id)
                    elif job.channel == "mail" and job.email:
                        send_mail(
                            settings,
                            build_message(
                                settings,
                                job.email,
                                subject(job.watch_name, [match], digest=False),
                                plain_text(job.watch_name, [match], reader=reader),
                                html_text(job.watch_name, [match], reader=reader),
                            ),
                        )
                except (WebhookError, MailError) as exc:
                    summary.failed += 1
                    where = shown_url(job.webhook_url) if job.channel == "webhook" and job.webhook_url else None
                    _failed(
                        store,
                        settings,
                        [job.id],
                        job.attempts,
                        f"watch {job.watch_name}: {exc.reason}",
                        now,
                        article_id=match.article_id,
                        url=where,
                    )
                    continue
                finish_delivery(store, [job.id])
                summary.sent += 1
        finally:
            if client is not None:
                client.close()
    for digest in claim_digests(store, now=now, every=settings.alerts.digest_every):
        matches = matches_by_id(store, digest.match_ids, target=settings.translate.to[0])
        try:
            send_mail(
                settings,
                build_message(
                    settings,
                    digest.email,
                    subject(digest.watch_name, matches, digest=True),
                    plain_text(digest.watch_name, matches, reader=reader),
                    html_text(digest.watch_name, matches, reader=reader),
                ),
            )
        except MailError as exc:
            summary.failed += 1
            release_digest(store, digest)
            _failed(
                store,
                settings,
                digest.delivery_ids,
                digest.attempts,
                f"watch {digest.watch_name}: digest: {exc.reason}",
                now,
            )
            continue
        finish_delivery(store, digest.delivery_ids)
        summary.sent += 1
    if summary.sent or summary.failed:
        log.info("notify: %d alerts sent, %d failed", summary.sent, summary.failed)
    return summary


def notify_pending(store: Store) -> bool:
    """Whether the notify stage has anything to do: revisions to match, deliveries due."""
    return count_pending_scans(store) > 0 or count_pending_deliveries(store, now=utcnow()) > 0


def notify(store: Store, settings: Settings) -> NotifySummary:
    """The notify stage: match, then deliver."""
    start = time.perf_counter()
    summary = scan_pending(store, settings)
    sent = deliver_due(store, settings)
    summary.sent, summary.failed = sent.sent, sent.failed
    summary.seconds = time.perf_counter() - start
    return summary
