"""The records a source listing yields: Entry (one article URL) and Listing (a parsed source)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit

SourceKind = Literal["feed", "sitemap", "page"]

MAX_ENTRIES = 50_000
"""Most entries (or child sitemaps) kept from one listing: the sitemap protocol's own limit."""


@dataclass
class Entry:
    """One article URL announced by a feed or a sitemap."""

    url: str
    guid: str | None = None
    title: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass
class Listing:
    """A parsed feed or sitemap: its entries (newest first) and, for an index, its children."""

    kind: SourceKind
    title: str | None
    language: str | None
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    site_url: str | None = None


def absolute_url(value: object, base: str) -> str | None:
    """``value`` resolved against ``base``, whitespace stripped, fragment removed; None unless
    the result is an http(s) URL with a host."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    try:
        url = urldefrag(urljoin(base, text)).url
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 literal in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def clean_text(value: object) -> str | None:
    """A title or identifier with runs of whitespace collapsed; None when empty."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def finalise_entries(entries: list[Entry], limit: int = MAX_ENTRIES) -> list[Entry]:
    """Entries deduplicated by URL and by GUID (the first kept), newest first, at most ``limit``.

    Dated entries come first, newest first; undated ones follow in document order, because
    a listing's own order is the best guess we have for them.
    """
    seen_urls: set[str] = set()
    seen_guids: set[str] = set()
    unique: list[Entry] = []
    for entry in entries:
        if entry.url in seen_urls or (entry.guid is not None and entry.guid in seen_guids):
            continue
        seen_urls.add(entry.url)
        if entry.guid is not None:
            seen_guids.add(entry.guid)
        unique.append(entry)
    dated = sorted((e for e in unique if e.published), key=lambda e: e.published, reverse=True)  # type: ignore[arg-type,return-value]
    undated = [e for e in unique if e.published is None]
    return (dated + undated)[:limit]
