"""Property tests: arbitrary input never raises anything but FeedError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from babelwire.errors import FeedError
from babelwire.sources import detect_kind, discover_feed_links, parse_listing, parse_opml

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TAGS = st.sampled_from([
    "rss", "channel", "item", "link", "guid", "title", "pubDate", "feed", "entry", "urlset", "url",
    "loc", "lastmod", "sitemapindex", "sitemap", "news:news", "opml", "body", "outline", "rdf:RDF",
    "html", "language",
])
_TEXT = st.one_of(
    st.sampled_from(["https://a.example/x", "/rel", "fr-FR", "2024-03-11T08:00:00Z", "&amp;", "&x;",
                     "<![CDATA[x]]>", "Mon, 11 Mar 2024 08:00:00 GMT", "", "\x00", "]]>"]),
    st.text(max_size=20),
)


@st.composite
def xmlish(draw: st.DrawFn, depth: int = 0) -> str:
    """Text shaped like a feed, sitemap or OPML file, often broken."""
    tag = draw(_TAGS)
    attributes = draw(st.sampled_from(["", ' version="2.0"', ' xmlUrl="https://a.example/f"',
                                       ' href="x" rel="alternate"', ' xmlns="http://www.w3.org/2005/Atom"']))
    children = ""
    if depth < 3:
        children = "".join(draw(st.lists(xmlish(depth + 1), max_size=3)))
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</x>"]))
    prologs = ["", '<?xml version="1.0"?>', "\ufeff", "<!DOCTYPE x [<!ENTITY x 'y'>]>"]
    prolog = draw(st.sampled_from(prologs)) if depth == 0 else ""
    return f"{prolog}<{tag}{attributes}>{draw(_TEXT)}{children}{close}"


def _never_raises_but_feed_error(content: bytes) -> None:
    assert detect_kind(content, "", "https://f.example/") in ("feed", "sitemap", "page", None)
    try:
        listing = parse_listing(content, "https://f.example/feed")
    except FeedError as error:
        assert error.reason
    else:
        assert listing.kind in ("feed", "sitemap")
        assert all(entry.url.startswith(("http://", "https://")) for entry in listing.entries)
    try:
        parse_opml(content)
    except FeedError as error:
        assert error.reason


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(content: bytes) -> None:
    _never_raises_but_feed_error(content)


@FUZZ
@given(xmlish(), st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_xmlish_text(text: str, encoding: str) -> None:
    _never_raises_but_feed_error(text.encode(encoding, errors="replace"))


@FUZZ
@given(st.one_of(xmlish(), st.text(max_size=500)))
def test_discovery_never_raises(text: str) -> None:
    assert all(url.startswith(("http://", "https://")) for url in discover_feed_links(text, "https://d.example/"))
