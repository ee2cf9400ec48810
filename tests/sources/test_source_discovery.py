"""Finding feeds on a home page and guessing common feed URLs."""

from __future__ import annotations

from babelwire.sources import COMMON_FEED_PATHS, common_feed_urls, discover_feed_links
from tests.conftest import FIXTURES


def test_link_alternate_in_page_order_with_base_and_comments_last() -> None:
    html = (FIXTURES / "feeds" / "home.html").read_text(encoding="utf-8")
    assert discover_feed_links(html, "https://gazette.example/fr/accueil") == [
        "https://gazette.example/fr/rss/une.xml",   # relative to <base href>, listed twice, kept once
        "https://gazette.example/fr/atom.xml",
        "https://gazette.example/feed.json",        # application/feed+json; the wp-json link is not a feed
        "https://gazette.example/fr/rss/sport.xml",  # an <a href> to an obvious feed URL
        "https://gazette.example/comments/feed/",   # comment feeds last
    ]


def test_feed_scheme_rel_feed_and_json() -> None:
    html = """<html><head>
      <link rel="feed" href="/updates">
      <link rel="alternate" type="application/json" title="JSON Feed" href="/feed.json">
      <link rel="alternate" type="application/rss+xml" href="feed://news.example/rss">
      <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
      <link rel="Alternate" type="Application/Atom+XML; charset=utf-8" href="/atom">
    </head><body><a href="/about">About</a></body></html>"""
    assert discover_feed_links(html, "https://news.example/") == [
        "https://news.example/updates",
        "https://news.example/feed.json",
        "http://news.example/rss",
        "https://news.example/atom",
    ]


def test_nothing_on_empty_or_junk() -> None:
    assert discover_feed_links("", "https://x.example/") == []
    assert discover_feed_links("\x00\x01 not html", "https://x.example/") == []
    assert discover_feed_links("<p>no feeds <a href='http://[::1'>bad</a></p>", "https://x.example/") == []


def test_common_feed_urls() -> None:
    urls = common_feed_urls("https://site.example/index.html?x=1")
    assert urls == ["https://site.example" + path for path in COMMON_FEED_PATHS]
    assert urls[0] == "https://site.example/feed"
    assert "https://site.example/news-sitemap.xml" in urls
    assert len(urls) == len(set(urls))


def test_common_feed_urls_of_a_section_try_the_section_first() -> None:
    urls = common_feed_urls("https://site.example/fr/politique/")
    assert urls[0] == "https://site.example/fr/politique/feed"
    assert "https://site.example/feed" in urls
    assert common_feed_urls("mailto:someone@example.org") == []
