"""Politeness: how many requests run at once, per host and overall, and how often a host is hit.

Fetches run from a thread pool, so every wait here is a blocking, thread-safe wait. A request
takes its host's slot first, then waits for its turn (``host_delay`` after the previous start to
that host, or the robots.txt ``Crawl-delay`` if longer), then takes a global slot: a request
waiting for its host's turn does not hold one of the global slots other hosts could use.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

MAX_CRAWL_DELAY = 30.0  # a robots.txt asking for more would stall a source for hours


class Politeness:
    """Per-host and global concurrency limits plus a minimum interval between request starts."""

    def __init__(self, host_delay: float, host_concurrency: int, concurrency: int) -> None:
        self.host_delay = max(0.0, host_delay)
        self.host_concurrency = max(1, host_concurrency)
        self._global = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._crawl_delay: dict[str, float] = {}

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """Apply a robots.txt Crawl-delay to a host (capped at 30 s; never below host_delay)."""
        with self._lock:
            if seconds is None or seconds <= 0:
                self._crawl_delay.pop(host, None)
                return
            if seconds > MAX_CRAWL_DELAY:
                logger.info("robots.txt of %s asks for a %gs crawl delay; using %gs", host, seconds,
                            MAX_CRAWL_DELAY)
            self._crawl_delay[host] = min(float(seconds), MAX_CRAWL_DELAY)

    def delay_for(self, host: str) -> float:
        """Seconds between request starts to this host."""
        with self._lock:
            return max(self.host_delay, self._crawl_delay.get(host, 0.0))

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold a request slot for ``host`` for the duration of the block (blocks until allowed)."""
        with self._lock:
            host_slot = self._host_slots.setdefault(host, threading.BoundedSemaphore(self.host_concurrency))
        with host_slot:
            self._wait_turn(host)
            with self._global:
                yield

    def _wait_turn(self, host: str) -> None:
        # Reserve a start time under the lock, sleep outside it: concurrent callers for the same
        # host get consecutive start times spaced by the delay, without holding the lock.
        with self._lock:
            now = time.monotonic()
            delay = max(self.host_delay, self._crawl_delay.get(host, 0.0))
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + delay
        if start > now:
            time.sleep(start - now)
