"""Hostile listings: links that are not http(s), too long for a URL column, built from entities;
entity expansion attacks. Nothing is dropped without a counted reason."""

from __future__ import annotations

import json

import pytest

from babelwire.errors import FeedError
from babelwire.sources import parse_listing, parse_opml
from babelwire.sources.listing import ENTITY, NOT_HTTP, TOO_LONG, Skipped, clean_text
from babelwire.sources.xmlsafe import EntityAttackError
from babelwire.store.limits import MAX_URL

LONG = "https://news.example/" + "a" * 3000
LAUGHS = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))


def _rss(*links: str) -> bytes:
    items = "".join(f"<item><title>t{i}</title><link>{link}</link></item>" for i, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode()


def _reasons(skipped: list[Skipped]) -> dict[str, tuple[int, str | None]]:
    return {s.describe(): (s.count, s.example) for s in skipped}


def test_feed_links_that_are_not_http_are_counted() -> None:
    listing = parse_listing(_rss("javascript:alert(1)", "data:text/html,hi", "mailto:a@b.example",
                                 "https://news.example/ok", "ftp://news.example/file"), "https://news.example/rss")
    assert [e.url for e in listing.entries] == ["https://news.example/ok"]
    assert _reasons(listing.skipped) == {"4 entries skipped: links are not http(s) URLs": (4, "javascript:alert(1)")}


def test_feed_link_longer_than_a_url_column_is_counted() -> None:
    listing = parse_listing(_rss(LONG, "https://news.example/ok"), "https://news.example/rss")
    assert [e.url for e in listing.entries] == ["https://news.example/ok"]
    (skipped,) = listing.skipped
    assert skipped.why == TOO_LONG and skipped.count == 1
    assert skipped.describe() == f"1 entry skipped: its link is longer than {MAX_URL} characters"
    assert skipped.example is not None and len(skipped.example) <= MAX_URL and skipped.example.startswith(LONG[:100])


def test_a_feed_of_only_refused_links_is_empty_but_says_why() -> None:
    listing = parse_listing(_rss("javascript:void(0)", "javascript:void(1)", "data:,x"), "https://n.example/rss")
    assert listing.entries == []
    assert [s.describe() for s in listing.skipped] == ["3 entries skipped: links are not http(s) URLs"]


def test_an_entry_without_any_link_is_not_counted() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>f</title>
    <entry><title>self only</title><id>urn:uuid:1</id><link rel="self" href="https://n.example/1.xml"/></entry>
    <entry><title>ok</title><id>urn:uuid:2</id><link href="https://n.example/2"/></entry></feed>"""
    listing = parse_listing(atom, "https://n.example/atom")
    assert [e.url for e in listing.entries] == ["https://n.example/2"]
    assert listing.skipped == []


def test_an_rss_guid_that_is_no_url_is_not_a_refused_link() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>
    <item><title>a</title><guid>urn:uuid:2</guid></item>
    <item><title>b</title><link>javascript:x</link><guid>javascript:x</guid></item>
    <item><title>c</title><link>https://n.example/c</link><guid>https://n.example/c</guid></item>
    </channel></rss>"""
    listing = parse_listing(rss, "https://n.example/rss")
    assert [e.url for e in listing.entries] == ["https://n.example/c"]
    assert [s.describe() for s in listing.skipped] == ["1 entry skipped: its link is not an http(s) URL"]


def test_json_feed_links_are_counted_once_per_item() -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "f", "items": [
        {"id": "1", "url": "javascript:alert(1)", "external_url": "data:,x"},
        {"id": "2", "url": LONG},
        {"id": "3", "url": LONG, "external_url": "https://elsewhere.example/3"},  # the next best link
        {"id": "4", "url": "https://n.example/4"},
    ]}
    listing = parse_listing(json.dumps(feed).encode(), "https://n.example/feed.json")
    assert [e.url for e in listing.entries] == ["https://elsewhere.example/3", "https://n.example/4"]
    assert {s.why: s.count for s in listing.skipped} == {NOT_HTTP: 1, TOO_LONG: 1}


def test_sitemap_locs_made_of_entities_are_skipped_not_turned_into_the_home_page() -> None:
    content = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY u "https://x.example/a">]>
    <urlset><url><loc>https://x.example/&u;</loc></url><url><loc>&u;</loc></url>
    <url><loc>https://x.example/real</loc></url></urlset>"""
    listing = parse_listing(content, "https://x.example/sitemap.xml")
    assert [e.url for e in listing.entries] == ["https://x.example/real"]
    assert {s.why: s.count for s in listing.skipped} == {ENTITY: 2}


def test_a_sitemap_of_entity_locs_only_says_why_it_is_empty() -> None:
    content = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY u "https://x.example/a">]>
    <urlset><url><loc>&u;</loc></url></urlset>"""
    with pytest.raises(FeedError, match=r"sitemap holds no URLs \(1 entry skipped: its <loc> uses an entity"):
        parse_listing(content, "https://x.example/sitemap.xml")


@pytest.mark.parametrize(("doctype", "loc"), [
    (f"<!DOCTYPE urlset [{LAUGHS}]>", "&a9;"),  # billion laughs
    ('<!DOCTYPE urlset [<!ENTITY a "&b;"><!ENTITY b "&a;">]>', "&a;"),  # entity loop
])
def test_entity_expansion_attacks_are_refused_not_recovered(doctype: str, loc: str) -> None:
    content = (f'<?xml version="1.0"?>{doctype}<urlset><url><loc>https://lol.example/{loc}</loc></url>'
               '<url><loc>https://lol.example/page</loc></url></urlset>').encode()
    with pytest.raises(EntityAttackError, match="sitemap refused: entity expansion attack"):
        parse_listing(content, "https://lol.example/sitemap.xml")


def test_a_broken_sitemap_that_declares_entities_is_not_recovered() -> None:
    # An undefined entity first, the loop after it: a recovering parser would drop "&a;" silently.
    content = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "&b;"><!ENTITY b "&a;">]><urlset>'
               b"<url><loc>https://lol.example/&undefined;</loc></url>"
               b"<url><loc>https://lol.example/&a;</loc></url></urlset>")
    with pytest.raises(FeedError, match="not recovered: the sitemap declares entities"):
        parse_listing(content, "https://lol.example/sitemap.xml")


def test_an_opml_entity_attack_is_refused() -> None:
    content = (f'<?xml version="1.0"?><!DOCTYPE opml [{LAUGHS}]><opml version="2.0"><body>'
               '<outline text="&a9;" xmlUrl="https://x.example/rss"/></body></opml>').encode()
    with pytest.raises(EntityAttackError, match="OPML refused: entity expansion attack"):
        parse_opml(content)


def test_sitemap_index_children_are_checked_too() -> None:
    content = (f"<sitemapindex><sitemap><loc>{LONG}</loc></sitemap><sitemap><loc>javascript:x</loc></sitemap>"
               "<sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>").encode()
    listing = parse_listing(content, "https://x.example/index.xml")
    assert listing.sitemaps == ["https://x.example/s1.xml"]
    assert {s.why: s.count for s in listing.skipped} == {TOO_LONG: 1, NOT_HTTP: 1}


def test_text_sitemap_lines_are_counted() -> None:
    content = f"https://x.example/a\n{LONG}\nhttps://x.example/b\n".encode()
    listing = parse_listing(content, "https://x.example/sitemap.txt")
    assert [e.url for e in listing.entries] == ["https://x.example/a", "https://x.example/b"]
    assert {s.why: s.count for s in listing.skipped} == {TOO_LONG: 1}


def test_control_characters_are_no_part_of_titles_or_links() -> None:
    assert clean_text("Le\x00 titre\x07 du  jour\x85") == "Le titre du jour"
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "f\x00", "items": [
        {"id": "1", "url": "https://n.example/a\x00b", "title": "x"},
        {"id": "2", "url": "https://n.example/ok", "title": "Titre\x00 propre"},
    ]}
    listing = parse_listing(json.dumps(feed).encode(), "https://n.example/feed.json")
    assert listing.title == "f"
    assert [(e.url, e.title) for e in listing.entries] == [("https://n.example/ok", "Titre propre")]
    assert {s.why: s.count for s in listing.skipped} == {NOT_HTTP: 1}
