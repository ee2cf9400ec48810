"""XML sitemaps (urlset, sitemapindex), Google News sitemaps, gzip and plain-text sitemaps."""

from __future__ import annotations

import logging
import re

from lxml import etree

from babelwire.errors import FeedError
from babelwire.sources.dates import parse_datetime
from babelwire.sources.language import normalise_language
from babelwire.sources.listing import (
    ENTITY,
    MAX_ENTRIES,
    NOT_HTTP,
    Entry,
    Listing,
    Skips,
    clean_text,
    entry_url,
    finalise_entries,
)
from babelwire.sources.xmlsafe import DEFAULT_MAX_BYTES, EntityAttackError, gunzip, local_name, parse_xml

log = logging.getLogger(__name__)
_DECLARES_ENTITY = re.compile(rb"<!ENTITY", re.I)
_PROLOG_BYTES = 1 << 20  # where a DOCTYPE's internal subset can be (before the root element)


def parse_sitemap(content: bytes, url: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Listing:
    """The URLs of a sitemap (gzip allowed) or the child sitemaps of an index; FeedError if
    malformed or empty (saying why: every ``<loc>`` an entity reference, or not http(s)...).
    Namespaces are ignored: many sitemaps get theirs wrong."""
    content = gunzip(bytes(content), max_bytes, url=url)
    if len(content) > max_bytes:
        raise FeedError(f"sitemap exceeds {max_bytes} bytes", url=url)
    if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _parse_text_sitemap(content, url)
    try:
        root = parse_xml(content, what="sitemap", url=url)
        recovered = False
    except EntityAttackError:
        raise
    except FeedError as error:
        if _DECLARES_ENTITY.search(content, 0, _PROLOG_BYTES):
            # A recovering parser silently drops references to declared entities (a loop or a
            # "billion laughs" among them): "https://x/&a;" would become "https://x/".
            raise FeedError(f"{error.reason}; not recovered: the sitemap declares entities", url=url) from error
        # A truncated sitemap (a cut-off download, a crashed generator) still lists URLs
        # before the break: keep those, as for feeds, and say so.
        root = _recover(content)
        if root is None:
            raise
        recovered, reason = True, error.reason
    name = local_name(root)
    if name not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap: the root element is <{name or '?'}>", url=url)
    entries: list[Entry] = []
    children: list[str] = []
    skips = Skips()
    for element in root:
        kind = local_name(element)
        if kind == "url" and len(entries) < MAX_ENTRIES:
            entry = _url_entry(element, url, skips)
            if entry is not None:
                entries.append(entry)
        elif kind == "sitemap" and len(children) < MAX_ENTRIES:
            child = _loc(element, url, skips)
            if child is not None and child not in children:
                children.append(child)
    if not entries and not children:
        raise FeedError(_empty_reason(skips), url=url)
    if recovered:
        log.warning("%s; kept %d recovered URLs", reason, len(entries) + len(children), extra={"url": url})
    return Listing(kind="sitemap", title=None, language=None, entries=finalise_entries(entries),
                   sitemaps=children, site_url=None, skipped=skips.as_list())


def _empty_reason(skips: Skips) -> str:
    why = skips.describe()
    return f"sitemap holds no URLs ({why})" if why else "sitemap holds no URLs"


def _loc(element: etree._Element, base: str, skips: Skips) -> str | None:
    """The absolute http(s) URL of an element's ``<loc>``; refusals counted in ``skips``."""
    loc = _child(element, "loc")
    if loc is None:
        return None
    if _has_entity(loc):
        # Entities are never expanded (safe_parser): "https://x/&a9;" would silently become
        # "https://x/", the site's home page. A <loc> built from entities is no link at all.
        skips.add(ENTITY)
        return None
    return entry_url(_text_of(loc), base, skips)


def _has_entity(element: etree._Element) -> bool:
    return any(child.tag is etree.Entity for child in element.iter())


def _recover(content: bytes) -> etree._Element | None:
    try:
        return parse_xml(content, what="sitemap", recover=True)
    except FeedError:
        return None


def _url_entry(element: etree._Element, base: str, skips: Skips) -> Entry | None:
    loc = _loc(element, base, skips)
    if loc is None:
        return None
    published = parse_datetime(_child_text(element, "lastmod"))
    title = language = None
    news = _child(element, "news")
    if news is not None:
        # Google News sitemap: <news:news><news:publication><news:language>...
        published = parse_datetime(_child_text(news, "publication_date")) or published
        title = clean_text(_child_text(news, "title"))
        publication = _child(news, "publication")
        if publication is not None:
            language = normalise_language(_child_text(publication, "language"))
    if language is None:
        language = _hreflang_of(element, loc)
    return Entry(url=loc, guid=None, title=title, published=published, language=language)


def _hreflang_of(element: etree._Element, loc: str) -> str | None:
    # <xhtml:link rel="alternate" hreflang="de" href="..."/> naming the URL itself tells its language.
    for link in element:
        if local_name(link) == "link" and link.get("href", "").strip() == loc:
            language = normalise_language(link.get("hreflang"))
            if language:
                return language
    return None


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if local_name(child) == name:
            return child
    return None


def _child_text(element: etree._Element, name: str) -> str | None:
    child = _child(element, name)
    if child is None:
        return None
    return _text_of(child) or None


def _text_of(element: etree._Element) -> str:
    # Entity references stay unexpanded (safe_parser): their text is dropped, never resolved,
    # and neither itertext() nor tostring() is used since both can surface or expand them.
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _parse_text_sitemap(content: bytes, url: str) -> Listing:
    """A sitemap.txt: one absolute URL per line (UTF-8), as the sitemap protocol allows."""
    entries: list[Entry] = []
    skips = Skips()
    for line in content.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        if not line.strip().lower().startswith(("http://", "https://")):
            skips.add(NOT_HTTP, line)
            continue
        loc = entry_url(line, url, skips)
        if loc is not None:
            entries.append(Entry(url=loc))
            if len(entries) >= MAX_ENTRIES:
                break
    if not entries:
        raise FeedError(_empty_reason(skips), url=url)
    return Listing(kind="sitemap", title=None, language=None, entries=finalise_entries(entries),
                   sitemaps=[], site_url=None, skipped=skips.as_list())
