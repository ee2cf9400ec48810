"""Bytes → text for fetched bodies that lie about, or never state, their charset.

The one charset sniffer of babelwire: fetched bodies (:attr:`FetchResult.text`) and HTML given
as bytes to the extractor (:func:`babelwire.extract.encoding.decode_html`) both go through
:func:`decode_text`, so a page is never decoded two ways.

Order of witnesses, most trustworthy first: a byte-order mark; valid non-ASCII UTF-8 (a
random legacy-encoded page is almost never valid UTF-8, while UTF-8 pages declared as
ISO-8859-1 are common); UTF-8 with a few invalid bytes (a stray Windows quote pasted into a
UTF-8 page) when the page is declared UTF-8 and its valid multi-byte characters outnumber the
broken ones, or whatever it declares when they outnumber them tenfold: the broken bytes become
U+FFFD instead of the whole page being read in a legacy charset; the HTTP charset; the page's
``<meta>`` / XML declaration in its first 4 KB (Miniflux's ``iso-8859-1-meta-after-1024.html``:
pages put it past the 1024 bytes the HTML spec promises); charset-normalizer's guess; cp1252
with replacement. Never raises.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

_HEAD = 4096  # bytes searched for an in-document declaration
_GUESS_SAMPLE = 65536  # bytes given to charset-normalizer (it is slow on big pages)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})""", re.I)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers decode with a superset (WHATWG Encoding Standard); a page labelled latin-1
# that uses curly quotes is really windows-1252, and so on.
_WHATWG_SUPERSETS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254",
    "iso8859-9": "cp1254", "latin5": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "euc-kr": "cp949", "shift_jis": "cp932",
    "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
}
_NOT_CHARSETS = {"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "mbcs", "oem",
                 "utf-7", "charmap", "unicode-internal"}


def _codec(label: str | bytes | None) -> str | None:
    """The Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    label = label.strip().lower()
    label = _WHATWG_SUPERSETS.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # bytes→bytes codecs (base64, zlib) and Python-only ones are not web charsets.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def http_charset(content_type_header: str | None) -> str | None:
    """The codec named by ``charset=`` in a Content-Type header, if Python knows it."""
    match = _HTTP_CHARSET.search(content_type_header or "")
    return _codec(match.group(1)) if match else None


def declared_charset(content: bytes) -> str | None:
    """The codec a document declares in its first 4 KB (XML declaration or meta tag)."""
    head = content[:_HEAD]
    match = _XML_DECLARATION.search(head) or _META_CHARSET.search(head)
    return _codec(match.group(1)) if match else None


def _strict(content: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    # A UTF-16/32 label on a body without NUL bytes is a lie: the label itself was ASCII.
    if encoding.startswith(("utf-16", "utf-32")) and b"\x00" not in content[:_HEAD]:
        return None
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        logger.debug("body does not decode as its declared %s", encoding)
        return None


def _guess(content: bytes) -> str | None:
    try:
        best = from_bytes(content[:_GUESS_SAMPLE]).best()
    except (ValueError, LookupError, UnicodeError) as exc:  # charset-normalizer edge cases
        logger.debug("charset detection failed: %s", exc)
        return None
    return _codec(best.encoding) if best is not None else None


def utf8_counts(content: bytes) -> tuple[str, int, int]:
    """``(text, valid, invalid)``: ``content`` decoded as UTF-8 with replacement, how many
    non-ASCII characters decoded validly and how many invalid byte sequences were replaced."""
    text = content.decode("utf-8", errors="replace")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    invalid = text.count("\ufffd") - content.count(b"\xef\xbf\xbd")  # a real U+FFFD is valid
    return text, non_ascii - invalid, invalid


def _mostly_utf8(content: bytes, declared_utf8: bool) -> str | None:
    """The text when ``content`` is UTF-8 with a few broken bytes (see the module doc), else None."""
    text, valid, invalid = utf8_counts(content)
    if valid > (invalid if declared_utf8 else 10 * invalid):
        logger.debug("UTF-8 body with %d invalid byte sequences (and %d valid characters): replaced",
                     invalid, valid)
        return text
    return None


def decode_text(content: bytes, content_type_header: str | None) -> tuple[str, str]:
    """Decode a fetched body to text; returns (text, codec name). Never raises."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom):].decode(encoding, errors="replace"), encoding
    if not content.isascii():
        text = _strict(content, "utf-8")
        if text is not None:
            return text, "utf-8"
    from_header = http_charset(content_type_header)
    from_document = declared_charset(content)
    if not content.isascii():
        declared = from_header or from_document  # the header overrides the document (HTTP)
        text = _mostly_utf8(content, declared == "utf-8")
        if text is not None:
            return text, "utf-8"
    for encoding in (from_header, from_document):
        text = _strict(content, encoding)
        if text is not None:
            return text, encoding  # type: ignore[return-value]  # not None when text is
    if content.isascii():
        return content.decode("ascii"), "utf-8"
    guessed = _guess(content)
    for encoding in (guessed, from_header, from_document):
        if encoding and not encoding.startswith(("utf-16", "utf-32")):
            try:
                return content.decode(encoding, errors="replace"), encoding
            except (UnicodeError, LookupError):  # a codec that rejects errors="replace"
                continue
    return content.decode("cp1252", errors="replace"), "cp1252"
