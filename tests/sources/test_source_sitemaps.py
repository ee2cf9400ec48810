"""Sitemaps: urlset, index, Google News, hreflang, gzip, text, XXE and size limits."""

from __future__ import annotations

import gzip
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from babelwire.errors import FeedError
from babelwire.sources import detect_kind, parse_listing, parse_sitemap
from tests.conftest import FIXTURES, shared_data

FEEDS = FIXTURES / "feeds"


def test_google_news_sitemap() -> None:
    listing = parse_listing((FEEDS / "news-sitemap.xml").read_bytes(), "https://zeitung.example/news-sitemap.xml")
    assert listing.kind == "sitemap"
    assert [(e.url, e.title, e.language) for e in listing.entries] == [
        ("https://zeitung.example/sport/2024-03-12/pokal.html", "Pokal: Heimsieg nach Verlängerung", "de"),
        ("https://zeitung.example/english/2024-03-12/summary.html", "The day in brief", "en"),
        ("https://zeitung.example/politik/2024-03-11/wahl.html", "Landtagswahl: Ergebnisse im Überblick",
         "de"),
    ]
    # news:publication_date wins over lastmod; a bare date is midnight UTC
    assert listing.entries[0].published == datetime(2024, 3, 12, 18, 30, tzinfo=UTC)
    assert listing.entries[1].published == datetime(2024, 3, 12, tzinfo=UTC)


def test_sitemap_index_lists_children_in_order_once() -> None:
    listing = parse_sitemap((FEEDS / "sitemap-index.xml").read_bytes(), "https://zeitung.example/sitemap.xml")
    assert listing.entries == []
    assert listing.sitemaps == [
        "https://zeitung.example/sitemaps/2024-01.xml",
        "https://zeitung.example/sitemaps/2024-02.xml",
        "https://zeitung.example/sitemaps/2024-03.xml.gz",  # relative loc resolved
    ]


def test_gzipped_sitemap_built_here() -> None:
    xml = (FEEDS / "news-sitemap.xml").read_bytes()
    content = gzip.compress(xml)
    assert detect_kind(content, "application/gzip", "https://zeitung.example/news.xml.gz") == "sitemap"
    listing = parse_listing(content, "https://zeitung.example/news.xml.gz")
    assert len(listing.entries) == 3


def test_gzip_bomb_is_refused() -> None:
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + b" " * 2_000_000 + b"</urlset>"
    with pytest.raises(FeedError, match="exceeds 100000 bytes once decompressed"):
        parse_sitemap(gzip.compress(urlset), "https://bomb.example/s.xml.gz", max_bytes=100_000)


def test_corrupt_gzip_is_a_feed_error() -> None:
    with pytest.raises(FeedError, match="gzip"):
        parse_listing(gzip.compress(b"<urlset/>")[:12], "https://bad.example/s.xml.gz")


def test_empty_sitemap() -> None:
    with pytest.raises(FeedError, match="sitemap holds no URLs"):
        parse_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "https://e.example/")


def test_truncated_sitemap_keeps_urls_before_the_break(caplog: pytest.LogCaptureFixture) -> None:
    content = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               b"<url><loc>https://t.example/1</loc></url><url><loc>https://t.example/2</loc></url><url><lo")
    with caplog.at_level(logging.WARNING, logger="babelwire.sources"):
        listing = parse_sitemap(content, "https://t.example/sitemap.xml")
    assert [entry.url for entry in listing.entries] == ["https://t.example/1", "https://t.example/2"]
    assert "malformed sitemap" in caplog.text


def test_text_sitemap() -> None:
    content = b"https://txt.example/a\nhttps://txt.example/b\n\nhttps://txt.example/a\n"
    assert detect_kind(content, "text/plain", "https://txt.example/sitemap.txt") == "sitemap"
    listing = parse_listing(content, "https://txt.example/sitemap.txt")
    assert [entry.url for entry in listing.entries] == ["https://txt.example/a", "https://txt.example/b"]


def test_entry_cap() -> None:
    urls = b"".join(b"<url><loc>https://big.example/%d</loc></url>" % i for i in range(50_010))
    listing = parse_sitemap(b"<urlset>" + urls + b"</urlset>", "https://big.example/sitemap.xml")
    assert len(listing.entries) == 50_000


def test_xxe_does_not_read_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    content = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://x.example/&xxe;</loc></url>
  <url><loc>https://x.example/plain</loc></url>
</urlset>""".encode()
    try:
        listing = parse_sitemap(content, "https://x.example/sitemap.xml")
    except FeedError:
        return  # refusing the document is as safe as ignoring the entity
    assert all("SECRET" not in entry.url for entry in listing.entries)
    assert "https://x.example/plain" in [entry.url for entry in listing.entries]


def test_billion_laughs_is_not_expanded() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    content = f"""<?xml version="1.0"?><!DOCTYPE urlset [{entities}]>
<urlset><url><loc>https://lol.example/&a9;</loc></url></urlset>""".encode()
    try:
        listing = parse_sitemap(content, "https://lol.example/sitemap.xml")
    except FeedError:
        return
    assert all(len(entry.url) < 100 for entry in listing.entries)


def test_shared_sitemaps() -> None:
    plain = parse_listing(shared_data("feeds", "sitemap.xml").read_bytes(), "https://www.sitemaps.org/sitemap.xml")
    assert plain.kind == "sitemap" and len(plain.entries) == 84
    assert plain.entries[0].published == datetime(2016, 11, 21, tzinfo=UTC)
    zipped = parse_listing(shared_data("feeds", "sitemap.xml.gz").read_bytes(), "https://www.sitemaps.org/s.xml.gz")
    assert [e.url for e in zipped.entries] == [e.url for e in plain.entries]
    index = parse_listing(shared_data("feeds", "sitemap2.xml").read_bytes(), "http://www.example.com/sitemap.xml")
    assert index.sitemaps == ["http://www.example.com/sitemap1.xml.gz", "http://www.example.com/sitemap2.xml.gz"]


def test_shared_hreflang_sitemap_gives_languages() -> None:
    content = shared_data("feeds", "sitemap-hreflang.xml").read_bytes()
    listing = parse_listing(content, "http://www.example.com/sitemap.xml")
    assert [(e.url, e.language) for e in listing.entries] == [
        ("http://www.example.com/english/page.html", "en"),
        ("http://www.example.com/deutsch/page.html", "de"),
        ("http://www.example.com/schweiz-deutsch/page.html", "de"),  # de-ch → de
    ]
