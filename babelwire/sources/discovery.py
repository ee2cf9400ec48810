"""Finding a site's feeds: <link rel="alternate"> in its HTML, links to feeds, common paths."""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from babelwire.sources.listing import absolute_url

log = logging.getLogger(__name__)

FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
    "application/x-rss+xml", "application/x-atom+xml", "application/rss", "text/rss+xml",
})
COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed",                    # WordPress (the most common CMS by far), Ghost, many others
    "/rss",                     # Ghost, Squarespace, many news CMSs
    "/rss.xml",                 # Drupal, Gatsby, Next.js blogs
    "/feed.xml",                # Jekyll
    "/atom.xml",                # Hexo, Octopress, Zola
    "/index.xml",               # Hugo
    "/feeds/all.atom.xml",      # Pelican
    "/feed.json",               # JSON Feed (micro.blog, Jekyll plugins)
    "/?feed=rss2",              # WordPress without pretty permalinks
    "/feeds/posts/default",     # Blogger
    "/news-sitemap.xml",        # Google News sitemaps: news sites without a usable feed
    "/sitemap_news.xml",
    "/sitemap-news.xml",
    "/sitemap.xml",             # the general sitemap last: big, and mostly not news
    "/sitemap_index.xml",       # Yoast SEO's sitemap index
)
"""Paths tried on a site whose home page names no feed, most likely first."""

# Paths of <a href> that are feeds by convention (used when a page has no <link rel=alternate>).
_FEED_HREF = re.compile(
    r"(?:/feed/?|/rss/?|/atom/?|\.rss|\.atom|[/.]rss\.xml|[/.]atom\.xml|/feed\.xml|/feed\.json|"
    r"/index\.xml|/rss/[\w\-./]*\.xml|/feeds?/[\w\-./]*\.xml)$",
    re.I,
)
_COMMENTS = re.compile(r"comment", re.I)


def discover_feed_links(html: str, base_url: str) -> list[str]:
    """Absolute feed URLs a page names, in page order, deduplicated; comment feeds last."""
    if not isinstance(html, str) or not html.strip():
        return []
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        log.debug("unparsable HTML while looking for feeds: %s", exc, extra={"url": base_url})
        return []
    base = _document_base(document, base_url)
    found: list[tuple[str, bool]] = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = link.get("href")
        if not href or not ("alternate" in rel or "feed" in rel):
            continue
        json_feed = kind == "application/json" and _is_json_feed_link(link, href)
        html5_feed = "feed" in rel and not kind  # HTML5 rel="feed" needs no type
        if kind in FEED_TYPES or json_feed or html5_feed:
            found.append((href, _is_comments(link, href)))
    for anchor in document.iter("a"):
        href = anchor.get("href")
        if href and _FEED_HREF.search(_path_of(href)):
            found.append((href, _is_comments(anchor, href)))
    urls: list[str] = []
    for comments_last in (False, True):
        for href, is_comments in found:
            url = absolute_url(_strip_feed_scheme(href), base)
            if is_comments == comments_last and url and url not in urls:
                urls.append(url)
    return urls


def common_feed_urls(base_url: str) -> list[str]:
    """Candidate feed and sitemap URLs for a site: COMMON_FEED_PATHS under its root, preceded by
    the first few under the page's own folder when it is not the root (``/fr/`` sections)."""
    root = absolute_url("/", base_url)
    if root is None:
        return []
    urls: list[str] = []
    folder = urljoin(base_url, ".")
    if urlsplit(folder).path not in ("", "/"):
        urls += [folder.rstrip("/") + path for path in COMMON_FEED_PATHS[:6]]
    urls += [root.rstrip("/") + path for path in COMMON_FEED_PATHS]
    return list(dict.fromkeys(urls))


def _document_base(document: lxml.html.HtmlElement, base_url: str) -> str:
    for base in document.iter("base"):
        href = base.get("href")
        if href and (resolved := absolute_url(href, base_url)):
            return resolved
    return base_url


def _is_json_feed_link(link: lxml.html.HtmlElement, href: str) -> bool:
    # WordPress puts <link rel="alternate" type="application/json"> to its REST API on every
    # page: only JSON links that look like feeds count.
    hint = f"{href} {link.get('title') or ''}".lower()
    return "wp-json" not in hint and ("feed" in hint or href.lower().endswith(".json"))


def _is_comments(element: lxml.html.HtmlElement, href: str) -> bool:
    return bool(_COMMENTS.search(f"{href} {element.get('title') or ''}"))


def _path_of(href: str) -> str:
    try:
        return urlsplit(href.strip()).path
    except ValueError:  # e.g. a malformed IPv6 host
        return ""


def _strip_feed_scheme(href: str) -> str:
    # The old "feed:" pseudo-scheme: feed://example.com/rss and feed:https://example.com/rss.
    text = href.strip()
    if text.lower().startswith("feed:"):
        rest = text[5:]
        return rest if rest.lower().startswith(("http:", "https:")) else "http:" + rest
    return text
