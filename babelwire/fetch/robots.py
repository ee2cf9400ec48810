"""robots.txt: fetched once per origin, cached, and obeyed (RFC 9309).

- 2xx: parsed with protego and matched against our User-Agent's product token;
  ``Crawl-delay`` slows that host down (see :mod:`babelwire.fetch.politeness`).
- 4xx (not 429), too large, too many redirects: "unavailable", everything is allowed.
- 5xx, 429 or a network failure: "unreachable", everything is disallowed for now (cached
  briefly, then asked again): the server may be down, so it cannot have told us "yes".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from babelwire.errors import (
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    NetworkError,
    RobotsDisallowedError,
)
from babelwire.fetch.result import FetchResult

logger = logging.getLogger(__name__)

TTL = 3600.0  # seconds a fetched robots.txt is trusted
UNREACHABLE_TTL = 600.0  # seconds before asking a failing server again


def product_token(user_agent: str) -> str:
    """``babelwire`` from ``babelwire/0.1 (+https://...)``: what robots.txt groups name."""
    return (user_agent.split("/", 1)[0].split() or ["*"])[0].lower()


@dataclass
class _Entry:
    parser: Protego | None  # None: no rules (allow all) or unreachable (see blocked)
    expires: float
    blocked: str | None = None  # reason when the whole origin is disallowed for now


class RobotsPolicy:
    """Answers "may we fetch this URL?", fetching each origin's robots.txt through ``fetch``."""

    def __init__(self, user_agent: str, fetch: Callable[[str], FetchResult],
                 on_crawl_delay: Callable[[str, float | None], None]) -> None:
        self.token = product_token(user_agent)
        self._fetch = fetch
        self._on_crawl_delay = on_crawl_delay
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, _Entry] = {}

    def check(self, url: str) -> None:
        """Raise RobotsDisallowedError unless robots.txt lets our User-Agent fetch ``url``."""
        entry = self._entry(url)
        if entry.blocked:
            raise RobotsDisallowedError(entry.blocked, url=url)
        if entry.parser is not None and not entry.parser.can_fetch(url, self.token):
            raise RobotsDisallowedError(f"robots.txt disallows {self.token}", url=url)

    def _entry(self, url: str) -> _Entry:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one robots.txt request per origin, even with many threads waiting
            entry = self._cache.get(origin)
            if entry is None or entry.expires < time.monotonic():
                entry = self._load(origin, (parts.hostname or "").lower())
                self._cache[origin] = entry
            return entry

    def _load(self, origin: str, host: str) -> _Entry:
        robots_url = origin + "/robots.txt"
        now = time.monotonic()
        try:
            result = self._fetch(robots_url)
        except BlockedAddressError:
            raise
        except HTTPStatusError as exc:
            if exc.status == 429 or exc.status >= 500:
                return self._unreachable(robots_url, f"HTTP {exc.status}", now)
            logger.debug("no robots.txt at %s (%s): everything allowed", robots_url, exc.reason)
            return _Entry(None, now + TTL)
        except NetworkError as exc:
            if exc.kind == "dns":
                # No such host: say that, not "robots.txt unreachable … retried in 10 min".
                raise NetworkError(exc.reason, url=robots_url, kind=exc.kind) from exc
            return self._unreachable(robots_url, exc.reason, now)
        except FetchError as exc:
            logger.info("unusable robots.txt at %s (%s): everything allowed", robots_url, exc.reason)
            return _Entry(None, now + TTL)
        parser = Protego.parse(result.text)
        self._on_crawl_delay(host, parser.crawl_delay(self.token))
        return _Entry(parser, now + TTL)

    def _unreachable(self, robots_url: str, why: str, now: float) -> _Entry:
        reason = (f"robots.txt unreachable ({why}); the host is treated as disallowed for now "
                  f"(RFC 9309), retried in {UNREACHABLE_TTL / 60:g} min")
        logger.warning("%s: %s", robots_url, reason)
        return _Entry(None, now + UNREACHABLE_TTL, blocked=reason)
