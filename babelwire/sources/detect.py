"""Telling feeds, sitemaps and HTML pages apart by their bytes, and parsing either listing."""

from __future__ import annotations

import codecs
import re

from babelwire.errors import FeedError
from babelwire.fetch.decompress import GZIP_MAGIC
from babelwire.sources.listing import Listing, SourceKind
from babelwire.sources.xmlsafe import DEFAULT_MAX_BYTES, gunzip, gunzip_head

SNIFF_BYTES = 64 * 1024
FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
HTML_ROOTS = frozenset({"html", "head", "body"})
HTML_FRAGMENT_ROOTS = frozenset({"div", "p", "script", "meta", "title", "a", "span", "table", "link",
                                 "section", "article", "header", "main", "nav", "h1", "h2", "h3"})
# Markup that opens an HTML fragment served without <html> (a broken page is still a page).
_HTML_START = re.compile(rb"<(?:html|head|body|div|p|script|meta|title|a|span|table|h[1-6])\b", re.I)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)[\s/>]")
_URL_LINE = re.compile(r"^https?://\S+$")
_JSON_FEED_VERSION = re.compile(r'"version"\s*:\s*"https?:\\?/\\?/jsonfeed\.org\\?/version')
_JSON_ITEMS = re.compile(r'"items"\s*:\s*\[')


def detect_kind(content: bytes, content_type: str = "", url: str = "") -> SourceKind | None:
    """"feed" (RSS 0.9x/1.0/2.0, Atom, JSON Feed), "sitemap" (XML, gzipped XML or plain-text
    URL list), "page" (HTML) or None; decided by the bytes first, the Content-Type second."""
    if not isinstance(content, bytes | bytearray | memoryview):
        return None
    try:
        return _detect(bytes(content[:SNIFF_BYTES]), content_type or "", url or "")
    except (ValueError, LookupError):  # never raise: a probe tries many URLs
        return None


def parse_listing(content: bytes, url: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Listing:
    """The feed or sitemap in ``content`` (gzip allowed); FeedError if it is neither or is broken."""
    from babelwire.sources.feeds import parse_feed
    from babelwire.sources.sitemaps import parse_sitemap

    if not isinstance(content, bytes | bytearray):
        raise FeedError("not a feed or sitemap: no bytes", url=url)
    content = gunzip(bytes(content), max_bytes, url=url)
    if len(content) > max_bytes:
        raise FeedError(f"content exceeds {max_bytes} bytes", url=url)
    kind = detect_kind(content, "", url)
    if kind == "feed":
        return parse_feed(content, url)
    if kind == "sitemap":
        return parse_sitemap(content, url, max_bytes=max_bytes)
    if kind == "page":
        raise FeedError("not a feed or sitemap: an HTML page", url=url)
    raise FeedError("not a feed or sitemap", url=url)


def _detect(head: bytes, content_type: str, url: str) -> SourceKind | None:
    if head.startswith(GZIP_MAGIC):
        head = gunzip_head(head, SNIFF_BYTES)
    text = _decode(head).lstrip("\ufeff \t\r\n\x00")
    if not text:
        return None
    if text.startswith(("{", "[")):
        return "feed" if _is_json_feed(text) else None
    root = _root_name(text)
    if root in FEED_ROOTS:
        return "feed"
    if root in SITEMAP_ROOTS:
        return "sitemap"
    if root in HTML_ROOTS or re.match(r"<!doctype\s+html", text, re.I):
        return "page"
    mime = content_type.split(";", 1)[0].strip().lower()
    if root is None and _is_url_list(text, mime, url):
        return "sitemap"
    # An HTML fragment served as HTML is a (broken) page; another XML root (OPML, SVG...) is not,
    # whatever the Content-Type claims.
    if mime in ("text/html", "application/xhtml+xml") and (root is None or root in HTML_FRAGMENT_ROOTS) \
            and _HTML_START.search(head):
        return "page"
    return None


def _decode(head: bytes) -> str:
    # UTF-16/32 feeds exist (rarely); anything else is sniffed as UTF-8 with replacement,
    # which is enough to read the ASCII markup of a root element.
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(encoding, errors="replace")
    if head.startswith(b"<\x00?\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<\x00?"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def _root_name(text: str) -> str | None:
    """The local name of the first element after the XML prolog, lower-cased, or None."""
    # A plain scanner, not a regex: a hostile prolog must not cause backtracking.
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith("<?", position):
            end, close = text.find("?>", position), 2
        elif text.startswith("<!--", position):
            end, close = text.find("-->", position), 3
        elif text.startswith("<!", position):
            end, close = text.find(">", position), 1
            bracket = text.find("[", position, end if end >= 0 else None)
            if bracket >= 0:  # a DOCTYPE with an internal subset: skip to "]>"
                end, close = text.find("]", bracket), 1
                end = text.find(">", end) if end >= 0 else -1
        else:
            break
        if end < 0:
            return None
        position = end + close
    match = _ROOT.match(text, position)
    if match is None:
        return None
    return match.group(1).rsplit(":", 1)[-1].lower()


def _is_json_feed(text: str) -> bool:
    # Sniffed on the head rather than json.loads(): a 50 MiB feed is then parsed once, not twice.
    if _JSON_FEED_VERSION.search(text):
        return True
    # Unversioned JSON feeds exist in the wild: an object with "items" that carry "url"s.
    return text.startswith("{") and bool(_JSON_ITEMS.search(text)) and '"url"' in text


def _is_url_list(text: str, mime: str, url: str) -> bool:
    # The sitemap protocol allows a plain text file of URLs, one per line (sitemap.txt).
    if mime not in ("text/plain", "") and not url.lower().endswith(".txt"):
        return False
    lines = [line.strip() for line in text.splitlines()[:50] if line.strip()]
    return bool(lines) and all(_URL_LINE.match(line) for line in lines)
