"""One charset sniffer for fetching and extraction: a UTF-8 page with a few invalid bytes stays
UTF-8 (the bytes become U+FFFD), and the extractor decodes bytes exactly as the fetcher does."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from babelwire.config import FetchSettings
from babelwire.extract import extract_document
from babelwire.extract.encoding import declared_encoding, decode_html
from babelwire.fetch import Fetcher, decode_text
from babelwire.fetch.encoding import declared_charset, utf8_counts
from babelwire.loopback import LoopbackServer, Response
from tests.conftest import FIXTURES

FRENCH_PAGE = (FIXTURES / "extract" / "fr_news.html").read_bytes()  # a real French news page, UTF-8


def _three_invalid_bytes(page: bytes) -> bytes:
    """The page with a stray Windows quote, a lone Latin-1 é and a 0xFF inside its article text."""
    start = page.index("Les délégués".encode())
    return (page[:start] + b"\x93" + page[start:start + 300] + b"\xe9 " + page[start + 300:start + 600] + b"\xff"
            + page[start + 600:])


def test_three_invalid_bytes_in_a_page_declared_utf8_by_header() -> None:
    body = _three_invalid_bytes(FRENCH_PAGE)
    text, encoding = decode_text(body, "text/html; charset=utf-8")
    assert encoding == "utf-8"
    assert text.count("\ufffd") == 3
    assert "Les délégués de près de deux cents pays" in text
    assert text.replace("\ufffd", "") == body.decode("utf-8", "ignore")


def test_three_invalid_bytes_in_a_page_declared_utf8_by_meta_only() -> None:
    body = _three_invalid_bytes(FRENCH_PAGE)
    assert declared_charset(body) == "utf-8"
    assert decode_text(body, "text/html")[1] == "utf-8"
    assert decode_text(body, None)[1] == "utf-8"


def test_the_article_is_french_not_tagalog(server: LoopbackServer,
                                          fetch_settings: Callable[..., FetchSettings]) -> None:
    body = _three_invalid_bytes(FRENCH_PAGE)
    url = server.route("/bonn.html", Response(body, headers={"Content-Type": "text/html; charset=utf-8"}))
    with Fetcher(fetch_settings()) as fetcher:
        result = fetcher.fetch(url)
    assert result.encoding == "utf-8"
    for page in (result.text, body):  # as the pipeline does (text), and as bytes
        document = extract_document(page, url, language="fr")
        assert document.language == "fr"
        assert document.title == "Les négociations sur le climat reprennent à Bonn"
        assert "délégués" in document.text


def test_a_utf8_page_mislabelled_latin1_with_one_broken_byte_stays_utf8() -> None:
    body = FRENCH_PAGE.replace(b'<meta charset="utf-8">', b"").replace(b"Bonn", b"Bonn\x92", 1)
    text, encoding = decode_text(body, "text/html; charset=iso-8859-1")
    assert encoding == "utf-8" and text.count("\ufffd") == 1 and "négociations" in text


def test_a_legacy_page_declared_utf8_is_still_read_in_its_charset() -> None:
    # Declared UTF-8, really windows-1252 throughout: no valid UTF-8 character at all.
    page = FRENCH_PAGE.decode("utf-8").replace('<meta charset="utf-8">', "")
    page = page.encode("cp1252", "ignore").decode("cp1252")  # without the few symbols cp1252 lacks
    text, encoding = decode_text(page.encode("cp1252"), "text/html; charset=utf-8")
    assert encoding == "cp1252" and text == page
    russian = "<html><body><p>" + "Министр иностранных дел заявил о переговорах в Женеве. " * 20 + "</p></body></html>"
    text, encoding = decode_text(('<meta charset="utf-8">' + russian).encode("cp1251"), None)
    assert "Министр иностранных дел" in text and "\ufffd" not in text


def test_utf8_counts() -> None:
    assert utf8_counts("é€".encode() + b"\xff\xfe" + "\ufffd".encode())[1:] == (3, 2)


def test_extract_module_names_still_import_and_agree() -> None:
    body = _three_invalid_bytes(FRENCH_PAGE)
    assert decode_html(body) == decode_text(body, None)[0]
    assert declared_encoding(body) == declared_charset(body) == "utf-8"


_BODIES = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda text, noise, label: f'<meta charset="{label}"><p>{text}</p>'.encode() + noise,
              st.text(max_size=300), st.binary(max_size=8),
              st.sampled_from(["utf-8", "iso-8859-1", "windows-1251", "koi8-r", "shift_jis", "x"])),
    st.builds(lambda text, encoding: text.encode(encoding, "replace"), st.text(max_size=300),
              st.sampled_from(["cp1252", "cp1251", "latin-1", "utf-16", "gb18030"])),
)


@settings(max_examples=200, deadline=None)
@given(_BODIES)
def test_fetch_and_extract_decode_every_body_the_same_way(body: bytes) -> None:
    text, encoding = decode_text(body, None)
    assert decode_html(body) == text
    assert codecs.lookup(encoding)
