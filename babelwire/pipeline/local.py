"""The local runner: one process, a pool of threads, the same stage functions as Celery."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from babelwire.config import Settings
from babelwire.fetch import Fetcher
from babelwire.pipeline.ingest import (
    IngestOutcome,
    ListingOutcome,
    due_sources,
    ingest_item,
    list_source,
    pending_items,
    queue_refreshes,
)
from babelwire.pipeline.notify import NotifySummary, notify
from babelwire.pipeline.translation import TranslateSummary, pending_jobs, translate_pending
from babelwire.store import Store
from babelwire.stories.grouping import articles_of_revisions, regroup_pending
from babelwire.translate.engines import EngineCache

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


class Reporter(Protocol):
    """Receives progress; the CLI renders it with Rich, tests ignore it."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, phase: str, detail: str = "") -> None: ...


class SilentReporter:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, phase: str, detail: str = "") -> None:
        pass


@dataclass
class PollSummary:
    sources: int = 0
    sources_failed: int = 0
    sources_not_modified: int = 0
    queued: int = 0
    refreshes: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failed: int = 0
    new_revisions: list[int] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url or source, reason)
    translation: TranslateSummary = field(default_factory=TranslateSummary)
    grouped: int = 0
    alerts: NotifySummary = field(default_factory=NotifySummary)

    def count(self, outcome: IngestOutcome) -> None:
        if outcome.status == "gone":
            return
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.revision_id:
            self.new_revisions.append(outcome.revision_id)
        if outcome.error:
            self.errors.append((outcome.url, outcome.error))


def _run_all(
    pool: ThreadPoolExecutor, fn: Callable[[T], R], items: Iterable[T], on_done: Callable[[R], None]
) -> None:
    futures = [pool.submit(fn, item) for item in items]
    for future in as_completed(futures):
        on_done(future.result())


def poll(
    store: Store,
    settings: Settings,
    *,
    reporter: Reporter | None = None,
    source_ids: list[int] | None = None,
    all_sources: bool = False,
    fetcher: Fetcher | None = None,
    engines: EngineCache | None = None,
) -> PollSummary:
    """Poll every due source once, fetch and store every queued article URL, then translate
    every revision still waiting for a translation."""
    reporter = reporter or SilentReporter()
    summary = PollSummary()
    ids = source_ids if source_ids is not None else due_sources(store, all_sources=all_sources)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings.fetch)
    try:
        with ThreadPoolExecutor(max(1, settings.poll.workers), thread_name_prefix="babelwire") as pool:
            reporter.start("sources", len(ids))
            listed_ok: list[int] = []

            def listed(outcome: ListingOutcome) -> None:
                summary.sources += 1
                if outcome.ok:
                    listed_ok.append(outcome.source_id)
                    summary.queued += outcome.queued
                    summary.sources_not_modified += outcome.not_modified
                else:
                    summary.sources_failed += 1
                    summary.errors.append((f"source {outcome.source_id}", outcome.error or ""))
                reporter.advance("sources")

            _run_all(pool, lambda sid: list_source(store, fetcher, sid, settings), ids, listed)
            if listed_ok:
                summary.refreshes = queue_refreshes(store, listed_ok, settings)
            items = pending_items(store)
            reporter.start("articles", len(items))

            def ingested(outcome: IngestOutcome) -> None:
                summary.count(outcome)
                reporter.advance("articles", outcome.status)

            _run_all(pool, lambda item: ingest_item(store, fetcher, item, settings), items, ingested)
        jobs = len(pending_jobs(store, settings))
        if jobs:
            reporter.start("translate", jobs)
            summary.translation = translate_pending(
                store, settings, engines or EngineCache(settings), on_progress=lambda: reporter.advance("translate"))
            summary.errors.extend(summary.translation.errors)
        if settings.stories.enabled:
            summary.grouped = regroup_pending(store, settings,
                                              updated=articles_of_revisions(store, summary.new_revisions))
        summary.alerts = notify(store, settings)  # watches: match the new revisions, send what is due
    finally:
        if own_fetcher:
            fetcher.close()
    return summary
