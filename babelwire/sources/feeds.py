"""RSS 0.9x/1.0 (RDF)/2.0 and Atom feeds via feedparser; JSON Feed via jsonfeed.py."""

from __future__ import annotations

import logging
from typing import Any

import feedparser

from babelwire.errors import FeedError
from babelwire.sources.dates import struct_to_utc
from babelwire.sources.jsonfeed import looks_like_json, parse_json_feed
from babelwire.sources.language import normalise_language
from babelwire.sources.listing import Entry, Listing, Skips, absolute_url, clean_text, entry_url, finalise_entries
from babelwire.sources.xmlsafe import DEFAULT_MAX_BYTES, gunzip

log = logging.getLogger(__name__)

# feedparser flags these as "bozo" although the feed parsed fine: they are not breakage.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def parse_feed(content: bytes, url: str) -> Listing:
    """The entries of an RSS, Atom, RDF or JSON feed, newest first; FeedError if unusable."""
    content = gunzip(bytes(content), DEFAULT_MAX_BYTES, url=url)  # a feed.xml.gz fetched as is
    if looks_like_json(content):
        return parse_json_feed(content, url)
    # content-location makes feedparser resolve relative links against the feed's own URL
    # (xml:base, where present, still wins); feedparser never fetches anything given bytes.
    parsed = feedparser.parse(bytes(content), response_headers={"content-location": url},
                              sanitize_html=False)
    skips = Skips()
    entries = [entry for item in parsed.entries if (entry := _entry(item, url, skips)) is not None]
    feed = parsed.feed
    language = normalise_language(feed.get("language"))
    for entry in entries:
        entry.language = entry.language or language
    if parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS_BOZO):
        reason = _bozo_reason(parsed.get("bozo_exception"))
        if not entries:  # nothing usable was recovered before the break
            skipped = f" ({skips.describe()})" if skips.describe() else ""
            raise FeedError(f"malformed feed: {reason}{skipped}", url=url)
        log.warning("malformed feed, kept %d recovered entries: %s", len(entries), reason,
                    extra={"url": url})
    elif not parsed.get("version") and not parsed.entries:
        raise FeedError("not a feed or sitemap", url=url)
    return Listing(
        kind="feed",
        title=clean_text(feed.get("title")),
        language=language,
        entries=finalise_entries(entries),
        sitemaps=[],
        site_url=absolute_url(feed.get("link"), url),
        skipped=skips.as_list(),
    )


def _entry(item: Any, feed_url: str, skips: Skips) -> Entry | None:
    given = item.get("link")
    if item.get("guidislink") and absolute_url(given, feed_url) is None:
        return None  # feedparser's fallback to a non-URL id ("urn:uuid:..."): no link was given
    link = entry_url(given, feed_url, skips)
    if link is None:
        # An entry without an alternate link (e.g. an Atom entry with only rel="self", which
        # points at an XML document, not a page) announces nothing we could extract; a link
        # that is not http(s) (javascript:, data:) or too long is counted in ``skips``.
        return None
    # dict.get, not item.get: feedparser's own get() warns when it maps updated to published.
    published = struct_to_utc(dict.get(item, "published_parsed")) or struct_to_utc(
        dict.get(item, "updated_parsed"))
    title_detail = item.get("title_detail") or {}
    language = normalise_language(item.get("language")) or normalise_language(title_detail.get("language"))
    return Entry(
        url=link,
        guid=clean_text(item.get("id")),
        title=clean_text(item.get("title")),
        published=published,
        language=language,
    )


def _bozo_reason(exc: object) -> str:
    if exc is None:
        return "unknown error"
    message = getattr(exc, "getMessage", None)
    text = message() if callable(message) else str(exc)
    line = getattr(exc, "getLineNumber", None)
    if callable(line) and line() is not None:
        return f"{text} at line {line()}"
    return text or type(exc).__name__
