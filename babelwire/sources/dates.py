"""Dates as feeds and sitemaps write them → timezone-aware UTC datetimes."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def struct_to_utc(value: object) -> datetime | None:
    """A feedparser ``*_parsed`` tuple (already UTC) as an aware datetime, or None."""
    if not isinstance(value, time.struct_time | tuple) or len(value) < 6:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_datetime(value: object) -> datetime | None:
    """A W3C/ISO 8601 (sitemaps, JSON Feed) or RFC 822 date as aware UTC, or None.

    A date without a time zone is taken as UTC: sitemaps often write bare dates ("2005-01-01").
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
