"""Politeness: concurrency per host and overall, and the delay between request starts."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from babelwire.config import FetchSettings
from babelwire.fetch import Fetcher
from babelwire.fetch.politeness import MAX_CRAWL_DELAY, Politeness
from babelwire.loopback import LoopbackServer, Request, Response

Settings = Callable[..., FetchSettings]


class InFlight:
    """A route handler that counts concurrent requests (it answers after a short delay)."""

    def __init__(self, delay: float = 0.15) -> None:
        self.delay = delay
        self.now = 0
        self.peak = 0
        self.starts: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.starts.append(time.monotonic())
        time.sleep(self.delay)
        with self._lock:
            self.now -= 1
        return Response(b"<p>ok</p>")


def test_per_host_concurrency_never_above_limit(server: LoopbackServer, fetch_settings: Settings) -> None:
    handler = InFlight()
    url = server.route("/a", handler)
    with Fetcher(fetch_settings(host_concurrency=2, concurrency=8)) as fetcher, ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: fetcher.fetch(url).status, range(6)))
    assert results == [200] * 6
    assert handler.peak == 2  # never more, and the limit is actually used


def test_global_concurrency_across_hosts(server: LoopbackServer, fetch_settings: Settings) -> None:
    handler = InFlight()
    server.route("/a", handler)
    port = server.base_url.rsplit(":", 1)[1]
    urls = [f"http://127.0.0.1:{port}/a", f"http://localhost:{port}/a"] * 3  # two hosts, one server
    with Fetcher(fetch_settings(host_concurrency=2, concurrency=1)) as fetcher, ThreadPoolExecutor(6) as pool:
        list(pool.map(fetcher.fetch, urls))
    assert handler.peak == 1


def test_host_delay_between_request_starts(server: LoopbackServer, fetch_settings: Settings) -> None:
    handler = InFlight(delay=0.0)
    url = server.route("/a", handler)
    settings = fetch_settings(host_delay=0.25, host_concurrency=4)
    with Fetcher(settings) as fetcher, ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: fetcher.fetch(url), range(4)))
    starts = sorted(handler.starts)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.2, gaps


def test_crawl_delay_raises_and_is_capped() -> None:
    politeness = Politeness(host_delay=0.5, host_concurrency=1, concurrency=1)
    politeness.set_crawl_delay("slow.example", 5)
    politeness.set_crawl_delay("greedy.example", 86400)
    politeness.set_crawl_delay("fast.example", 0.1)
    assert politeness.delay_for("slow.example") == 5
    assert politeness.delay_for("greedy.example") == MAX_CRAWL_DELAY
    assert politeness.delay_for("fast.example") == 0.5  # never below host_delay
    assert politeness.delay_for("other.example") == 0.5
