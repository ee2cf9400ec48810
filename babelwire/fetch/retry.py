"""When to retry a request and how long to wait first."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    # Full jitter spreads the retries of many workers hitting one failing server.
    return random.uniform(0.0, min(cap, base * 2 ** min(attempt, 30)))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_wait(attempt: int, base: float, cap: float, retry_after: str | None = None) -> float:
    """The wait before retry number ``attempt`` (0-based): Retry-After if given, else backoff; capped."""
    asked = parse_retry_after(retry_after)
    if asked is not None:
        return min(asked, cap)
    return backoff_delay(attempt, base, cap)
