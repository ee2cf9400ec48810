"""decode_text: wrong, missing and late charset declarations."""

from __future__ import annotations

import codecs

from hypothesis import given, settings
from hypothesis import strategies as st

from babelwire.fetch import decode_text

FRENCH = "Élection à Montréal : « déçus », a dit l’élu — 3 €"


def test_utf8_body_declared_latin1_is_read_as_utf8() -> None:
    text, encoding = decode_text(FRENCH.encode("utf-8"), "text/html; charset=ISO-8859-1")
    assert (text, encoding) == (FRENCH, "utf-8")


def test_latin1_declaration_means_cp1252() -> None:
    body = "l’élu a dit « oui » — 3 €".encode("cp1252")
    text, encoding = decode_text(body, "text/html; charset=iso-8859-1")
    assert encoding == "cp1252"
    assert text == "l’élu a dit « oui » — 3 €"


def test_missing_declaration_cp1252_body() -> None:
    body = ("<html><body><p>" + "Le président a déclaré que la réforme était nécessaire. " * 5
            + "</p></body></html>").encode("cp1252")
    text, _ = decode_text(body, "text/html")
    assert "président a déclaré que la réforme était nécessaire" in text
    assert "\ufffd" not in text


def test_meta_charset_after_1024_bytes() -> None:
    padding = "<!-- " + "x" * 1500 + " -->"
    page = f'<html><head>{padding}<meta charset="windows-1251"></head><body>Привет, мир</body></html>'
    text, encoding = decode_text(page.encode("cp1251"), "text/html")
    assert encoding == "cp1251"
    assert "Привет, мир" in text


def test_http_equiv_and_xml_declaration() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Новости</p>'
    assert decode_text(page.encode("koi8_r"), None) == (page, "koi8-r")
    xml = '<?xml version="1.0" encoding="ISO-8859-15"?><rss><title>Été €</title></rss>'
    assert decode_text(xml.encode("iso8859-15"), "application/xml") == (xml, "iso8859-15")


def test_http_charset_beats_meta() -> None:
    page = '<meta charset="utf-8"><p>Добро пожаловать</p>'
    text, encoding = decode_text(page.encode("cp1251"), "text/html; charset=windows-1251")
    assert (text, encoding) == (page, "cp1251")


def test_bom_wins_over_declarations() -> None:
    body = codecs.BOM_UTF16_LE + "<p>Grüße</p>".encode("utf-16-le")
    assert decode_text(body, "text/html; charset=iso-8859-1") == ("<p>Grüße</p>", "utf-16-le")
    assert decode_text(codecs.BOM_UTF8 + b"<p>x</p>", None) == ("<p>x</p>", "utf-8")


def test_utf16_label_on_ascii_bytes_is_ignored() -> None:
    page = b'<meta charset="utf-16"><p>plain</p>'
    assert decode_text(page, None)[0] == page.decode()


def test_unknown_and_non_text_codecs_are_ignored() -> None:
    assert decode_text(b"<p>hi</p>", "text/html; charset=base64") == ("<p>hi</p>", "utf-8")
    assert decode_text(b"<p>hi</p>", "text/html; charset=no-such-thing") == ("<p>hi</p>", "utf-8")


_LABELS = st.sampled_from(["utf-8", "utf-16", "utf-32", "latin1", "idna", "punycode", "base64", "x", "",
                           "unicode_escape", "raw_unicode_escape", "utf-7", "cp1252", "gbk", "euc-kr",
                           "rot13"])
_BODIES = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda label, tail: b'<meta charset="' + label.encode() + b'">' + tail, _LABELS,
              st.binary(max_size=500)),
    st.builds(lambda label, tail: b'<?xml version="1.0" encoding="' + label.encode() + b'"?>' + tail, _LABELS,
              st.binary(max_size=500)),
)


_HEADERS = st.one_of(st.none(), st.text(max_size=60), st.sampled_from([
    "text/html; charset=utf-16", "text/html; charset=idna", "text/html; charset=undefined", "charset=utf-7",
    "text/html; charset=shift_jis", "charset=rot13"]))


@settings(max_examples=200, deadline=None)
@given(_BODIES, _HEADERS)
def test_decode_text_never_raises(content: bytes, header: str | None) -> None:
    text, encoding = decode_text(content, header)
    assert isinstance(text, str)
    assert codecs.lookup(encoding)
