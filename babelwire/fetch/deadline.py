"""A total deadline for one URL: connect, headers and the whole body, across redirects and retries.

httpx's timeouts are per operation: the read timeout restarts with every byte received, so a
server that trickles one byte every few seconds (or sends an endless body) holds a request for
as long as it likes. Here every socket operation (connect, TLS handshake, read, write) is given
``min(its own timeout, time left)``, and fails with :class:`DeadlineExceeded` once the time is
spent. The check lives in the network stream itself (see :class:`DeadlineStream`, installed by
:class:`babelwire.fetch.guard.GuardedBackend`), so no phase of a request escapes it.

A :class:`Budget` is what one URL may spend. The fetcher runs each attempt under
:func:`running`, which charges the attempt's wall time to the budget; backoff waits between
retries are charged too (and never outlast what is left). The time a request waits for its own
politeness slot (host delay, concurrency limits) is not charged: that is our own queue, not the
server's doing. The deadline in force is kept per thread: sync httpx does all its I/O in the
calling thread, and a pooled connection serves whichever thread holds it.
"""

from __future__ import annotations

import math
import ssl
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager

import httpcore

from babelwire.errors import NetworkError

_local = threading.local()


class DeadlineExceeded(NetworkError):
    """The URL took longer than ``[fetch] total_timeout`` in all."""


def describe_seconds(seconds: float) -> str:
    """``60 s`` / ``0.5 s`` for reasons shown to users."""
    return f"{seconds:g} s"


class Budget:
    """Seconds one URL may still spend talking to servers (all attempts and redirect hops).

    The settings refuse a ``total_timeout`` of 0 or less; settings built in code that pass one
    get no deadline rather than a fetcher that fails every request."""

    def __init__(self, total: float) -> None:
        self.total = float(total) if total > 0 else math.inf
        self.spent = 0.0
        self._deadline: float | None = None  # monotonic end of the attempt running now

    def remaining(self) -> float:
        if self._deadline is not None:
            return self._deadline - time.monotonic()
        return self.total - self.spent

    def error(self) -> DeadlineExceeded:
        return DeadlineExceeded(f"took longer than {describe_seconds(self.total)}")

    def check(self) -> None:
        """Raise :class:`DeadlineExceeded` when nothing is left."""
        if self.remaining() <= 0:
            raise self.error()

    def sleep(self, seconds: float) -> None:
        """Wait (a retry backoff), charged to the budget."""
        seconds = max(0.0, min(seconds, self.remaining()))
        time.sleep(seconds)
        self.spent += seconds

    @contextmanager
    def running(self) -> Iterator[None]:
        """Run an attempt under this budget: socket operations in this thread are bounded by it."""
        self.check()
        started = time.monotonic()
        self._deadline = started + (self.total - self.spent)
        previous = getattr(_local, "budget", None)
        _local.budget = self
        try:
            yield
        finally:
            _local.budget = previous
            self._deadline = None
            self.spent += time.monotonic() - started


def current() -> Budget | None:
    """The budget of the attempt running in this thread, if any."""
    return getattr(_local, "budget", None)


def bounded(timeout: float | None) -> tuple[float | None, Budget | None]:
    """``(timeout to use, budget)``: the budget is returned only when it, not ``timeout``, binds.

    Raises :class:`DeadlineExceeded` when the running budget is already spent.
    """
    budget = current()
    if budget is None:
        return timeout, None
    left = budget.remaining()
    if left <= 0:
        raise budget.error()
    if left != math.inf and (timeout is None or left < timeout):
        return left, budget
    return timeout, None


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation also respects the running budget."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        limit, budget = bounded(timeout)
        try:
            return self._stream.read(max_bytes, limit)
        except httpcore.ReadTimeout:
            if budget is not None:
                raise budget.error() from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        limit, budget = bounded(timeout)
        try:
            self._stream.write(buffer, limit)
        except httpcore.WriteTimeout:
            if budget is not None:
                raise budget.error() from None
            raise

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        limit, budget = bounded(timeout)
        try:
            return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, limit))
        except httpcore.ConnectTimeout:
            if budget is not None:
                raise budget.error() from None
            raise

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)
