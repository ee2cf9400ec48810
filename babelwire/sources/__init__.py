"""What URLs to fetch: feeds, sitemaps and page discovery, as pure functions over bytes.

The pipeline fetches with babelwire.fetch and hands the bytes here; nothing in this package
touches the network. Every failure is a babelwire.errors.FeedError with a readable reason.
"""

from babelwire.sources.detect import detect_kind, parse_listing
from babelwire.sources.discovery import COMMON_FEED_PATHS, common_feed_urls, discover_feed_links
from babelwire.sources.feeds import parse_feed
from babelwire.sources.language import normalise_language
from babelwire.sources.listing import Entry, Listing, SourceKind
from babelwire.sources.opml import Outline, parse_opml, write_opml
from babelwire.sources.sitemaps import parse_sitemap

__all__ = [
    "COMMON_FEED_PATHS",
    "Entry",
    "Listing",
    "Outline",
    "SourceKind",
    "common_feed_urls",
    "detect_kind",
    "discover_feed_links",
    "normalise_language",
    "parse_feed",
    "parse_listing",
    "parse_opml",
    "parse_sitemap",
    "write_opml",
]
