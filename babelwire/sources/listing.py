"""The records a source listing yields: Entry (one article URL), Listing (a parsed source) and
Skipped (entries left out, and why: a listing never drops an announced link silently)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit

from babelwire.store.limits import MAX_URL, cut_url_for_display

SourceKind = Literal["feed", "sitemap", "page"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 control characters

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


NOT_HTTP = ("its link is not an http(s) URL", "links are not http(s) URLs")
TOO_LONG = (f"its link is longer than {MAX_URL} characters", f"links longer than {MAX_URL} characters")
ENTITY = ("its <loc> uses an entity reference (never expanded: entity expansion attack?)",
          "their <loc> use entity references (never expanded: entity expansion attack?)")


@dataclass
class Skipped:
    """Entries of a listing left out for one reason: how many, and the first one's link."""

    why: tuple[str, str]  # (singular, plural) phrase, e.g. NOT_HTTP
    count: int = 0
    example: str | None = None  # the first such link, cut to fit a URL column

    def describe(self) -> str:
        """``3 entries skipped: links are not http(s) URLs``."""
        if self.count == 1:
            return f"1 entry skipped: {self.why[0]}"
        return f"{self.count} entries skipped: {self.why[1]}"


class Skips:
    """Collects :class:`Skipped` counts while a listing is parsed."""

    def __init__(self) -> None:
        self._by_reason: dict[tuple[str, str], Skipped] = {}

    def add(self, why: tuple[str, str], link: object = None) -> None:
        skipped = self._by_reason.setdefault(why, Skipped(why))
        skipped.count += 1
        if skipped.example is None and isinstance(link, str) and link.strip():
            skipped.example = cut_url_for_display(_CONTROL.sub("", link.strip()))

    def as_list(self) -> list[Skipped]:
        return list(self._by_reason.values())

    def describe(self) -> str:
        """All reasons, ``; ``-separated ("" when nothing was skipped)."""
        return "; ".join(skipped.describe() for skipped in self._by_reason.values())


@dataclass
class Listing:
    """A parsed feed or sitemap: its entries (newest first) and, for an index, its children."""

    kind: SourceKind
    title: str | None
    language: str | None
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    site_url: str | None = None
    skipped: list[Skipped] = field(default_factory=list)  # announced links left out, and why


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
    if _CONTROL.search(url):  # NUL and control characters: no real link holds them
        return None
    return url


def entry_url(value: object, base: str, skips: Skips) -> str | None:
    """:func:`absolute_url` for an entry's link, counting in ``skips`` why a link given is refused
    (not http(s), longer than a URL column); None also when no link is given (not counted)."""
    if not isinstance(value, str) or not value.strip():
        return None
    url = absolute_url(value, base)
    if url is None:
        skips.add(NOT_HTTP, value)
        return None
    if len(url) > MAX_URL:
        skips.add(TOO_LONG, url)
        return None
    return url


def clean_text(value: object) -> str | None:
    """A title or identifier with runs of whitespace collapsed (NUL and control characters
    removed); None when empty."""
    if not isinstance(value, str):
        return None
    text = _CONTROL.sub("", " ".join(value.split()))
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
