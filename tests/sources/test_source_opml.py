"""OPML import and export."""

from __future__ import annotations

import pytest
from lxml import etree

from babelwire.errors import FeedError
from babelwire.sources import Outline, parse_opml, write_opml
from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"


def test_round_trip() -> None:
    outlines = [
        Outline(url="https://quotidien.example/rss/une.xml", title="Le Quotidien « Une »", language="fr",
                html_url="https://quotidien.example/", category="Presse/France"),
        Outline(url="https://zeitung.example/news-sitemap.xml", title="Die Zeitung", language="de",
                category="Presse"),
        Outline(url="https://feeds.example/a?x=1&y=2", title=None),
        Outline(url="https://sud.example/feed", title="Le Sud", category="Presse/France"),
    ]
    text = write_opml(outlines, title="mes sources")
    root = etree.fromstring(text.encode())
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "mes sources"
    # Outlines come back grouped by folder, each folder in first-seen order.
    assert parse_opml(text.encode()) == [outlines[0], outlines[3], outlines[1], outlines[2]]


def test_export_is_readable_by_feedparser_style_readers() -> None:
    # Feed readers look for outline elements with type="rss" and xmlUrl, and a text attribute.
    text = write_opml([Outline(url="https://a.example/feed", title=None, category="News")])
    feed_outlines = etree.fromstring(text.encode()).xpath("//outline[@xmlUrl]")
    assert [(o.get("type"), o.get("text"), o.get("xmlUrl")) for o in feed_outlines] == [
        ("rss", "https://a.example/feed", "https://a.example/feed")]


def test_nested_reader_export() -> None:
    outlines = parse_opml((FEEDS / "reader-export.opml").read_bytes())
    assert outlines == [
        Outline(url="https://quotidien.example/rss/une.xml", title="Le Quotidien", language=None,
                html_url="https://quotidien.example/", category="Presse française"),
        Outline(url="https://sud.example/feed", title="Le Sud", language="fr",
                category="Presse française/Régions"),
        Outline(url="https://zeitung.example/news-sitemap.xml", title="Die Zeitung", category="Deutsch"),
        Outline(url="https://loose.example/atom.xml", title="Loose feed", category="Tech/Blogs"),
    ]  # the javascript: outline is skipped, the duplicate feed kept once


@pytest.mark.parametrize(("content", "reason"), [
    ((FEEDS / "malformed.opml").read_bytes(), "malformed OPML"),
    (b"", "malformed OPML"),
    (b"<rss version='2.0'/>", "not <opml>"),
    (b"<opml version='2.0'><head/></opml>", "no <body>"),
    (b"<opml version='2.0'><body><outline text='folder'/></body></opml>", "holds no feeds"),
])
def test_malformed_or_empty_opml(content: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_opml(content)
