"""Property: whatever the input, extract_document returns a Document or raises ExtractionError."""

from __future__ import annotations

import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from babelwire.document import Document
from babelwire.errors import ExtractionError
from babelwire.extract import extract_document

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TAGS = ["html", "head", "body", "title", "meta", "article", "main", "div", "p", "h1", "h2", "ul", "ol", "li",
         "blockquote", "table", "tr", "td", "a", "br", "script", "style", "span", "em", "pre", "code", "nav",
         "footer", "link", "svg", "math", "template", "noscript", "iframe", "form", "!--", "![CDATA["]
_WORDS = ["Partager", "Skip to content", "À lire aussi :", "le", "gouvernement", "a", "annoncé", "mardi",
          "cookies", "€", "«", "»", "&amp;", "&nbsp;", "&#0;", "&#xD800;", "\x00", "\ud800", "\u00ad", " ",
          "\n", "charset=utf-16", "lang=fr", "rel=canonical", 'href="//"', "datePublished"]


@st.composite
def htmlish(draw: st.DrawFn) -> str:
    """Strings of random tags, attributes, words and broken markup."""
    parts = draw(st.lists(st.one_of(
        st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
        st.tuples(st.sampled_from(_TAGS), st.sampled_from(_WORDS)).map(lambda x: f'<{x[0]} content="{x[1]}"'),
        st.sampled_from(_WORDS),
        st.text(max_size=20),
    ), max_size=80))
    return "".join(parts)


def _check(payload: str | bytes, url: str | None = None) -> None:
    try:
        document = extract_document(payload, url)
    except ExtractionError as exc:
        assert exc.reason
        return
    assert isinstance(document, Document)
    assert document.blocks


@FUZZ
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    _check(text)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    _check(data)


@FUZZ
@given(htmlish(), st.sampled_from([None, "https://example.org/a/b", "not a url", "http://[::1"]))
def test_htmlish_strings(html: str, url: str | None) -> None:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    _check(html, url)
    _check(html.encode("utf-8", "surrogatepass"), url)


def test_deeply_nested_and_huge_attribute_pages() -> None:
    _check("<div>" * 100_000 + "texte " * 100)
    _check("<p " + "a" * 1_000_000 + ">" + "texte " * 100)
    _check("<html>" + "<b><i>" * 20_000 + "Un texte. " * 50)
