"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser 6.0 does not read."""

from __future__ import annotations

import json
import logging
from typing import Any

from babelwire.errors import FeedError
from babelwire.sources.dates import parse_datetime
from babelwire.sources.language import normalise_language
from babelwire.sources.listing import Entry, Listing, Skips, absolute_url, clean_text, entry_url, finalise_entries

log = logging.getLogger(__name__)


def looks_like_json(content: bytes) -> bool:
    """True when ``content`` starts (after a BOM and whitespace) with a JSON object or array."""
    head = bytes(content[:64]).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"["))


def parse_json_feed(content: bytes, url: str) -> Listing:
    """The items of a JSON Feed, newest first; FeedError if it is not valid JSON Feed."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        # json.JSONDecodeError and UnicodeDecodeError are both ValueErrors.
        raise FeedError(f"malformed JSON feed: {exc}", url=url) from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError("not a feed or sitemap: JSON without a list of items", url=url)
    language = normalise_language(data.get("language"))
    entries: list[Entry] = []
    skips = Skips()
    for item in data["items"]:
        if isinstance(item, dict) and (entry := _entry(item, url, language, skips)) is not None:
            entries.append(entry)
    return Listing(
        kind="feed",
        title=clean_text(data.get("title")),
        language=language,
        entries=finalise_entries(entries),
        sitemaps=[],
        site_url=absolute_url(data.get("home_page_url"), url),
        skipped=skips.as_list(),
    )


def _entry(item: dict[str, Any], feed_url: str, feed_language: str | None, skips: Skips) -> Entry | None:
    # "url" is the item's own page; "external_url" (a link post) is the next best thing.
    tried = Skips()
    link = entry_url(item.get("url"), feed_url, tried) or entry_url(item.get("external_url"), feed_url, tried)
    if link is None:
        refused = tried.as_list()
        if refused:  # counted once per item, for the first link refused
            skips.add(refused[0].why, refused[0].example)
        return None
    guid = item.get("id")
    return Entry(
        url=link,
        guid=clean_text(str(guid)) if isinstance(guid, str | int) and not isinstance(guid, bool) else None,
        title=clean_text(item.get("title")),
        published=parse_datetime(item.get("date_published")) or parse_datetime(item.get("date_modified")),
        language=normalise_language(item.get("language")) or feed_language,
    )
