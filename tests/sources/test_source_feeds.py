"""Feeds: RSS 2.0, RSS 1.0 (RDF), Atom, JSON Feed, broken and duplicated input."""

from __future__ import annotations

import gzip
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from babelwire.errors import FeedError
from babelwire.sources import Listing, parse_feed, parse_listing
from tests.conftest import FIXTURES, shared_data

FEEDS = FIXTURES / "feeds"


def _fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def _urls(listing: Listing) -> list[str]:
    return [entry.url for entry in listing.entries]


def test_french_rss_with_relative_links_and_language() -> None:
    listing = parse_listing(_fixture("fr-rss2.xml"), "https://www.quotidien-du-sud.example/rss/une.xml")
    assert listing.kind == "feed"
    assert listing.title == "Le Quotidien du Sud - À la une"  # ISO-8859-1 decoded
    assert listing.language == "fr"  # from <language>fr-FR</language>
    assert listing.site_url == "https://www.quotidien-du-sud.example/"
    # Newest first; relative links resolved; fragment and whitespace gone; the item without a
    # link skipped; the second item with an already-seen URL dropped.
    assert _urls(listing) == [
        "https://www.quotidien-du-sud.example/politique/2024/03/12/municipales-liste-union",
        "https://www.quotidien-du-sud.example/actualite/2024/03/11/inondations-etat-catastrophe",
        "https://www.quotidien-du-sud.example/sport/2024/03/10/rugby-victoire",
        "https://www.quotidien-du-sud.example/opinion/2024/03/09/tribune-london",
    ]
    first = listing.entries[0]
    assert first.guid == "qds-1002"
    assert first.published == datetime(2024, 3, 12, 17, 40, tzinfo=UTC)
    assert first.published.tzinfo is not None
    assert listing.entries[2].title == "Rugby : victoire à domicile"  # the first of the duplicates
    assert [entry.language for entry in listing.entries] == ["fr", "fr", "fr", "en"]  # dc:language en-GB


def test_rdf_rss_1_0() -> None:
    listing = parse_feed(_fixture("rdf-rss1.rdf"), "https://www.heise.example/rss.rdf")
    assert listing.kind == "feed"
    assert listing.title == "Newsticker"
    assert listing.language == "de"
    assert _urls(listing) == [
        "https://www.heise.example/news/glasfaser-1235.html",
        "https://www.heise.example/news/quantenrechner-1234.html",
    ]
    assert listing.entries[0].published == datetime(2024, 3, 11, 10, 0, tzinfo=UTC)


def test_atom_with_xml_base_and_xml_lang() -> None:
    listing = parse_feed(_fixture("atom-xml-base.atom"), "https://diario.example/feeds/portada.atom")
    assert listing.language == "es"
    assert listing.site_url == "https://diario.example/"
    by_url = {entry.url: entry for entry in listing.entries}
    # xml:base of the feed and of one entry win over the feed URL; the rel="self"-only entry
    # has no page to fetch and is skipped.
    assert set(by_url) == {
        "https://diario.example/noticias/2024/03/12/presupuestos.html",
        "https://diario.example/cat/esports/barca-girona",
        "https://diario.example/noticias/2024/03/11/ple.html",
    }
    assert by_url["https://diario.example/noticias/2024/03/11/ple.html"].language == "ca"
    # published wins over updated
    assert by_url["https://diario.example/noticias/2024/03/12/presupuestos.html"].published == datetime(
        2024, 3, 12, 8, 0, tzinfo=UTC)
    assert _urls(listing)[0] == "https://diario.example/cat/esports/barca-girona"  # newest


def test_json_feed_1_1() -> None:
    listing = parse_listing(_fixture("jsonfeed-1.1.json"), "https://giornale.example/feed.json")
    assert listing.kind == "feed"
    assert listing.title == "Il Giornale Esempio"
    assert listing.language == "it"
    assert listing.site_url == "https://giornale.example/"
    assert _urls(listing) == [
        "https://giornale.example/2024/03/12/meteo",
        "https://giornale.example/2024/03/11/elezioni",  # relative url resolved
        "https://other.example/interview",  # external_url when there is no url
    ]
    assert [entry.guid for entry in listing.entries] == ["43", "42", "44"]  # numeric id kept as text
    assert [entry.language for entry in listing.entries] == ["it", "it", "en"]
    assert listing.entries[0].published == datetime(2024, 3, 12, 5, 30, tzinfo=UTC)


def test_truncated_feed_keeps_recovered_entries(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="babelwire.sources"):
        listing = parse_listing(_fixture("truncated.rss"), "https://cut.example/rss")
    assert _urls(listing) == ["https://cut.example/2", "https://cut.example/1"]
    assert "malformed feed" in caplog.text


@pytest.mark.parametrize("content", [
    b"<rss version='2.0'><channel><title>T</title>\x00 &&& <<< garbage",
    b"<?xml version='1.0'?><rss><channel><item><title>no end",
])
def test_broken_feed_without_entries_is_a_feed_error(content: bytes) -> None:
    with pytest.raises(FeedError, match=r"malformed feed: .+"):
        parse_listing(content, "https://broken.example/rss")


def test_empty_but_valid_feed_has_no_entries() -> None:
    listing = parse_feed(b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>",
                         "https://quiet.example/rss")
    assert listing.title == "Quiet"
    assert listing.entries == []


def test_duplicate_guids_and_urls_kept_once() -> None:
    listing = parse_feed(_fixture("duplicate-guids.rss"), "https://dup.example/rss")
    assert [(entry.url, entry.guid) for entry in listing.entries] == [
        ("https://dup.example/a", "urn:dup:1"),
        ("https://dup.example/b", "urn:dup:2"),
        ("https://dup.example/c", None),
    ]


def test_malformed_json_feed() -> None:
    with pytest.raises(FeedError, match="malformed JSON feed"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "https://j.example/f.json")


def test_shared_json_feed() -> None:
    content = shared_data("feeds", "feed.json").read_bytes()
    listing = parse_listing(content, "https://feeds.npr.org/1019/feed.json")
    assert listing.title == "Technology"
    assert len(listing.entries) == 25
    assert all(entry.url.startswith("https://www.npr.org/") for entry in listing.entries)
    dates = [entry.published for entry in listing.entries]
    assert None not in dates and dates == sorted(dates, reverse=True)  # type: ignore[type-var]


def test_shared_atom_skips_self_only_entry() -> None:
    listing = parse_listing(shared_data("feeds", "feed1.atom").read_bytes(), "http://example.org/feed.atom")
    assert _urls(listing) == ["http://example.org/2003/12/13/atom03"]
    assert listing.entries[0].guid == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert listing.entries[0].published == datetime(2003, 12, 13, 18, 30, 2, tzinfo=UTC)


def test_shared_rss() -> None:
    listing = parse_listing(shared_data("feeds", "feed2.rss").read_bytes(), "http://www.example.com/rss")
    assert listing.title == "RSS Title"
    assert listing.site_url == "http://www.example.com/main.html"
    assert _urls(listing) == ["http://www.example.com/blog/post/1"]
    assert listing.entries[0].guid == "7bd204c6-1655-4c27-aeee-53f933c5395f"


def test_feed_xxe_does_not_read_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    content = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>T &xxe;</title>
<item><title>&xxe;</title><link>https://x.example/a</link></item></channel></rss>""".encode()
    try:
        listing = parse_feed(content, "https://x.example/rss")
    except FeedError:
        return
    assert "SECRET" not in repr(listing)


def test_gzipped_feed() -> None:
    listing = parse_feed(gzip.compress(_fixture("rdf-rss1.rdf")), "https://www.heise.example/rss.rdf.gz")
    assert len(listing.entries) == 2
