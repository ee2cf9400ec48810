"""Telling feeds, sitemaps and pages apart; language tags."""

from __future__ import annotations

import gzip

import pytest

from babelwire.errors import FeedError
from babelwire.sources import detect_kind, normalise_language, parse_listing
from tests.conftest import FIXTURES, shared_data

FEEDS = FIXTURES / "feeds"


@pytest.mark.parametrize(("name", "kind"), [
    ("fr-rss2.xml", "feed"),
    ("rdf-rss1.rdf", "feed"),
    ("atom-xml-base.atom", "feed"),
    ("jsonfeed-1.1.json", "feed"),
    ("truncated.rss", "feed"),
    ("news-sitemap.xml", "sitemap"),
    ("sitemap-index.xml", "sitemap"),
    ("home.html", "page"),
    ("reader-export.opml", None),
])
def test_fixture_kinds(name: str, kind: str | None) -> None:
    # A misleading Content-Type does not override what the bytes say.
    assert detect_kind((FEEDS / name).read_bytes(), "text/html; charset=utf-8", "https://x.example/") == kind


@pytest.mark.parametrize(("name", "kind"), [
    ("feed.json", "feed"), ("feed1.atom", "feed"), ("feed2.rss", "feed"), ("sitemap.xml", "sitemap"),
    ("sitemap.xml.gz", "sitemap"), ("sitemap2.xml", "sitemap"), ("sitemap-hreflang.xml", "sitemap"),
])
def test_shared_kinds(name: str, kind: str) -> None:
    assert detect_kind(shared_data("feeds", name).read_bytes(), "", "") == kind


@pytest.mark.parametrize(("content", "content_type", "kind"), [
    (b"\xef\xbb\xbf  <?xml version='1.0'?>\n<!-- generator -->\n<rss version='0.91'>", "", "feed"),
    (b"<!DOCTYPE rss PUBLIC '-//Netscape//DTD RSS 0.91//EN' [<!ENTITY x 'y'>]><rss>", "", "feed"),
    (b"<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'>", "", "feed"),
    ("<?xml version='1.0' encoding='utf-16'?><feed/>".encode("utf-16"), "", "feed"),
    (b"<sitemapindex><sitemap>", "", "sitemap"),
    (gzip.compress(b"<rss version='2.0'><channel>"), "application/x-gzip", "feed"),
    (b"<!doctype html><title>x</title>", "", "page"),
    (b"<div>fragment</div>", "text/html", "page"),
    (b"<div>fragment</div>", "", None),
    (b'{"name": "not a feed"}', "application/json", None),
    (b'{"version":"https:\\/\\/jsonfeed.org\\/version\\/1","items":[]}', "", "feed"),
    (b"<opml version='2.0'><body/></opml>", "text/xml", None),
    (b"", "application/rss+xml", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "text/html", None),
    (b"<!DOCTYPE unterminated", "", None),
])
def test_sniffing(content: bytes, content_type: str, kind: str | None) -> None:
    assert detect_kind(content, content_type, "https://x.example/") == kind


def test_html_is_not_a_listing() -> None:
    with pytest.raises(FeedError, match="not a feed or sitemap"):
        parse_listing((FEEDS / "home.html").read_bytes(), "https://gazette.example/fr/")


def test_oversized_content_is_refused() -> None:
    with pytest.raises(FeedError, match="exceeds 100 bytes"):
        parse_listing(b"<rss>" + b" " * 200 + b"</rss>", "https://x.example/", max_bytes=100)


@pytest.mark.parametrize(("tag", "code"), [
    ("fr-FR", "fr"), ("fr_FR", "fr"), ("FR", "fr"), (" en-us ", "en"), ("zh-Hant-TW", "zh"),
    ("fra", "fr"), ("deu", "de"), ("x-default", None), ("*", None), ("", None), (None, None), ("qqq", None),
])
def test_normalise_language(tag: str | None, code: str | None) -> None:
    assert normalise_language(tag) == code


def test_detect_kind_never_raises_on_wrong_types() -> None:
    assert detect_kind(None, None, None) is None  # type: ignore[arg-type]
    assert detect_kind(bytearray(b"<rss>"), "", "") == "feed"
