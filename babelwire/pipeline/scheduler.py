"""Polling on a schedule: a background thread that runs the local poll every ``[poll] tick``.

Used by ``babelwire run`` next to the web server. The pipeline is transactional per source and
per article, so stopping between items loses nothing: a stop request makes the next fetch raise
:class:`PollStopped`, the poll unwinds, and the remaining queue items are picked up next time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from babelwire.config import Settings
from babelwire.fetch import Fetcher
from babelwire.fetch.result import FetchResult
from babelwire.pipeline.ingest import due_sources, pending_items, record_error
from babelwire.pipeline.local import PollSummary, poll
from babelwire.store import Store
from babelwire.translate.engines import EngineCache

log = logging.getLogger(__name__)


class PollStopped(Exception):
    """Raised inside a running poll when the scheduler is asked to stop (control flow, not an
    error a user should see, hence not a BabelwireError: the stages must not record it)."""


class _StoppableFetcher(Fetcher):
    """A Fetcher that refuses new requests once the stop event is set."""

    def __init__(self, settings: Settings, stop: threading.Event) -> None:
        super().__init__(settings.fetch)
        self._stop = stop

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        if self._stop.is_set():
            raise PollStopped(url)
        return super().fetch(url, etag=etag, last_modified=last_modified)


class _StopReporter:
    """Progress sink that ends the poll at a phase boundary once a stop is requested."""

    def __init__(self, stop: threading.Event) -> None:
        self._stop = stop

    def start(self, phase: str, total: int) -> None:
        if self._stop.is_set():
            raise PollStopped(phase)

    def advance(self, phase: str, detail: str = "") -> None:
        pass


class PollScheduler:
    """``scheduler.start()`` … ``scheduler.stop()``: poll due sources every tick in a thread."""

    def __init__(
        self, store: Store, settings: Settings, *, on_poll: Callable[[PollSummary], None] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.tick = settings.poll.tick.total_seconds()
        self.on_poll = on_poll
        self.polls = 0
        self.failures = 0
        self._stop = threading.Event()
        # One engine cache for the life of the process: loading a ct2 model takes seconds.
        self._engines = EngineCache(settings)
        self._thread = threading.Thread(target=self._loop, name="babelwire-poll", daemon=True)

    def start(self) -> PollScheduler:
        self._thread.start()
        log.info("polling due sources every %ss", self.tick)
        return self

    def request_stop(self) -> None:
        """Ask the running poll to stop at its next safe point (safe to call from a signal handler)."""
        self._stop.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Ask the poll to stop and wait up to ``timeout`` seconds; False if it is still busy."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            # A fetch or a translation batch is still running; the thread is a daemon and every
            # stage writes in one transaction, so abandoning it at exit loses only that item.
            log.warning("the running poll did not stop within %.0fs; abandoning it", timeout)
            return False
        return True

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def poll_once(self) -> PollSummary | None:
        """Poll when a source is due or URLs wait in the queue; None when there was nothing to do."""
        if not due_sources(self.store) and not pending_items(self.store):
            return None
        fetcher = _StoppableFetcher(self.settings, self._stop)
        try:
            summary = poll(self.store, self.settings, reporter=_StopReporter(self._stop), fetcher=fetcher,
                           engines=self._engines)
        finally:
            fetcher.close()
        self.polls += 1
        log.info("poll done: %d sources, %d new, %d updated, %d failed, %d translated", summary.sources,
                 summary.new, summary.updated, summary.failed, summary.translation.translated)
        if self.on_poll:
            self.on_poll(summary)
        return summary

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except PollStopped:
                log.info("poll stopped between items")
                break
            except Exception as exc:  # one bad poll must never end the schedule
                self.failures += 1
                log.exception("poll failed")
                self._record(f"{type(exc).__name__}: {exc}")
            self._stop.wait(self.tick)

    def _record(self, reason: str) -> None:
        try:
            with self.store.transaction() as session:
                record_error(session, "poll", reason)
        except Exception:  # the database itself may be what failed
            log.exception("could not record the poll failure")
